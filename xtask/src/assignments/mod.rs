//! `cargo xtask assignments check | probes | bench | redteam`: prove that the
//! course kit works and that no hostile submission earns a point (run in CI),
//! and keep its probe results and timings.
//!
//! `check`:
//!
//! 1. The student copy (`cargo xtask student`) is written to a temporary folder,
//!    is rustfmt-clean and builds with `clippy --all-targets -D warnings`, so it
//!    has no warnings as shipped.
//! 2. Graded as a submission, the copy scores 0: every rubric test fails on the
//!    stubs, so nothing ships solved.
//! 3. The course itself (the solutions) scores full marks, and the rubric and the
//!    suite's test names match exactly: no rubric test is missing, and every test
//!    of the suite is scored or excluded with a reason.
//! 4. Each wrong submission in `xtask/fixtures/wrong.toml` (a realistic mistake
//!    applied to one solution region) loses points in the assignment it belongs
//!    to, and keeps full marks in every assignment it cannot affect; and the
//!    grader's diagnosis names it as itself, and nothing else.
//! 5. A mistake no fixture describes is diagnosed as no known mistake, and the
//!    committed probe results (`xtask/fixtures/probes.json`) are up to date.

// The subcommands, then what they share (the comment above each line keeps
// rustfmt from sorting them: the order is the stair of the imports).
//
// `cargo xtask assignments check`
pub mod check;
// `cargo xtask assignments probes`
pub mod probes;
// `cargo xtask assignments bench`
pub mod bench;
// `cargo xtask assignments redteam`
pub mod redteam;
// `cargo xtask assignments learn`
pub mod learn;
// `cargo xtask assignments mutants`
pub mod mutants;
// `cargo learn --watch` in a terminal.
pub mod terminal;
// A made-up class of submissions.
pub mod class;
// Why a report is not what the kit expects.
pub mod verdicts;

use std::path::PathBuf;

use anyhow::Context;

/// The command line of `cargo xtask assignments`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Prove the student copy, the rubric and the grader right (CI runs this).
    Check {
        /// Another checkout of the course to check (default: this workspace).
        #[arg(long, value_name = "DIR")]
        course: Option<PathBuf>,
    },
    /// Compute what the diagnosis probe prints for the solution and each wrong
    /// submission into xtask/fixtures/probes.json.
    Probes {
        /// Fail if the committed file differs instead of writing it.
        #[arg(long)]
        check: bool,
    },
    /// Write a class of submissions (the solution and every wrong submission,
    /// each made unique) and grade it as a batch, timing each submission.
    Bench {
        /// How many submissions.
        #[arg(long, default_value_t = 30)]
        students: usize,
        /// How many are graded at once.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// Keep the class and its gradebook in this folder (default: a temporary one).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Grade every hostile submission of xtask/fixtures/hostile.toml through
    /// the routes it names and prove each contained (CI runs this).
    Redteam {
        /// Only the attack of this name.
        #[arg(long, value_name = "NAME")]
        only: Option<String>,
        /// Every attack through every route (CI grades each through the
        /// routes it names; this is the whole matrix, several times longer).
        #[arg(long)]
        all_routes: bool,
    },
    /// Mutate every solution region and run each mutant against the graded
    /// tests of its assignment alone; write xtask/fixtures/mutants.json.
    Mutants {
        /// Only prove the committed report that of the regions' current code
        /// and every survivor reviewed; builds nothing.
        #[arg(long, conflicts_with = "verify")]
        check: bool,
        /// Run every mutant and fail unless the committed report says the same,
        /// writing nothing (CI runs this).
        #[arg(long, conflicts_with = "only")]
        verify: bool,
        /// Only this region (the others keep their committed results).
        #[arg(long, value_name = "REGION")]
        only: Option<String>,
        /// proptest's seed (default 1).
        #[arg(long)]
        seed: Option<u64>,
        /// How many mutants run at once.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
    },
    /// Prove the student's checker (`cargo learn`) in a student copy: the
    /// grader's points on the solution, the stubs and every wrong submission,
    /// and its watch driven in a terminal (tmux).
    Learn {
        /// Leave out the terminal (tmux) part.
        #[arg(long, conflicts_with = "terminal_only")]
        no_terminal: bool,
        /// Only the terminal (tmux) part.
        #[arg(long)]
        terminal_only: bool,
        /// Every wrong submission (default: the first of each assignment).
        #[arg(long)]
        all: bool,
    },
}

/// Runs `cargo xtask assignments`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Check { course } => match course {
            Some(dir) => check::check(
                &dir.canonicalize().with_context(|| format!("no course at {}", dir.display()))?,
            ),
            None => check::check(&crate::workspace::root()),
        },
        Command::Probes { check } => probes::run(&crate::workspace::root(), check),
        Command::Bench { students, jobs, out } => {
            bench::run(&crate::workspace::root(), students, jobs, out.as_deref())
        }
        Command::Redteam { only, all_routes } => {
            redteam::run(&crate::workspace::root(), only.as_deref(), all_routes)
        }
        Command::Mutants { check, verify, only, seed, jobs } => {
            let mode = match (check, verify) {
                (true, _) => mutants::Mode::Check,
                (_, true) => mutants::Mode::Verify,
                _ => mutants::Mode::Write,
            };
            mutants::run(&crate::workspace::root(), mode, only.as_deref(), seed, jobs)
        }
        Command::Learn { no_terminal, terminal_only, all } => {
            learn::run(&crate::workspace::root(), !terminal_only, !no_terminal, all)
        }
    }
}

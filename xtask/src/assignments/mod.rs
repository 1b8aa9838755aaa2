//! `cargo xtask assignments check`: prove that the course kit works (run in CI).
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

pub mod bench;
pub mod class;
pub mod probes;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::grade::engine::{self, Request};
use crate::grade::report::{Outcome, Report};
use crate::kit::rubric::Rubric;
use crate::kit::sandbox::{self, TargetLock};

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
}

pub use crate::kit::fixtures::{FIXTURES, Fixture, Fixtures, write_wrong_submission};

/// Runs `cargo xtask assignments`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Check { course } => match course {
            Some(dir) => check(
                &dir.canonicalize().with_context(|| format!("no course at {}", dir.display()))?,
            ),
            None => check(&crate::workspace::root()),
        },
        Command::Probes { check } => probes::run(&crate::workspace::root(), check),
        Command::Bench { students, jobs, out } => {
            bench::run(&crate::workspace::root(), students, jobs, out.as_deref())
        }
    }
}

/// The whole check; prints what it proves as it goes, fails on the first problem.
pub fn check(root: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let rubric = Rubric::load(&root.join(crate::kit::rubric::RUBRIC))?;
    let fixtures = Fixtures::load(&root.join(FIXTURES))?;
    let target_dir = sandbox::kit_target_dir(root);
    let scratch = tempfile::Builder::new().prefix("descent-assignments-").tempdir()?;
    let request = |submission: &Path| Request {
        course_root: root.to_path_buf(),
        submission: submission.to_path_buf(),
        extra_tests: None,
        timeout: None,
        target_dir: target_dir.clone(),
    };

    // 1. The student copy: fresh, formatted, warning-free.
    let copy = scratch.path().join("student");
    let summary = crate::student::write_copy(root, &copy, false)?;
    println!("student copy: {} regions cut out of {} files", summary.regions, summary.files);
    {
        let lock = TargetLock::acquire(&target_dir)?;
        sandbox::touch_tree(&copy)?;
        sandbox::run_checked(
            sandbox::cargo(&copy, &lock).args(["fmt", "--all", "--check"]),
            "cargo fmt --check on the student copy",
        )?;
        sandbox::run_checked(
            sandbox::cargo(&copy, &lock).args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
            "cargo clippy -D warnings on the student copy",
        )?;
    }
    println!(
        "student copy: rustfmt-clean, no warnings under clippy --all-targets -D warnings ({:.0?})",
        started.elapsed()
    );

    // 2. The stubs score nothing.
    let stubs = engine::grade(&request(&copy))?;
    let solved: Vec<&str> = stubs
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Passed)
        .map(|t| t.name.as_str())
        .collect();
    if !solved.is_empty() || stubs.build_error.is_some() {
        print!("{}", stubs.table());
        bail!(
            "the student copy must build and fail every graded test; these pass on the stubs: {solved:?}"
        );
    }
    println!(
        "student copy: scores {}/{}, every graded test fails on the stubs ({:.0?})",
        stubs.total(),
        stubs.max(),
        started.elapsed()
    );

    // 3. The solutions score full marks; rubric and suite match exactly.
    let solution = engine::grade(&request(root))?;
    let problems = rubric_problems(&solution);
    if !problems.is_empty() {
        print!("{}", solution.table());
        bail!(
            "the solutions must score full marks with a rubric that matches the suite:\n  {}",
            problems.join("\n  ")
        );
    }
    println!(
        "solutions: score {}/{}; rubric and graded suite name the same tests ({:.0?})",
        solution.total(),
        solution.max(),
        started.elapsed()
    );

    // 4. Each wrong submission loses points where it should, and only there.
    let mut table = String::new();
    let _ = write!(table, "{:<34}", "wrong submission");
    for a in &rubric.assignments {
        let _ = write!(table, " {:>14}", a.id);
    }
    let _ = writeln!(table);
    let mut failures = Vec::new();
    let mut named = 0;
    let mut messages = 0;
    for fixture in &fixtures.fixtures {
        let submission = scratch.path().join(format!("wrong-{}", fixture.name));
        write_wrong_submission(root, &rubric, fixture, &submission)?;
        let report = engine::grade(&request(&submission))?;
        let _ = write!(table, "{:<34}", fixture.name);
        for a in &report.assignments {
            let _ = write!(table, " {:>14}", format!("{}/{}", a.points, a.max));
        }
        let _ = writeln!(table);
        failures.extend(fixture_problems(fixture, &report));
        let problems = message_problems(&report);
        messages += report.tests.iter().filter(|t| t.outcome == Outcome::Failed).count();
        failures.extend(problems.into_iter().map(|p| format!("{}: {p}", fixture.name)));
        if report.diagnosis.iter().map(|d| d.mistake.as_str()).collect::<Vec<_>>()
            != [fixture.name.as_str()]
        {
            failures.push(format!(
                "{}: diagnosed as {:?}, not as itself",
                fixture.name,
                report.diagnosis.iter().map(|d| &d.mistake).collect::<Vec<_>>()
            ));
        } else {
            named += 1;
        }
    }
    print!("\n{table}");
    println!(
        "diagnosis: {named} of {} wrong submissions named as themselves and as nothing else",
        fixtures.fixtures.len()
    );
    println!(
        "feedback: {messages} failed tests' messages, each one message with numbers, the minimal \
         input of a property, and the chapter to read"
    );
    if !failures.is_empty() {
        bail!("wrong submissions graded wrongly:\n  {}", failures.join("\n  "));
    }

    // 5. A mistake nobody described: no guess.
    let unknown = scratch.path().join("undescribed-mutation");
    let mutation = Fixture {
        name: "undescribed".into(),
        mistake: "half the gradient-descent step".into(),
        region: "solution_gd_step".into(),
        find: "*w -= self.learning_rate * g;".into(),
        replace: "*w -= 0.5 * self.learning_rate * g;".into(),
        loses: vec!["gradient-descent".into()],
        may_also_lose: vec![],
        read: None,
    };
    write_wrong_submission(root, &rubric, &mutation, &unknown)?;
    let report = engine::grade(&request(&unknown))?;
    if !report.diagnosed || !report.diagnosis.is_empty() || report.total() == report.max() {
        bail!(
            "a mistake no fixture describes must lose points and be diagnosed as no known \
             mistake; got {}/{}, diagnosed {}, {:?}",
            report.total(),
            report.max(),
            report.diagnosed,
            report.diagnosis
        );
    }
    println!(
        "an undescribed mutation: {}/{}, no known mistake named",
        report.total(),
        report.max()
    );
    let committed =
        crate::grade::diagnose::Fingerprints::load(&root.join(crate::grade::diagnose::PROBES))?;
    for fixture in &fixtures.fixtures {
        if !committed.fixtures.contains_key(&fixture.name) {
            bail!(
                "{} has no probe results: run `cargo xtask assignments probes` and commit {}",
                fixture.name,
                crate::grade::diagnose::PROBES
            );
        }
    }
    println!(
        "\nassignments check passed: {} wrong submissions each lose points in their assignment and are named ({:.0?} in all)",
        fixtures.fixtures.len(),
        started.elapsed()
    );
    Ok(())
}

/// Why the solutions' report shows a rubric that does not fit the suite.
pub fn rubric_problems(report: &Report) -> Vec<String> {
    let mut problems: Vec<String> = report
        .tests
        .iter()
        .filter(|t| t.outcome != Outcome::Passed)
        .map(|t| {
            format!("{} {}: {}", t.name, t.outcome.word(), t.message.lines().next().unwrap_or(""))
        })
        .collect();
    if let Some(log) = &report.build_error {
        problems.push(format!("the course does not build: {log}"));
    }
    problems.extend(
        report
            .unscored
            .iter()
            .map(|n| format!("{n} is in the suite but neither scored nor excluded")),
    );
    problems.extend(
        report.excluded_missing.iter().map(|n| format!("{n} is excluded but not in the suite")),
    );
    problems
}

/// Why the messages of a report's failed tests are not what a student can read:
/// each is one message (no `panicked at` lines, no panic repeated), a property's
/// names its minimal failing input, numbers are shown as numbers (a bit pattern
/// only beside its number), and the feedback names the chapter to read.
pub fn message_problems(report: &Report) -> Vec<String> {
    let feedback = crate::grade::feedback::student_markdown(report);
    let mut problems = Vec::new();
    for t in report.tests.iter().filter(|t| t.outcome == Outcome::Failed) {
        let m = &t.message;
        if m.trim().is_empty() {
            problems.push(format!("{}: an empty message", t.name));
        }
        if m.contains("panicked at") {
            problems.push(format!("{}: a `panicked at` line in the message", t.name));
        }
        if m.contains("Test failed") && !m.contains("minimal failing input") {
            problems.push(format!("{}: a failing property without its minimal input", t.name));
        }
        if has_bare_bit_pattern(m) {
            problems.push(format!("{}: numbers shown as bare bit patterns", t.name));
        }
    }
    let failed = report.tests.iter().filter(|t| t.outcome != Outcome::Passed).count();
    if failed > 0 && feedback.matches("Read: book/src/").count() < failed.min(1) {
        problems.push("the feedback names no chapter to read".into());
    }
    problems
}

/// True if `text` holds a run of 16 or more decimal digits that is neither hex
/// (after `0x`) nor the fraction of a number: an `f64` shown as its bit pattern.
pub fn has_bare_bit_pattern(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let before = &bytes[start.saturating_sub(2)..start];
            let hex_or_fraction = before.ends_with(b"0x") || before.ends_with(b".");
            if i - start >= 16 && !hex_or_fraction {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}

/// Why a wrong submission's report is not what the fixture expects.
pub fn fixture_problems(fixture: &Fixture, report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    if report.build_error.is_some() {
        problems.push(format!("{}: does not compile", fixture.name));
    }
    for a in &report.assignments {
        let must_lose = fixture.loses.contains(&a.id);
        let may_lose = fixture.may_also_lose.contains(&a.id);
        if must_lose && a.points == a.max {
            problems.push(format!(
                "{}: keeps full marks in `{}` ({})",
                fixture.name, a.id, fixture.mistake
            ));
        }
        if !must_lose && !may_lose && a.points < a.max {
            problems.push(format!(
                "{}: loses points in `{}`, which it cannot affect",
                fixture.name, a.id
            ));
        }
    }
    for id in fixture.loses.iter().chain(&fixture.may_also_lose) {
        if report.assignment(id).is_none() {
            problems.push(format!(
                "{}: names an assignment `{id}` the rubric does not have",
                fixture.name
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn bit_patterns_are_told_from_numbers() {
        assert!(has_bare_bit_pattern("left: `Some([4666723172467343360])`"));
        assert!(!has_bare_bit_pattern("[10000.0] (bits 0x40c3880000000000)"));
        assert!(!has_bare_bit_pattern("got 0.30000000000000004, expected 2.683281572999747e-1"));
        assert!(!has_bare_bit_pattern("(1 − 2.1)·w = -1.1e0 ± 2.0650148258027913e-15"));
    }

    #[test]
    fn every_fixture_sends_the_student_to_a_section_of_its_assignments_chapter() {
        let root = crate::workspace::root();
        let rubric = Rubric::load(&root.join(crate::kit::rubric::RUBRIC)).unwrap();
        let fixtures = Fixtures::load(&root.join(FIXTURES)).unwrap();
        for fixture in &fixtures.fixtures {
            let assignment = rubric
                .assignments
                .iter()
                .find(|a| a.regions.iter().any(|r| r.name == fixture.region))
                .unwrap();
            let chapter = assignment.chapter.as_deref().unwrap();
            let text = fs::read_to_string(root.join("book/src").join(chapter)).unwrap();
            let read =
                fixture.read.as_deref().unwrap_or_else(|| panic!("{}: no `read`", fixture.name));
            assert!(
                text.lines()
                    .any(|l| l.trim_start_matches('#').trim() == read && l.starts_with('#')),
                "{}: no heading “{read}” in book/src/{chapter}",
                fixture.name
            );
        }
    }

    #[test]
    fn every_fixture_applies_to_the_current_solution_and_changes_it() {
        let root = crate::workspace::root();
        let rubric = Rubric::load(&root.join(crate::kit::rubric::RUBRIC)).unwrap();
        let fixtures = Fixtures::load(&root.join(FIXTURES)).unwrap();
        assert!(fixtures.fixtures.len() >= 6);
        for fixture in &fixtures.fixtures {
            let out = tempfile::tempdir().unwrap();
            let file = write_wrong_submission(&root, &rubric, fixture, out.path()).unwrap();
            let relative = file.strip_prefix(out.path()).unwrap();
            let original = fs::read_to_string(root.join(relative)).unwrap();
            assert_ne!(fs::read_to_string(&file).unwrap(), original, "{}", fixture.name);
            for id in fixture.loses.iter().chain(&fixture.may_also_lose) {
                assert!(rubric.assignments.iter().any(|a| &a.id == id), "{}: {id}", fixture.name);
            }
        }
    }
}

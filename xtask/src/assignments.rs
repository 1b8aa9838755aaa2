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
//!    to, and keeps full marks in every assignment it cannot affect.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::grade::engine::{self, Request};
use crate::grade::report::{Outcome, Report};
use crate::kit::regions;
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
}

/// The wrong-submission fixtures, relative to the workspace root.
pub const FIXTURES: &str = "xtask/fixtures/wrong.toml";

/// The fixtures file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// The wrong submissions.
    #[serde(rename = "fixture")]
    pub fixtures: Vec<Fixture>,
}

/// One wrong submission: the solution with one realistic mistake.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// A short name.
    pub name: String,
    /// The mistake, as a student would make it.
    pub mistake: String,
    /// The solution region it changes.
    pub region: String,
    /// Text inside the region (exactly once)…
    pub find: String,
    /// …and what the student wrote instead.
    pub replace: String,
    /// Assignments that must lose points.
    pub loses: Vec<String>,
    /// Assignments that may lose points too (they build on the region); every
    /// other assignment must keep full marks.
    #[serde(default)]
    pub may_also_lose: Vec<String>,
}

impl Fixtures {
    /// Reads the fixtures file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in {}", path.display()))
    }
}

/// Runs `cargo xtask assignments`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Check { course } => match course {
            Some(dir) => check(
                &dir.canonicalize().with_context(|| format!("no course at {}", dir.display()))?,
            ),
            None => check(&crate::workspace_root()),
        },
    }
}

/// The whole check; prints what it proves as it goes, fails on the first problem.
pub fn check(root: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let rubric = Rubric::load(&root.join(engine::RUBRIC))?;
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
    }
    print!("\n{table}");
    if !failures.is_empty() {
        bail!("wrong submissions graded wrongly:\n  {}", failures.join("\n  "));
    }
    println!(
        "\nassignments check passed: {} wrong submissions each lose points in their assignment ({:.0?} in all)",
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

/// Writes the student crates' sources of the solution, with `fixture` applied.
pub fn write_wrong_submission(
    root: &Path,
    rubric: &Rubric,
    fixture: &Fixture,
    out: &Path,
) -> anyhow::Result<PathBuf> {
    let spec = rubric.regions().find(|r| r.name == fixture.region).with_context(|| {
        format!("fixture {}: no region `{}` in the rubric", fixture.name, fixture.region)
    })?;
    for krate in &rubric.course.student_crates {
        let src = Path::new(krate).join("src");
        sandbox::copy_tree(&root.join(&src), &out.join(&src), &|_| false)?;
    }
    let file = out.join(&spec.file);
    let text = fs::read_to_string(&file)?;
    let wrong = regions::edit(&text, &fixture.region, &fixture.find, &fixture.replace)
        .with_context(|| format!("fixture {}", fixture.name))?;
    fs::write(&file, wrong)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixture_applies_to_the_current_solution_and_changes_it() {
        let root = crate::workspace_root();
        let rubric = Rubric::load(&root.join(engine::RUBRIC)).unwrap();
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

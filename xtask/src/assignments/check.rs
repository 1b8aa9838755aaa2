//! `cargo xtask assignments check`: the whole check of the course kit, step by
//! step (see [`crate::assignments`] for what each step proves).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::bail;

use super::verdicts::{fixture_problems, message_problems, rubric_problems};
use crate::grade::diagnose::{Fingerprints, PROBES};
use crate::grade::engine::{self, Request};
use crate::grade::report::Outcome;
use crate::kit::fixtures::{FIXTURES, Fixture, Fixtures, write_wrong_submission};
use crate::kit::lock::TargetLock;
use crate::kit::rubric::{RUBRIC, Rubric};
use crate::kit::{process, sandbox, trees};

/// The whole check; prints what it proves as it goes, fails on the first problem.
pub fn check(root: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    let fixtures = Fixtures::load(&root.join(FIXTURES))?;
    let target_dir = sandbox::kit_target_dir(root);
    let scratch = tempfile::Builder::new().prefix("descent-assignments-").tempdir()?;
    let request = |submission: &Path| Request::new(root, submission);

    // 1. The student copy: fresh, formatted, warning-free.
    let copy = scratch.path().join("student");
    let summary = crate::student::write_copy(root, &copy, false)?;
    println!("student copy: {} regions cut out of {} files", summary.regions, summary.files);
    {
        let lock = TargetLock::acquire(&target_dir)?;
        trees::touch_tree(&copy)?;
        process::run_checked(
            sandbox::cargo(&copy, &lock).args(["fmt", "--all", "--check"]),
            "cargo fmt --check on the student copy",
        )?;
        process::run_checked(
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
        // Only a part of the solution's line, so that no line of solution code
        // is written out in the grader (the Gradescope bundle ships it).
        find: "self.learning_rate * g".into(),
        replace: "0.5 * self.learning_rate * g".into(),
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
    let committed = Fingerprints::load(&root.join(PROBES))?;
    for fixture in &fixtures.fixtures {
        if !committed.fixtures.contains_key(&fixture.name) {
            bail!(
                "{} has no probe results: run `cargo xtask assignments probes` and commit {}",
                fixture.name,
                PROBES
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

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn every_fixture_sends_the_student_to_a_section_of_its_assignments_chapter() {
        let root = crate::workspace::root();
        let rubric = Rubric::load(&root.join(RUBRIC)).unwrap();
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
        let rubric = Rubric::load(&root.join(RUBRIC)).unwrap();
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

//! `cargo xtask assignments learn`: the student's checker (`cargo learn`, the
//! crate `tests/learn/`) proved in a fresh student copy.
//!
//! 1. **The same numbers as the grader.** The solution, the stubs and one
//!    submission that holds the first wrong submission of
//!    `xtask/fixtures/wrong.toml` for every assignment at once (each in its own
//!    region; with `--all`, every wrong submission on its own) are graded by the
//!    grader (`grade --dir`, the public suite) and checked by `cargo learn
//!    --points` in the copy; every test's points must be equal, and so must the
//!    diagnosis (whether it was made, and the mistakes named). A mistake in every
//!    assignment takes every assignment's tests through both paths, failing and
//!    passing, and the naming of several mistakes at once; the two
//!    share the rubric, the messages and the mistake matching
//!    (`descent-feedback`), so that the rest would repeat the same code on other
//!    inputs, at a build and a run each.
//! 2. **As a learner uses it.** `cargo learn --watch` runs in a terminal (tmux)
//!    in the copy; the stubs, then a wrong answer (a known mistake), then the
//!    solution are saved into the copy's crates one after the other, and the
//!    screen must show each: no points, the mistake named, full marks (and the
//!    watch ends). The three screens are printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};

use super::terminal::put_in;
use crate::grade::engine::{self, Request};
use crate::grade::report::Report;
use crate::kit::fixtures::{FIXTURES, Fixtures, apply_wrong_edit, write_wrong_submission};
use crate::kit::rubric::{RUBRIC, Rubric};
use crate::kit::trees;

/// What `cargo learn --points` said: each test's points, whether it diagnosed,
/// and the mistakes it named.
#[derive(Debug, PartialEq, Eq)]
struct Checked {
    points: BTreeMap<String, u32>,
    diagnosed: bool,
    mistakes: Vec<String>,
}

/// Runs `cargo xtask assignments learn`.
pub fn run(root: &Path, same_numbers: bool, terminal: bool, all: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    let fixtures = Fixtures::load(&root.join(FIXTURES))?;
    let scratch = tempfile::Builder::new().prefix("descent-learn-").tempdir()?;
    let copy = scratch.path().join("student");
    crate::student::write_copy(root, &copy, false)?;
    let stubs = scratch.path().join("stubs");
    for krate in &rubric.course.student_crates {
        trees::copy_tree(&copy.join(krate), &stubs.join(krate), &|_| false)?;
    }
    println!("student copy written ({:.0?})", started.elapsed());

    // 1. The same numbers.
    let mut submissions: Vec<(String, PathBuf)> =
        vec![("stubs".into(), stubs.clone()), ("solution".into(), root.to_path_buf())];
    if all {
        for fixture in &fixtures.fixtures {
            let dir = scratch.path().join(format!("wrong-{}", fixture.name));
            write_wrong_submission(root, &rubric, fixture, &dir)?;
            submissions.push((fixture.name.clone(), dir));
        }
    } else {
        // The first wrong submission of every assignment, all in one: each edits
        // its own region, so one build and one run take every assignment's tests
        // through both paths with a mistake to name in each.
        let mut covered = std::collections::BTreeSet::new();
        let firsts: Vec<_> = fixtures
            .fixtures
            .iter()
            .filter(|f| f.loses.first().is_some_and(|a| covered.insert(a.clone())))
            .collect();
        let (first, rest) = firsts.split_first().context("no wrong submission")?;
        let dir = scratch.path().join("wrong-one-per-assignment");
        write_wrong_submission(root, &rubric, first, &dir)?;
        for fixture in rest {
            apply_wrong_edit(&rubric, fixture, &dir)?;
        }
        let names: Vec<&str> = firsts.iter().map(|f| f.name.as_str()).collect();
        println!("one submission with a mistake in every assignment: {}", names.join(", "));
        submissions.push((format!("{} mistakes at once", firsts.len()), dir));
    }
    let mut problems = Vec::new();
    for (name, submission) in submissions.iter().filter(|_| same_numbers) {
        let report = engine::grade(&Request::new(root, submission))?;
        put_in(root, &rubric, submission, &copy)?;
        let checked = check(&copy)?;
        let graded = graded(&report);
        let total: u32 = checked.points.values().sum();
        println!(
            "{name:<38} grader {:>3}/{}  cargo learn {total:>3}/{}  mistakes {:?}",
            report.total(),
            report.max(),
            report.max(),
            checked.mistakes
        );
        if checked != graded {
            let differing: Vec<String> = graded
                .points
                .iter()
                .filter(|(test, points)| checked.points.get(*test) != Some(points))
                .map(|(test, points)| {
                    format!("{test}: grader {points}, cargo learn {:?}", checked.points.get(test))
                })
                .collect();
            problems.push(format!(
                "{name}: {differing:?}; diagnosis: grader {:?} {:?}, cargo learn {:?} {:?}",
                graded.diagnosed, graded.mistakes, checked.diagnosed, checked.mistakes
            ));
        }
    }
    if !problems.is_empty() {
        bail!("cargo learn and the grader disagree:\n  {}", problems.join("\n  "));
    }
    if same_numbers {
        println!(
            "same numbers: cargo learn gives every test of {} submissions the grader's points, and \
         names the grader's mistakes ({:.0?})",
            submissions.len(),
            started.elapsed()
        );
    }

    // 2. In a terminal.
    if !terminal {
        return Ok(());
    }
    let wrong = fixtures.fixtures.first().context("no wrong submission")?;
    let wrong_dir = scratch.path().join(format!("wrong-{}", wrong.name));
    if !wrong_dir.exists() {
        write_wrong_submission(root, &rubric, wrong, &wrong_dir)?;
    }
    super::terminal::drive(&copy, &rubric, &stubs, (&wrong.name, &wrong_dir), root)?;
    println!("in a terminal: the watch saw each save ({:.0?} in all)", started.elapsed());
    Ok(())
}

/// The command that runs cargo in the copy, with the copy's own build folder.
pub fn cargo_in(copy: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(copy).env("CARGO_TARGET_DIR", copy.join("target"));
    command
}

/// `cargo learn --points` in the copy.
fn check(copy: &Path) -> anyhow::Result<Checked> {
    let output = cargo_in(copy).args(["learn", "--points"]).output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("cargo learn --points failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    }
    let mut checked = Checked { points: BTreeMap::new(), diagnosed: false, mistakes: Vec::new() };
    for line in stdout.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["diagnosed", yes] => checked.diagnosed = *yes == "true",
            ["mistake", name] => checked.mistakes.push(name.to_string()),
            [test, points, _] => {
                checked.points.insert(test.to_string(), points.parse()?);
            }
            _ => bail!("cargo learn --points printed `{line}`"),
        }
    }
    Ok(checked)
}

/// The grader's report in the same terms.
fn graded(report: &Report) -> Checked {
    Checked {
        points: report.tests.iter().map(|t| (t.name.clone(), t.points)).collect(),
        diagnosed: report.diagnosed,
        mistakes: report.diagnosis.iter().map(|d| d.mistake.clone()).collect(),
    }
}

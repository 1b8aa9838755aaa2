//! The diagnosis probe in a grading: put in the workspace as an example of the
//! graded suite's package, built with the tests, run jailed, and its results
//! matched against the known mistakes (see [`crate::grade::diagnose`]).

use std::fs;
use std::path::Path;
use std::time::Duration;

use super::libtest::test_env;
use crate::grade::diagnose::{self, Fingerprints, PROBE, PROBES, Probes};
use crate::grade::report::Report;
use crate::kit::fixtures::{FIXTURES, Fixtures};
use crate::kit::jail::{Jail, View};
use crate::kit::rubric::Rubric;
use crate::kit::{process, trees};

/// Where the probe goes in a grading workspace: an example of the graded suite's
/// package, built with the tests.
const IN_WORKSPACE: &str = "tests/examples/descent_probe.rs";

/// The probe's example name (the file name of [`IN_WORKSPACE`]).
pub const EXAMPLE: &str = "descent_probe";

/// Puts the course's probe in the workspace, if the course has one and the
/// results to compare with; true if it did (a course without them is not
/// diagnosed).
pub fn add(course: &Path, workspace: &Path, need_results: bool) -> anyhow::Result<bool> {
    let target = workspace.join(IN_WORKSPACE);
    if !course.join(PROBE).is_file() || (need_results && !course.join(PROBES).is_file()) {
        if target.exists() {
            fs::remove_file(&target)?;
        }
        return Ok(false);
    }
    trees::write_if_changed(&course.join(PROBE), &target)?;
    Ok(true)
}

/// Names in `report` the known mistakes the built probe's results match; a
/// diagnosis that cannot be made is said on stderr and leaves the grade as it is.
pub fn diagnose_or_say(
    report: &mut Report,
    course: &Path,
    submission: &Path,
    rubric: &Rubric,
    workspace: &Path,
    probe: Option<&Path>,
    jail: &Jail,
) {
    match probe {
        Some(probe) => {
            if let Err(why) = diagnose_into(report, course, rubric, workspace, probe, jail) {
                eprintln!("no diagnosis for {}: {why:#}", submission.display());
            }
        }
        None => eprintln!(
            "no diagnosis for {}: the probe does not build against it",
            submission.display()
        ),
    }
}

/// Runs the built probe and names the known mistakes its results match.
fn diagnose_into(
    report: &mut Report,
    course: &Path,
    rubric: &Rubric,
    workspace: &Path,
    probe: &Path,
    jail: &Jail,
) -> anyhow::Result<()> {
    let probes = run(probe, workspace, jail)?;
    let fingerprints = Fingerprints::load(&course.join(PROBES))?;
    let fixtures = Fixtures::load(&course.join(FIXTURES))?;
    report.diagnosis = diagnose::diagnose(&probes, &fingerprints, &fixtures, rubric);
    report.diagnosed = true;
    Ok(())
}

/// The probe's results, run jailed like a test.
pub fn run(probe: &Path, workspace: &Path, jail: &Jail) -> anyhow::Result<Probes> {
    let slot = jail.slot();
    let view = View::test(workspace, probe);
    let mut jailed =
        jail.command_as(slot.uid, probe, &[], workspace, &test_env(workspace), &view)?;
    let ran = process::run_with_limit(&mut jailed.command, Duration::from_secs(30))?;
    Ok(diagnose::parse(&ran.stdout))
}

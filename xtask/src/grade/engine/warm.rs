//! A slot's first build, from the stubs: before a slot builds any submission,
//! it builds the course's student crates with every solution cut out (the
//! student copy's `todo!()`s) with the graded suite, so that every dependency is
//! compiled by trusted code under a long time limit. A submission's own build
//! then has only its crates and the suite to compile, and its short limit
//! ([`super::Request::build_timeout`]) is a limit on the submission, not on
//! proptest's and insta's compile time. The slot never holds a solution.

use std::fs;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, bail};

use super::build::{self, Builder};
use super::request::{Request, Slot};
use super::{assemble, probe};
use crate::kit::lock::TargetLock;
use crate::kit::rubric::Rubric;
use crate::kit::{regions, trees};

/// The time limit of the first build of a slot (every dependency compiled).
const WARM_UP_LIMIT: Duration = Duration::from_secs(1800);

/// Builds `slot` from the stubs, unless it was built so before.
pub fn ensure(
    request: &Request,
    rubric: &Rubric,
    slot: &Slot,
    lock: &TargetLock,
    builder: &Builder<'_>,
) -> anyhow::Result<()> {
    if slot.warm.is_file() {
        return Ok(());
    }
    let stubs = tempfile::Builder::new().prefix("descent-stubs-").tempdir()?;
    stub_submission(&request.course_root, rubric, stubs.path())?;
    let warm_request = Request { submission: stubs.path().to_path_buf(), ..request.clone() };
    assemble::workspace(&warm_request, rubric, &slot.workspace)?;
    let with_probe = probe::add(&request.course_root, &slot.workspace, false)?;
    let long = Builder { limit: WARM_UP_LIMIT, ..*builder };
    let package = &rubric.course.test_package;
    if let Err(log) = build::suite_and_probe(&slot.workspace, package, with_probe, lock, &long)? {
        bail!("the stubs of the course do not build with the graded suite:\n{log}");
    }
    fs::write(&slot.warm, "built from the stubs\n")?;
    Ok(())
}

/// Writes into `out` the course's student crates with every solution region
/// cut out (the student copy's crates); a course that has no solution regions
/// (a grading kit, already made of stubs) is copied as it is. Returns every
/// line of solution code it cut (for a leak check), none for a kit.
pub fn stub_submission(course: &Path, rubric: &Rubric, out: &Path) -> anyhow::Result<Vec<String>> {
    let mut has_regions = false;
    for krate in &rubric.course.student_crates {
        trees::copy_tree(&course.join(krate), &out.join(krate), &|_| false)
            .with_context(|| format!("copying {krate}"))?;
        for file in trees::files_under(&course.join(krate))? {
            if file.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&file)?;
                has_regions |= !regions::find(&text)?.is_empty();
            }
        }
    }
    if has_regions {
        return Ok(crate::student::stubs::cut(course, out, rubric)?.secrets);
    }
    Ok(Vec::new())
}

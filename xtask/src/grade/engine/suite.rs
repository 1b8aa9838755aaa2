//! The built suite graded by the rubric: every scored test run on its own,
//! several at once, and counted by its exact name into the submission's report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::libtest::{self, TestRun};
use super::request::{self, Request};
use crate::grade::pool;
use crate::grade::report::{Outcome, Report, TestResult};
use crate::kit::jail::Jail;
use crate::kit::rubric::Rubric;

/// Runs every rubric test of the built `suite`, up to `workers` at once; the
/// report of the submission. `hidden` names the test targets of the hidden tests.
pub fn grade(
    request: &Request,
    rubric: &Rubric,
    suite: &Path,
    hidden: &BTreeSet<String>,
    workspace: &Path,
    jail: &Jail,
    workers: usize,
) -> anyhow::Result<Report> {
    let timeout = request::timeout(rubric, request);
    // name (`TARGET::TEST`, the path in the one binary) → ignored
    let found: BTreeMap<String, bool> =
        libtest::list(suite, workspace, jail)?.into_iter().collect();
    // Libtest must report every other test of the binary filtered out.
    let others = found.len().saturating_sub(1);
    let package_dir = workspace.join("tests");
    let scored = rubric.scored_tests();
    // Each test in a jailed process of its own, `workers` at once: a test's time
    // limit is its own, whatever runs beside it.
    let outcomes = pool::map(&scored, workers, |_, &(name, _, _)| match found.get(name) {
        None => {
            Ok((Outcome::Missing, "no test of that exact name in the graded suite".into(), 0.0))
        }
        Some(true) => Ok((Outcome::Ignored, "the test is marked #[ignore]".into(), 0.0)),
        Some(false) => {
            let run =
                TestRun { binary: suite, path: name, others, workspace, package_dir: &package_dir };
            libtest::run_one(&run, jail, timeout)
        }
    })?;
    let mut results = Vec::new();
    for ((name, assignment, points), outcome) in scored.iter().zip(outcomes) {
        let (outcome, message, seconds) = outcome?;
        let earned = if outcome == Outcome::Passed { *points } else { 0 };
        results.push(TestResult {
            name: name.to_string(),
            assignment: assignment.to_string(),
            points: earned,
            max_points: *points,
            outcome,
            message,
            seconds,
            hidden: hidden.contains(name.split_once("::").map_or(*name, |(t, _)| t)),
        });
    }
    let scored: BTreeSet<&str> = scored.iter().map(|t| t.0).collect();
    let unscored = found
        .keys()
        .filter(|n| !scored.contains(n.as_str()) && !rubric.excluded.contains_key(*n))
        .cloned()
        .collect();
    let excluded_missing =
        rubric.excluded.keys().filter(|n| !found.contains_key(*n)).cloned().collect();
    Ok(Report::new(rubric, &request.submission, results, unscored, excluded_missing))
}

//! The built suite graded by the rubric: every scored test run on its own,
//! several at once, and counted by its exact name into the submission's report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

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
    // The hidden tests' sources, which no test process is shown.
    let masked: Vec<std::path::PathBuf> = hidden
        .iter()
        .flat_map(|name| {
            let tests = package_dir.join("tests");
            [tests.join(format!("{name}.rs")), tests.join(name)]
        })
        .filter(|p| p.exists())
        .collect();
    let scored = rubric.scored_tests();
    // Each test in a jailed process of its own, `workers` at once: a test's time
    // limit is its own, whatever runs beside it. A submission's time is bounded
    // too: after an assignment's first time-out its other tests are not run,
    // and no test starts once the submission's budget is spent.
    let started = Instant::now();
    let timed_out: Mutex<BTreeSet<&str>> = Mutex::new(BTreeSet::new());
    let outcomes =
        pool::map(&scored, workers, |_, &(name, assignment, _)| match found.get(name) {
            None => Ok::<_, anyhow::Error>((
                Outcome::Missing,
                "no test of that exact name in the graded suite".into(),
                0.0,
            )),
            Some(true) => Ok((Outcome::Ignored, "the test is marked #[ignore]".into(), 0.0)),
            Some(false) => {
                if timed_out.lock().is_ok_and(|t| t.contains(assignment)) {
                    let message = "not run: an earlier test of this assignment was stopped at the \
                               time limit, and the grader runs no more of its tests"
                        .to_string();
                    return Ok((Outcome::TimedOut, message, 0.0));
                }
                if started.elapsed() > request.test_budget {
                    let message = format!(
                        "not run: the submission's tests had used up their budget of {} s",
                        request.test_budget.as_secs()
                    );
                    return Ok((Outcome::TimedOut, message, 0.0));
                }
                let run = TestRun {
                    binary: suite,
                    path: name,
                    others,
                    workspace,
                    package_dir: &package_dir,
                    masked: &masked,
                };
                let ran = libtest::run_one(&run, jail, timeout)?;
                if ran.0 == Outcome::TimedOut
                    && let Ok(mut t) = timed_out.lock()
                {
                    t.insert(assignment);
                }
                Ok(ran)
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

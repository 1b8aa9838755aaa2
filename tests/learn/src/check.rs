//! The graded tests built and run by the rubric, as the grader runs them: each
//! scored test alone by its exact name (`BINARY TEST --exact`), with the rubric's
//! time limit, a few at once; a test the suite does not have (libtest runs 0
//! tests), or marks `#[ignore]`, earns nothing; after an assignment's first time-out its other
//! tests are not run, and no test starts once the tests have used their budget.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use descent_feedback::mistakes::Named;
use descent_feedback::rubric::{RUBRIC, Rubric};
use wait_timeout::ChildExt as _;

use crate::cargo;

/// The budget of all the tests of one check (the grader's default).
const TEST_BUDGET: Duration = Duration::from_secs(300);

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It passed: full points.
    Passed,
    /// It failed or panicked.
    Failed,
    /// It ran past the time limit, or was not run after one that did.
    TimedOut,
    /// It is marked `#[ignore]`.
    Ignored,
    /// The suite has no test of that name.
    Missing,
    /// The code does not compile.
    NotBuilt,
}

/// One rubric test's result.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// `TARGET::PATH`.
    pub name: String,
    /// The assignment that scores it.
    pub assignment: String,
    /// Points it is worth.
    pub max_points: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it did not pass (empty if it did).
    pub message: String,
}

impl TestResult {
    /// Points earned.
    pub fn points(&self) -> u32 {
        if self.outcome == Outcome::Passed { self.max_points } else { 0 }
    }
}

/// One check of the student's code.
#[derive(Debug)]
pub struct Run {
    /// The rubric it was scored by.
    pub rubric: Rubric,
    /// Per rubric test, in rubric order.
    pub tests: Vec<TestResult>,
    /// The compiler's errors, if the code does not compile.
    pub build_error: Option<String>,
    /// Known mistakes the code makes; empty if none or not looked for.
    pub mistakes: Vec<Named>,
    /// True once the code's functions were compared with the known mistakes.
    pub diagnosed: bool,
    /// How long the check took.
    pub seconds: f64,
}

impl Run {
    /// Points earned and possible for an assignment (all of them for `None`),
    /// and the tests passing of its tests.
    pub fn score(&self, assignment: Option<&str>) -> (u32, u32, usize, usize) {
        let mine: Vec<&TestResult> =
            self.tests.iter().filter(|t| assignment.is_none_or(|a| t.assignment == a)).collect();
        let passing = mine.iter().filter(|t| t.outcome == Outcome::Passed).count();
        (
            mine.iter().map(|t| t.points()).sum(),
            mine.iter().map(|t| t.max_points).sum(),
            passing,
            mine.len(),
        )
    }

    /// True when every graded test passes.
    pub fn complete(&self) -> bool {
        let (points, max, _, _) = self.score(None);
        points == max && self.build_error.is_none()
    }

    /// The first assignment, in rubric order, that is not at full marks.
    pub fn current(&self) -> Option<&descent_feedback::rubric::Assignment> {
        self.rubric.assignments.iter().find(|a| {
            let (points, max, _, _) = self.score(Some(&a.id));
            points < max
        })
    }
}

/// Builds the graded suite against the student's crates and runs it by the rubric.
pub fn check(root: &Path) -> anyhow::Result<Run> {
    let started = Instant::now();
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    let package = rubric.course.test_package.clone();
    let built = cargo::build(root, &["test", "--package", &package, "--no-run"])?;
    let mut run = match built {
        Err(errors) => Run {
            tests: not_built(&rubric),
            rubric,
            build_error: Some(errors),
            mistakes: Vec::new(),
            diagnosed: false,
            seconds: 0.0,
        },
        Ok(executables) => {
            let binaries: BTreeMap<String, PathBuf> = executables
                .into_iter()
                .filter(|e| e.kind == "test")
                .map(|e| (e.name, e.path))
                .collect();
            let tests = run_tests(root, &rubric, &binaries)?;
            Run {
                tests,
                rubric,
                build_error: None,
                mistakes: Vec::new(),
                diagnosed: false,
                seconds: 0.0,
            }
        }
    };
    if run.build_error.is_none() && !run.complete() {
        crate::probe::diagnose(root, &mut run);
    }
    run.seconds = started.elapsed().as_secs_f64();
    Ok(run)
}

/// Every rubric test at zero: the code does not compile.
fn not_built(rubric: &Rubric) -> Vec<TestResult> {
    rubric
        .scored_tests()
        .into_iter()
        .map(|(name, assignment, points)| TestResult {
            name: name.to_string(),
            assignment: assignment.to_string(),
            max_points: points,
            outcome: Outcome::NotBuilt,
            message: "the code does not compile with the graded suite".into(),
        })
        .collect()
}

/// Runs every scored test of the built `binaries` (by target name).
fn run_tests(
    root: &Path,
    rubric: &Rubric,
    binaries: &BTreeMap<String, PathBuf>,
) -> anyhow::Result<Vec<TestResult>> {
    let package_dir = root.join("tests");
    let timeout = Duration::from_secs(rubric.course.timeout_seconds);
    let scored = rubric.scored_tests();
    // Most tests take milliseconds: starting their processes is the cost, and
    // a few more workers than cores hide it.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).max(4);
    let started = Instant::now();
    let timed_out: Mutex<BTreeSet<&str>> = Mutex::new(BTreeSet::new());
    let outcomes = descent_feedback::pool::map(&scored, workers, |_, &(name, assignment, _)| {
        let (target, path) = name.split_once("::").unwrap_or((name, ""));
        match binaries.get(target) {
            Some(binary) => {
                if timed_out.lock().is_ok_and(|t| t.contains(assignment)) {
                    let message = "not run: an earlier test of this assignment was stopped at \
                                   the time limit"
                        .to_string();
                    return (Outcome::TimedOut, message);
                }
                if started.elapsed() > TEST_BUDGET {
                    let message = format!(
                        "not run: the tests had used up their budget of {} s",
                        TEST_BUDGET.as_secs()
                    );
                    return (Outcome::TimedOut, message);
                }
                let ran = run_one(root, binary, &package_dir, path, timeout);
                if ran.0 == Outcome::TimedOut
                    && let Ok(mut t) = timed_out.lock()
                {
                    t.insert(assignment);
                }
                ran
            }
            None => (Outcome::Missing, "no test of that exact name in the graded suite".into()),
        }
    })?;
    Ok(scored
        .iter()
        .zip(outcomes)
        .map(|(&(name, assignment, points), (outcome, message))| TestResult {
            name: name.to_string(),
            assignment: assignment.to_string(),
            max_points: points,
            outcome,
            message,
        })
        .collect())
}

/// Runs one test alone, by its exact name, within `timeout`.
fn run_one(
    root: &Path,
    binary: &Path,
    package_dir: &Path,
    path: &str,
    timeout: Duration,
) -> (Outcome, String) {
    let mut command = Command::new(binary);
    command
        .args([path, "--exact", "--test-threads", "1"])
        .current_dir(package_dir)
        .envs(descent_feedback::test_environment(root))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let Ok(mut child) = command.spawn() else {
        return (Outcome::Failed, format!("cannot run {}", binary.display()));
    };
    let readers = [child.stdout.take().map(read_all), child.stderr.take().map(read_all)];
    let status = child.wait_timeout(timeout).ok().flatten();
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let [stdout, stderr] = readers.map(|r| r.and_then(|h| h.join().ok()).unwrap_or_default());
    let Some(status) = status else {
        let message = format!("stopped after the time limit of {} s", timeout.as_secs_f64());
        return (Outcome::TimedOut, message);
    };
    if stdout.contains("\nrunning 0 tests\n") {
        return (Outcome::Missing, "no test of that exact name in the graded suite".into());
    }
    if stdout.contains(&format!("\ntest {path} ... ignored")) {
        return (Outcome::Ignored, "the test is marked #[ignore]".into());
    }
    let ran = format!("\ntest {path} ... ok\n");
    if status.success() && stdout.contains(&ran) && stdout.contains("test result: ok. 1 passed") {
        return (Outcome::Passed, String::new());
    }
    (Outcome::Failed, descent_feedback::message::of_failed_test(&stdout, &stderr))
}

/// A thread that reads `pipe` to its end.
fn read_all(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

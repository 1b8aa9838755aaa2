//! Grading: assemble a workspace from the instructor's suite and the student's
//! crates, build the graded tests once, then run each rubric test on its own with
//! a time limit and count it by its exact name.
//!
//! The assembled workspace takes from the submission the `src/` folders of the
//! student crates (`course.student_crates` in the rubric) and nothing else: the
//! manifests, the other crates, the graded tests, their snapshots and the rubric
//! are the instructor's. Editing or deleting a test in a submission gains nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};

use super::report::{Outcome, Report, TestResult};
use crate::kit::rubric::{ExtraRubric, Rubric};
use crate::kit::sandbox::{self, TargetLock};

/// What to grade, against what.
#[derive(Debug, Clone)]
pub struct Request {
    /// The instructor's workspace: graded tests, rubric, manifests.
    pub course_root: PathBuf,
    /// The checkout whose student crates are graded.
    pub submission: PathBuf,
    /// A folder of hidden test files (and optionally their `rubric.toml`).
    pub extra_tests: Option<PathBuf>,
    /// The time limit of one test, overriding the rubric's.
    pub timeout: Option<Duration>,
    /// The kit's target folder (see [`sandbox`]).
    pub target_dir: PathBuf,
}

/// How a test ran: its outcome, why it failed, and how many seconds it took.
type Ran = (Outcome, String, f64);

/// The rubric file, relative to a workspace root.
pub const RUBRIC: &str = "tests/rubric.toml";

/// Grades `request.submission`.
pub fn grade(request: &Request) -> anyhow::Result<Report> {
    let mut rubric = Rubric::load(&request.course_root.join(RUBRIC))?;
    if let Some(extra) = &request.extra_tests {
        let extra_rubric = extra.join("rubric.toml");
        if extra_rubric.exists() {
            let text = fs::read_to_string(&extra_rubric)?;
            let hidden: ExtraRubric =
                toml::from_str(&text).with_context(|| format!("in {}", extra_rubric.display()))?;
            rubric.merge(hidden)?;
        }
    }
    let timeout =
        request.timeout.unwrap_or_else(|| Duration::from_secs(rubric.course.timeout_seconds));
    let workspace = tempfile::Builder::new().prefix("descent-grade-").tempdir()?;
    assemble(request, &rubric, workspace.path())?;

    let lock = TargetLock::acquire(&request.target_dir)?;
    sandbox::touch_tree(workspace.path())?;
    let binaries = match build(workspace.path(), &rubric.course.test_package, &lock)? {
        Ok(binaries) => binaries,
        Err(log) => return Ok(Report::not_built(&rubric, &request.submission, log)),
    };
    let mut found: BTreeMap<String, bool> = BTreeMap::new(); // name → ignored
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new(); // target → number of tests
    for (target, binary) in &binaries {
        let tests = list(binary)?;
        sizes.insert(target.as_str(), tests.len());
        for (name, ignored) in tests {
            found.insert(format!("{target}::{name}"), ignored);
        }
    }
    let package_dir = workspace.path().join("tests");
    let scored = rubric.scored_tests();
    // Each test in a process of its own, as many at once as there are cores:
    // a test's time limit is its own, whatever runs beside it.
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<anyhow::Result<Ran>>>> =
        Mutex::new((0..scored.len()).map(|_| None).collect());
    let workers =
        std::thread::available_parallelism().map_or(1, |n| n.get()).min(scored.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(name, _, _)) = scored.get(index) else { break };
                    let (target, path) = name.split_once("::").unwrap_or((name, ""));
                    let outcome = match (found.get(name), binaries.get(target)) {
                        (None, _) | (_, None) => Ok((
                            Outcome::Missing,
                            "no test of that exact name in the graded suite".into(),
                            0.0,
                        )),
                        (Some(true), _) => {
                            Ok((Outcome::Ignored, "the test is marked #[ignore]".into(), 0.0))
                        }
                        (Some(false), Some(binary)) => {
                            let others = sizes.get(target).map_or(0, |n| n.saturating_sub(1));
                            run_one(binary, path, others, &package_dir, timeout)
                        }
                    };
                    if let Ok(mut slots) = outcomes.lock() {
                        slots[index] = Some(outcome);
                    }
                }
            });
        }
    });
    let outcomes =
        outcomes.into_inner().map_err(|_| anyhow::anyhow!("a grading thread panicked"))?;
    let mut results = Vec::new();
    for ((name, assignment, points), outcome) in scored.iter().zip(outcomes) {
        let (outcome, message, seconds) = outcome.context("a test was never run")??;
        let earned = if outcome == Outcome::Passed { *points } else { 0 };
        results.push(TestResult {
            name: name.to_string(),
            assignment: assignment.to_string(),
            points: earned,
            max_points: *points,
            outcome,
            message,
            seconds,
        });
    }
    drop(lock);
    let scored: BTreeSet<&str> = rubric.scored_tests().iter().map(|t| t.0).collect();
    let unscored = found
        .keys()
        .filter(|n| !scored.contains(n.as_str()) && !rubric.excluded.contains_key(*n))
        .cloned()
        .collect();
    let excluded_missing =
        rubric.excluded.keys().filter(|n| !found.contains_key(*n)).cloned().collect();
    Ok(Report::new(&rubric, &request.submission, results, unscored, excluded_missing))
}

/// Writes the grading workspace into `dir`.
fn assemble(request: &Request, rubric: &Rubric, dir: &Path) -> anyhow::Result<()> {
    let course = &request.course_root;
    let student_sources: Vec<PathBuf> =
        rubric.course.student_crates.iter().map(|c| Path::new(c).join("src")).collect();
    for source in &student_sources {
        let from = request.submission.join(source);
        if !from.is_dir() {
            bail!(
                "{} is not a folder: is {} a checkout of the course?",
                from.display(),
                request.submission.display()
            );
        }
    }
    // The instructor's crates (minus the student crates' sources) and suite.
    let mut members = Vec::new();
    for entry in fs::read_dir(course.join("crates"))? {
        let entry = entry?;
        if entry.path().join("Cargo.toml").is_file() {
            members.push(format!("crates/{}", entry.file_name().to_string_lossy()));
        }
    }
    members.sort();
    members.push("tests".into());
    for member in &members {
        sandbox::copy_tree(&course.join(member), &dir.join(member), &|rel| {
            // The student crates' `src` come from the submission.
            student_sources.iter().any(|s| Path::new(member).join(rel) == *s)
        })?;
    }
    for source in &student_sources {
        sandbox::copy_tree(&request.submission.join(source), &dir.join(source), &|_| false)?;
    }
    let manifest = fs::read_to_string(course.join("Cargo.toml"))?;
    fs::write(dir.join("Cargo.toml"), sandbox::rewrite_members(&manifest, &members)?)?;
    if course.join("Cargo.lock").is_file() {
        fs::copy(course.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    }
    if let Some(extra) = &request.extra_tests {
        let tests_dir = dir.join("tests/tests");
        fs::create_dir_all(&tests_dir)?;
        for entry in
            fs::read_dir(extra).with_context(|| format!("cannot read {}", extra.display()))?
        {
            let entry = entry?;
            let name = entry.file_name();
            if name == "rubric.toml" {
                continue;
            }
            let to = tests_dir.join(&name);
            if to.exists() && !to.is_dir() {
                bail!(
                    "hidden test {} would replace a graded test of the same name",
                    name.to_string_lossy()
                );
            }
            if entry.file_type()?.is_dir() {
                sandbox::copy_tree(&entry.path(), &to, &|_| false)?;
            } else {
                fs::copy(entry.path(), &to)?;
            }
        }
    }
    Ok(())
}

/// Builds the integration tests of `package`: target name → executable, or the
/// compiler's complaint if the build fails.
fn build(
    workspace: &Path,
    package: &str,
    lock: &TargetLock,
) -> anyhow::Result<Result<BTreeMap<String, PathBuf>, String>> {
    let finished = sandbox::run_with_limit(
        sandbox::cargo(workspace, lock).args([
            "test",
            "--package",
            package,
            "--tests",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ]),
        Duration::from_secs(1800),
    )?;
    if finished.code != Some(0) {
        return Ok(Err(tail(&finished.stderr, 40)));
    }
    let mut binaries = BTreeMap::new();
    for line in finished.stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let is_test = message["reason"] == "compiler-artifact"
            && message["profile"]["test"] == true
            && message["target"]["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "test"));
        if let (true, Some(name), Some(executable)) =
            (is_test, message["target"]["name"].as_str(), message["executable"].as_str())
        {
            binaries.insert(name.to_string(), PathBuf::from(executable));
        }
    }
    Ok(Ok(binaries))
}

/// The tests of a test binary: name → whether it is ignored.
fn list(binary: &Path) -> anyhow::Result<Vec<(String, bool)>> {
    let listed = |ignored: bool| -> anyhow::Result<BTreeSet<String>> {
        let mut command = std::process::Command::new(binary);
        command.args(["--list", "--format", "terse"]);
        if ignored {
            command.arg("--ignored");
        }
        let finished = sandbox::run_with_limit(&mut command, Duration::from_secs(60))?;
        if finished.code != Some(0) {
            bail!("{} --list failed: {}", binary.display(), finished.stderr);
        }
        Ok(finished
            .stdout
            .lines()
            .filter_map(|l| l.strip_suffix(": test"))
            .map(str::to_string)
            .collect())
    };
    let ignored = listed(true)?;
    Ok(listed(false)?
        .into_iter()
        .map(|name| {
            let is_ignored = ignored.contains(&name);
            (name, is_ignored)
        })
        .collect())
}

/// Runs one test alone, by exact name, within `timeout`; `others` is the number
/// of other tests in its binary, all of which libtest must report filtered out.
fn run_one(
    binary: &Path,
    path: &str,
    others: usize,
    package_dir: &Path,
    timeout: Duration,
) -> anyhow::Result<Ran> {
    let mut command = std::process::Command::new(binary);
    command
        .args([path, "--exact", "--test-threads", "1"])
        .current_dir(package_dir)
        // insta fails on a changed snapshot instead of writing one.
        .env("CI", "true")
        .env("INSTA_UPDATE", "no")
        .env("RUST_BACKTRACE", "0");
    let finished = sandbox::run_with_limit(&mut command, timeout)?;
    let seconds = finished.elapsed.as_secs_f64();
    if finished.timed_out {
        let message = format!("stopped after the time limit of {} s", timeout.as_secs_f64());
        return Ok((Outcome::TimedOut, message, seconds));
    }
    // Count, never trust the exit code alone: a filter that matches nothing passes.
    // Libtest's own lines, to the number of tests filtered out, so that code that
    // exits early with status 0 does not pass by accident.
    let ran = format!("\ntest {path} ... ok\n");
    let summary = format!(
        "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; {others} filtered out;"
    );
    if finished.code == Some(0)
        && finished.stdout.contains(&ran)
        && finished.stdout.contains(&summary)
    {
        return Ok((Outcome::Passed, String::new(), seconds));
    }
    Ok((Outcome::Failed, failure_message(&finished.stdout, &finished.stderr), seconds))
}

/// The panic message of a failed test, from libtest's output.
fn failure_message(stdout: &str, stderr: &str) -> String {
    let captured: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("---- "))
        .skip(1)
        .take_while(|l| *l != "failures:" && !l.starts_with("---- "))
        .filter(|l| !l.is_empty() && !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    // From the panic on: proptest prints notes before it.
    let from_panic = captured.iter().position(|l| l.contains("panicked at")).unwrap_or(0);
    let text =
        if captured.is_empty() { tail(stderr, 5) } else { captured[from_panic..].join("\n") };
    let text = text.trim();
    match text.char_indices().nth(400) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

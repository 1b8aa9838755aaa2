//! Grading: assemble a workspace from the instructor's suite and the student's
//! crates, build the graded tests, then run each rubric test on its own, locked
//! down, with a time limit, and count it by its exact name.
//!
//! The assembled workspace takes from the submission the `src/` folders of the
//! student crates (`course.student_crates` in the rubric) and nothing else: the
//! manifests, the other crates, the graded tests, their snapshots and the rubric
//! are the instructor's. Editing or deleting a test in a submission gains nothing.
//!
//! Each grading *slot* keeps its workspace and its target folder between
//! gradings (`TARGET/kit/grade/slot-N/`), and a grading rewrites only the files
//! whose content differs: the dependencies and whatever the submission did not
//! change stay compiled, and only the student crates and the graded suite that
//! links them are rebuilt, as one binary ([`one_binary`]). A batch grades in
//! several slots at once.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::diagnose::{self, Fingerprints, PROBE, PROBES, Probes};
use super::report::{Outcome, Report, SandboxNote, TestResult};
use super::{feedback, one_binary};
use crate::kit::fixtures::{FIXTURES, Fixtures};
use crate::kit::jail::{Jail, Limits};
use crate::kit::rubric::{ExtraRubric, RUBRIC, Rubric};
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
    /// The kit's target folder (see [`sandbox`]); the slots live in `grade/` under it.
    pub target_dir: PathBuf,
}

/// How a test ran: its outcome, why it failed, and how many seconds it took.
type Ran = (Outcome, String, f64);

/// A grading slot: a workspace and a target folder that stay between gradings.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The assembled workspace.
    pub workspace: PathBuf,
    /// Its target folder.
    pub target: PathBuf,
}

impl Slot {
    /// Slot `n` under the kit's target folder.
    pub fn new(kit_target: &Path, n: usize) -> Self {
        let base = kit_target.join("grade").join(format!("slot-{n}"));
        Self { workspace: base.join("ws"), target: base.join("target") }
    }
}

/// Grades `request.submission` in slot 0, with a jail probed for this machine.
pub fn grade(request: &Request) -> anyhow::Result<Report> {
    let rubric = load_rubric(request)?;
    let jail = Jail::probe(limits(&rubric, request));
    grade_in(request, &rubric, &Slot::new(&request.target_dir, 0), &jail, default_workers())
}

/// The rubric, with the hidden tests' rubric merged in.
pub fn load_rubric(request: &Request) -> anyhow::Result<Rubric> {
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
    Ok(rubric)
}

/// The time limit of one test.
pub fn timeout(rubric: &Rubric, request: &Request) -> Duration {
    request.timeout.unwrap_or_else(|| Duration::from_secs(rubric.course.timeout_seconds))
}

/// The jail's limits: the defaults, with CPU time a little above the time limit.
pub fn limits(rubric: &Rubric, request: &Request) -> Limits {
    Limits { cpu_seconds: timeout(rubric, request).as_secs() + 5, ..Limits::default() }
}

/// As many tests at once as there are cores.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Grades `request.submission` in `slot`, running up to `workers` tests at once.
pub fn grade_in(
    request: &Request,
    rubric: &Rubric,
    slot: &Slot,
    jail: &Jail,
    workers: usize,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let timeout = timeout(rubric, request);
    let lock = TargetLock::acquire(&slot.target)?;
    check_submission(request, rubric)?;
    let hidden = assemble(request, rubric, &slot.workspace)?;
    let diagnosable = add_probe(&request.course_root, &slot.workspace, true)?;
    let mut probe = None;
    let mut report = match build(&slot.workspace, &rubric.course.test_package, &lock)? {
        Ok(Built { suite: Some(suite), probe: built_probe }) => {
            probe = built_probe;
            run_tests(rubric, &suite, &hidden, &slot.workspace, jail, timeout, workers, request)?
        }
        Ok(Built { suite: None, .. }) => {
            bail!("cargo reported no executable of the graded suite ({})", one_binary::TARGET)
        }
        Err(log) => Report::not_built(rubric, &request.submission, log),
    };
    if diagnosable && report.build_error.is_none() && report.total() < report.max() {
        // A diagnosis that cannot be made leaves the grade as it is.
        let course = &request.course_root;
        match probe {
            Some(probe) => {
                if let Err(why) =
                    diagnose_into(&mut report, course, rubric, &slot.workspace, &probe, jail)
                {
                    eprintln!("no diagnosis for {}: {why:#}", request.submission.display());
                }
            }
            None => eprintln!(
                "no diagnosis for {}: the probe does not build against it",
                request.submission.display()
            ),
        }
    }
    drop(lock);
    let (enforced, not_enforced) = jail.note();
    report.sandbox = SandboxNote { enforced, not_enforced };
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Where the probe goes in a grading workspace: an example of the graded suite's
/// package, built with the tests.
const PROBE_IN_WORKSPACE: &str = "tests/examples/descent_probe.rs";

/// Puts the course's probe in the workspace, if the course has one and the
/// results to compare with; true if it did (a course without them is not
/// diagnosed).
fn add_probe(course: &Path, workspace: &Path, need_results: bool) -> anyhow::Result<bool> {
    let target = workspace.join(PROBE_IN_WORKSPACE);
    if !course.join(PROBE).is_file() || (need_results && !course.join(PROBES).is_file()) {
        if target.exists() {
            fs::remove_file(&target)?;
        }
        return Ok(false);
    }
    sandbox::write_if_changed(&course.join(PROBE), &target)?;
    Ok(true)
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
    let probes = run_probe(probe, workspace, jail)?;
    let fingerprints = Fingerprints::load(&course.join(PROBES))?;
    let fixtures = Fixtures::load(&course.join(FIXTURES))?;
    report.diagnosis = diagnose::diagnose(&probes, &fingerprints, &fixtures, rubric);
    report.diagnosed = true;
    Ok(())
}

/// The probe's results, run jailed like a test.
fn run_probe(probe: &Path, workspace: &Path, jail: &Jail) -> anyhow::Result<Probes> {
    let slot = jail.slot();
    let mut command = jail.command(&slot, probe, &[], workspace, &test_env(workspace));
    let ran = sandbox::run_with_limit(&mut command, Duration::from_secs(30))?;
    Ok(diagnose::parse(&ran.stdout))
}

/// The probe's results for `request.submission`, assembled and built in `slot`
/// (for `cargo xtask assignments probes`).
pub fn probe(
    request: &Request,
    rubric: &Rubric,
    slot: &Slot,
    jail: &Jail,
) -> anyhow::Result<Probes> {
    let lock = TargetLock::acquire(&slot.target)?;
    check_submission(request, rubric)?;
    assemble(request, rubric, &slot.workspace)?;
    if !add_probe(&request.course_root, &slot.workspace, false)? {
        anyhow::bail!("the course has no probe ({PROBE})");
    }
    let built = build(&slot.workspace, &rubric.course.test_package, &lock)?
        .map_err(|log| anyhow::anyhow!("the submission does not build:\n{log}"))?;
    run_probe(
        &built.probe.context("the probe does not build against the submission")?,
        &slot.workspace,
        jail,
    )
}

/// Fails unless the submission has every student crate's `src/`.
pub fn check_submission(request: &Request, rubric: &Rubric) -> anyhow::Result<()> {
    for krate in &rubric.course.student_crates {
        let from = request.submission.join(krate).join("src");
        if !from.is_dir() {
            bail!(
                "{} is not a folder: is {} a checkout of the course?",
                from.display(),
                request.submission.display()
            );
        }
    }
    Ok(())
}

/// Runs every rubric test of the built suite; the report of the submission.
#[allow(clippy::too_many_arguments)]
fn run_tests(
    rubric: &Rubric,
    suite: &Path,
    hidden: &BTreeSet<String>,
    workspace: &Path,
    jail: &Jail,
    timeout: Duration,
    workers: usize,
    request: &Request,
) -> anyhow::Result<Report> {
    // name (`TARGET::TEST`, the path in the one binary) → ignored
    let found: BTreeMap<String, bool> = list(suite, workspace, jail)?.into_iter().collect();
    // Libtest must report every other test of the binary filtered out.
    let others = found.len().saturating_sub(1);
    let package_dir = workspace.join("tests");
    let scored = rubric.scored_tests();
    // Each test in a jailed process of its own, `workers` at once: a test's time
    // limit is its own, whatever runs beside it.
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<anyhow::Result<Ran>>>> =
        Mutex::new((0..scored.len()).map(|_| None).collect());
    let workers = workers.clamp(1, scored.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(name, _, _)) = scored.get(index) else { break };
                    let outcome = match found.get(name) {
                        None => Ok((
                            Outcome::Missing,
                            "no test of that exact name in the graded suite".into(),
                            0.0,
                        )),
                        Some(true) => {
                            Ok((Outcome::Ignored, "the test is marked #[ignore]".into(), 0.0))
                        }
                        Some(false) => {
                            let run = TestRun {
                                binary: suite,
                                path: name,
                                others,
                                workspace,
                                package_dir: &package_dir,
                            };
                            run_one(&run, jail, timeout)
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

/// Makes `dir` the grading workspace of `request`: the instructor's crates and
/// suite, the submission's student sources, the hidden tests. Writes only what
/// changed. Returns the test targets that came from the hidden tests.
fn assemble(request: &Request, rubric: &Rubric, dir: &Path) -> anyhow::Result<BTreeSet<String>> {
    let course = &request.course_root;
    let student_sources: Vec<PathBuf> =
        rubric.course.student_crates.iter().map(|c| Path::new(c).join("src")).collect();
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
    fs::create_dir_all(dir)?;
    // Whatever else an earlier grading left at the top (another course's crate).
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !["crates", "tests", "Cargo.toml", "Cargo.lock"].contains(&name.as_str()) {
            let path = entry.path();
            if path.is_dir() { fs::remove_dir_all(&path)? } else { fs::remove_file(&path)? }
        }
    }
    if dir.join("crates").is_dir() {
        for entry in fs::read_dir(dir.join("crates"))? {
            let entry = entry?;
            let member = format!("crates/{}", entry.file_name().to_string_lossy());
            if !members.contains(&member) {
                fs::remove_dir_all(entry.path())?;
            }
        }
    }
    for member in &members {
        sandbox::sync_tree(&course.join(member), &dir.join(member), &|rel| {
            // The student crates' `src` come from the submission; the one
            // binary's files are written below.
            student_sources.iter().any(|s| Path::new(member).join(rel) == *s)
                || (member == "tests" && one_binary::is_generated(rel))
        })?;
    }
    for source in &student_sources {
        sandbox::sync_tree(&request.submission.join(source), &dir.join(source), &|_| false)?;
    }
    let manifest = fs::read_to_string(course.join("Cargo.toml"))?;
    sandbox::write_bytes_if_changed(
        sandbox::rewrite_members(&manifest, &members)?.as_bytes(),
        &dir.join("Cargo.toml"),
    )?;
    if course.join("Cargo.lock").is_file() {
        sandbox::write_if_changed(&course.join("Cargo.lock"), &dir.join("Cargo.lock"))?;
    }
    let mut hidden = BTreeSet::new();
    if let Some(extra) = &request.extra_tests {
        let tests_dir = dir.join("tests/tests");
        for entry in
            fs::read_dir(extra).with_context(|| format!("cannot read {}", extra.display()))?
        {
            let entry = entry?;
            let name = entry.file_name();
            if name == "rubric.toml" {
                continue;
            }
            if course.join("tests/tests").join(&name).is_file() {
                bail!(
                    "hidden test {} would replace a graded test of the same name",
                    name.to_string_lossy()
                );
            }
            let to = tests_dir.join(&name);
            if entry.file_type()?.is_dir() {
                sandbox::sync_tree(&entry.path(), &to, &|_| false)?;
            } else {
                sandbox::write_if_changed(&entry.path(), &to)?;
                if let Some(stem) = Path::new(&name).file_stem() {
                    hidden.insert(stem.to_string_lossy().into_owned());
                }
            }
        }
    }
    let tests_dir = dir.join("tests/tests");
    sandbox::write_bytes_if_changed(
        one_binary::root(&tests_dir)?.as_bytes(),
        &dir.join("tests").join(one_binary::ROOT),
    )?;
    one_binary::snapshot_aliases(&tests_dir.join("snapshots"))?;
    Ok(hidden)
}

/// What a build made: the graded suite's one executable (see [`one_binary`]),
/// and the probe's, if it was built.
#[derive(Debug, Default)]
struct Built {
    suite: Option<PathBuf>,
    probe: Option<PathBuf>,
}

/// Builds the graded suite of `package` as one binary, without debug
/// information (nobody reads a backtrace of it, and linking it took longer than
/// compiling it), and the diagnosis probe with it
/// in the same build if the workspace holds it; or the compiler's complaint. A
/// probe that does not build against the submission costs only the diagnosis:
/// the tests are then built without it.
fn build(
    workspace: &Path,
    package: &str,
    lock: &TargetLock,
) -> anyhow::Result<Result<Built, String>> {
    let with_probe = workspace.join(PROBE_IN_WORKSPACE).is_file();
    let attempt = |probe: bool| -> anyhow::Result<sandbox::Finished> {
        let mut command = sandbox::cargo(workspace, lock);
        command.args([
            "build",
            "--package",
            package,
            "--test",
            one_binary::TARGET,
            "--message-format=json-render-diagnostics",
        ]);
        command.env("CARGO_PROFILE_DEV_DEBUG", "0");
        if probe {
            command.args(["--example", "descent_probe"]);
        }
        sandbox::run_with_limit(&mut command, Duration::from_secs(1800))
    };
    let mut finished = attempt(with_probe)?;
    if finished.code != Some(0) && with_probe {
        finished = attempt(false)?;
    }
    if finished.code != Some(0) {
        return Ok(Err(tail(&finished.stderr, 40)));
    }
    let mut built = Built::default();
    for line in finished.stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let kind = |k: &str| {
            message["target"]["kind"].as_array().is_some_and(|ks| ks.iter().any(|x| x == k))
        };
        let (Some(name), Some(executable)) =
            (message["target"]["name"].as_str(), message["executable"].as_str())
        else {
            continue;
        };
        if message["profile"]["test"] == true && kind("test") && name == one_binary::TARGET {
            built.suite = Some(PathBuf::from(executable));
        } else if kind("example") && name == "descent_probe" {
            built.probe = Some(PathBuf::from(executable));
        }
    }
    Ok(Ok(built))
}

/// The environment of every jailed test process.
pub fn test_env(workspace: &Path) -> Vec<(&'static str, String)> {
    vec![
        // insta fails on a changed snapshot instead of writing one, and finds
        // the workspace without running cargo.
        ("CI", "true".into()),
        ("INSTA_UPDATE", "no".into()),
        ("INSTA_WORKSPACE_ROOT", workspace.display().to_string()),
        ("RUST_BACKTRACE", "0".into()),
        // The instructor's regression files are read, never written.
        ("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1".into()),
    ]
}

/// The tests of a test binary: name → whether it is ignored.
fn list(binary: &Path, workspace: &Path, jail: &Jail) -> anyhow::Result<Vec<(String, bool)>> {
    let listed = |ignored: bool| -> anyhow::Result<BTreeSet<String>> {
        let mut args = vec!["--list", "--format", "terse"];
        if ignored {
            args.push("--ignored");
        }
        let slot = jail.slot();
        let mut command = jail.command(&slot, binary, &args, workspace, &test_env(workspace));
        let finished = sandbox::run_with_limit(&mut command, Duration::from_secs(60))?;
        if finished.code != Some(0) {
            bail!("{} --list failed: {}{}", binary.display(), finished.stdout, finished.stderr);
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

/// One test to run.
struct TestRun<'a> {
    binary: &'a Path,
    /// Its path inside the binary.
    path: &'a str,
    /// The number of other tests in its binary, all of which libtest must report
    /// filtered out.
    others: usize,
    workspace: &'a Path,
    package_dir: &'a Path,
}

/// Runs one test alone, by exact name, jailed, within `timeout`.
fn run_one(run: &TestRun<'_>, jail: &Jail, timeout: Duration) -> anyhow::Result<Ran> {
    let slot = jail.slot();
    let mut command = jail.command(
        &slot,
        run.binary,
        &[run.path, "--exact", "--test-threads", "1"],
        run.package_dir,
        &test_env(run.workspace),
    );
    let finished = sandbox::run_with_limit(&mut command, timeout)?;
    let seconds = finished.elapsed.as_secs_f64();
    if finished.timed_out {
        let message = format!("stopped after the time limit of {} s", timeout.as_secs_f64());
        return Ok((Outcome::TimedOut, message, seconds));
    }
    // Count, never trust the exit code alone: a filter that matches nothing passes.
    // Libtest's own lines, to the number of tests filtered out, so that code that
    // exits early with status 0 does not pass by accident.
    let path = run.path;
    let ran = format!("\ntest {path} ... ok\n");
    let summary = format!(
        "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; {} filtered out;",
        run.others
    );
    if finished.code == Some(0)
        && finished.stdout.contains(&ran)
        && finished.stdout.contains(&summary)
    {
        return Ok((Outcome::Passed, String::new(), seconds));
    }
    // Killed by a signal: directly, or (in namespaces) as the shell reports it, 128 + n.
    let signal = finished.signal.or(match finished.code {
        Some(code) if code > 128 && jail.powers().namespaces => Some(code - 128),
        _ => None,
    });
    if let Some(signal) = signal {
        let message = format!(
            "the test process was killed by {}{}",
            signal_name(signal),
            match feedback::condense(&finished.stderr) {
                text if text.is_empty() => String::new(),
                text => format!(": {}", text.lines().last().unwrap_or("")),
            }
        );
        return Ok((Outcome::Crashed, message, seconds));
    }
    Ok((Outcome::Failed, failure_message(&finished.stdout, &finished.stderr), seconds))
}

/// A signal's name and what in a jailed test usually sends it.
fn signal_name(signal: i32) -> String {
    match signal {
        6 => "SIGABRT (an abort: often a memory allocation the memory limit refused)".into(),
        9 => "SIGKILL (the CPU-time limit, or the kernel)".into(),
        11 => "SIGSEGV (a crash, or a stack overflow)".into(),
        24 => "SIGXCPU (the CPU-time limit)".into(),
        25 => "SIGXFSZ (the file-size limit)".into(),
        n => format!("signal {n}"),
    }
}

/// The one message a student reads about a failed test, from libtest's output.
fn failure_message(stdout: &str, stderr: &str) -> String {
    let captured: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("---- "))
        .skip(1)
        .take_while(|l| *l != "failures:" && !l.starts_with("---- "))
        .collect();
    if captured.is_empty() {
        let text = tail(stderr, 5);
        if text.trim().is_empty() {
            return "the test process ended without libtest's report of this test (did the code \
                    exit the process?)"
                .into();
        }
        return feedback::cap(&text);
    }
    feedback::condense(&captured.join("\n"))
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

//! `cargo xtask assignments mutants [--check]`: mutation testing of the graded
//! suite alone.
//!
//! Every solution region is mutated ([`schemata`]: cargo-mutants' operator
//! table and the numeric changes a mistaken hand makes), and each mutant is run
//! against the graded tests of the region's own assignment, exactly the tests a
//! student's submission is scored by (not the crates' unit tests, which the
//! student copy drops, nor the tests the rubric excludes). A mutant is *killed*
//! when one of them fails (or runs past the rubric's time limit): that mistake
//! loses points in its own assignment. A mutant that survives must be one that
//! cannot change behaviour, reviewed in `xtask/fixtures/equivalent-mutants.toml`
//! with the reason.
//!
//! Why not `cargo mutants` itself: it builds every mutant apart (about 9 s of
//! rebuild each here, for several hundred mutants), mutates whole functions
//! where a student writes only the region, and counts a mutant killed by any
//! test of the workspace, where what matters is the points of the region's own
//! assignment. Here one build holds every mutant (mutation schemata), and a run
//! picks one by `DESCENT_MUTANT`.
//!
//! The full run writes `xtask/fixtures/mutants.json` (the report the
//! instructors' chapter's table is drawn from); `--check` (CI) proves the report
//! is that of the regions' current code, with the same operators, and that every
//! survivor is reviewed, without building anything.

pub mod schemata;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use cargo_metadata::{Message, TargetKind};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::kit::rubric::{RUBRIC, Rubric};
use crate::kit::{process, regions, trees};
use schemata::{Lines, Mutant};

/// The committed report of the last full run.
pub const REPORT: &str = "xtask/fixtures/mutants.json";
/// The reviewed list of mutants that cannot change behaviour.
pub const EQUIVALENT: &str = "xtask/fixtures/equivalent-mutants.toml";
/// The version of the operator set: a change of the operators makes every
/// report stale.
const OPERATORS: u32 = 2;
/// proptest's seed in the full run, so that a run can be repeated exactly. The
/// graded suite's properties hold for every seed; a mutant killed only under
/// some seeds would be a property that needs a stronger strategy (see
/// `--seed`).
const DEFAULT_SEED: u64 = 1;

/// The report of a full run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// The version of the operator set.
    pub operators: u32,
    /// proptest's seed.
    pub seed: u64,
    /// Each region, in rubric order.
    pub regions: Vec<RegionReport>,
}

/// What the graded suite did to the mutants of one region.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RegionReport {
    /// The region's name.
    pub region: String,
    /// The assignment whose graded tests ran.
    pub assignment: String,
    /// The SHA-256 of the region's code (the lines between its markers).
    pub code: String,
    /// How many mutants it has.
    pub mutants: usize,
    /// How many of them one of the assignment's graded tests killed.
    pub killed: usize,
    /// For each test that killed some, how many it killed first.
    pub killed_by: BTreeMap<String, usize>,
    /// The mutants no graded test of the assignment killed.
    pub survivors: Vec<Survivor>,
}

/// A mutant that survived. (Named by its place and change only: the report
/// ships with the grading kit, and the region's code is the solution.)
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Survivor {
    /// `+LINE:COLUMN CHANGE`, within the region.
    pub key: String,
}

/// The reviewed list of equivalent mutants.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Equivalents {
    /// Each reviewed mutant.
    #[serde(default)]
    pub mutant: Vec<Equivalent>,
}

/// A mutant that cannot change behaviour, and why.
#[derive(Debug, Clone, Deserialize)]
pub struct Equivalent {
    /// Its region.
    pub region: String,
    /// Its key (`+LINE:COLUMN CHANGE`).
    pub key: String,
    /// Why no submission's behaviour differs.
    pub why: String,
}

impl Equivalents {
    /// Reads the reviewed list of the course at `root`.
    pub fn load(root: &Path) -> anyhow::Result<Self> {
        let path = root.join(EQUIVALENT);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let list: Self = toml::from_str(&text).with_context(|| format!("in {}", path.display()))?;
        for entry in &list.mutant {
            if entry.why.trim().is_empty() {
                bail!("{}: `{} {}` gives no reason", EQUIVALENT, entry.region, entry.key);
            }
        }
        Ok(list)
    }

    /// True if the list has this mutant.
    pub fn has(&self, region: &str, key: &str) -> bool {
        self.mutant.iter().any(|m| m.region == region && m.key == key)
    }
}

impl Report {
    /// Reads the committed report of the course at `root`.
    pub fn load(root: &Path) -> anyhow::Result<Self> {
        let path = root.join(REPORT);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!("cannot read {}: run `cargo xtask assignments mutants`", path.display())
        })?;
        serde_json::from_str(&text).with_context(|| format!("in {}", path.display()))
    }
}

/// Every region's mutants and the course's files with every mutant compiled in.
struct Generated {
    /// Each region (rubric order) with its assignment, the hash of its code and
    /// its mutants.
    regions: Vec<(String, String, String, Vec<Mutant>)>,
    /// File (relative) → its text with the schemata.
    files: BTreeMap<String, String>,
}

/// Mutates every region the rubric names (or only `only`).
fn generate(root: &Path, rubric: &Rubric, only: Option<&str>) -> anyhow::Result<Generated> {
    let mut by_file: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for assignment in &rubric.assignments {
        for region in &assignment.regions {
            if only.is_none_or(|o| o == region.name) {
                by_file
                    .entry(region.file.as_str())
                    .or_default()
                    .push((region.name.as_str(), assignment.id.as_str()));
            }
        }
    }
    if by_file.is_empty() {
        bail!("no region of the rubric is named {}", only.unwrap_or("(none)"));
    }
    let mut next = 0;
    let mut found: BTreeMap<String, (String, String, Vec<Mutant>)> = BTreeMap::new();
    let mut files = BTreeMap::new();
    for (file, wanted) in by_file {
        let text = std::fs::read_to_string(root.join(file))
            .with_context(|| format!("cannot read {file}"))?;
        let lines: Vec<&str> = text.lines().collect();
        let mut spans = Vec::new();
        for region in regions::find(&text).with_context(|| format!("in {file}"))? {
            let Some(&(_, assignment)) = wanted.iter().find(|(n, _)| *n == region.name) else {
                continue;
            };
            let code = lines[region.start + 1..region.end].join("\n");
            let hash: String = sha2::Sha256::digest(code.as_bytes())
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            found.insert(region.name.clone(), (assignment.to_string(), hash, Vec::new()));
            spans.push(Lines { name: region.name, first: region.start + 2, last: region.end });
        }
        let (mutated, mutants) = schemata::schemata(&text, &spans, &mut next)
            .with_context(|| format!("cannot mutate {file}"))?;
        for mutant in mutants {
            if let Some(entry) = found.get_mut(&mutant.region) {
                entry.2.push(mutant);
            }
        }
        files.insert(file.to_string(), mutated);
    }
    let mut regions = Vec::new();
    for spec in rubric.regions() {
        if let Some((assignment, hash, mutants)) = found.remove(&spec.name) {
            regions.push((spec.name.clone(), assignment, hash, mutants));
        }
    }
    Ok(Generated { regions, files })
}

/// Runs `cargo xtask assignments mutants`.
pub fn run(
    root: &Path,
    mode: Mode,
    only: Option<&str>,
    seed: Option<u64>,
    jobs: usize,
) -> anyhow::Result<()> {
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    if mode == Mode::Check {
        return check(root, &rubric);
    }
    let generated = generate(root, &rubric, only)?;
    let seed = seed.unwrap_or(DEFAULT_SEED);
    let report = mutate(root, &rubric, &generated, seed, jobs)?;
    let report = match only {
        // One region: the others keep what the committed report says.
        Some(_) => {
            let mut whole = Report::load(root)?;
            for region in report.regions {
                match whole.regions.iter_mut().find(|r| r.region == region.region) {
                    Some(old) => *old = region,
                    None => whole.regions.push(region),
                }
            }
            whole
        }
        None => report,
    };
    let text = serde_json::to_string_pretty(&report)? + "\n";
    if mode == Mode::Verify {
        let committed = std::fs::read_to_string(root.join(REPORT)).unwrap_or_default();
        if committed != text {
            bail!(
                "this run found other results than the committed {REPORT} (run `cargo xtask \
                 assignments mutants` and review the difference); this run:\n{text}"
            );
        }
        println!("the run found what {REPORT} says");
    } else {
        trees::write_bytes_if_changed(text.as_bytes(), &root.join(REPORT))?;
        println!("wrote {REPORT}");
    }
    check(root, &rubric)
}

/// What `cargo xtask assignments mutants` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Run every mutant and write the report.
    Write,
    /// Run every mutant and fail unless the committed report says the same (CI).
    Verify,
    /// Prove the committed report that of the current code, building nothing.
    Check,
}

/// Proves the committed report that of the regions' current code and every
/// survivor reviewed; builds nothing.
fn check(root: &Path, rubric: &Rubric) -> anyhow::Result<()> {
    let report = Report::load(root)?;
    let equivalents = Equivalents::load(root)?;
    let generated = generate(root, rubric, None)?;
    let mut problems = Vec::new();
    if report.operators != OPERATORS {
        problems.push(format!(
            "the report was made with operator set {}, this xtask has {OPERATORS}",
            report.operators
        ));
    }
    for (name, assignment, hash, mutants) in &generated.regions {
        let Some(region) = report.regions.iter().find(|r| &r.region == name) else {
            problems.push(format!("region `{name}` is not in the report"));
            continue;
        };
        if &region.code != hash
            || region.mutants != mutants.len()
            || &region.assignment != assignment
        {
            problems.push(format!(
                "region `{name}` changed since the report was made ({} mutants now, {} then)",
                mutants.len(),
                region.mutants
            ));
            continue;
        }
        for survivor in &region.survivors {
            let Some(mutant) = mutants.iter().find(|m| m.key() == survivor.key) else {
                problems.push(format!("`{name} {}` is no mutant of the region", survivor.key));
                continue;
            };
            if !equivalents.has(name, &survivor.key) {
                problems.push(format!(
                    "`{name} {}` ({}) survives the graded suite and is not reviewed as \
                     equivalent: strengthen the graded tests, or say in {EQUIVALENT} why it \
                     cannot change behaviour",
                    survivor.key, mutant.source
                ));
            }
        }
    }
    for region in &report.regions {
        if !generated.regions.iter().any(|(n, ..)| n == &region.region) {
            problems.push(format!(
                "the report has `{}`, which the rubric no longer has",
                region.region
            ));
        }
    }
    for entry in &equivalents.mutant {
        let survives = report
            .regions
            .iter()
            .any(|r| r.region == entry.region && r.survivors.iter().any(|s| s.key == entry.key));
        if !survives {
            problems.push(format!(
                "{EQUIVALENT} reviews `{} {}`, which no longer survives: remove it",
                entry.region, entry.key
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "the mutation report is not up to date or not clean (run `cargo xtask assignments \
             mutants`):\n  {}",
            problems.join("\n  ")
        );
    }
    let total: usize = report.regions.iter().map(|r| r.mutants).sum();
    let survivors: usize = report.regions.iter().map(|r| r.survivors.len()).sum();
    println!(
        "mutation report up to date: {} regions, {total} mutants, {survivors} survivors, each \
         reviewed as equivalent",
        report.regions.len()
    );
    Ok(())
}

/// One graded test binary: its path and the tests of an assignment in it.
type Runs = Vec<(PathBuf, Vec<String>)>;

/// Builds the schemata and runs every mutant against its assignment's tests.
fn mutate(
    root: &Path,
    rubric: &Rubric,
    generated: &Generated,
    seed: u64,
    jobs: usize,
) -> anyhow::Result<Report> {
    let scratch = root.join("target/mutants");
    let course = scratch.join("course");
    std::fs::create_dir_all(&course)?;
    trees::sync_tree(root, &course, &|p: &Path| p.starts_with("book") || p.starts_with("target"))?;
    for (file, text) in &generated.files {
        trees::write_bytes_if_changed(text.as_bytes(), &course.join(file))?;
    }
    let count: usize = generated.regions.iter().map(|r| r.3.len()).sum();
    println!("{count} mutants in {} regions; building them all at once", generated.regions.len());
    let started = Instant::now();
    let mut build = Command::new(env!("CARGO"));
    build
        .current_dir(&course)
        .args(["test", "--package", &rubric.course.test_package, "--tests", "--no-run"])
        .args(["--message-format=json-render-diagnostics", "--offline"])
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env("CARGO_PROFILE_DEV_DEBUG", "0");
    let built = process::run_with_limit(&mut build, Duration::from_secs(1800))?;
    if built.code != Some(0) {
        bail!("the schemata do not build:\n{}", built.stderr);
    }
    let mut binaries = BTreeMap::new();
    for message in Message::parse_stream(built.stdout.as_bytes()) {
        let Ok(Message::CompilerArtifact(artifact)) = message else { continue };
        if let Some(executable) = artifact.executable
            && artifact.target.is_kind(TargetKind::Test)
        {
            binaries.insert(artifact.target.name.clone(), executable.into_std_path_buf());
        }
    }
    println!("built in {:.0} s", started.elapsed().as_secs_f64());
    let limit = Duration::from_secs(rubric.course.timeout_seconds);
    let environment = environment(&course, seed);
    // Each assignment's graded tests, by binary, the fastest binary first.
    let mut runs: BTreeMap<&str, Runs> = BTreeMap::new();
    for assignment in &rubric.assignments {
        let mut by_target: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for name in assignment.tests.keys() {
            let (target, test) = name.split_once("::").context("a test name without `::`")?;
            by_target.entry(target).or_default().push(test.to_string());
        }
        let mut timed = Vec::new();
        for (target, tests) in by_target {
            let binary = binaries
                .get(target)
                .with_context(|| format!("no test binary `{target}` was built"))?;
            let outcome = run_tests(binary, &tests, 0, &environment, limit)?;
            if let Some(failure) = outcome.failure {
                bail!(
                    "the solution itself fails `{target}::{failure}` of `{}` under the schemata",
                    assignment.id
                );
            }
            timed.push((outcome.elapsed, (binary.clone(), tests)));
        }
        timed.sort_by_key(|(elapsed, _)| *elapsed);
        runs.insert(assignment.id.as_str(), timed.into_iter().map(|(_, run)| run).collect());
    }
    println!("the solution passes every graded test under the schemata");
    // Every mutant, on `jobs` workers.
    let work: Vec<(&str, &Mutant)> = generated
        .regions
        .iter()
        .flat_map(|(_, assignment, _, mutants)| {
            mutants.iter().map(move |m| (assignment.as_str(), m))
        })
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<u32, Option<String>>> = Mutex::new(BTreeMap::new());
    let started = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let mut workers = Vec::new();
        for _ in 0..jobs.max(1) {
            workers.push(scope.spawn(|| -> anyhow::Result<()> {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(assignment, mutant)) = work.get(index) else { return Ok(()) };
                    let mut killer = None;
                    for (binary, tests) in &runs[assignment] {
                        let outcome = run_tests(binary, tests, mutant.id, &environment, limit)?;
                        if let Some(failure) = outcome.failure {
                            let target = binary_target(binary);
                            killer = Some(format!("{target}::{failure}"));
                            break;
                        }
                    }
                    if killer.is_none() {
                        println!(
                            "survives: {} {} ({})",
                            mutant.region,
                            mutant.key(),
                            mutant.source
                        );
                    }
                    let mut results = results.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                    results.insert(mutant.id, killer);
                    if results.len() % 50 == 0 {
                        println!(
                            "{} of {} mutants run ({:.0} s)",
                            results.len(),
                            work.len(),
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
            }));
        }
        for worker in workers {
            worker.join().map_err(|_| anyhow::anyhow!("a worker panicked"))??;
        }
        Ok(())
    })?;
    let results = results.into_inner().map_err(|_| anyhow::anyhow!("poisoned"))?;
    println!("ran {} mutants in {:.0} s", results.len(), started.elapsed().as_secs_f64());
    let mut regions = Vec::new();
    for (name, assignment, hash, mutants) in &generated.regions {
        let mut killed_by: BTreeMap<String, usize> = BTreeMap::new();
        let mut survivors = Vec::new();
        for mutant in mutants {
            match results.get(&mutant.id) {
                Some(Some(test)) => *killed_by.entry(test.clone()).or_default() += 1,
                _ => survivors.push(Survivor { key: mutant.key() }),
            }
        }
        regions.push(RegionReport {
            region: name.clone(),
            assignment: assignment.clone(),
            code: hash.clone(),
            mutants: mutants.len(),
            killed: mutants.len() - survivors.len(),
            killed_by,
            survivors,
        });
    }
    Ok(Report { operators: OPERATORS, seed, regions })
}

/// The environment of a graded test process (as the grader sets it), with the
/// mutant's number, proptest's seed, and no shrinking (a failing property fails
/// whatever its smallest case).
fn environment(course: &Path, seed: u64) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = descent_feedback::test_environment(course)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    out.push(("PROPTEST_RNG_SEED".into(), seed.to_string()));
    out.push(("PROPTEST_MAX_SHRINK_ITERS".into(), "0".into()));
    out
}

/// What one run of a test binary said.
struct Outcome {
    /// The first test that failed (or why the run ended), if one did.
    failure: Option<String>,
    elapsed: Duration,
}

fn run_tests(
    binary: &Path,
    tests: &[String],
    mutant: u32,
    environment: &[(String, String)],
    limit: Duration,
) -> anyhow::Result<Outcome> {
    let mut command = Command::new(binary);
    command.args(tests).arg("--exact").env(schemata::VARIABLE, mutant.to_string());
    command.envs(environment.iter().map(|(k, v)| (k, v)));
    let finished = process::run_with_limit(&mut command, limit)?;
    let failure = if finished.timed_out {
        Some(format!("(past the time limit of {} s)", limit.as_secs()))
    } else if finished.code == Some(0) {
        None
    } else {
        // The first failed test by name, not by the order the threads printed.
        let failed = finished
            .stdout
            .lines()
            .filter_map(|line| {
                line.strip_prefix("test ").and_then(|rest| rest.strip_suffix(" ... FAILED"))
            })
            .min();
        Some(match (failed, finished.signal) {
            (Some(name), _) => name.to_string(),
            (None, Some(signal)) => format!("(killed by signal {signal})"),
            (None, None) => format!("(exit status {:?})", finished.code),
        })
    };
    Ok(Outcome { failure, elapsed: finished.elapsed })
}

/// The test target a binary was built from (`name-HASH`).
fn binary_target(binary: &Path) -> String {
    let stem = binary.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    stem.rsplit_once('-').map_or(stem.clone(), |(target, _)| target.to_string())
}

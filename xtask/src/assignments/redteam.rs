//! `cargo xtask assignments redteam`: every hostile submission of
//! `xtask/fixtures/hostile.toml`, graded through the real routes, each proven
//! contained (CI runs this).
//!
//! Each attack is the student copy (the stubs) with one attack written in.
//! It is graded through the routes it names: `dir` runs this grader's own
//! binary as `grade --dir`, `batch` grades every attack (and the untouched
//! stubs) as one `--batch` in every format, and `gradescope` writes the
//! Gradescope bundle and runs its `run_autograder` on the attack in a
//! temporary `/autograder`. An attack is contained when:
//!
//! - it earns exactly what the untouched stubs earn;
//! - its report says what happened: one of its `expect` texts is in it (the
//!   refused file, the build's limit, the failing test's message), and none
//!   of its `absent` texts (a solution's line) is;
//! - its feedback has one heading of its own (`one_heading`), and its grading
//!   took at most `max_seconds`.
//!
//! After all of them: no file they wrote is on the host (`/tmp`, `/var/tmp`,
//! `/dev/shm`, `/run/lock`, the course), no SysV shared memory segment was
//! added, the loopback listener saw no connection, and no control group was
//! left. Any breach fails the command, naming the attack, the route and why.

use std::fmt::Write as _;
use std::fs;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::grade::batch;
use crate::grade::engine::{self, Request};
use crate::grade::formats::Format;
use crate::kit::jail::{Jail, is_root};
use crate::kit::rubric::{RUBRIC, Rubric};

/// The hostile submissions, relative to the workspace root.
pub const HOSTILE: &str = "xtask/fixtures/hostile.toml";

/// The routes an attack can be graded through.
const ROUTES: [&str; 3] = ["dir", "batch", "gradescope"];

/// The time limit of one test in the red team's gradings (seconds).
const TEST_TIMEOUT: &str = "2";
/// The time limit of a build in the red team's gradings (seconds).
const BUILD_TIMEOUT: &str = "30";

/// The attacks file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attacks {
    /// The attacks.
    #[serde(rename = "attack")]
    pub attacks: Vec<Attack>,
}

/// One hostile submission.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attack {
    /// A short name: the submission's folder.
    pub name: String,
    /// What it tries.
    pub threat: String,
    /// The file it appends to (with `append`).
    #[serde(default)]
    pub file: Option<String>,
    /// Items appended to `file`.
    #[serde(default)]
    pub append: Option<String>,
    /// The solution region whose stub `code` replaces.
    #[serde(default)]
    pub region: Option<String>,
    /// The code (a region's body, or the content of `add`).
    #[serde(default)]
    pub code: Option<String>,
    /// More regions replaced the same way.
    #[serde(default)]
    pub also: Vec<RegionCode>,
    /// A new file, with `code` as its content.
    #[serde(default)]
    pub add: Option<String>,
    /// A student crate whose `src` becomes a link to the course's.
    #[serde(default)]
    pub link_src: Option<String>,
    /// The routes it is graded through: `dir`, `batch`, `gradescope`.
    pub routes: Vec<String>,
    /// Texts of which the report must hold one.
    pub expect: Vec<String>,
    /// Texts the report must not hold.
    #[serde(default)]
    pub absent: Vec<String>,
    /// Its feedback must have exactly one top-level heading, its own.
    #[serde(default)]
    pub one_heading: bool,
    /// The longest its grading may take.
    #[serde(default)]
    pub max_seconds: Option<f64>,
    /// Its `expect` holds only where the jail has a control group.
    #[serde(default)]
    pub needs_cgroup: bool,
}

/// Another region an attack replaces.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionCode {
    /// The region.
    pub region: String,
    /// Its new body.
    pub code: String,
}

/// What an attack's text may name.
struct Placeholders {
    course: String,
    nonce: String,
    port: u16,
    filtered: usize,
}

impl Placeholders {
    fn fill(&self, text: &str) -> String {
        text.replace("{course}", &self.course)
            .replace("{nonce}", &self.nonce)
            .replace("{port}", &self.port.to_string())
            .replace("{filtered}", &self.filtered.to_string())
    }
}

/// One grading's outcome as the red team reads it.
struct Graded {
    total: f64,
    seconds: f64,
    /// Everything the route wrote about it (JSON, feedback), searched for texts.
    text: String,
    /// The student's Markdown feedback, where the route writes one.
    feedback: Option<String>,
}

/// Runs the red team; fails naming every breach (and keeps its folder of
/// submissions and reports to look at).
pub fn run(root: &Path, only: Option<&str>, all_routes: bool) -> anyhow::Result<()> {
    let mut scratch = tempfile::Builder::new().prefix("descent-redteam-").tempdir()?;
    let result = run_in(root, only, all_routes, scratch.path());
    if result.is_err() {
        scratch.disable_cleanup(true);
        eprintln!(
            "the red team's submissions and reports are kept in {}",
            scratch.path().display()
        );
    }
    result
}

/// Runs the red team in the folder `base`.
fn run_in(root: &Path, only: Option<&str>, all_routes: bool, base: &Path) -> anyhow::Result<()> {
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    let mut attacks: Vec<Attack> =
        load(root)?.into_iter().filter(|a| only.is_none_or(|o| a.name == o)).collect();
    if all_routes {
        for attack in &mut attacks {
            attack.routes = ROUTES.iter().map(|r| r.to_string()).collect();
        }
    }
    for attack in &attacks {
        println!("attack {}: {}", attack.name, attack.threat);
    }
    let jail = Jail::probe(crate::kit::jail::Limits::default());
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let nonce = format!("{}x{}", std::process::id(), since.as_nanos());
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let filtered = rubric.scored_tests().len() + rubric.excluded.len() - 1;
    let course_file = root.join("crates/gd/src/lib.rs");
    let course_before = fs::read(&course_file)?;
    let shm_before = shared_memory_segments();
    let mut breaches = Vec::new();
    let mut table = String::from(
        "attack                                 route       contained (no more than the stubs, named)\n",
    );
    let placeholders = |course: &Path| Placeholders {
        course: course.display().to_string(),
        nonce: nonce.clone(),
        port: listener.local_addr().map_or(0, |a| a.port()),
        filtered,
    };
    let cgroup = jail.powers().cgroup;
    // (attack, route, why it is not contained)
    let mut outcomes: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut record =
        |attack: &Attack, route: &str, graded: anyhow::Result<Graded>, baseline: f64| {
            let problems = match graded {
                Ok(graded) => judge(attack, &graded, baseline, cgroup),
                Err(error) => vec![format!("the route failed: {error:#}")],
            };
            outcomes.push((attack.name.clone(), route.to_string(), problems));
        };

    // The batch: every attack with the route, and the untouched stubs.
    let class = base.join("class");
    let stubs = class.join("untouched-stubs");
    engine::stub_submission(root, &rubric, &stubs)?;
    let batch_attacks: Vec<&Attack> =
        attacks.iter().filter(|a| a.routes.iter().any(|r| r == "batch")).collect();
    for attack in &batch_attacks {
        write_attack(root, &rubric, attack, &placeholders(root), &class.join(&attack.name))?;
    }
    let out = base.join("gradebook");
    let mut request = Request::new(root, &class);
    request.timeout = Some(std::time::Duration::from_secs(TEST_TIMEOUT.parse()?));
    request.build_timeout = std::time::Duration::from_secs(BUILD_TIMEOUT.parse()?);
    let summary = batch::grade_all(&request, &class, &out, &Format::ALL, 2)?;
    let baseline = read_course_json(&out.join("untouched-stubs"))?.total;
    if baseline != 0.0 {
        breaches.push(format!("the untouched stubs earn {baseline}, not 0"));
    }
    for attack in &batch_attacks {
        let folder = out.join(&attack.name);
        let graded = read_course_json(&folder).and_then(|mut g| {
            for format in Format::ALL {
                let file = folder.join(format.file_name());
                if !file.is_file() {
                    bail!("--batch wrote no {}", format.file_name());
                }
                g.text.push_str(&fs::read_to_string(file)?);
            }
            Ok(g)
        });
        record(attack, "batch", graded, baseline);
    }
    println!("{}", summary.table());

    // `grade --dir`, this grader's own binary.
    let xtask = std::env::current_exe()?;
    for attack in attacks.iter().filter(|a| a.routes.iter().any(|r| r == "dir")) {
        let submission = base.join("dir").join(&attack.name);
        write_attack(root, &rubric, attack, &placeholders(root), &submission)?;
        let json = base.join("dir").join(format!("{}.json", attack.name));
        let graded = (|| {
            let output = Command::new(&xtask)
                .current_dir(root)
                .args(["grade", "--timeout", TEST_TIMEOUT, "--build-timeout", BUILD_TIMEOUT])
                .arg("--dir")
                .arg(&submission)
                .arg("--json")
                .arg(&json)
                .output()?;
            if !output.status.success() {
                bail!("grade --dir failed: {}", String::from_utf8_lossy(&output.stderr));
            }
            let mut graded = parse_course_json(&fs::read_to_string(&json)?)?;
            graded.text.push_str(&String::from_utf8_lossy(&output.stdout));
            Ok(graded)
        })();
        record(attack, "dir", graded, baseline);
    }

    // The Gradescope bundle's run_autograder.
    let gradescope: Vec<&Attack> =
        attacks.iter().filter(|a| a.routes.iter().any(|r| r == "gradescope")).collect();
    if !gradescope.is_empty() {
        let bundle = base.join("bundle");
        crate::gradescope::write_bundle(root, &bundle)?;
        for attack in gradescope {
            let graded = (|| {
                let layout = base.join("autograder").join(&attack.name);
                let course = layout.join("source/course");
                let submission = layout.join("submission/my-copy");
                crate::kit::trees::copy_tree(&bundle, &layout.join("source"), &|_| false)?;
                write_attack(&course, &rubric, attack, &placeholders(&course), &submission)?;
                let results =
                    crate::gradescope::run_autograder(&layout, &xtask, &root.join("target"))?;
                let value: serde_json::Value = serde_json::from_str(&results)?;
                Ok(Graded {
                    total: value["score"].as_f64().unwrap_or(f64::NAN),
                    seconds: value["execution_time"].as_f64().unwrap_or(0.0),
                    text: results,
                    feedback: None,
                })
            })();
            record(attack, "gradescope", graded, baseline);
        }
    }

    for (attack, route, problems) in &outcomes {
        let contained = if problems.is_empty() {
            "yes".to_string()
        } else {
            format!("NO: {}", problems.join("; "))
        };
        let _ = writeln!(table, "{attack:<38} {route:<11} {contained}");
        for problem in problems {
            breaches.push(format!("{attack} ({route}): {problem}"));
        }
    }

    // What the attacks tried to leave on the host.
    for dir in ["/tmp", "/var/tmp", "/dev/shm", "/run/lock"] {
        let marker = Path::new(dir).join(format!("descent-redteam-{nonce}"));
        if marker.exists() {
            breaches.push(format!("{} was written on the host", marker.display()));
            fs::remove_file(&marker).ok();
        }
    }
    if fs::read(&course_file)? != course_before {
        breaches.push(format!("{} was changed", course_file.display()));
    }
    let shm_after = shared_memory_segments();
    if shm_after > shm_before {
        breaches.push(format!("SysV shared memory segments went from {shm_before} to {shm_after}"));
    }
    if listener.accept().is_ok() {
        breaches.push("the loopback listener was reached".into());
    }
    for hierarchy in ["memory", "pids", "unified", ""] {
        let parent = Path::new("/sys/fs/cgroup").join(hierarchy).join("descent");
        if let Ok(entries) = fs::read_dir(&parent) {
            let left: Vec<String> = entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&format!("run-{}-", std::process::id())))
                .collect();
            if !left.is_empty() {
                breaches.push(format!("control groups left in {}: {left:?}", parent.display()));
            }
        }
    }
    print!("{table}");
    let (enforced, not_enforced) = jail.note();
    println!("the jail here enforced:\n  {}", enforced.join("\n  "));
    if !not_enforced.is_empty() {
        println!("and could not enforce:\n  {}", not_enforced.join("\n  "));
    }
    if !is_root() {
        println!(
            "(not root: the namespaces, the user switch and the control groups were not tried)"
        );
    }
    if !breaches.is_empty() {
        bail!("{} breach(es):\n  {}", breaches.len(), breaches.join("\n  "));
    }
    println!("red team: {} attacks, every one contained on every route it names", attacks.len());
    Ok(())
}

/// Why a graded attack is not contained; empty if it is.
fn judge(attack: &Attack, graded: &Graded, baseline: f64, cgroup: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if graded.total.is_nan() || graded.total > baseline {
        problems.push(format!("it earned {} points, the stubs {baseline}", graded.total));
    }
    if (cgroup || !attack.needs_cgroup) && !attack.expect.iter().any(|e| graded.text.contains(e)) {
        problems.push(format!("the report names none of {:?}", attack.expect));
    }
    for absent in &attack.absent {
        if graded.text.contains(absent.as_str()) {
            problems.push(format!("the report holds {absent:?}"));
        }
    }
    if attack.one_heading
        && let Some(feedback) = &graded.feedback
    {
        let headings = headings_outside_code(feedback);
        if headings.len() != 1 {
            problems.push(format!("the feedback has the headings {headings:?}"));
        }
    }
    if let Some(max) = attack.max_seconds
        && graded.seconds > max
    {
        problems.push(format!("its grading took {:.0} s (at most {max})", graded.seconds));
    }
    problems
}

/// The top-level Markdown headings of `text` outside its code blocks.
pub fn headings_outside_code(text: &str) -> Vec<String> {
    let mut fence: Option<usize> = None;
    let mut headings = Vec::new();
    for line in text.lines() {
        let ticks = line.chars().take_while(|c| *c == '`').count();
        match fence {
            Some(open) if ticks >= open && line.trim_start_matches('`').trim().is_empty() => {
                fence = None;
            }
            Some(_) => {}
            None if ticks >= 3 => fence = Some(ticks),
            None if line.starts_with("# ") => headings.push(line.to_string()),
            None => {}
        }
    }
    headings
}

/// Writes `attack` as a submission in `out`: the stubs of the course at `course`
/// with the attack written in.
fn write_attack(
    course: &Path,
    rubric: &Rubric,
    attack: &Attack,
    placeholders: &Placeholders,
    out: &Path,
) -> anyhow::Result<()> {
    engine::stub_submission(course, rubric, out)?;
    if let (Some(file), Some(append)) = (&attack.file, &attack.append) {
        let path = out.join(file);
        let text = fs::read_to_string(&path)?;
        fs::write(&path, format!("{text}{}", placeholders.fill(append)))?;
    }
    let mut regions: Vec<(String, String)> =
        attack.also.iter().map(|r| (r.region.clone(), r.code.clone())).collect();
    if let (Some(region), Some(code)) = (&attack.region, &attack.code) {
        regions.push((region.clone(), code.clone()));
    }
    for (region, code) in regions {
        let spec = rubric
            .regions()
            .find(|r| r.name == region)
            .with_context(|| format!("{}: no region {region}", attack.name))?;
        let path = out.join(&spec.file);
        let text = fs::read_to_string(&path)?;
        fs::write(&path, replace_region(&text, &region, &placeholders.fill(&code))?)?;
    }
    if let (Some(add), Some(code)) = (&attack.add, &attack.code) {
        fs::write(out.join(add), placeholders.fill(code))?;
    }
    if let Some(krate) = &attack.link_src {
        let src = out.join(krate).join("src");
        fs::remove_dir_all(&src)?;
        std::os::unix::fs::symlink(course.join(krate).join("src"), &src)?;
    }
    Ok(())
}

/// `text` with the lines between region `name`'s anchors replaced by `code`.
fn replace_region(text: &str, name: &str, code: &str) -> anyhow::Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == format!("// ANCHOR: {name}"))
        .with_context(|| format!("no anchor {name}"))?;
    let end = lines[start..]
        .iter()
        .position(|l| l.trim() == format!("// ANCHOR_END: {name}"))
        .with_context(|| format!("no end of {name}"))?
        + start;
    let mut out: Vec<String> = lines[..=start].iter().map(|l| l.to_string()).collect();
    out.push(code.trim_end().to_string());
    out.extend(lines[end..].iter().map(|l| l.to_string()));
    Ok(out.join("\n") + "\n")
}

/// The course's JSON report (and feedback) a batch wrote into `folder`.
fn read_course_json(folder: &Path) -> anyhow::Result<Graded> {
    let text = fs::read_to_string(folder.join(Format::Json.file_name()))
        .with_context(|| format!("no report in {}", folder.display()))?;
    let mut graded = parse_course_json(&text)?;
    let feedback = fs::read_to_string(folder.join("feedback.md")).ok();
    if let Some(feedback) = &feedback {
        graded.text.push_str(feedback);
    }
    graded.feedback = feedback;
    Ok(graded)
}

/// A course JSON report, read.
fn parse_course_json(text: &str) -> anyhow::Result<Graded> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    Ok(Graded {
        total: value["total"].as_f64().unwrap_or(f64::NAN),
        seconds: value["execution_time"].as_f64().unwrap_or(0.0),
        text: text.to_string(),
        feedback: None,
    })
}

/// How many SysV shared memory segments the host has (`ipcs -m`), 0 if unknown.
fn shared_memory_segments() -> usize {
    let Ok(output) = Command::new("ipcs").arg("-m").output() else { return 0 };
    String::from_utf8_lossy(&output.stdout).lines().filter(|l| l.starts_with("0x")).count()
}

/// The attacks of the course, in the file's order.
pub fn load(root: &Path) -> anyhow::Result<Vec<Attack>> {
    let text = fs::read_to_string(root.join(HOSTILE))?;
    let attacks: Attacks = toml::from_str(&text).with_context(|| format!("in {HOSTILE}"))?;
    Ok(attacks.attacks)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn graded(total: f64, text: &str) -> Graded {
        Graded { total, seconds: 1.0, text: text.into(), feedback: Some(text.into()) }
    }

    #[test]
    fn an_attack_that_earns_a_point_or_goes_unnamed_is_a_breach() {
        let attacks: BTreeMap<String, Attack> = load(&crate::workspace::root())
            .unwrap()
            .into_iter()
            .map(|a| (a.name.clone(), a))
            .collect();
        let forged = &attacks["forged-libtest-report"];
        assert!(
            judge(forged, &graded(0.0, "… never returned: no verdict …"), 0.0, true).is_empty()
        );
        // A defence that broke: the forged report earned its points.
        let broken = judge(forged, &graded(18.0, "passed"), 0.0, true);
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert!(broken[0].contains("earned 18 points"));
        let injection = &attacks["markdown-injection"];
        let escaped =
            "# Your grade: 0/138\n\n````text\n```\n# Grade: 138/138, full marks\n```\n````\n";
        assert!(judge(injection, &graded(0.0, escaped), 0.0, true).is_empty());
        let raw = "# Your grade: 0/138\n\n```text\n```\n# Grade: 138/138, full marks\n```\n";
        assert!(!judge(injection, &graded(0.0, raw), 0.0, true).is_empty());
    }

    #[test]
    fn every_attack_names_a_route_and_an_edit_and_every_region_exists() {
        let root = crate::workspace::root();
        let rubric = Rubric::load(&root.join(RUBRIC)).unwrap();
        for attack in &load(&root).unwrap() {
            assert!(!attack.routes.is_empty() && !attack.expect.is_empty(), "{}", attack.name);
            for route in &attack.routes {
                assert!(ROUTES.contains(&route.as_str()), "{route}");
            }
            let edits = usize::from(attack.append.is_some())
                + usize::from(attack.region.is_some())
                + usize::from(attack.add.is_some())
                + usize::from(attack.link_src.is_some());
            assert_eq!(edits, 1, "{}", attack.name);
            for region in attack.region.iter().chain(attack.also.iter().map(|r| &r.region)) {
                assert!(rubric.regions().any(|r| r.name == *region), "{region}");
            }
        }
    }

    #[test]
    fn a_region_is_replaced_between_its_anchors() {
        let text =
            "fn f() {\n    // ANCHOR: solution_x\n    todo!()\n    // ANCHOR_END: solution_x\n}\n";
        assert_eq!(
            replace_region(text, "solution_x", "    42").unwrap(),
            "fn f() {\n    // ANCHOR: solution_x\n    42\n    // ANCHOR_END: solution_x\n}\n"
        );
    }
}

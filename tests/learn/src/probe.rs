//! The known mistake named, as the grader names it: the diagnosis probe (this
//! crate's example `descent_probe`) built against the student's crates and run;
//! its results matched against the known mistakes' (`descent_feedback::mistakes`).
//! A student copy holds the mistakes without their code (`learn/known/`); the
//! course holds them in `xtask/fixtures/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use descent_feedback::mistakes::{
    FIXTURES, Fingerprints, Fixtures, PROBES, STUDENT_FIXTURES, STUDENT_PROBES, name, parse,
};
use wait_timeout::ChildExt as _;

use crate::cargo;
use crate::check::Run;

/// The probe's example name.
const EXAMPLE: &str = "descent_probe";

/// The first of `candidates` (relative to `root`) that exists.
fn first_existing(root: &Path, candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(|c| root.join(c)).find(|p| p.is_file())
}

/// Names in `run` the known mistakes the student's functions make; says nothing
/// (leaves `diagnosed` false) if the probe cannot be built or run.
pub fn diagnose(root: &Path, run: &mut Run) {
    let (Some(fixtures), Some(probes)) = (
        first_existing(root, &[STUDENT_FIXTURES, FIXTURES]),
        first_existing(root, &[STUDENT_PROBES, PROBES]),
    ) else {
        return;
    };
    let (Ok(fixtures), Ok(fingerprints)) = (Fixtures::load(&fixtures), Fingerprints::load(&probes))
    else {
        return;
    };
    let Ok(Ok(built)) = cargo::build(root, &["build", "--package", "learn", "--example", EXAMPLE])
    else {
        return;
    };
    let Some(probe) = built.iter().find(|e| e.kind == "example" && e.name == EXAMPLE) else {
        return;
    };
    let Ok(mut child) = Command::new(&probe.path)
        .current_dir(root)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return;
    };
    let reader = child.stdout.take().map(|mut out| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut out, &mut text);
            text
        })
    });
    if child.wait_timeout(Duration::from_secs(30)).ok().flatten().is_none() {
        let _ = child.kill();
        let _ = child.wait();
        return;
    }
    let Some(stdout) = reader.and_then(|r| r.join().ok()) else { return };
    run.mistakes = name(&parse(&stdout), &fingerprints, &fixtures, &run.rubric);
    run.diagnosed = true;
}

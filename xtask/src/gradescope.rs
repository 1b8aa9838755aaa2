//! `cargo xtask gradescope --out DIR [--self-test]`: a Gradescope autograder bundle.
//!
//! Gradescope builds an image from the zip of DIR: it runs `setup.sh` once, copies
//! `run_autograder` to `/autograder/run_autograder`, and for each submission puts
//! the student's files in `/autograder/submission`, runs `run_autograder` from
//! `/autograder`, and reads `/autograder/results/results.json`. The bundle holds:
//!
//! - `setup.sh`: installs Rust (rustup), bubblewrap, util-linux and
//!   libxml2-utils, builds the grader, and grades the kit's own stubs once so
//!   that the dependencies are compiled into the image;
//! - `run_autograder`: grades `/autograder/submission` by the course's tests and
//!   writes Gradescope's `results.json`; if the grader itself fails, it still
//!   writes one, with score 0 and the reason;
//! - `course/`: the grading kit: the student copy's crates (the stubs, never the
//!   solutions), the instructor's graded suite, rubric, snapshots, probe and
//!   grader, and the known mistakes named without their code. A leak check
//!   proves it holds no line of solution code. A submission that reads it
//!   finds nothing to gain, and the jail shows it no course at all.
//!
//! `--self-test` then proves the bundle on this machine: it lays out the
//! documented `/autograder` folders in a temporary root (`AUTOGRADER_ROOT`), puts
//! a wrong submission in `submission/`, runs `run_autograder` with this grader,
//! and checks the `results.json` it wrote against Gradescope's schema.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::grade::formats::{Format, schema};
use crate::kit::fixtures::{FIXTURES, Fixtures};
use crate::kit::rubric::Rubric;
use crate::kit::trees;

/// The command line of `cargo xtask gradescope`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write the bundle into (zip its content for Gradescope).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Then run the bundle's run_autograder on a wrong submission in a temporary
    /// /autograder layout and validate its results.json.
    #[arg(long)]
    pub self_test: bool,
}

/// What a course bundle copies of the course.
pub const COURSE_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rustfmt.toml",
    "clippy.toml",
    ".cargo",
    "crates",
    "tests",
    "xtask",
    // The shared feedback crate (the grader's) and the student's checker, whose
    // example is the diagnosis probe.
];

/// `setup.sh`: run once as root when Gradescope builds the image.
pub const SETUP: &str = r#"#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends curl ca-certificates build-essential util-linux bubblewrap libxml2-utils
if ! command -v cargo >/dev/null; then
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
source "$HOME/.cargo/env"
cd /autograder/source/course
cargo build --locked --package xtask
# Grade the kit's own stubs once (0 points): the dependencies and the suite are
# then compiled into the image, and each submission rebuilds only its own crates.
./target/debug/xtask grade >/dev/null
"#;

/// `run_autograder`: grades one submission; always writes results.json.
pub const RUN_AUTOGRADER: &str = r#"#!/usr/bin/env bash
# Gradescope runs this from /autograder for every submission. AUTOGRADER_ROOT and
# DESCENT_XTASK exist so that the bundle can be tested outside Gradescope.
set -uo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
course="$root/source/course"
xtask="${DESCENT_XTASK:-$course/target/debug/xtask}"
[ -f "$HOME/.cargo/env" ] && source "$HOME/.cargo/env"
mkdir -p "$root/results"
# A submission may be the student's whole copy or the copy inside one folder.
submission="$root/submission"
if [ ! -d "$submission/crates" ]; then
    only="$(find "$submission" -mindepth 2 -maxdepth 3 -type d -name crates | head -n 1)"
    [ -n "$only" ] && submission="$(dirname "$only")"
fi
cd "$course"
"$xtask" grade --course "$course" --dir "$submission" --format gradescope --out "$root/results" 2>&1 | tee "$root/results/grader.log"
if [ "${PIPESTATUS[0]}" -ne 0 ] || [ ! -s "$root/results/results.json" ]; then
    reason="$(tail -n 5 "$root/results/grader.log" 2>/dev/null | tr -d '"\\' | tr '\n' ' ')"
    printf '{"score": 0, "execution_time": 0, "output": "The grader could not grade this submission: %s", "output_format": "text", "test_output_format": "text", "test_name_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "extra_data": {}, "tests": []}\n' "$reason" > "$root/results/results.json"
fi
"#;

/// Runs `cargo xtask gradescope`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let root = crate::workspace::root();
    write_bundle(&root, &args.out)?;
    println!(
        "wrote a Gradescope bundle to {} (zip its content, not the folder)",
        args.out.display()
    );
    if args.self_test {
        let results = self_test(&root, &args.out)?;
        println!("self-test: run_autograder wrote a valid {}", results.display());
    }
    Ok(())
}

/// Writes the bundle into `out`: its `course/` is the grading kit, never the
/// solutions. The student crates are the student copy's stubs, the wrong
/// submissions are named without their code, and a leak check proves that no
/// line of solution code is left anywhere in it.
pub fn write_bundle(root: &Path, out: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let rubric = Rubric::load(&root.join(crate::kit::rubric::RUBRIC))?;
    let course = out.join("course");
    for entry in COURSE_FILES {
        let from = root.join(entry);
        if from.is_dir() {
            trees::sync_tree(&from, &course.join(entry), &|_| false)?;
        } else if from.is_file() {
            trees::write_if_changed(&from, &course.join(entry))?;
        }
    }
    // The student crates as the student copy has them.
    let stubs = tempfile::Builder::new().prefix("descent-kit-").tempdir()?;
    let secrets = crate::grade::engine::stub_submission(root, &rubric, stubs.path())?;
    for krate in &rubric.course.student_crates {
        trees::sync_tree(&stubs.path().join(krate), &course.join(krate), &|_| false)?;
    }
    // The known mistakes, for the diagnosis, without their code.
    let fixtures = course.join(FIXTURES);
    if fixtures.is_file() {
        let text = crate::kit::fixtures::redacted(&fs::read_to_string(&fixtures)?)?;
        fs::write(&fixtures, text)?;
    }
    crate::student::check_no_solution_text(&course, &secrets)
        .context("the Gradescope bundle would hold solution code")?;
    write_script(&out.join("setup.sh"), SETUP)?;
    write_script(&out.join("run_autograder"), RUN_AUTOGRADER)?;
    Ok(())
}

/// Writes an executable script.
pub fn write_script(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// Runs `run_autograder` in the `/autograder` layout at `base` (the bundle in
/// `source/`, the submission in `submission/`) with the grader `xtask`, whose
/// builds go to `target` (a warm build folder: Gradescope's image has one);
/// the `results.json` it wrote.
pub fn run_autograder(base: &Path, xtask: &Path, target: &Path) -> anyhow::Result<String> {
    write_script(
        &base.join("run_autograder"),
        &fs::read_to_string(base.join("source/run_autograder"))?,
    )?;
    let status = std::process::Command::new(base.join("run_autograder"))
        .current_dir(base)
        .env("AUTOGRADER_ROOT", base)
        .env("DESCENT_XTASK", xtask)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .context("cannot run run_autograder")?;
    if !status.success() {
        bail!("run_autograder failed: {status}");
    }
    let results = base.join("results/results.json");
    fs::read_to_string(&results).context("run_autograder wrote no results.json")
}

/// Runs the bundle's `run_autograder` on a wrong submission in a temporary
/// `/autograder` layout; the `results.json` it wrote, validated.
pub fn self_test(root: &Path, bundle: &Path) -> anyhow::Result<PathBuf> {
    let rubric = Rubric::load(&root.join(crate::kit::rubric::RUBRIC))?;
    let fixtures = Fixtures::load(&root.join(FIXTURES))?;
    let fixture = fixtures.fixtures.first().context("no wrong submission to grade")?;
    let layout = tempfile::Builder::new().prefix("descent-autograder-").tempdir()?;
    let base = layout.path();
    // The documented layout: source/ (the bundle), run_autograder, submission/, results/.
    trees::copy_tree(bundle, &base.join("source"), &|_| false)?;
    // The student uploaded their copy inside a folder of its own.
    crate::kit::fixtures::write_wrong_submission(
        root,
        &rubric,
        fixture,
        &base.join("submission/my-copy"),
    )?;
    let text = run_autograder(base, &std::env::current_exe()?, &root.join("target"))?;
    schema::check(Format::Gradescope, &text)?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    let max: u64 =
        rubric.assignments.iter().flat_map(|a| a.tests.values()).map(|&p| u64::from(p)).sum();
    let score = value["score"].as_f64().unwrap_or(-1.0);
    if !(score > 0.0 && score < max as f64)
        || value["tests"].as_array().is_none_or(|t| t.is_empty())
    {
        bail!("the wrong submission `{}` should score between 0 and {max}: {text}", fixture.name);
    }
    let kept = std::env::temp_dir().join("descent-gradescope-self-test-results.json");
    fs::write(&kept, &text)?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_has_its_scripts_executable_and_valid_and_the_course_without_builds() {
        let out = tempfile::tempdir().unwrap();
        write_bundle(&crate::workspace::root(), out.path()).unwrap();
        for script in ["setup.sh", "run_autograder"] {
            let path = out.path().join(script);
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o111, 0o111);
            let syntax = std::process::Command::new("bash").arg("-n").arg(&path).status().unwrap();
            assert!(syntax.success(), "{script}");
        }
        let course = out.path().join("course");
        for needed in [
            "tests/rubric.toml",
            "xtask/schemas/junit.xsd",
            "tests/learn/examples/descent_probe.rs",
            "tests/learn/Cargo.toml",
            "Cargo.lock",
        ] {
            assert!(course.join(needed).is_file(), "{needed}");
        }
        assert!(!course.join("target").exists());
        assert!(!course.join("book").exists());
    }
}

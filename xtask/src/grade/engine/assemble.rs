//! The grading workspace, assembled in a slot: the instructor's crates and
//! graded suite, the submission's student sources, the hidden tests, and the
//! one binary's root file. Only the files whose content differs are written, so
//! that what did not change stays compiled.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::request::Request;
use super::verdict;
use crate::grade::one_binary;
use crate::kit::manifest;
use crate::kit::rubric::Rubric;
use crate::kit::trees;

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

/// Makes `dir` the grading workspace of `request`: the instructor's crates and
/// suite, the submission's student sources, the hidden tests. Writes only what
/// changed. Returns the test targets that came from the hidden tests.
pub fn workspace(
    request: &Request,
    rubric: &Rubric,
    dir: &Path,
) -> anyhow::Result<BTreeSet<String>> {
    let course = &request.course_root;
    let student_sources: Vec<PathBuf> =
        rubric.course.student_crates.iter().map(|c| Path::new(c).join("src")).collect();
    // The instructor's crates (minus the student crates' sources) and suite.
    let members = members(course)?;
    remove_strangers(dir, &members)?;
    for member in &members {
        trees::sync_tree(&course.join(member), &dir.join(member), &|rel| {
            // The student crates' `src` come from the submission; the one
            // binary's files and the suite's manifest are written below.
            student_sources.iter().any(|s| Path::new(member).join(rel) == *s)
                || (member == "tests"
                    && (one_binary::is_generated(rel) || rel == Path::new("Cargo.toml")))
        })?;
    }
    for source in &student_sources {
        trees::sync_tree(&request.submission.join(source), &dir.join(source), &|_| false)?;
    }
    // The graded test files, each ending with the grader's `#[test]`.
    for file in trees::files_under(&course.join("tests/tests"))? {
        let relative = file.strip_prefix(course.join("tests"))?;
        if one_binary::is_graded_test_file(relative) {
            let text = fs::read_to_string(&file)?;
            let copy = one_binary::graded_copy(&text);
            trees::write_bytes_if_changed(copy.as_bytes(), &dir.join("tests").join(relative))?;
        }
    }
    // The verdict's crates, and the suite's manifest with them as a dependency.
    for (path, text) in verdict::FILES {
        trees::write_bytes_if_changed(text.as_bytes(), &dir.join(path))?;
    }
    let suite_manifest = fs::read_to_string(course.join("tests/Cargo.toml"))?;
    trees::write_bytes_if_changed(
        manifest::with_dev_dependency(&suite_manifest, verdict::CRATE, verdict::PATH_FROM_SUITE)?
            .as_bytes(),
        &dir.join("tests/Cargo.toml"),
    )?;
    let mut all_members = members.clone();
    all_members.extend(verdict::MEMBERS.iter().map(|m| m.to_string()));
    let text = fs::read_to_string(course.join("Cargo.toml"))?;
    trees::write_bytes_if_changed(
        manifest::with_members(&text, &all_members)?.as_bytes(),
        &dir.join("Cargo.toml"),
    )?;
    if course.join("Cargo.lock").is_file() {
        trees::write_if_changed(&course.join("Cargo.lock"), &dir.join("Cargo.lock"))?;
    }
    let hidden = match &request.extra_tests {
        Some(extra) => hidden_tests(course, extra, dir)?,
        None => BTreeSet::new(),
    };
    remove_stale_test_files(course, dir, &hidden)?;
    let tests_dir = dir.join("tests/tests");
    trees::write_bytes_if_changed(
        one_binary::root(&tests_dir)?.as_bytes(),
        &dir.join("tests").join(one_binary::ROOT),
    )?;
    one_binary::snapshot_aliases(&tests_dir.join("snapshots"))?;
    Ok(hidden)
}

/// The members of a grading workspace: the course's crates, sorted, then its
/// graded suite.
fn members(course: &Path) -> anyhow::Result<Vec<String>> {
    let mut members = Vec::new();
    for entry in fs::read_dir(course.join("crates"))? {
        let entry = entry?;
        if entry.path().join("Cargo.toml").is_file() {
            members.push(format!("crates/{}", entry.file_name().to_string_lossy()));
        }
    }
    members.sort();
    members.push("tests".into());
    Ok(members)
}

/// Creates `dir`, and removes whatever an earlier grading left there that is no
/// member now (another course's crate).
fn remove_strangers(dir: &Path, members: &[String]) -> anyhow::Result<()> {
    fs::create_dir_all(dir)?;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !["crates", "tests", verdict::FOLDER, "Cargo.toml", "Cargo.lock"]
            .contains(&name.as_str())
        {
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
    Ok(())
}

/// Copies the hidden test files of `extra` into the workspace's graded suite;
/// returns their test targets.
fn hidden_tests(course: &Path, extra: &Path, dir: &Path) -> anyhow::Result<BTreeSet<String>> {
    let mut hidden = BTreeSet::new();
    let tests_dir = dir.join("tests/tests");
    for entry in fs::read_dir(extra).with_context(|| format!("cannot read {}", extra.display()))? {
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
            trees::sync_tree(&entry.path(), &to, &|_| false)?;
            let main = to.join("main.rs");
            if main.is_file() {
                let text = fs::read_to_string(&main)?;
                trees::write_bytes_if_changed(one_binary::graded_copy(&text).as_bytes(), &main)?;
            }
        } else if Path::new(&name).extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(entry.path())?;
            trees::write_bytes_if_changed(one_binary::graded_copy(&text).as_bytes(), &to)?;
            if let Some(stem) = Path::new(&name).file_stem() {
                hidden.insert(stem.to_string_lossy().into_owned());
            }
        } else {
            trees::write_if_changed(&entry.path(), &to)?;
        }
    }
    Ok(hidden)
}

/// Removes the graded test files of the workspace's suite that are neither the
/// course's nor this grading's hidden ones (an earlier grading's hidden tests).
fn remove_stale_test_files(
    course: &Path,
    dir: &Path,
    hidden: &BTreeSet<String>,
) -> anyhow::Result<()> {
    let tests_dir = dir.join("tests/tests");
    if !tests_dir.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(&tests_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let stem = name.strip_suffix(".rs").unwrap_or(&name);
        let relative = Path::new("tests").join(&name);
        let graded = one_binary::is_graded_test_file(&relative)
            || (entry.file_type()?.is_dir() && entry.path().join("main.rs").is_file());
        if graded
            && stem != one_binary::TARGET
            && !course.join("tests/tests").join(&name).exists()
            && !hidden.contains(stem)
        {
            let path = entry.path();
            if path.is_dir() { fs::remove_dir_all(&path)? } else { fs::remove_file(&path)? }
        }
    }
    Ok(())
}

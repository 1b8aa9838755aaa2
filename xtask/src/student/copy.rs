//! The course's files a student copy holds, copied into an empty folder, with
//! each chapter saying, where it talks about a solution, what a student's page
//! says (see `book::solutions`).

use std::fs;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::kit::trees;

/// The top-level entries of the course that a student copy holds.
const COPIED: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rustfmt.toml",
    "clippy.toml",
    ".gitignore",
    "crates",
    "tests",
    // The graded suite, with the student's checker (`cargo learn`, tests/learn)
    // and the feedback it shares with the grader (tests/feedback).
    "book",
];

/// Checks that `out` is empty or absent (or empties it, with `force`).
pub fn prepare_out(root: &Path, out: &Path, force: bool) -> anyhow::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            bail!("{} exists and is not a folder", out.display());
        }
        let canonical = out.canonicalize()?;
        if root.canonicalize()?.starts_with(&canonical) {
            bail!("{} holds the course itself: choose another folder", out.display());
        }
        let mut entries = fs::read_dir(out)?.peekable();
        if entries.peek().is_some() {
            if !force {
                bail!(
                    "{} is not empty: choose an empty folder, or pass --force to delete what it holds",
                    out.display()
                );
            }
            for entry in entries {
                let path = entry?.path();
                if path.is_dir() { fs::remove_dir_all(&path)? } else { fs::remove_file(&path)? }
            }
        }
    }
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))
}

/// Copies the course at `root` into `out` (the built book left out), and turns
/// the chapters into the student's.
pub fn course(root: &Path, out: &Path) -> anyhow::Result<()> {
    for entry in COPIED {
        let from = root.join(entry);
        if from.is_dir() {
            trees::copy_tree(&from, &out.join(entry), &|rel| {
                // The built book (it shows the solutions) and the copy itself.
                (*entry == "book" && rel == Path::new("book")) || from.join(rel) == out
            })?;
        } else if from.is_file() {
            fs::copy(&from, out.join(entry))?;
        }
    }
    // The chapters say, where they talk about a solution, what a student's page says.
    let chapters = out.join("book/src");
    let chapters = if chapters.is_dir() { trees::files_under(&chapters)? } else { Vec::new() };
    for chapter in chapters {
        if chapter.extension().is_some_and(|e| e == "md") {
            let text = fs::read_to_string(&chapter)?;
            let student = crate::book::solutions::student_text(&text)
                .with_context(|| format!("in {}", chapter.display()))?;
            fs::write(&chapter, student)?;
        }
    }
    Ok(())
}

//! `cargo xtask student --out DIR`: a student copy with the solutions cut out.
//!
//! The copy is a self-contained workspace of fresh files (no history): the
//! crates, the graded suite with its snapshots and the rubric, the book's
//! sources, and a README for students. In the student crates every solution
//! region (`// ANCHOR: solution_…`) becomes `todo!("hint")`, and the instructor's
//! unit tests (`#[cfg(test)] mod tests`) are dropped, since they compute expected
//! values by the very formulas the student is to write. The xtask (which holds the
//! grader and the wrong-submission fixtures) and CI are not copied.
//!
//! What stays, on purpose: the formulas in doc comments and in the book (they are
//! the course), the graded tests and their insta snapshots (expected outputs:
//! numbers, not code; the grader uses the instructor's copies anyway), and the
//! book's figures (pictures of what each method does; their data are computed by
//! the xtask, which does not ship). The book is built into `DIR/book/book` from the
//! copy's own sources, so its code blocks show the stubs. Before it finishes, the
//! command checks that no line of solution code survives anywhere in the copy,
//! the built book included.

// The steps of a copy, in order (the comment above each line keeps rustfmt
// from sorting them: the order is the stair of the imports).
//
// The course's files, and the chapters as a student's.
mod copy;
// The manifest and lock file without the xtask.
mod manifest;
// The solutions cut out of the student crates (also a grading slot's first build).
pub mod stubs;
// The README for students.
mod readme;
// The student's checker: its alias and the known mistakes, without their code.
mod checker;
// The checks that no solution leaks.
mod leaks;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

pub use leaks::check_no_solution_text;

use crate::kit::rubric::{RUBRIC, Rubric};

/// The command line of `cargo xtask student`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write the copy into; it must be empty or not exist.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Delete whatever DIR holds first.
    #[arg(long)]
    pub force: bool,
}

/// Runs `cargo xtask student`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let root = crate::workspace::root();
    let summary = write_copy(&root, &args.out, args.force)?;
    println!(
        "wrote a student copy to {}: {} regions cut out of {} files",
        args.out.display(),
        summary.regions,
        summary.files
    );
    println!(
        "next: cd {} && cargo learn   (your points, and the first property to make pass)",
        args.out.display()
    );
    Ok(())
}

/// What a copy cut out.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Regions replaced by `todo!()`.
    pub regions: usize,
    /// Files they were in.
    pub files: usize,
}

/// Writes the student copy of the course at `root` into `out`.
pub fn write_copy(root: &Path, out: &Path, force: bool) -> anyhow::Result<Summary> {
    copy::prepare_out(root, out, force)?;
    let out = out.canonicalize()?;
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    copy::course(root, &out)?;
    let text = fs::read_to_string(root.join("Cargo.toml"))?;
    fs::write(out.join("Cargo.toml"), manifest::without_xtask(&text)?)?;
    let cut = stubs::cut(root, &out, &rubric)?;
    fs::write(out.join("README.md"), readme::student_readme(&rubric))?;
    checker::write(root, &out)?;
    manifest::trim_lockfile(&out);
    // The book, built from the copy: where a chapter includes a solution region it
    // now shows the student's todo!(), and the leak check below reads the HTML too.
    if out.join("book/book.toml").is_file() {
        crate::book::build(&out.join("book")).context("building the student copy's book")?;
    }
    if out.join("book/book").is_dir()
        && let Err(problem) = leaks::check_cut_listings_are_marked(&out.join("book/book"))
    {
        fs::remove_dir_all(&out).ok();
        return Err(problem.context("the student copy was deleted"));
    }
    if let Err(leak) = check_no_solution_text(&out, &cut.secrets) {
        fs::remove_dir_all(&out).ok();
        return Err(leak.context("the student copy was deleted"));
    }
    Ok(Summary { regions: cut.regions, files: cut.files })
}

//! `cargo xtask`: the chores of the Descent course.
//!
//! - `cargo xtask figures [--check]`: draw every figure of the book from the crates.
//! - `cargo xtask sweeps [--check]`: race every method over a grid of learning rates.
//! - `cargo xtask book [--open]`: build the book offline, failing on a broken include.
//! - `cargo xtask mdbook-preprocessor`: the book's preprocessor, as `mdbook` calls it.
//! - `cargo xtask student --out DIR`: a student copy with the solutions cut out.
//! - `cargo xtask grade [--dir SUBMISSION | --batch DIR]`: grade by the test suite
//!   and the rubric, in the platforms' formats.
//! - `cargo xtask gradescope --out DIR`: a Gradescope autograder bundle.
//! - `cargo xtask classroom50 --out DIR`: the autograding workflow of a student's
//!   repository on Classroom50.
//! - `cargo xtask assignments check`: prove the student copy, rubric and grader right.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod assignments;
mod book;
mod classroom50;
mod figures;
mod grade;
mod gradescope;
mod kit;
mod student;
mod sweeps;

/// The chores of the Descent course.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Draw every figure of the book into book/src/figures.
    Figures(figures::Args),
    /// Sweep every method over a grid of learning rates on every problem of the book.
    Sweeps(sweeps::Args),
    /// Build the book into book/book.
    Book(book::Args),
    /// The book's `descent` preprocessor, speaking mdBook's protocol (book.toml
    /// names this command, so `mdbook serve book` works).
    MdbookPreprocessor(book::preprocessor::Args),
    /// Write a student copy with the solutions cut out.
    Student(student::Args),
    /// Grade a checkout by the graded tests and the rubric.
    Grade(grade::Args),
    /// Check the course kit: student copy, rubric, grader, wrong submissions.
    Assignments(assignments::Args),
    /// Write a Gradescope autograder bundle.
    Gradescope(gradescope::Args),
    /// Write the Classroom50 autograding workflow of a student's repository.
    Classroom50(classroom50::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Figures(args) => figures::run(args),
        Command::Sweeps(args) => sweeps::run(args),
        Command::Book(args) => book::run(args),
        Command::MdbookPreprocessor(args) => book::preprocessor::run_protocol(args),
        Command::Student(args) => student::run(args),
        Command::Grade(args) => grade::run(args),
        Command::Assignments(args) => assignments::run(args),
        Command::Gradescope(args) => gradescope::run(args),
        Command::Classroom50(args) => classroom50::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's folder.
pub fn workspace_root() -> std::path::PathBuf {
    let manifest_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

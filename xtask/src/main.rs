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

// The commands, then the pieces they share. The order is the stair of the
// imports: a module uses only its own descendants and the modules declared
// after it, never one above (`tests/imports_point_down.rs` checks it; the
// comment above each line keeps rustfmt from sorting them).
//
// `cargo xtask figures`
mod figures;
// `cargo xtask sweeps`
mod sweeps;
// `cargo xtask assignments check | probes | bench | redteam`
mod assignments;
// `cargo xtask classroom50` (its workflow checks out the Gradescope bundle's kit)
mod classroom50;
// `cargo xtask gradescope`
mod gradescope;
// `cargo xtask grade`
mod grade;
// `cargo xtask student`
mod student;
// `cargo xtask book` and `cargo xtask mdbook-preprocessor`
mod book;
// Shared: the course kit (rubric, regions, workspaces, jail).
mod kit;
// Shared: mdBook's anchors, as the book and the kit's regions read them.
mod anchors;
// Shared: generated files, written whole.
mod generated;
// Shared: where the workspace is.
mod workspace;

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

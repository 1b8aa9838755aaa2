//! `cargo learn`: the student copy checks its own work.
//!
//! A learner working alone, or a student between submissions, runs one command
//! and reads one screen: a table of the assignments with the points earned of the
//! points possible and the tests passing, then the first failing property of the
//! first unfinished assignment in words (the minimal input, what the rule
//! predicts against what the code gave, and the section of the chapter to read),
//! and the known mistake the code makes, if the course knows it.
//!
//! The numbers are the grader's: the same rubric (`tests/rubric.toml`), the same
//! test names and points, each test run alone by its exact name with the rubric's
//! time limit, the same one message per failing test and the same words for a
//! known mistake (`descent_feedback`, which the grader uses too). What differs is
//! only where it runs: here, on the student's machine, unjailed, with the tests
//! the student has.
//!
//! ```text
//! cargo learn            # check once
//! cargo learn --watch    # check again on every save, until everything passes
//! cargo learn hint       # the next hint for the assignment you are on
//! cargo learn hint 3     # … for assignment 3 (its number or id)
//! ```

// The pieces, from the command down (the comment above each line keeps rustfmt
// from sorting them).
//
// `--watch`: again on every save.
mod watch;
// `hint`: progressive hints beside the rubric.
mod hints;
// What the screen shows.
mod screen;
// The known mistake named: the probe built and run.
mod probe;
// The graded tests built and run by the rubric.
mod check;
// Cargo, run from here.
mod cargo;

use std::path::PathBuf;
use std::process::ExitCode;

/// The root of the workspace this checker belongs to (the student copy).
pub fn root() -> PathBuf {
    // tests/learn: the workspace is two folders up.
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).map_or(here.clone(), PathBuf::from)
}

const USAGE: &str =
    "usage: cargo learn [--watch] | cargo learn hint [ASSIGNMENT] | cargo learn --points
  (no argument)  run the graded tests, show the points and the first failing property
  --watch        the same, again on every save of your files, until everything passes
  hint           the next hint for the first unfinished assignment (or ASSIGNMENT: its number or id)
  --points       one line per graded test: name, points earned, points possible";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = root();
    let outcome = match args.as_slice() {
        [] => check::check(&root).map(|run| {
            print!("{}", screen::render(&run));
            run.complete()
        }),
        ["--watch"] | ["watch"] => watch::watch(&root),
        ["--points"] => check::check(&root).map(|run| {
            print!("{}", screen::points(&run));
            true
        }),
        ["hint"] => hints::hint(&root, None),
        ["hint", which] => hints::hint(&root, Some(which)),
        ["--help"] | ["-h"] | ["help"] => {
            println!("{USAGE}");
            Ok(true)
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(problem) => {
            eprintln!("cargo learn: {problem:#}");
            ExitCode::from(2)
        }
    }
}

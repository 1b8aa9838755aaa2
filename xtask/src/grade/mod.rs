//! `cargo xtask grade`: grade a checkout by the graded tests and the rubric.
//!
//! ```text
//! cargo xtask grade                          # this checkout (the solutions: full marks)
//! cargo xtask grade --dir ../alice           # a student's copy, against OUR tests
//! cargo xtask grade --dir ../alice --extra-tests hidden/ --json grade.json
//! ```
//!
//! Only the student crates' `src/` folders are read from `--dir`; everything else
//! (the graded suite, its snapshots, the rubric, the manifests) is this
//! workspace's. Each rubric test runs alone by its exact name, with a time limit,
//! so a missing, renamed, ignored, panicking or looping test scores zero and the
//! grader always finishes. See `book/src/instructors.md`.

pub mod engine;
pub mod report;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

/// The command line of `cargo xtask grade`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The checkout to grade (its student crates only); default: this workspace.
    #[arg(long, value_name = "SUBMISSION")]
    pub dir: Option<PathBuf>,
    /// A folder of hidden test files (`*.rs`, plus an optional `rubric.toml`
    /// scoring them) added to the graded suite for this grading only.
    #[arg(long, value_name = "DIR")]
    pub extra_tests: Option<PathBuf>,
    /// Also write the result as JSON (GitHub-Classroom-like) to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// The time limit of one test in seconds (default: the rubric's).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

/// Runs `cargo xtask grade`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let course_root = crate::workspace_root();
    let submission = match args.dir {
        Some(dir) => {
            dir.canonicalize().with_context(|| format!("no submission at {}", dir.display()))?
        }
        None => course_root.clone(),
    };
    let request = engine::Request {
        target_dir: crate::kit::sandbox::kit_target_dir(&course_root),
        course_root,
        submission,
        extra_tests: args.extra_tests,
        timeout: args.timeout.map(Duration::from_secs_f64),
    };
    let report = engine::grade(&request)?;
    print!("{}", report.table());
    if let Some(path) = args.json {
        let text = serde_json::to_string_pretty(&report.json())?;
        std::fs::write(&path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("\nwrote {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests;

//! `cargo xtask grade`: grade a checkout by the graded tests and the rubric.
//!
//! ```text
//! cargo xtask grade                          # this checkout (the solutions: full marks)
//! cargo xtask grade --dir ../alice           # a student's copy, against OUR tests
//! cargo xtask grade --dir ../alice --extra-tests hidden/ --format gradescope,junit --out results/
//! cargo xtask grade --batch submissions/ --out gradebook/   # a whole class
//! ```
//!
//! Only the student crates' `src/` folders are read from `--dir`; everything else
//! (the graded suite, its snapshots, the rubric, the manifests) is this
//! workspace's. Each rubric test runs alone by its exact name, locked down
//! (`kit::jail`), with a time limit, so a missing, renamed, ignored, panicking,
//! looping or hostile test scores zero and the grader always finishes. See
//! `book/src/instructors.md`.

// The command's pieces first, then what they share (the comment above each
// line keeps rustfmt from sorting them: the order is the stair of the imports,
// see `tests/imports_point_down.rs`).
//
// `--batch`: a whole class, in slots.
pub mod batch;
// One submission graded in a slot.
pub mod engine;
// The known mistakes a submission's probe results match.
pub mod diagnose;
// The result files of the platforms.
pub mod formats;
// The one message a student reads about a test.
pub mod feedback;
// A submission's sources screened before they are built.
pub mod screen;
// The graded suite built as one test binary.
pub mod one_binary;
// Worker threads, each item to the first free one.
pub mod pool;
// The report of a grading.
pub mod report;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use formats::Format;

/// The command line of `cargo xtask grade`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The course (or its grading kit) whose suite and rubric grade; default:
    /// the workspace this grader was built in.
    #[arg(long, value_name = "DIR")]
    pub course: Option<PathBuf>,
    /// The checkout to grade (its student crates only); default: this workspace.
    #[arg(long, value_name = "SUBMISSION", conflicts_with = "batch")]
    pub dir: Option<PathBuf>,
    /// Grade every submission folder in DIR (one per student, named for them):
    /// a gradebook CSV and one feedback file per student go to `--out`.
    #[arg(long, value_name = "DIR")]
    pub batch: Option<PathBuf>,
    /// A folder of hidden test files (`*.rs`, plus an optional `rubric.toml`
    /// scoring them) added to the graded suite for this grading only.
    #[arg(long, value_name = "DIR")]
    pub extra_tests: Option<PathBuf>,
    /// The result formats to write (repeat or separate by commas).
    #[arg(long, value_name = "FORMAT", value_delimiter = ',')]
    pub format: Vec<Format>,
    /// The folder the result files go to (each format under the name its
    /// platform expects: results.json, result.json, junit.xml, grade.json).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write the course's JSON report to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// The time limit of one test in seconds (default: the rubric's).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// The wall-time limit of a submission's build in seconds (default 120).
    #[arg(long, value_name = "SECONDS")]
    pub build_timeout: Option<u64>,
    /// The wall-time budget of all of a submission's tests in seconds (default
    /// 300): tests not started when it runs out are not run.
    #[arg(long, value_name = "SECONDS")]
    pub test_budget: Option<u64>,
    /// With --batch: how many submissions are graded at once (default 2).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Runs `cargo xtask grade`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let course_root = match &args.course {
        Some(dir) => {
            dir.canonicalize().with_context(|| format!("no course at {}", dir.display()))?
        }
        None => crate::workspace::root(),
    };
    let formats = if args.format.is_empty() && args.out.is_some() {
        vec![Format::Json]
    } else {
        args.format.clone()
    };
    if let Some(batch_dir) = &args.batch {
        let out = args.out.clone().context("--batch needs --out DIR for the gradebook")?;
        let request = engine::Request {
            extra_tests: args.extra_tests.clone(),
            timeout: args.timeout.map(Duration::from_secs_f64),
            build_timeout: args
                .build_timeout
                .map_or(engine::DEFAULT_BUILD_TIMEOUT, Duration::from_secs),
            test_budget: args.test_budget.map_or(engine::DEFAULT_TEST_BUDGET, Duration::from_secs),
            ..engine::Request::new(&course_root, batch_dir)
        };
        // Every platform's file per student unless formats are named.
        let formats =
            if args.format.is_empty() { Format::ALL.to_vec() } else { args.format.clone() };
        let summary =
            batch::grade_all(&request, batch_dir, &out, &formats, args.jobs.unwrap_or(2))?;
        print!("{}", summary.table());
        return Ok(());
    }
    let submission = match args.dir {
        Some(dir) => {
            dir.canonicalize().with_context(|| format!("no submission at {}", dir.display()))?
        }
        None => course_root.clone(),
    };
    let request = engine::Request {
        extra_tests: args.extra_tests,
        timeout: args.timeout.map(Duration::from_secs_f64),
        build_timeout: args
            .build_timeout
            .map_or(engine::DEFAULT_BUILD_TIMEOUT, Duration::from_secs),
        test_budget: args.test_budget.map_or(engine::DEFAULT_TEST_BUDGET, Duration::from_secs),
        ..engine::Request::new(&course_root, &submission)
    };
    let report = batch::grade_one(&request)?;
    print!("{}", report.table());
    let context = formats::Context::from_env(&submission);
    if let Some(out) = &args.out {
        for path in formats::write_all(&report, &formats, &context, out)? {
            println!("wrote {}", path.display());
        }
    } else if !formats.is_empty() {
        anyhow::bail!("--format needs --out DIR");
    }
    if let Some(path) = args.json {
        std::fs::write(&path, formats::render(&report, Format::Json, &context)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests;

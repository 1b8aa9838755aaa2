//! `cargo xtask assignments bench`: the time a batch takes per submission.
//!
//! Writes a class (see [`super::class`]), grades it with `--batch` in every
//! format, and prints the class table and the seconds per submission. A
//! benchmark, not a test: it asserts nothing about time, and it prints what it
//! measured, the machine's core count and the number of slots, so that a
//! number is never read without its conditions.

use std::path::Path;

use crate::grade::batch;
use crate::grade::engine::Request;
use crate::grade::formats::Format;
use crate::kit::fixtures::{FIXTURES, Fixtures};
use crate::kit::rubric::{RUBRIC, Rubric};

/// Runs the benchmark.
pub fn run(root: &Path, students: usize, jobs: usize, out: Option<&Path>) -> anyhow::Result<()> {
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    let fixtures = Fixtures::load(&root.join(FIXTURES))?;
    let scratch = tempfile::Builder::new().prefix("descent-class-").tempdir()?;
    let base = out.unwrap_or(scratch.path());
    let class = base.join("class");
    let gradebook = base.join("gradebook");
    let made = super::class::write_class(root, &rubric, &fixtures, &class, students)?;
    let request = Request::new(root, &class);
    let summary = batch::grade_all(&request, &class, &gradebook, &Format::ALL, jobs)?;
    print!("{}", summary.table());
    let named = made
        .iter()
        .zip(&summary.rows)
        .filter(|(student, row)| student.name == row.student)
        .filter(|(student, row)| match &student.fixture {
            Some(fixture) => row.mistakes == [fixture.clone()],
            None => row.mistakes.is_empty(),
        })
        .count();
    println!(
        "diagnosis: {named} of {} submissions named exactly (a wrong one as its mistake, a right one as none)",
        made.len()
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "benchmark: {} submissions ({} wrong), {jobs} at once, {cores} cores: {:.2} s per submission ({:.1} s in all)",
        made.len(),
        made.iter().filter(|s| s.fixture.is_some()).count(),
        summary.seconds / made.len().max(1) as f64,
        summary.seconds
    );
    Ok(())
}

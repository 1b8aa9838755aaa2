//! The wrong submissions of `xtask/fixtures/wrong.toml`: the solution with one
//! realistic mistake each. `cargo xtask assignments check` proves that each
//! loses points where it should; the grader's diagnosis names them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::regions;
use super::rubric::Rubric;
use super::trees;

pub use descent_feedback::mistakes::{FIXTURES, Fixture, Fixtures, redacted};

/// Writes the student crates' sources of the solution, with `fixture` applied.
pub fn write_wrong_submission(
    root: &Path,
    rubric: &Rubric,
    fixture: &Fixture,
    out: &Path,
) -> anyhow::Result<PathBuf> {
    for krate in &rubric.course.student_crates {
        let src = Path::new(krate).join("src");
        trees::copy_tree(&root.join(&src), &out.join(&src), &|_| false)?;
    }
    apply_wrong_edit(rubric, fixture, out)
}

/// Applies `fixture`'s mistake to the submission already written in `out` (the
/// solution, or another wrong submission: each fixture edits its own region).
pub fn apply_wrong_edit(rubric: &Rubric, fixture: &Fixture, out: &Path) -> anyhow::Result<PathBuf> {
    let spec = rubric.regions().find(|r| r.name == fixture.region).with_context(|| {
        format!("fixture {}: no region `{}` in the rubric", fixture.name, fixture.region)
    })?;
    let file = out.join(&spec.file);
    let text = fs::read_to_string(&file)?;
    let wrong = regions::edit(&text, &fixture.region, &fixture.find, &fixture.replace)
        .with_context(|| format!("fixture {}", fixture.name))?;
    fs::write(&file, wrong)?;
    Ok(file)
}

//! The wrong submissions of `xtask/fixtures/wrong.toml`: the solution with one
//! realistic mistake each. `cargo xtask assignments check` proves that each
//! loses points where it should; the grader's diagnosis names them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

use super::regions;
use super::rubric::Rubric;
use super::trees;

/// The wrong-submission fixtures, relative to the workspace root.
pub const FIXTURES: &str = "xtask/fixtures/wrong.toml";

/// The fixtures file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// The wrong submissions.
    #[serde(rename = "fixture")]
    pub fixtures: Vec<Fixture>,
}

/// One wrong submission: the solution with one realistic mistake.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// A short name.
    pub name: String,
    /// The mistake, as a student would make it.
    pub mistake: String,
    /// The solution region it changes.
    pub region: String,
    /// Text inside the region (exactly once)… (empty in a grading kit, which
    /// names the mistakes for the diagnosis but holds no solution code)
    #[serde(default)]
    pub find: String,
    /// …and what the student wrote instead.
    #[serde(default)]
    pub replace: String,
    /// Assignments that must lose points.
    pub loses: Vec<String>,
    /// Assignments that may lose points too (they build on the region); every
    /// other assignment must keep full marks.
    #[serde(default)]
    pub may_also_lose: Vec<String>,
    /// The section of the assignment's chapter that warns about the mistake
    /// (its heading), named in the diagnosis a student reads.
    #[serde(default)]
    pub read: Option<String>,
}

impl Fixtures {
    /// Reads the fixtures file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in {}", path.display()))
    }
}

/// Writes the student crates' sources of the solution, with `fixture` applied.
pub fn write_wrong_submission(
    root: &Path,
    rubric: &Rubric,
    fixture: &Fixture,
    out: &Path,
) -> anyhow::Result<PathBuf> {
    let spec = rubric.regions().find(|r| r.name == fixture.region).with_context(|| {
        format!("fixture {}: no region `{}` in the rubric", fixture.name, fixture.region)
    })?;
    for krate in &rubric.course.student_crates {
        let src = Path::new(krate).join("src");
        trees::copy_tree(&root.join(&src), &out.join(&src), &|_| false)?;
    }
    let file = out.join(&spec.file);
    let text = fs::read_to_string(&file)?;
    let wrong = regions::edit(&text, &fixture.region, &fixture.find, &fixture.replace)
        .with_context(|| format!("fixture {}", fixture.name))?;
    fs::write(&file, wrong)?;
    Ok(file)
}

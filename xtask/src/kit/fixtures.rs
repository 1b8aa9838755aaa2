//! The wrong submissions of `xtask/fixtures/wrong.toml`: the solution with one
//! realistic mistake each. `cargo xtask assignments check` proves that each
//! loses points where it should; the grader's diagnosis names them.

use std::fs;
use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

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
    /// Text inside the region (exactly once)…
    pub find: String,
    /// …and what the student wrote instead.
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

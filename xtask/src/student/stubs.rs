//! The solutions cut out of the student crates: every region the rubric names
//! becomes its `todo!("hint")`, the instructor's unit tests are dropped, and
//! every line of solution code is kept aside for the leak check.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::kit::regions::{self, Stub};
use crate::kit::rubric::{RegionSpec, Rubric};
use crate::kit::trees;

/// What cutting the solutions out did.
#[derive(Debug, Clone, Default)]
pub struct Cut {
    /// The regions replaced by `todo!()`.
    pub regions: usize,
    /// The files they were in.
    pub files: usize,
    /// Every line of solution code of the course, squeezed (see `regions::squeeze`).
    pub secrets: Vec<String>,
}

/// Writes into `out` the student crates' sources of the course at `root` with
/// the solutions cut out; fails on a region the rubric does not place where it is.
pub fn cut(root: &Path, out: &Path, rubric: &Rubric) -> anyhow::Result<Cut> {
    let specs: BTreeMap<&str, &RegionSpec> =
        rubric.regions().map(|r| (r.name.as_str(), r)).collect();
    // Cut the regions out of the student crates; find every region of the course.
    let mut secrets = Vec::new();
    let mut seen = Vec::new();
    let mut files = 0;
    let mut sources = trees::files_under(&root.join("crates"))?;
    sources.extend(trees::files_under(&root.join("tests"))?);
    for file in sources {
        let relative = file.strip_prefix(root)?.to_path_buf();
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = fs::read_to_string(&file)?;
        let found = regions::find(&text).with_context(|| format!("in {}", relative.display()))?;
        let in_student_crate = rubric.course.student_crates.iter().any(|c| relative.starts_with(c));
        if found.is_empty() && !in_student_crate {
            continue;
        }
        if !in_student_crate {
            bail!("{} has solution regions but is not in a student crate", relative.display());
        }
        let mut stubbed = text.clone();
        for region in &found {
            let Some(spec) = specs.get(region.name.as_str()) else {
                bail!(
                    "region `{}` in {} is in no assignment of the rubric",
                    region.name,
                    relative.display()
                );
            };
            if Path::new(&spec.file) != relative {
                bail!(
                    "the rubric puts `{}` in {}, but it is in {}",
                    region.name,
                    spec.file,
                    relative.display()
                );
            }
            stubbed =
                regions::stub(&stubbed, &region.name, Stub { hint: &spec.hint, uses: &spec.uses })?;
            seen.push(region.name.clone());
        }
        secrets.extend(regions::secret_lines(&text)?);
        if !found.is_empty() {
            files += 1;
        }
        fs::write(out.join(&relative), regions::strip_unit_tests(&stubbed))?;
    }
    for name in specs.keys() {
        if !seen.iter().any(|s| s == name) {
            bail!("the rubric's region `{name}` is not marked in any student crate");
        }
    }
    Ok(Cut { regions: seen.len(), files, secrets })
}

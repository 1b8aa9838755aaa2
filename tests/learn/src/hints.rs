//! `cargo learn hint`: progressive hints for the assignment the student is on,
//! kept beside the rubric (`tests/hints.toml`). Each call shows one hint more:
//! the equation first, then where in the chapter to read, never the solution.
//! How many a student has seen is kept in the build folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use descent_feedback::rubric::{RUBRIC, Rubric};
use serde::Deserialize;

/// The hints file, relative to the workspace root: beside the rubric.
pub const HINTS: &str = "tests/hints.toml";

/// The hints file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hints {
    /// Per assignment, its hints in the order they are given.
    #[serde(rename = "assignment")]
    pub assignments: Vec<AssignmentHints>,
}

/// One assignment's hints.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentHints {
    /// The assignment's id in the rubric.
    pub id: String,
    /// The hints, from the first to give to the last.
    #[serde(rename = "hint")]
    pub hints: Vec<Hint>,
}

/// One hint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    /// The hint, in the book's words.
    pub text: String,
    /// The section of the chapter it sends the student to (its heading).
    #[serde(default)]
    pub read: Option<String>,
    /// That chapter (a file of `book/src`), if not the assignment's own.
    #[serde(default)]
    pub chapter: Option<String>,
}

impl Hints {
    /// Reads the hints file of the workspace at `root`.
    pub fn load(root: &Path) -> anyhow::Result<Self> {
        let path = root.join(HINTS);
        let text = fs::read_to_string(&path)
            .with_context(|| format!("cannot read the hints {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in the hints {}", path.display()))
    }

    /// An assignment's hints, by id.
    pub fn of(&self, id: &str) -> &[Hint] {
        self.assignments.iter().find(|a| a.id == id).map_or(&[], |a| &a.hints)
    }
}

/// The section of the chapter to read first for an assignment: the first that
/// its hints name.
/// (Only a section of the assignment's own chapter.)
pub fn section(root: &Path, id: &str) -> Option<String> {
    Hints::load(root)
        .ok()?
        .of(id)
        .iter()
        .filter(|h| h.chapter.is_none())
        .find_map(|h| h.read.clone())
}

/// Shows the next hint for `which` (an assignment's number or id), or for the
/// first assignment the student's code does not complete.
pub fn hint(root: &Path, which: Option<&str>) -> anyhow::Result<bool> {
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    let hints = Hints::load(root)?;
    let assignment = match which {
        Some(which) => rubric
            .assignments
            .iter()
            .find(|a| a.id == which || a.title.split_once('.').is_some_and(|(n, _)| n == which))
            .with_context(|| format!("no assignment `{which}` in the rubric"))?
            .clone(),
        None => {
            println!("Checking your code to find the assignment you are on…");
            let run = crate::check::check(root)?;
            match run.current() {
                Some(a) => a.clone(),
                None => {
                    println!("Every graded test passes: no hint needed.");
                    return Ok(true);
                }
            }
        }
    };
    let given = hints.of(&assignment.id);
    if given.is_empty() {
        println!("{}: no hints for this assignment.", assignment.title);
        return Ok(true);
    }
    let mut seen = seen(root);
    let shown = (seen.get(&assignment.id).copied().unwrap_or(0) + 1).min(given.len());
    println!("{}: hint {shown} of {}\n", assignment.title, given.len());
    for (number, hint) in given.iter().take(shown).enumerate() {
        println!("{}. {}", number + 1, hint.text.trim().replace('\n', "\n   "));
        if let (Some(section), Some(chapter)) =
            (&hint.read, hint.chapter.as_ref().or(assignment.chapter.as_ref()))
        {
            println!("   Read: “{section}” in book/src/{chapter}");
        }
        println!();
    }
    if shown < given.len() {
        let again =
            which.map_or("cargo learn hint".to_string(), |w| format!("cargo learn hint {w}"));
        println!("Run `{again}` again for the next one.");
    }
    seen.insert(assignment.id.clone(), shown);
    let text: String = seen.iter().map(|(id, n)| format!("{id} {n}\n")).collect();
    let state = state_file(root);
    if let Some(dir) = state.parent() {
        let _ = fs::create_dir_all(dir);
    }
    let _ = fs::write(state, text);
    Ok(true)
}

/// Where the hints seen so far are kept: the build folder.
fn state_file(root: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    target.join("learn").join("hints-seen")
}

/// How many hints of each assignment the student has seen.
fn seen(root: &Path) -> BTreeMap<String, usize> {
    fs::read_to_string(state_file(root))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter_map(|(id, n)| Some((id.to_string(), n.parse().ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The headings of a chapter, without their `#`s.
    fn headings(chapter: &str) -> Vec<String> {
        chapter
            .lines()
            .filter(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim().to_string())
            .collect()
    }

    #[test]
    fn every_assignment_that_asks_for_code_has_hints_and_each_names_a_section_of_its_chapter() {
        let root = crate::root();
        let rubric = Rubric::load(&root.join(RUBRIC)).unwrap();
        let hints = Hints::load(&root).unwrap();
        for a in &hints.assignments {
            assert!(rubric.assignment(&a.id).is_some(), "hints for `{}`, not in the rubric", a.id);
        }
        for a in &rubric.assignments {
            let given = hints.of(&a.id);
            if a.regions.is_empty() {
                continue;
            }
            assert!(given.len() >= 2, "`{}` needs at least two hints", a.id);
            assert!(
                given.iter().any(|h| h.read.is_some()),
                "`{}`: no hint says where to read",
                a.id
            );
            let own = a.chapter.as_ref().expect("an assignment with code has a chapter");
            for hint in given {
                let chapter = hint.chapter.as_ref().unwrap_or(own);
                let text = fs::read_to_string(root.join("book/src").join(chapter)).unwrap();
                let headings = headings(&text);
                assert!(!hint.text.trim().is_empty(), "`{}`: an empty hint", a.id);
                if let Some(section) = &hint.read {
                    assert!(
                        headings.iter().any(|h| h == section),
                        "`{}`: the hint names “{section}”, which is no heading of book/src/{chapter} \
                         (its headings: {headings:?})",
                        a.id
                    );
                }
            }
        }
    }
}

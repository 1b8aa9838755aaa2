//! The rubric: which assignments the course hands out, which code regions each
//! asks for, and which graded tests earn how many points.
//!
//! It lives in `tests/rubric.toml`, next to the graded suite it scores. A test is
//! named `TARGET::PATH`: the integration-test target (the file stem of
//! `tests/tests/TARGET.rs`) and the test's path inside it, exactly as
//! `cargo test -- --list` prints it. Every test of the suite is either scored by
//! one assignment or listed under `[excluded]` with the reason.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

/// The rubric file, relative to a workspace root.
pub const RUBRIC: &str = "tests/rubric.toml";

/// The whole rubric file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Settings that apply to every assignment.
    pub course: CourseSettings,
    /// The assignments, in the order of the course.
    #[serde(rename = "assignment")]
    pub assignments: Vec<Assignment>,
    /// Graded-suite tests deliberately left out of the score, with the reason.
    #[serde(default)]
    pub excluded: BTreeMap<String, String>,
}

/// Settings of the course as a whole.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseSettings {
    /// The Cargo package of the graded suite (its folder is `tests/`).
    pub test_package: String,
    /// The crates a student writes in, relative to the workspace root: the only
    /// part of a submission the grader ever reads.
    pub student_crates: Vec<String>,
    /// The time limit of one test, in seconds.
    pub timeout_seconds: u64,
}

/// One assignment: a few regions of code to write, scored by a few tests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// A short identifier, such as `adagrad`.
    pub id: String,
    /// The title shown in score tables.
    pub title: String,
    /// The book chapter it belongs to (a file in `book/src`).
    #[serde(default)]
    pub chapter: Option<String>,
    /// What the assignment asks, in a sentence or two.
    #[serde(default)]
    pub asks: String,
    /// The regions of code the student writes.
    #[serde(default, rename = "region")]
    pub regions: Vec<RegionSpec>,
    /// Test name → points.
    #[serde(default)]
    pub tests: BTreeMap<String, u32>,
}

/// A region of solution code, cut out of the student copy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// The anchor name, starting with `solution_`.
    pub name: String,
    /// The file that holds it, relative to the workspace root.
    pub file: String,
    /// The hint the student copy's `todo!()` carries.
    pub hint: String,
    /// Variables the region used that nothing else in the function uses: the stub
    /// marks them used (`let _ = (…);`) so that the student copy has no warnings.
    #[serde(default)]
    pub uses: Vec<String>,
}

/// A rubric for hidden tests, read from `DIR/rubric.toml` by `--extra-tests DIR`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraRubric {
    /// Tests added to existing assignments, or new assignments.
    #[serde(rename = "assignment", default)]
    pub assignments: Vec<ExtraAssignment>,
}

/// Hidden tests for one assignment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraAssignment {
    /// An existing assignment's id, or a new one's.
    pub id: String,
    /// The title, needed only for a new assignment.
    #[serde(default)]
    pub title: Option<String>,
    /// Test name → points.
    pub tests: BTreeMap<String, u32>,
}

impl Rubric {
    /// Reads and checks a rubric file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the rubric {}", path.display()))?;
        let rubric: Self =
            toml::from_str(&text).with_context(|| format!("in the rubric {}", path.display()))?;
        rubric.validate().with_context(|| format!("in the rubric {}", path.display()))?;
        Ok(rubric)
    }

    /// Checks that ids, test names and region names are unique and well formed,
    /// and that every region has a hint that is not blank.
    pub fn validate(&self) -> anyhow::Result<()> {
        let mut ids = BTreeMap::new();
        let mut tests = BTreeMap::new();
        let mut regions = BTreeMap::new();
        for assignment in &self.assignments {
            if ids.insert(assignment.id.as_str(), ()).is_some() {
                bail!("assignment `{}` appears twice", assignment.id);
            }
            for name in assignment.tests.keys() {
                check_test_name(name)?;
                if let Some(other) = tests.insert(name.as_str(), assignment.id.as_str()) {
                    bail!("test `{name}` is scored by both `{other}` and `{}`", assignment.id);
                }
            }
            for region in &assignment.regions {
                if !region.name.starts_with("solution_") {
                    bail!("region `{}` must be named `solution_…`", region.name);
                }
                if regions.insert(region.name.as_str(), ()).is_some() {
                    bail!("region `{}` appears twice", region.name);
                }
                if region.hint.trim().is_empty() {
                    bail!(
                        "region `{}` of assignment `{}` has an empty hint: the student's \
                         `todo!()` would say nothing",
                        region.name,
                        assignment.id
                    );
                }
            }
        }
        for name in self.excluded.keys() {
            check_test_name(name)?;
            if let Some(id) = tests.get(name.as_str()) {
                bail!("test `{name}` is both excluded and scored by `{id}`");
            }
        }
        Ok(())
    }

    /// Every scored test with its assignment's id and its points, in rubric order.
    pub fn scored_tests(&self) -> Vec<(&str, &str, u32)> {
        self.assignments
            .iter()
            .flat_map(|a| {
                a.tests.iter().map(move |(name, &points)| (name.as_str(), a.id.as_str(), points))
            })
            .collect()
    }

    /// An assignment, by id.
    pub fn assignment(&self, id: &str) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.id == id)
    }

    /// Every region of every assignment.
    pub fn regions(&self) -> impl Iterator<Item = &RegionSpec> {
        self.assignments.iter().flat_map(|a| &a.regions)
    }

    /// The total of all points.
    pub fn max_points(&self) -> u32 {
        self.assignments.iter().flat_map(|a| a.tests.values()).sum()
    }

    /// Adds the hidden tests of an `--extra-tests` rubric.
    pub fn merge(&mut self, extra: ExtraRubric) -> anyhow::Result<()> {
        for added in extra.assignments {
            match self.assignments.iter_mut().find(|a| a.id == added.id) {
                Some(assignment) => assignment.tests.extend(added.tests),
                None => {
                    let Some(title) = added.title else {
                        bail!("hidden assignment `{}` is new and needs a `title`", added.id);
                    };
                    self.assignments.push(Assignment {
                        id: added.id,
                        title,
                        chapter: None,
                        asks: String::new(),
                        regions: Vec::new(),
                        tests: added.tests,
                    });
                }
            }
        }
        self.validate().context("after adding the hidden tests' rubric")
    }
}

/// A test name must be `TARGET::PATH`.
fn check_test_name(name: &str) -> anyhow::Result<()> {
    match name.split_once("::") {
        Some((target, path)) if !target.is_empty() && !path.is_empty() => Ok(()),
        _ => bail!(
            "test `{name}` must be named `TARGET::PATH` (e.g. `adagrad::a_zero_gradient_gives_a_zero_step`)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
        [course]
        test_package = "t"
        student_crates = ["crates/c"]
        timeout_seconds = 5

        [[assignment]]
        id = "one"
        title = "One"
        [[assignment.region]]
        name = "solution_one"
        file = "crates/c/src/lib.rs"
        hint = "do it"
        [assignment.tests]
        "t::a" = 2
        "t::b" = 3

        [excluded]
        "t::c" = "tests code the student does not write"
    "#;

    #[test]
    fn a_small_rubric_reads_with_its_points_and_regions() {
        let rubric: Rubric = toml::from_str(SMALL).unwrap();
        rubric.validate().unwrap();
        assert_eq!(rubric.max_points(), 5);
        assert_eq!(rubric.scored_tests(), [("t::a", "one", 2), ("t::b", "one", 3)]);
        assert_eq!(rubric.regions().count(), 1);
    }

    #[test]
    fn a_test_both_scored_and_excluded_is_an_error() {
        let text = SMALL.replace("\"t::c\" = \"tests", "\"t::a\" = \"tests");
        let rubric: Rubric = toml::from_str(&text).unwrap();
        let error = rubric.validate().unwrap_err().to_string();
        assert_eq!(error, "test `t::a` is both excluded and scored by `one`");
    }

    #[test]
    fn an_empty_or_blank_hint_fails_the_load_naming_the_region_and_the_assignment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rubric.toml");
        // Empty, spaces, and a tab and a newline (TOML escapes).
        for blank in ["", "   ", "\\t\\n"] {
            std::fs::write(&path, SMALL.replace("\"do it\"", &format!("\"{blank}\""))).unwrap();
            let error = Rubric::load(&path).unwrap_err();
            assert_eq!(
                error.root_cause().to_string(),
                "region `solution_one` of assignment `one` has an empty hint: the student's \
                 `todo!()` would say nothing",
                "hint {blank:?}"
            );
            assert!(error.to_string().starts_with("in the rubric "), "{error:#}");
        }
    }

    #[test]
    fn a_test_name_without_its_target_is_an_error() {
        let rubric: Rubric = toml::from_str(&SMALL.replace("\"t::b\"", "\"b\"")).unwrap();
        assert!(
            rubric.validate().unwrap_err().to_string().contains("must be named `TARGET::PATH`")
        );
    }

    #[test]
    fn hidden_tests_join_an_existing_assignment_or_a_new_titled_one() {
        let mut rubric: Rubric = toml::from_str(SMALL).unwrap();
        let extra: ExtraRubric = toml::from_str(
            "[[assignment]]\nid = \"one\"\ntests = { \"hidden::x\" = 4 }\n\
             [[assignment]]\nid = \"new\"\ntitle = \"New\"\ntests = { \"hidden::y\" = 1 }\n",
        )
        .unwrap();
        rubric.merge(extra).unwrap();
        assert_eq!(rubric.max_points(), 10);
        let untitled: ExtraRubric =
            toml::from_str("[[assignment]]\nid = \"other\"\ntests = { \"hidden::z\" = 1 }\n")
                .unwrap();
        assert!(rubric.merge(untitled).unwrap_err().to_string().contains("needs a `title`"));
    }
}

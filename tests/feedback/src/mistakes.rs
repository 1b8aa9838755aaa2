//! Naming the mistake: the known wrong submissions of the course, and what the
//! diagnosis probe (`tests/learn/examples/descent_probe.rs`) prints for each of them.
//!
//! The probe calls a submission's functions on fixed inputs and prints what they
//! return. The solution's results and each known mistake's are committed
//! (`xtask/fixtures/probes.json`, written by `cargo xtask assignments probes` from
//! real builds of each fixture). A known mistake *matches* when, on every probe
//! where that mistake's code differs from the solution's, the submission's code
//! gives the mistake's numbers (to a relative 10⁻⁹) — and differs from the
//! solution there. A submission can match several (two mistakes in two
//! assignments). When its functions differ from the solution's and no known
//! mistake matches, the diagnosis says so and does not guess ([`NO_KNOWN_MISTAKE`]).
//!
//! The grader and the student's checker name a mistake with the same words
//! ([`name`]). A student copy holds the mistakes without their code
//! ([`redacted`]): a name, the mistake in words and the section to read.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::rubric::Rubric;

/// The wrong-submission fixtures, relative to the course's root.
pub const FIXTURES: &str = "xtask/fixtures/wrong.toml";
/// The committed probe results of the solution and the fixtures.
pub const PROBES: &str = "xtask/fixtures/probes.json";
/// The probe program, relative to the workspace root: an example of the
/// student's checker, built against the student crates.
pub const PROBE: &str = "tests/learn/examples/descent_probe.rs";
/// Where a student copy keeps the known mistakes, without their code.
pub const STUDENT_FIXTURES: &str = "tests/learn/known/mistakes.toml";
/// Where a student copy keeps the probe results.
pub const STUDENT_PROBES: &str = "tests/learn/known/probes.json";

/// What the diagnosis says when the functions differ from the solution's and no
/// known mistake matches.
pub const NO_KNOWN_MISTAKE: &str = "No known mistake matches what your functions do; the \
                                    messages below say where they differ from the rules.";

/// A file of the kit that could not be read or parsed, named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

fn read_file(path: &Path) -> Result<String, LoadError> {
    fs::read_to_string(path).map_err(|e| LoadError(format!("cannot read {}: {e}", path.display())))
}

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
    /// Text inside the region (exactly once)… (empty in a grading kit or a
    /// student copy, which name the mistakes but hold no solution code)
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
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let text = read_file(path)?;
        toml::from_str(&text).map_err(|e| LoadError(format!("in {}: {e}", path.display())))
    }
}

/// The fixtures file `text` without any fixture's code (`find`, `replace`):
/// what a grading kit or a student copy may hold.
pub fn redacted(text: &str) -> Result<String, toml::de::Error> {
    let mut table: toml::Table = toml::from_str(text)?;
    if let Some(toml::Value::Array(list)) = table.get_mut("fixture") {
        for fixture in list.iter_mut().filter_map(toml::Value::as_table_mut) {
            fixture.remove("find");
            fixture.remove("replace");
        }
    }
    Ok(format!(
        "# The known mistakes of the course, named for the grader's diagnosis; the\n\
         # code of each (find, replace) stays with the instructor.\n{}",
        toml::to_string(&table).unwrap_or_default()
    ))
}

/// What one probe printed: numbers, or `None` if the code panicked.
pub type Probe = Option<Vec<f64>>;

/// Every probe's result, by key.
pub type Probes = BTreeMap<String, Probe>;

/// The committed results: the solution's, and each fixture's where they differ.
/// In the file each probe is the probe's own line (`1.5 -0.25 NaN`, or `panic`),
/// so that every number, NaN and infinities included, survives the round trip.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(into = "FingerprintsFile", from = "FingerprintsFile")]
pub struct Fingerprints {
    /// The solution's result of every probe.
    pub solution: Probes,
    /// Per fixture, its results on the probes where it differs from the solution.
    pub fixtures: BTreeMap<String, Probes>,
}

/// [`Fingerprints`] as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FingerprintsFile {
    solution: BTreeMap<String, String>,
    fixtures: BTreeMap<String, BTreeMap<String, String>>,
}

/// A probe's line.
pub fn show(probe: &Probe) -> String {
    match probe {
        None => "panic".into(),
        Some(values) => values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" "),
    }
}

/// A probe from its line.
fn read(line: &str) -> Probe {
    if line == "panic" {
        return None;
    }
    line.split_whitespace().map(|v| v.parse::<f64>().ok()).collect()
}

fn to_lines(probes: &Probes) -> BTreeMap<String, String> {
    probes.iter().map(|(k, v)| (k.clone(), show(v))).collect()
}

fn from_lines(lines: &BTreeMap<String, String>) -> Probes {
    lines.iter().map(|(k, v)| (k.clone(), read(v))).collect()
}

impl From<Fingerprints> for FingerprintsFile {
    fn from(f: Fingerprints) -> Self {
        Self {
            solution: to_lines(&f.solution),
            fixtures: f.fixtures.iter().map(|(k, v)| (k.clone(), to_lines(v))).collect(),
        }
    }
}

impl From<FingerprintsFile> for Fingerprints {
    fn from(f: FingerprintsFile) -> Self {
        Self {
            solution: from_lines(&f.solution),
            fixtures: f.fixtures.iter().map(|(k, v)| (k.clone(), from_lines(v))).collect(),
        }
    }
}

impl Fingerprints {
    /// Reads the committed file.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let text = read_file(path)?;
        serde_json::from_str(&text).map_err(|e| LoadError(format!("in {}: {e}", path.display())))
    }

    /// Records a fixture's probes: those that differ from the solution's.
    pub fn add(&mut self, fixture: &str, probes: &Probes) {
        let differing = probes
            .iter()
            .filter(|(key, value)| !same(self.solution.get(*key).unwrap_or(&None), value))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        self.fixtures.insert(fixture.to_string(), differing);
    }

    /// The known mistakes `probes` reproduces; empty if none.
    pub fn matches(&self, probes: &Probes) -> Vec<String> {
        self.fixtures
            .iter()
            .filter(|(_, differing)| {
                !differing.is_empty()
                    && differing
                        .iter()
                        .all(|(key, theirs)| probes.get(key).is_some_and(|ours| same(ours, theirs)))
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// True if `probes` differ from the solution's anywhere.
    pub fn differs_from_solution(&self, probes: &Probes) -> bool {
        self.solution
            .iter()
            .any(|(key, theirs)| !probes.get(key).is_some_and(|ours| same(ours, theirs)))
    }
}

/// Equal results: both panicked, or the same length and every number within a
/// relative 10⁻⁹ (NaN equals NaN).
pub fn same(a: &Probe, b: &Probe) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| {
                    x == y
                        || (x.is_nan() && y.is_nan())
                        || (x - y).abs() <= 1e-9 * x.abs().max(y.abs())
                })
        }
        _ => false,
    }
}

/// The probe program's output (`KEY<TAB>numbers` lines), parsed.
pub fn parse(stdout: &str) -> Probes {
    stdout
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(key, values)| (key.to_string(), read(values)))
        .collect()
}

/// A known mistake that a submission's functions reproduce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The mistake's name (a fixture of `xtask/fixtures/wrong.toml`).
    pub mistake: String,
    /// What the student's code does, in the course's terms, and where to read.
    pub message: String,
    /// The chapter to read (a file of `book/src`).
    pub chapter: Option<String>,
}

/// The known mistakes `probes` reproduces, each in the student's terms.
pub fn name(
    probes: &Probes,
    fingerprints: &Fingerprints,
    fixtures: &Fixtures,
    rubric: &Rubric,
) -> Vec<Named> {
    fingerprints
        .matches(probes)
        .into_iter()
        .map(|name| {
            let fixture = fixtures.fixtures.iter().find(|f| f.name == name);
            let assignment = fixture.and_then(|f| {
                rubric.assignments.iter().find(|a| a.regions.iter().any(|r| r.name == f.region))
            });
            let title = assignment.map_or("your code", |a| a.title.as_str());
            let chapter = assignment.and_then(|a| a.chapter.clone());
            let mistake = fixture.map_or(name.as_str(), |f| f.mistake.as_str());
            let read = match (fixture.and_then(|f| f.read.as_deref()), &chapter) {
                (Some(section), Some(chapter)) => {
                    format!(" Read “{section}” in book/src/{chapter}.")
                }
                (None, Some(chapter)) => format!(" Read book/src/{chapter}."),
                _ => String::new(),
            };
            Named {
                message: format!(
                    "{title}: your functions behave like this known mistake: {mistake}.{read}"
                ),
                mistake: name,
                chapter,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probes(pairs: &[(&str, Probe)]) -> Probes {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn a_fixture_matches_where_it_differs_and_the_solution_and_an_unknown_mutation_match_none() {
        let solution = probes(&[("a", Some(vec![1.0, 2.0])), ("b", Some(vec![3.0]))]);
        let mut prints = Fingerprints { solution: solution.clone(), ..Fingerprints::default() };
        prints.add("wrong-a", &probes(&[("a", Some(vec![1.0, 2.5])), ("b", Some(vec![3.0]))]));
        prints.add("panics-b", &probes(&[("a", Some(vec![1.0, 2.0])), ("b", None)]));
        assert_eq!(prints.fixtures["wrong-a"].len(), 1);
        assert!(prints.matches(&solution).is_empty());
        assert!(!prints.differs_from_solution(&solution));
        let both = probes(&[("a", Some(vec![1.0, 2.5 + 1e-13])), ("b", None)]);
        assert_eq!(prints.matches(&both), ["panics-b", "wrong-a"]);
        let unknown = probes(&[("a", Some(vec![1.0, 7.0])), ("b", Some(vec![3.0]))]);
        assert!(prints.matches(&unknown).is_empty());
        assert!(prints.differs_from_solution(&unknown));
    }

    #[test]
    fn fingerprints_keep_nan_and_panics_through_the_file() {
        let mut prints = Fingerprints {
            solution: probes(&[("a", Some(vec![f64::NAN, -0.0, f64::INFINITY])), ("b", None)]),
            ..Fingerprints::default()
        };
        prints.add("x", &probes(&[("a", Some(vec![1.0, 0.1, 2.0])), ("b", None)]));
        let text = serde_json::to_string(&prints).unwrap();
        let back: Fingerprints = serde_json::from_str(&text).unwrap();
        assert!(same(&back.solution["a"], &prints.solution["a"]));
        assert_eq!(back.fixtures["x"]["a"], Some(vec![1.0, 0.1, 2.0]));
        assert_eq!(back.solution["b"], None);
    }

    #[test]
    fn the_probe_output_parses_numbers_and_panics() {
        let parsed = parse("a\t1.0 -2.5e-3 NaN\nb\tpanic\nnoise\n");
        assert_eq!(parsed["b"], None);
        let a = parsed["a"].as_ref().unwrap();
        assert_eq!(a[..2], [1.0, -2.5e-3]);
        assert!(a[2].is_nan());
    }

    #[test]
    fn a_redacted_fixtures_file_keeps_the_names_and_drops_the_code() {
        let text = "[[fixture]]\nname = \"a\"\nmistake = \"m\"\nregion = \"solution_a\"\n\
                    find = \"x -= 1;\"\nreplace = \"x += 1;\"\nloses = [\"one\"]\nread = \"S\"\n";
        let kept = redacted(text).unwrap();
        assert!(!kept.contains("x -= 1") && !kept.contains("x += 1"), "{kept}");
        let fixtures: Fixtures = toml::from_str(&kept).unwrap();
        assert_eq!(fixtures.fixtures[0].name, "a");
        assert_eq!(fixtures.fixtures[0].read.as_deref(), Some("S"));
        assert!(fixtures.fixtures[0].find.is_empty());
    }
}

//! Naming the mistake: what a failing submission's functions return on fixed
//! probe inputs (`xtask/probe/descent_probe.rs`), compared with what the solution
//! and each known wrong submission return (`xtask/fixtures/probes.json`, written
//! by `cargo xtask assignments probes` from real builds of each fixture).
//!
//! A known mistake *matches* when, on every probe where that mistake's code
//! differs from the solution's, the submission's code gives the mistake's numbers
//! (to a relative 10⁻⁹) — and differs from the solution there. A submission can
//! match several (two mistakes in two assignments). When its functions differ
//! from the solution's and no known mistake matches, the diagnosis says so and
//! does not guess.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::report::Diagnosis;
use crate::kit::fixtures::Fixtures;
use crate::kit::rubric::Rubric;

/// The probe program, relative to the workspace root.
pub const PROBE: &str = "xtask/probe/descent_probe.rs";
/// The committed probe results of the solution and the fixtures.
pub const PROBES: &str = "xtask/fixtures/probes.json";

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
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("in {}", path.display()))
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
    #[cfg(test)]
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

/// The probe program's output, parsed.
pub fn parse(stdout: &str) -> Probes {
    stdout
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(key, values)| (key.to_string(), read(values)))
        .collect()
}

/// The diagnosis of `probes`, in the student's terms.
pub fn diagnose(
    probes: &Probes,
    fingerprints: &Fingerprints,
    fixtures: &Fixtures,
    rubric: &Rubric,
) -> Vec<Diagnosis> {
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
            Diagnosis {
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
}

//! Naming the mistake: what a failing submission's functions return on fixed
//! probe inputs (`tests/learn/examples/descent_probe.rs`), compared with what the
//! solution and each known wrong submission return (`xtask/fixtures/probes.json`,
//! written by `cargo xtask assignments probes` from real builds of each fixture).
//!
//! The matching and its words are `descent_feedback::mistakes`, which the
//! student's checker (`cargo learn`) shares, so that both name the same mistake
//! the same way; this module puts them in the grader's report.

pub use descent_feedback::mistakes::{Fingerprints, PROBE, PROBES, Probes, parse};

use super::report::Diagnosis;
use crate::kit::fixtures::Fixtures;
use crate::kit::rubric::Rubric;

/// The diagnosis of `probes`, in the student's terms.
pub fn diagnose(
    probes: &Probes,
    fingerprints: &Fingerprints,
    fixtures: &Fixtures,
    rubric: &Rubric,
) -> Vec<Diagnosis> {
    descent_feedback::mistakes::name(probes, fingerprints, fixtures, rubric)
        .into_iter()
        .map(|named| Diagnosis {
            mistake: named.mistake,
            message: named.message,
            chapter: named.chapter,
        })
        .collect()
}

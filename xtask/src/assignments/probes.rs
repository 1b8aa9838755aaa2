//! `cargo xtask assignments probes [--check]`: what the probe
//! (`tests/learn/examples/descent_probe.rs`) prints for the solution and for each wrong
//! submission, built for real, written to `xtask/fixtures/probes.json` (or, with
//! `--check`, compared with it). The grader's diagnosis reads that file; run
//! this after changing a solution, a fixture or the probe.

use std::path::Path;

use anyhow::bail;

use crate::grade::diagnose::{Fingerprints, PROBES};
use crate::grade::engine::{self, Request, Slot};
use crate::kit::fixtures::{FIXTURES, Fixtures, write_wrong_submission};
use crate::kit::jail::Jail;
use crate::kit::rubric::{RUBRIC, Rubric};
use crate::kit::sandbox;

/// The fingerprints of the course at `root`, computed from real builds.
pub fn compute(root: &Path) -> anyhow::Result<Fingerprints> {
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    let fixtures = Fixtures::load(&root.join(FIXTURES))?;
    let target_dir = sandbox::kit_target_dir(root);
    let request = |submission: &Path| Request::new(root, submission);
    let jail = Jail::probe(engine::limits(&rubric, &request(root)));
    let slot = Slot::new(&target_dir, 0);
    let mut prints = Fingerprints {
        solution: engine::probe(&request(root), &rubric, &slot, &jail)?,
        ..Fingerprints::default()
    };
    let scratch = tempfile::Builder::new().prefix("descent-probes-").tempdir()?;
    for fixture in &fixtures.fixtures {
        let submission = scratch.path().join(&fixture.name);
        write_wrong_submission(root, &rubric, fixture, &submission)?;
        let probes = engine::probe(&request(&submission), &rubric, &slot, &jail)?;
        prints.add(&fixture.name, &probes);
        if prints.fixtures[&fixture.name].is_empty() {
            bail!(
                "{}: the probe cannot tell it from the solution; add a probe that can",
                fixture.name
            );
        }
    }
    Ok(prints)
}

/// Writes, or with `check` compares, `xtask/fixtures/probes.json`.
pub fn run(root: &Path, check: bool) -> anyhow::Result<()> {
    let prints = compute(root)?;
    let text = serde_json::to_string_pretty(&prints)? + "\n";
    let path = root.join(PROBES);
    if check {
        // Compared as the text written, number by number: a NaN that a wrong
        // submission's probe prints equals itself there, as `==` on f64 would not say.
        let committed = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        if committed != text {
            bail!("{} is stale: run `cargo xtask assignments probes` and commit it", PROBES);
        }
        println!("{PROBES} is up to date ({} fixtures)", prints.fixtures.len());
    } else {
        std::fs::write(&path, text)?;
        println!("wrote {PROBES} ({} fixtures)", prints.fixtures.len());
    }
    Ok(())
}

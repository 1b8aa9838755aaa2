//! Chapter "For instructors": what mutation testing of the graded suite found,
//! region by region, from the committed report of `cargo xtask assignments
//! mutants` (whose `--check` proves it that of the regions' current code).

use anyhow::Result;

use crate::assignments::mutants::{Equivalents, Report};

/// The table of mutants per solution region: how many, how many the region's own
/// assignment's graded tests killed, how many survive as reviewed equivalents,
/// and how many survive unreviewed (which CI refuses).
pub fn table() -> Result<String> {
    let root = crate::workspace::root();
    let report = Report::load(&root)?;
    let equivalents = Equivalents::load(&root)?;
    let mut rows = vec![
        "| solution region | assignment | mutants | killed by its graded tests | equivalent (reviewed) | surviving |".to_owned(),
        "|---|---|---|---|---|---|".to_owned(),
    ];
    let (mut total, mut killed, mut equivalent, mut surviving) = (0, 0, 0, 0);
    for region in &report.regions {
        let reviewed =
            region.survivors.iter().filter(|s| equivalents.has(&region.region, &s.key)).count();
        let unreviewed = region.survivors.len() - reviewed;
        rows.push(format!(
            "| `{}` | {} | {} | {} | {} | {} |",
            region.region, region.assignment, region.mutants, region.killed, reviewed, unreviewed
        ));
        total += region.mutants;
        killed += region.killed;
        equivalent += reviewed;
        surviving += unreviewed;
    }
    rows.push(format!(
        "| **all {} regions** | | **{total}** | **{killed}** | **{equivalent}** | **{surviving}** |",
        report.regions.len()
    ));
    Ok(rows.join("\n") + "\n")
}

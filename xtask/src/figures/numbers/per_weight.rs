//! The numbers of per-weight.md: ε as damping, from the sweep of its figure.

use anyhow::{Context, Result, ensure};

use super::book::Book;
use crate::figures::damping::{DAMPING_ETA, DAMPING_STEPS, damping};
use crate::figures::format::scientific;

const CHAPTER: &str = "per-weight";

pub(super) fn numbers(book: &mut Book) -> Result<()> {
    let sweep = damping()?;
    let (first, last) = (0, sweep.epsilons.len() - 1);
    let rms = |k: usize| sweep.rmsprop[k].context("RMSprop stays finite");
    // The two limits, at the two ends of the grid.
    let (small, large) = (rms(first)?, rms(last)?);
    let gd_large = sweep.gradient_descent[last].context("GD at η/√ε, large ε, converges")?;
    // Sign descent hovers, so a step that differs in its tenth digit ends at
    // another point of the same floor: the levels agree, not the bits.
    ensure!(
        (small / sweep.sign - 1.0).abs() < 0.25,
        "at the smallest ε RMSprop should be sign descent: {small} against {}",
        sweep.sign
    );
    ensure!(
        (large / gd_large - 1.0).abs() < 0.05,
        "at the largest ε RMSprop should be gradient descent at η/√ε: {large} against {gd_large}"
    );
    let (best_k, best) = sweep
        .rmsprop
        .iter()
        .enumerate()
        .filter_map(|(k, g)| g.map(|g| (k, g)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .context("a best ε")?;
    ensure!(
        best < sweep.sign / 1e3 && best < large / 1e3,
        "in between, the damping should beat both limits by far: {best}"
    );
    book.add(CHAPTER, "damping-eta", DAMPING_ETA.to_string(), "η of the ε sweep");
    book.add(CHAPTER, "damping-steps", DAMPING_STEPS.to_string(), "its full-batch steps");
    book.add(
        CHAPTER,
        "damping-smallest-epsilon",
        scientific(sweep.epsilons[first], 0),
        "the smallest ε of the sweep",
    );
    book.add(
        CHAPTER,
        "damping-largest-epsilon",
        scientific(sweep.epsilons[last], 0),
        "the largest ε of the sweep",
    );
    book.add(CHAPTER, "damping-sign-gap", scientific(sweep.sign, 1), "sign descent's J − J*");
    book.add(
        CHAPTER,
        "damping-small-gap",
        scientific(small, 1),
        "RMSprop's J − J* at the smallest ε",
    );
    book.add(
        CHAPTER,
        "damping-large-gap",
        scientific(large, 1),
        "RMSprop's J − J* at the largest ε",
    );
    book.add(
        CHAPTER,
        "damping-large-gd-gap",
        scientific(gd_large, 1),
        "GD's J − J* at η/√ε, the largest ε",
    );
    book.add(
        CHAPTER,
        "damping-best-epsilon",
        scientific(sweep.epsilons[best_k], 0),
        "RMSprop's best ε of the grid",
    );
    book.add(CHAPTER, "damping-best-gap", scientific(best, 1), "its J − J*");
    Ok(())
}

//! The numbers of adagrad.md: rates that freeze, and the stall.

use adagrad::Adagrad;
use anyhow::{Context, Result, ensure};
use gd::{Stop, StopReason, minimize};
use objectives::DiagonalQuadratic;
use rmsprop::RmsProp;
use sweep::Outcome;

use super::book::Book;
use crate::figures::format::{fixed, scientific};
use crate::figures::scene::{ELLIPSE_START, ellipse_run};

/// Adagrad's rates on the ellipse freeze rather than vanish: the gradients shrink
/// geometrically, so Σg² converges and so does each rate η/√(G + ε).
pub(super) fn numbers(book: &mut Book) -> Result<()> {
    let eta = 0.4;
    let mut adagrad = Adagrad::new(eta, 2)?;
    let trace =
        minimize(&DiagonalQuadratic::ellipse(), &mut adagrad, &ELLIPSE_START, Stop::after(100_000));
    ensure!(
        matches!(trace.stop, StopReason::Converged { .. }),
        "Adagrad (η = {eta}) on the ellipse should converge, but {:?}",
        trace.stop
    );
    let rates = &trace.effective_learning_rates;
    let last = rates.last().context("a run with steps")?;
    // Frozen: from step 200 on, no rate moves in its third significant digit.
    let from = 200;
    for (t, step_rates) in rates.iter().enumerate().skip(from - 1) {
        for j in 0..2 {
            ensure!(
                (step_rates[j] - last[j]).abs() <= 5e-3 * last[j],
                "the rate of w{} at step {} is {}, not yet frozen at {}",
                j + 1,
                t + 1,
                step_rates[j],
                last[j]
            );
        }
    }
    // …and frozen well above zero: the shallow rate is still a quarter of η.
    ensure!(last[0] > 0.25 * eta, "the shallow weight's rate {} has nearly vanished", last[0]);
    book.add(
        "adagrad",
        "frozen-rate-shallow",
        fixed(last[0], 3),
        "Adagrad η = 0.4 on the ellipse: w₁'s effective rate once it has frozen",
    );
    book.add(
        "adagrad",
        "frozen-rate-steep",
        fixed(last[1], 3),
        "Adagrad η = 0.4 on the ellipse: w₂'s effective rate once it has frozen",
    );
    book.add(
        "adagrad",
        "frozen-from",
        from.to_string(),
        "the step from which neither rate moves in its third significant digit",
    );
    let factor = 1.0 - 0.2 * last[0];
    ensure!(
        factor > 1.0 - 0.2 * eta,
        "Adagrad's frozen factor on w₁ should be slower than GD's 0.92"
    );
    book.add(
        "adagrad",
        "frozen-factor-shallow",
        fixed(factor, 3),
        "1 − λ₁·(frozen rate of w₁): Adagrad's factor on w₁'s error per step, late in the run",
    );
    // With η = 0.05 (the stall figure) the first phase, rates falling like 1/√t,
    // lasts longer, the rates freeze lower, and the run takes far longer.
    let small = 0.05;
    let mut slow = Adagrad::new(small, 2)?;
    let stall =
        minimize(&DiagonalQuadratic::ellipse(), &mut slow, &ELLIPSE_START, Stop::after(100_000));
    let rmsprop = ellipse_run(&mut RmsProp::new(small, 2)?, 1000);
    let (stall_gap, rmsprop_gap) = (stall.losses[1000], rmsprop.losses[1000]);
    ensure!(
        stall_gap > 100.0 * rmsprop_gap,
        "after 1000 steps Adagrad (η = 0.05) should be far behind RMSprop: {stall_gap} against {rmsprop_gap}"
    );
    let slow_rate = *stall
        .effective_learning_rates
        .last()
        .context("a run with steps")?
        .first()
        .context("two weights")?;
    let (stall_outcome, fast_outcome) =
        (Outcome::of(&stall, 0.0, 1e-6), Outcome::of(&trace, 0.0, 1e-6));
    let reached =
        stall_outcome.steps().context("Adagrad η = 0.05 should reach J < 1e-6 in the end")?;
    let fast_reached = fast_outcome.steps().context("Adagrad η = 0.4 reaches J < 1e-6")?;
    ensure!(
        reached > 10 * fast_reached,
        "η = 0.05 should take far longer than η = 0.4: {reached} against {fast_reached}"
    );
    book.add(
        "adagrad",
        "stall-gap-1000",
        fixed(stall_gap, 2),
        "J after 1000 steps of Adagrad η = 0.05 on the ellipse (the stall figure)",
    );
    book.add(
        "adagrad",
        "stall-rmsprop-gap-1000",
        scientific(rmsprop_gap, 1),
        "J after 1000 steps of RMSprop η = 0.05 on the ellipse",
    );
    book.add(
        "adagrad",
        "stall-frozen-rate",
        format!("{slow_rate:.4}"),
        "w₁'s rate once frozen, Adagrad η = 0.05 on the ellipse",
    );
    book.add(
        "adagrad",
        "stall-rate-ratio",
        format!("{:.0}", last[0] / slow_rate),
        "how many times lower w₁'s frozen rate is with η = 0.05 than with η = 0.4",
    );
    book.reached(
        "adagrad",
        "stall-steps",
        stall_outcome,
        "steps until J < 1e-6 for Adagrad η = 0.05 on the ellipse",
    )?;
    book.reached(
        "adagrad",
        "fast-steps",
        fast_outcome,
        "steps until J < 1e-6 for Adagrad η = 0.4 on the ellipse",
    )?;
    Ok(())
}

//! The setup several figures share: the ellipse every chapter starts from (its
//! start, frame and contour levels, and a run on it), and how a run becomes the
//! points a figure draws (its path, and its excess loss over the least value).

use anyhow::{Context, Result};
use gd::{Optimizer, Stop, Trace, minimize};
use objectives::{DiagonalQuadratic, Objective};

use super::plot::Axes;

/// Where the course starts the ellipse.
pub const ELLIPSE_START: [f64; 2] = [-5.0, -2.0];

/// The frame of every ellipse figure: it holds the start (−5, −2) and the minimum.
pub fn ellipse_axes() -> Axes {
    Axes::new((-6.0, 2.0), (-2.5, 2.5), "w₁", "w₂").no_grid().ticks(9, 6)
}

/// Contour levels of the ellipse 0.1·w₁² + 2·w₂²: the ellipses through w₁ = 1…6 on
/// the w₁ axis, and the one through the start.
pub fn ellipse_levels() -> Vec<f64> {
    let ellipse = DiagonalQuadratic::ellipse();
    let mut levels: Vec<f64> = (1..=6).map(|k| ellipse.value(&[f64::from(k), 0.0])).collect();
    levels.push(ellipse.value(&ELLIPSE_START));
    levels
}

/// A run on the ellipse from (−5, −2) with no gradient tolerance, for `steps` steps.
pub fn ellipse_run(optimizer: &mut dyn Optimizer, steps: usize) -> Trace {
    let stop = Stop::after(steps).or_when_gradient_below(0.0);
    minimize(&DiagonalQuadratic::ellipse(), optimizer, &ELLIPSE_START, stop)
}

/// The iterates of a run on a 2-D objective, as points (w₁, w₂).
pub fn path(trace: &gd::Trace) -> Vec<(f64, f64)> {
    trace.iterates.iter().map(|w| (w[0], w[1])).collect()
}

/// J(w*), the least value of `objective`, from its known minimizer.
pub fn least_value(objective: &dyn objectives::Objective) -> Result<f64> {
    let minimizer = objective
        .minimizer()
        .with_context(|| format!("the {} has no known minimizer", objective.name()))?;
    Ok(objective.value(&minimizer))
}

/// (t, J(w_t) − J*) for every iterate: the excess loss, which a log axis can show.
///
/// At or below zero (exactly at the minimum, or below J* by a rounding error) it
/// has no place on a log axis. It is then drawn as the smallest positive double,
/// 10⁻³⁰⁸, far below any frame, so the line drops through the bottom edge at that
/// step; the figures that can show this say so.
pub fn excess_losses(trace: &gd::Trace, least: f64) -> Vec<(f64, f64)> {
    trace
        .losses
        .iter()
        .enumerate()
        .map(|(t, loss)| (t as f64, (loss - least).max(f64::MIN_POSITIVE)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excess_losses_put_zero_and_rounding_below_every_frame() {
        let trace = gd::Trace {
            optimizer: "test".into(),
            objective: "test".into(),
            iterates: vec![vec![0.0]; 3],
            losses: vec![1.5, 0.5, 0.5f64.next_down()], // exactly J*, then an ulp below it
            gradient_norms: vec![1.0; 3],
            effective_learning_rates: Vec::new(),
            stop: gd::StopReason::BudgetSpent { steps: 2 },
        };
        let excess = excess_losses(&trace, 0.5);
        assert_eq!(excess, vec![(0.0, 1.0), (1.0, f64::MIN_POSITIVE), (2.0, f64::MIN_POSITIVE)]);
    }
}

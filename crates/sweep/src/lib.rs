//! Learning-rate sweeps: how wide is each method's window?
//!
//! Comparing two optimizers at one learning rate compares two guesses. Gradient
//! descent with a well-chosen η is fast on a small, well-conditioned problem, and
//! at that η it beats the adaptive methods; a step further and it diverges. The
//! honest comparison runs each method over a whole grid of learning rates and asks,
//! for each η, how many steps the run needs to reach a target, or how it failed
//! ([`Outcome`]). The set of η that reach the target is the method's *window*.
//!
//! On a quadratic with curvatures in [μ, L], gradient descent's window closes at
//! η = 2/L, and the best η inside it still leaves the flattest direction a factor
//! 1 − η·μ per step. Adagrad's step, η·g/√G, does not change when J is multiplied
//! by a constant c (with ε = 0): its window stays where it is while gradient
//! descent's moves by 1/c. That is the property a per-weight rate buys, and the
//! sweeps of this crate measure it.
//!
//! - [`Budget`] and [`Outcome`]: what counts as arrived, and how a run failed;
//! - [`race`]: one run, stopped as soon as its outcome is decided;
//! - [`log_grid`]: learning rates spread evenly over decades;
//! - [`Method`] and [`METHODS`]: the course's optimizers with their defaults;
//! - [`sweep`], [`best`] and [`window`]: a method over a grid, and what it found.

mod outcome;
mod race;

use gd::{GradientDescent, HyperParameterError, Optimizer};
use objectives::Objective;

pub use outcome::{BLOW_UP, Budget, Outcome, Referee};
pub use race::{Raced, race};

/// `points_per_decade · (high − low) + 1` learning rates 10ᵏ from 10^`low` to
/// 10^`high`, spread evenly on a log scale: 10^(low + i/points_per_decade).
pub fn log_grid(low: i32, high: i32, points_per_decade: u32) -> Vec<f64> {
    let per = f64::from(points_per_decade);
    let count = (high - low).max(0) * points_per_decade as i32;
    (0..=count).map(|i| 10f64.powf(f64::from(low) + f64::from(i) / per)).collect()
}

/// An optimizer of the course, built for `n` weights from a learning rate.
#[derive(Debug, Clone, Copy)]
pub struct Method {
    /// Its name in tables and legends.
    pub name: &'static str,
    /// Builds it: (η, n) → optimizer with the course's defaults for the rest.
    pub build: fn(f64, usize) -> Result<Box<dyn Optimizer>, HyperParameterError>,
}

/// Gradient descent, w ← w − η·g.
pub const GRADIENT_DESCENT: Method =
    Method { name: "gradient descent", build: |eta, _| Ok(Box::new(GradientDescent::new(eta)?)) };
/// Adagrad with the course's defaults (ε = 1e-10 inside the root, G₀ = 0).
pub const ADAGRAD: Method =
    Method { name: "Adagrad", build: |eta, n| Ok(Box::new(adagrad::Adagrad::new(eta, n)?)) };
/// RMSprop with the course's defaults (γ = 0.9).
pub const RMSPROP: Method =
    Method { name: "RMSprop", build: |eta, n| Ok(Box::new(rmsprop::RmsProp::new(eta, n)?)) };
/// Heavy-ball momentum with β = 0.9.
pub const MOMENTUM: Method =
    Method { name: "momentum", build: |eta, n| Ok(Box::new(momentum::Momentum::new(eta, n)?)) };
/// Adam with its defaults (β₁ = 0.9, β₂ = 0.999, ε = 1e-8 outside the root).
pub const ADAM: Method =
    Method { name: "Adam", build: |eta, n| Ok(Box::new(momentum::Adam::new(eta, n)?)) };

/// The five methods a sweep compares, in the order of the book.
pub const METHODS: [Method; 5] = [GRADIENT_DESCENT, ADAGRAD, RMSPROP, MOMENTUM, ADAM];

/// One method raced over `etas` on `objective` from `start` (J(w*) = `minimum`):
/// how the run at each η ended and the steps it took, in order.
///
/// # Errors
/// If the method refuses one of the learning rates (η must be finite and > 0).
pub fn sweep(
    objective: &dyn Objective,
    start: &[f64],
    minimum: f64,
    method: Method,
    etas: &[f64],
    budget: Budget,
) -> Result<Vec<Raced>, HyperParameterError> {
    etas.iter()
        .map(|&eta| {
            let mut optimizer = (method.build)(eta, objective.dimension())?;
            Ok(race(objective, optimizer.as_mut(), start, minimum, budget))
        })
        .collect()
}

/// The learning rate that reached the target in the fewest steps, with those
/// steps (the smallest such η on a tie); `None` if no η reached it.
pub fn best(etas: &[f64], outcomes: &[Outcome]) -> Option<(f64, usize)> {
    gd::assert_same_length("etas", etas.len(), "outcomes", outcomes.len());
    etas.iter()
        .zip(outcomes)
        .filter_map(|(&eta, outcome)| outcome.steps().map(|steps| (eta, steps)))
        .min_by_key(|&(_, steps)| steps)
}

/// The smallest and largest learning rates that reached the target, and how many
/// of the grid's points between them did; `None` if none did.
pub fn window(etas: &[f64], outcomes: &[Outcome]) -> Option<(f64, f64, usize)> {
    gd::assert_same_length("etas", etas.len(), "outcomes", outcomes.len());
    let reached: Vec<f64> = etas
        .iter()
        .zip(outcomes)
        .filter(|(_, outcome)| outcome.steps().is_some())
        .map(|(&eta, _)| eta)
        .collect();
    Some((*reached.first()?, *reached.last()?, reached.len()))
}

#[cfg(test)]
mod tests {
    use objectives::DiagonalQuadratic;

    use super::*;

    #[test]
    fn the_grid_spreads_points_evenly_over_decades() {
        let grid = log_grid(-2, 1, 5);
        assert_eq!(grid.len(), 16);
        approx::assert_relative_eq!(grid[0], 0.01, max_relative = 1e-15);
        approx::assert_relative_eq!(grid[5], 0.1, max_relative = 1e-15);
        approx::assert_relative_eq!(grid[15], 10.0, max_relative = 1e-15);
        // Each point is 10^(1/5) ≈ 1.585 times the last.
        for pair in grid.windows(2) {
            approx::assert_relative_eq!(pair[1] / pair[0], 10f64.powf(0.2), max_relative = 1e-14);
        }
    }

    #[test]
    fn gradient_descents_window_on_the_ellipse_closes_below_two_over_l() {
        // L = 4: η = 0.5 makes w₂ bounce for ever; anything above diverges.
        let ellipse = DiagonalQuadratic::ellipse();
        let etas = log_grid(-3, 1, 10);
        let outcomes: Vec<Outcome> =
            sweep(&ellipse, &[-5.0, -2.0], 0.0, GRADIENT_DESCENT, &etas, Budget::SUMMARY)
                .unwrap()
                .into_iter()
                .map(|raced| raced.outcome)
                .collect();
        let (_, high, _) = window(&etas, &outcomes).unwrap();
        assert!(high < 0.5, "{high}");
        for (eta, outcome) in etas.iter().zip(&outcomes) {
            if *eta > 0.5 {
                assert!(matches!(outcome, Outcome::Diverged { .. }), "η = {eta}: {outcome}");
            }
        }
        let (eta, steps) = best(&etas, &outcomes).unwrap();
        assert!(eta < 0.5 && steps < 100, "best η = {eta}, {steps} steps");
    }

    #[test]
    fn best_prefers_the_fewest_steps_then_the_smaller_eta() {
        let outcomes = [
            Outcome::Stalled { gap: 1.0 },
            Outcome::Reached { step: 9 },
            Outcome::Reached { step: 9 },
            Outcome::Diverged { step: 3 },
        ];
        assert_eq!(best(&[1.0, 2.0, 3.0, 4.0], &outcomes), Some((2.0, 9)));
        assert_eq!(window(&[1.0, 2.0, 3.0, 4.0], &outcomes), Some((2.0, 3.0, 2)));
        assert_eq!(best(&[1.0], &outcomes[..1]), None);
    }
}

//! Vanilla gradient descent: the method every later chapter improves on.
//!
//! To minimize a cost J(w), step against its gradient:
//!
//! > w ← w − η·g,   where g = ∇J(w)
//!
//! with one learning rate η > 0 for every weight. The whole course hangs on that
//! *one*: on a quadratic whose curvatures range over [μ, L], each coordinate's error
//! is multiplied by (1 − η·λⱼ) per step, so η must stay below 2/L to converge, and
//! then the flattest direction shrinks only by (1 − η·μ) per step. Adagrad and
//! RMSprop, in the next crates, give each weight a learning rate of its own.
//!
//! This crate also holds what the later crates share:
//!
//! - the [`Optimizer`] trait: one allocation-free step on `&mut [f64]` parameters
//!   from `&[f64]` gradients;
//! - the run loop [`minimize`], which returns a [`Trace`] of iterates, losses,
//!   gradient norms and per-weight effective learning rates, and stops on a step
//!   budget, a gradient tolerance, or divergence, never letting a NaN into the trace;
//! - [`HyperParameterError`], the one error every optimizer's constructor returns;
//! - what the libraries add on top of any optimizer: learning-rate [`Schedule`]s
//!   ([`Scheduled`]), and weight decay added to the gradient ([`L2`]) or to the
//!   weights ([`Decoupled`]), for every optimizer that implements [`LearningRate`].
//!
//! Defaults: none. A learning rate has no good default (it depends on the
//! curvature of the problem), so [`GradientDescent::new`] asks for one.
//!
//! ## Reference
//! Cauchy, *Méthode générale pour la résolution des systèmes d'équations
//! simultanées* (1847); any optimization text, e.g. Nocedal & Wright,
//! *Numerical Optimization*, ch. 3.

mod decay;
mod error;
mod run;
mod schedule;

pub use decay::{Decoupled, L2};
pub use error::HyperParameterError;
pub use run::{Divergence, Stop, StopReason, Trace, minimize};
pub use schedule::{RateArithmetic, Schedule, Scheduled};

/// A first-order optimizer: turns a gradient into a change of the parameters.
///
/// An optimizer may keep state between steps (Adagrad's accumulator, say); it is
/// sized when the optimizer is built and never reallocated by a step.
// ANCHOR: optimizer
pub trait Optimizer {
    /// A short name for tables and legends, such as `"Adagrad η=0.4"`.
    fn name(&self) -> String;

    /// Updates `params` in place from `grads`, allocating nothing.
    ///
    /// # Panics
    /// If `params`, `grads` and the optimizer's state differ in length; the message
    /// names both lengths. Nothing is ever silently truncated.
    fn step(&mut self, params: &mut [f64], grads: &[f64]);

    /// The learning rate each weight got at the last step, where the method has
    /// one per weight (η/√(G + ε) for Adagrad); `None` for a single global rate.
    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        None
    }
}
// ANCHOR_END: optimizer

/// An optimizer whose learning rate η can be read and changed between steps: what
/// a [`Schedule`] and [`Decoupled`] weight decay need.
pub trait LearningRate {
    /// The learning rate η of the next step.
    fn learning_rate(&self) -> f64;

    /// Sets η for the next steps.
    ///
    /// # Errors
    /// If η is not finite and > 0; the optimizer is left as it was.
    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError>;
}

/// Panics with both lengths unless `a` and `b` have the same length.
///
/// Every optimizer calls this before it zips slices together, because `zip` stops
/// at the shorter one and would silently leave weights untouched.
#[track_caller]
pub fn assert_same_length(what_a: &str, a: usize, what_b: &str, b: usize) {
    assert!(a == b, "{what_a} has {a} elements but {what_b} has {b}");
}

/// Vanilla gradient descent, w ← w − η·g, with one learning rate η for all weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientDescent {
    learning_rate: f64,
}

impl GradientDescent {
    /// Gradient descent with learning rate η.
    ///
    /// # Errors
    /// If η is not finite and > 0.
    pub fn new(learning_rate: f64) -> Result<Self, HyperParameterError> {
        Ok(Self { learning_rate: HyperParameterError::check_learning_rate(learning_rate)? })
    }

    /// The learning rate η.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }
}

impl LearningRate for GradientDescent {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.learning_rate = HyperParameterError::check_learning_rate(learning_rate)?;
        Ok(())
    }
}

impl Optimizer for GradientDescent {
    fn name(&self) -> String {
        format!("GD η={}", self.learning_rate)
    }

    // ANCHOR: gd_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        // ANCHOR: solution_gd_step
        for (w, g) in params.iter_mut().zip(grads) {
            *w -= self.learning_rate * g;
        }
        // ANCHOR_END: solution_gd_step
    }
    // ANCHOR_END: gd_step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_on_the_ellipse_is_w_minus_eta_g() {
        // J = 0.1·w₁² + 2·w₂² at (−5, −2): g = (0.2·(−5), 4·(−2)) = (−1, −8).
        // w − 0.4·g = (−5 + 0.4, −2 + 3.2) = (−4.6, 1.2).
        let mut w = [-5.0, -2.0];
        GradientDescent::new(0.4).unwrap().step(&mut w, &[-1.0, -8.0]);
        approx::assert_relative_eq!(w.as_slice(), [-4.6, 1.2].as_slice(), max_relative = 1e-15);
    }

    #[test]
    fn a_negative_learning_rate_is_rejected_with_its_value_and_range() {
        let err = GradientDescent::new(-1.0).unwrap_err();
        assert_eq!(err.to_string(), "learning rate must be finite and > 0, got -1");
    }

    #[test]
    fn zero_and_non_finite_learning_rates_are_rejected() {
        for eta in [0.0, f64::NAN, f64::INFINITY] {
            let err = GradientDescent::new(eta).unwrap_err();
            assert_eq!(err.parameter, "learning rate");
            assert_eq!(err.to_string(), format!("learning rate must be finite and > 0, got {eta}"));
        }
    }

    #[test]
    #[should_panic(expected = "params has 3 elements but grads has 2")]
    fn mismatched_lengths_panic_with_both_lengths() {
        GradientDescent::new(0.1).unwrap().step(&mut [0.0; 3], &[0.0; 2]);
    }
}

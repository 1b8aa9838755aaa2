//! Full-matrix Adagrad: one preconditioner for all the weights together.
//!
//! Diagonal Adagrad divides each weight's step by the root of that weight's own
//! squared gradients. Full-matrix Adagrad keeps the sum of the gradients' outer
//! products and divides by its matrix square root:
//!
//! > G ← G + g·gᵀ
//! >
//! > P = (G + εI)^½,   w ← w − η·P⁻¹·g
//!
//! Diagonal Adagrad is this method with the off-diagonal entries of G thrown
//! away. Keeping them is what makes the method *rotation equivariant*: run on
//! J(Rᵀw) from R·w₀, for any rotation R, the gradients are R·g, the accumulator
//! is R·G·Rᵀ, its inverse root R·(G + εI)^(−½)·Rᵀ, and every iterate is R times
//! the iterate on J. A valley turned by 30° costs it nothing; the diagonal
//! method, whose axes are the coordinates, pays for the turn.
//!
//! The price: G holds n² numbers where the diagonal holds n, and each step takes
//! an eigen-decomposition of an n × n matrix, about n³ operations. That is fine
//! for the course's two-weight valleys and out of the question for a layer of a
//! million weights: the reason for Shampoo, Muon and Adafactor.
//!
//! Defaults: ε = 1e-10, added to G's diagonal (inside the root, like the course's
//! Adagrad), G starting at 0. With ε = 0 a direction G has never seen gets the
//! pseudo-inverse's 0, never a division by zero.
//!
//! ## Requirements on the problem
//! Gradients must be finite (the run loop `gd::minimize` stops a run otherwise);
//! n small enough for n² memory and n³ work per step.
//!
//! ## References
//! J. Duchi, E. Hazan and Y. Singer, *Adaptive Subgradient Methods for Online
//! Learning and Stochastic Optimization*, JMLR 12 (2011), section 1.3 and
//! algorithm 1 (the full-matrix update).

use gd::{HyperParameterError, LearningRate, Optimizer, assert_same_length};

use crate::matrix::{EigenScratch, symmetric_power};

/// The settings of a full-matrix Adagrad optimizer, validated by [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FullMatrixAdagradConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// ε added to the diagonal of G before the root, finite and ≥ 0.
    pub epsilon: f64,
}

impl FullMatrixAdagradConfig {
    /// The course's full-matrix Adagrad: ε = 1e-10, G starting at 0.
    pub fn new(learning_rate: f64) -> Self {
        Self { learning_rate, epsilon: 1e-10 }
    }

    /// The same settings with another ε.
    pub fn epsilon(self, epsilon: f64) -> Self {
        Self { epsilon, ..self }
    }

    /// An optimizer for `dimension` weights: G is `dimension`².
    ///
    /// # Errors
    /// If η is not finite and > 0, or ε is not finite and ≥ 0; the error names the
    /// parameter, its range and the value.
    pub fn build(self, dimension: usize) -> Result<FullMatrixAdagrad, HyperParameterError> {
        let learning_rate = HyperParameterError::check_learning_rate(self.learning_rate)?;
        let epsilon = HyperParameterError::check_non_negative("epsilon", self.epsilon)?;
        let n = dimension;
        Ok(FullMatrixAdagrad {
            learning_rate,
            epsilon,
            accumulator: vec![0.0; FullMatrixAdagrad::state_len_for(n)],
            shifted: vec![0.0; n * n],
            inverse_root: vec![0.0; n * n],
            direction: vec![0.0; n],
            scratch: EigenScratch::new(n),
        })
    }
}

/// Full-matrix Adagrad: G ← G + g·gᵀ, w ← w − η·(G + εI)^(−½)·g.
#[derive(Debug, Clone, PartialEq)]
pub struct FullMatrixAdagrad {
    learning_rate: f64,
    epsilon: f64,
    /// G, n × n, row-major.
    accumulator: Vec<f64>,
    // Buffers of the step, allocated once: G + εI, its inverse root, P⁻¹·g.
    shifted: Vec<f64>,
    inverse_root: Vec<f64>,
    direction: Vec<f64>,
    scratch: EigenScratch,
}

impl FullMatrixAdagrad {
    /// The course's full-matrix Adagrad for `dimension` weights (ε = 1e-10).
    ///
    /// # Errors
    /// If η is not finite and > 0.
    pub fn new(learning_rate: f64, dimension: usize) -> Result<Self, HyperParameterError> {
        FullMatrixAdagradConfig::new(learning_rate).build(dimension)
    }

    /// The accumulated outer products G, n × n, row-major.
    pub fn accumulator(&self) -> &[f64] {
        &self.accumulator
    }

    /// ε, added to G's diagonal.
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    /// The numbers of state it keeps: G, n² for n weights (n per weight).
    pub fn state_len(&self) -> usize {
        self.accumulator.len()
    }

    /// The numbers of state it would keep for `dimension` weights, without
    /// building it (a layer of 32 768 weights would need 8 GiB for G alone).
    pub fn state_len_for(dimension: usize) -> usize {
        dimension * dimension
    }
}

impl Optimizer for FullMatrixAdagrad {
    fn name(&self) -> String {
        format!("full-matrix Adagrad η={}", self.learning_rate)
    }

    // ANCHOR: full_matrix_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        let n = self.direction.len();
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the preconditioner's side", n);
        // G ← G + g·gᵀ
        for (row, &gi) in self.accumulator.chunks_exact_mut(n.max(1)).zip(grads) {
            for (big_g, &gj) in row.iter_mut().zip(grads) {
                *big_g += gi * gj;
            }
        }
        // P⁻¹ = (G + εI)^(−½)
        self.shifted.copy_from_slice(&self.accumulator);
        for i in 0..n {
            self.shifted[i * n + i] += self.epsilon;
        }
        symmetric_power(&self.shifted, -0.5, &mut self.inverse_root, &mut self.scratch);
        // w ← w − η·P⁻¹·g
        for (d, row) in self.direction.iter_mut().zip(self.inverse_root.chunks_exact(n.max(1))) {
            *d = row.iter().zip(grads).map(|(p, g)| p * g).sum();
        }
        for (w, d) in params.iter_mut().zip(&self.direction) {
            *w -= self.learning_rate * d;
        }
    }
    // ANCHOR_END: full_matrix_step
}

impl LearningRate for FullMatrixAdagrad {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.learning_rate = HyperParameterError::check_learning_rate(learning_rate)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;

    use super::*;

    #[test]
    fn the_first_step_moves_eta_along_the_gradient() {
        // G = g·gᵀ has eigenvalue |g|² along g and ε across it, so
        // P⁻¹·g = g/√(|g|² + ε): a step of length η·|g|/√(|g|² + ε) ≈ η.
        let mut opt = FullMatrixAdagrad::new(0.5, 2).unwrap();
        let mut w = [1.0, 2.0];
        opt.step(&mut w, &[3.0, 4.0]);
        let scale = 0.5 / (25.0f64 + 1e-10).sqrt();
        // The computed eigenvector along g is off by a rounding (about 1e-16), so
        // about 5e-16 of g falls across it, where the root scales by ε^(−½) = 1e5:
        // an error near η·5e-11. The method is that ill-conditioned after one step,
        // in any arithmetic of this precision; 2e-10 absolute states it.
        assert_relative_eq!(w[0], 1.0 - 3.0 * scale, epsilon = 2e-10);
        assert_relative_eq!(w[1], 2.0 - 4.0 * scale, epsilon = 2e-10);
    }

    #[test]
    fn on_one_weight_it_is_the_course_adagrad() {
        // n = 1: G is the sum of g², and (G + ε)^(−½) is 1/√(G + ε).
        let mut full = FullMatrixAdagrad::new(0.3, 1).unwrap();
        let mut diagonal = adagrad::Adagrad::new(0.3, 1).unwrap();
        let (mut a, mut b) = ([2.0], [2.0]);
        for g in [1.5, -0.25, 4.0, 0.0, -3.0] {
            full.step(&mut a, &[g]);
            diagonal.step(&mut b, &[g]);
            // powf(−½) against 1/sqrt: one rounding apart per step.
            assert_relative_eq!(a[0], b[0], max_relative = 1e-14);
        }
    }

    #[test]
    fn an_accumulator_that_overflows_leaves_nan_weights_for_the_run_loop_to_stop_at() {
        // g² = 1e400 overflows to ∞: the root of G is not finite, and the step
        // must not pretend otherwise.
        let mut opt = FullMatrixAdagrad::new(0.1, 2).unwrap();
        let mut w = [1.0, 1.0];
        opt.step(&mut w, &[1e200, 1.0]);
        assert!(w.iter().all(|x| x.is_nan()), "{w:?}");
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (FullMatrixAdagradConfig::new(-1.0), "learning rate must be finite and > 0, got -1"),
            (
                FullMatrixAdagradConfig::new(0.1).epsilon(f64::NAN),
                "epsilon must be finite and >= 0, got NaN",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2).unwrap_err().to_string(), message);
        }
    }

    #[test]
    #[should_panic(expected = "params has 3 elements but the preconditioner's side has 2")]
    fn params_of_another_dimension_panic_with_both_lengths() {
        FullMatrixAdagrad::new(0.1, 2).unwrap().step(&mut [0.0; 3], &[0.0; 3]);
    }
}

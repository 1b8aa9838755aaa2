//! NAdam as optax writes it: Adam whose first moment takes Nesterov's look ahead,
//! what `optax.contrib.muon` steps every parameter that is not a matrix with.
//!
//! Adam's step divides the corrected momentum m̂ = m/(1 − β₁ᵗ) by √Ĝ. Nesterov's
//! idea, applied to Adam by Dozat (2016), is to step with the momentum as it will
//! be after this step's gradient is mixed in once more:
//!
//! > m ← β₁·m + (1 − β₁)·g,   G ← β₂·G + (1 − β₂)·g²
//! >
//! > m̂ = β₁·m/(1 − β₁ᵗ⁺¹) + (1 − β₁)·g/(1 − β₁ᵗ),   Ĝ = G/(1 − β₂ᵗ)
//! >
//! > w ← w − η·m̂/(√Ĝ + ε)
//!
//! with t the step's count from 1. The second moment is Adam's: the
//! preconditioner is the same diagonal, only the direction it divides looks a
//! step ahead. This is `optax.nadam` (`optax.adam(nesterov=True)`), and the Adam
//! that `optax.contrib.muon` runs, with its learning rate, on the biases and on
//! every parameter that is not two-dimensional. PyTorch's `torch.optim.NAdam` is
//! another rule (a schedule of β₁ over the steps), not this one.
//!
//! ## References
//! T. Dozat, *Incorporating Nesterov Momentum into Adam*, ICLR 2016 workshop.

use gd::{HyperParameterError, Optimizer, assert_same_length};

/// The settings of NAdam, validated by [`build`](Self::build).
///
/// | setting | `optax.nadam(learning_rate)`, and `optax.contrib.muon`'s Adam |
/// |---------|----------------------------------------------------------------|
/// | β₁      | `b1` (`adam_b1`) = 0.9                                         |
/// | β₂      | `b2` (`adam_b2`) = 0.999                                       |
/// | ε       | `eps` = 1e-8, outside the root                                 |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NadamConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// β₁, the decay of the momentum, in [0, 1).
    pub beta1: f64,
    /// β₂, the decay of the second moment, in [0, 1).
    pub beta2: f64,
    /// ε, added to √Ĝ, finite and ≥ 0.
    pub epsilon: f64,
}

impl NadamConfig {
    /// `optax.nadam(learning_rate)`, which is also the Adam that
    /// `optax.contrib.muon(learning_rate)` steps the biases with: β₁ = 0.9,
    /// β₂ = 0.999, ε = 1e-8.
    pub fn optax(learning_rate: f64) -> Self {
        Self { learning_rate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
    }

    /// An optimizer for `dimension` weights, with m and G starting at 0.
    ///
    /// # Errors
    /// If η is not finite and > 0, β₁ or β₂ is not in [0, 1), or ε is not
    /// finite and ≥ 0; the error names the parameter, its range and its value.
    pub fn build(self, dimension: usize) -> Result<Nadam, HyperParameterError> {
        HyperParameterError::check_learning_rate(self.learning_rate)?;
        HyperParameterError::check_decay("beta1", self.beta1)?;
        HyperParameterError::check_decay("beta2", self.beta2)?;
        HyperParameterError::check_non_negative("epsilon", self.epsilon)?;
        Ok(Nadam {
            config: self,
            count: 0,
            first_moment: vec![0.0; dimension],
            second_moment: vec![0.0; dimension],
        })
    }
}

/// NAdam as optax writes it, on a vector of weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Nadam {
    config: NadamConfig,
    count: u64,
    first_moment: Vec<f64>,
    second_moment: Vec<f64>,
}

impl Nadam {
    /// The numbers of state it keeps: m and G, two per weight, as Adam.
    pub fn state_len(&self) -> usize {
        self.first_moment.len() + self.second_moment.len()
    }
}

impl Optimizer for Nadam {
    fn name(&self) -> String {
        format!("NAdam η={}", self.config.learning_rate)
    }

    // ANCHOR: nadam_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the state", self.first_moment.len());
        let NadamConfig { learning_rate, beta1, beta2, epsilon } = self.config;
        self.count += 1;
        let t = i32::try_from(self.count).unwrap_or(i32::MAX);
        let correct_next = 1.0 - beta1.powi(t.saturating_add(1));
        let correct_now = 1.0 - beta1.powi(t);
        let correct_second = 1.0 - beta2.powi(t);
        for (((w, &g), m), big_g) in
            params.iter_mut().zip(grads).zip(&mut self.first_moment).zip(&mut self.second_moment)
        {
            *m = beta1 * *m + (1.0 - beta1) * g;
            *big_g = beta2 * *big_g + (1.0 - beta2) * (g * g);
            let look_ahead = beta1 * *m / correct_next + (1.0 - beta1) * g / correct_now;
            *w -= learning_rate * look_ahead / ((*big_g / correct_second).sqrt() + epsilon);
        }
    }
    // ANCHOR_END: nadam_step
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn the_first_step_is_eta_times_the_sign_of_g_scaled_by_the_look_ahead() {
        // t = 1, m = (1 − β₁)g, G = (1 − β₂)g²: m̂ = β₁(1 − β₁)g/(1 − β₁²) + g
        // = g·(1 + β₁/(1 + β₁)), Ĝ = g², so the step is η·(1 + β₁/(1 + β₁))·g/(|g| + ε).
        let config = NadamConfig::optax(0.1);
        let mut nadam = config.build(2).unwrap();
        let mut w = [0.0, 0.0];
        nadam.step(&mut w, &[2.0, -0.5]);
        let ahead = 1.0 + 0.9 / 1.9;
        // A few roundings of numbers near 1: 1e-15 relative.
        assert_relative_eq!(w[0], -0.1 * ahead * 2.0 / (2.0 + 1e-8), max_relative = 1e-15);
        assert_relative_eq!(w[1], 0.1 * ahead * 0.5 / (0.5 + 1e-8), max_relative = 1e-15);
    }

    #[test]
    fn a_weight_with_no_gradient_stays_in_place() {
        let mut nadam = NadamConfig::optax(0.1).build(3).unwrap();
        let mut w = [1.0, -2.0, 3.0];
        for _ in 0..5 {
            nadam.step(&mut w, &[0.0, 0.5, 0.0]);
        }
        assert_eq!((w[0], w[2]), (1.0, 3.0));
    }

    #[test]
    fn settings_out_of_range_are_refused_by_name() {
        let cases = [
            (NadamConfig { learning_rate: 0.0, ..NadamConfig::optax(0.1) }, "learning rate"),
            (NadamConfig { beta1: 1.0, ..NadamConfig::optax(0.1) }, "beta1"),
            (NadamConfig { beta2: -0.1, ..NadamConfig::optax(0.1) }, "beta2"),
            (NadamConfig { epsilon: f64::NAN, ..NadamConfig::optax(0.1) }, "epsilon"),
        ];
        for (config, name) in cases {
            let error = config.build(1).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }
}

//! Lion: the sign of an interpolated momentum.
//!
//! Lion (EvoLved Sign Momentum) was found by a program search over update rules.
//! It keeps one momentum m per weight, like heavy ball, and steps by the *sign*
//! of a mix of m and the new gradient:
//!
//! > c = β₁·m + (1 − β₁)·g
//! >
//! > w ← w − η·(sign(c) + λ·w)
//! >
//! > m ← β₂·m + (1 − β₂)·g
//!
//! Every weight moves by exactly η (plus the decoupled decay η·λ·w), whatever
//! the size of its gradient: the sign does what Adagrad's division by √G does,
//! with no second moment at all. It keeps one number per weight, half of Adam's
//! two. sign(0) = 0: a weight whose c is exactly 0 does not move but for decay.
//!
//! Defaults (the paper's and `optax.lion`'s): β₁ = 0.9, β₂ = 0.99; the course's
//! λ is 0, optax's `weight_decay` 1e-3.
//!
//! ## References
//! X. Chen et al., *Symbolic Discovery of Optimization Algorithms*, NeurIPS 2023
//! (arXiv:2302.06675), algorithm 2.

use gd::{HyperParameterError, Optimizer, assert_same_length};

/// The settings of a Lion optimizer, validated by [`build`](Self::build).
///
/// | setting | course default | `optax.lion(learning_rate)` |
/// |---------|----------------|-----------------------------|
/// | β₁      | 0.9            | `b1` = 0.9                  |
/// | β₂      | 0.99           | `b2` = 0.99                 |
/// | λ       | 0              | `weight_decay` = 1e-3       |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LionConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// β₁, the weight of the momentum in the sign, in [0, 1).
    pub beta1: f64,
    /// β₂, the decay of the momentum, in [0, 1).
    pub beta2: f64,
    /// λ, the decoupled weight decay, finite and ≥ 0.
    pub weight_decay: f64,
}

impl LionConfig {
    // ANCHOR: lion_presets
    /// Lion as published: β₁ = 0.9, β₂ = 0.99, no weight decay.
    pub fn new(learning_rate: f64) -> Self {
        Self { learning_rate, beta1: 0.9, beta2: 0.99, weight_decay: 0.0 }
    }

    /// `optax.lion(learning_rate)`: β₁ = 0.9, β₂ = 0.99, `weight_decay` = 1e-3.
    pub fn optax(learning_rate: f64) -> Self {
        Self { weight_decay: 1e-3, ..Self::new(learning_rate) }
    }
    // ANCHOR_END: lion_presets

    /// The same settings with another β₁.
    pub fn beta1(self, beta1: f64) -> Self {
        Self { beta1, ..self }
    }

    /// The same settings with another β₂.
    pub fn beta2(self, beta2: f64) -> Self {
        Self { beta2, ..self }
    }

    /// The same settings with another λ.
    pub fn weight_decay(self, weight_decay: f64) -> Self {
        Self { weight_decay, ..self }
    }

    /// An optimizer for `dimension` weights, m starting at 0.
    ///
    /// # Errors
    /// If η is not finite and > 0, β₁ or β₂ is not in [0, 1), or λ is not finite
    /// and ≥ 0; the error names the parameter, its range and the value.
    pub fn build(self, dimension: usize) -> Result<Lion, HyperParameterError> {
        HyperParameterError::check_learning_rate(self.learning_rate)?;
        HyperParameterError::check_decay("beta1", self.beta1)?;
        HyperParameterError::check_decay("beta2", self.beta2)?;
        HyperParameterError::check_non_negative("weight decay", self.weight_decay)?;
        Ok(Lion { config: self, momentum: vec![0.0; dimension] })
    }
}

/// sign(x): 1, −1, 0 for ±0 and NaN for NaN, as `jnp.sign` (Rust's `signum`
/// gives ±1 at ±0). A NaN stays a NaN, so that a step from a non-finite
/// gradient leaves a NaN weight for the run loop to stop at, not a weight that
/// silently stops moving.
pub fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else if x.is_nan() {
        f64::NAN
    } else {
        0.0
    }
}

/// Lion: w ← w − η·(sign(β₁·m + (1 − β₁)·g) + λ·w), m ← β₂·m + (1 − β₂)·g.
#[derive(Debug, Clone, PartialEq)]
pub struct Lion {
    config: LionConfig,
    momentum: Vec<f64>,
}

impl Lion {
    /// Its settings.
    pub fn config(&self) -> LionConfig {
        self.config
    }

    /// The momentum m.
    pub fn momentum(&self) -> &[f64] {
        &self.momentum
    }

    /// The numbers of state it keeps: the momentum, one per weight.
    pub fn state_len(&self) -> usize {
        self.momentum.len()
    }
}

impl Optimizer for Lion {
    fn name(&self) -> String {
        format!("Lion η={}", self.config.learning_rate)
    }

    // ANCHOR: lion_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the momentum", self.momentum.len());
        let LionConfig { learning_rate, beta1, beta2, weight_decay } = self.config;
        for ((w, &g), m) in params.iter_mut().zip(grads).zip(&mut self.momentum) {
            let c = (1.0 - beta1) * g + beta1 * *m;
            *w += -learning_rate * (sign(c) + weight_decay * *w);
            *m = (1.0 - beta2) * g + beta2 * *m;
        }
    }
    // ANCHOR_END: lion_step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_step_moves_every_weight_by_eta_against_the_gradient_sign() {
        // m = 0: c = 0.1·g, whose sign is g's; a zero gradient does not move.
        let mut lion = LionConfig::new(0.01).build(3).unwrap();
        let mut w = [0.0; 3];
        lion.step(&mut w, &[5.0, -1e-9, 0.0]);
        assert_eq!(w, [-0.01, 0.01, 0.0]);
        // m ← (1 − β₂)·g, with 1 − 0.99 rounded as the step computes it.
        let one_minus_beta2 = 1.0 - 0.99;
        assert_eq!(lion.momentum(), [one_minus_beta2 * 5.0, one_minus_beta2 * -1e-9, 0.0]);
    }

    #[test]
    fn a_nan_gradient_leaves_a_nan_weight_not_a_silent_stop() {
        let mut lion = LionConfig::new(0.01).build(1).unwrap();
        let mut w = [1.0];
        lion.step(&mut w, &[f64::NAN]);
        assert!(w[0].is_nan());
        assert_eq!([sign(0.0), sign(-0.0), sign(-3.0)], [0.0, 0.0, -1.0]);
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (LionConfig::new(0.0), "learning rate must be finite and > 0, got 0"),
            (LionConfig::new(0.1).beta1(1.0), "beta1 must be in [0, 1), got 1"),
            (LionConfig::new(0.1).beta2(-0.5), "beta2 must be in [0, 1), got -0.5"),
            (
                LionConfig::new(0.1).weight_decay(-1.0),
                "weight decay must be finite and >= 0, got -1",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2).unwrap_err().to_string(), message);
        }
    }

    #[test]
    #[should_panic(expected = "params has 2 elements but the momentum has 3")]
    fn params_of_another_length_panic_with_both_lengths() {
        LionConfig::new(0.1).build(3).unwrap().step(&mut [0.0; 2], &[0.0; 2]);
    }
}

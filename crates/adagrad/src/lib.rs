//! Adagrad: a learning rate for every weight, from the gradients it has seen.
//!
//! Gradient descent uses one learning rate η for every weight, so a weight with
//! steep gradients oscillates while a weight with gentle ones crawls. Adagrad keeps,
//! for each weight j, the sum of its squared gradients, and divides the step by its
//! square root:
//!
//! > G_j ← G_j + g_j²
//! >
//! > w_j ← w_j − η·g_j / √(G_j + ε)
//!
//! A weight whose gradients have been large gets a small *effective learning rate*
//! η/√(G_j + ε); one whose gradients have been small gets a large one. Because G_j
//! only grows, every effective rate only falls: under a constant gradient the step
//! shrinks like 1/√t, which is the stall the next crate, `rmsprop`, removes.
//!
//! The step is written once, in [`ScaledStep`], and `rmsprop` reuses it: the two
//! methods differ only in how they update G.
//!
//! Defaults: ε = 1e-10 *inside* the square root, G starts at 0. A zero denominator
//! (G = 0 with ε = 0, so g = 0) gives a zero step, never 0/0. Settings move ε
//! outside the root (√G_j + ε) and start G elsewhere, so that [`AdagradConfig`]
//! reproduces PyTorch, Keras and optax step for step.
//!
//! ## Requirements on the problem
//! Gradients must be finite; the run loop `gd::minimize` stops a run otherwise.
//!
//! ## References
//! J. Duchi, E. Hazan and Y. Singer, *Adaptive Subgradient Methods for Online
//! Learning and Stochastic Optimization*, JMLR 12 (2011), 2121–2159.

mod scaled;

use gd::{HyperParameterError, LearningRate, Optimizer, assert_same_length};
pub use scaled::{EpsilonPlacement, ScaledStep};

/// The settings of an Adagrad optimizer, validated by [`build`](Self::build).
///
/// | setting             | course default | PyTorch `Adagrad` | Keras 3 `Adagrad` | `optax.adagrad` |
/// |---------------------|----------------|-------------------|-------------------|-----------------|
/// | ε                   | 1e-10          | 1e-10             | 1e-7              | 1e-7            |
/// | ε placement         | inside √       | outside √         | inside √          | inside √        |
/// | initial accumulator | 0              | 0                 | 0.1               | 0.1             |
///
/// [`pytorch`](Self::pytorch), [`keras`](Self::keras) and [`optax`](Self::optax) set
/// those columns (PyTorch with `lr_decay = 0` and `weight_decay = 0`), so the same
/// gradients give the same steps, up to rounding (about 1e-15 relative per step).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdagradConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// ε, finite and ≥ 0.
    pub epsilon: f64,
    /// Where ε goes: √(G + ε) or √G + ε.
    pub epsilon_placement: EpsilonPlacement,
    /// The value every G_j starts at, finite and ≥ 0.
    pub initial_accumulator: f64,
}

impl AdagradConfig {
    // ANCHOR: adagrad_presets
    /// The course's Adagrad: ε = 1e-10 inside the root, G starting at 0.
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            epsilon: 1e-10,
            epsilon_placement: EpsilonPlacement::InsideRoot,
            initial_accumulator: 0.0,
        }
    }

    /// `torch.optim.Adagrad(lr)`: ε = 1e-10 outside the root, G starting at 0.
    pub fn pytorch(learning_rate: f64) -> Self {
        Self { epsilon_placement: EpsilonPlacement::OutsideRoot, ..Self::new(learning_rate) }
    }

    /// `keras.optimizers.Adagrad(learning_rate)` (Keras 3): ε = 1e-7 inside the
    /// root, G starting at 0.1.
    pub fn keras(learning_rate: f64) -> Self {
        Self { epsilon: 1e-7, initial_accumulator: 0.1, ..Self::new(learning_rate) }
    }

    /// `optax.adagrad(learning_rate)`: ε = 1e-7 inside the root, G starting at 0.1.
    pub fn optax(learning_rate: f64) -> Self {
        Self::keras(learning_rate)
    }
    // ANCHOR_END: adagrad_presets

    /// The same settings with another ε.
    pub fn epsilon(self, epsilon: f64) -> Self {
        Self { epsilon, ..self }
    }

    /// The same settings with ε placed as given.
    pub fn epsilon_placement(self, epsilon_placement: EpsilonPlacement) -> Self {
        Self { epsilon_placement, ..self }
    }

    /// The same settings with G starting at `initial_accumulator`.
    pub fn initial_accumulator(self, initial_accumulator: f64) -> Self {
        Self { initial_accumulator, ..self }
    }

    /// An optimizer for `dimension` weights.
    ///
    /// # Errors
    /// If η is not finite and > 0, or ε or the initial accumulator is not finite
    /// and ≥ 0. The error names the parameter, the valid range and the value.
    pub fn build(self, dimension: usize) -> Result<Adagrad, HyperParameterError> {
        let scale = ScaledStep::new(self.learning_rate, self.epsilon, self.epsilon_placement)?;
        let initial = HyperParameterError::check_non_negative(
            "initial accumulator",
            self.initial_accumulator,
        )?;
        Ok(Adagrad { scale, accumulator: vec![initial; dimension] })
    }
}

/// Adagrad: G_j ← G_j + g_j², w_j ← w_j − η·g_j / √(G_j + ε).
#[derive(Debug, Clone, PartialEq)]
pub struct Adagrad {
    scale: ScaledStep,
    accumulator: Vec<f64>,
}

impl Adagrad {
    /// The course's Adagrad for `dimension` weights: ε = 1e-10 inside the root.
    ///
    /// # Errors
    /// If η is not finite and > 0.
    pub fn new(learning_rate: f64, dimension: usize) -> Result<Self, HyperParameterError> {
        AdagradConfig::new(learning_rate).build(dimension)
    }

    /// The accumulated squared gradients G.
    pub fn accumulator(&self) -> &[f64] {
        &self.accumulator
    }

    /// The step rule η·g / √(G + ε) (or its PyTorch variant).
    pub fn scaled_step(&self) -> &ScaledStep {
        &self.scale
    }
}

impl Optimizer for Adagrad {
    fn name(&self) -> String {
        format!("Adagrad η={}", self.scale.learning_rate())
    }

    // ANCHOR: adagrad_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the accumulator", self.accumulator.len());
        // ANCHOR: solution_adagrad_step
        for ((w, &g), big_g) in params.iter_mut().zip(grads).zip(&mut self.accumulator) {
            // ANCHOR: accumulate
            *big_g += g * g;
            // ANCHOR_END: accumulate
            *w -= self.scale.delta(g, *big_g);
        }
        // ANCHOR_END: solution_adagrad_step
    }
    // ANCHOR_END: adagrad_step

    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        Some(self.accumulator.iter().map(|&g| self.scale.effective_learning_rate(g)).collect())
    }
}

impl LearningRate for Adagrad {
    fn learning_rate(&self) -> f64 {
        self.scale.learning_rate()
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.scale.set_learning_rate(learning_rate)
    }
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;
    use gd::{Optimizer, Stop, minimize};
    use objectives::DiagonalQuadratic;

    use super::*;

    /// The first two steps of `config` on the ellipse from (−5, −2).
    fn two_steps(config: AdagradConfig) -> [[f64; 2]; 2] {
        let trace = minimize(
            &DiagonalQuadratic::ellipse(),
            &mut config.build(2).unwrap(),
            &[-5.0, -2.0],
            Stop::after(2),
        );
        [0, 1].map(|i| [trace.iterates[i + 1][0], trace.iterates[i + 1][1]])
    }

    // Every expected value below is computed by hand from the library's own
    // formula, written out in the comments; `max_relative = 1e-12` is the issue's
    // step-for-step target, and each value is a handful of correctly rounded
    // operations, so the true error is a few ulps.

    #[test]
    fn course_adagrad_first_step_on_the_ellipse_moves_each_weight_by_about_eta() {
        // g = (−1, −8); G = (1, 64); Δ = 0.4·g/√(G + 1e-10) ≈ (−0.4, −0.4).
        let [w1, _] = two_steps(AdagradConfig::new(0.4));
        let expected =
            [-5.0 + 0.4 / (1.0f64 + 1e-10).sqrt(), -2.0 + 0.4 * 8.0 / (64.0f64 + 1e-10).sqrt()];
        assert_relative_eq!(w1.as_slice(), expected.as_slice(), max_relative = 1e-12);
    }

    #[test]
    fn course_adagrad_second_step_on_the_ellipse_matches_the_hand_computation() {
        // From w₁ ≈ (−4.6, −1.6): g = (0.2·w₁, 4·w₂), G = (1 + g₁², 64 + g₂²).
        let [w1, w2] = two_steps(AdagradConfig::new(0.4));
        let g = [0.2 * w1[0], 4.0 * w1[1]];
        let big_g = [1.0 + g[0] * g[0], 64.0 + g[1] * g[1]];
        let expected = [0, 1].map(|j| w1[j] - 0.4 * g[j] / (big_g[j] + 1e-10).sqrt());
        assert_relative_eq!(w2.as_slice(), expected.as_slice(), max_relative = 1e-12);
        assert_relative_eq!(
            w2[0],
            -4.6 + 0.4 * 0.92 / (1.0f64 + 0.8464).sqrt(),
            max_relative = 1e-9
        );
    }

    #[test]
    fn pytorch_settings_reproduce_torch_adagrad() {
        // torch: state_sum += g²; std = state_sum.sqrt() + eps; p -= lr·g/std.
        let [w1, w2] = two_steps(AdagradConfig::pytorch(0.4));
        let e = 1e-10;
        assert_relative_eq!(w1[0], -5.0 + 0.4 * 1.0 / (1.0 + e), max_relative = 1e-12);
        assert_relative_eq!(w1[1], -2.0 + 0.4 * 8.0 / (8.0 + e), max_relative = 1e-12);
        let g = [0.2 * w1[0], 4.0 * w1[1]];
        let s = [1.0 + g[0] * g[0], 64.0 + g[1] * g[1]];
        let expected = [0, 1].map(|j| w1[j] - 0.4 * g[j] / (s[j].sqrt() + e));
        assert_relative_eq!(w2.as_slice(), expected.as_slice(), max_relative = 1e-12);
    }

    #[test]
    fn keras_and_optax_settings_start_the_accumulator_at_one_tenth() {
        // Keras 3: acc += g²; v -= lr·g/√(acc + 1e-7), acc₀ = 0.1.
        // optax: sum = g² + state; updates = g·rsqrt(sum + 1e-7), state₀ = 0.1.
        for config in [AdagradConfig::keras(0.4), AdagradConfig::optax(0.4)] {
            let [w1, _] = two_steps(config);
            let expected =
                [-5.0 + 0.4 / (1.1f64 + 1e-7).sqrt(), -2.0 + 0.4 * 8.0 / (64.1f64 + 1e-7).sqrt()];
            assert_relative_eq!(w1.as_slice(), expected.as_slice(), max_relative = 1e-12);
        }
    }

    #[test]
    fn a_zero_gradient_on_a_zero_accumulator_with_zero_epsilon_is_a_zero_step() {
        let mut adagrad = AdagradConfig::new(0.1).epsilon(0.0).build(2).unwrap();
        let mut w = [1.0, -2.0];
        adagrad.step(&mut w, &[0.0, 0.0]);
        assert_eq!(w, [1.0, -2.0]);
    }

    #[test]
    fn effective_learning_rates_are_eta_over_root_g() {
        let mut adagrad = AdagradConfig::new(1.0).epsilon(0.0).build(2).unwrap();
        adagrad.step(&mut [0.0, 0.0], &[3.0, 4.0]);
        assert_eq!(adagrad.effective_learning_rates(), Some(vec![1.0 / 3.0, 0.25]));
        assert_eq!(adagrad.accumulator(), [9.0, 16.0]);
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (AdagradConfig::new(-1.0), "learning rate must be finite and > 0, got -1"),
            (AdagradConfig::new(f64::NAN), "learning rate must be finite and > 0, got NaN"),
            (
                AdagradConfig::new(0.1).epsilon(-1e-8),
                "epsilon must be finite and >= 0, got -0.00000001",
            ),
            (
                AdagradConfig::new(0.1).initial_accumulator(f64::INFINITY),
                "initial accumulator must be finite and >= 0, got inf",
            ),
            (
                AdagradConfig::new(0.1).initial_accumulator(-0.1),
                "initial accumulator must be finite and >= 0, got -0.1",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2).unwrap_err().to_string(), message);
        }
    }

    #[test]
    #[should_panic(expected = "params has 2 elements but grads has 3")]
    fn mismatched_params_and_grads_panic_with_both_lengths() {
        Adagrad::new(0.1, 2).unwrap().step(&mut [0.0; 2], &[0.0; 3]);
    }

    #[test]
    #[should_panic(expected = "params has 3 elements but the accumulator has 2")]
    fn params_longer_than_the_accumulator_panic_with_both_lengths() {
        Adagrad::new(0.1, 2).unwrap().step(&mut [0.0; 3], &[0.0; 3]);
    }
}

//! RMSprop: Adagrad that forgets.
//!
//! Adagrad's accumulator G_j is a sum of every squared gradient so far, so it only
//! grows and the effective learning rate η/√(G_j + ε) only falls: a long run stalls.
//! RMSprop changes one line. It keeps an exponentially weighted *average* of the
//! squared gradients instead of their sum:
//!
//! > G_j ← γ·G_j + (1 − γ)·g_j²
//! >
//! > w_j ← w_j − η·g_j / √(G_j + ε)
//!
//! The step is Adagrad's, reused from [`adagrad::ScaledStep`]. The average weighs
//! the gradient of k steps ago by (1 − γ)·γᵏ: its effective memory is 1/(1 − γ)
//! steps (10 for γ = 0.9) and its half-life ln 2 / ln(1/γ) ≈ 6.6 steps. Under a
//! constant gradient g, G_j tends to g² and the step to η·g/√(g² + ε), which does
//! not vanish: RMSprop keeps moving where Adagrad stalls. Each step is bounded by
//! η/√(1 − γ) in size when G starts at 0.
//!
//! Defaults: γ = 0.9, ε = 1e-10 inside the root, G starting at 0. Settings move ε
//! outside the root and change γ and the start of G so that [`RmsPropConfig`]
//! reproduces PyTorch, Keras and optax.
//!
//! ## Requirements on the problem
//! Gradients must be finite; `gd::minimize` stops a run otherwise.
//!
//! ## References
//! T. Tieleman and G. Hinton, lecture 6.5 (slides 6e), "rmsprop: Divide the
//! gradient by a running average of its recent magnitude", Coursera, *Neural
//! Networks for Machine Learning* (2012).

mod centered;

pub use centered::{CenteredRmsProp, CenteredRmsPropConfig, centered_variance};

use adagrad::{EpsilonPlacement, ScaledStep};
use gd::{HyperParameterError, LearningRate, Optimizer, assert_same_length};

/// The settings of an RMSprop optimizer, validated by [`build`](Self::build).
///
/// | setting             | course default | PyTorch `RMSprop` | Keras 3 `RMSprop` | `optax.rmsprop` |
/// |---------------------|----------------|-------------------|-------------------|-----------------|
/// | γ (decay)           | 0.9            | α = 0.99          | ρ = 0.9           | decay = 0.9     |
/// | ε                   | 1e-10          | 1e-8              | 1e-7              | 1e-8            |
/// | ε placement         | inside √       | outside √         | inside √          | inside √        |
/// | initial accumulator | 0              | 0                 | 0                 | 0 (`initial_scale`) |
///
/// The presets reproduce the non-centred, momentum-free variants (`centered=False`,
/// `momentum=0`, no weight decay) step for step, up to rounding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RmsPropConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// γ, the decay of the running average, in [0, 1).
    pub decay: f64,
    /// ε, finite and ≥ 0.
    pub epsilon: f64,
    /// Where ε goes: √(G + ε) or √G + ε.
    pub epsilon_placement: EpsilonPlacement,
    /// The value every G_j starts at, finite and ≥ 0.
    pub initial_accumulator: f64,
}

impl RmsPropConfig {
    // ANCHOR: rmsprop_presets
    /// The course's RMSprop: γ = 0.9, ε = 1e-10 inside the root, G starting at 0.
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            decay: 0.9,
            epsilon: 1e-10,
            epsilon_placement: EpsilonPlacement::InsideRoot,
            initial_accumulator: 0.0,
        }
    }

    /// `torch.optim.RMSprop(lr)`: α = 0.99, ε = 1e-8 outside the root.
    pub fn pytorch(learning_rate: f64) -> Self {
        Self {
            decay: 0.99,
            epsilon: 1e-8,
            epsilon_placement: EpsilonPlacement::OutsideRoot,
            ..Self::new(learning_rate)
        }
    }

    /// `keras.optimizers.RMSprop(learning_rate)` (Keras 3): ρ = 0.9, ε = 1e-7
    /// inside the root.
    pub fn keras(learning_rate: f64) -> Self {
        Self { epsilon: 1e-7, ..Self::new(learning_rate) }
    }

    /// `optax.rmsprop(learning_rate)`: decay 0.9, ε = 1e-8 inside the root.
    pub fn optax(learning_rate: f64) -> Self {
        Self { epsilon: 1e-8, ..Self::new(learning_rate) }
    }
    // ANCHOR_END: rmsprop_presets

    /// The same settings with another γ.
    pub fn decay(self, decay: f64) -> Self {
        Self { decay, ..self }
    }

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
    /// If η is not finite and > 0, γ is not in [0, 1), or ε or the initial
    /// accumulator is not finite and ≥ 0. The error names the parameter (γ by its
    /// setting's name, `decay`), the valid range and the value.
    pub fn build(self, dimension: usize) -> Result<RmsProp, HyperParameterError> {
        let scale = ScaledStep::new(self.learning_rate, self.epsilon, self.epsilon_placement)?;
        let decay = HyperParameterError::check_decay("decay", self.decay)?;
        let initial = HyperParameterError::check_non_negative(
            "initial accumulator",
            self.initial_accumulator,
        )?;
        Ok(RmsProp { scale, decay, accumulator: vec![initial; dimension] })
    }
}

/// The running average G ← γ·G + (1 − γ)·g² of one weight: RMSprop's one new line.
///
/// Public because later methods keep the same average: RMSprop with momentum, and
/// Adam, whose second moment is this with γ = β₂.
#[inline]
// ANCHOR: running_average
pub fn running_average(gamma: f64, average: f64, g: f64) -> f64 {
    // ANCHOR: solution_running_average
    gamma * average + (1.0 - gamma) * g * g
    // ANCHOR_END: solution_running_average
}
// ANCHOR_END: running_average

/// RMSprop: G_j ← γ·G_j + (1 − γ)·g_j², w_j ← w_j − η·g_j / √(G_j + ε).
#[derive(Debug, Clone, PartialEq)]
pub struct RmsProp {
    scale: ScaledStep,
    decay: f64,
    accumulator: Vec<f64>,
}

impl RmsProp {
    /// The course's RMSprop for `dimension` weights: γ = 0.9, ε = 1e-10 inside.
    ///
    /// # Errors
    /// If η is not finite and > 0.
    pub fn new(learning_rate: f64, dimension: usize) -> Result<Self, HyperParameterError> {
        RmsPropConfig::new(learning_rate).build(dimension)
    }

    /// The running average G of squared gradients.
    pub fn accumulator(&self) -> &[f64] {
        &self.accumulator
    }

    /// γ.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// The step rule η·g / √(G + ε), Adagrad's.
    pub fn scaled_step(&self) -> &ScaledStep {
        &self.scale
    }
}

impl Optimizer for RmsProp {
    fn name(&self) -> String {
        format!("RMSprop η={} γ={}", self.scale.learning_rate(), self.decay)
    }

    // ANCHOR: rmsprop_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the accumulator", self.accumulator.len());
        // ANCHOR: solution_rmsprop_step
        for ((w, &g), big_g) in params.iter_mut().zip(grads).zip(&mut self.accumulator) {
            *big_g = running_average(self.decay, *big_g, g);
            *w -= self.scale.delta(g, *big_g);
        }
        // ANCHOR_END: solution_rmsprop_step
    }
    // ANCHOR_END: rmsprop_step

    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        Some(self.accumulator.iter().map(|&g| self.scale.effective_learning_rate(g)).collect())
    }
}

impl LearningRate for RmsProp {
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
    use gd::{Stop, minimize};
    use objectives::DiagonalQuadratic;

    use super::*;

    /// The first two iterates after the start of `config` on the ellipse from (−5, −2).
    fn two_steps(config: RmsPropConfig) -> [[f64; 2]; 2] {
        let trace = minimize(
            &DiagonalQuadratic::ellipse(),
            &mut config.build(2).unwrap(),
            &[-5.0, -2.0],
            Stop::after(2),
        );
        [0, 1].map(|i| [trace.iterates[i + 1][0], trace.iterates[i + 1][1]])
    }

    /// One step by the formula written out: G ← γG + (1 − γ)g², w ← w − η·g/d(G).
    fn by_hand(
        w: [f64; 2],
        big_g: &mut [f64; 2],
        gamma: f64,
        eta: f64,
        denominator: impl Fn(f64) -> f64,
    ) -> [f64; 2] {
        let g = [0.2 * w[0], 4.0 * w[1]];
        [0, 1].map(|j| {
            big_g[j] = gamma * big_g[j] + (1.0 - gamma) * g[j] * g[j];
            w[j] - eta * g[j] / denominator(big_g[j])
        })
    }

    // The expected values are the library's formula written out by hand; each is a
    // few correctly rounded operations, so 1e-12 relative (the target)
    // leaves room of about four orders of magnitude.

    #[test]
    fn course_rmsprop_first_step_on_the_ellipse_is_eta_over_root_one_minus_gamma() {
        // G = 0.1·g², so Δ = 0.4·g/√(0.1·g² + ε) ≈ 0.4·sign(g)·√10 ≈ ±1.2649.
        let [w1, _] = two_steps(RmsPropConfig::new(0.4));
        let expected =
            [-5.0 + 0.4 / (0.1f64 + 1e-10).sqrt(), -2.0 + 0.4 * 8.0 / (6.4f64 + 1e-10).sqrt()];
        assert_relative_eq!(w1.as_slice(), expected.as_slice(), max_relative = 1e-12);
        assert_relative_eq!(w1[0], -5.0 + 0.4 * 10f64.sqrt(), max_relative = 1e-9);
    }

    #[test]
    fn each_library_preset_reproduces_that_librarys_first_two_steps() {
        let inside = |eps: f64| move |big_g: f64| (big_g + eps).sqrt();
        let outside = |eps: f64| move |big_g: f64| big_g.sqrt() + eps;
        type Denominator = Box<dyn Fn(f64) -> f64>;
        let cases: [(RmsPropConfig, f64, Denominator); 4] = [
            (RmsPropConfig::new(0.4), 0.9, Box::new(inside(1e-10))),
            // torch: square_avg = α·sq + (1 − α)·g²; avg = √sq + eps; p -= lr·g/avg.
            (RmsPropConfig::pytorch(0.4), 0.99, Box::new(outside(1e-8))),
            // Keras 3: v = ρ·v + (1 − ρ)·g²; var -= lr·g/√(v + eps).
            (RmsPropConfig::keras(0.4), 0.9, Box::new(inside(1e-7))),
            // optax: nu = decay·nu + (1 − decay)·g²; updates = g·rsqrt(nu + eps).
            (RmsPropConfig::optax(0.4), 0.9, Box::new(inside(1e-8))),
        ];
        for (config, gamma, denominator) in cases {
            let mut big_g = [0.0; 2];
            let first = by_hand([-5.0, -2.0], &mut big_g, gamma, 0.4, &denominator);
            let second = by_hand(first, &mut big_g, gamma, 0.4, &denominator);
            let [w1, w2] = two_steps(config);
            assert_relative_eq!(w1.as_slice(), first.as_slice(), max_relative = 1e-12);
            assert_relative_eq!(w2.as_slice(), second.as_slice(), max_relative = 1e-12);
        }
    }

    #[test]
    fn gamma_zero_gives_the_sign_like_step() {
        let mut rmsprop = RmsPropConfig::new(0.5).decay(0.0).epsilon(0.0).build(3).unwrap();
        let mut w = [0.0; 3];
        rmsprop.step(&mut w, &[3.0, -0.001, 0.0]);
        assert_eq!(w, [-0.5, 0.5, 0.0]);
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (RmsPropConfig::new(-1.0), "learning rate must be finite and > 0, got -1"),
            (RmsPropConfig::new(0.1).decay(1.0), "decay must be in [0, 1), got 1"),
            (RmsPropConfig::new(0.1).decay(-0.5), "decay must be in [0, 1), got -0.5"),
            (RmsPropConfig::new(0.1).epsilon(f64::NAN), "epsilon must be finite and >= 0, got NaN"),
            (
                RmsPropConfig::new(0.1).initial_accumulator(-1.0),
                "initial accumulator must be finite and >= 0, got -1",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2).unwrap_err().to_string(), message);
        }
    }

    #[test]
    #[should_panic(expected = "params has 1 elements but grads has 2")]
    fn mismatched_params_and_grads_panic_with_both_lengths() {
        RmsProp::new(0.1, 1).unwrap().step(&mut [0.0; 1], &[0.0; 2]);
    }

    #[test]
    #[should_panic(expected = "params has 4 elements but the accumulator has 2")]
    fn params_longer_than_the_accumulator_panic_with_both_lengths() {
        RmsProp::new(0.1, 2).unwrap().step(&mut [0.0; 4], &[0.0; 4]);
    }
}

//! Heavy-ball momentum and Nesterov's variant: a velocity that remembers past
//! gradients.
//!
//! > v ← β·v + g
//! >
//! > w ← w − η·v                  (heavy ball, Polyak 1964)
//! >
//! > w ← w − η·(g + β·v)          (Nesterov, in PyTorch's form)
//!
//! Along a direction where the gradient keeps its sign, v grows towards g/(1 − β)
//! (ten times g for β = 0.9): the step lengthens. Across a ravine, where the
//! gradient flips sign every step, successive gradients cancel in v: the zig-zag
//! is damped. This is PyTorch's `SGD` with `dampening = 0`; Keras and Sutskever et
//! al. (2013) write v ← β·v − η·g, w ← w + v, which is the same method with v
//! scaled by −η while η stays constant.

use gd::{HyperParameterError, LearningRate, Optimizer, assert_same_length};

/// The settings of a momentum optimizer, validated by [`build`](Self::build).
///
/// | setting      | course default | `torch.optim.SGD(lr, momentum, nesterov)` |
/// |--------------|----------------|-------------------------------------------|
/// | β (momentum) | 0.9            | `momentum` (default 0: plain SGD)          |
/// | Nesterov     | off            | `nesterov` (default `False`)              |
/// | dampening    | none           | `dampening = 0` (its default)             |
///
/// PyTorch's SGD *is* the course's form: it starts its buffer at g on the first
/// step, which v ← β·0 + g also gives. [`pytorch`](Self::pytorch) spells the call
/// out; PyTorch rejects `nesterov=True` with `momentum = 0`, where this crate gives
/// plain gradient descent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MomentumConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// β, the momentum, in [0, 1).
    pub momentum: f64,
    /// Whether to step along g + β·v (Nesterov) rather than v.
    pub nesterov: bool,
}

impl MomentumConfig {
    // ANCHOR: momentum_presets
    /// The course's heavy ball: β = 0.9, no Nesterov.
    pub fn new(learning_rate: f64) -> Self {
        Self { learning_rate, momentum: 0.9, nesterov: false }
    }

    /// `torch.optim.SGD(lr, momentum=β)` (dampening 0, no weight decay); add
    /// [`.nesterov(true)`](Self::nesterov) for `nesterov=True`.
    pub fn pytorch(learning_rate: f64, momentum: f64) -> Self {
        Self { learning_rate, momentum, nesterov: false }
    }

    /// `optax.sgd(learning_rate, momentum=β)`: optax's `trace` keeps v ← β·v + g
    /// and the step is −η·v, the same rule; add [`.nesterov(true)`](Self::nesterov)
    /// for `nesterov=True`.
    pub fn optax(learning_rate: f64, momentum: f64) -> Self {
        Self::pytorch(learning_rate, momentum)
    }

    /// `keras.optimizers.SGD(learning_rate, momentum=β)` (Keras 3), which keeps
    /// u = β·u − η·g and steps by u: the same rule while η is constant (u = −η·v).
    pub fn keras(learning_rate: f64, momentum: f64) -> Self {
        Self::pytorch(learning_rate, momentum)
    }
    // ANCHOR_END: momentum_presets

    /// The same settings with another β.
    pub fn momentum(self, momentum: f64) -> Self {
        Self { momentum, ..self }
    }

    /// The same settings, with or without Nesterov's step.
    pub fn nesterov(self, nesterov: bool) -> Self {
        Self { nesterov, ..self }
    }

    /// An optimizer for `dimension` weights, with v starting at 0.
    ///
    /// # Errors
    /// If η is not finite and > 0, or β is not in [0, 1). The error names the
    /// parameter (β by its setting's name, `momentum`), the valid range and the
    /// value.
    pub fn build(self, dimension: usize) -> Result<Momentum, HyperParameterError> {
        Ok(Momentum {
            learning_rate: HyperParameterError::check_learning_rate(self.learning_rate)?,
            momentum: HyperParameterError::check_decay("momentum", self.momentum)?,
            nesterov: self.nesterov,
            velocity: vec![0.0; dimension],
        })
    }
}

/// Heavy-ball momentum, v ← β·v + g, w ← w − η·v, or Nesterov's w ← w − η·(g + β·v).
///
/// With β = 0 both are gradient descent: v = g, and the step is η·g computed by
/// the same operations, so the iterates are equal (`==`) to plain gradient
/// descent's; only a zero may come out as +0 where gradient descent gives −0,
/// because v = 0·v + g turns a gradient of −0 into +0.
#[derive(Debug, Clone, PartialEq)]
pub struct Momentum {
    learning_rate: f64,
    momentum: f64,
    nesterov: bool,
    velocity: Vec<f64>,
}

impl Momentum {
    /// The course's heavy ball for `dimension` weights: β = 0.9.
    ///
    /// # Errors
    /// If η is not finite and > 0.
    pub fn new(learning_rate: f64, dimension: usize) -> Result<Self, HyperParameterError> {
        MomentumConfig::new(learning_rate).build(dimension)
    }

    /// The velocity v, the running sum of gradients weighted by powers of β.
    pub fn velocity(&self) -> &[f64] {
        &self.velocity
    }

    /// η.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// β.
    pub fn momentum(&self) -> f64 {
        self.momentum
    }

    /// Whether the step is Nesterov's.
    pub fn is_nesterov(&self) -> bool {
        self.nesterov
    }
}

impl Optimizer for Momentum {
    fn name(&self) -> String {
        let method = if self.nesterov { "Nesterov" } else { "Momentum" };
        format!("{method} η={} β={}", self.learning_rate, self.momentum)
    }

    // ANCHOR: heavy_ball_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the velocity", self.velocity.len());
        // ANCHOR: solution_heavy_ball_step
        let beta = self.momentum;
        for ((w, &g), v) in params.iter_mut().zip(grads).zip(&mut self.velocity) {
            *v = beta * *v + g;
            // ANCHOR: nesterov
            let direction = if self.nesterov { g + beta * *v } else { *v };
            // ANCHOR_END: nesterov
            *w -= self.learning_rate * direction;
        }
        // ANCHOR_END: solution_heavy_ball_step
    }
    // ANCHOR_END: heavy_ball_step
}

impl LearningRate for Momentum {
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
    use gd::{GradientDescent, Stop, minimize};
    use objectives::DiagonalQuadratic;

    use super::*;

    /// The first two iterates after the start of `config` on the ellipse from (−5, −2).
    fn two_steps(config: MomentumConfig) -> [[f64; 2]; 2] {
        let trace = minimize(
            &DiagonalQuadratic::ellipse(),
            &mut config.build(2).unwrap(),
            &[-5.0, -2.0],
            Stop::after(2),
        );
        [0, 1].map(|i| [trace.iterates[i + 1][0], trace.iterates[i + 1][1]])
    }

    /// One step of `torch.optim.SGD` written out from its source: buf = g on the
    /// first step, then buf = β·buf + g; d = g + β·buf if nesterov else buf;
    /// p = p − lr·d. The ellipse's gradient is g = (0.2·w₁, 4·w₂).
    fn torch_sgd(
        w: [f64; 2],
        buf: &mut Option<[f64; 2]>,
        lr: f64,
        beta: f64,
        nesterov: bool,
    ) -> [f64; 2] {
        let g = [0.2 * w[0], 4.0 * w[1]];
        let b = match *buf {
            None => g,
            Some(b) => [0, 1].map(|j| beta * b[j] + g[j]),
        };
        *buf = Some(b);
        [0, 1].map(|j| w[j] - lr * if nesterov { g[j] + beta * b[j] } else { b[j] })
    }

    // The expected values are hand computations written as decimals, or the
    // library's formula written out; either is a few correctly rounded operations
    // away from the exact value, so 1e-12 relative (the step-for-step
    // target) leaves about three orders of magnitude for rounding.

    #[test]
    fn heavy_ball_first_two_steps_on_the_ellipse_match_the_hand_computation() {
        // g₀ = (−1, −8), v₁ = g₀, w₁ = w₀ − 0.4·v₁ = (−4.6, 1.2).
        // g₁ = (−0.92, 4.8), v₂ = 0.9·v₁ + g₁ = (−1.82, −2.4),
        // w₂ = w₁ − 0.4·v₂ = (−3.872, 2.16).
        let [w1, w2] = two_steps(MomentumConfig::new(0.4));
        assert_relative_eq!(w1.as_slice(), [-4.6, 1.2].as_slice(), max_relative = 1e-12);
        assert_relative_eq!(w2.as_slice(), [-3.872, 2.16].as_slice(), max_relative = 1e-12);
    }

    #[test]
    fn nesterov_first_two_steps_on_the_ellipse_match_the_hand_computation() {
        // v₁ = g₀ = (−1, −8), d = g₀ + 0.9·v₁ = (−1.9, −15.2), w₁ = (−4.24, 4.08).
        // g₁ = (−0.848, 16.32), v₂ = 0.9·v₁ + g₁ = (−1.748, 9.12),
        // d = g₁ + 0.9·v₂ = (−2.4212, 24.528), w₂ = (−3.27152, −5.7312).
        let [w1, w2] = two_steps(MomentumConfig::new(0.4).nesterov(true));
        assert_relative_eq!(w1.as_slice(), [-4.24, 4.08].as_slice(), max_relative = 1e-12);
        assert_relative_eq!(w2.as_slice(), [-3.27152, -5.7312].as_slice(), max_relative = 1e-12);
    }

    #[test]
    fn pytorch_settings_reproduce_torch_sgd_with_and_without_nesterov() {
        for (beta, nesterov) in [(0.9, false), (0.9, true), (0.5, false), (0.99, true)] {
            let mut buf = None;
            let first = torch_sgd([-5.0, -2.0], &mut buf, 0.1, beta, nesterov);
            let second = torch_sgd(first, &mut buf, 0.1, beta, nesterov);
            let [w1, w2] = two_steps(MomentumConfig::pytorch(0.1, beta).nesterov(nesterov));
            assert_relative_eq!(w1.as_slice(), first.as_slice(), max_relative = 1e-12);
            assert_relative_eq!(w2.as_slice(), second.as_slice(), max_relative = 1e-12);
        }
    }

    #[test]
    fn beta_zero_is_gradient_descent() {
        let ellipse = DiagonalQuadratic::ellipse();
        let gd = minimize(
            &ellipse,
            &mut GradientDescent::new(0.3).unwrap(),
            &[-5.0, -2.0],
            Stop::after(20),
        );
        for nesterov in [false, true] {
            let mut momentum =
                MomentumConfig::new(0.3).momentum(0.0).nesterov(nesterov).build(2).unwrap();
            let trace = minimize(&ellipse, &mut momentum, &[-5.0, -2.0], Stop::after(20));
            assert_eq!(trace.iterates, gd.iterates);
        }
    }

    #[test]
    fn the_velocity_of_a_constant_gradient_tends_to_g_over_one_minus_beta() {
        let mut momentum = MomentumConfig::new(0.1).momentum(0.5).build(1).unwrap();
        for _ in 0..60 {
            momentum.step(&mut [0.0], &[3.0]);
        }
        // v_t = 3·(1 − 0.5ᵗ)/(1 − 0.5): 0.5⁶⁰ is below one ulp of 6.
        assert_eq!(momentum.velocity(), [6.0]);
    }

    #[test]
    fn names_tell_heavy_ball_from_nesterov() {
        assert_eq!(Momentum::new(0.4, 2).unwrap().name(), "Momentum η=0.4 β=0.9");
        let nesterov = MomentumConfig::new(0.1).momentum(0.5).nesterov(true).build(2).unwrap();
        assert_eq!(nesterov.name(), "Nesterov η=0.1 β=0.5");
        assert!(nesterov.effective_learning_rates().is_none());
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (MomentumConfig::new(-1.0), "learning rate must be finite and > 0, got -1"),
            (MomentumConfig::new(0.0), "learning rate must be finite and > 0, got 0"),
            (MomentumConfig::new(0.1).momentum(1.0), "momentum must be in [0, 1), got 1"),
            (MomentumConfig::new(0.1).momentum(-0.1), "momentum must be in [0, 1), got -0.1"),
            (MomentumConfig::pytorch(0.1, f64::NAN), "momentum must be in [0, 1), got NaN"),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2).unwrap_err().to_string(), message);
        }
    }

    #[test]
    #[should_panic(expected = "params has 2 elements but grads has 3")]
    fn mismatched_params_and_grads_panic_with_both_lengths() {
        Momentum::new(0.1, 2).unwrap().step(&mut [0.0; 2], &[0.0; 3]);
    }

    #[test]
    #[should_panic(expected = "params has 3 elements but the velocity has 2")]
    fn params_longer_than_the_velocity_panic_with_both_lengths() {
        Momentum::new(0.1, 2).unwrap().step(&mut [0.0; 3], &[0.0; 3]);
    }
}

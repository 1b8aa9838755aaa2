//! RMSprop with momentum: the velocity collects *scaled* gradients.
//!
//! > G ← γ·G + (1 − γ)·g²
//! >
//! > b ← μ·b + g / √(G + ε)
//! >
//! > w ← w − η·b
//!
//! This is the method of PyTorch's `RMSprop(momentum=μ)`, written with the course's
//! ε inside the root. PyTorch puts ε outside, so that its buffer holds g/(√G + ε),
//! and forgets with α = 0.99; [`RmsPropMomentumConfig::pytorch`] sets both and
//! reproduces it step for step. (Tieleman and Hinton's lecture 6e, which introduced
//! RMSprop, ends with ways of combining it with momentum.) The accumulator is
//! RMSprop's ([`rmsprop::running_average`]) and the division is Adagrad's
//! ([`adagrad::ScaledStep::scaled_gradient`]), reused, not copied: only the buffer
//! b is new.

use adagrad::ScaledStep;
use gd::{HyperParameterError, LearningRate, Optimizer, assert_same_length};
use rmsprop::{RmsPropConfig, running_average};

/// The settings of RMSprop with momentum, validated by [`build`](Self::build).
///
/// Every RMSprop setting (η, γ, ε and its placement, the start of G) lives in
/// [`rmsprop`](Self::rmsprop), validated by `rmsprop` itself; μ is the one new
/// setting.
///
/// | setting      | course default | `torch.optim.RMSprop(lr, momentum=μ)` |
/// |--------------|----------------|---------------------------------------|
/// | γ            | 0.9            | α = 0.99                              |
/// | ε            | 1e-10 inside √ | 1e-8 outside √                        |
/// | μ (momentum) | 0.9            | `momentum` (default 0: no buffer)     |
///
/// [`pytorch`](Self::pytorch) reproduces the non-centred variant without weight
/// decay step for step, up to rounding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RmsPropMomentumConfig {
    /// The RMSprop settings: η, γ, ε, its placement and the initial accumulator.
    pub rmsprop: RmsPropConfig,
    /// μ, the momentum of the buffer, in [0, 1).
    pub momentum: f64,
}

impl RmsPropMomentumConfig {
    // ANCHOR: rmsprop_momentum_presets
    /// The course's RMSprop (γ = 0.9, ε = 1e-10 inside the root) with μ = 0.9.
    pub fn new(learning_rate: f64) -> Self {
        Self { rmsprop: RmsPropConfig::new(learning_rate), momentum: 0.9 }
    }

    /// `torch.optim.RMSprop(lr, momentum=μ)`: α = 0.99, ε = 1e-8 outside the root.
    pub fn pytorch(learning_rate: f64, momentum: f64) -> Self {
        Self { rmsprop: RmsPropConfig::pytorch(learning_rate), momentum }
    }

    /// `optax.rmsprop(lr, momentum=μ)`: decay 0.9, ε = 1e-8 inside the root; optax
    /// scales by −η first and then keeps the trace, the same rule.
    pub fn optax(learning_rate: f64, momentum: f64) -> Self {
        Self { rmsprop: RmsPropConfig::optax(learning_rate), momentum }
    }

    /// `keras.optimizers.RMSprop(lr, momentum=μ)` (Keras 3): ρ = 0.9, ε = 1e-7
    /// inside the root; Keras keeps μ·u + η·g/√(G + ε), the same rule.
    pub fn keras(learning_rate: f64, momentum: f64) -> Self {
        Self { rmsprop: RmsPropConfig::keras(learning_rate), momentum }
    }
    // ANCHOR_END: rmsprop_momentum_presets

    /// The same settings with another μ.
    pub fn momentum(self, momentum: f64) -> Self {
        Self { momentum, ..self }
    }

    /// RMSprop with momentum, from the RMSprop settings `rmsprop` (η among them)
    /// and μ.
    ///
    /// η is given once, in `rmsprop`: there is no setter that replaces the RMSprop
    /// settings of a preset, which would silently replace the η the preset was
    /// given. To change one setting of a preset, use its own setter
    /// ([`decay`](Self::decay), [`epsilon`](Self::epsilon),
    /// [`epsilon_placement`](Self::epsilon_placement),
    /// [`initial_accumulator`](Self::initial_accumulator)).
    pub fn from_rmsprop(rmsprop: RmsPropConfig, momentum: f64) -> Self {
        Self { rmsprop, momentum }
    }

    /// The same settings with another γ.
    pub fn decay(self, decay: f64) -> Self {
        Self { rmsprop: self.rmsprop.decay(decay), ..self }
    }

    /// The same settings with another ε.
    pub fn epsilon(self, epsilon: f64) -> Self {
        Self { rmsprop: self.rmsprop.epsilon(epsilon), ..self }
    }

    /// The same settings with ε placed as given.
    pub fn epsilon_placement(self, epsilon_placement: adagrad::EpsilonPlacement) -> Self {
        Self { rmsprop: self.rmsprop.epsilon_placement(epsilon_placement), ..self }
    }

    /// The same settings with G starting at `initial_accumulator`.
    pub fn initial_accumulator(self, initial_accumulator: f64) -> Self {
        Self { rmsprop: self.rmsprop.initial_accumulator(initial_accumulator), ..self }
    }

    /// An optimizer for `dimension` weights, with b starting at 0.
    ///
    /// # Errors
    /// If an RMSprop setting is out of range (as `RmsPropConfig::build` reports
    /// it), or μ is not in [0, 1). The error names the parameter (μ by its
    /// setting's name, `momentum`), the valid range and the value.
    pub fn build(self, dimension: usize) -> Result<RmsPropMomentum, HyperParameterError> {
        let rmsprop = self.rmsprop.build(dimension)?;
        Ok(RmsPropMomentum {
            scale: *rmsprop.scaled_step(),
            decay: rmsprop.decay(),
            momentum: HyperParameterError::check_decay("momentum", self.momentum)?,
            accumulator: rmsprop.accumulator().to_vec(),
            buffer: vec![0.0; dimension],
        })
    }
}

/// RMSprop with momentum: G ← γ·G + (1 − γ)·g², b ← μ·b + g/√(G + ε), w ← w − η·b.
///
/// With μ = 0 it is RMSprop, up to rounding: η·(g/d) rather than (η·g)/d.
#[derive(Debug, Clone, PartialEq)]
pub struct RmsPropMomentum {
    scale: ScaledStep,
    decay: f64,
    momentum: f64,
    accumulator: Vec<f64>,
    buffer: Vec<f64>,
}

impl RmsPropMomentum {
    /// The course's RMSprop with μ = 0.9 for `dimension` weights.
    ///
    /// # Errors
    /// If η is not finite and > 0.
    pub fn new(learning_rate: f64, dimension: usize) -> Result<Self, HyperParameterError> {
        RmsPropMomentumConfig::new(learning_rate).build(dimension)
    }

    /// The running average G of squared gradients, as in RMSprop.
    pub fn accumulator(&self) -> &[f64] {
        &self.accumulator
    }

    /// The momentum buffer b of scaled gradients.
    pub fn buffer(&self) -> &[f64] {
        &self.buffer
    }

    /// γ.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// μ.
    pub fn momentum(&self) -> f64 {
        self.momentum
    }

    /// η, ε and where ε goes.
    pub fn scaled_step(&self) -> &ScaledStep {
        &self.scale
    }
}

impl Optimizer for RmsPropMomentum {
    fn name(&self) -> String {
        format!(
            "RMSprop+momentum η={} γ={} μ={}",
            self.scale.learning_rate(),
            self.decay,
            self.momentum
        )
    }

    // ANCHOR: rmsprop_momentum_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the accumulator", self.accumulator.len());
        assert_same_length("params", params.len(), "the buffer", self.buffer.len());
        // ANCHOR: solution_rmsprop_momentum_step
        let (gamma, mu, eta) = (self.decay, self.momentum, self.scale.learning_rate());
        let state = self.accumulator.iter_mut().zip(&mut self.buffer);
        for ((w, &g), (big_g, b)) in params.iter_mut().zip(grads).zip(state) {
            // RMSprop's average, then momentum on RMSprop's g/√(G + ε).
            *big_g = running_average(gamma, *big_g, g);
            *b = mu * *b + self.scale.scaled_gradient(g, *big_g);
            *w -= eta * *b;
        }
        // ANCHOR_END: solution_rmsprop_momentum_step
    }
    // ANCHOR_END: rmsprop_momentum_step

    /// η/√(G + ε): the rate at which the newest gradient enters the step.
    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        Some(self.accumulator.iter().map(|&g| self.scale.effective_learning_rate(g)).collect())
    }
}

impl LearningRate for RmsPropMomentum {
    fn learning_rate(&self) -> f64 {
        self.scale.learning_rate()
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.scale.set_learning_rate(learning_rate)
    }
}

#[cfg(test)]
mod tests {
    use adagrad::EpsilonPlacement;
    use approx::assert_relative_eq;
    use gd::{Stop, minimize};
    use objectives::DiagonalQuadratic;
    use rmsprop::RmsProp;

    use super::*;

    /// The first two iterates after the start of `config` on the ellipse from (−5, −2).
    fn two_steps(config: RmsPropMomentumConfig) -> [[f64; 2]; 2] {
        let trace = minimize(
            &DiagonalQuadratic::ellipse(),
            &mut config.build(2).unwrap(),
            &[-5.0, -2.0],
            Stop::after(2),
        );
        [0, 1].map(|i| [trace.iterates[i + 1][0], trace.iterates[i + 1][1]])
    }

    /// One step written out as torch's RMSprop does it: square_avg = α·sq +
    /// (1 − α)·g²; avg = d(square_avg); buf = μ·buf + g/avg; p = p − lr·buf.
    fn by_hand(
        w: [f64; 2],
        state: &mut [[f64; 2]; 2],
        (alpha, mu, lr): (f64, f64, f64),
        denominator: impl Fn(f64) -> f64,
    ) -> [f64; 2] {
        let g = [0.2 * w[0], 4.0 * w[1]];
        let [square_avg, buf] = state;
        [0, 1].map(|j| {
            square_avg[j] = alpha * square_avg[j] + (1.0 - alpha) * g[j] * g[j];
            buf[j] = mu * buf[j] + g[j] / denominator(square_avg[j]);
            w[j] - lr * buf[j]
        })
    }

    // The expected values are the formula written out by hand, a few correctly
    // rounded operations from the exact value: 1e-12 relative (the target)
    // leaves about three orders of magnitude for rounding.

    #[test]
    fn course_and_pytorch_settings_reproduce_their_first_two_steps() {
        let inside = |big_g: f64| (big_g + 1e-10).sqrt();
        let outside = |big_g: f64| big_g.sqrt() + 1e-8;
        type Denominator = Box<dyn Fn(f64) -> f64>;
        let cases: [(RmsPropMomentumConfig, (f64, f64, f64), Denominator); 3] = [
            (RmsPropMomentumConfig::new(0.4), (0.9, 0.9, 0.4), Box::new(inside)),
            (RmsPropMomentumConfig::pytorch(0.01, 0.9), (0.99, 0.9, 0.01), Box::new(outside)),
            (RmsPropMomentumConfig::pytorch(0.4, 0.5), (0.99, 0.5, 0.4), Box::new(outside)),
        ];
        for (config, hyper, denominator) in cases {
            let mut state = [[0.0; 2]; 2];
            let first = by_hand([-5.0, -2.0], &mut state, hyper, &denominator);
            let second = by_hand(first, &mut state, hyper, &denominator);
            let [w1, w2] = two_steps(config);
            assert_relative_eq!(w1.as_slice(), first.as_slice(), max_relative = 1e-12);
            assert_relative_eq!(w2.as_slice(), second.as_slice(), max_relative = 1e-12);
        }
    }

    #[test]
    fn the_first_step_of_torch_rmsprop_with_momentum_is_about_lr_over_root_one_minus_alpha() {
        // G = 0.01·g², so b = g/(0.1·|g| + 1e-8) ≈ 10·sign(g), and w moves by 0.1.
        let [w1, _] = two_steps(RmsPropMomentumConfig::pytorch(0.01, 0.9));
        assert_relative_eq!(w1.as_slice(), [-4.9, -1.9].as_slice(), max_relative = 1e-8);
    }

    #[test]
    fn mu_zero_is_rmsprop_up_to_rounding() {
        let ellipse = DiagonalQuadratic::ellipse();
        let mut plain = RmsProp::new(0.1, 2).unwrap();
        let mut with_zero_mu = RmsPropMomentumConfig::new(0.1).momentum(0.0).build(2).unwrap();
        let a = minimize(&ellipse, &mut plain, &[-5.0, -2.0], Stop::after(30));
        let b = minimize(&ellipse, &mut with_zero_mu, &[-5.0, -2.0], Stop::after(30));
        // Same accumulator bit for bit (the same function computes it); the steps
        // differ by the rounding of η·(g/d) against (η·g)/d, an ulp a step.
        assert_eq!(plain.accumulator(), with_zero_mu.accumulator());
        for (x, y) in a.iterates.iter().flatten().zip(b.iterates.iter().flatten()) {
            assert_relative_eq!(x, y, max_relative = 1e-12, epsilon = 1e-14);
        }
    }

    #[test]
    fn rmsprop_settings_carry_over_including_the_placement_of_epsilon() {
        let settings = RmsPropConfig::new(0.2)
            .decay(0.5)
            .epsilon(0.25)
            .epsilon_placement(EpsilonPlacement::OutsideRoot);
        let mut optimizer = RmsPropMomentumConfig::from_rmsprop(settings, 0.9).build(1).unwrap();
        let mut w = [0.0];
        optimizer.step(&mut w, &[2.0]);
        // G = 0.5·4 = 2, b = 2/(√2 + 0.25), w = −0.2·b.
        assert_eq!(optimizer.accumulator(), [2.0]);
        assert_relative_eq!(w[0], -0.2 * 2.0 / (2f64.sqrt() + 0.25), max_relative = 1e-15);
        assert_eq!(optimizer.effective_learning_rates(), Some(vec![0.2 / (2f64.sqrt() + 0.25)]));
    }

    #[test]
    fn a_zero_gradient_with_zero_epsilon_is_a_zero_step() {
        let settings = RmsPropConfig::new(0.1).epsilon(0.0);
        let mut optimizer = RmsPropMomentumConfig::from_rmsprop(settings, 0.9).build(2).unwrap();
        let mut w = [1.0, -2.0];
        optimizer.step(&mut w, &[0.0, 0.0]);
        assert_eq!(w, [1.0, -2.0]);
        assert_eq!(optimizer.buffer(), [0.0, 0.0]);
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (RmsPropMomentumConfig::new(-1.0), "learning rate must be finite and > 0, got -1"),
            (RmsPropMomentumConfig::new(0.1).momentum(1.0), "momentum must be in [0, 1), got 1"),
            (RmsPropMomentumConfig::pytorch(0.1, -0.5), "momentum must be in [0, 1), got -0.5"),
            (RmsPropMomentumConfig::new(0.1).decay(1.5), "decay must be in [0, 1), got 1.5"),
            (
                RmsPropMomentumConfig::new(0.1).epsilon(-1.0),
                "epsilon must be finite and >= 0, got -1",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2).unwrap_err().to_string(), message);
        }
    }

    #[test]
    #[should_panic(expected = "params has 2 elements but grads has 1")]
    fn mismatched_params_and_grads_panic_with_both_lengths() {
        RmsPropMomentum::new(0.1, 2).unwrap().step(&mut [0.0; 2], &[0.0; 1]);
    }

    #[test]
    #[should_panic(expected = "params has 3 elements but the accumulator has 2")]
    fn params_longer_than_the_state_panic_with_both_lengths() {
        RmsPropMomentum::new(0.1, 2).unwrap().step(&mut [0.0; 3], &[0.0; 3]);
    }
}

//! Centered RMSprop: divide by the gradient's running *variance*, not its mean
//! square.
//!
//! > G ← γ·G + (1 − γ)·g²,   ḡ ← γ·ḡ + (1 − γ)·g
//! >
//! > v = max(G − ḡ², 0),   w ← w − η·g/√(v + ε)
//!
//! G − ḡ² is the running mean square minus the square of the running mean: the
//! running variance of g. Where the gradient keeps its sign (a consistent
//! direction), the variance is small and the step long; where it flips (noise),
//! the two agree. Graves (2013) introduced it for training recurrent networks;
//! PyTorch (`centered=True`), optax (`centered=True`) and Keras (`centered=True`)
//! all offer it, with and without momentum: b ← μ·b + g/√(v + ε), w ← w − η·b.
//!
//! In exact arithmetic G ≥ ḡ² (a mean square is at least the square of the mean,
//! for averages with the same weights). In floating point G − ḡ² can round below
//! zero when the variance is tiny next to G, for a gradient that barely changes:
//! PyTorch takes √ of it and its step is NaN; optax and Keras add ε first and are
//! NaN only when the deficit exceeds ε. [`centered_variance`] clamps it at 0, the
//! value it approximates, so the step stays finite.
//!
//! ## References
//! A. Graves, *Generating Sequences With Recurrent Neural Networks*,
//! arXiv:1308.0850 (2013), equations (38)–(41).

use adagrad::ScaledStep;
use gd::{HyperParameterError, LearningRate, Optimizer, assert_same_length};

use crate::{RmsPropConfig, running_average};

/// The running variance G − ḡ² of a weight's gradient, never below 0.
#[inline]
// ANCHOR: centered_variance
pub fn centered_variance(average: f64, mean: f64) -> f64 {
    // ANCHOR: solution_centered_variance
    (average - mean * mean).max(0.0)
    // ANCHOR_END: solution_centered_variance
}
// ANCHOR_END: centered_variance

/// The settings of centered RMSprop, validated by [`build`](Self::build).
///
/// | setting  | `torch.optim.RMSprop(lr, centered=True, momentum=μ)` | `optax.rmsprop(lr, centered=True, momentum=μ)` | `keras.optimizers.RMSprop(lr, centered=True, momentum=μ)` |
/// |----------|------------------|------------------|------------------|
/// | γ        | α = 0.99         | `decay` = 0.9    | ρ = 0.9          |
/// | ε        | 1e-8 outside √   | 1e-8 inside √ (`eps_in_sqrt`) | 1e-7 inside √ |
/// | μ        | `momentum`       | `momentum`       | `momentum`       |
///
/// μ = 0 means no momentum buffer (each library's default).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CenteredRmsPropConfig {
    /// The RMSprop settings: η, γ, ε, its placement and the initial G.
    pub rmsprop: RmsPropConfig,
    /// μ, the momentum of the buffer of scaled gradients, in [0, 1).
    pub momentum: f64,
}

impl CenteredRmsPropConfig {
    // ANCHOR: centered_presets
    /// The course's RMSprop, centered, without momentum.
    pub fn new(learning_rate: f64) -> Self {
        Self { rmsprop: RmsPropConfig::new(learning_rate), momentum: 0.0 }
    }

    /// `torch.optim.RMSprop(lr, centered=True, momentum=μ)`: α = 0.99, ε = 1e-8
    /// outside the root.
    pub fn pytorch(learning_rate: f64, momentum: f64) -> Self {
        Self { rmsprop: RmsPropConfig::pytorch(learning_rate), momentum }
    }

    /// `optax.rmsprop(lr, centered=True, momentum=μ)`: decay 0.9, ε = 1e-8 inside
    /// the root (`eps_in_sqrt=True`; move it outside for `eps_in_sqrt=False`).
    pub fn optax(learning_rate: f64, momentum: f64) -> Self {
        Self { rmsprop: RmsPropConfig::optax(learning_rate), momentum }
    }

    /// `keras.optimizers.RMSprop(lr, centered=True, momentum=μ)` (Keras 3): ρ = 0.9,
    /// ε = 1e-7 inside the root.
    pub fn keras(learning_rate: f64, momentum: f64) -> Self {
        Self { rmsprop: RmsPropConfig::keras(learning_rate), momentum }
    }
    // ANCHOR_END: centered_presets

    /// Centered RMSprop with the RMSprop settings `rmsprop` (η among them) and μ.
    ///
    /// η is given once, in `rmsprop`: there is no setter that replaces the RMSprop
    /// settings of a preset, because `CenteredRmsPropConfig::pytorch(0.4, 0.0)`
    /// followed by RMSprop settings made with another η would run at that other
    /// η without a word. To change one setting of a preset, use its own setter
    /// ([`decay`](Self::decay), [`epsilon`](Self::epsilon),
    /// [`epsilon_placement`](Self::epsilon_placement),
    /// [`initial_accumulator`](Self::initial_accumulator)).
    ///
    /// ```
    /// use rmsprop::{CenteredRmsPropConfig, RmsPropConfig};
    /// let settings = RmsPropConfig::pytorch(0.1).decay(0.9);
    /// let config = CenteredRmsPropConfig::from_rmsprop(settings, 0.0);
    /// assert_eq!(config.rmsprop.learning_rate, 0.1);
    /// let preset = CenteredRmsPropConfig::pytorch(0.4, 0.0).decay(0.9);
    /// assert_eq!(preset.rmsprop.learning_rate, 0.4);
    /// ```
    ///
    /// The form that replaced a preset's η without a word does not compile:
    ///
    /// ```compile_fail
    /// use rmsprop::{CenteredRmsPropConfig, RmsPropConfig};
    /// let config = CenteredRmsPropConfig::pytorch(0.4, 0.0).rmsprop(RmsPropConfig::pytorch(0.1));
    /// ```
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

    /// The same settings with ε placed as given (optax's `eps_in_sqrt=False` is
    /// [`EpsilonPlacement::OutsideRoot`](adagrad::EpsilonPlacement::OutsideRoot)).
    pub fn epsilon_placement(self, epsilon_placement: adagrad::EpsilonPlacement) -> Self {
        Self { rmsprop: self.rmsprop.epsilon_placement(epsilon_placement), ..self }
    }

    /// The same settings with G starting at `initial_accumulator`.
    pub fn initial_accumulator(self, initial_accumulator: f64) -> Self {
        Self { rmsprop: self.rmsprop.initial_accumulator(initial_accumulator), ..self }
    }

    /// The same settings with another μ.
    pub fn momentum(self, momentum: f64) -> Self {
        Self { momentum, ..self }
    }

    /// An optimizer for `dimension` weights, with ḡ and the buffer starting at 0.
    ///
    /// # Errors
    /// If an RMSprop setting is out of range (as [`RmsPropConfig::build`] says), or
    /// μ is not in [0, 1).
    pub fn build(self, dimension: usize) -> Result<CenteredRmsProp, HyperParameterError> {
        let plain = self.rmsprop.build(dimension)?;
        Ok(CenteredRmsProp {
            scale: *plain.scaled_step(),
            decay: plain.decay(),
            momentum: HyperParameterError::check_decay("momentum", self.momentum)?,
            accumulator: plain.accumulator().to_vec(),
            mean: vec![0.0; dimension],
            buffer: vec![0.0; dimension],
        })
    }
}

/// Centered RMSprop, with an optional momentum buffer (see the module).
#[derive(Debug, Clone, PartialEq)]
pub struct CenteredRmsProp {
    scale: ScaledStep,
    decay: f64,
    momentum: f64,
    accumulator: Vec<f64>,
    mean: Vec<f64>,
    buffer: Vec<f64>,
}

impl CenteredRmsProp {
    /// The running mean square G.
    pub fn accumulator(&self) -> &[f64] {
        &self.accumulator
    }

    /// The running mean ḡ.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The momentum buffer b (all 0 when μ = 0).
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

impl Optimizer for CenteredRmsProp {
    fn name(&self) -> String {
        format!(
            "centered RMSprop η={} γ={} μ={}",
            self.scale.learning_rate(),
            self.decay,
            self.momentum
        )
    }

    // ANCHOR: centered_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the accumulator", self.accumulator.len());
        assert_same_length("params", params.len(), "the mean", self.mean.len());
        assert_same_length("params", params.len(), "the buffer", self.buffer.len());
        // ANCHOR: solution_centered_step
        let (gamma, mu, eta) = (self.decay, self.momentum, self.scale.learning_rate());
        let state = self.accumulator.iter_mut().zip(&mut self.mean).zip(&mut self.buffer);
        for ((w, &g), ((big_g, mean), b)) in params.iter_mut().zip(grads).zip(state) {
            *big_g = running_average(gamma, *big_g, g);
            *mean = gamma * *mean + (1.0 - gamma) * g;
            let variance = centered_variance(*big_g, *mean);
            if mu == 0.0 {
                *w -= self.scale.delta(g, variance);
            } else {
                *b = mu * *b + self.scale.scaled_gradient(g, variance);
                *w -= eta * *b;
            }
        }
        // ANCHOR_END: solution_centered_step
    }
    // ANCHOR_END: centered_step

    /// η/√(v + ε) with v the centered variance of the last step.
    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        Some(
            self.accumulator
                .iter()
                .zip(&self.mean)
                .map(|(&g, &m)| self.scale.effective_learning_rate(centered_variance(g, m)))
                .collect(),
        )
    }
}

impl LearningRate for CenteredRmsProp {
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

    use super::*;

    #[test]
    fn the_variance_that_rounds_below_zero_is_clamped_and_the_step_stays_finite() {
        // A constant gradient g: G and ḡ² both approach g² and their difference,
        // the variance, approaches 0. The roundings of the two averages settle on
        // their own fixed points, and for g = 0.7 and γ = 0.5 (found by a search)
        // G − ḡ² rounds below zero at step 54, where PyTorch's √(G − ḡ²) is NaN.
        let (gamma, g) = (0.5f64, 0.7f64);
        let (mut big_g, mut mean) = (0.0f64, 0.0f64);
        let mut negative = None;
        for t in 1..=200 {
            big_g = running_average(gamma, big_g, g);
            mean = gamma * mean + (1.0 - gamma) * g;
            if big_g - mean * mean < 0.0 {
                negative = Some(t);
                break;
            }
        }
        let t = negative.expect("the variance of a constant gradient rounds below zero");
        assert!((big_g - mean * mean).sqrt().is_nan(), "PyTorch's formula at step {t}");
        assert_eq!(centered_variance(big_g, mean), 0.0);
        let mut optimizer =
            CenteredRmsPropConfig::pytorch(0.01, 0.0).decay(gamma).build(1).unwrap();
        let mut w = [0.0];
        for _ in 0..t + 5 {
            optimizer.step(&mut w, &[g]);
            assert!(w[0].is_finite(), "{w:?}");
        }
    }

    #[test]
    fn with_momentum_the_buffer_collects_the_scaled_gradients() {
        let config = CenteredRmsPropConfig::from_rmsprop(
            RmsPropConfig::new(0.5).decay(0.5).epsilon(0.0),
            0.5,
        );
        let mut optimizer = config.build(1).unwrap();
        let mut w = [0.0];
        optimizer.step(&mut w, &[2.0]);
        // G = 2, ḡ = 1, v = 1: b = 2/1 = 2, w = −0.5·2 = −1.
        assert_eq!((optimizer.accumulator()[0], optimizer.mean()[0]), (2.0, 1.0));
        assert_eq!((optimizer.buffer()[0], w[0]), (2.0, -1.0));
    }

    #[test]
    fn a_presets_setters_keep_the_learning_rate_it_was_given() {
        let config = CenteredRmsPropConfig::pytorch(0.4, 0.5)
            .decay(0.5)
            .epsilon(1e-6)
            .epsilon_placement(EpsilonPlacement::InsideRoot)
            .initial_accumulator(0.25);
        let expected = RmsPropConfig::pytorch(0.4)
            .decay(0.5)
            .epsilon(1e-6)
            .epsilon_placement(EpsilonPlacement::InsideRoot)
            .initial_accumulator(0.25);
        assert_eq!(config, CenteredRmsPropConfig::from_rmsprop(expected, 0.5));
        assert_eq!(config.build(1).unwrap().learning_rate(), 0.4);
    }

    #[test]
    fn invalid_settings_are_refused_naming_the_parameter() {
        let error = CenteredRmsPropConfig::pytorch(0.1, 1.0).build(2).unwrap_err();
        assert_eq!(error.to_string(), "momentum must be in [0, 1), got 1");
        let config =
            CenteredRmsPropConfig::optax(0.1, 0.0).epsilon_placement(EpsilonPlacement::OutsideRoot);
        assert!(config.build(2).is_ok());
    }
}

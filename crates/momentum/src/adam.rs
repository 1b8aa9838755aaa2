//! Adam: momentum on the gradient, RMSprop on its square, both bias-corrected.
//!
//! > m ← β₁·m + (1 − β₁)·g              (momentum, as an average of g)
//! >
//! > G ← β₂·G + (1 − β₂)·g²             (RMSprop's running average, γ = β₂)
//! >
//! > m̂ = m/(1 − β₁ᵗ),  Ĝ = G/(1 − β₂ᵗ)   (bias correction, t = 1, 2, …)
//! >
//! > w ← w − η·m̂/(√Ĝ + ε)
//!
//! Kingma and Ba write v for G; it is the same average RMSprop keeps, computed
//! here by the same function ([`rmsprop::running_average`]), and the step is
//! Adagrad's scaled step ([`adagrad::ScaledStep::delta`]) applied to m̂ and Ĝ.
//!
//! Both averages start at 0, so after t steps they hold only a fraction 1 − βᵗ of
//! the weight of a full average: under a constant gradient g, m = (1 − β₁ᵗ)·g and
//! G = (1 − β₂ᵗ)·g². Dividing by those fractions (the *bias correction*) makes
//! m̂ = g and Ĝ = g² from the first step on, so the first step is η·g/(|g| + ε),
//! about η in size, instead of RMSprop's η/√(1 − γ).
//!
//! ## Where ε goes
//! Unlike the course's other optimizers, Adam's default puts ε = 1e-8 *outside*
//! the root, √Ĝ + ε, as Kingma and Ba's paper, PyTorch and optax all do: the
//! method is defined that way, and its ε = 1e-8 was chosen for that place. Inside
//! the root the same ε would act as a floor of √1e-8 = 1e-4 on the denominator,
//! damping every gradient smaller than about 1e-4 (ten thousand times the floor
//! outside). [`AdamConfig::epsilon_placement`] moves it inside for comparison.
//!
//! ## AMSGrad
//! Reddi, Kale and Kumar (2018) showed that Adam's average of squared gradients
//! can forget a rare large gradient fast enough for the step to grow again in the
//! wrong direction, and proposed dividing by the running *maximum* of the second
//! moment instead, so that no effective rate ever grows ([`AmsGrad`]). PyTorch
//! (`amsgrad=True`) takes that maximum over the raw average G, then bias-corrects
//! it; optax (`optax.amsgrad`) takes it over the bias-corrected Ĝ. The two differ
//! in the first steps, where 1 − β₂ᵗ is far from 1.
//!
//! ## Keras's ε, added before the bias correction
//! Keras's `Adam` folds both corrections into the rate and adds ε to the root of
//! the *uncorrected* G, as Kingma and Ba's section 2 suggests for efficiency:
//!
//! > α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ),  w ← w − α·m/(√G + ε)
//!
//! which is w ← w − η·m̂/(√Ĝ + ε/√(1 − β₂ᵗ)): an ε that starts √(1/(1 − β₂)) ≈ 32
//! times larger at t = 1 (β₂ = 0.999) and shrinks to ε as 1 − β₂ᵗ tends to 1.
//! [`EpsilonTiming::BeforeCorrection`] computes that ε at every step, so the
//! update keeps its one form, η·m̂/(√Ĝ + ε̂ₜ); [`AdamConfig::keras`] sets it.

use adagrad::{EpsilonPlacement, ScaledStep};
use gd::{HyperParameterError, LearningRate, Optimizer, assert_same_length};
use rmsprop::running_average;

/// The settings of an Adam optimizer, validated by [`build`](Self::build).
///
/// | setting     | course default | `torch.optim.Adam(lr)` | `optax.adam(lr)`        | `keras.optimizers.Adam(lr)` |
/// |-------------|----------------|------------------------|-------------------------|-----------------------------|
/// | β₁          | 0.9            | 0.9                    | `b1` = 0.9              | `beta_1` = 0.9              |
/// | β₂          | 0.999          | 0.999                  | `b2` = 0.999            | `beta_2` = 0.999            |
/// | ε           | 1e-8           | 1e-8                   | `eps` = 1e-8            | `epsilon` = 1e-7            |
/// | ε placement | outside √      | outside √              | outside √ (`eps_root` = 0) | outside √              |
/// | ε added     | after the correction | after           | after                   | *before* the correction     |
///
/// The first three agree, so [`pytorch`](Self::pytorch) and [`optax`](Self::optax)
/// are [`new`](Self::new) under the library's name. They differ only in rounding:
/// torch computes m by `lerp` and divides √G by √(1 − β₂ᵗ) before adding ε;
/// optax divides G first, as here. Keras's `Adam` differs in ε: it adds ε to √G
/// before the bias correction (the ε̂ of the paper's section 2), which
/// [`keras`](Self::keras) reproduces with [`EpsilonTiming::BeforeCorrection`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// β₁, the decay of the first moment (momentum), in [0, 1).
    pub beta1: f64,
    /// β₂, the decay of the second moment (RMSprop's γ), in [0, 1).
    pub beta2: f64,
    /// ε, finite and ≥ 0.
    pub epsilon: f64,
    /// Where ε goes: √Ĝ + ε (the default here) or √(Ĝ + ε).
    pub epsilon_placement: EpsilonPlacement,
    /// Whether, and where, to take AMSGrad's running maximum of the second moment.
    pub amsgrad: AmsGrad,
    /// Whether ε joins the second moment after its bias correction (the paper,
    /// PyTorch, optax) or before it (Keras).
    pub epsilon_timing: EpsilonTiming,
}

/// When ε joins the second moment: after the bias correction or before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EpsilonTiming {
    /// √Ĝ + ε (or √(Ĝ + ε) inside the root): Kingma and Ba's algorithm 1,
    /// PyTorch's `Adam` and optax's `adam`.
    #[default]
    AfterCorrection,
    /// Keras's `Adam`: √G + ε, then corrected, (√G + ε)/√(1 − β₂ᵗ) = √Ĝ + ε/√(1 − β₂ᵗ);
    /// inside the root, √((G + ε)/(1 − β₂ᵗ)) = √(Ĝ + ε/(1 − β₂ᵗ)).
    BeforeCorrection,
}

/// The ε̂ₜ that step t adds after the bias correction, for the ε of the settings:
/// ε itself, or, for ε added before the correction ([`EpsilonTiming::BeforeCorrection`]),
/// ε/√(1 − β₂ᵗ) outside the root and ε/(1 − β₂ᵗ) inside it.
pub fn epsilon_for_step(
    epsilon: f64,
    timing: EpsilonTiming,
    placement: EpsilonPlacement,
    beta2: f64,
    steps: u64,
) -> f64 {
    match (timing, placement) {
        (EpsilonTiming::AfterCorrection, _) => epsilon,
        (EpsilonTiming::BeforeCorrection, EpsilonPlacement::OutsideRoot) => {
            epsilon / bias_correction(beta2, steps).sqrt()
        }
        (EpsilonTiming::BeforeCorrection, EpsilonPlacement::InsideRoot) => {
            epsilon / bias_correction(beta2, steps)
        }
    }
}

/// Where AMSGrad takes its running maximum of the second moment, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AmsGrad {
    /// Plain Adam: divide by √Ĝ + ε.
    #[default]
    Off,
    /// PyTorch's `amsgrad=True`: Gmax ← max(Gmax, G), then divide by
    /// √(Gmax/(1 − β₂ᵗ)) + ε.
    MaximumBeforeCorrection,
    /// optax's `amsgrad`: Ĝmax ← max(Ĝmax, G/(1 − β₂ᵗ)), then divide by √Ĝmax + ε.
    MaximumAfterCorrection,
}

/// The second moment Adam divides by, given the running average G, the factor
/// 1/(1 − β₂ᵗ) that corrects it, and the running maximum kept for AMSGrad: Ĝ for
/// plain Adam, else AMSGrad's [`running_maximum`].
#[inline]
pub fn second_moment_for_step(
    amsgrad: AmsGrad,
    maximum: &mut f64,
    average: f64,
    unbias: f64,
) -> f64 {
    match amsgrad {
        AmsGrad::Off => average * unbias,
        AmsGrad::MaximumBeforeCorrection => running_maximum(false, maximum, average, unbias),
        AmsGrad::MaximumAfterCorrection => running_maximum(true, maximum, average, unbias),
    }
}

/// The corrected second moment that the last step divided by, from the stored G,
/// AMSGrad's maximum and the last step's correction 1 − β₂ᵗ: Ĝ, or the maximum
/// (of G, then corrected; or of Ĝ, already corrected).
pub fn last_second_moment(amsgrad: AmsGrad, correction: f64, average: f64, maximum: f64) -> f64 {
    match amsgrad {
        AmsGrad::Off => average / correction,
        AmsGrad::MaximumBeforeCorrection => maximum / correction,
        AmsGrad::MaximumAfterCorrection => maximum,
    }
}

/// AMSGrad's running maximum of the second moment, updated with the average G of
/// this step and returned corrected: of G then corrected (PyTorch), or of the
/// corrected Ĝ = G·`unbias` (optax, `after_correction`).
#[inline]
// ANCHOR: amsgrad
pub fn running_maximum(
    after_correction: bool,
    maximum: &mut f64,
    average: f64,
    unbias: f64,
) -> f64 {
    // ANCHOR: solution_amsgrad
    if after_correction {
        *maximum = maximum.max(average * unbias);
        *maximum
    } else {
        *maximum = maximum.max(average);
        *maximum * unbias
    }
    // ANCHOR_END: solution_amsgrad
}
// ANCHOR_END: amsgrad

impl AdamConfig {
    // ANCHOR: adam_presets
    /// Adam as published: β₁ = 0.9, β₂ = 0.999, ε = 1e-8 *outside* the root.
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            epsilon_placement: EpsilonPlacement::OutsideRoot,
            amsgrad: AmsGrad::Off,
            epsilon_timing: EpsilonTiming::AfterCorrection,
        }
    }

    /// `torch.optim.Adam(lr)` (no weight decay, no AMSGrad): the defaults of [`new`](Self::new).
    pub fn pytorch(learning_rate: f64) -> Self {
        Self::new(learning_rate)
    }

    /// `optax.adam(learning_rate)` (`eps_root = 0`): the defaults of [`new`](Self::new).
    pub fn optax(learning_rate: f64) -> Self {
        Self::new(learning_rate)
    }

    /// `torch.optim.Adam(lr, amsgrad=True)`: the maximum of G, then corrected.
    pub fn pytorch_amsgrad(learning_rate: f64) -> Self {
        Self { amsgrad: AmsGrad::MaximumBeforeCorrection, ..Self::new(learning_rate) }
    }

    /// `optax.amsgrad(learning_rate)`: the maximum of the corrected Ĝ.
    pub fn optax_amsgrad(learning_rate: f64) -> Self {
        Self { amsgrad: AmsGrad::MaximumAfterCorrection, ..Self::new(learning_rate) }
    }

    /// `keras.optimizers.Adam(learning_rate)` (Keras 3): ε = 1e-7 added to √G
    /// *before* the bias correction (w ← w − α·m/(√G + ε), α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)).
    /// With `weight_decay`, Keras's `AdamW`: [`adamw`] with this preset.
    pub fn keras(learning_rate: f64) -> Self {
        Self {
            epsilon: 1e-7,
            epsilon_timing: EpsilonTiming::BeforeCorrection,
            ..Self::new(learning_rate)
        }
    }

    /// `keras.optimizers.Adam(learning_rate, amsgrad=True)`: the maximum of G,
    /// then corrected, as PyTorch's, with Keras's ε.
    pub fn keras_amsgrad(learning_rate: f64) -> Self {
        Self { amsgrad: AmsGrad::MaximumBeforeCorrection, ..Self::keras(learning_rate) }
    }
    // ANCHOR_END: adam_presets

    /// The same settings with another β₁.
    pub fn beta1(self, beta1: f64) -> Self {
        Self { beta1, ..self }
    }

    /// The same settings with another β₂.
    pub fn beta2(self, beta2: f64) -> Self {
        Self { beta2, ..self }
    }

    /// The same settings with another ε.
    pub fn epsilon(self, epsilon: f64) -> Self {
        Self { epsilon, ..self }
    }

    /// The same settings with ε placed as given.
    pub fn epsilon_placement(self, epsilon_placement: EpsilonPlacement) -> Self {
        Self { epsilon_placement, ..self }
    }

    /// The same settings with AMSGrad as given.
    pub fn amsgrad(self, amsgrad: AmsGrad) -> Self {
        Self { amsgrad, ..self }
    }

    /// The same settings with ε added after, or before, the bias correction.
    pub fn epsilon_timing(self, epsilon_timing: EpsilonTiming) -> Self {
        Self { epsilon_timing, ..self }
    }

    /// An optimizer for `dimension` weights, with m and G starting at 0.
    ///
    /// # Errors
    /// If η is not finite and > 0, ε is not finite and ≥ 0, or β₁ or β₂ is not in
    /// [0, 1). The error names the parameter, the valid range and the value.
    pub fn build(self, dimension: usize) -> Result<Adam, HyperParameterError> {
        Ok(Adam {
            scale: ScaledStep::new(self.learning_rate, self.epsilon, self.epsilon_placement)?,
            beta1: HyperParameterError::check_decay("beta1", self.beta1)?,
            beta2: HyperParameterError::check_decay("beta2", self.beta2)?,
            amsgrad: self.amsgrad,
            epsilon: self.epsilon,
            epsilon_timing: self.epsilon_timing,
            steps: 0,
            first_moment: vec![0.0; dimension],
            second_moment: vec![0.0; dimension],
            maximum: vec![0.0; dimension],
        })
    }
}

/// `torch.optim.AdamW`'s default weight decay λ.
pub const PYTORCH_ADAMW_DECAY: f64 = 1e-2;
/// `optax.adamw`'s default weight decay λ.
pub const OPTAX_ADAMW_DECAY: f64 = 1e-4;
/// `keras.optimizers.AdamW`'s default weight decay λ (Keras 3), with
/// `AdamConfig::keras(lr)`.
pub const KERAS_ADAMW_DECAY: f64 = 4e-3;

/// AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay, the
/// weights shrunk by (1 − η·λ) before each step: `torch.optim.AdamW(lr,
/// weight_decay=λ)` with `AdamConfig::pytorch(lr)` (λ = [`PYTORCH_ADAMW_DECAY`] by
/// default there), `optax.adamw(lr, weight_decay=λ)` with `AdamConfig::optax(lr)`.
///
/// # Errors
/// If a setting of `config` is out of range, or λ is not finite and ≥ 0.
pub fn adamw(
    config: AdamConfig,
    decay: f64,
    dimension: usize,
) -> Result<gd::Decoupled<Adam>, HyperParameterError> {
    gd::Decoupled::new(config.build(dimension)?, decay)
}

/// 1 − βᵗ: the total weight that t steps of an average started at 0 have given
/// to the gradients. Dividing by it removes the pull towards the start.
///
/// `powf` rather than `powi`: it is the C library's `pow`, which PyTorch's
/// `beta ** step` also calls, and it is accurate to within an ulp for any t.
// ANCHOR: bias_correction
pub fn bias_correction(beta: f64, steps: u64) -> f64 {
    // ANCHOR: solution_bias_correction
    1.0 - beta.powf(steps as f64)
    // ANCHOR_END: solution_bias_correction
}
// ANCHOR_END: bias_correction

/// Adam: m ← β₁·m + (1 − β₁)·g, G ← β₂·G + (1 − β₂)·g²,
/// w ← w − η·m̂/(√Ĝ + ε) with m̂ = m/(1 − β₁ᵗ), Ĝ = G/(1 − β₂ᵗ).
#[derive(Debug, Clone, PartialEq)]
pub struct Adam {
    scale: ScaledStep,
    beta1: f64,
    beta2: f64,
    amsgrad: AmsGrad,
    /// ε as configured; `scale` holds the ε̂ₜ of the last step.
    epsilon: f64,
    epsilon_timing: EpsilonTiming,
    steps: u64,
    first_moment: Vec<f64>,
    second_moment: Vec<f64>,
    maximum: Vec<f64>,
}

impl Adam {
    /// Adam with its published defaults for `dimension` weights.
    ///
    /// # Errors
    /// If η is not finite and > 0.
    pub fn new(learning_rate: f64, dimension: usize) -> Result<Self, HyperParameterError> {
        AdamConfig::new(learning_rate).build(dimension)
    }

    /// The first moment m, before bias correction.
    pub fn first_moment(&self) -> &[f64] {
        &self.first_moment
    }

    /// The second moment G (Kingma and Ba's v), before bias correction.
    pub fn second_moment(&self) -> &[f64] {
        &self.second_moment
    }

    /// AMSGrad's running maximum (of G, or of Ĝ; all 0 when AMSGrad is off).
    pub fn maximum(&self) -> &[f64] {
        &self.maximum
    }

    /// Whether, and where, AMSGrad takes its maximum.
    pub fn amsgrad(&self) -> AmsGrad {
        self.amsgrad
    }

    /// The number t of steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// β₁.
    pub fn beta1(&self) -> f64 {
        self.beta1
    }

    /// β₂.
    pub fn beta2(&self) -> f64 {
        self.beta2
    }

    /// η, ε and where ε goes (the ε̂ₜ of the last step: see [`epsilon_for_step`]).
    pub fn scaled_step(&self) -> &ScaledStep {
        &self.scale
    }

    /// ε as configured, before any conversion to the ε̂ₜ of a step.
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    /// Whether ε joins the second moment after its bias correction or before it.
    pub fn epsilon_timing(&self) -> EpsilonTiming {
        self.epsilon_timing
    }
}

impl Optimizer for Adam {
    fn name(&self) -> String {
        format!("Adam η={} β₁={} β₂={}", self.scale.learning_rate(), self.beta1, self.beta2)
    }

    // ANCHOR: adam_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the first moment", self.first_moment.len());
        assert_same_length("params", params.len(), "the second moment", self.second_moment.len());
        assert_same_length("params", params.len(), "the maximum", self.maximum.len());
        if self.epsilon_timing == EpsilonTiming::BeforeCorrection {
            // Keras's ε, seen after the correction: ε/√(1 − β₂ᵗ) for this step t.
            let t = self.steps + 1;
            let placement = self.scale.placement();
            let epsilon =
                epsilon_for_step(self.epsilon, self.epsilon_timing, placement, self.beta2, t);
            if let Err(error) = self.scale.set_epsilon(epsilon) {
                panic!("step {t}: Keras's ε divided by √(1 − β₂ᵗ) is out of range: {error}");
            }
        }
        // ANCHOR: solution_adam_step
        self.steps += 1;
        let (beta1, beta2) = (self.beta1, self.beta2);
        // m̂ = m/(1 − β₁ᵗ) and Ĝ = G/(1 − β₂ᵗ), as products by reciprocals computed
        // once per step: a division per element costs more than its memory traffic.
        let unbias1 = 1.0 / bias_correction(beta1, self.steps);
        let unbias2 = 1.0 / bias_correction(beta2, self.steps);
        let moments =
            self.first_moment.iter_mut().zip(&mut self.second_moment).zip(&mut self.maximum);
        for ((w, &g), ((m, big_g), maximum)) in params.iter_mut().zip(grads).zip(moments) {
            *m = beta1 * *m + (1.0 - beta1) * g; // momentum
            *big_g = running_average(beta2, *big_g, g); // RMSprop
            let g_hat = second_moment_for_step(self.amsgrad, maximum, *big_g, unbias2);
            *w -= self.scale.delta(*m * unbias1, g_hat);
        }
        // ANCHOR_END: solution_adam_step
    }
    // ANCHOR_END: adam_step

    /// η/(√Ĝ + ε): the rate that multiplies m̂ in the last step (η/d(0) before
    /// the first step).
    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        let correction2 =
            if self.steps == 0 { 1.0 } else { bias_correction(self.beta2, self.steps) };
        let rate = |(&big_g, &maximum)| {
            let second = last_second_moment(self.amsgrad, correction2, big_g, maximum);
            self.scale.effective_learning_rate(second)
        };
        Some(self.second_moment.iter().zip(&self.maximum).map(rate).collect())
    }
}

impl LearningRate for Adam {
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
    fn two_steps(config: AdamConfig) -> [[f64; 2]; 2] {
        let trace = minimize(
            &DiagonalQuadratic::ellipse(),
            &mut config.build(2).unwrap(),
            &[-5.0, -2.0],
            Stop::after(2),
        );
        [0, 1].map(|i| [trace.iterates[i + 1][0], trace.iterates[i + 1][1]])
    }

    /// The ellipse's gradient (0.2·w₁, 4·w₂).
    fn gradient(w: [f64; 2]) -> [f64; 2] {
        [0.2 * w[0], 4.0 * w[1]]
    }

    /// Step t of `torch.optim.Adam` (single-tensor path) written out from its
    /// source: exp_avg.lerp_(g, 1 − β₁); exp_avg_sq = β₂·sq + (1 − β₂)·g²;
    /// step_size = lr/bc1; denom = √sq/√bc2 + eps; p = p − step_size·(m/denom).
    fn torch_adam(w: [f64; 2], m: &mut [f64; 2], v: &mut [f64; 2], t: i32, lr: f64) -> [f64; 2] {
        let (beta1, beta2, eps) = (0.9f64, 0.999f64, 1e-8);
        let g = gradient(w);
        let step_size = lr / (1.0 - beta1.powi(t));
        let bias_correction2_sqrt = (1.0 - beta2.powi(t)).sqrt();
        [0, 1].map(|j| {
            m[j] += (1.0 - beta1) * (g[j] - m[j]); // lerp with weight 0.1 < 0.5
            v[j] = beta2 * v[j] + (1.0 - beta2) * g[j] * g[j];
            let denom = v[j].sqrt() / bias_correction2_sqrt + eps;
            w[j] - step_size * (m[j] / denom)
        })
    }

    /// Step t of `optax.adam` written out from its source: mu = (1 − b1)·g + b1·mu;
    /// nu = (1 − b2)·g² + b2·nu; mu_hat = mu/(1 − b1ᵗ); nu_hat = nu/(1 − b2ᵗ);
    /// update = −lr·mu_hat/(√(nu_hat + eps_root) + eps), eps_root = 0.
    fn optax_adam(w: [f64; 2], mu: &mut [f64; 2], nu: &mut [f64; 2], t: i32, lr: f64) -> [f64; 2] {
        let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
        let g = gradient(w);
        [0, 1].map(|j| {
            mu[j] = (1.0 - b1) * g[j] + b1 * mu[j];
            nu[j] = (1.0 - b2) * g[j] * g[j] + b2 * nu[j];
            let mu_hat = mu[j] / (1.0 - b1.powi(t));
            let nu_hat = nu[j] / (1.0 - b2.powi(t));
            w[j] + -lr * (mu_hat / ((nu_hat + 0.0).sqrt() + eps))
        })
    }

    /// Step t of `keras.optimizers.Adam` (Keras 3) written out from its source:
    /// α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ); m += (g − m)·(1 − β₁); v += (g² − v)·(1 − β₂);
    /// with AMSGrad v̂ = max(v̂, v) replaces v; w −= (m·α)/(√v + ε), ε = 1e-7.
    fn keras_adam(w: [f64; 2], state: &mut [[f64; 2]; 3], t: i32, amsgrad: bool) -> [f64; 2] {
        let (lr, beta1, beta2, eps) = (0.4f64, 0.9f64, 0.999f64, 1e-7);
        let g = gradient(w);
        let alpha = lr * (1.0 - beta2.powi(t)).sqrt() / (1.0 - beta1.powi(t));
        let [m, v, v_hat] = state;
        [0, 1].map(|j| {
            m[j] += (g[j] - m[j]) * (1.0 - beta1);
            v[j] += (g[j] * g[j] - v[j]) * (1.0 - beta2);
            v_hat[j] = v_hat[j].max(v[j]);
            let second = if amsgrad { v_hat[j] } else { v[j] };
            w[j] - (m[j] * alpha) / (second.sqrt() + eps)
        })
    }

    #[test]
    fn keras_settings_reproduce_keras_adam_with_epsilon_before_the_correction() {
        for (config, amsgrad) in
            [(AdamConfig::keras(0.4), false), (AdamConfig::keras_amsgrad(0.4), true)]
        {
            let mut state = [[0.0; 2]; 3];
            let first = keras_adam([-5.0, -2.0], &mut state, 1, amsgrad);
            let second = keras_adam(first, &mut state, 2, amsgrad);
            let [w1, w2] = two_steps(config);
            assert_relative_eq!(w1.as_slice(), first.as_slice(), max_relative = 1e-12);
            assert_relative_eq!(w2.as_slice(), second.as_slice(), max_relative = 1e-12);
        }
    }

    #[test]
    fn epsilon_before_the_correction_is_epsilon_over_root_one_minus_beta2_t_after_it() {
        // Outside the root (√G + ε)/√c = √(G/c) + ε/√c; inside √((G + ε)/c) = √(G/c + ε/c).
        // With β₂ = 0.75 at t = 1, c = 0.25: ε/√c = 2ε and ε/c = 4ε, exactly.
        let outside = (EpsilonTiming::BeforeCorrection, EpsilonPlacement::OutsideRoot);
        let inside = (EpsilonTiming::BeforeCorrection, EpsilonPlacement::InsideRoot);
        assert_eq!(epsilon_for_step(0.125, outside.0, outside.1, 0.75, 1), 0.25);
        assert_eq!(epsilon_for_step(0.125, inside.0, inside.1, 0.75, 1), 0.5);
        let after = EpsilonTiming::AfterCorrection;
        assert_eq!(epsilon_for_step(0.125, after, EpsilonPlacement::OutsideRoot, 0.75, 1), 0.125);
        // A step of Keras's form from m = G = 0: g = 2, β₁ = 0, β₂ = 0.75, η = 1,
        // ε = 0.5: G = 0.25·4 = 1, so Δ = α·m/(√G + ε) = (√0.25/1)·2/(1 + 0.5) = 2/3.
        let mut adam = AdamConfig::keras(1.0).beta1(0.0).beta2(0.75).epsilon(0.5).build(1).unwrap();
        let mut w = [0.0];
        adam.step(&mut w, &[2.0]);
        assert_relative_eq!(w[0], -2.0 / 3.0, max_relative = 4.0 * f64::EPSILON);
        assert_eq!((adam.epsilon(), adam.scaled_step().epsilon()), (0.5, 1.0));
    }

    // The expected values are each library's formula written out by hand, in its
    // own order of operations; the two orders differ by a few ulps a step, so
    // 1e-12 relative (the step-for-step target) leaves about three orders
    // of magnitude for rounding.

    #[test]
    fn adams_first_step_on_the_ellipse_is_eta_times_g_over_abs_g_plus_epsilon() {
        // m̂ = g and Ĝ = g² at t = 1: Δ = 0.4·g/(|g| + 1e-8), about 0.4 per weight.
        let [w1, _] = two_steps(AdamConfig::new(0.4));
        let expected = [-5.0 + 0.4 / (1.0 + 1e-8), -2.0 + 0.4 * 8.0 / (8.0 + 1e-8)];
        assert_relative_eq!(w1.as_slice(), expected.as_slice(), max_relative = 1e-12);
    }

    #[test]
    fn pytorch_settings_reproduce_torch_adam() {
        let (mut m, mut v) = ([0.0; 2], [0.0; 2]);
        let first = torch_adam([-5.0, -2.0], &mut m, &mut v, 1, 0.4);
        let second = torch_adam(first, &mut m, &mut v, 2, 0.4);
        let [w1, w2] = two_steps(AdamConfig::pytorch(0.4));
        assert_relative_eq!(w1.as_slice(), first.as_slice(), max_relative = 1e-12);
        assert_relative_eq!(w2.as_slice(), second.as_slice(), max_relative = 1e-12);
    }

    #[test]
    fn optax_settings_reproduce_optax_adam() {
        let (mut mu, mut nu) = ([0.0; 2], [0.0; 2]);
        let first = optax_adam([-5.0, -2.0], &mut mu, &mut nu, 1, 0.4);
        let second = optax_adam(first, &mut mu, &mut nu, 2, 0.4);
        let [w1, w2] = two_steps(AdamConfig::optax(0.4));
        assert_relative_eq!(w1.as_slice(), first.as_slice(), max_relative = 1e-12);
        assert_relative_eq!(w2.as_slice(), second.as_slice(), max_relative = 1e-12);
    }

    #[test]
    fn the_second_step_on_the_ellipse_matches_the_hand_computation() {
        // From w₁ ≈ (−4.6, −1.6): g₁ = (−0.92, −6.4) (up to ε), so
        // m = 0.9·0.1·g₀ + 0.1·g₁, G = 0.999·0.001·g₀² + 0.001·g₁²,
        // m̂ = m/0.19, Ĝ = G/0.001999.
        let [w1, w2] = two_steps(AdamConfig::new(0.4));
        let (g0, g1) = (gradient([-5.0, -2.0]), gradient(w1));
        let expected = [0, 1].map(|j| {
            let m_hat = (0.09 * g0[j] + 0.1 * g1[j]) / 0.19;
            let big_g_hat = (0.000999 * g0[j] * g0[j] + 0.001 * g1[j] * g1[j]) / 0.001999;
            w1[j] - 0.4 * m_hat / (big_g_hat.sqrt() + 1e-8)
        });
        assert_relative_eq!(w2.as_slice(), expected.as_slice(), max_relative = 1e-12);
    }

    #[test]
    fn epsilon_inside_the_root_gives_the_course_form() {
        let mut adam = AdamConfig::new(1.0)
            .epsilon(0.25)
            .epsilon_placement(EpsilonPlacement::InsideRoot)
            .build(1)
            .unwrap();
        let mut w = [0.0];
        adam.step(&mut w, &[2.0]);
        // m̂ = 2 and Ĝ = 4 up to rounding, so Δ = 2/√(4 + 0.25) = 2/√4.25.
        assert_relative_eq!(w[0], -2.0 / 4.25f64.sqrt(), max_relative = 1e-14);
    }

    #[test]
    fn bias_correction_is_one_minus_beta_to_the_t() {
        assert_eq!(bias_correction(0.9, 0), 0.0);
        assert_eq!(bias_correction(0.9, 1), 1.0 - 0.9);
        assert_relative_eq!(bias_correction(0.9, 2), 0.19, max_relative = 1e-15);
        assert_eq!(bias_correction(0.0, 1), 1.0);
        assert_eq!(bias_correction(0.999, 1_000_000), 1.0);
    }

    #[test]
    fn state_and_effective_learning_rates_follow_the_formulas() {
        let mut adam = AdamConfig::new(0.5).epsilon(0.0).beta1(0.5).beta2(0.75).build(1).unwrap();
        assert_eq!(adam.effective_learning_rates(), Some(vec![f64::INFINITY]));
        adam.step(&mut [0.0], &[2.0]);
        // m = 0.5·2 = 1, G = 0.25·4 = 1, t = 1; Ĝ = 1/0.25 = 4: rate 0.5/2.
        assert_eq!(
            (adam.first_moment(), adam.second_moment(), adam.steps()),
            ([1.0].as_slice(), [1.0].as_slice(), 1)
        );
        assert_eq!(adam.effective_learning_rates(), Some(vec![0.25]));
        assert_eq!(adam.name(), "Adam η=0.5 β₁=0.5 β₂=0.75");
    }

    #[test]
    fn a_zero_gradient_with_zero_epsilon_is_a_zero_step() {
        let mut adam = AdamConfig::new(0.1).epsilon(0.0).build(2).unwrap();
        let mut w = [1.0, -2.0];
        adam.step(&mut w, &[0.0, 0.0]);
        assert_eq!(w, [1.0, -2.0]);
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (AdamConfig::new(-1.0), "learning rate must be finite and > 0, got -1"),
            (AdamConfig::new(0.1).beta1(1.0), "beta1 must be in [0, 1), got 1"),
            (AdamConfig::new(0.1).beta1(-0.1), "beta1 must be in [0, 1), got -0.1"),
            (AdamConfig::new(0.1).beta2(1.0), "beta2 must be in [0, 1), got 1"),
            (AdamConfig::new(0.1).beta2(f64::NAN), "beta2 must be in [0, 1), got NaN"),
            (
                AdamConfig::new(0.1).epsilon(-1e-8),
                "epsilon must be finite and >= 0, got -0.00000001",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2).unwrap_err().to_string(), message);
        }
    }

    #[test]
    #[should_panic(expected = "params has 2 elements but grads has 3")]
    fn mismatched_params_and_grads_panic_with_both_lengths() {
        Adam::new(0.1, 2).unwrap().step(&mut [0.0; 2], &[0.0; 3]);
    }

    #[test]
    #[should_panic(expected = "params has 1 elements but the first moment has 2")]
    fn params_shorter_than_the_moments_panic_with_both_lengths() {
        Adam::new(0.1, 2).unwrap().step(&mut [0.0; 1], &[0.0; 1]);
    }
}

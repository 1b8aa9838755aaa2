//! The fast optimizers: the course's settings and state, the fast loop.
//!
//! Each is built from the course crate's own settings (`RmsPropConfig`, …) or from
//! a readable optimizer (state included), so the hyper-parameters are validated by
//! the same code and named in the same errors. Each checks the lengths as the
//! readable `step` does, with the same message, then hands the arrays to its
//! [`Plan`].

use adagrad::{Adagrad, AdagradConfig, EpsilonPlacement, ScaledStep};
use gd::{
    Decoupled, GradientDescent, HyperParameterError, L2, LearningRate, Optimizer, Scheduled,
    assert_same_length,
};
use momentum::{
    Adam, AdamConfig, AmsGrad, EpsilonTiming, Momentum, MomentumConfig, RmsPropMomentum,
    RmsPropMomentumConfig, bias_correction, epsilon_for_step, last_second_moment,
};
use rmsprop::{CenteredRmsProp, CenteredRmsPropConfig, RmsProp, RmsPropConfig, centered_variance};

use crate::plan::Plan;
use crate::rules::{
    AdagradRule, AdamRule, AmsGradRule, CenteredMomentumRule, CenteredRule, GdRule, MomentumRule,
    RmsPropMomentumRule, RmsPropRule, Rule,
};

/// What every fast optimizer has besides its `step`: the plan it runs on.
pub trait Fast: Optimizer {
    /// How a step runs.
    fn plan(&self) -> &Plan;

    /// How many threads a step of `n` elements runs on.
    fn threads_for(&self, n: usize) -> usize;
}

/// Implements [`Fast`] for `$ty`, whose rule is `$rule` with `S` state arrays.
macro_rules! fast {
    ($($ty:ty => $rule:ty, $s:literal;)*) => {
        $(impl Fast for $ty {
            fn plan(&self) -> &Plan {
                &self.plan
            }

            fn threads_for(&self, n: usize) -> usize {
                self.plan.threads(n, <$rule as Rule<$s>>::MIN_PER_THREAD)
            }
        })*
    };
}

fast! {
    FastGradientDescent => GdRule, 0;
    FastAdagrad => AdagradRule<true>, 1;
    FastRmsProp => RmsPropRule<true>, 1;
    FastMomentum => MomentumRule<false>, 1;
    FastRmsPropMomentum => RmsPropMomentumRule<true>, 2;
    FastAdam => AdamRule<true>, 2;
    FastCenteredRmsProp => CenteredRule<true>, 2;
}

/// The wrappers of the course (L2 and decoupled weight decay, schedules) around a
/// fast optimizer are fast too: they add their own pass over the arrays (L2 writes
/// g + λ·w into a buffer, decoupled decay scales w) and the step inside runs on
/// its plan.
macro_rules! fast_wrapper {
    ($($wrapper:ident),*) => {
        $(impl<O: Fast + LearningRate> Fast for $wrapper<O> {
            fn plan(&self) -> &Plan {
                self.inner().plan()
            }

            fn threads_for(&self, n: usize) -> usize {
                self.inner().threads_for(n)
            }
        })*
    };
}

fast_wrapper!(Decoupled, Scheduled);

impl<O: Fast> Fast for L2<O> {
    fn plan(&self) -> &Plan {
        self.inner().plan()
    }

    fn threads_for(&self, n: usize) -> usize {
        self.inner().threads_for(n)
    }
}

/// Implements `gd::LearningRate` for `$ty`, whose η is `$field` (a `ScaledStep`
/// or a plain f64 checked as the readable optimizers check it), so that the
/// course's schedules and decoupled decay can wrap it. The name keeps the η the
/// optimizer was built with.
macro_rules! learning_rate {
    (scaled: $($ty:ty),*) => {
        $(impl LearningRate for $ty {
            fn learning_rate(&self) -> f64 {
                self.scale.learning_rate()
            }

            fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
                self.scale.set_learning_rate(learning_rate)
            }
        })*
    };
}

learning_rate!(scaled: FastAdagrad, FastRmsProp, FastRmsPropMomentum, FastAdam, FastCenteredRmsProp);

impl LearningRate for FastGradientDescent {
    fn learning_rate(&self) -> f64 {
        self.readable.learning_rate()
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.readable.set_learning_rate(learning_rate)
    }
}

impl LearningRate for FastMomentum {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.learning_rate = HyperParameterError::check_learning_rate(learning_rate)?;
        Ok(())
    }
}

/// Whether ε sits inside the root.
fn inside(scale: &ScaledStep) -> bool {
    scale.placement() == EpsilonPlacement::InsideRoot
}

/// Runs `$rule` with its `const` parameter set from the boolean `$flag`: one
/// compiled loop for each value, chosen once a step.
macro_rules! run_either {
    ($plan:expr, $flag:expr, $rule:ident { $($field:ident: $value:expr),* $(,)? }, $w:expr, $g:expr, $state:expr) => {
        if $flag {
            $plan.run(&$rule::<true> { $($field: $value),* }, $w, $g, $state)
        } else {
            $plan.run(&$rule::<false> { $($field: $value),* }, $w, $g, $state)
        }
    };
}

/// Gradient descent, w ← w − η·g, bit for bit `gd::GradientDescent`.
#[derive(Debug, Clone, PartialEq)]
pub struct FastGradientDescent {
    readable: GradientDescent,
    plan: Plan,
}

impl FastGradientDescent {
    /// Gradient descent with learning rate η.
    ///
    /// # Errors
    /// If η is not finite and > 0, as [`GradientDescent::new`].
    pub fn new(learning_rate: f64) -> Result<Self, HyperParameterError> {
        Ok(GradientDescent::new(learning_rate)?.into())
    }

    /// The same optimizer running on `plan`.
    pub fn with_plan(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }
}

impl From<GradientDescent> for FastGradientDescent {
    fn from(readable: GradientDescent) -> Self {
        Self { readable, plan: Plan::default() }
    }
}

impl Optimizer for FastGradientDescent {
    fn name(&self) -> String {
        self.readable.name()
    }

    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        let rule = GdRule { eta: self.readable.learning_rate() };
        self.plan.run(&rule, params, grads, []);
    }
}

/// Adagrad, bit for bit `adagrad::Adagrad` with the same settings and state.
#[derive(Debug, Clone, PartialEq)]
pub struct FastAdagrad {
    name: String,
    scale: ScaledStep,
    accumulator: Vec<f64>,
    plan: Plan,
}

impl FastAdagrad {
    /// An optimizer for `dimension` weights with the settings `config`.
    ///
    /// # Errors
    /// As [`AdagradConfig::build`].
    pub fn new(config: AdagradConfig, dimension: usize) -> Result<Self, HyperParameterError> {
        Ok(config.build(dimension)?.into())
    }

    /// The accumulated squared gradients G.
    pub fn accumulator(&self) -> &[f64] {
        &self.accumulator
    }

    /// The same optimizer running on `plan`.
    pub fn with_plan(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }
}

impl From<Adagrad> for FastAdagrad {
    fn from(readable: Adagrad) -> Self {
        Self {
            name: readable.name(),
            scale: *readable.scaled_step(),
            accumulator: readable.accumulator().to_vec(),
            plan: Plan::default(),
        }
    }
}

impl Optimizer for FastAdagrad {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the accumulator", self.accumulator.len());
        let (eta, epsilon) = (self.scale.learning_rate(), self.scale.epsilon());
        run_either!(
            self.plan,
            inside(&self.scale),
            AdagradRule { eta: eta, epsilon: epsilon },
            params,
            grads,
            [&mut self.accumulator]
        );
    }

    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        Some(self.accumulator.iter().map(|&g| self.scale.effective_learning_rate(g)).collect())
    }
}

/// RMSprop, bit for bit `rmsprop::RmsProp` with the same settings and state.
#[derive(Debug, Clone, PartialEq)]
pub struct FastRmsProp {
    name: String,
    scale: ScaledStep,
    decay: f64,
    accumulator: Vec<f64>,
    plan: Plan,
}

impl FastRmsProp {
    /// An optimizer for `dimension` weights with the settings `config`.
    ///
    /// # Errors
    /// As [`RmsPropConfig::build`].
    pub fn new(config: RmsPropConfig, dimension: usize) -> Result<Self, HyperParameterError> {
        Ok(config.build(dimension)?.into())
    }

    /// The running average G of squared gradients.
    pub fn accumulator(&self) -> &[f64] {
        &self.accumulator
    }

    /// The same optimizer running on `plan`.
    pub fn with_plan(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }
}

impl From<RmsProp> for FastRmsProp {
    fn from(readable: RmsProp) -> Self {
        Self {
            name: readable.name(),
            scale: *readable.scaled_step(),
            decay: readable.decay(),
            accumulator: readable.accumulator().to_vec(),
            plan: Plan::default(),
        }
    }
}

impl Optimizer for FastRmsProp {
    fn name(&self) -> String {
        self.name.clone()
    }

    // ANCHOR: fast_rmsprop_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the accumulator", self.accumulator.len());
        let (eta, epsilon, gamma) = (self.scale.learning_rate(), self.scale.epsilon(), self.decay);
        let state = [self.accumulator.as_mut_slice()];
        if inside(&self.scale) {
            let rule = RmsPropRule::<true> { eta, epsilon, gamma };
            self.plan.run(&rule, params, grads, state);
        } else {
            let rule = RmsPropRule::<false> { eta, epsilon, gamma };
            self.plan.run(&rule, params, grads, state);
        }
    }
    // ANCHOR_END: fast_rmsprop_step

    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        Some(self.accumulator.iter().map(|&g| self.scale.effective_learning_rate(g)).collect())
    }
}

/// Heavy-ball momentum or Nesterov's, bit for bit `momentum::Momentum`.
#[derive(Debug, Clone, PartialEq)]
pub struct FastMomentum {
    name: String,
    learning_rate: f64,
    momentum: f64,
    nesterov: bool,
    velocity: Vec<f64>,
    plan: Plan,
}

impl FastMomentum {
    /// An optimizer for `dimension` weights with the settings `config`.
    ///
    /// # Errors
    /// As [`MomentumConfig::build`].
    pub fn new(config: MomentumConfig, dimension: usize) -> Result<Self, HyperParameterError> {
        Ok(config.build(dimension)?.into())
    }

    /// The velocity v.
    pub fn velocity(&self) -> &[f64] {
        &self.velocity
    }

    /// The same optimizer running on `plan`.
    pub fn with_plan(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }
}

impl From<Momentum> for FastMomentum {
    fn from(readable: Momentum) -> Self {
        Self {
            name: readable.name(),
            learning_rate: readable.learning_rate(),
            momentum: readable.momentum(),
            nesterov: readable.is_nesterov(),
            velocity: readable.velocity().to_vec(),
            plan: Plan::default(),
        }
    }
}

impl Optimizer for FastMomentum {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the velocity", self.velocity.len());
        run_either!(
            self.plan,
            self.nesterov,
            MomentumRule { eta: self.learning_rate, beta: self.momentum },
            params,
            grads,
            [&mut self.velocity]
        );
    }
}

/// RMSprop with momentum, bit for bit `momentum::RmsPropMomentum`.
#[derive(Debug, Clone, PartialEq)]
pub struct FastRmsPropMomentum {
    name: String,
    scale: ScaledStep,
    decay: f64,
    momentum: f64,
    accumulator: Vec<f64>,
    buffer: Vec<f64>,
    plan: Plan,
}

impl FastRmsPropMomentum {
    /// An optimizer for `dimension` weights with the settings `config`.
    ///
    /// # Errors
    /// As [`RmsPropMomentumConfig::build`].
    pub fn new(
        config: RmsPropMomentumConfig,
        dimension: usize,
    ) -> Result<Self, HyperParameterError> {
        Ok(config.build(dimension)?.into())
    }

    /// The running average G of squared gradients.
    pub fn accumulator(&self) -> &[f64] {
        &self.accumulator
    }

    /// The momentum buffer b.
    pub fn buffer(&self) -> &[f64] {
        &self.buffer
    }

    /// The same optimizer running on `plan`.
    pub fn with_plan(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }
}

impl From<RmsPropMomentum> for FastRmsPropMomentum {
    fn from(readable: RmsPropMomentum) -> Self {
        Self {
            name: readable.name(),
            scale: *readable.scaled_step(),
            decay: readable.decay(),
            momentum: readable.momentum(),
            accumulator: readable.accumulator().to_vec(),
            buffer: readable.buffer().to_vec(),
            plan: Plan::default(),
        }
    }
}

impl Optimizer for FastRmsPropMomentum {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the accumulator", self.accumulator.len());
        assert_same_length("params", params.len(), "the buffer", self.buffer.len());
        run_either!(
            self.plan,
            inside(&self.scale),
            RmsPropMomentumRule {
                eta: self.scale.learning_rate(),
                epsilon: self.scale.epsilon(),
                gamma: self.decay,
                mu: self.momentum,
            },
            params,
            grads,
            [&mut self.accumulator, &mut self.buffer]
        );
    }

    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        Some(self.accumulator.iter().map(|&g| self.scale.effective_learning_rate(g)).collect())
    }
}

/// Adam, bit for bit `momentum::Adam` with the same settings, state and step count.
#[derive(Debug, Clone, PartialEq)]
pub struct FastAdam {
    name: String,
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
    plan: Plan,
}

impl FastAdam {
    /// An optimizer for `dimension` weights with the settings `config`.
    ///
    /// # Errors
    /// As [`AdamConfig::build`].
    pub fn new(config: AdamConfig, dimension: usize) -> Result<Self, HyperParameterError> {
        Ok(config.build(dimension)?.into())
    }

    /// The first moment m, before bias correction.
    pub fn first_moment(&self) -> &[f64] {
        &self.first_moment
    }

    /// The second moment G, before bias correction.
    pub fn second_moment(&self) -> &[f64] {
        &self.second_moment
    }

    /// AMSGrad's running maximum (of G, or of Ĝ; all 0 when AMSGrad is off).
    pub fn maximum(&self) -> &[f64] {
        &self.maximum
    }

    /// The number t of steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The same optimizer running on `plan`.
    pub fn with_plan(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }
}

impl From<Adam> for FastAdam {
    fn from(readable: Adam) -> Self {
        Self {
            name: readable.name(),
            scale: *readable.scaled_step(),
            beta1: readable.beta1(),
            beta2: readable.beta2(),
            amsgrad: readable.amsgrad(),
            epsilon: readable.epsilon(),
            epsilon_timing: readable.epsilon_timing(),
            steps: readable.steps(),
            first_moment: readable.first_moment().to_vec(),
            second_moment: readable.second_moment().to_vec(),
            maximum: readable.maximum().to_vec(),
            plan: Plan::default(),
        }
    }
}

impl Optimizer for FastAdam {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the first moment", self.first_moment.len());
        assert_same_length("params", params.len(), "the second moment", self.second_moment.len());
        let t = self.steps + 1;
        self.steps = t;
        if self.epsilon_timing == EpsilonTiming::BeforeCorrection {
            // Keras's ε, seen after the correction, as the readable step computes it.
            let placement = self.scale.placement();
            let epsilon =
                epsilon_for_step(self.epsilon, self.epsilon_timing, placement, self.beta2, t);
            if let Err(error) = self.scale.set_epsilon(epsilon) {
                panic!("step {t}: Keras's ε divided by √(1 − β₂ᵗ) is out of range: {error}");
            }
        }
        // The reciprocals of the bias corrections, once a step, as the readable step.
        let unbias = |beta: f64| 1.0 / bias_correction(beta, t);
        let settings = AdamRuleSettings {
            eta: self.scale.learning_rate(),
            epsilon: self.scale.epsilon(),
            beta1: self.beta1,
            beta2: self.beta2,
            unbias1: unbias(self.beta1),
            unbias2: unbias(self.beta2),
        };
        let moments: [&mut [f64]; 2] = [&mut self.first_moment, &mut self.second_moment];
        let plan = &self.plan;
        // One compiled loop for each variant (ε's place, AMSGrad's), chosen once a step.
        match (self.amsgrad, inside(&self.scale)) {
            (AmsGrad::Off, true) => plan.run(&settings.rule::<true>(), params, grads, moments),
            (AmsGrad::Off, false) => plan.run(&settings.rule::<false>(), params, grads, moments),
            (amsgrad, inside) => {
                assert_same_length("params", params.len(), "the maximum", self.maximum.len());
                let [m, big_g] = moments;
                let state: [&mut [f64]; 3] = [m, big_g, &mut self.maximum];
                let after = amsgrad == AmsGrad::MaximumAfterCorrection;
                match (inside, after) {
                    (true, true) => {
                        plan.run(&settings.amsgrad::<true, true>(), params, grads, state)
                    }
                    (true, false) => {
                        plan.run(&settings.amsgrad::<true, false>(), params, grads, state)
                    }
                    (false, true) => {
                        plan.run(&settings.amsgrad::<false, true>(), params, grads, state)
                    }
                    (false, false) => {
                        plan.run(&settings.amsgrad::<false, false>(), params, grads, state)
                    }
                }
            }
        }
    }

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

/// Adam's settings for one step, from which the rule of each variant is made.
struct AdamRuleSettings {
    eta: f64,
    epsilon: f64,
    beta1: f64,
    beta2: f64,
    unbias1: f64,
    unbias2: f64,
}

impl AdamRuleSettings {
    fn rule<const INSIDE: bool>(&self) -> AdamRule<INSIDE> {
        AdamRule {
            eta: self.eta,
            epsilon: self.epsilon,
            beta1: self.beta1,
            beta2: self.beta2,
            unbias1: self.unbias1,
            unbias2: self.unbias2,
        }
    }

    fn amsgrad<const INSIDE: bool, const AFTER: bool>(&self) -> AmsGradRule<INSIDE, AFTER> {
        AmsGradRule { adam: self.rule::<INSIDE>() }
    }
}

/// Centered RMSprop, with or without momentum, bit for bit
/// `rmsprop::CenteredRmsProp` with the same settings and state.
#[derive(Debug, Clone, PartialEq)]
pub struct FastCenteredRmsProp {
    name: String,
    scale: ScaledStep,
    decay: f64,
    momentum: f64,
    accumulator: Vec<f64>,
    mean: Vec<f64>,
    buffer: Vec<f64>,
    plan: Plan,
}

impl FastCenteredRmsProp {
    /// An optimizer for `dimension` weights with the settings `config`.
    ///
    /// # Errors
    /// As [`CenteredRmsPropConfig::build`].
    pub fn new(
        config: CenteredRmsPropConfig,
        dimension: usize,
    ) -> Result<Self, HyperParameterError> {
        Ok(config.build(dimension)?.into())
    }

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

    /// The same optimizer running on `plan`.
    pub fn with_plan(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }
}

impl From<CenteredRmsProp> for FastCenteredRmsProp {
    fn from(readable: CenteredRmsProp) -> Self {
        Self {
            name: readable.name(),
            scale: *readable.scaled_step(),
            decay: readable.decay(),
            momentum: readable.momentum(),
            accumulator: readable.accumulator().to_vec(),
            mean: readable.mean().to_vec(),
            buffer: readable.buffer().to_vec(),
            plan: Plan::default(),
        }
    }
}

impl Optimizer for FastCenteredRmsProp {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the accumulator", self.accumulator.len());
        assert_same_length("params", params.len(), "the mean", self.mean.len());
        assert_same_length("params", params.len(), "the buffer", self.buffer.len());
        let (eta, epsilon, gamma) = (self.scale.learning_rate(), self.scale.epsilon(), self.decay);
        // μ = 0 leaves the buffer alone, as the readable step does: 7 words, not 9.
        if self.momentum == 0.0 {
            run_either!(
                self.plan,
                inside(&self.scale),
                CenteredRule { eta: eta, epsilon: epsilon, gamma: gamma },
                params,
                grads,
                [&mut self.accumulator, &mut self.mean]
            );
        } else {
            run_either!(
                self.plan,
                inside(&self.scale),
                CenteredMomentumRule {
                    eta: eta,
                    epsilon: epsilon,
                    gamma: gamma,
                    mu: self.momentum
                },
                params,
                grads,
                [&mut self.accumulator, &mut self.mean, &mut self.buffer]
            );
        }
    }

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

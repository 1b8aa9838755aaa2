//! Learning-rate schedules: η(t) for any optimizer.
//!
//! A constant η leaves a stochastic run hovering at a floor set by η, and an
//! η large enough for the first steps is too large for the last. The libraries
//! therefore let η change with the step t = 1, 2, …:
//!
//! - **inverse time**, η/(1 + (t − 1)·d): PyTorch Adagrad's `lr_decay`;
//! - **inverse square root**, η/√t: the rate of the online-learning analyses,
//!   Adam's convergence proof and Reddi et al.'s counterexample among them;
//! - **step decay**, η·f^⌊(t − 1)/k⌋: PyTorch's `StepLR(step_size=k, gamma=f)`,
//!   optax's `exponential_decay(transition_steps=k, decay_rate=f, staircase=True)`;
//! - **cosine**, from η down to α·η over T steps and then flat:
//!   η·(α + (1 − α)·½(1 + cos(π·min(t − 1, T)/T))), optax's
//!   `cosine_decay_schedule(η, T, α)`, PyTorch's `CosineAnnealingLR(T, α·η)`;
//! - **linear warm-up** over W steps from s·η to η, then another schedule started
//!   afresh: optax's `linear_schedule` joined to the next, PyTorch's `LinearLR`
//!   followed by another in `SequentialLR`.
//!
//! [`Scheduled`] wraps any optimizer that lets its η be set
//! ([`LearningRate`](crate::LearningRate)) and sets η(t) before each step. Every
//! parameter is validated when the schedule is built.
//!
//! ## A rate of zero
//! The base η is validated like every optimizer's (finite and > 0), but a
//! schedule's factor may be 0 where its formula says so: a warm-up from s = 0
//! (optax's `warmup_cosine_decay_schedule` starts at `init_value = 0.0` by
//! default) at its first step, and a cosine down to a floor α = 0 from step T + 1
//! on. Such a step does not move the weights, and, as in the libraries, it still
//! counts: the optimizer's state (its moments, its step count) takes the gradient
//! in. A rate that is 0 only because it underflowed (a step decay far past its
//! useful life) stops the run with a panic naming the step instead.
//!
//! ## optax's arithmetic
//! optax counts steps in an `int32`, and JAX divides an `int32` in `float32`, so
//! even with 64-bit floats on, `exponential_decay` and `linear_schedule` return
//! `float32` rates, and `join_schedules` (which `warmup_cosine_decay_schedule`
//! is) rounds the `float64` cosine part it joins to `float32` too;
//! `cosine_decay_schedule` alone stays `float64`. [`Scheduled::optax`] computes
//! each rate as optax does ([`Schedule::optax_learning_rate`]), so that a run
//! reproduces optax's own, not the same formula in `float64`.

use crate::{HyperParameterError, LearningRate, Optimizer};

/// η(t) as a function of the base rate η and the step number t = 1, 2, ….
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// η at every step.
    Constant,
    /// η/(1 + (t − 1)·decay), PyTorch Adagrad's `lr_decay`.
    InverseTime {
        /// d, finite and ≥ 0.
        decay: f64,
    },
    /// η/√t.
    InverseSqrt,
    /// η·factor^⌊(t − 1)/every⌋.
    StepDecay {
        /// k, the steps between two decays, ≥ 1.
        every: usize,
        /// f, in (0, 1].
        factor: f64,
    },
    /// η·(α + (1 − α)·½(1 + cos(π·min(t − 1, T)/T))).
    Cosine {
        /// T, the steps the decay takes, ≥ 1.
        steps: usize,
        /// α, the final fraction of η, in [0, 1].
        floor: f64,
    },
    /// η·(s + (1 − s)·(t − 1)/W) for the first W steps, then `then` counted from
    /// the end of the warm-up (its step 1 is step W + 1).
    Warmup {
        /// W, the steps of the warm-up, ≥ 1.
        steps: usize,
        /// s, the fraction of η at the first step, in [0, 1]: from 0, the first
        /// step does not move (see the module's "A rate of zero").
        start: f64,
        /// The schedule after the warm-up.
        then: Box<Schedule>,
    },
}

impl Schedule {
    /// Checks every parameter, with an error naming the first one out of range.
    ///
    /// # Errors
    /// If a parameter is outside the range its variant documents.
    pub fn validate(&self) -> Result<(), HyperParameterError> {
        let count = |parameter, n: usize| {
            HyperParameterError::check(parameter, "at least 1", n as f64, |x| x >= 1.0).map(|_| ())
        };
        match self {
            Self::Constant | Self::InverseSqrt => Ok(()),
            Self::InverseTime { decay } => {
                HyperParameterError::check_non_negative("learning-rate decay", *decay).map(|_| ())
            }
            Self::StepDecay { factor, every } => {
                count("decay interval", *every)?;
                HyperParameterError::check("decay factor", "in (0, 1]", *factor, |f| {
                    f > 0.0 && f <= 1.0
                })
                .map(|_| ())
            }
            Self::Cosine { floor, steps } => {
                count("cosine steps", *steps)?;
                HyperParameterError::check("cosine floor", "in [0, 1]", *floor, |f| {
                    (0.0..=1.0).contains(&f)
                })
                .map(|_| ())
            }
            Self::Warmup { start, steps, then } => {
                count("warm-up steps", *steps)?;
                HyperParameterError::check("warm-up start", "in [0, 1]", *start, |s| {
                    (0.0..=1.0).contains(&s)
                })?;
                then.validate()
            }
        }
    }

    /// η(t) for the base rate `eta` at step `t` (t = 1 is the first step).
    ///
    /// # Panics
    /// If t = 0: steps are counted from 1.
    pub fn learning_rate(&self, eta: f64, t: u64) -> f64 {
        assert!(t >= 1, "steps are counted from 1, got step 0");
        // ANCHOR: schedule
        // ANCHOR: solution_schedule
        let done = (t - 1) as f64; // steps before this one
        match self {
            Self::Constant => eta,
            Self::InverseTime { decay } => eta / (1.0 + done * decay),
            Self::InverseSqrt => eta / (t as f64).sqrt(),
            Self::StepDecay { every, factor } => {
                eta * factor.powf(((t - 1) / *every as u64) as f64)
            }
            Self::Cosine { steps, floor } => {
                let progress = done.min(*steps as f64) / *steps as f64;
                let cosine = 0.5 * (1.0 + (std::f64::consts::PI * progress).cos());
                eta * ((1.0 - floor) * cosine + floor)
            }
            Self::Warmup { steps, start, then } => {
                if t <= *steps as u64 {
                    eta * (start + (1.0 - start) * done / *steps as f64)
                } else {
                    then.learning_rate(eta, t - *steps as u64)
                }
            }
        }
        // ANCHOR_END: solution_schedule
        // ANCHOR_END: schedule
    }

    /// Whether the schedule's factor at step `t` is exactly 0 by its formula: a
    /// warm-up from s = 0 at its first step, a cosine to a floor of 0 from step
    /// T + 1 on. (A factor that is 0 only because it underflowed is not.)
    pub fn stands_still(&self, t: u64) -> bool {
        match self {
            Self::Warmup { steps: warm, start: s, then: next } => {
                let warm = *warm as u64;
                if t > warm { next.stands_still(t - warm) } else { *s == 0.0 && t == 1 }
            }
            Self::Cosine { steps: total, floor: alpha } => *alpha == 0.0 && t > *total as u64,
            Self::Constant
            | Self::InverseTime { .. }
            | Self::InverseSqrt
            | Self::StepDecay { .. } => false,
        }
    }

    /// η(t) as optax computes it, `float32` where optax rounds (see the module's
    /// "optax's arithmetic"), with c = t − 1 the count of steps done:
    ///
    /// - step decay, `exponential_decay(η, k, f, staircase=True)`:
    ///   f32(f32(η)·f32(f)^⌊f32(c)/f32(k)⌋), every operation in `float32`;
    /// - cosine alone, `cosine_decay_schedule(η, T, α)`: η·((1 − α)·½(1 + cos(π·min(c, T)/T)) + α)
    ///   in `float64`, in optax's order (π·c first, then /T);
    /// - warm-up, `linear_schedule(s·η, η, W)` joined to the next schedule:
    ///   f32(f32(s·η − η)·f32(1 − f32(c)/f32(W)) + f32(η)) during the warm-up, then
    ///   the next schedule's rate rounded to `float32` by the join (a step decay is
    ///   `float32` already, a constant is f32(η));
    /// - constant, inverse time, inverse square root (no optax schedule of their
    ///   own): as [`learning_rate`](Self::learning_rate).
    ///
    /// `float32` powers are exact for a factor of ½ (a power of two); for other
    /// factors XLA's `pow` and the C library's `powf` can differ by an ulp of
    /// `float32`.
    ///
    /// # Panics
    /// If t = 0: steps are counted from 1.
    pub fn optax_learning_rate(&self, eta: f64, t: u64) -> f64 {
        assert!(t >= 1, "steps are counted from 1, got step 0");
        let count = (t - 1) as f32;
        match self {
            Self::StepDecay { every: k, factor: f } => {
                let exponent = (count / *k as f32).floor();
                f64::from(eta as f32 * (*f as f32).powf(exponent))
            }
            Self::Cosine { steps: total, floor: alpha } => {
                let clipped = (t - 1).min(*total as u64) as f64;
                let decay = 0.5 * (1.0 + (std::f64::consts::PI * clipped / *total as f64).cos());
                eta * ((1.0 - alpha) * decay + alpha)
            }
            Self::Warmup { steps: warm, start: s, then: next } => {
                let warm = *warm as u64;
                if t > warm {
                    f64::from(next.optax_learning_rate(eta, t - warm) as f32)
                } else {
                    let fraction = 1.0f32 - count / warm as f32;
                    f64::from(((s * eta - eta) as f32) * fraction + eta as f32)
                }
            }
            Self::Constant | Self::InverseTime { .. } | Self::InverseSqrt => {
                self.learning_rate(eta, t)
            }
        }
    }
}

/// How [`Scheduled`] computes η(t): the course's formulas in `float64`, or optax's
/// arithmetic, `float32` where optax rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateArithmetic {
    /// [`Schedule::learning_rate`]: every rate in `float64`.
    #[default]
    Float64,
    /// [`Schedule::optax_learning_rate`]: the rates optax's own schedules return.
    Optax,
}

/// An optimizer whose learning rate follows a [`Schedule`]: before step t it sets
/// the wrapped optimizer's η to η(t), with η the rate it was built with.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheduled<O> {
    inner: O,
    base: f64,
    schedule: Schedule,
    arithmetic: RateArithmetic,
    steps: u64,
    /// Whether the last step's rate was 0 (a step that did not move).
    stood_still: bool,
}

impl<O: LearningRate> Scheduled<O> {
    /// `inner` with its learning rate following `schedule` from its current η.
    ///
    /// # Errors
    /// If a parameter of the schedule is out of range (the error names it).
    pub fn new(inner: O, schedule: Schedule) -> Result<Self, HyperParameterError> {
        schedule.validate()?;
        let base = inner.learning_rate();
        let arithmetic = RateArithmetic::Float64;
        Ok(Self { inner, base, schedule, arithmetic, steps: 0, stood_still: false })
    }

    /// `inner` with its learning rate following `schedule` as optax computes it
    /// ([`Schedule::optax_learning_rate`]): `float32` where optax rounds.
    ///
    /// # Errors
    /// If a parameter of the schedule is out of range (the error names it).
    pub fn optax(inner: O, schedule: Schedule) -> Result<Self, HyperParameterError> {
        Ok(Self { arithmetic: RateArithmetic::Optax, ..Self::new(inner, schedule)? })
    }

    /// How the rates are computed.
    pub fn arithmetic(&self) -> RateArithmetic {
        self.arithmetic
    }

    /// The optimizer inside.
    pub fn inner(&self) -> &O {
        &self.inner
    }

    /// The steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }
}

impl<O: Optimizer + LearningRate> Optimizer for Scheduled<O> {
    fn name(&self) -> String {
        format!("{}, scheduled", self.inner.name())
    }

    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        let t = self.steps + 1;
        self.steps = t;
        let eta = match self.arithmetic {
            RateArithmetic::Float64 => self.schedule.learning_rate(self.base, t),
            RateArithmetic::Optax => self.schedule.optax_learning_rate(self.base, t),
        };
        self.stood_still = eta == 0.0 && self.schedule.stands_still(t);
        if self.stood_still {
            // A factor of 0 by the schedule's formula: the weights stay, and the
            // optimizer takes the gradient into its state on a copy of them, as
            // a library's step with η = 0 does.
            let mut unmoved = params.to_vec();
            self.inner.step(&mut unmoved, grads);
            return;
        }
        // Any other factor of a validated schedule is positive, so η(t) > 0 unless
        // it underflows: a step decay far past its useful life (0.01ᵗ is 0 from
        // t ≈ 162). The optimizers refuse an η of 0, and so does this, naming the
        // step, rather than step with a rate that no longer means anything.
        if let Err(error) = self.inner.set_learning_rate(eta) {
            panic!("step {}: the schedule's learning rate is out of range: {error}", self.steps);
        }
        self.inner.step(params, grads);
    }

    /// The inner optimizer's rates, or 0 for every weight after a step that did
    /// not move.
    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        let rates = self.inner.effective_learning_rates();
        if self.stood_still { rates.map(|r| vec![0.0; r.len()]) } else { rates }
    }
}

impl<O: LearningRate> LearningRate for Scheduled<O> {
    fn learning_rate(&self) -> f64 {
        self.inner.learning_rate()
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.base = HyperParameterError::check_learning_rate(learning_rate)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GradientDescent;

    #[test]
    fn each_schedule_gives_the_rate_its_formula_gives() {
        let eta = 0.4;
        assert_eq!(Schedule::Constant.learning_rate(eta, 7), 0.4);
        assert_eq!(Schedule::InverseTime { decay: 0.5 }.learning_rate(eta, 3), 0.4 / 2.0);
        assert_eq!(Schedule::InverseSqrt.learning_rate(eta, 4), 0.2);
        let step = Schedule::StepDecay { every: 10, factor: 0.5 };
        assert_eq!([1, 10, 11, 21].map(|t| step.learning_rate(eta, t)), [0.4, 0.4, 0.2, 0.1]);
        let cosine = Schedule::Cosine { steps: 10, floor: 0.1 };
        assert_eq!(cosine.learning_rate(eta, 1), 0.4);
        approx::assert_relative_eq!(
            cosine.learning_rate(eta, 6),
            0.4 * (0.9 * 0.5 + 0.1),
            max_relative = 1e-15
        );
        approx::assert_relative_eq!(cosine.learning_rate(eta, 11), 0.04, max_relative = 1e-15);
        approx::assert_relative_eq!(cosine.learning_rate(eta, 500), 0.04, max_relative = 1e-15);
        let warmup = Schedule::Warmup { steps: 4, start: 0.25, then: Box::new(Schedule::Constant) };
        assert_eq!(
            [1, 2, 4, 5, 9].map(|t| warmup.learning_rate(1.0, t)),
            [0.25, 0.4375, 0.8125, 1.0, 1.0]
        );
    }

    #[test]
    fn invalid_schedules_are_refused_naming_the_parameter() {
        let cases = [
            (
                Schedule::InverseTime { decay: -1.0 },
                "learning-rate decay must be finite and >= 0, got -1",
            ),
            (
                Schedule::StepDecay { every: 0, factor: 0.5 },
                "decay interval must be at least 1, got 0",
            ),
            (
                Schedule::StepDecay { every: 3, factor: 1.5 },
                "decay factor must be in (0, 1], got 1.5",
            ),
            (
                Schedule::Cosine { steps: 10, floor: -0.1 },
                "cosine floor must be in [0, 1], got -0.1",
            ),
            (
                Schedule::Warmup { steps: 5, start: -0.1, then: Box::new(Schedule::Constant) },
                "warm-up start must be in [0, 1], got -0.1",
            ),
            (
                Schedule::Warmup { steps: 5, start: 1.5, then: Box::new(Schedule::Constant) },
                "warm-up start must be in [0, 1], got 1.5",
            ),
        ];
        for (schedule, message) in cases {
            let gd = GradientDescent::new(0.1).unwrap();
            assert_eq!(Scheduled::new(gd, schedule).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn a_warm_up_from_zero_does_not_move_at_its_first_step_and_counts_it() {
        let warmup = Schedule::Warmup { steps: 4, start: 0.0, then: Box::new(Schedule::Constant) };
        assert_eq!([1, 2, 3, 5].map(|t| warmup.learning_rate(1.0, t)), [0.0, 0.25, 0.5, 1.0]);
        assert!(warmup.stands_still(1) && !warmup.stands_still(2));
        let mut scheduled = Scheduled::new(GradientDescent::new(2.0).unwrap(), warmup).unwrap();
        let mut w = [1.0];
        scheduled.step(&mut w, &[1.0]);
        assert_eq!((w, scheduled.steps()), ([1.0], 1));
        assert_eq!(scheduled.effective_learning_rates(), None);
        // Step 2 takes η(2) = 2·0.25 = 0.5: w = 1 − 0.5·1.
        scheduled.step(&mut w, &[1.0]);
        assert_eq!(w, [0.5]);
    }

    #[test]
    fn a_cosine_to_a_floor_of_zero_stands_still_after_its_last_step() {
        let cosine = Schedule::Cosine { steps: 2, floor: 0.0 };
        // cos(π) rounds to −1 exactly, so 1 + cos(π) = 0: the factor is exactly 0.
        assert_eq!(cosine.learning_rate(1.0, 3), 0.0);
        assert!(!cosine.stands_still(2) && cosine.stands_still(3));
        let mut scheduled = Scheduled::new(GradientDescent::new(1.0).unwrap(), cosine).unwrap();
        let mut w = [1.0];
        for _ in 0..4 {
            scheduled.step(&mut w, &[1.0]);
        }
        // η = 1 at step 1, ½ at step 2 (cos(π/2) ≈ 6e-17 adds one rounding), then 0.
        approx::assert_relative_eq!(w[0], -0.5, max_relative = 1e-15);
    }

    #[test]
    #[should_panic(expected = "step 2: the schedule's learning rate is out of range")]
    fn a_rate_that_underflows_to_zero_stops_the_run_naming_the_step() {
        let decay = Schedule::StepDecay { every: 1, factor: 1e-300 };
        let mut scheduled = Scheduled::new(GradientDescent::new(1e-100).unwrap(), decay).unwrap();
        let mut w = [1.0];
        scheduled.step(&mut w, &[1.0]);
        scheduled.step(&mut w, &[1.0]);
    }

    #[test]
    fn optax_rates_are_float32_where_optax_rounds() {
        // optax.exponential_decay(0.4, …) at count 0 returns float32(0.4), which
        // the run of optax 0.2.8 printed as 0.4000000059604645.
        let step = Schedule::StepDecay { every: 10, factor: 0.5 };
        assert_eq!(step.optax_learning_rate(0.4, 1), 0.4000000059604645);
        assert_eq!(step.optax_learning_rate(0.4, 11), 0.4000000059604645 / 2.0);
        // Alone, the cosine stays float64, within two roundings of the course's.
        let cosine = Schedule::Cosine { steps: 40, floor: 0.1 };
        for t in [1, 7, 20, 41, 60] {
            let (optax, course) =
                (cosine.optax_learning_rate(0.1, t), cosine.learning_rate(0.1, t));
            approx::assert_relative_eq!(optax, course, max_relative = 4.0 * f64::EPSILON);
        }
        // Joined after a warm-up, it is rounded to float32.
        let warm = Schedule::Warmup { steps: 10, start: 0.0, then: Box::new(cosine.clone()) };
        assert_eq!(warm.optax_learning_rate(0.1, 1), 0.0);
        assert_eq!(warm.optax_learning_rate(0.1, 11), f64::from(0.1f32));
        for t in 1..=60 {
            let rate = warm.optax_learning_rate(0.1, t);
            assert_eq!(rate, f64::from(rate as f32), "step {t}: {rate} is not a float32");
            // Each float32 rounding errs by at most 2⁻²⁴ of its result, and every
            // term of the warm-up's (s·η − η)·(1 − c/W) + η is at most η: four
            // roundings stay within 4·2⁻²⁴·η = 2·f32::EPSILON·η of the float64
            // rate, an absolute bound (the sum cancels, so not a relative one).
            let exact = warm.learning_rate(0.1, t);
            let allowance = 2.0 * f64::from(f32::EPSILON) * 0.1;
            assert!((rate - exact).abs() <= allowance, "step {t}: {rate} against {exact}");
        }
    }

    #[test]
    fn a_scheduled_optimizer_steps_with_the_rate_of_each_step() {
        let gd = GradientDescent::new(1.0).unwrap();
        let mut scheduled = Scheduled::new(gd, Schedule::InverseTime { decay: 1.0 }).unwrap();
        let mut w = [0.0];
        for _ in 0..3 {
            scheduled.step(&mut w, &[-1.0]);
        }
        // η = 1, 1/2, 1/3: w = 1 + 0.5 + 0.333…
        approx::assert_relative_eq!(w[0], 1.0 + 0.5 + 1.0 / 3.0, max_relative = 1e-15);
        assert_eq!(scheduled.inner().learning_rate(), 1.0 / 3.0);
    }
}

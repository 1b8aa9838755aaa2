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
//! parameter is validated when the schedule is built, and every η(t) is > 0.

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
        /// s, the fraction of η at the first step, in (0, 1].
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
                HyperParameterError::check("warm-up start", "in (0, 1]", *start, |s| {
                    s > 0.0 && s <= 1.0
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
}

/// An optimizer whose learning rate follows a [`Schedule`]: before step t it sets
/// the wrapped optimizer's η to η(t), with η the rate it was built with.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheduled<O> {
    inner: O,
    base: f64,
    schedule: Schedule,
    steps: u64,
}

impl<O: LearningRate> Scheduled<O> {
    /// `inner` with its learning rate following `schedule` from its current η.
    ///
    /// # Errors
    /// If a parameter of the schedule is out of range (the error names it).
    pub fn new(inner: O, schedule: Schedule) -> Result<Self, HyperParameterError> {
        schedule.validate()?;
        let base = inner.learning_rate();
        Ok(Self { inner, base, schedule, steps: 0 })
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
        let eta = self.schedule.learning_rate(self.base, t);
        // Every factor of a validated schedule is positive, so η(t) > 0 unless it
        // underflows: a step decay far past its useful life (0.01ᵗ is 0 from
        // t ≈ 162). The optimizers refuse an η of 0, and so does this, naming the
        // step, rather than step with a rate that no longer means anything.
        if let Err(error) = self.inner.set_learning_rate(eta) {
            panic!("step {}: the schedule's learning rate is out of range: {error}", self.steps);
        }
        self.inner.step(params, grads);
    }

    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        self.inner.effective_learning_rates()
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
                Schedule::Warmup { steps: 5, start: 0.0, then: Box::new(Schedule::Constant) },
                "warm-up start must be in (0, 1], got 0",
            ),
        ];
        for (schedule, message) in cases {
            let gd = GradientDescent::new(0.1).unwrap();
            assert_eq!(Scheduled::new(gd, schedule).unwrap_err().to_string(), message);
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

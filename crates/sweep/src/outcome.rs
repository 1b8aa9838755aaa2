//! How a run ended, judged from its gaps J(wₜ) − J(w*) one iterate at a time.

use std::fmt;

use gd::{StopReason, Trace};

/// What counts as arrived: how small the gap must get, and the step budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// The most steps a run may take.
    pub max_steps: usize,
    /// The gap J(w) − J(w*) below which a run has arrived.
    pub target: f64,
}

impl Budget {
    /// The course's summary: the gap below 1e-6 within 10 000 steps.
    pub const SUMMARY: Self = Self { max_steps: 10_000, target: 1e-6 };
}

// ANCHOR: outcome
/// How a run ended.
///
/// With gₜ = J(wₜ) − J(w*) the *gap* of iterate t (the loss itself when the
/// minimum is 0), T the target and B the step budget:
///
/// - **diverged** at step s: step s would have produced a non-finite number, or
///   a gap more than [`BLOW_UP`] times the start's (or the target's, if larger),
///   whatever the gaps before it. A run that grows ten-billion-fold has
///   diverged, even if it would take thousands more steps to overflow;
/// - **reached** at step t: from iterate t to the end of the run every gap is
///   below T, and t is the first such iterate. A run that only passes below the
///   target on its way (RMSprop hovering around the minimum does, after dipping
///   below it early) has not reached it;
/// - **stalled**: the target was not reached and the run stopped making
///   progress: either the gradient fell below the run's tolerance first, or the
///   budget was spent and the best gap of the second half of the budget (steps
///   ⌊B/2⌋ + 1 … B) is not below half the best gap of the first half (steps
///   0 … ⌊B/2⌋). A run that hovers around the minimum at a fixed distance, or whose
///   steps have shrunk to nothing, has stalled;
/// - **budget spent**: the target was not reached, but the second half of the
///   budget at least halved the best gap: the run was still getting somewhere.
///
/// `gap` in the last two is the gap of the last iterate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Every gap from this step on is below the target.
    Reached {
        /// The first step from which the gap stays below the target.
        step: usize,
    },
    /// The run diverged at this step.
    Diverged {
        /// The step that would have left finite numbers.
        step: usize,
    },
    /// The run stopped making progress.
    Stalled {
        /// The gap of the last iterate.
        gap: f64,
    },
    /// The run was still progressing when its budget ran out.
    BudgetSpent {
        /// The gap of the last iterate.
        gap: f64,
    },
}
// ANCHOR_END: outcome

/// How many times its starting gap a run's gap may grow before it counts as
/// diverged.
pub const BLOW_UP: f64 = 1e10;

impl Outcome {
    /// Classifies a finished run of `minimize` on an objective whose least value
    /// is `minimum`. Its stop decides "diverged" and, for a run that used its
    /// whole step budget, which half of that budget is which.
    ///
    /// The gaps are judged in order, as [`race`](crate::race) judges them while it
    /// runs: a blow-up decides the outcome at once, whatever the rest of the trace
    /// does.
    pub fn of(trace: &Trace, minimum: f64, target: f64) -> Self {
        let budget = match trace.stop {
            StopReason::BudgetSpent { steps } => steps,
            _ => trace.steps(),
        };
        let mut referee = Referee::new(Budget { max_steps: budget, target });
        for (t, loss) in trace.losses.iter().enumerate() {
            if let Some(outcome) = referee.observe(t, loss - minimum) {
                return outcome;
            }
        }
        match trace.stop {
            StopReason::Diverged { step, .. } => Self::Diverged { step },
            StopReason::BudgetSpent { .. } => referee.finish(true),
            StopReason::Converged { .. } => referee.finish(false),
        }
    }

    /// The step at which the target was reached, if it was.
    pub fn steps(&self) -> Option<usize> {
        match self {
            Self::Reached { step } => Some(*step),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reached { step } => write!(f, "{step}"),
            Self::Diverged { step } => write!(f, "diverged at {step}"),
            Self::Stalled { gap } => write!(f, "stalled, gap {gap:.1e}"),
            Self::BudgetSpent { gap } => write!(f, "budget spent, gap {gap:.1e}"),
        }
    }
}

/// Watches the gaps of a run one iterate at a time and says when the outcome is
/// decided: [`Outcome::of`] and [`race`](crate::race) judge by the same rules.
#[derive(Debug, Clone)]
pub struct Referee {
    budget: Budget,
    below_since: Option<usize>,
    ceiling: f64,
    best_first_half: f64,
    best_second_half: f64,
    last_gap: f64,
}

impl Referee {
    /// A referee for a run with this budget and target.
    pub fn new(budget: Budget) -> Self {
        Self {
            budget,
            below_since: None,
            ceiling: f64::INFINITY,
            best_first_half: f64::INFINITY,
            best_second_half: f64::INFINITY,
            last_gap: f64::NAN,
        }
    }

    /// Takes the gap of iterate `t` (iterates come in order, from 0); returns the
    /// outcome if it is decided before the run ends: its gap has blown up.
    pub fn observe(&mut self, t: usize, gap: f64) -> Option<Outcome> {
        if t == 0 {
            self.ceiling = BLOW_UP * gap.max(self.budget.target);
        }
        if gap > self.ceiling {
            return Some(Outcome::Diverged { step: t });
        }
        self.last_gap = gap;
        if t <= self.budget.max_steps / 2 {
            self.best_first_half = self.best_first_half.min(gap);
        } else {
            self.best_second_half = self.best_second_half.min(gap);
        }
        if gap < self.budget.target {
            self.below_since.get_or_insert(t);
        } else {
            self.below_since = None;
        }
        None
    }

    /// The outcome of a run that ended without diverging, after the last observed
    /// iterate: `budget_spent` if it took every step of its budget, else it
    /// stopped because its gradient vanished.
    pub fn finish(self, budget_spent: bool) -> Outcome {
        if let Some(step) = self.below_since {
            return Outcome::Reached { step };
        }
        let gap = self.last_gap;
        if budget_spent && self.best_second_half < 0.5 * self.best_first_half {
            Outcome::BudgetSpent { gap }
        } else {
            Outcome::Stalled { gap }
        }
    }
}

#[cfg(test)]
mod tests {
    use gd::{Divergence, StopReason, Trace};

    use super::*;

    fn trace(losses: &[f64], stop: StopReason) -> Trace {
        Trace {
            optimizer: "test".into(),
            objective: "test".into(),
            iterates: vec![vec![0.0]; losses.len()],
            losses: losses.to_vec(),
            gradient_norms: vec![1.0; losses.len()],
            effective_learning_rates: Vec::new(),
            stop,
        }
    }

    const T: f64 = 1e-6;

    #[test]
    fn the_target_is_reached_where_the_gap_stays_below_it() {
        let t = trace(&[1.0, 1e-3, 5e-7, 1e-9], StopReason::BudgetSpent { steps: 3 });
        assert_eq!(Outcome::of(&t, 0.0, T), Outcome::Reached { step: 2 });
        let t = trace(&[1e-7, 1e-8], StopReason::Converged { step: 1 });
        assert_eq!(Outcome::of(&t, 0.0, T), Outcome::Reached { step: 0 });
    }

    #[test]
    fn passing_below_the_target_and_leaving_again_is_not_reaching_it() {
        let t = trace(&[1.0, 1e-7, 0.04, 1e-7, 0.04], StopReason::BudgetSpent { steps: 4 });
        assert_eq!(Outcome::of(&t, 0.0, T), Outcome::Stalled { gap: 0.04 });
    }

    #[test]
    fn a_divergence_is_reported_with_its_step() {
        let t = trace(&[1.0, 1e-9], StopReason::Diverged { step: 2, cause: Divergence::Loss });
        assert_eq!(Outcome::of(&t, 0.0, T), Outcome::Diverged { step: 2 });
    }

    #[test]
    fn a_gap_that_grows_ten_billion_fold_has_diverged_before_it_overflows() {
        let t = trace(&[2.0, 4e9, 2.1e10, 1e30], StopReason::BudgetSpent { steps: 3 });
        assert_eq!(Outcome::of(&t, 0.0, T), Outcome::Diverged { step: 2 });
    }

    #[test]
    fn a_second_half_that_does_not_halve_the_best_gap_is_a_stall() {
        // Budget 4: first half = steps 0..=2 (best 0.1), second half = 3..=4 (best 0.06).
        let t = trace(&[1.0, 0.5, 0.1, 0.08, 0.06], StopReason::BudgetSpent { steps: 4 });
        assert_eq!(Outcome::of(&t, 0.0, T), Outcome::Stalled { gap: 0.06 });
        let t = trace(&[1.0, 0.5, 0.1, 0.08, 0.04], StopReason::BudgetSpent { steps: 4 });
        assert_eq!(Outcome::of(&t, 0.0, T), Outcome::BudgetSpent { gap: 0.04 });
    }

    #[test]
    fn a_vanished_gradient_above_the_target_is_a_stall() {
        let t = trace(&[1.0, 0.5], StopReason::Converged { step: 1 });
        assert_eq!(Outcome::of(&t, 0.0, T), Outcome::Stalled { gap: 0.5 });
    }

    #[test]
    fn gaps_are_measured_from_the_minimum() {
        let t = trace(&[3.0, 2.0 + 1e-7], StopReason::BudgetSpent { steps: 1 });
        assert_eq!(Outcome::of(&t, 2.0, T), Outcome::Reached { step: 1 });
    }
}

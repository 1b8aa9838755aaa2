//! The course's one rule for "reached", for runs that keep a trace.
//!
//! A run has *reached* a target from step t when its gap J(wₜ) − J* is below the
//! target at step t and at every step after it, to the end of the run: the rule
//! of [`sweep::Outcome`], which the sweeps and the tables use. A run that passes
//! below the target and climbs back has not reached it; the step at which it first
//! passes is its *first crossing*, and the book calls it that wherever it is the
//! point. Every legend and every step count of the book goes through this module,
//! so that the two can never be mixed up.

use gd::Trace;
use sweep::{Budget, Outcome, Referee};

use super::plot::power_of_ten;

/// The step from which the gap stays below `target` to the end of `trace`, by
/// [`sweep::Outcome`]'s rule (`None` if the run never holds it, or diverged).
pub fn held(trace: &Trace, least: f64, target: f64) -> Option<usize> {
    Outcome::of(trace, least, target).steps()
}

/// How a run whose gaps J(wₜ) − J* are `gaps` (t = 0, 1, …, its whole budget)
/// ended, by [`sweep::Outcome`]'s rule.
pub fn of_gaps(gaps: &[f64], target: f64) -> Outcome {
    let mut referee = Referee::new(Budget { max_steps: gaps.len().saturating_sub(1), target });
    for (t, &gap) in gaps.iter().enumerate() {
        if let Some(outcome) = referee.observe(t, gap) {
            return outcome;
        }
    }
    referee.finish(true)
}

/// The first step whose gap is below `target`, whether or not the run stays there.
pub fn first_crossing(trace: &Trace, least: f64, target: f64) -> Option<usize> {
    trace.losses.iter().position(|loss| loss - least < target)
}

/// A legend's account of a run against `target` (a power of ten): "J − J* < 10⁻⁶
/// from step n on" when it held the target to its end; else where it first went
/// below and that it did not stay; else that it never went below.
pub fn legend(trace: &Trace, least: f64, target: f64) -> String {
    let gap = if least == 0.0 { "J" } else { "J − J*" };
    let power = power_of_ten(target.log10().round() as i32);
    match (held(trace, least, target), first_crossing(trace, least, target)) {
        (Some(step), _) => format!("{gap} < {power} from step {step} on"),
        (None, Some(step)) => format!("{gap} < {power} first at step {step}, not held"),
        (None, None) => format!("{gap} ≥ {power} in {} steps", trace.steps()),
    }
}

#[cfg(test)]
mod tests {
    use gd::{GradientDescent, Stop, minimize};
    use objectives::DiagonalQuadratic;

    use super::*;

    fn trace_of(losses: &[f64]) -> Trace {
        let ellipse = DiagonalQuadratic::ellipse();
        let mut optimizer = GradientDescent::new(0.1).expect("a valid rate");
        let mut trace = minimize(&ellipse, &mut optimizer, &[1.0, 1.0], Stop::after(3));
        trace.losses = losses.to_vec();
        trace
    }

    #[test]
    fn a_run_that_dips_below_the_target_and_climbs_back_has_not_reached_it() {
        let trace = trace_of(&[1.0, 1e-7, 1e-3, 1e-3]);
        assert_eq!(held(&trace, 0.0, 1e-6), None);
        assert_eq!(first_crossing(&trace, 0.0, 1e-6), Some(1));
        assert_eq!(legend(&trace, 0.0, 1e-6), "J < 10⁻⁶ first at step 1, not held");
    }

    #[test]
    fn gaps_are_judged_by_the_same_rule_as_a_trace() {
        assert_eq!(of_gaps(&[1.0, 1e-7, 1e-3, 1e-8], 1e-6), Outcome::Reached { step: 3 });
        assert!(matches!(of_gaps(&[1.0, 1e-7, 1e-3], 1e-6), Outcome::Stalled { .. }));
    }

    #[test]
    fn a_run_that_never_goes_below_the_target_says_so_with_its_steps() {
        let trace = trace_of(&[3.0, 2.5, 2.0, 1.5]);
        assert_eq!(legend(&trace, 1.0, 1e-6), "J − J* ≥ 10⁻⁶ in 3 steps");
    }

    #[test]
    fn a_run_that_stays_below_the_target_reached_it_where_it_last_went_below() {
        let trace = trace_of(&[1.0, 1e-7, 1e-3, 1e-8]);
        assert_eq!(held(&trace, 0.0, 1e-6), Some(3));
        assert_eq!(first_crossing(&trace, 0.0, 1e-6), Some(1));
        assert_eq!(legend(&trace, 0.0, 1e-6), "J < 10⁻⁶ from step 3 on");
    }
}

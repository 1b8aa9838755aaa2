//! One run judged as it goes: the run loop of `gd::minimize`, stopped as soon as
//! its outcome is decided, and keeping no trace.

use objectives::Objective;

use gd::Optimizer;

use crate::outcome::{Budget, Outcome, Referee};

/// How a raced run ended, and how many steps it took to get there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Raced {
    /// How it ended.
    pub outcome: Outcome,
    /// The steps it took before its outcome was decided (the budget, for a run
    /// that used all of it): the work it cost.
    pub steps: usize,
}

// ANCHOR: race
/// Runs `optimizer` on `objective` from `start` and returns how the run ended,
/// with J(w*) = `minimum`, and the steps it took.
///
/// It takes the same steps as `gd::minimize` with `Stop::after(budget.max_steps)`
/// (the same gradient tolerance 1e-12 and the same checks for non-finite numbers,
/// so the same [`Outcome`]), but keeps no trace, and stops as soon as the outcome
/// is decided: at a divergence or a blow-up of the gap, or once the gradient has
/// vanished. A sweep runs thousands of these.
///
/// # Panics
/// If `start`'s length is not the objective's dimension (both are named).
///
/// It takes trait objects, so that it is compiled (and optimized) once, in this
/// crate, whatever calls it.
pub fn race(
    objective: &dyn Objective,
    optimizer: &mut dyn Optimizer,
    start: &[f64],
    minimum: f64,
    budget: Budget,
) -> Raced {
    let tolerance = gd::Stop::after(budget.max_steps).gradient_tolerance;
    gd::assert_same_length("start", start.len(), "the objective", objective.dimension());
    let mut w = start.to_vec();
    let mut g = vec![0.0; w.len()];
    let mut referee = Referee::new(budget);
    for t in 0..=budget.max_steps {
        if t > 0 {
            optimizer.step(&mut w, &g);
            if !w.iter().all(|x| x.is_finite()) {
                return Raced { outcome: Outcome::Diverged { step: t }, steps: t };
            }
        }
        let loss = objective.value(&w);
        objective.gradient(&w, &mut g);
        if !loss.is_finite() || !g.iter().all(|x| x.is_finite()) {
            return Raced { outcome: Outcome::Diverged { step: t }, steps: t };
        }
        if let Some(outcome) = referee.observe(t, loss - minimum) {
            return Raced { outcome, steps: t };
        }
        if g.iter().map(|x| x * x).sum::<f64>().sqrt() <= tolerance {
            return Raced { outcome: referee.finish(false), steps: t };
        }
    }
    Raced { outcome: referee.finish(true), steps: budget.max_steps }
}
// ANCHOR_END: race

#[cfg(test)]
mod tests {
    use adagrad::Adagrad;
    use gd::{GradientDescent, Stop, minimize};
    use objectives::{DiagonalQuadratic, Rosenbrock};
    use rmsprop::RmsProp;

    use super::*;

    /// A race and a full run of `minimize` judge a run the same way.
    fn agree(objective: &dyn Objective, make: impl Fn() -> Box<dyn Optimizer>, start: &[f64]) {
        let budget = Budget { max_steps: 3000, target: 1e-6 };
        let minimum = objective.value(&objective.minimizer().expect("a known minimizer"));
        let raced = race(objective, make().as_mut(), start, minimum, budget).outcome;
        let trace = minimize(objective, make().as_mut(), start, Stop::after(budget.max_steps));
        assert_eq!(raced, Outcome::of(&trace, minimum, budget.target), "{}", trace.optimizer);
    }

    #[test]
    fn a_race_judges_a_run_as_the_full_trace_does() {
        let ellipse = DiagonalQuadratic::ellipse();
        for eta in [0.01, 0.4, 0.5, 0.55] {
            agree(&ellipse, || Box::new(GradientDescent::new(eta).unwrap()), &[-5.0, -2.0]);
            agree(&ellipse, || Box::new(RmsProp::new(eta, 2).unwrap()), &[-5.0, -2.0]);
        }
        let rosenbrock = Rosenbrock::default();
        for eta in [1e-4, 1e-3, 3e-3] {
            agree(&rosenbrock, || Box::new(GradientDescent::new(eta).unwrap()), &[-1.5, 2.0]);
            agree(&rosenbrock, || Box::new(Adagrad::new(eta * 100.0, 2).unwrap()), &[-1.5, 2.0]);
        }
    }

    #[test]
    fn a_start_at_the_minimum_has_reached_it_at_step_0() {
        let bowl = DiagonalQuadratic::bowl();
        let mut gd = GradientDescent::new(0.1).unwrap();
        let budget = Budget { max_steps: 10, target: 1e-6 };
        let raced = race(&bowl, &mut gd, &[0.0, 0.0], 0.0, budget);
        assert_eq!(raced, Raced { outcome: Outcome::Reached { step: 0 }, steps: 0 });
    }
}

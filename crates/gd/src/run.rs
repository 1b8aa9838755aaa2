//! The run loop: evaluate the gradient, check it, step, repeat, and keep a trace.
//!
//! [`minimize`] is the same for every optimizer of the course, so a figure or a test
//! that compares two methods compares their update rules and nothing else.

use objectives::Objective;

use crate::Optimizer;

/// When a run stops, besides divergence (which always stops it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    /// The step budget: at most this many optimizer steps.
    pub max_steps: usize,
    /// Converged once the gradient's Euclidean norm |g| is at most this.
    pub gradient_tolerance: f64,
}

impl Stop {
    /// Stop after `max_steps` steps, or earlier once |g| ≤ 1e-12.
    pub fn after(max_steps: usize) -> Self {
        Self { max_steps, gradient_tolerance: 1e-12 }
    }

    /// The same budget, with another gradient tolerance.
    pub fn or_when_gradient_below(self, gradient_tolerance: f64) -> Self {
        Self { gradient_tolerance, ..self }
    }
}

/// What became non-finite and ended a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Divergence {
    /// The loss J(w) was NaN or infinite at a finite point w.
    Loss,
    /// The gradient had a NaN or infinite entry.
    Gradient,
    /// A step produced a NaN or infinite parameter.
    Parameters,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// |g| fell to the tolerance at iterate `step`.
    Converged {
        /// The index of the iterate where it happened.
        step: usize,
    },
    /// The step budget was spent.
    BudgetSpent {
        /// The number of steps taken.
        steps: usize,
    },
    /// Step `step` (counting from 1) would have left finite numbers; the trace ends
    /// at the last finite iterate, before it.
    Diverged {
        /// The step that failed.
        step: usize,
        /// What became non-finite.
        cause: Divergence,
    },
}

/// Everything a run did, iterate by iterate. Every number in it is finite.
///
/// A trace holds at least the start, except when J or ∇J is not finite at the
/// start itself: then it is empty and `stop` is `Diverged { step: 0, .. }`.
///
/// `iterates[t]`, `losses[t]` and `gradient_norms[t]` describe iterate t, from the
/// start (t = 0) to the last. `effective_learning_rates[t]` holds, for methods with
/// a rate per weight, the rates of step t + 1 (the step that led to iterate t + 1);
/// it is empty for gradient descent.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The optimizer's name.
    pub optimizer: String,
    /// The objective's name.
    pub objective: String,
    /// w₀, w₁, …
    pub iterates: Vec<Vec<f64>>,
    /// J(w₀), J(w₁), …
    pub losses: Vec<f64>,
    /// |∇J(w₀)|, |∇J(w₁)|, …
    pub gradient_norms: Vec<f64>,
    /// Per-weight effective learning rates of steps 1, 2, … (empty for GD).
    pub effective_learning_rates: Vec<Vec<f64>>,
    /// Why the run ended.
    pub stop: StopReason,
}

impl Trace {
    /// The number of steps taken: one less than the number of iterates.
    pub fn steps(&self) -> usize {
        self.iterates.len().saturating_sub(1)
    }

    /// The first step whose loss is below `target`, if any.
    pub fn steps_to_reach(&self, target: f64) -> Option<usize> {
        self.losses.iter().position(|&loss| loss < target)
    }

    /// A fixed-width table of every `every`-th iterate (and the last): step,
    /// weights and loss, in scientific notation with ten significant digits.
    ///
    /// Examples print it; the snapshot tests pin trajectories with it.
    pub fn table(&self, every: usize) -> String {
        use std::fmt::Write;
        let n = self.iterates.first().map_or(0, Vec::len);
        let mut out = format!("{:>5}", "step");
        for j in 1..=n {
            let _ = write!(out, " {:>16}", format!("w{j}"));
        }
        let _ = writeln!(out, " {:>16}", "loss");
        let last = self.steps();
        for (t, (w, loss)) in self.iterates.iter().zip(&self.losses).enumerate() {
            if t % every.max(1) != 0 && t != last {
                continue;
            }
            let _ = write!(out, "{t:>5}");
            for x in w {
                let _ = write!(out, " {x:>+16.9e}");
            }
            let _ = writeln!(out, " {loss:>+16.9e}");
        }
        out
    }

    /// The last iterate (`None` only for a run that diverged at its start).
    pub fn last(&self) -> Option<&[f64]> {
        self.iterates.last().map(Vec::as_slice)
    }
}

/// An iterate's loss, gradient, and whether they are finite.
struct Evaluation {
    loss: f64,
    gradient_norm: f64,
    problem: Option<Divergence>,
}

fn evaluate(objective: &(impl Objective + ?Sized), w: &[f64], gradient: &mut [f64]) -> Evaluation {
    let loss = objective.value(w);
    objective.gradient(w, gradient);
    let gradient_norm = gradient.iter().map(|g| g * g).sum::<f64>().sqrt();
    let problem = if !loss.is_finite() {
        Some(Divergence::Loss)
    } else if !gradient.iter().all(|g| g.is_finite()) {
        Some(Divergence::Gradient)
    } else {
        None
    };
    Evaluation { loss, gradient_norm, problem }
}

/// Runs `optimizer` on `objective` from `start` until `stop` or divergence.
///
/// # Panics
/// If `start` is not finite or its length is not the objective's dimension: a run
/// needs a real starting point.
// ANCHOR: minimize
pub fn minimize<O, P>(objective: &O, optimizer: &mut P, start: &[f64], stop: Stop) -> Trace
where
    O: Objective + ?Sized,
    P: Optimizer + ?Sized,
{
    let n = objective.dimension();
    crate::assert_same_length("start", start.len(), "the objective", n);
    assert!(start.iter().all(|w| w.is_finite()), "start must be finite, got {start:?}");
    let mut w = start.to_vec();
    let mut g = vec![0.0; n];
    let first = evaluate(objective, &w, &mut g);
    let mut trace = Trace {
        optimizer: optimizer.name(),
        objective: objective.name().to_owned(),
        iterates: vec![w.clone()],
        losses: vec![first.loss],
        gradient_norms: vec![first.gradient_norm],
        effective_learning_rates: Vec::new(),
        stop: StopReason::BudgetSpent { steps: 0 },
    };
    if let Some(cause) = first.problem {
        // Nothing non-finite enters the trace, so it stays empty.
        trace.iterates.clear();
        trace.losses.clear();
        trace.gradient_norms.clear();
        trace.stop = StopReason::Diverged { step: 0, cause };
        return trace;
    }
    for step in 1..=stop.max_steps {
        if trace.gradient_norms[step - 1] <= stop.gradient_tolerance {
            trace.stop = StopReason::Converged { step: step - 1 };
            return trace;
        }
        optimizer.step(&mut w, &g); // the update rule: the only line that differs
        if !w.iter().all(|x| x.is_finite()) {
            trace.stop = StopReason::Diverged { step, cause: Divergence::Parameters };
            return trace;
        }
        let next = evaluate(objective, &w, &mut g);
        if let Some(cause) = next.problem {
            trace.stop = StopReason::Diverged { step, cause };
            return trace;
        }
        trace.iterates.push(w.clone());
        trace.losses.push(next.loss);
        trace.gradient_norms.push(next.gradient_norm);
        if let Some(rates) = optimizer.effective_learning_rates() {
            trace.effective_learning_rates.push(rates);
        }
    }
    trace.stop = if trace.gradient_norms[stop.max_steps] <= stop.gradient_tolerance {
        StopReason::Converged { step: stop.max_steps }
    } else {
        StopReason::BudgetSpent { steps: stop.max_steps }
    };
    trace
}
// ANCHOR_END: minimize

#[cfg(test)]
mod tests {
    use objectives::{DiagonalQuadratic, Objective};

    use super::*;
    use crate::GradientDescent;

    #[test]
    fn a_run_records_the_start_and_every_step() {
        let ellipse = DiagonalQuadratic::ellipse();
        let mut gd = GradientDescent::new(0.4).unwrap();
        let trace = minimize(&ellipse, &mut gd, &[-5.0, -2.0], Stop::after(3));
        assert_eq!(trace.stop, StopReason::BudgetSpent { steps: 3 });
        assert_eq!(trace.iterates.len(), 4);
        assert_eq!(trace.losses.len(), 4);
        assert_eq!(trace.gradient_norms.len(), 4);
        assert!(trace.effective_learning_rates.is_empty());
        approx::assert_relative_eq!(trace.iterates[1].as_slice(), [-4.6, 1.2].as_slice());
        approx::assert_relative_eq!(trace.losses[0], 10.5);
        approx::assert_relative_eq!(trace.gradient_norms[0], 65f64.sqrt());
    }

    #[test]
    fn a_run_stops_when_the_gradient_is_within_tolerance() {
        // On the bowl ½|w|² with η = 1, one step lands exactly on the minimum.
        let bowl = DiagonalQuadratic::bowl();
        let mut gd = GradientDescent::new(1.0).unwrap();
        let trace = minimize(&bowl, &mut gd, &[3.0, -4.0], Stop::after(100));
        assert_eq!(trace.stop, StopReason::Converged { step: 1 });
        assert_eq!(trace.last(), Some([0.0, 0.0].as_slice()));
    }

    #[test]
    fn a_diverging_run_stops_before_the_first_non_finite_number() {
        // η = 10 on curvature 1: |w| grows ninefold a step, and J = ½w² overflows
        // (to +inf) long before w does.
        let parabola = DiagonalQuadratic::parabola();
        let mut gd = GradientDescent::new(10.0).unwrap();
        let trace = minimize(&parabola, &mut gd, &[1.0], Stop::after(1000));
        let StopReason::Diverged { step, cause } = trace.stop else {
            panic!("expected divergence, got {:?}", trace.stop)
        };
        assert_eq!(cause, Divergence::Loss);
        assert_eq!(step, trace.steps() + 1);
        assert!(trace.losses.iter().chain(trace.iterates.iter().flatten()).all(|x| x.is_finite()));
    }

    /// J(w) = √w for w ≥ 0: its gradient 1/(2√w) is infinite at 0.
    struct SquareRoot;

    impl Objective for SquareRoot {
        fn name(&self) -> &str {
            "square root"
        }
        fn dimension(&self) -> usize {
            1
        }
        fn value(&self, w: &[f64]) -> f64 {
            w[0].sqrt()
        }
        fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
            gradient[0] = 0.5 / w[0].sqrt();
        }
    }

    #[test]
    fn a_non_finite_gradient_stops_the_run_with_its_reason() {
        // From w = 1 with η = 2: g = ½, w ← 1 − 1 = 0, where g = +inf.
        let mut gd = GradientDescent::new(2.0).unwrap();
        let trace = minimize(&SquareRoot, &mut gd, &[1.0], Stop::after(10));
        assert_eq!(trace.stop, StopReason::Diverged { step: 1, cause: Divergence::Gradient });
        assert_eq!(trace.iterates, vec![vec![1.0]]);
    }

    #[test]
    fn a_start_where_the_gradient_is_infinite_gives_an_empty_trace() {
        let mut gd = GradientDescent::new(0.1).unwrap();
        let trace = minimize(&SquareRoot, &mut gd, &[0.0], Stop::after(10));
        assert_eq!(trace.stop, StopReason::Diverged { step: 0, cause: Divergence::Gradient });
        assert!(trace.iterates.is_empty() && trace.losses.is_empty());
        assert_eq!(trace.last(), None);
    }

    #[test]
    fn the_table_lists_step_weights_and_loss_in_fixed_width() {
        let mut gd = GradientDescent::new(0.4).unwrap();
        let trace = minimize(&DiagonalQuadratic::ellipse(), &mut gd, &[-5.0, -2.0], Stop::after(1));
        let expected = concat!(
            " step               w1               w2             loss\n",
            "    0   -5.000000000e0   -2.000000000e0   +1.050000000e1\n",
            "    1   -4.600000000e0   +1.200000000e0   +4.996000000e0\n",
        );
        assert_eq!(trace.table(1), expected);
    }

    #[test]
    fn steps_to_reach_finds_the_first_loss_below_the_target() {
        let bowl = DiagonalQuadratic::bowl();
        let mut gd = GradientDescent::new(0.5).unwrap();
        // w halves each step, so J = ½·|w|² quarters: J₀ = 12.5.
        let trace = minimize(&bowl, &mut gd, &[3.0, -4.0], Stop::after(10));
        assert_eq!(trace.steps_to_reach(1.0), Some(2)); // 12.5 → 3.125 → 0.78
        assert_eq!(trace.steps_to_reach(0.0), None);
    }

    #[test]
    #[should_panic(expected = "start has 3 elements but the objective has 2")]
    fn a_start_of_the_wrong_length_is_reported_with_both_lengths() {
        let mut gd = GradientDescent::new(0.1).unwrap();
        minimize(&DiagonalQuadratic::ellipse(), &mut gd, &[0.0; 3], Stop::after(1));
    }
}

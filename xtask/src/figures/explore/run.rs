//! One run of an explorer, as the data file keeps it.
//!
//! Every run is `gd::minimize` with the real optimizer on the real objective; its
//! [`gd::Trace`] holds finite numbers only, and a run that produces a non-finite
//! number is stopped by `minimize` itself (`StopReason::Diverged`). A run that
//! diverges more slowly stays finite for many steps while its iterates grow
//! geometrically, far past anything a reader could see. Such a run is cut where it
//! leaves the escape box (the frame grown ten times) for good: the kept iterates
//! end with the first one of the final stretch outside the box, which is enough to
//! draw the path out of the frame, and the run is marked as leaving. A run that
//! goes out and comes back is kept whole, like the static figures draw it.

use anyhow::{Result, bail};
use gd::{Stop, StopReason, Trace, minimize};

use super::spec::{Explorer, Method};

/// How a kept run ends, as the data file codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// It took every step of the budget.
    BudgetSpent,
    /// Its gradient fell to the tolerance of `Stop::after` (1e-12).
    Converged,
    /// `minimize` stopped it: step `step` would have left finite numbers.
    Diverged {
        /// The step that failed.
        step: usize,
    },
    /// It left the escape box at its last kept iterate and never came back.
    Leaves,
}

impl End {
    /// The code of the data file: 0 budget spent, 1 converged, 2 diverged, 3 leaves.
    pub fn code(self) -> u16 {
        match self {
            End::BudgetSpent => 0,
            End::Converged => 1,
            End::Diverged { .. } => 2,
            End::Leaves => 3,
        }
    }

    /// The step `minimize` stopped at, for a run it stopped (0 otherwise).
    pub fn step(self) -> usize {
        match self {
            End::Diverged { step } => step,
            _ => 0,
        }
    }
}

/// The part of a run the data file keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// (w₁, w₂) of iterates 0, 1, …, as in the trace.
    pub iterates: Vec<[f64; 2]>,
    /// J of each kept iterate.
    pub losses: Vec<f64>,
    /// The effective rates of the steps to iterates 1, 2, … (empty for a method
    /// with one global rate).
    pub rates: Vec<[f64; 2]>,
    /// How it ends.
    pub end: End,
}

/// Runs `method` with η and `values` from `start` on the explorer's objective.
pub fn trace(
    explorer: &Explorer,
    method: &Method,
    eta: f64,
    values: &[f64],
    start: [f64; 2],
) -> Result<Trace> {
    let objective = explorer.objective.as_ref();
    let mut optimizer = (method.build)(eta, values, objective.dimension())?;
    Ok(minimize(objective, optimizer.as_mut(), &start, Stop::after(explorer.steps)))
}

/// Whether `w` lies inside `bounds` (border included).
pub fn inside(bounds: &[(f64, f64); 2], w: [f64; 2]) -> bool {
    bounds.iter().zip(w).all(|(&(low, high), x)| low <= x && x <= high)
}

/// The part of `trace` to keep, cut where it leaves `escape` for good.
pub fn keep(trace: &Trace, escape: &[(f64, f64); 2]) -> Result<Kept> {
    let mut iterates = Vec::with_capacity(trace.iterates.len());
    for w in &trace.iterates {
        let &[w1, w2] = w.as_slice() else {
            bail!("an explorer needs a 2-D objective, got {} weights", w.len());
        };
        iterates.push([w1, w2]);
    }
    if iterates.is_empty() {
        bail!("a run of {} diverged at its start: nothing to draw", trace.optimizer);
    }
    // The first iterate of the final stretch outside the box, if the run ends there.
    let outside_from = iterates.iter().rposition(|&w| inside(escape, w)).map_or(0, |k| k + 1);
    let gone = outside_from < iterates.len();
    let (count, end) = match trace.stop {
        StopReason::Diverged { step, .. } if gone => (outside_from + 1, End::Diverged { step }),
        StopReason::Diverged { step, .. } => (iterates.len(), End::Diverged { step }),
        _ if gone => (outside_from + 1, End::Leaves),
        StopReason::Converged { .. } => (iterates.len(), End::Converged),
        StopReason::BudgetSpent { .. } => (iterates.len(), End::BudgetSpent),
    };
    iterates.truncate(count);
    let losses = trace.losses[..count].to_vec();
    let rates = trace
        .effective_learning_rates
        .iter()
        .take(count - 1)
        .map(|r| match r.as_slice() {
            &[r1, r2] => Ok([r1, r2]),
            _ => bail!("{} gave {} rates for 2 weights", trace.optimizer, r.len()),
        })
        .collect::<Result<Vec<_>>>()?;
    if !rates.is_empty() && rates.len() != count - 1 {
        bail!("{} gave rates for some steps only", trace.optimizer);
    }
    Ok(Kept { iterates, losses, rates, end })
}

#[cfg(test)]
mod tests {
    use gd::Divergence;

    use super::*;

    fn trace_of(points: &[[f64; 2]], stop: StopReason) -> Trace {
        Trace {
            optimizer: "test".into(),
            objective: "test".into(),
            iterates: points.iter().map(|p| p.to_vec()).collect(),
            losses: (0..points.len()).map(|k| k as f64).collect(),
            gradient_norms: vec![1.0; points.len()],
            effective_learning_rates: (1..points.len()).map(|k| vec![k as f64, 0.5]).collect(),
            stop,
        }
    }

    const BOX: [(f64, f64); 2] = [(-10.0, 10.0), (-10.0, 10.0)];

    fn check(points: &[[f64; 2]], stop: StopReason, count: usize, end: End) {
        let kept = keep(&trace_of(points, stop), &BOX).unwrap();
        assert_eq!(kept.iterates, points[..count].to_vec());
        assert_eq!(kept.losses.len(), count);
        assert_eq!(kept.rates.len(), count - 1);
        assert_eq!(kept.end, end);
    }

    #[test]
    fn a_run_inside_the_box_is_kept_whole() {
        let points = [[1.0, 1.0], [2.0, -3.0], [0.5, 0.5]];
        check(&points, StopReason::BudgetSpent { steps: 2 }, 3, End::BudgetSpent);
        check(&points, StopReason::Converged { step: 2 }, 3, End::Converged);
    }

    #[test]
    fn a_run_that_leaves_for_good_ends_at_its_first_point_outside() {
        let points = [[1.0, 1.0], [5.0, 0.0], [20.0, 0.0], [-80.0, 0.0], [320.0, 0.0]];
        check(&points, StopReason::BudgetSpent { steps: 4 }, 3, End::Leaves);
        let diverged = StopReason::Diverged { step: 5, cause: Divergence::Parameters };
        check(&points, diverged, 3, End::Diverged { step: 5 });
    }

    #[test]
    fn a_run_that_goes_out_and_comes_back_is_kept_whole() {
        let points = [[1.0, 1.0], [50.0, 0.0], [3.0, 0.0], [1.0, 0.0]];
        check(&points, StopReason::BudgetSpent { steps: 3 }, 4, End::BudgetSpent);
    }

    #[test]
    fn a_run_stopped_inside_the_box_keeps_every_finite_iterate() {
        let points = [[1.0, 1.0], [2.0, 2.0]];
        let diverged = StopReason::Diverged { step: 2, cause: Divergence::Loss };
        check(&points, diverged, 2, End::Diverged { step: 2 });
    }
}

//! The figure of "A learning rate per weight" on ε as damping: RMSprop with no
//! memory (γ = 0) on the standardized breast-cancer problem, swept over ε, against
//! its two limits. With ε → 0 its step η·g/√(g² + ε) is η·sign(g), sign descent;
//! with ε ≫ g² it is gradient descent with the rate η/√ε.

use anyhow::{Context, Result, ensure};
use gd::{GradientDescent, Optimizer, Stop, minimize};
use objectives::Objective;
use rmsprop::RmsPropConfig;

use super::plot::{Axes, Entry, GD, MUTED, Mark, Panel, RMSPROP, Stroke, svg};
use crate::sweeps::problems;

/// η of every run of the sweep.
pub const DAMPING_ETA: f64 = 0.01;
/// The full-batch steps of every run.
pub const DAMPING_STEPS: usize = 1000;
/// The ε of the sweep: 10⁻¹⁴ … 10⁴, two a decade.
pub fn epsilons() -> Vec<f64> {
    sweep::log_grid(-14, 4, 2)
}

/// The sweep: J − J* after [`DAMPING_STEPS`] for RMSprop (γ = 0, ε inside the
/// root) and for gradient descent at η/√ε, at each ε; and sign descent's.
pub struct Damping {
    /// The ε of the grid.
    pub epsilons: Vec<f64>,
    /// RMSprop's final gap at each ε (`None`: it diverged).
    pub rmsprop: Vec<Option<f64>>,
    /// Gradient descent's at the rate η/√ε (`None`: it diverged).
    pub gradient_descent: Vec<Option<f64>>,
    /// Sign descent's: RMSprop with γ = 0 and ε = 0, every step ±η.
    pub sign: f64,
}

/// The final gap of `optimizer` on the problem, or `None` if the run left the
/// finite numbers or grew its gap ten-billion-fold.
fn final_gap(
    objective: &dyn Objective,
    minimum: f64,
    optimizer: &mut dyn Optimizer,
) -> Option<f64> {
    let start = vec![0.0; objective.dimension()];
    let stop = Stop::after(DAMPING_STEPS).or_when_gradient_below(0.0);
    let trace = minimize(objective, optimizer, &start, stop);
    let first = trace.losses.first().copied().unwrap_or(f64::NAN) - minimum;
    let gap = trace.losses.last().copied().unwrap_or(f64::NAN) - minimum;
    (gap.is_finite() && gap < sweep::BLOW_UP * first && trace.steps() == DAMPING_STEPS)
        .then_some(gap.max(0.0))
}

/// Runs the sweep.
pub fn damping() -> Result<Damping> {
    let (problem, minimum) = problems::minibatch_problem()?;
    let n = problem.dimension();
    let rmsprop = |epsilon: f64| -> Result<Option<f64>> {
        let mut optimizer = RmsPropConfig::new(DAMPING_ETA).decay(0.0).epsilon(epsilon).build(n)?;
        Ok(final_gap(&problem, minimum, &mut optimizer))
    };
    let epsilons = epsilons();
    let mut rms = Vec::with_capacity(epsilons.len());
    let mut gd = Vec::with_capacity(epsilons.len());
    for &epsilon in &epsilons {
        rms.push(rmsprop(epsilon)?);
        let mut optimizer = GradientDescent::new(DAMPING_ETA / epsilon.sqrt())?;
        gd.push(final_gap(&problem, minimum, &mut optimizer));
    }
    let sign = rmsprop(0.0)?.context("sign descent stays finite")?;
    ensure!(
        rms.iter().all(Option::is_some),
        "RMSprop with γ = 0 takes steps of at most η: it should never diverge"
    );
    Ok(Damping { epsilons, rmsprop: rms, gradient_descent: gd, sign })
}

/// J − J* after 1000 steps against ε: RMSprop (γ = 0) runs from sign descent's
/// level at small ε to gradient descent's curve at large ε. Gradient descent at
/// η/√ε diverges where that rate is too large: its curve starts where it does not.
pub fn damping_figure() -> Result<String> {
    let sweep = damping()?;
    let points = |gaps: &[Option<f64>]| -> Vec<(f64, f64)> {
        sweep.epsilons.iter().zip(gaps).filter_map(|(&e, g)| g.map(|g| (e, g.max(1e-16)))).collect()
    };
    let (rms, gd) = (points(&sweep.rmsprop), points(&sweep.gradient_descent));
    let all: Vec<f64> = rms.iter().chain(&gd).map(|p| p.1).chain([sweep.sign]).collect();
    let (low, high) = (
        10f64.powf(all.iter().copied().fold(f64::INFINITY, f64::min).log10().floor()),
        10f64.powf(all.iter().copied().fold(0.0, f64::max).log10().ceil()),
    );
    let range = (sweep.epsilons[0], *sweep.epsilons.last().context("a grid")?);
    let entries = [
        Entry::new(format!("RMSprop, γ = 0, η = {DAMPING_ETA}"), RMSPROP, Mark::Path),
        Entry::new("gradient descent at η/√ε", GD, Mark::Dashed),
        Entry::new("sign descent: every step ±η", MUTED, Mark::Dashed),
    ];
    svg(400, |root| {
        let axes = Axes::new(range, (low, high), "ε (inside the root)", "J − J* after 1000 steps")
            .log_x()
            .log_y()
            .ticks(7, 5);
        let title = "ε is damping: from sign descent to gradient descent";
        let mut panel = Panel::new(root, Some(title), &entries, axes)?;
        panel.line(&[(range.0, sweep.sign), (range.1, sweep.sign)], Stroke::dashed(MUTED))?;
        panel.line(&gd, Stroke::dashed(GD))?;
        panel.line(&rms, Stroke::solid(RMSPROP))?;
        panel.dots(&rms, RMSPROP, 3)?;
        Ok(())
    })
}

//! The figures of "What the libraries add": what centring changes, where AMSGrad
//! takes its maximum, L2 against decoupled weight decay, and learning-rate
//! schedules. Each runs the crates' own optimizers; the numbers the chapter states
//! about these runs come from the same functions (`numbers/libraries_add.rs`).

use anyhow::{Context, Result, ensure};
use gd::{Decoupled, L2, Optimizer, Schedule, Scheduled, Stop, Trace, minimize};
use momentum::{AdamConfig, AmsGrad, adamw};
use objectives::{DiagonalQuadratic, FiniteSum, Objective, Quadratic};
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};
use rmsprop::{CenteredRmsProp, CenteredRmsPropConfig, RmsPropConfig};

use super::format::eta_text;
use super::plot::{
    ADAGRAD, ADAM, Area, Axes, Entry, GD, INK, MUTED, Mark, Marker, ORANGE, PURPLE, Panel,
    RIGHT_MARGIN, RMSPROP, Stroke, TEXT_PX, TICK_PX, WIDTH, bold, draw_entry, equal_aspect_height,
    header_height, svg, text_width,
};
use super::scene::{ELLIPSE_START, excess_losses, least_value};
use super::swept::best_eta;

/// PyTorch's AMSGrad (the maximum before the correction).
const BEFORE: RGBColor = ORANGE;
/// optax's AMSGrad (the maximum after the correction).
const AFTER: RGBColor = PURPLE;
/// Centred RMSprop.
const CENTERED: RGBColor = PURPLE;
/// Adam with L2 added to the gradient.
const WITH_L2: RGBColor = ORANGE;
/// AdamW, decoupled decay.
const DECOUPLED: RGBColor = ADAM;

/// Draws `entries` in rows across the top of `area`, from the plot's left edge.
fn legend_rows(area: &Area, entries: &[Entry]) -> Result<()> {
    let (width, _) = area.dim_in_pixel();
    let (mut x, mut y) = (64, 14);
    for entry in entries {
        let w = 26 + 6 + text_width(&entry.label, TEXT_PX) + 22;
        if x > 64 && x + w > width as i32 - 8 {
            x = 64;
            y += 22;
        }
        draw_entry(area, (x, y), entry)?;
        x += w;
    }
    Ok(())
}

/// (t, v) for t = 0, 1, 2, …
fn by_step(values: impl IntoIterator<Item = f64>) -> Vec<(f64, f64)> {
    values.into_iter().enumerate().map(|(t, v)| (t as f64, v)).collect()
}

// ---------------------------------------------------------------------------
// Centred RMSprop
// ---------------------------------------------------------------------------

/// η of the centring figure: PyTorch's RMSprop (γ = 0.99, ε = 1e-8 outside).
pub const CENTERED_ETA: f64 = 0.01;
/// Steps of the centring figure.
pub const CENTERED_STEPS: usize = 2000;

/// The runs of the centring figure on the ellipse: PyTorch's RMSprop, plain and
/// centred, and for the centred run √(G/(G − ḡ²)) of each weight after each step,
/// the factor by which centring enlarges the step over what G alone would give.
pub struct CenteredRuns {
    /// `torch.optim.RMSprop(lr=0.01)`.
    pub plain: Trace,
    /// `torch.optim.RMSprop(lr=0.01, centered=True)`.
    pub centered: Trace,
    /// √(G/(G − ḡ²)) for w₁ and w₂ after steps 1, 2, …
    pub enlargement: Vec<[f64; 2]>,
}

/// Runs the centring figure's optimizers.
pub fn centered_runs() -> Result<CenteredRuns> {
    let ellipse = DiagonalQuadratic::ellipse();
    // Every step of the budget, even once the gradient has all but vanished: that
    // is where PyTorch's ε outside the root takes over, and the runs climb back.
    let stop = Stop::after(CENTERED_STEPS).or_when_gradient_below(0.0);
    let mut plain = RmsPropConfig::pytorch(CENTERED_ETA).build(2)?;
    let plain = minimize(&ellipse, &mut plain, &ELLIPSE_START, stop);
    let config = CenteredRmsPropConfig::pytorch(CENTERED_ETA, 0.0);
    let mut optimizer = config.build(2)?;
    let centered = minimize(&ellipse, &mut optimizer, &ELLIPSE_START, stop);
    // The same run again, step by step, reading G and ḡ after each step.
    let mut optimizer: CenteredRmsProp = config.build(2)?;
    let mut w = ELLIPSE_START.to_vec();
    let mut g = vec![0.0; 2];
    let mut enlargement = Vec::with_capacity(CENTERED_STEPS);
    for _ in 0..CENTERED_STEPS {
        ellipse.gradient(&w, &mut g);
        optimizer.step(&mut w, &g);
        let factor = |j: usize| {
            let (big_g, mean) = (optimizer.accumulator()[j], optimizer.mean()[j]);
            (big_g / (big_g - mean * mean)).sqrt()
        };
        enlargement.push([factor(0), factor(1)]);
    }
    ensure!(
        enlargement.iter().flatten().all(|f| f.is_finite() && *f >= 1.0),
        "√(G/(G − ḡ²)) should be finite and ≥ 1 on the ellipse"
    );
    Ok(CenteredRuns { plain, centered, enlargement })
}

/// The legend's account of a run against J − J* < 10⁻⁶, by the course's rule for
/// "reached" (held to the end of the run), or its first crossing if it climbs back.
fn arrival(trace: &Trace, least: f64) -> String {
    super::arrival::legend(trace, least, 1e-6)
}

/// Left: J − J* of PyTorch's RMSprop, plain and centred, on the ellipse. Right:
/// the factor √(G/(G − ḡ²)) by which centring enlarges each weight's step: large
/// on w₁, whose gradient keeps its sign all the way down.
pub fn centered() -> Result<String> {
    let runs = centered_runs()?;
    let least = least_value(&DiagonalQuadratic::ellipse())?;
    let entries = [
        Entry::new(
            format!("RMSprop (PyTorch, η = {CENTERED_ETA}): {}", arrival(&runs.plain, least)),
            RMSPROP,
            Mark::Line,
        ),
        Entry::new(format!("centred: {}", arrival(&runs.centered, least)), CENTERED, Mark::Line),
        Entry::new("w₁ (shallow)", INK, Mark::Line),
        Entry::new("w₂ (steep)", INK, Mark::Dashed),
    ];
    let head = 2 * 22 + 12;
    svg(head + 330, |root| {
        let (top, body) = root.split_vertically(head);
        legend_rows(&top, &entries[..2])?;
        let (left, right) = body.split_horizontally(WIDTH / 2);
        let steps = CENTERED_STEPS as f64;
        // The range holds the whole dip, so that no point is clamped to the edge.
        let lowest = [&runs.plain, &runs.centered]
            .iter()
            .flat_map(|trace| excess_losses(trace, least))
            .map(|(_, gap)| gap)
            .fold(1.0f64, f64::min);
        let bottom = 10f64.powf(lowest.log10().floor());
        let axes = Axes::new((0.0, steps), (bottom, 10.0), "step t", "J − J*").log_y().ticks(4, 5);
        let mut panel = Panel::new(&left, Some("the loss on the ellipse"), &entries[2..2], axes)?;
        for (trace, color) in [(&runs.plain, RMSPROP), (&runs.centered, CENTERED)] {
            panel.run(&excess_losses(trace, least), Stroke::solid(color), None)?;
        }
        let axes =
            Axes::new((0.0, steps), (1.0, 10.0), "step t", "√(G / (G − ḡ²))").log_y().ticks(4, 3);
        let title = "how much centring enlarges a step";
        let mut panel = Panel::new(&right, Some(title), &entries[2..], axes)?;
        for (j, stroke) in [(0, Stroke::solid(CENTERED)), (1, Stroke::dashed(CENTERED))] {
            let points: Vec<(f64, f64)> =
                runs.enlargement.iter().enumerate().map(|(t, f)| ((t + 1) as f64, f[j])).collect();
            panel.line(&points, stroke)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// AMSGrad
// ---------------------------------------------------------------------------

/// C of Reddi et al.'s problem in the figure: fₜ(x) = C·x every third step, −x
/// otherwise, over [−1, 1].
pub const REDDI_C: f64 = 3.0;
/// α of the figure's step size α/√t.
pub const REDDI_ALPHA: f64 = 0.5;
/// Steps of the figure's Reddi runs.
pub const REDDI_STEPS: usize = 3000;

/// x₀ = 0, x₁, … of Adam (β₁ = 0, β₂ = 1/(1 + C²), step α/√t) on Reddi et al.'s
/// problem, with AMSGrad taken as `amsgrad`; x projected onto [−1, 1].
pub fn reddi_run(amsgrad: AmsGrad) -> Result<Vec<f64>> {
    let beta2 = 1.0 / (1.0 + REDDI_C * REDDI_C);
    let adam = AdamConfig::new(REDDI_ALPHA).beta1(0.0).beta2(beta2).amsgrad(amsgrad).build(1)?;
    let mut optimizer = Scheduled::new(adam, Schedule::InverseSqrt)?;
    let mut x = [0.0];
    let mut path = vec![0.0];
    for t in 1..=REDDI_STEPS {
        let g = if t % 3 == 1 { REDDI_C } else { -1.0 };
        optimizer.step(&mut x, &[g]);
        x[0] = x[0].clamp(-1.0, 1.0);
        path.push(x[0]);
    }
    Ok(path)
}

/// η of the AMSGrad runs on the ellipse.
pub const AMSGRAD_ETA: f64 = 0.1;
/// Steps of the AMSGrad runs on the ellipse.
pub const AMSGRAD_STEPS: usize = 200;

/// Adam, PyTorch's AMSGrad and optax's AMSGrad on the ellipse at η = 0.1, each
/// with its label and colour.
pub fn amsgrad_ellipse_runs() -> Result<Vec<(Trace, &'static str, RGBColor)>> {
    let ellipse = DiagonalQuadratic::ellipse();
    let configs = [
        (AdamConfig::pytorch(AMSGRAD_ETA), "Adam", ADAM),
        (AdamConfig::pytorch_amsgrad(AMSGRAD_ETA), "PyTorch's AMSGrad: max of G", BEFORE),
        (AdamConfig::optax_amsgrad(AMSGRAD_ETA), "optax's AMSGrad: max of Ĝ", AFTER),
    ];
    configs
        .into_iter()
        .map(|(config, label, color)| {
            let mut adam = config.build(2)?;
            let trace = minimize(&ellipse, &mut adam, &ELLIPSE_START, Stop::after(AMSGRAD_STEPS));
            Ok((trace, label, color))
        })
        .collect()
}

/// Top: Reddi et al.'s counterexample, Adam drifting to the worst point x = 1
/// while both AMSGrads go to the best, x = −1. Bottom: on the ellipse, w₁ and its
/// effective rate for Adam and the two AMSGrads, which differ by where the
/// maximum is taken.
pub fn amsgrad() -> Result<String> {
    let variants = [
        (AmsGrad::Off, "Adam", ADAM, Stroke::solid(ADAM).width(5)),
        (
            AmsGrad::MaximumBeforeCorrection,
            "AMSGrad, max of G (PyTorch)",
            BEFORE,
            Stroke::solid(BEFORE),
        ),
        (AmsGrad::MaximumAfterCorrection, "AMSGrad, max of Ĝ (optax)", AFTER, Stroke::solid(AFTER)),
    ];
    let reddi: Vec<Vec<f64>> =
        variants.iter().map(|(amsgrad, ..)| reddi_run(*amsgrad)).collect::<Result<_>>()?;
    let ellipse = amsgrad_ellipse_runs()?;
    let entries: Vec<Entry> = variants
        .iter()
        .map(|(_, label, color, _)| Entry::new(*label, *color, Mark::Line))
        .collect();
    let head = 34;
    svg(head + 300 + 320, |root| {
        let (top, rest) = root.split_vertically(head);
        legend_rows(&top, &entries)?;
        let (upper, lower) = rest.split_vertically(300);
        let title = format!("Reddi et al.'s problem, C = {REDDI_C}: the best point is x = −1");
        let axes = Axes::new((0.0, REDDI_STEPS as f64), (-1.05, 1.05), "step t", "x").ticks(6, 5);
        let mut panel = Panel::new(&upper, Some(&title), &[], axes)?;
        for (path, (_, _, color, _)) in reddi.iter().zip(&variants) {
            panel.line(&by_step(path.iter().copied()), Stroke::solid(*color))?;
        }
        let (left, right) = lower.split_horizontally(WIDTH / 2);
        let steps = AMSGRAD_STEPS as f64;
        let axes = Axes::new((0.0, steps), (-5.5, 1.5), "step t", "w₁").ticks(5, 5);
        let mut panel =
            Panel::new(&left, Some(&format!("the ellipse, η = {AMSGRAD_ETA}: w₁")), &[], axes)?;
        for ((trace, ..), (_, _, _, stroke)) in ellipse.iter().zip(&variants) {
            panel.line(&by_step(trace.iterates.iter().map(|w| w[0])), *stroke)?;
        }
        let axes = Axes::new((0.0, steps), (0.05, 1.0), "step t", "effective rate of w₁")
            .log_y()
            .ticks(5, 4);
        let mut panel = Panel::new(&right, Some("w₁'s effective rate"), &[], axes)?;
        for ((trace, ..), (_, _, _, stroke)) in ellipse.iter().zip(&variants) {
            let rates: Vec<(f64, f64)> = trace
                .effective_learning_rates
                .iter()
                .enumerate()
                .map(|(t, rates)| ((t + 1) as f64, rates[0]))
                .collect();
            panel.line(&rates, *stroke)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Weight decay
// ---------------------------------------------------------------------------

/// λ of the weight-decay figure's top panel: AdamW's box is |wⱼ| ≤ 1/λ = 2.
pub const BOX_DECAY: f64 = 0.5;
/// η of the top panel's runs, taken as η/√t.
pub const BOX_ETA: f64 = 0.3;
/// Steps of the top panel's runs.
pub const BOX_STEPS: usize = 20_000;

/// The curvatures aⱼ of the top panel's problem, the ellipse's.
const CURVATURES: [f64; 2] = [0.2, 4.0];
/// Where the top panel's problem has its minimum.
pub const SHIFTED_MINIMUM: [f64; 2] = [3.0, 1.0];

/// The top panel's problem: the ellipse moved to (3, 1), ½·Σ aⱼ·(wⱼ − cⱼ)² =
/// 0.1·(w₁ − 3)² + 2·(w₂ − 1)² up to a constant, written as ½·wᵀAw − bᵀw with
/// A = diag(a) and b = A·c.
pub fn shifted_ellipse() -> Result<Quadratic> {
    let [a1, a2] = CURVATURES;
    let [c1, c2] = SHIFTED_MINIMUM;
    Ok(Quadratic::new("shifted ellipse", &[vec![a1, 0.0], vec![0.0, a2]], vec![a1 * c1, a2 * c2])?)
}

/// The minimizer of J(w) + λ/2·|w|² (the ridge point): wⱼ = aⱼ·cⱼ/(aⱼ + λ).
pub fn ridge_point() -> [f64; 2] {
    [0, 1].map(|j| CURVATURES[j] * SHIFTED_MINIMUM[j] / (CURVATURES[j] + BOX_DECAY))
}

/// Adam with L2 decay and AdamW on the shifted ellipse from w = 0, with the
/// schedule η/√t (non-increasing, its sum diverging: Xie and Li's condition).
pub fn box_runs() -> Result<(Trace, Trace)> {
    let objective = shifted_ellipse()?;
    let stop = Stop::after(BOX_STEPS).or_when_gradient_below(0.0);
    let adam = AdamConfig::pytorch(BOX_ETA).build(2)?;
    let mut with_l2 = Scheduled::new(L2::new(adam, BOX_DECAY, 2)?, Schedule::InverseSqrt)?;
    let mut decoupled =
        Scheduled::new(adamw(AdamConfig::pytorch(BOX_ETA), BOX_DECAY, 2)?, Schedule::InverseSqrt)?;
    let a = minimize(&objective, &mut with_l2, &[0.0, 0.0], stop);
    let b = minimize(&objective, &mut decoupled, &[0.0, 0.0], stop);
    Ok((a, b))
}

/// η of the bottom panels' runs.
pub const PULL_ETA: f64 = 0.01;
/// Steps of the bottom panels' runs.
pub const PULL_STEPS: usize = 1000;
/// The two λ of the bottom panels.
pub const PULL_DECAYS: [f64; 2] = [0.1, 0.001];
/// The size σ of the noisy weight's gradients, ±σ in turn.
pub const NOISE: f64 = 10.0;

/// w after steps 0, 1, … of two weights from w = 1: one the data never touch
/// (gradient 0) and one whose gradient is ±σ in turn (zero mean), under Adam
/// with L2 decay (`decoupled` false) or AdamW, with decay λ.
pub fn pull_runs(decoupled: bool, lambda: f64) -> Result<[Vec<f64>; 2]> {
    let config = AdamConfig::pytorch(PULL_ETA);
    let mut optimizer: Box<dyn Optimizer> = if decoupled {
        Box::new(Decoupled::new(config.build(2)?, lambda)?)
    } else {
        Box::new(L2::new(config.build(2)?, lambda, 2)?)
    };
    let mut w = [1.0, 1.0];
    let (mut untouched, mut noisy) = (vec![1.0], vec![1.0]);
    for t in 1..=PULL_STEPS {
        let g = if t % 2 == 1 { NOISE } else { -NOISE };
        optimizer.step(&mut w, &[0.0, g]);
        untouched.push(w[0]);
        noisy.push(w[1]);
    }
    Ok([untouched, noisy])
}

/// Top: on the ellipse moved to (3, 1), Adam with L2 decay ends at the ridge
/// point, AdamW on the box |wⱼ| ≤ 1/λ. Bottom: a weight the data never touch and
/// a weight with noisy gradients, under both kinds of decay at two λ.
pub fn weight_decay() -> Result<String> {
    let objective = shifted_ellipse()?;
    let (with_l2, decoupled) = box_runs()?;
    let pulls: Vec<(bool, f64, [Vec<f64>; 2])> = [false, true]
        .into_iter()
        .flat_map(|d| PULL_DECAYS.map(|lambda| (d, lambda)))
        .map(|(d, lambda)| Ok((d, lambda, pull_runs(d, lambda)?)))
        .collect::<Result<_>>()?;
    let bound = 1.0 / BOX_DECAY;
    let top_legend = [
        Entry::new(format!("Adam + L2, λ = {BOX_DECAY}"), WITH_L2, Mark::Line),
        Entry::new(format!("AdamW, λ = {BOX_DECAY}"), DECOUPLED, Mark::Line),
        Entry::new(format!("the box |wⱼ| ≤ 1/λ = {bound}"), MUTED, Mark::Dashed),
        Entry::new("the ridge point", INK, Mark::Cross),
        Entry::new("J's minimum", INK, Mark::Ring),
    ];
    let axes = Axes::new((-0.25, 3.25), (-0.25, 1.5), "w₁", "w₂").no_grid().ticks(8, 4);
    let plot_width = (WIDTH - axes.y_label_area - RIGHT_MARGIN) as i32;
    let title = format!("J = 0.1·(w₁ − 3)² + 2·(w₂ − 1)², from w = 0, step {BOX_ETA}/√t");
    let top_height =
        equal_aspect_height(WIDTH, header_height(Some(&title), &top_legend, plot_width), &axes);
    let stroke = |decoupled: bool, lambda: f64| {
        let color = if decoupled { DECOUPLED } else { WITH_L2 };
        if lambda == PULL_DECAYS[0] { Stroke::solid(color) } else { Stroke::dashed(color) }
    };
    let bottom_legend: Vec<Entry> = pulls
        .iter()
        .map(|(d, lambda, _)| {
            let name = if *d { "AdamW" } else { "Adam + L2" };
            let mark = if *lambda == PULL_DECAYS[0] { Mark::Line } else { Mark::Dashed };
            Entry::new(format!("{name}, λ = {lambda}"), stroke(*d, *lambda).color, mark)
        })
        .collect();
    let bottom_head = 34;
    svg(top_height + bottom_head + 300, |root| {
        let (top, rest) = root.split_vertically(top_height);
        let mut panel = Panel::new(&top, Some(&title), &top_legend, axes.clone())?;
        let least = objective.value(&SHIFTED_MINIMUM);
        let levels = [0.05, 0.2, 0.5, 1.0, 2.0, 4.0];
        panel.contours(|x, y| objective.value(&[x, y]) - least, &levels)?;
        panel.line(&[(bound, -0.25), (bound, 1.5)], Stroke::dashed(MUTED))?;
        for (trace, color) in [(&with_l2, WITH_L2), (&decoupled, DECOUPLED)] {
            let points: Vec<(f64, f64)> = trace.iterates.iter().map(|w| (w[0], w[1])).collect();
            panel.run(&points, Stroke::solid(color), None)?;
        }
        let ridge = ridge_point();
        panel.markers(&[(ridge[0], ridge[1])], INK, Marker::Cross, 7)?;
        panel.markers(&[(SHIFTED_MINIMUM[0], SHIFTED_MINIMUM[1])], INK, Marker::Ring, 6)?;
        let (head, body) = rest.split_vertically(bottom_head);
        legend_rows(&head, &bottom_legend)?;
        let (left, right) = body.split_horizontally(WIDTH / 2);
        let titles = ["a weight the data never touch (g = 0)", "a weight with gradients ±10"];
        for (k, (area, title)) in [left, right].iter().zip(titles).enumerate() {
            let axes =
                Axes::new((0.0, PULL_STEPS as f64), (-0.05, 1.05), "step t", "wⱼ").ticks(4, 5);
            let mut panel = Panel::new(area, Some(title), &[], axes)?;
            for (d, lambda, paths) in &pulls {
                panel.line(&by_step(paths[k].iter().copied()), stroke(*d, *lambda))?;
            }
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------

/// The schedules of the top panel, over 100 steps, with their labels and colours.
pub fn example_schedules() -> [(Schedule, &'static str, RGBColor); 6] {
    [
        (Schedule::Constant, "constant", INK),
        (Schedule::InverseTime { decay: 0.1 }, "inverse time, decay 0.1", GD),
        (Schedule::InverseSqrt, "1/√t", ADAGRAD),
        (Schedule::StepDecay { every: 25, factor: 0.5 }, "step: ×0.5 every 25", RMSPROP),
        (Schedule::Cosine { steps: 100, floor: 0.1 }, "cosine to 0.1", ORANGE),
        (
            Schedule::Warmup {
                steps: 10,
                start: 0.1,
                then: Box::new(Schedule::Cosine { steps: 90, floor: 0.1 }),
            },
            "warm-up 10, then cosine",
            PURPLE,
        ),
    ]
}

/// The epochs of the schedules' runs on the breast-cancer data.
pub const SCHEDULE_EPOCHS: usize = 200;
/// The decays γ of the RMSprop runs under a cosine schedule.
pub const SCHEDULE_GAMMAS: [f64; 3] = [0.9, 0.99, 0.999];
/// η of the RMSprop runs under a cosine schedule.
pub const SCHEDULE_RMSPROP_ETA: f64 = 0.01;

/// One run of the schedules' figure: J − J* after each epoch.
pub struct ScheduleRun {
    /// The method, as the figure names it.
    pub method: &'static str,
    /// η (the base rate).
    pub eta: f64,
    /// RMSprop's γ, for the RMSprop runs.
    pub gamma: Option<f64>,
    /// Whether η follows a cosine to 0 over the run (else it is constant).
    pub cosine: bool,
    /// J − J* after epochs 0, 1, …
    pub gaps: Vec<f64>,
}

/// Runs with batches of one sample on the standardized breast-cancer data for
/// [`SCHEDULE_EPOCHS`] epochs: gradient descent and Adam at their best constant η
/// of the noise sweep (20 epochs), each with that η constant and with a cosine
/// from it to 0 over the run; and RMSprop with a cosine from η = 0.01, for each γ
/// of [`SCHEDULE_GAMMAS`].
pub fn schedule_runs() -> Result<&'static [ScheduleRun]> {
    // The figure and the chapter's numbers read the same runs: run them once.
    static RUNS: std::sync::OnceLock<Result<Vec<ScheduleRun>, String>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| run_schedules().map_err(|error| format!("{error:#}")))
        .as_deref()
        .map_err(|error| anyhow::anyhow!("{error}"))
}

fn run_schedules() -> Result<Vec<ScheduleRun>> {
    use crate::sweeps::problems;
    let (problem, minimum) = problems::minibatch_problem()?;
    let sweep = crate::sweeps::load()?.budgeted(&crate::sweeps::minibatch_key(1))?;
    let best = |name: &str| -> Result<f64> {
        let k = sweep.methods.iter().position(|m| m == name).context("the method was swept")?;
        best_eta(sweep, k)
    };
    let total = SCHEDULE_EPOCHS * problem.samples();
    let mut specs = Vec::new();
    for (method, eta) in [("gradient descent", best("gradient descent")?), ("Adam", best("Adam")?)]
    {
        for cosine in [false, true] {
            specs.push((method, eta, None, cosine));
        }
    }
    for gamma in SCHEDULE_GAMMAS {
        specs.push(("RMSprop", SCHEDULE_RMSPROP_ETA, Some(gamma), true));
    }
    let n = problem.dimension();
    let runs = crate::sweeps::parallel::map(specs.len(), |i| -> Result<Vec<f64>> {
        let (method, eta, gamma, cosine) = specs[i];
        let schedule =
            if cosine { Schedule::Cosine { steps: total, floor: 0.0 } } else { Schedule::Constant };
        let optimizer: Box<dyn Optimizer> = match (method, gamma) {
            ("gradient descent", _) => {
                Box::new(Scheduled::new(gd::GradientDescent::new(eta)?, schedule)?)
            }
            ("Adam", _) => Box::new(Scheduled::new(momentum::Adam::new(eta, n)?, schedule)?),
            (_, Some(gamma)) => {
                Box::new(Scheduled::new(RmsPropConfig::new(eta).decay(gamma).build(n)?, schedule)?)
            }
            _ => anyhow::bail!("no such run: {method}"),
        };
        Ok(problems::minibatch_run_with(&problem, minimum, optimizer, 1, SCHEDULE_EPOCHS)?.gaps)
    });
    specs
        .into_iter()
        .zip(runs)
        .map(|((method, eta, gamma, cosine), gaps)| {
            let gaps = gaps?;
            ensure!(gaps.len() == SCHEDULE_EPOCHS + 1, "{method} at η = {eta} diverged");
            Ok(ScheduleRun { method, eta, gamma, cosine, gaps })
        })
        .collect()
}

/// Top: η(t)/η of six schedules. Bottom: batches of one sample of real data,
/// where a constant η stalls at a noise floor that a decaying η goes below
/// (gradient descent, Adam), and where RMSprop under the same decay stops at a
/// level set by its γ.
pub fn schedules() -> Result<String> {
    let runs = schedule_runs()?;
    let top: Vec<(Schedule, &str, RGBColor)> = example_schedules().into();
    let top_legend: Vec<Entry> =
        top.iter().map(|(_, label, color)| Entry::new(*label, *color, Mark::Line)).collect();
    let plot_width = (WIDTH - super::plot::Y_LABEL_AREA - RIGHT_MARGIN) as i32;
    let top_title = "η(t)/η for some schedules";
    let top_height = header_height(Some(top_title), &top_legend, plot_width) + 220;
    let bottom_legend = [
        Entry::new("η constant", INK, Mark::Dashed),
        Entry::new("η from the same start to 0 along a cosine", INK, Mark::Line),
    ];
    let bottom_title =
        "batches of one sample of the standardized breast-cancer data: J − J* after each epoch";
    let bottom_head = 24 + 34;
    svg(top_height + bottom_head + 280, |root| {
        let (upper, lower) = root.split_vertically(top_height);
        let axes = Axes::new((0.0, 100.0), (0.0, 1.05), "step t", "η(t) / η").ticks(6, 5);
        let mut panel = Panel::new(&upper, Some(top_title), &top_legend, axes)?;
        for (schedule, _, color) in &top {
            let points: Vec<(f64, f64)> =
                (1..=100u64).map(|t| (t as f64, schedule.learning_rate(1.0, t))).collect();
            panel.line(&points, Stroke::solid(*color))?;
        }
        let (head, body) = lower.split_vertically(bottom_head);
        head.draw(&plotters::element::Text::new(bottom_title, (8, 4), bold(TEXT_PX)))?;
        let (_, legend_area) = head.split_vertically(24);
        legend_rows(&legend_area, &bottom_legend)?;
        let areas = body.split_evenly((1, 3));
        let panels = [("gradient descent", GD), ("Adam", ADAM), ("RMSprop", RMSPROP)];
        let short = |method: &str| if method == "gradient descent" { "GD" } else { "Adam" };
        for (area, (method, color)) in areas.iter().zip(panels) {
            let of_method: Vec<&ScheduleRun> = runs.iter().filter(|r| r.method == method).collect();
            let first = of_method.first().context("runs of each method")?;
            let title = match method {
                "RMSprop" => format!("RMSprop, η = {}", SCHEDULE_RMSPROP_ETA),
                _ => format!("{}, η = {}", short(method), eta_text(first.eta)),
            };
            let axes = Axes::new((0.0, SCHEDULE_EPOCHS as f64), (1e-6, 1.0), "epoch", "J − J*")
                .log_y()
                .ticks(3, 4);
            let mut panel = Panel::new(area, Some(&title), &[], axes)?;
            for run in &of_method {
                let points = by_step(run.gaps.iter().map(|g| g.max(f64::MIN_POSITIVE)));
                let stroke = if run.cosine { Stroke::solid(color) } else { Stroke::dashed(color) };
                panel.run(&points, stroke, None)?;
                if let (Some(gamma), Some(&last)) = (run.gamma, run.gaps.last()) {
                    let label = format!("γ = {gamma}");
                    let at = (SCHEDULE_EPOCHS as f64, last);
                    panel.text(at, (-4, 6), &label, bold(TICK_PX), (HPos::Right, VPos::Top))?;
                }
            }
        }
        Ok(())
    })
}

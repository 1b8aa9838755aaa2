//! The figures of the momentum chapter: heavy-ball paths for several β, momentum
//! beside RMSprop and Adam on the ellipse and Rosenbrock's valley, and the loss
//! curves of the chapter's methods on every objective of the course.

use anyhow::Result;
use gd::{GradientDescent, Optimizer, Stop, StopReason, Trace, minimize};
use momentum::{Adam, Momentum, MomentumConfig};
use objectives::{DiagonalQuadratic, LinearRegression, Objective, Quadratic, Rosenbrock};
use plotters::element::Text;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rmsprop::RmsProp;

use super::gradient_descent::{ELLIPSE_START, ellipse_axes, ellipse_levels};
use super::plot::{
    Axes, Entry, GD, INK, MUTED, Mark, ORANGE, PURPLE, Panel, RIGHT_MARGIN, RMSPROP, Stroke,
    TEXT_PX, WIDTH, bold, draw_entry, equal_aspect_height, font, header_height, power_of_ten, svg,
};
use super::rmsprop::ROSENBROCK_START;
use super::{excess_losses, least_value, path};

/// Heavy-ball momentum's colour (orange), for β = 0.9 wherever it appears.
const MOMENTUM: RGBColor = ORANGE;
/// Adam's colour (sky blue, the Okabe–Ito palette's sixth).
const ADAM: RGBColor = RGBColor(86, 180, 233);

/// The loss below which a run counts as arrived, in the legends.
const ARRIVED: f64 = 1e-6;

/// "J < 10⁻⁶ after n steps", or that it was not reached.
fn arrival(trace: &Trace) -> String {
    let target = power_of_ten(ARRIVED.log10().round() as i32);
    match trace.steps_to_reach(ARRIVED) {
        Some(steps) => format!("J < {target} after {steps} steps"),
        None => format!("J ≥ {target} after {} steps", trace.steps()),
    }
}

/// Heavy-ball runs on the ellipse with learning rate `eta`, one for each β.
fn heavy_ball_runs(eta: f64, betas: &[(f64, RGBColor)]) -> Result<Vec<(Trace, RGBColor)>> {
    let ellipse = DiagonalQuadratic::ellipse();
    betas
        .iter()
        .map(|&(beta, color)| {
            let mut optimizer = MomentumConfig::new(eta).momentum(beta).build(2)?;
            Ok((minimize(&ellipse, &mut optimizer, &ELLIPSE_START, Stop::after(150)), color))
        })
        .collect()
}

fn beta_legend(runs: &[(Trace, RGBColor)], betas: &[(f64, RGBColor)]) -> Vec<Entry> {
    runs.iter()
        .zip(betas)
        .map(|((trace, color), (beta, _))| {
            let method = if *beta == 0.0 { " (gradient descent)" } else { "" };
            Entry::new(format!("β = {beta}{method}: {}", arrival(trace)), *color, Mark::Path)
        })
        .collect()
}

/// Heavy-ball paths on the ellipse for several β. With η = 0.48, just below
/// gradient descent's limit 2/4 = 0.5, gradient descent zig-zags across the steep
/// direction (a factor −0.92 a step) and β = 0.3 damps it (modulus √0.3 ≈ 0.55).
/// With η = 0.1, where gradient descent crawls along the shallow direction,
/// β = 0.9 speeds it up and overshoots.
pub fn paths() -> Result<String> {
    let ellipse = DiagonalQuadratic::ellipse();
    let top_betas = [(0.0, GD), (0.3, PURPLE)];
    let bottom_betas = [(0.0, GD), (0.9, MOMENTUM)];
    let (top_eta, bottom_eta) = (0.48, 0.1);
    let top_runs = heavy_ball_runs(top_eta, &top_betas)?;
    let bottom_runs = heavy_ball_runs(bottom_eta, &bottom_betas)?;
    let top_legend = beta_legend(&top_runs, &top_betas);
    let bottom_legend = beta_legend(&bottom_runs, &bottom_betas);
    let axes = ellipse_axes();
    let plot_width = (WIDTH - axes.y_label_area - RIGHT_MARGIN) as i32;
    let top_height =
        equal_aspect_height(WIDTH, header_height(Some(""), &top_legend, plot_width), &axes);
    let bottom_height =
        equal_aspect_height(WIDTH, header_height(Some(""), &bottom_legend, plot_width), &axes);
    svg(top_height + bottom_height, |root| {
        let (top, bottom) = root.split_vertically(top_height);
        let panels = [
            (&top, top_eta, "damps the zig-zag", &top_legend, &top_runs),
            (&bottom, bottom_eta, "speeds the crawl, and overshoots", &bottom_legend, &bottom_runs),
        ];
        for (area, eta, what, legend, runs) in panels {
            let title = format!("η = {eta}: momentum {what}");
            let mut panel = Panel::new(area, Some(&title), legend, axes.clone())?;
            panel.contours(|x, y| ellipse.value(&[x, y]), &ellipse_levels())?;
            for (trace, color) in runs {
                let points = path(trace);
                panel.run(&points, Stroke::solid(*color), None)?;
                panel.dots(&points, *color, 2)?;
            }
            let start = (ELLIPSE_START[0], ELLIPSE_START[1]);
            panel.text(start, (-8, 0), "w₀", bold(TEXT_PX), (HPos::Right, VPos::Center))?;
        }
        Ok(())
    })
}

/// Momentum, RMSprop and Adam on `objective` from `start`, each with its own η.
fn three_runs(
    objective: &dyn Objective,
    start: &[f64],
    etas: [f64; 3],
    steps: usize,
) -> Result<Vec<(Trace, RGBColor)>> {
    let optimizers: [(Box<dyn Optimizer>, RGBColor); 3] = [
        (Box::new(Momentum::new(etas[0], 2)?), MOMENTUM),
        (Box::new(RmsProp::new(etas[1], 2)?), RMSPROP),
        (Box::new(Adam::new(etas[2], 2)?), ADAM),
    ];
    Ok(optimizers
        .into_iter()
        .map(|(mut optimizer, color)| {
            (minimize(objective, optimizer.as_mut(), start, Stop::after(steps)), color)
        })
        .collect())
}

fn legend_of(runs: &[(Trace, RGBColor)]) -> Vec<Entry> {
    runs.iter()
        .map(|(trace, color)| {
            Entry::new(format!("{}: {}", trace.optimizer, arrival(trace)), *color, Mark::Line)
        })
        .collect()
}

/// Momentum, RMSprop and Adam on the ellipse and on Rosenbrock's valley.
pub fn versus() -> Result<String> {
    let ellipse = DiagonalQuadratic::ellipse();
    let ellipse_runs = three_runs(&ellipse, &ELLIPSE_START, [0.1, 0.05, 0.1], 150)?;
    let rosenbrock = Rosenbrock::default();
    let rosenbrock_runs = three_runs(&rosenbrock, &ROSENBROCK_START, [0.001, 0.003, 0.01], 2000)?;
    let top_axes = ellipse_axes();
    let top_legend = legend_of(&ellipse_runs);
    let plot_width = (WIDTH - top_axes.y_label_area - RIGHT_MARGIN) as i32;
    let top_height =
        equal_aspect_height(WIDTH, header_height(Some(""), &top_legend, plot_width), &top_axes);
    let bottom_axes = Axes::new((-2.0, 2.0), (-1.0, 3.0), "x", "y").no_grid().ticks(9, 5);
    let mut bottom_legend = legend_of(&rosenbrock_runs);
    bottom_legend.push(Entry::new("where each run stops", INK, Mark::Path));
    let bottom_height = header_height(Some(""), &bottom_legend, plot_width) + 330;
    let minimum = rosenbrock.minimizer().map_or((1.0, 1.0), |w| (w[0], w[1]));
    svg(top_height + bottom_height, |root| {
        let (top, bottom) = root.split_vertically(top_height);
        let title = "The ellipse 0.1·w₁² + 2·w₂², from (−5, −2), 150 steps";
        let mut panel = Panel::new(&top, Some(title), &top_legend, top_axes)?;
        panel.contours(|x, y| ellipse.value(&[x, y]), &ellipse_levels())?;
        for (trace, color) in &ellipse_runs {
            let points = path(trace);
            panel.run(&points, Stroke::solid(*color), None)?;
            panel.dots(&points, *color, 2)?;
        }
        let title = "Rosenbrock's valley (1 − x)² + 100·(y − x²)², from (−1.5, 2), 2000 steps";
        let mut panel = Panel::new(&bottom, Some(title), &bottom_legend, bottom_axes)?;
        let levels: Vec<f64> = (-2..=8).map(|k| 4f64.powi(k) / 4.0).collect();
        panel.contours(|x, y| rosenbrock.value(&[x, y]), &levels)?;
        panel.dots(&[minimum], INK, 4)?;
        panel.text(minimum, (8, 8), "minimum (1, 1)", font(TEXT_PX), (HPos::Left, VPos::Top))?;
        // The runs share the valley floor: the first drawn is the widest, so each
        // stays visible under the next; a large dot marks where each one stopped.
        for ((trace, color), width) in rosenbrock_runs.iter().zip([7, 4, 2]) {
            let points = path(trace);
            panel.run(&points, Stroke::solid(*color).width(width), None)?;
            if let Some(&end) = points.last() {
                panel.dots(&[end], *color, 6)?;
            }
        }
        Ok(())
    })
}

/// One panel of the loss figure: an objective, its start, the step budget and the
/// η of gradient descent, RMSprop, momentum and Adam.
struct Problem {
    objective: Box<dyn Objective>,
    start: Vec<f64>,
    steps: usize,
    etas: [f64; 4],
}

/// The problems and budgets of the RMSprop chapter's loss figure, with GD's and
/// RMSprop's η from there; momentum (β = 0.9) and Adam take η = 0.1 everywhere
/// but on Rosenbrock, whose curvature of about 2000 at the start needs 0.001
/// (η·λ < 2·(1 + β)) and 0.01.
fn problems() -> Vec<Problem> {
    let valley = Quadratic::rotated_valley(std::f64::consts::FRAC_PI_6, [0.2, 4.0], [1.0, 1.0]);
    let problem = |objective: Box<dyn Objective>, start: &[f64], steps, etas| Problem {
        objective,
        start: start.to_vec(),
        steps,
        etas,
    };
    vec![
        problem(Box::new(DiagonalQuadratic::bowl()), &[-4.0, 3.0], 150, [0.2, 0.05, 0.1, 0.1]),
        problem(Box::new(DiagonalQuadratic::ellipse()), &ELLIPSE_START, 300, [0.4, 0.05, 0.1, 0.1]),
        problem(Box::new(valley), &[-4.0, -2.0], 300, [0.4, 0.05, 0.1, 0.1]),
        problem(Box::<Rosenbrock>::default(), &ROSENBROCK_START, 5000, [0.001, 0.003, 0.001, 0.01]),
        problem(Box::new(LinearRegression::course_data()), &[0.0, 0.0], 300, [0.3, 0.05, 0.1, 0.1]),
    ]
}

/// The bottom of every panel: J − J* below it is at the level of rounding for
/// objectives whose J* is of order 1 (an ulp of 0.5 is about 10⁻¹⁶).
const FLOOR: f64 = 1e-12;

/// J(wₜ) − J* against t for gradient descent, RMSprop, momentum and Adam on each
/// objective of the course.
pub fn loss_curves() -> Result<String> {
    let problems = problems();
    let cell_height = 260;
    let rows = problems.len().div_ceil(2) as u32;
    svg(rows * cell_height, |root| {
        let cells = root.split_evenly((rows as usize, 2));
        for (cell, problem) in cells.iter().zip(&problems) {
            let objective = problem.objective.as_ref();
            let least = least_value(objective)?;
            let n = objective.dimension();
            let [gd, rms, heavy, adam] = problem.etas;
            let mut optimizers: [(Box<dyn Optimizer>, RGBColor); 4] = [
                (Box::new(GradientDescent::new(gd)?), GD),
                (Box::new(RmsProp::new(rms, n)?), RMSPROP),
                (Box::new(Momentum::new(heavy, n)?), MOMENTUM),
                (Box::new(Adam::new(adam, n)?), ADAM),
            ];
            // GD's and RMSprop's η are those of the RMSprop chapter's figure; the
            // title has room for the two new ones only.
            let title = format!("{}, η = {heavy} / {adam}", objective.name());
            let axes = Axes::new((0.0, problem.steps as f64), (FLOOR, 1e3), "step t", "J(wₜ) − J*")
                .log_y()
                .ticks(5, 6)
                .y_label_area(68);
            let mut panel = Panel::new(cell, Some(&title), &[], axes)?;
            for (optimizer, color) in &mut optimizers {
                let trace = minimize(
                    objective,
                    optimizer.as_mut(),
                    &problem.start,
                    Stop::after(problem.steps),
                );
                let losses = excess_losses(&trace, least);
                let stroke = Stroke::solid(*color);
                match trace.stop {
                    StopReason::Diverged { .. } => panel.run(&losses, stroke, Some("diverges"))?,
                    _ => panel.line(&losses, stroke)?,
                }
            }
        }
        if let Some(cell) = cells.get(problems.len()) {
            let legend = [
                Entry::new("gradient descent", GD, Mark::Line),
                Entry::new("RMSprop, γ = 0.9", RMSPROP, Mark::Line),
                Entry::new("momentum, β = 0.9", MOMENTUM, Mark::Line),
                Entry::new("Adam, β₁ = 0.9, β₂ = 0.999", ADAM, Mark::Line),
            ];
            for (k, entry) in legend.iter().enumerate() {
                draw_entry(cell, (24, 40 + 26 * k as i32), entry)?;
            }
            let floor = power_of_ten(FLOOR.log10().round() as i32);
            let lines = [
                "η in each title: momentum / Adam; GD and".to_owned(),
                "RMSprop as in the RMSprop chapter's figure.".to_owned(),
                format!("J − J* below {floor} is rounding noise;"),
                "a line that falls through the bottom".to_owned(),
                "edge has reached it (a log axis has no 0).".to_owned(),
            ];
            for (k, line) in lines.iter().enumerate() {
                let style = font(TEXT_PX).color(&MUTED).pos(Pos::new(HPos::Left, VPos::Center));
                cell.draw(&Text::new(line.clone(), (24, 150 + 20 * k as i32), style))?;
            }
        }
        Ok(())
    })
}

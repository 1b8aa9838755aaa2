//! What the comparison figures share: several methods run on the same problem,
//! drawn as paths on the ellipse and Rosenbrock's valley, or as loss curves on a
//! grid of every objective of the course.
//!
//! The RMSprop chapter compares gradient descent, Adagrad and RMSprop ([`METHODS`]);
//! the momentum chapter compares momentum, RMSprop and Adam. Both go through [`Method`], so the
//! two chapters draw their figures with the same code.

use adagrad::Adagrad;
use anyhow::Result;
use gd::{GradientDescent, Optimizer, Stop, StopReason, Trace, minimize};
use objectives::{DiagonalQuadratic, LinearRegression, Objective, Quadratic, Rosenbrock};
use plotters::element::Text;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rmsprop::RmsProp;

use super::plot::{
    ADAGRAD, Axes, Entry, GD, INK, MUTED, Mark, Panel, RIGHT_MARGIN, RMSPROP, Stroke, TEXT_PX,
    WIDTH, draw_entry, equal_aspect_height, font, header_height, power_of_ten, svg,
};
use super::scene::{ELLIPSE_START, ellipse_axes, ellipse_levels, excess_losses, least_value, path};

/// Where the course starts Rosenbrock's function.
pub const ROSENBROCK_START: [f64; 2] = [-1.5, 2.0];

/// A method of a comparison: its legend label, its colour, and how to build it
/// for n weights from a learning rate η.
#[derive(Clone, Copy)]
pub struct Method {
    /// The label in a loss figure's legend.
    pub label: &'static str,
    /// The colour of its lines.
    pub color: RGBColor,
    /// Builds the optimizer: (η, n) → optimizer.
    pub build: fn(f64, usize) -> Result<Box<dyn Optimizer>>,
}

/// Gradient descent, Adagrad and the course's RMSprop (γ = 0.9).
pub const METHODS: [Method; 3] = [
    Method {
        label: "gradient descent",
        color: GD,
        build: |eta, _| Ok(Box::new(GradientDescent::new(eta)?) as Box<dyn Optimizer>),
    },
    Method {
        label: "Adagrad",
        color: ADAGRAD,
        build: |eta, n| Ok(Box::new(Adagrad::new(eta, n)?) as Box<dyn Optimizer>),
    },
    Method {
        label: "RMSprop, γ = 0.9",
        color: RMSPROP,
        build: |eta, n| Ok(Box::new(RmsProp::new(eta, n)?) as Box<dyn Optimizer>),
    },
];

/// Runs each method, with the learning rate at the same index of `etas`, on
/// `objective` from `start` for `steps` steps.
pub fn runs(
    methods: &[Method],
    etas: &[f64],
    objective: &dyn Objective,
    start: &[f64],
    steps: usize,
) -> Result<Vec<(Trace, RGBColor)>> {
    methods
        .iter()
        .zip(etas)
        .map(|(method, &eta)| {
            let mut optimizer = (method.build)(eta, objective.dimension())?;
            Ok((minimize(objective, optimizer.as_mut(), start, Stop::after(steps)), method.color))
        })
        .collect()
}

/// The runs of a path figure: the methods with their η on the ellipse (150 steps)
/// and on Rosenbrock's valley (2000 steps).
pub struct PathRuns {
    /// The methods compared.
    pub methods: &'static [Method],
    /// Their η on the ellipse.
    pub ellipse_etas: &'static [f64],
    /// Their η on Rosenbrock's valley.
    pub rosenbrock_etas: &'static [f64],
    /// A legend entry's text for a finished run.
    pub legend: fn(&Trace) -> String,
    /// The steps of the ellipse runs that the legend judges, if more than the 150
    /// drawn: a run below a target at the last step drawn may still climb back.
    pub ellipse_judged_steps: Option<usize>,
}

/// The methods' paths on the ellipse (top) and Rosenbrock's valley (bottom).
pub fn paths_on_ellipse_and_rosenbrock(spec: &PathRuns) -> Result<String> {
    let ellipse = DiagonalQuadratic::ellipse();
    let ellipse_runs = runs(spec.methods, spec.ellipse_etas, &ellipse, &ELLIPSE_START, 150)?;
    let judged_runs = match spec.ellipse_judged_steps {
        Some(steps) => runs(spec.methods, spec.ellipse_etas, &ellipse, &ELLIPSE_START, steps)?,
        None => ellipse_runs.clone(),
    };
    let rosenbrock = Rosenbrock::default();
    let rosenbrock_runs =
        runs(spec.methods, spec.rosenbrock_etas, &rosenbrock, &ROSENBROCK_START, 2000)?;
    let legend_of = |runs: &[(Trace, RGBColor)]| -> Vec<Entry> {
        runs.iter()
            .map(|(trace, color)| Entry::new((spec.legend)(trace), *color, Mark::Line))
            .collect()
    };
    let top_axes = ellipse_axes();
    let top_legend = legend_of(&judged_runs);
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
        let title = "The ellipse 0.1·w₁² + 2·w₂², from (−5, −2)";
        let mut panel = Panel::new(&top, Some(title), &top_legend, top_axes)?;
        panel.contours(|x, y| ellipse.value(&[x, y]), &ellipse_levels())?;
        for (trace, color) in &ellipse_runs {
            let points = path(trace);
            panel.run(&points, Stroke::solid(*color), None)?;
            panel.dots(&points, *color, 2)?;
        }
        let title = "Rosenbrock's valley (1 − x)² + 100·(y − x²)², from (−1.5, 2)";
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

/// One panel of a loss figure: an objective, its start, the step budget and the
/// η of each method, in the order of the methods.
pub struct Problem {
    objective: Box<dyn Objective>,
    start: Vec<f64>,
    steps: usize,
    etas: Vec<f64>,
}

/// The five problems of the loss figures, each with the η of every method.
///
/// `etas` gives, for the bowl, the ellipse, the rotated valley, Rosenbrock's
/// valley and the linear regression, one η per method.
pub fn every_objective(etas: [Vec<f64>; 5]) -> Vec<Problem> {
    let valley = Quadratic::rotated_valley(std::f64::consts::FRAC_PI_6, [0.2, 4.0], [1.0, 1.0]);
    let objectives: [(Box<dyn Objective>, Vec<f64>, usize); 5] = [
        (Box::new(DiagonalQuadratic::bowl()), vec![-4.0, 3.0], 150),
        (Box::new(DiagonalQuadratic::ellipse()), ELLIPSE_START.to_vec(), 300),
        (Box::new(valley), vec![-4.0, -2.0], 300),
        (Box::<Rosenbrock>::default(), ROSENBROCK_START.to_vec(), 5000),
        (Box::new(LinearRegression::course_data()), vec![0.0, 0.0], 300),
    ];
    objectives
        .into_iter()
        .zip(etas)
        .map(|((objective, start, steps), etas)| Problem { objective, start, steps, etas })
        .collect()
}

/// The bottom of every loss panel: J − J* below it is at the level of rounding
/// for objectives whose J* is of order 1 (an ulp of 0.5 is about 10⁻¹⁶).
pub const FLOOR: f64 = 1e-12;

/// J(wₜ) − J* against t for every method on every problem, one panel each, on a
/// log scale; the spare cell holds the legend and `notes`. Each panel's title
/// gives the η of the methods at `titled` (indices into `methods`).
pub fn loss_grid(
    problems: &[Problem],
    methods: &[Method],
    titled: &[usize],
    notes: &[String],
) -> Result<String> {
    let cell_height = 260;
    let rows = problems.len().div_ceil(2) as u32;
    svg(rows * cell_height, |root| {
        let cells = root.split_evenly((rows as usize, 2));
        for (cell, problem) in cells.iter().zip(problems) {
            let objective = problem.objective.as_ref();
            let least = least_value(objective)?;
            let shown: Vec<String> =
                titled.iter().filter_map(|&k| problem.etas.get(k)).map(f64::to_string).collect();
            let title = format!("{}, η = {}", objective.name(), shown.join(" / "));
            let axes = Axes::new((0.0, problem.steps as f64), (FLOOR, 1e3), "step t", "J(wₜ) − J*")
                .log_y()
                .ticks(5, 6)
                .y_label_area(68);
            let mut panel = Panel::new(cell, Some(&title), &[], axes)?;
            for (trace, color) in
                runs(methods, &problem.etas, objective, &problem.start, problem.steps)?
            {
                let losses = excess_losses(&trace, least);
                let stroke = Stroke::solid(color);
                match trace.stop {
                    StopReason::Diverged { .. } => panel.run(&losses, stroke, Some("diverges"))?,
                    _ => panel.line(&losses, stroke)?,
                }
            }
        }
        if let Some(cell) = cells.get(problems.len()) {
            for (k, method) in methods.iter().enumerate() {
                let entry = Entry::new(method.label, method.color, Mark::Line);
                draw_entry(cell, (24, 40 + 26 * k as i32), &entry)?;
            }
            let top = 40 + 26 * methods.len() as i32 + 20;
            for (k, line) in notes.iter().enumerate() {
                let style = font(TEXT_PX).color(&MUTED).pos(Pos::new(HPos::Left, VPos::Center));
                cell.draw(&Text::new(line.clone(), (24, top + 20 * k as i32), style))?;
            }
        }
        Ok(())
    })
}

/// The note under a loss figure's legend about the floor of its log axis.
pub fn floor_note() -> [String; 3] {
    let floor = power_of_ten(FLOOR.log10().round() as i32);
    [
        format!("J − J* below {floor} is rounding noise;"),
        "a line that falls through the bottom".to_owned(),
        "edge has reached it (a log axis has no 0).".to_owned(),
    ]
}

//! The figures of the momentum chapter: heavy-ball paths for several β, momentum
//! beside RMSprop and Adam on the ellipse and Rosenbrock's valley, and the loss
//! curves of the chapter's methods on every objective of the course.

use anyhow::Result;
use gd::{Optimizer, Stop, Trace, minimize};
use momentum::{Adam, Momentum, MomentumConfig};
use objectives::{DiagonalQuadratic, Objective};
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};
use rmsprop::RmsProp;

use super::compare::{
    METHODS, Method, PathRuns, every_objective, floor_note, loss_grid,
    paths_on_ellipse_and_rosenbrock,
};
use super::plot::{
    Entry, GD, Mark, ORANGE, PURPLE, Panel, RIGHT_MARGIN, RMSPROP, Stroke, TEXT_PX, WIDTH, bold,
    equal_aspect_height, header_height, svg,
};
use super::scene::path;
use super::scene::{ELLIPSE_START, ellipse_axes, ellipse_levels};

/// Heavy-ball momentum's colour (orange), for β = 0.9 wherever it appears.
const MOMENTUM: RGBColor = ORANGE;
/// Adam's colour (sky blue, the Okabe–Ito palette's sixth).
const ADAM: RGBColor = RGBColor(86, 180, 233);

/// The loss below which a run counts as arrived, in the legends.
const ARRIVED: f64 = 1e-6;

/// The legend's account of a run on a problem whose least value is 0, by the
/// course's rule for "reached" (held to the end of the run).
fn arrival(trace: &Trace) -> String {
    super::arrival::legend(trace, 0.0, ARRIVED)
}

/// The steps of the paths drawn, and of the runs their legends judge: a run that
/// is below the target at the last step drawn may still climb back, so the legend
/// says where it holds the target over the longer run (the chapter's numbers).
const DRAWN_STEPS: usize = 150;
const JUDGED_STEPS: usize = 1000;

/// Heavy-ball runs on the ellipse with learning rate `eta`, one for each β, over
/// [`JUDGED_STEPS`].
fn heavy_ball_runs(eta: f64, betas: &[(f64, RGBColor)]) -> Result<Vec<(Trace, RGBColor)>> {
    let ellipse = DiagonalQuadratic::ellipse();
    betas
        .iter()
        .map(|&(beta, color)| {
            let mut optimizer = MomentumConfig::new(eta).momentum(beta).build(2)?;
            let stop = Stop::after(JUDGED_STEPS);
            Ok((minimize(&ellipse, &mut optimizer, &ELLIPSE_START, stop), color))
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
            let title = format!("η = {eta}: momentum {what} (first {DRAWN_STEPS} steps)");
            let mut panel = Panel::new(area, Some(&title), legend, axes.clone())?;
            panel.contours(|x, y| ellipse.value(&[x, y]), &ellipse_levels())?;
            for (trace, color) in runs {
                let mut points = path(trace);
                points.truncate(DRAWN_STEPS + 1);
                panel.run(&points, Stroke::solid(*color), None)?;
                panel.dots(&points, *color, 2)?;
            }
            let start = (ELLIPSE_START[0], ELLIPSE_START[1]);
            panel.text(start, (-8, 0), "w₀", bold(TEXT_PX), (HPos::Right, VPos::Center))?;
        }
        Ok(())
    })
}

/// Momentum (β = 0.9), the course's RMSprop and Adam, with their defaults.
const VERSUS: [Method; 3] = [
    Method {
        label: "momentum, β = 0.9",
        color: MOMENTUM,
        build: |eta, n| Ok(Box::new(Momentum::new(eta, n)?) as Box<dyn Optimizer>),
    },
    Method {
        label: "RMSprop, γ = 0.9",
        color: RMSPROP,
        build: |eta, n| Ok(Box::new(RmsProp::new(eta, n)?) as Box<dyn Optimizer>),
    },
    Method {
        label: "Adam, β₁ = 0.9, β₂ = 0.999",
        color: ADAM,
        build: |eta, n| Ok(Box::new(Adam::new(eta, n)?) as Box<dyn Optimizer>),
    },
];

/// Momentum, RMSprop and Adam on the ellipse and on Rosenbrock's valley.
pub fn versus() -> Result<String> {
    paths_on_ellipse_and_rosenbrock(&PathRuns {
        methods: &VERSUS,
        ellipse_etas: &[0.1, 0.05, 0.1],
        rosenbrock_etas: &[0.001, 0.003, 0.01],
        legend: |trace| format!("{}: {}", trace.optimizer, arrival(trace)),
        ellipse_judged_steps: Some(JUDGED_STEPS),
    })
}

/// J(wₜ) − J* against t for gradient descent, RMSprop, momentum and Adam on each
/// objective of the course.
///
/// GD's and RMSprop's η are those of the RMSprop chapter's loss figure; momentum
/// (β = 0.9) and Adam take η = 0.1 everywhere but on Rosenbrock, whose curvature of
/// about 2000 at the start needs 0.001 (η·λ < 2·(1 + β)) and 0.01.
pub fn loss_curves() -> Result<String> {
    let [momentum, rmsprop, adam] = VERSUS;
    let [gd, _, _] = METHODS;
    let methods = [gd, rmsprop, momentum, adam];
    let problems = every_objective([
        vec![0.2, 0.05, 0.1, 0.1],
        vec![0.4, 0.05, 0.1, 0.1],
        vec![0.4, 0.05, 0.1, 0.1],
        vec![0.001, 0.003, 0.001, 0.01],
        vec![0.3, 0.05, 0.1, 0.1],
    ]);
    let mut notes = vec![
        "η fixed by hand, in each title: momentum".to_owned(),
        "/ Adam; GD and".to_owned(),
        "RMSprop as in the RMSprop chapter's figure.".to_owned(),
    ];
    notes.extend(floor_note());
    loss_grid(&problems, &methods, &[2, 3], &notes)
}

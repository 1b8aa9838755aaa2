//! The figures of the RMSprop chapter: the three methods side by side, and the
//! running average that makes RMSprop forget.

use adagrad::Adagrad;
use anyhow::Result;
use gd::{GradientDescent, Optimizer, Stop, Trace, minimize};
use objectives::{DiagonalQuadratic, Objective, Rosenbrock};
use plotters::style::text_anchor::{HPos, VPos};
use rmsprop::{RmsProp, RmsPropConfig};

use super::gradient_descent::{ELLIPSE_START, ellipse_axes, ellipse_levels};
use super::path;
use super::plot::{
    ADAGRAD, Axes, Entry, GD, INK, MUTED, Mark, ORANGE, PURPLE, Panel, RIGHT_MARGIN, RMSPROP,
    Stroke, TEXT_PX, WIDTH, bold, equal_aspect_height, font, header_height, number, svg,
};

/// Where the course starts Rosenbrock's function.
pub const ROSENBROCK_START: [f64; 2] = [-1.5, 2.0];

/// The three methods' runs on `objective` from `start`, each with its own η.
fn three_runs(
    objective: &dyn Objective,
    start: &[f64],
    etas: [f64; 3],
    steps: usize,
) -> Result<[(Trace, plotters::style::RGBColor); 3]> {
    let mut optimizers: [Box<dyn Optimizer>; 3] = [
        Box::new(GradientDescent::new(etas[0])?),
        Box::new(Adagrad::new(etas[1], 2)?),
        Box::new(RmsProp::new(etas[2], 2)?),
    ];
    let colors = [GD, ADAGRAD, RMSPROP];
    let [a, b, c] = std::array::from_fn(|k| {
        minimize(objective, optimizers[k].as_mut(), start, Stop::after(steps))
    });
    Ok([(a, colors[0]), (b, colors[1]), (c, colors[2])])
}

fn legend_of(runs: &[(Trace, plotters::style::RGBColor)]) -> Vec<Entry> {
    runs.iter()
        .map(|(trace, color)| {
            Entry::new(format!("{}, {} steps", trace.optimizer, trace.steps()), *color, Mark::Line)
        })
        .collect()
}

/// Gradient descent, Adagrad and RMSprop on the ellipse and on Rosenbrock's valley.
pub fn paths() -> Result<String> {
    let ellipse = DiagonalQuadratic::ellipse();
    let ellipse_runs = three_runs(&ellipse, &ELLIPSE_START, [0.4, 0.4, 0.05], 150)?;
    let rosenbrock = Rosenbrock::default();
    let rosenbrock_runs = three_runs(&rosenbrock, &ROSENBROCK_START, [0.001, 0.5, 0.003], 2000)?;
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
        let mut panel = Panel::new(
            &top,
            Some("The ellipse 0.1·w₁² + 2·w₂², from (−5, −2)"),
            &top_legend,
            top_axes,
        )?;
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

/// The decays shown, each with its colour.
const DECAYS: [(f64, plotters::style::RGBColor); 3] =
    [(0.5, ORANGE), (0.9, RMSPROP), (0.99, PURPLE)];

/// The weight RMSprop's running average gives the squared gradient of k steps ago,
/// for k = 0…`horizon`, measured on the optimizer itself: one unit gradient, then
/// zeros, leaves G = (1 − γ)·γᵏ after k more steps.
fn average_weights(decay: f64, horizon: usize) -> Result<Vec<(f64, f64)>> {
    // η only scales the (irrelevant) steps of w; G does not depend on it.
    let mut rmsprop = RmsPropConfig::new(1.0).decay(decay).build(1)?;
    let mut w = [0.0];
    rmsprop.step(&mut w, &[1.0]);
    let mut weights = vec![(0.0, rmsprop.accumulator()[0])];
    for k in 1..=horizon {
        rmsprop.step(&mut w, &[0.0]);
        weights.push((k as f64, rmsprop.accumulator()[0]));
    }
    Ok(weights)
}

/// The running average's weights (1 − γ)·γᵏ and its memory 1/(1 − γ); RMSprop's
/// path on the ellipse for each γ.
pub fn running_average() -> Result<String> {
    let horizon = 150;
    let eta = 0.05;
    let ellipse = DiagonalQuadratic::ellipse();
    let mut weight_legend = Vec::new();
    let mut weights = Vec::new();
    let mut runs = Vec::new();
    for (decay, color) in DECAYS {
        weights.push((average_weights(decay, horizon)?, decay, color));
        let mut rmsprop = RmsPropConfig::new(eta).decay(decay).build(2)?;
        let trace = minimize(&ellipse, &mut rmsprop, &ELLIPSE_START, Stop::after(150));
        let label = format!("γ = {decay}: memory 1/(1 − γ) = {} steps", number(memory(decay)));
        weight_legend.push(Entry::new(label, color, Mark::Line));
        runs.push((trace, color));
    }
    weight_legend.push(Entry::new("at k = 1/(1 − γ)", MUTED, Mark::Dashed));
    let path_legend: Vec<Entry> = runs
        .iter()
        .map(|(trace, color)| {
            Entry::new(format!("{}, {} steps", trace.optimizer, trace.steps()), *color, Mark::Line)
        })
        .collect();
    let weight_axes =
        Axes::new((0.0, horizon as f64), (1e-5, 1.0), "k, steps ago", "weight of g²ₜ₋ₖ in G")
            .log_y()
            .ticks(8, 6);
    let path_axes = ellipse_axes();
    let plot_width = (WIDTH - path_axes.y_label_area - RIGHT_MARGIN) as i32;
    let top_height = header_height(Some(""), &weight_legend, plot_width) + 260;
    let bottom_height =
        equal_aspect_height(WIDTH, header_height(Some(""), &path_legend, plot_width), &path_axes);
    svg(top_height + bottom_height, |root| {
        let (top, bottom) = root.split_vertically(top_height);
        let title = "The weights (1 − γ)·γᵏ of the running average G";
        let mut panel = Panel::new(&top, Some(title), &weight_legend, weight_axes)?;
        for (points, decay, color) in &weights {
            let k = memory(*decay);
            panel.line(&[(k, 1e-5), (k, 1.0)], Stroke::dashed(*color).width(1))?;
            // Weights below the frame are cut at its bottom edge: they only keep falling.
            panel.line(points, Stroke::solid(*color))?;
        }
        let title = format!("RMSprop on the ellipse, η = {eta}, for each γ");
        let mut panel = Panel::new(&bottom, Some(&title), &path_legend, path_axes)?;
        panel.contours(|x, y| ellipse.value(&[x, y]), &ellipse_levels())?;
        for (trace, color) in &runs {
            let points = path(trace);
            panel.run(&points, Stroke::solid(*color), None)?;
            panel.dots(&points, *color, 2)?;
        }
        panel.text(
            (ELLIPSE_START[0], ELLIPSE_START[1]),
            (-8, 0),
            "w₀",
            bold(TEXT_PX),
            (HPos::Right, VPos::Center),
        )?;
        Ok(())
    })
}

/// The effective memory 1/(1 − γ), in steps.
fn memory(decay: f64) -> f64 {
    1.0 / (1.0 - decay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measured_weights_are_one_minus_gamma_times_gamma_to_the_k() {
        for (decay, _) in DECAYS {
            for (k, weight) in average_weights(decay, 60).unwrap() {
                // G is k products by γ of (1 − γ): each rounds once, so the
                // relative error is at most about k ulps.
                let expected = (1.0 - decay) * decay.powi(k as i32);
                approx::assert_relative_eq!(weight, expected, max_relative = 1e-13);
            }
        }
    }

    #[test]
    fn the_weights_sum_to_one_over_a_long_memory() {
        // Σₖ (1 − γ)·γᵏ = 1 − γ^(K+1): within 1e-6 of 1 once γ^(K+1) < 1e-6.
        let total: f64 = average_weights(0.9, 200).unwrap().iter().map(|(_, w)| w).sum();
        approx::assert_abs_diff_eq!(total, 1.0, epsilon = 1e-6);
    }
}

//! The figures of the RMSprop chapter: the three methods side by side, and the
//! running average that makes RMSprop forget.

use anyhow::Result;
use gd::{Optimizer, Stop, minimize};
use objectives::{DiagonalQuadratic, Objective};
use plotters::style::text_anchor::{HPos, VPos};
use rmsprop::RmsPropConfig;

use super::compare::{METHODS, PathRuns, paths_on_ellipse_and_rosenbrock};
use super::plot::{
    Axes, Entry, MUTED, Mark, ORANGE, PURPLE, Panel, RIGHT_MARGIN, RMSPROP, Stroke, TEXT_PX, WIDTH,
    bold, equal_aspect_height, header_height, number, svg,
};
use super::scene::{ELLIPSE_START, ellipse_axes, ellipse_levels, path};

/// Gradient descent, Adagrad and RMSprop on the ellipse and on Rosenbrock's valley.
pub fn paths() -> Result<String> {
    paths_on_ellipse_and_rosenbrock(&PathRuns {
        methods: &METHODS,
        ellipse_etas: &[0.4, 0.4, 0.05],
        rosenbrock_etas: &[0.001, 0.5, 0.003],
        legend: |trace| format!("{}, {} steps", trace.optimizer, trace.steps()),
        ellipse_judged_steps: None,
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

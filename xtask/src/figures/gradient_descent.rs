//! The figures of the gradient-descent chapter: the update w ← w − η·∇J(w) on the
//! bowl, three learning rates on the parabola, and one rate for both weights of the
//! ellipse.

use anyhow::Result;
use gd::{GradientDescent, Optimizer, Stop, minimize};
use objectives::{DiagonalQuadratic, Objective};
use plotters::style::text_anchor::{HPos, VPos};

use super::plot::{
    Axes, CONTOUR, Entry, GD, INK, MUTED, Mark, ORANGE, PURPLE, Panel, RIGHT_MARGIN, Stroke,
    TEXT_PX, WIDTH, bold, equal_aspect_height, font, header_height, number, svg,
};
use super::scene::{ELLIPSE_START, ellipse_axes, ellipse_levels, excess_losses, least_value, path};

/// Where the bowl's run starts.
const BOWL_START: [f64; 2] = [-4.0, 3.0];
/// Gradient descent on the bowl ½(w₁² + w₂²): straight down the slope, each step a
/// fixed fraction of the way.
pub fn bowl() -> Result<String> {
    let bowl = DiagonalQuadratic::bowl();
    let eta = 0.2;
    let trace = minimize(&bowl, &mut GradientDescent::new(eta)?, &BOWL_START, Stop::after(30));
    let points = path(&trace);
    let axes = Axes::new((-5.0, 3.0), (-1.5, 3.5), "w₁", "w₂").no_grid().ticks(9, 6);
    let legend = [
        Entry::new(format!("{}, {} steps", trace.optimizer, trace.steps()), GD, Mark::Path),
        Entry::new("contours of J(w) = ½(w₁² + w₂²)", CONTOUR, Mark::Line),
    ];
    let plot_width = (WIDTH - axes.y_label_area - RIGHT_MARGIN) as i32;
    let height = equal_aspect_height(WIDTH, header_height(None, &legend, plot_width), &axes);
    let curvature = bowl.curvatures()[0];
    svg(height, |root| {
        let mut panel = Panel::new(root, None, &legend, axes)?;
        let levels: Vec<f64> = (1..=10).map(|k| bowl.value(&[0.5 * f64::from(k), 0.0])).collect();
        panel.contours(|x, y| bowl.value(&[x, y]), &levels)?;
        panel.run(&points, Stroke::solid(GD), None)?;
        panel.dots(&points, GD, 3)?;
        let (w0, w1) = (points[0], points[1]);
        panel.text(w0, (-8, 0), "w₀", bold(TEXT_PX), (HPos::Right, VPos::Center))?;
        panel.text(
            w1,
            (10, -6),
            "w₁ = w₀ − η·∇J(w₀)",
            font(TEXT_PX),
            (HPos::Left, VPos::Bottom),
        )?;
        panel.dots(&[(0.0, 0.0)], INK, 4)?;
        panel.text((0.0, 0.0), (10, 10), "minimum", font(TEXT_PX), (HPos::Left, VPos::Top))?;
        let shrink = 1.0 - eta * curvature;
        let note = format!(
            "η = {eta}, curvature λ = {curvature}: each step multiplies w by 1 − ηλ = {shrink}"
        );
        panel.text(
            (3.0, -1.5),
            (-8, -8),
            &note,
            font(TEXT_PX).color(&MUTED),
            (HPos::Right, VPos::Bottom),
        )?;
        Ok(())
    })
}

/// One learning rate too small, one right and one too big, on the parabola ½w².
pub fn learning_rates() -> Result<String> {
    let parabola = DiagonalQuadratic::parabola();
    let curvature = parabola.curvatures()[0];
    let start = [3.0];
    let runs = [(0.1, ORANGE, "crawls"), (0.8, GD, "converges"), (2.5, PURPLE, "diverges")];
    let mut traces = Vec::new();
    for (eta, color, verdict) in runs {
        let mut gd = GradientDescent::new(eta)?;
        let name = gd.name();
        traces.push((
            minimize(&parabola, &mut gd, &start, Stop::after(40)),
            name,
            eta,
            color,
            verdict,
        ));
    }
    let least = least_value(&parabola)?;
    let top_height = 250;
    let loss_axes = Axes::new((0.0, 40.0), (1e-16, 1e4), "step t", "J(wₜ)").log_y().ticks(9, 6);
    let legend: Vec<Entry> = traces
        .iter()
        .map(|(_, name, _, color, _)| Entry::new(name.clone(), *color, Mark::Line))
        .collect();
    let plot_width = (WIDTH - loss_axes.y_label_area - RIGHT_MARGIN) as i32;
    let bottom_height = header_height(Some(""), &legend, plot_width) + 230;
    svg(top_height + bottom_height, |root| {
        let (top, bottom) = root.split_vertically(top_height);
        let panels = top.split_evenly((1, 3));
        for (area, (trace, _, eta, color, verdict)) in panels.iter().zip(&traces) {
            let factor = 1.0 - eta * curvature;
            let title = format!("η = {eta}: w ← {}·w", number(factor));
            let axes = Axes::new((-7.0, 7.0), (0.0, 12.0), "w", "J(w)")
                .no_grid()
                .ticks(5, 4)
                .y_label_area(44);
            let mut panel = Panel::new(area, Some(&title), &[], axes)?;
            let curve: Vec<(f64, f64)> = (0..=280)
                .map(|k| -7.0 + 0.05 * f64::from(k))
                .map(|w| (w, parabola.value(&[w])))
                .collect();
            panel.line(&curve, Stroke::solid(CONTOUR))?;
            let points: Vec<(f64, f64)> =
                trace.iterates.iter().zip(&trace.losses).map(|(w, j)| (w[0], *j)).collect();
            // |1 − ηλ| > 1: each step multiplies the distance to the minimum.
            if factor.abs() > 1.0 {
                panel.run(&points, Stroke::solid(*color), None)?;
            } else {
                panel.line(&points, Stroke::solid(*color))?;
            }
            panel.dots(&points, *color, 3)?;
            let style = bold(TEXT_PX).color(color);
            panel.text((-7.0, 0.0), (6, -4), verdict, style, (HPos::Left, VPos::Bottom))?;
        }
        let mut panel =
            Panel::new(&bottom, Some("The loss against the step (log scale)"), &legend, loss_axes)?;
        for (trace, _, eta, color, _) in &traces {
            let losses = excess_losses(trace, least);
            if (1.0 - eta * curvature).abs() > 1.0 {
                panel.run(&losses, Stroke::solid(*color), Some("diverges"))?;
            } else {
                panel.line(&losses, Stroke::solid(*color))?;
            }
        }
        Ok(())
    })
}

/// One learning rate for both weights of the ellipse 0.1·w₁² + 2·w₂²: a zig-zag
/// across the steep w₂ while w₁ crawls.
pub fn ellipse() -> Result<String> {
    let ellipse = DiagonalQuadratic::ellipse();
    let eta = 0.4;
    let trace =
        minimize(&ellipse, &mut GradientDescent::new(eta)?, &ELLIPSE_START, Stop::after(50));
    let points = path(&trace);
    let axes = ellipse_axes();
    let legend = [
        Entry::new(format!("{}, {} steps", trace.optimizer, trace.steps()), GD, Mark::Path),
        Entry::new("contours of J(w) = 0.1·w₁² + 2·w₂²", CONTOUR, Mark::Line),
    ];
    let plot_width = (WIDTH - axes.y_label_area - RIGHT_MARGIN) as i32;
    let height = equal_aspect_height(WIDTH, header_height(None, &legend, plot_width), &axes);
    let [shallow, steep] = [ellipse.curvatures()[0], ellipse.curvatures()[1]];
    svg(height, |root| {
        let mut panel = Panel::new(root, None, &legend, axes)?;
        panel.contours(|x, y| ellipse.value(&[x, y]), &ellipse_levels())?;
        panel.run(&points, Stroke::solid(GD), None)?;
        panel.dots(&points, GD, 3)?;
        panel.text(points[0], (-8, 0), "w₀", bold(TEXT_PX), (HPos::Right, VPos::Center))?;
        let notes = [
            format!(
                "steep w₂ (λ = {steep}): × (1 − ηλ) = {} per step, a zig-zag",
                number(1.0 - eta * steep)
            ),
            format!(
                "shallow w₁ (λ = {shallow}): × (1 − ηλ) = {} per step, a crawl",
                number(1.0 - eta * shallow)
            ),
        ];
        for (k, note) in notes.iter().enumerate() {
            let offset = (-8, 8 + 20 * k as i32);
            panel.text((2.0, 2.5), offset, note, font(TEXT_PX), (HPos::Right, VPos::Top))?;
        }
        Ok(())
    })
}

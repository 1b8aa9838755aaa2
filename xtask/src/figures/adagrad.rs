//! The figures of the Adagrad chapter: a learning rate per weight, the path it
//! evens out, and the stall that comes from a sum that only grows.

use adagrad::Adagrad;
use anyhow::Result;
use gd::{GradientDescent, Optimizer, Stop, minimize};
use objectives::{DiagonalQuadratic, Objective};
use plotters::style::text_anchor::{HPos, VPos};
use rmsprop::RmsProp;

use super::plot::{
    ADAGRAD, Axes, CONTOUR, Entry, GD, MUTED, Mark, PURPLE, Panel, RIGHT_MARGIN, RMSPROP, Stroke,
    TEXT_PX, WIDTH, bold, equal_aspect_height, font, header_height, svg,
};
use super::scene::{ELLIPSE_START, ellipse_axes, ellipse_levels, excess_losses, least_value, path};

/// Adagrad's effective learning rate η/√(G_j + ε) of each weight of the ellipse,
/// step by step, beside gradient descent's single η.
pub fn rates() -> Result<String> {
    let ellipse = DiagonalQuadratic::ellipse();
    let eta = 0.4;
    let steps = 100;
    let trace = minimize(&ellipse, &mut Adagrad::new(eta, 2)?, &ELLIPSE_START, Stop::after(steps));
    let [shallow, steep] = [ellipse.curvatures()[0], ellipse.curvatures()[1]];
    // effective_learning_rates[t] holds the rates of step t + 1.
    let rate = |j: usize| -> Vec<(f64, f64)> {
        trace
            .effective_learning_rates
            .iter()
            .enumerate()
            .map(|(t, rates)| ((t + 1) as f64, rates[j]))
            .collect()
    };
    let gd_name = GradientDescent::new(eta)?.name();
    let legend = [
        Entry::new(format!("w₁, shallow (λ = {shallow})"), ADAGRAD, Mark::Line),
        Entry::new(format!("w₂, steep (λ = {steep})"), PURPLE, Mark::Line),
        Entry::new(format!("{gd_name}: one rate for both"), GD, Mark::Dashed),
    ];
    let title = format!("{} on the ellipse from (−5, −2)", trace.optimizer);
    let axes = Axes::new((0.0, steps as f64), (0.0, 0.45), "step t", "η / √(Gⱼ + ε)").ticks(10, 9);
    svg(330, |root| {
        let mut panel = Panel::new(root, Some(&title), &legend, axes)?;
        panel.line(&[(0.0, eta), (steps as f64, eta)], Stroke::dashed(GD))?;
        for (j, color) in [(0, ADAGRAD), (1, PURPLE)] {
            let points = rate(j);
            panel.line(&points, Stroke::solid(color))?;
            if let Some(&(t, last)) = points.last() {
                let note = format!("w{}: {last:.3} at step {t}", ["₁", "₂"][j]);
                panel.text(
                    (t, last),
                    (-4, -6),
                    &note,
                    font(TEXT_PX).color(&color),
                    (HPos::Right, VPos::Bottom),
                )?;
            }
        }
        Ok(())
    })
}

/// Adagrad beside gradient descent on the ellipse, with the same η: each weight
/// moves at a similar pace, so the path heads for the minimum without zig-zag.
pub fn versus_gd() -> Result<String> {
    let ellipse = DiagonalQuadratic::ellipse();
    let eta = 0.4;
    let steps = 60;
    let gd =
        minimize(&ellipse, &mut GradientDescent::new(eta)?, &ELLIPSE_START, Stop::after(steps));
    let adagrad =
        minimize(&ellipse, &mut Adagrad::new(eta, 2)?, &ELLIPSE_START, Stop::after(steps));
    let axes = ellipse_axes();
    let legend = [
        Entry::new(format!("{}, {} steps", gd.optimizer, gd.steps()), GD, Mark::Path),
        Entry::new(
            format!("{}, {} steps", adagrad.optimizer, adagrad.steps()),
            ADAGRAD,
            Mark::Path,
        ),
        Entry::new("contours of J", CONTOUR, Mark::Line),
    ];
    let plot_width = (WIDTH - axes.y_label_area - RIGHT_MARGIN) as i32;
    let height = equal_aspect_height(WIDTH, header_height(None, &legend, plot_width), &axes);
    svg(height, |root| {
        let mut panel = Panel::new(root, None, &legend, axes)?;
        panel.contours(|x, y| ellipse.value(&[x, y]), &ellipse_levels())?;
        for (trace, color) in [(&gd, GD), (&adagrad, ADAGRAD)] {
            let points = path(trace);
            panel.run(&points, Stroke::solid(color), None)?;
            panel.dots(&points, color, 3)?;
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

/// Adagrad stalls: its effective rate falls like 1/√t, so with a small η it stops
/// short of the minimum that RMSprop, with the same η, reaches.
pub fn stall() -> Result<String> {
    let ellipse = DiagonalQuadratic::ellipse();
    let eta = 0.05;
    let steps = 1000;
    let adagrad =
        minimize(&ellipse, &mut Adagrad::new(eta, 2)?, &ELLIPSE_START, Stop::after(steps));
    let rmsprop =
        minimize(&ellipse, &mut RmsProp::new(eta, 2)?, &ELLIPSE_START, Stop::after(steps));
    let least = least_value(&ellipse)?;
    // w₁'s rate, against the step that used it.
    let shallow_rate = |trace: &gd::Trace| -> Vec<(f64, f64)> {
        trace
            .effective_learning_rates
            .iter()
            .enumerate()
            .map(|(t, rates)| ((t + 1) as f64, rates[0]))
            .collect()
    };
    // Under a constant gradient g, G = t·g² after t steps and the rate is
    // η/(|g|·√t): the reference line, with g the first gradient of w₁.
    let mut g0 = [0.0; 2];
    ellipse.gradient(&ELLIPSE_START, &mut g0);
    let reference: Vec<(f64, f64)> =
        (1..=steps).map(|t| (t as f64, eta / (g0[0].abs() * (t as f64).sqrt()))).collect();
    let rate_legend = [
        Entry::new(format!("{}: rate of w₁", adagrad.optimizer), ADAGRAD, Mark::Line),
        Entry::new(format!("{}: rate of w₁", rmsprop.optimizer), RMSPROP, Mark::Line),
        Entry::new("η/(|g₀|·√t)", MUTED, Mark::Dashed),
    ];
    let loss_legend = [
        Entry::new(adagrad.optimizer.clone(), ADAGRAD, Mark::Line),
        Entry::new(rmsprop.optimizer.clone(), RMSPROP, Mark::Line),
    ];
    let rate_axes =
        Axes::new((1.0, steps as f64), (1e-3, 1e2), "step t (log scale)", "η / √(G₁ + ε)")
            .log_x()
            .log_y();
    let loss_axes =
        Axes::new((0.0, steps as f64), (1e-4, 1e2), "step t", "J(wₜ)").log_y().ticks(10, 6);
    let plot_width = (WIDTH - rate_axes.y_label_area - RIGHT_MARGIN) as i32;
    let rate_height = header_height(Some(""), &rate_legend, plot_width) + 240;
    let loss_height = header_height(Some(""), &loss_legend, plot_width) + 240;
    svg(rate_height + loss_height, |root| {
        let (top, bottom) = root.split_vertically(rate_height);
        let title = "Adagrad's rate falls like 1/√t; RMSprop's rises as the gradient shrinks";
        let mut panel = Panel::new(&top, Some(title), &rate_legend, rate_axes)?;
        panel.line(&reference, Stroke::dashed(MUTED))?;
        panel.line(&shallow_rate(&adagrad), Stroke::solid(ADAGRAD))?;
        panel.line(&shallow_rate(&rmsprop), Stroke::solid(RMSPROP))?;
        let title = format!("The loss on the ellipse: Adagrad stops short after {steps} steps");
        let mut panel = Panel::new(&bottom, Some(&title), &loss_legend, loss_axes)?;
        panel.line(&excess_losses(&adagrad, least), Stroke::solid(ADAGRAD))?;
        panel.line(&excess_losses(&rmsprop, least), Stroke::solid(RMSPROP))?;
        if let Some(&last) = rmsprop.losses.last() {
            let note = "RMSprop hovers: its steps stay about η long";
            let style = font(TEXT_PX).color(&RMSPROP);
            panel.text((steps as f64, last), (-4, -8), note, style, (HPos::Right, VPos::Bottom))?;
        }
        if let Some(&last) = adagrad.losses.last() {
            let note = format!("J = {last:.2} after {steps} steps");
            let style = font(TEXT_PX).color(&ADAGRAD);
            panel.text(
                (steps as f64, last),
                (-4, -10),
                &note,
                style,
                (HPos::Right, VPos::Bottom),
            )?;
        }
        Ok(())
    })
}

//! The learning-rate windows of the chapter "When adapting pays": each method of
//! the course swept over a log grid of η on each problem, and the figures and the
//! table drawn from those sweeps.
//!
//! The sweeps are computed by `cargo xtask sweeps` and read from its record
//! ([`super::swept`]), shared by the figures and the numbers of the prose.

use anyhow::{Result, anyhow};
use objectives::{DiagonalQuadratic, Scaled};
use plotters::style::text_anchor::{HPos, VPos};
use sweep::{Budget, METHODS, Outcome, log_grid};

use super::format::eta_text;
use super::plot::{
    ADAGRAD, Axes, COLORS, Entry, GD, INK, MUTED, Mark, Marker, Panel, Stroke, TEXT_PX, font,
    power_of_ten, svg,
};
use super::swept::{Swept, sweeps, swept};

/// Steps to the target against η for every method on one problem: a line through
/// the learning rates that reached the target, × where a run diverged and ○ where
/// it ended short of the target (stalled or out of budget), each method on its own
/// row above the frame's top. A dashed line marks 2/L where it is known.
pub fn figure(key: &str) -> Result<String> {
    let swept = swept(key)?;
    let problem = &swept.problem;
    let budget = problem.budget.max_steps as f64;
    let (low, high) = (problem.grid[0], problem.grid[problem.grid.len() - 1]);
    // The failure rows sit above the budget: row k at budget·1.5^(k + 1).
    let row = |k: usize| budget * 1.5f64.powi(k as i32 + 1);
    let top = row(METHODS.len());
    let mut legend: Vec<Entry> = METHODS
        .iter()
        .zip(COLORS)
        .map(|(method, color)| Entry::new(method.name, color, Mark::Path))
        .collect();
    legend.push(Entry::new("diverged", INK, Mark::Cross));
    legend.push(Entry::new("did not reach the target", INK, Mark::Ring));
    if problem.two_over_l.is_some() {
        legend.push(Entry::new("η = 2/L", MUTED, Mark::Dashed));
    }
    let target = power_of_ten(problem.budget.target.log10().round() as i32);
    let title = format!("{}: steps until J − J* < {target} stays, against η", problem.title);
    let axes = Axes::new((low / 1.2, high * 1.2), (1.0, top * 1.2), "learning rate η", "steps")
        .log_x()
        .log_y()
        .ticks(8, 6);
    svg(420, |root| {
        let mut panel = Panel::new(root, Some(&title), &legend, axes)?;
        if let Some(edge) = problem.two_over_l {
            panel.line(&[(edge, 1.0), (edge, budget)], Stroke::dashed(MUTED))?;
            panel.text(
                (edge, 1.0),
                (4, -6),
                "2/L",
                font(TEXT_PX).color(&MUTED),
                (HPos::Left, VPos::Bottom),
            )?;
        }
        panel.line(&[(low / 1.2, budget), (high * 1.2, budget)], Stroke::solid(MUTED).width(1))?;
        panel.text(
            (low / 1.2, budget),
            (4, 4),
            "budget",
            font(TEXT_PX).color(&MUTED),
            (HPos::Left, VPos::Top),
        )?;
        for (k, (outcomes, color)) in swept.outcomes.iter().zip(COLORS).enumerate() {
            let mut segment: Vec<(f64, f64)> = Vec::new();
            let (mut diverged, mut short) = (Vec::new(), Vec::new());
            for (&eta, outcome) in problem.grid.iter().zip(outcomes) {
                match outcome {
                    Outcome::Reached { step } => segment.push((eta, (*step).max(1) as f64)),
                    other => {
                        if segment.len() > 1 {
                            panel.line(&segment, Stroke::solid(color))?;
                        }
                        panel.dots(&segment, color, 3)?;
                        segment.clear();
                        match other {
                            Outcome::Diverged { .. } => diverged.push((eta, row(k))),
                            _ => short.push((eta, row(k))),
                        }
                    }
                }
            }
            if segment.len() > 1 {
                panel.line(&segment, Stroke::solid(color))?;
            }
            panel.dots(&segment, color, 3)?;
            panel.markers(&diverged, color, Marker::Cross, 4)?;
            panel.markers(&short, color, Marker::Ring, 4)?;
        }
        Ok(())
    })
}

/// The window of one method: "η from a to b (n points)", or that none reached.
fn window_text(swept: &Swept, k: usize) -> String {
    match swept.window(k) {
        Some((low, high, count)) => {
            format!(
                "{}–{} ({count} of {})",
                eta_text(low),
                eta_text(high),
                swept.problem.grid.len()
            )
        }
        None => "none".to_owned(),
    }
}

/// The table of every method at its best η on every problem, as Markdown, with the
/// window each method reached the target in.
pub fn best_table() -> Result<String> {
    let mut out = String::from(
        "| problem | method | best η | steps at the best η | η that reach the target (of the grid) |\n\
         |---|---|---|---|---|\n",
    );
    for swept in sweeps()? {
        for (k, method) in METHODS.iter().enumerate() {
            let (eta, steps) = match swept.best(k) {
                Some((eta, steps)) => (eta_text(eta), steps.to_string()),
                None => ("—".to_owned(), "never".to_owned()),
            };
            out.push_str(&format!(
                "| {} | {} | {eta} | {steps} | {} |\n",
                swept.problem.key,
                method.name,
                window_text(swept, k)
            ));
        }
    }
    Ok(out)
}

/// The factors c of the scaled-cost figure, and how each one's lines are drawn.
const SCALES: [(f64, &str); 3] = [(0.01, "c = 0.01"), (1.0, "c = 1"), (100.0, "c = 100")];

/// The outcomes of a sweep for each of several settings: `[setting][η]`.
pub type Sweeps = Vec<Vec<Outcome>>;

/// The η grid and the outcomes of gradient descent and Adagrad on c·J for each c
/// of [`SCALES`] (J the ellipse), each with the target c·10⁻⁶: `[method][scale]`.
pub fn scaled_sweeps() -> Result<(Vec<f64>, Vec<Sweeps>)> {
    let grid = log_grid(-6, 4, 10);
    let methods = [sweep::GRADIENT_DESCENT, sweep::ADAGRAD];
    let outcomes = methods
        .iter()
        .map(|&method| {
            SCALES
                .iter()
                .map(|&(c, _)| {
                    let objective = Scaled::new(DiagonalQuadratic::ellipse(), c);
                    let budget = Budget { target: c * Budget::SUMMARY.target, ..Budget::SUMMARY };
                    sweep::sweep(&objective, &[-5.0, -2.0], 0.0, method, &grid, budget)
                        .map(|runs| runs.into_iter().map(|r| r.outcome).collect())
                        .map_err(|e| anyhow!("{}: {e}", method.name))
                })
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((grid, outcomes))
}

/// Steps against η for gradient descent and Adagrad on c·J, the ellipse multiplied
/// by c = 0.01, 1 and 100 (the target multiplied by c too): gradient descent's
/// window moves by 1/c, Adagrad's stays.
pub fn scaled_figure() -> Result<String> {
    let (grid, outcomes) = scaled_sweeps()?;
    let widths = [1, 3, 2];
    let dashed = [false, false, true];
    let mut legend = Vec::new();
    for (name, color) in [("gradient descent", GD), ("Adagrad", ADAGRAD)] {
        for (k, (_, label)) in SCALES.iter().enumerate() {
            let mark = if dashed[k] { Mark::Dashed } else { Mark::Line };
            legend.push(Entry::new(format!("{name}, {label}"), color, mark));
        }
    }
    let budget = Budget::SUMMARY.max_steps as f64;
    let (low, high) = (grid[0], grid[grid.len() - 1]);
    let title = "c·J for the ellipse J: steps until c·J − c·J* < c·10⁻⁶ stays, against η";
    let axes = Axes::new((low, high), (1.0, budget), "learning rate η", "steps")
        .log_x()
        .log_y()
        .ticks(11, 5);
    svg(440, |root| {
        let mut panel = Panel::new(root, Some(title), &legend, axes)?;
        for (method, color) in outcomes.iter().zip([GD, ADAGRAD]) {
            for (k, scale) in method.iter().enumerate() {
                let stroke = if dashed[k] { Stroke::dashed(color) } else { Stroke::solid(color) };
                let mut segment = Vec::new();
                for (&eta, outcome) in grid.iter().zip(scale) {
                    match outcome.steps() {
                        Some(steps) => segment.push((eta, steps.max(1) as f64)),
                        None => {
                            panel.line(&segment, stroke.width(widths[k]))?;
                            segment.clear();
                        }
                    }
                }
                panel.line(&segment, stroke.width(widths[k]))?;
            }
        }
        let note = "Adagrad: the three lines lie on top of each other";
        panel.text(
            (1.0, 30.0),
            (8, 0),
            note,
            font(TEXT_PX).color(&ADAGRAD),
            (HPos::Left, VPos::Center),
        )?;
        Ok(())
    })
}

/// Method k's best η on a swept problem or, if no η reached the target, the one
/// whose run ended closest to it (the smallest last gap): the η a reader who tuned
/// it on this problem would pick.
pub fn best_or_closest(swept: &Swept, k: usize) -> Option<f64> {
    if let Some((eta, _)) = swept.best(k) {
        return Some(eta);
    }
    swept
        .problem
        .grid
        .iter()
        .zip(&swept.outcomes[k])
        .filter_map(|(&eta, outcome)| match outcome {
            Outcome::Stalled { gap } | Outcome::BudgetSpent { gap } => Some((eta, *gap)),
            _ => None,
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(eta, _)| eta)
}

/// J − J* against the step, on log–log axes, for every method at its own best η
/// (from the sweeps) on every problem of the sweeps: the comparison the fixed-η
/// loss figures of the RMSprop and momentum chapters cannot make.
pub fn best_loss_curves() -> Result<String> {
    let sweeps = sweeps()?;
    let cell_height = 270;
    // One cell per problem and one for the legend.
    let rows = (sweeps.len() + 1).div_ceil(2);
    let floor = 1e-12;
    svg(rows as u32 * cell_height, |root| {
        let cells = root.split_evenly((rows, 2));
        for (cell, swept) in cells.iter().zip(sweeps) {
            let problem = &swept.problem;
            let steps = problem.budget.max_steps;
            let start_gap = problem.objective.value(&problem.start) - problem.minimum;
            let top = 10f64.powf(start_gap.log10().ceil() + 1.0);
            // Step t at 1 + t, so that the start has a place on the log axis.
            let axes =
                Axes::new((1.0, steps as f64 + 1.0), (floor, top), "1 + step t", "J(wₜ) − J*")
                    .log_x()
                    .log_y()
                    .ticks(5, 5)
                    .y_label_area(68);
            let mut panel = Panel::new(cell, Some(problem.key), &[], axes)?;
            for (k, (method, color)) in METHODS.iter().zip(COLORS).enumerate() {
                let Some(eta) = best_or_closest(swept, k) else { continue };
                let mut optimizer = (method.build)(eta, problem.objective.dimension())?;
                let trace = gd::minimize(
                    problem.objective.as_ref(),
                    optimizer.as_mut(),
                    &problem.start,
                    gd::Stop::after(steps),
                );
                let gaps: Vec<(f64, f64)> = trace
                    .losses
                    .iter()
                    .enumerate()
                    .map(|(t, loss)| {
                        (1.0 + t as f64, (loss - problem.minimum).max(f64::MIN_POSITIVE))
                    })
                    .collect();
                panel.run(&gaps, Stroke::solid(color), None)?;
            }
        }
        if let Some(cell) = cells.get(sweeps.len()) {
            let legend: Vec<Entry> = METHODS
                .iter()
                .zip(COLORS)
                .map(|(method, color)| Entry::new(method.name, color, Mark::Line))
                .collect();
            for (k, entry) in legend.iter().enumerate() {
                super::plot::draw_entry(cell, (24, 30 + 24 * k as i32), entry)?;
            }
            let notes = [
                "Each method at its own best η on each",
                "problem: the η of the sweep that reached",
                "J − J* < 10⁻⁶ in the fewest steps (or, if none",
                "did, ended closest to it). Steps and gaps on",
                "log scales; a line that drops out of the",
                "frame has reached J* to rounding.",
            ];
            for (k, line) in notes.iter().enumerate() {
                let style = font(TEXT_PX)
                    .color(&MUTED)
                    .pos(plotters::style::text_anchor::Pos::new(HPos::Left, VPos::Center));
                cell.draw(&plotters::element::Text::new(
                    line.to_string(),
                    (24, 160 + 20 * k as i32),
                    style,
                ))?;
            }
        }
        Ok(())
    })
}

//! The last figure: the loss against the step for every method on every objective
//! of the course, on a log scale.

use adagrad::Adagrad;
use anyhow::Result;
use gd::{GradientDescent, Optimizer, Stop, StopReason, minimize};
use objectives::{DiagonalQuadratic, LinearRegression, Objective, Quadratic, Rosenbrock};
use plotters::element::Text;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rmsprop::RmsProp;

use super::gradient_descent::ELLIPSE_START;
use super::plot::{
    ADAGRAD, Axes, Entry, GD, MUTED, Mark, Panel, RMSPROP, Stroke, TEXT_PX, draw_entry, font,
    power_of_ten, svg,
};
use super::rmsprop::ROSENBROCK_START;
use super::{excess_losses, least_value};

/// One panel: an objective, its start, the step budget and the η of GD, Adagrad
/// and RMSprop (each below its limit of stability on that problem).
struct Problem {
    objective: Box<dyn Objective>,
    start: Vec<f64>,
    steps: usize,
    etas: [f64; 3],
}

fn problems() -> Vec<Problem> {
    let valley = Quadratic::rotated_valley(std::f64::consts::FRAC_PI_6, [0.2, 4.0], [1.0, 1.0]);
    vec![
        Problem {
            objective: Box::new(DiagonalQuadratic::bowl()),
            start: vec![-4.0, 3.0],
            steps: 150,
            etas: [0.2, 1.0, 0.05],
        },
        Problem {
            objective: Box::new(DiagonalQuadratic::ellipse()),
            start: ELLIPSE_START.to_vec(),
            steps: 300,
            etas: [0.4, 0.4, 0.05],
        },
        Problem {
            objective: Box::new(valley),
            start: vec![-4.0, -2.0],
            steps: 300,
            etas: [0.4, 0.4, 0.05],
        },
        Problem {
            objective: Box::new(Rosenbrock::default()),
            start: ROSENBROCK_START.to_vec(),
            steps: 5000,
            etas: [0.001, 0.5, 0.003],
        },
        Problem {
            objective: Box::new(LinearRegression::course_data()),
            start: vec![0.0, 0.0],
            steps: 300,
            etas: [0.3, 1.0, 0.05],
        },
    ]
}

/// The bottom of every panel: J − J* below it is at the level of rounding for
/// objectives whose J* is of order 1 (an ulp of 0.5 is about 10⁻¹⁶).
const FLOOR: f64 = 1e-12;

/// J(wₜ) − J* against t for GD, Adagrad and RMSprop on each objective.
pub fn loss_curves() -> Result<String> {
    let problems = problems();
    let cell_height = 260;
    let rows = problems.len().div_ceil(2) as u32;
    svg(rows * cell_height, |root| {
        let cells = root.split_evenly((rows as usize, 2));
        for (cell, problem) in cells.iter().zip(&problems) {
            let objective = problem.objective.as_ref();
            let least = least_value(objective)?;
            let mut optimizers: [(Box<dyn Optimizer>, _); 3] = [
                (Box::new(GradientDescent::new(problem.etas[0])?), GD),
                (Box::new(Adagrad::new(problem.etas[1], objective.dimension())?), ADAGRAD),
                (Box::new(RmsProp::new(problem.etas[2], objective.dimension())?), RMSPROP),
            ];
            let [a, b, c] = problem.etas;
            let title = format!("{}, η = {a} / {b} / {c}", objective.name());
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
                Entry::new("Adagrad", ADAGRAD, Mark::Line),
                Entry::new("RMSprop, γ = 0.9", RMSPROP, Mark::Line),
            ];
            for (k, entry) in legend.iter().enumerate() {
                let y = 60 + 26 * k as i32;
                draw_entry(cell, (24, y), entry)?;
            }
            let floor = power_of_ten(FLOOR.log10().round() as i32);
            let lines = [
                "η in each title: GD / Adagrad / RMSprop.".to_owned(),
                "A line that leaves through the bottom".to_owned(),
                format!("has fallen below {floor} (where J* ≠ 0,"),
                "less is rounding noise; a log axis has no 0).".to_owned(),
            ];
            for (k, line) in lines.iter().enumerate() {
                let style = font(TEXT_PX).color(&MUTED).pos(Pos::new(HPos::Left, VPos::Center));
                cell.draw(&Text::new(line.clone(), (24, 160 + 20 * k as i32), style))?;
            }
        }
        Ok(())
    })
}

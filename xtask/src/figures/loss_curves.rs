//! The last figure: the loss against the step for every method on every objective
//! of the course, on a log scale.

use adagrad::Adagrad;
use anyhow::Result;
use gd::{GradientDescent, Optimizer, Stop, minimize};
use objectives::{DiagonalQuadratic, LinearRegression, Objective, Quadratic, Rosenbrock};
use plotters::style::text_anchor::{HPos, VPos};
use rmsprop::RmsProp;

use super::gradient_descent::ELLIPSE_START;
use super::plot::{ADAGRAD, Axes, Entry, GD, MUTED, Mark, Panel, RMSPROP, Stroke, TEXT_PX, font, svg};
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
        Problem { objective: Box::new(DiagonalQuadratic::bowl()), start: vec![-4.0, 3.0], steps: 150, etas: [0.2, 1.0, 0.05] },
        Problem { objective: Box::new(DiagonalQuadratic::ellipse()), start: ELLIPSE_START.to_vec(), steps: 300, etas: [0.4, 0.4, 0.05] },
        Problem { objective: Box::new(valley), start: vec![-4.0, -2.0], steps: 300, etas: [0.4, 0.4, 0.05] },
        Problem { objective: Box::new(Rosenbrock::default()), start: ROSENBROCK_START.to_vec(), steps: 5000, etas: [0.001, 0.5, 0.003] },
        Problem { objective: Box::new(LinearRegression::course_data()), start: vec![0.0, 0.0], steps: 300, etas: [0.3, 1.0, 0.05] },
    ]
}

/// J(wₜ) − J* against t for GD, Adagrad and RMSprop on each objective.
pub fn loss_curves() -> Result<String> {
    let problems = problems();
    let (cell_width, cell_height) = (360, 250);
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
            let title = format!("{}, η = {} / {} / {}", objective.name(), problem.etas[0], problem.etas[1], problem.etas[2]);
            let axes = Axes::new((0.0, problem.steps as f64), (1e-16, 1e2), "step t", "J(wₜ) − J*")
                .log_y()
                .ticks(5, 5)
                .y_label_area(58);
            let mut panel = Panel::new(cell, Some(&title), &[], axes)?;
            for (optimizer, color) in &mut optimizers {
                let trace = minimize(objective, optimizer.as_mut(), &problem.start, Stop::after(problem.steps));
                panel.run(&excess_losses(&trace, least), Stroke::solid(*color), None)?;
            }
        }
        if let Some(cell) = cells.get(problems.len()) {
            let legend = [
                Entry::new("gradient descent", GD, Mark::Line),
                Entry::new("Adagrad", ADAGRAD, Mark::Line),
                Entry::new("RMSprop (γ = 0.9)", RMSPROP, Mark::Line),
            ];
            let _ = (cell_width, &legend);
            let lines = [
                "η is given in that order in each title.",
                "A line that reaches the bottom edge has fallen",
                "below 10⁻¹⁶, or to exactly J*: a log axis has",
                "no place for 0, so it leaves the frame there.",
            ];
            for (k, line) in lines.iter().enumerate() {
                cell.draw(&plotters::element::Text::new(
                    line.to_string(),
                    (24, 110 + 20 * k as i32),
                    font(TEXT_PX).color(&MUTED),
                ))?;
            }
            let _ = (HPos::Left, VPos::Top);
        }
        Ok(())
    })
}

//! `cargo bench -p bench --bench sweep`: what a learning-rate sweep costs.
//!
//! The book's sweeps race every optimizer over a grid of learning rates
//! (`sweep::sweep`). This times one sweep of each method over the whole grid on
//! a small problem of the course, on Rosenbrock's function, and on the
//! breast-cancer logistic regression (standardized features), and reports the
//! optimizer steps taken and steps per second: the whole grid, one thread.

use std::time::Instant;

use objectives::{DiagonalQuadratic, Objective, Rosenbrock};
use sweep::{Budget, METHODS, log_grid, sweep};

/// A problem of the benchmark: its name, objective, start, least value, grid and budget.
struct Problem<'a> {
    name: &'a str,
    objective: &'a dyn Objective,
    start: Vec<f64>,
    minimum: f64,
    grid: Vec<f64>,
    budget: Budget,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = datasets::breast_cancer()?.standardized().logistic_regression(1e-3)?;
    let data_minimum = data.value(&data.minimizer().ok_or("the problem has a minimizer")?);
    let (ellipse, rosenbrock) = (DiagonalQuadratic::ellipse(), Rosenbrock::default());
    let problems = [
        Problem {
            name: "ellipse",
            objective: &ellipse,
            start: vec![-5.0, -2.0],
            minimum: 0.0,
            grid: log_grid(-4, 2, 10),
            budget: Budget::SUMMARY,
        },
        Problem {
            name: "rosenbrock",
            objective: &rosenbrock,
            start: vec![-1.5, 2.0],
            minimum: 0.0,
            grid: log_grid(-5, 1, 10),
            budget: Budget::SUMMARY,
        },
        Problem {
            name: "breast cancer (standardized)",
            objective: &data,
            start: vec![0.0; 31],
            minimum: data_minimum,
            grid: log_grid(-8, 2, 3),
            budget: Budget { max_steps: 1000, target: 1e-6 },
        },
    ];
    println!(
        "{:<30} {:<17} {:>5} {:>10} {:>9} {:>14} {:>10}",
        "problem", "method", "runs", "steps", "seconds", "steps/second", "µs/step"
    );
    for Problem { name, objective, start, minimum, grid, budget } in problems {
        for method in METHODS {
            let started = Instant::now();
            let runs = sweep(objective, &start, minimum, method, &grid, budget)?;
            let seconds = started.elapsed().as_secs_f64();
            let steps: usize = runs.iter().map(|run| run.steps).sum();
            println!(
                "{name:<30} {:<17} {:>5} {steps:>10} {seconds:>9.3} {:>14.0} {:>10.3}",
                method.name,
                grid.len(),
                steps as f64 / seconds,
                1e6 * seconds / steps.max(1) as f64
            );
        }
    }
    Ok(())
}

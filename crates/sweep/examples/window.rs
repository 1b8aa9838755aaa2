//! Every method of the course over a grid of learning rates on the ellipse
//! 0.1·w₁² + 2·w₂² from (−5, −2): at each η, the steps until J − J* < 1e-6 holds,
//! or how the run failed; then each method's best η and its window.
//!
//! Run with `cargo run -p sweep --example window`, then change the problem, the
//! grid or the budget.

use gd::HyperParameterError;
use objectives::{DiagonalQuadratic, Objective};
use sweep::{Budget, METHODS, best, log_grid, sweep, window};

fn main() -> Result<(), HyperParameterError> {
    let objective = DiagonalQuadratic::ellipse();
    let start = [-5.0, -2.0];
    let minimum = 0.0;
    // The chapter's grid: ten points a decade from 10⁻⁴ to 10².
    let grid = log_grid(-4, 2, 10);
    let budget = Budget::SUMMARY;
    println!(
        "the {}, budget {} steps, target {:e}:",
        objective.name(),
        budget.max_steps,
        budget.target
    );
    let mut outcomes = Vec::new();
    for method in METHODS {
        let runs = sweep(&objective, &start, minimum, method, &grid, budget)?;
        outcomes.push(runs.into_iter().map(|run| run.outcome).collect::<Vec<_>>());
    }
    print!("{:>10}", "η");
    for method in METHODS {
        print!(" {:>24}", method.name);
    }
    println!();
    for (i, eta) in grid.iter().enumerate() {
        print!("{eta:>10.3e}");
        for row in &outcomes {
            print!(" {:>24}", row[i].to_string());
        }
        println!();
    }
    println!();
    for (method, row) in METHODS.iter().zip(&outcomes) {
        match (best(&grid, row), window(&grid, row)) {
            (Some((eta, steps)), Some((low, high, count))) => println!(
                "{}: best η = {eta:.3e} ({steps} steps); reaches the target for η from {low:.3e} to {high:.3e} ({count} of {} points)",
                method.name,
                grid.len()
            ),
            _ => println!("{}: reaches the target at no η of the grid", method.name),
        }
    }
    Ok(())
}

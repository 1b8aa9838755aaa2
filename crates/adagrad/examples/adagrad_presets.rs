//! The course's Adagrad beside the Keras and optax preset on the ellipse
//! 0.1·w₁² + 2·w₂² from (−5, −2) with η = 0.4. The preset starts the accumulator at
//! G₀ = 0.1 (and puts ε = 1e-7 inside the root): the table shows both runs and how
//! far apart they are, |w_course − w_keras| / |w_course|, at a few steps up to 1000;
//! then each run's accumulator and effective learning rates after its last step.
//!
//! Run with `cargo run -p adagrad --example adagrad_presets`.

use adagrad::AdagradConfig;
use gd::{HyperParameterError, Optimizer, Stop, minimize};
use objectives::DiagonalQuadratic;

fn main() -> Result<(), HyperParameterError> {
    let ellipse = DiagonalQuadratic::ellipse();
    let start = [-5.0, -2.0];
    // No gradient tolerance: both runs take every one of the 1000 steps.
    let stop = Stop::after(1000).or_when_gradient_below(0.0);
    let mut course = AdagradConfig::new(0.4).build(2)?;
    let mut keras = AdagradConfig::keras(0.4).build(2)?;
    let a = minimize(&ellipse, &mut course, &start, stop);
    let b = minimize(&ellipse, &mut keras, &start, stop);

    println!("the course's Adagrad against AdagradConfig::keras(0.4) on the {}:", a.objective);
    println!(
        "{:>5} {:>16} {:>16} {:>16} {:>16} {:>10}",
        "step", "course w1", "course w2", "keras w1", "keras w2", "gap"
    );
    for t in [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000] {
        let (Some(x), Some(y)) = (a.iterates.get(t), b.iterates.get(t)) else { break };
        let gap = (x[0] - y[0]).hypot(x[1] - y[1]) / x[0].hypot(x[1]);
        println!(
            "{t:>5} {:>+16.9e} {:>+16.9e} {:>+16.9e} {:>+16.9e} {:>9.4}%",
            x[0],
            x[1],
            y[0],
            y[1],
            100.0 * gap
        );
    }
    println!();
    for (label, trace, optimizer) in [("course", &a, &course), ("keras ", &b, &keras)] {
        let rates = optimizer.effective_learning_rates().unwrap_or_default();
        println!(
            "{label} after step {}: G = {:.4?}, effective learning rates {rates:.4?}",
            trace.steps(),
            optimizer.accumulator()
        );
    }
    Ok(())
}

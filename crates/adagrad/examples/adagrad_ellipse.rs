//! Adagrad on the ellipse 0.1·w₁² + 2·w₂² from (−5, −2) with η = 0.4: every step
//! of the first 40, then the per-weight effective learning rates η/√(G_j + ε) after
//! steps 1, 10 and 40.
//!
//! Run with `cargo run -p adagrad --example adagrad_ellipse`.

use adagrad::Adagrad;
use gd::{HyperParameterError, Stop, minimize};
use objectives::DiagonalQuadratic;

fn main() -> Result<(), HyperParameterError> {
    let ellipse = DiagonalQuadratic::ellipse();
    let mut adagrad = Adagrad::new(0.4, 2)?;
    let trace = minimize(&ellipse, &mut adagrad, &[-5.0, -2.0], Stop::after(40));
    println!("{} on the {}:", trace.optimizer, trace.objective);
    println!("{}", trace.table(1));
    for t in [1, 10, 40] {
        if let Some(rates) = trace.effective_learning_rates.get(t - 1) {
            println!("effective learning rates after step {t:>2}: {rates:.4?}");
        }
    }
    println!("stopped: {:?}", trace.stop);
    Ok(())
}

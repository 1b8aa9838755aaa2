//! Gradient descent on the ellipse 0.1·w₁² + 2·w₂² from (−5, −2), with three
//! learning rates: too small, about right, and too big (above 2/L = 0.5). Each run
//! prints every step.
//!
//! Run with `cargo run -p gd --example learning_rates`, then change the rates.

use gd::{GradientDescent, HyperParameterError, Stop, minimize};
use objectives::DiagonalQuadratic;

fn main() -> Result<(), HyperParameterError> {
    let ellipse = DiagonalQuadratic::ellipse();
    for eta in [0.05, 0.4, 0.55] {
        let mut gd = GradientDescent::new(eta)?;
        let trace = minimize(&ellipse, &mut gd, &[-5.0, -2.0], Stop::after(20));
        println!("{} on the {}:", trace.optimizer, trace.objective);
        println!("{}", trace.table(1));
        println!("stopped: {:?}\n", trace.stop);
    }
    Ok(())
}

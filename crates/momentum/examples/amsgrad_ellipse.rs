//! Adam and the two AMSGrads of the libraries on the ellipse 0.1·w₁² + 2·w₂² from
//! (−5, −2), 60 steps each: PyTorch's `amsgrad=True` keeps the maximum of G and
//! corrects it, optax's `amsgrad` keeps the maximum of the corrected Ĝ.
//!
//! Run with `cargo run -p momentum --example amsgrad_ellipse`.

use gd::{HyperParameterError, Stop, minimize};
use momentum::AdamConfig;
use objectives::DiagonalQuadratic;

fn main() -> Result<(), HyperParameterError> {
    let ellipse = DiagonalQuadratic::ellipse();
    let eta = 0.1;
    let configs = [
        ("Adam", AdamConfig::pytorch(eta)),
        ("PyTorch's AMSGrad", AdamConfig::pytorch_amsgrad(eta)),
        ("optax's AMSGrad", AdamConfig::optax_amsgrad(eta)),
    ];
    for (name, config) in configs {
        let mut adam = config.build(2)?;
        let trace = minimize(&ellipse, &mut adam, &[-5.0, -2.0], Stop::after(60));
        println!("{name}, η = {eta}, on the {}:", trace.objective);
        println!("{}", trace.table(10));
        let rates = trace.effective_learning_rates.last().map_or(Vec::new(), Clone::clone);
        println!("rates after the last step: {rates:.4?}");
        println!("stopped: {:?}\n", trace.stop);
    }
    Ok(())
}

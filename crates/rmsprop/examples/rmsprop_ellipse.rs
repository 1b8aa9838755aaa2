//! RMSprop beside Adagrad on the ellipse 0.1·w₁² + 2·w₂² from (−5, −2), η = 0.4
//! and γ = 0.9 (the course's example), then with a smaller η = 0.05.
//!
//! Run with `cargo run -p rmsprop --example rmsprop_ellipse`.

use adagrad::Adagrad;
use gd::{HyperParameterError, Optimizer, Stop, minimize};
use objectives::DiagonalQuadratic;
use rmsprop::RmsProp;

fn main() -> Result<(), HyperParameterError> {
    let ellipse = DiagonalQuadratic::ellipse();
    for eta in [0.4, 0.05] {
        let optimizers: [Box<dyn Optimizer>; 2] =
            [Box::new(Adagrad::new(eta, 2)?), Box::new(RmsProp::new(eta, 2)?)];
        for mut optimizer in optimizers {
            let trace = minimize(&ellipse, optimizer.as_mut(), &[-5.0, -2.0], Stop::after(100));
            println!("{} on the {}:", trace.optimizer, trace.objective);
            println!("{}", trace.table(20));
            println!("stopped: {:?}\n", trace.stop);
        }
    }
    Ok(())
}

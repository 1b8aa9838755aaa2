//! Momentum, Nesterov, RMSprop with momentum and Adam beside RMSprop on the ellipse
//! 0.1·w₁² + 2·w₂² from (−5, −2), 100 steps each.
//!
//! Run with `cargo run -p momentum --example momentum_ellipse`.

use gd::{HyperParameterError, Optimizer, Stop, minimize};
use momentum::{Adam, Momentum, MomentumConfig, RmsPropMomentum};
use objectives::DiagonalQuadratic;
use rmsprop::RmsProp;

fn main() -> Result<(), HyperParameterError> {
    let ellipse = DiagonalQuadratic::ellipse();
    // η = 0.1 keeps η·λ = 0.4 on the steep axis (λ = 4): gradient descent would be
    // stable, and momentum stays stable up to η·λ < 2·(1 + β) = 3.8.
    let optimizers: [Box<dyn Optimizer>; 5] = [
        Box::new(RmsProp::new(0.1, 2)?),
        Box::new(Momentum::new(0.1, 2)?),
        Box::new(MomentumConfig::new(0.1).nesterov(true).build(2)?),
        Box::new(RmsPropMomentum::new(0.01, 2)?),
        Box::new(Adam::new(0.1, 2)?),
    ];
    for mut optimizer in optimizers {
        let trace = minimize(&ellipse, optimizer.as_mut(), &[-5.0, -2.0], Stop::after(100));
        println!("{} on the {}:", trace.optimizer, trace.objective);
        println!("{}", trace.table(20));
        println!("stopped: {:?}\n", trace.stop);
    }
    Ok(())
}

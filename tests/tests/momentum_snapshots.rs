//! Snapshots of the first iterates of momentum, Nesterov, RMSprop with momentum
//! and Adam, on the ellipse from (−5, −2) and on Rosenbrock from (−1.5, 2).
//!
//! Each snapshot is `Trace::table(1)` of ten steps: the step, the weights and the
//! loss to ten significant digits. The first two steps of every method are checked
//! against hand computations in the `momentum` crate; these tables pin the rest,
//! so that a change in any update rule, default or order of operations that moves
//! an iterate in its tenth digit shows up here for review. They were reviewed line
//! by line against an independent re-implementation of the four rules (in Python,
//! from the formulas in the crate's documentation), which printed every row
//! identically. Momentum's w₂ = +2.220446049e-16 at step 2 on the ellipse is the
//! rounding residue of an exact 0 (w₂: −2 → −1.2 → −1.2 − 0.1·(−12) = 0): the
//! snapshot pins the order of operations too.

use gd::{Optimizer, Stop, minimize};
use momentum::{Adam, Momentum, MomentumConfig, RmsPropMomentum};
use objectives::{DiagonalQuadratic, Objective, Rosenbrock};

/// The optimizer's name, the objective's, the first ten steps and why the run
/// stopped.
fn first_iterates(
    objective: &dyn Objective,
    mut optimizer: impl Optimizer,
    start: &[f64],
) -> String {
    let trace = minimize(objective, &mut optimizer, start, Stop::after(10));
    format!(
        "{} on the {}\n{}stop: {:?}\n",
        trace.optimizer,
        trace.objective,
        trace.table(1),
        trace.stop
    )
}

fn on_the_ellipse(optimizer: impl Optimizer) -> String {
    first_iterates(&DiagonalQuadratic::ellipse(), optimizer, &[-5.0, -2.0])
}

fn on_rosenbrock(optimizer: impl Optimizer) -> String {
    first_iterates(&Rosenbrock::default(), optimizer, &[-1.5, 2.0])
}

#[test]
fn momentum_on_the_ellipse() {
    insta::assert_snapshot!(on_the_ellipse(Momentum::new(0.1, 2).unwrap()));
}

#[test]
fn nesterov_on_the_ellipse() {
    insta::assert_snapshot!(on_the_ellipse(
        MomentumConfig::new(0.1).nesterov(true).build(2).unwrap()
    ));
}

#[test]
fn rmsprop_with_momentum_on_the_ellipse() {
    insta::assert_snapshot!(on_the_ellipse(RmsPropMomentum::new(0.01, 2).unwrap()));
}

#[test]
fn adam_on_the_ellipse() {
    insta::assert_snapshot!(on_the_ellipse(Adam::new(0.1, 2).unwrap()));
}

#[test]
fn momentum_on_rosenbrock() {
    insta::assert_snapshot!(on_rosenbrock(Momentum::new(1e-3, 2).unwrap()));
}

#[test]
fn nesterov_on_rosenbrock() {
    insta::assert_snapshot!(on_rosenbrock(
        MomentumConfig::new(1e-3).nesterov(true).build(2).unwrap()
    ));
}

#[test]
fn rmsprop_with_momentum_on_rosenbrock() {
    insta::assert_snapshot!(on_rosenbrock(RmsPropMomentum::new(1e-3, 2).unwrap()));
}

#[test]
fn adam_on_rosenbrock() {
    insta::assert_snapshot!(on_rosenbrock(Adam::new(0.01, 2).unwrap()));
}

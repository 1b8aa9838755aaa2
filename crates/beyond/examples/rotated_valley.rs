//! Diagonal and full-matrix Adagrad, η = 4, on the valley of curvatures 0.2 and 4
//! whose axes are turned by 30°: every fifth of 45 steps of each, from the point
//! 5 along the gentle axis and 3 along the steep one from the minimum, at 0.
//!
//! Turn the valley by another `ANGLE`, the start with it, and run it again:
//! full-matrix Adagrad takes the same steps turned, so its losses do not change
//! (to rounding); the diagonal's do.
//!
//! Run with `cargo run -p beyond --example rotated_valley`.

use adagrad::Adagrad;
use beyond::FullMatrixAdagrad;
use gd::{HyperParameterError, Optimizer, Stop, minimize};
use objectives::Quadratic;

/// How far the valley's axes are turned from the coordinate axes, in radians.
const ANGLE: f64 = std::f64::consts::FRAC_PI_6;
/// The learning rate of both methods.
const ETA: f64 = 4.0;
/// The start, from the minimum, along the valley's gentle and steep axes.
const START_ALONG_AXES: [f64; 2] = [-5.0, -3.0];

fn main() -> Result<(), HyperParameterError> {
    let center = [0.0, 0.0];
    let valley = Quadratic::rotated_valley(ANGLE, [0.2, 4.0], center);
    let (sin, cos) = ANGLE.sin_cos();
    let [a, b] = START_ALONG_AXES;
    let start = [center[0] + cos * a - sin * b, center[1] + sin * a + cos * b];
    let optimizers: [Box<dyn Optimizer>; 2] =
        [Box::new(Adagrad::new(ETA, 2)?), Box::new(FullMatrixAdagrad::new(ETA, 2)?)];
    for mut optimizer in optimizers {
        let trace = minimize(&valley, optimizer.as_mut(), &start, Stop::after(45));
        println!("{} on the {}:", trace.optimizer, trace.objective);
        println!("{}", trace.table(5));
        println!("stopped: {:?}", trace.stop);
    }
    Ok(())
}

//! Provisional graded tests for developing the course kit (removed once the real
//! suite lands).

use adagrad::{Adagrad, AdagradConfig};
use gd::{GradientDescent, Optimizer};
use rmsprop::RmsPropConfig;

#[test]
fn gd_step_is_w_minus_eta_g() {
    let mut w = [1.0, -2.0];
    GradientDescent::new(0.5).unwrap().step(&mut w, &[2.0, -4.0]);
    assert_eq!(w, [0.0, 0.0]);
}

#[test]
fn adagrad_first_step_with_epsilon_inside() {
    let mut a = AdagradConfig::new(1.0).epsilon(0.25).build(1).unwrap();
    let mut w = [0.0];
    a.step(&mut w, &[2.0f64.sqrt()]);
    // G = 2, √(2 + 0.25) = 1.5.
    approx::assert_relative_eq!(w[0], -(2.0f64.sqrt()) / 1.5, max_relative = 1e-15);
    assert_eq!(a.accumulator(), [2.0000000000000004]);
}

#[test]
fn adagrad_second_step_uses_the_updated_sum() {
    let mut a = AdagradConfig::new(1.0).epsilon(0.0).build(1).unwrap();
    let mut w = [0.0];
    a.step(&mut w, &[3.0]);
    a.step(&mut w, &[4.0]);
    approx::assert_relative_eq!(w[0], -1.0 - 4.0 / 5.0, max_relative = 1e-15);
}

#[test]
fn adagrad_negative_gradient_moves_up() {
    let mut a = Adagrad::new(0.1, 1).unwrap();
    let mut w = [0.0];
    a.step(&mut w, &[-2.0]);
    assert!(w[0] > 0.0);
}

#[test]
fn rmsprop_first_step_is_eta_over_root_one_minus_gamma() {
    let mut r = RmsPropConfig::new(1.0).decay(0.75).epsilon(0.0).build(1).unwrap();
    let mut w = [0.0];
    r.step(&mut w, &[2.0]);
    approx::assert_relative_eq!(w[0], -2.0, max_relative = 1e-15);
    approx::assert_relative_eq!(r.accumulator()[0], 1.0, max_relative = 1e-15);
}

#[test]
fn rmsprop_accumulator_is_an_average() {
    let mut r = RmsPropConfig::new(1.0).decay(0.5).build(1).unwrap();
    let mut w = [0.0];
    for _ in 0..60 {
        r.step(&mut w, &[3.0]);
    }
    approx::assert_relative_eq!(r.accumulator()[0], 9.0, max_relative = 1e-12);
}

#[test]
fn validation_is_not_an_assignment() {
    assert!(GradientDescent::new(-1.0).is_err());
}

#[test]
fn all_methods_reproduce() {
    let run = || {
        let mut w = [1.0, 2.0];
        let mut r = RmsPropConfig::new(0.1).build(2).unwrap();
        let mut a = Adagrad::new(0.1, 2).unwrap();
        let mut g = GradientDescent::new(0.1).unwrap();
        for _ in 0..3 {
            r.step(&mut w, &[0.5, -0.5]);
            a.step(&mut w, &[0.5, -0.5]);
            g.step(&mut w, &[0.5, -0.5]);
        }
        w
    };
    assert_eq!(run(), run());
}

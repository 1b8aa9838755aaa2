//! What the fast optimizers promise besides their bits: the same panics on
//! mismatched lengths, the same runs in `gd::minimize`, and plans that do what
//! they say.

// A test's helpers unwrap: a failure there is the test's failure.
#![allow(clippy::unwrap_used)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use adagrad::AdagradConfig;
use fast::{
    Fast, FastAdagrad, FastAdam, FastGradientDescent, FastMomentum, FastRmsProp,
    FastRmsPropMomentum, Isa, MIN_PER_THREAD_DIVIDING, MIN_PER_THREAD_LIGHT, Plan,
};
use gd::{GradientDescent, Optimizer, Stop, minimize};
use momentum::{AdamConfig, MomentumConfig, RmsPropMomentumConfig};
use objectives::{DiagonalQuadratic, Rosenbrock};
use rmsprop::RmsPropConfig;

/// The message `step` panics with, if it panics.
fn panic_message(optimizer: &mut dyn Optimizer, params: usize, grads: usize) -> Option<String> {
    let mut w = vec![0.0; params];
    let g = vec![0.0; grads];
    let result = catch_unwind(AssertUnwindSafe(|| optimizer.step(&mut w, &g)));
    let payload = result.err()?;
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
}

/// Each readable optimizer for 2 weights beside its fast twin.
fn pairs() -> Vec<(Box<dyn Optimizer>, Box<dyn Optimizer>)> {
    let adagrad = AdagradConfig::new(0.1);
    let rmsprop = RmsPropConfig::new(0.1);
    let momentum = MomentumConfig::new(0.1).nesterov(true);
    let rmsprop_momentum = RmsPropMomentumConfig::new(0.1);
    let adam = AdamConfig::new(0.1);
    vec![
        (
            Box::new(GradientDescent::new(0.1).unwrap()),
            Box::new(FastGradientDescent::new(0.1).unwrap()),
        ),
        (Box::new(adagrad.build(2).unwrap()), Box::new(FastAdagrad::new(adagrad, 2).unwrap())),
        (Box::new(rmsprop.build(2).unwrap()), Box::new(FastRmsProp::new(rmsprop, 2).unwrap())),
        (Box::new(momentum.build(2).unwrap()), Box::new(FastMomentum::new(momentum, 2).unwrap())),
        (
            Box::new(rmsprop_momentum.build(2).unwrap()),
            Box::new(FastRmsPropMomentum::new(rmsprop_momentum, 2).unwrap()),
        ),
        (Box::new(adam.build(2).unwrap()), Box::new(FastAdam::new(adam, 2).unwrap())),
    ]
}

#[test]
fn mismatched_lengths_panic_with_both_lengths_and_the_readable_message() {
    for (mut readable, mut fast) in pairs() {
        for (params, grads) in [(2, 3), (3, 2), (3, 3), (1, 1), (0, 2)] {
            let expected = panic_message(readable.as_mut(), params, grads);
            let got = panic_message(fast.as_mut(), params, grads);
            assert_eq!(got, expected, "{} on {params} params, {grads} grads", fast.name());
            if let Some(message) = got {
                // Both lengths: the params', and the grads' or the state's (2).
                let other = if params == grads { 2 } else { grads };
                assert!(message.contains(&format!("params has {params} elements")), "{message}");
                assert!(message.ends_with(&format!("has {other}")), "{message}");
            } else {
                assert!(params == grads && fast.name().starts_with("GD"), "{}", fast.name());
            }
        }
    }
}

#[test]
fn gradient_descent_has_no_state_to_mismatch() {
    let mut fast = FastGradientDescent::new(0.1).unwrap();
    assert_eq!(panic_message(&mut fast, 5, 5), None);
    assert_eq!(
        panic_message(&mut fast, 5, 4).as_deref(),
        Some("params has 5 elements but grads has 4")
    );
}

#[test]
fn a_run_in_minimize_is_the_readable_run() {
    let rosenbrock = Rosenbrock::default();
    let start = [-1.5, 2.0];
    let config = AdamConfig::new(0.02);
    let readable = minimize(&rosenbrock, &mut config.build(2).unwrap(), &start, Stop::after(500));
    let fast_run =
        minimize(&rosenbrock, &mut FastAdam::new(config, 2).unwrap(), &start, Stop::after(500));
    assert_eq!(readable.iterates, fast_run.iterates);
    assert_eq!(readable.losses, fast_run.losses);
    assert_eq!(readable.effective_learning_rates, fast_run.effective_learning_rates);
    assert_eq!(readable.optimizer, fast_run.optimizer);

    let ellipse = DiagonalQuadratic::ellipse();
    let config = RmsPropConfig::keras(0.05);
    let plan = Plan::default().with_threads(2, 1);
    let readable =
        minimize(&ellipse, &mut config.build(2).unwrap(), &[-5.0, -2.0], Stop::after(80));
    let mut fast = FastRmsProp::new(config, 2).unwrap().with_plan(plan);
    let fast_run = minimize(&ellipse, &mut fast, &[-5.0, -2.0], Stop::after(80));
    assert_eq!(readable.iterates, fast_run.iterates);
}

#[test]
fn settings_out_of_range_are_the_course_crates_errors() {
    let err = FastRmsProp::new(RmsPropConfig::new(0.1).decay(1.0), 2).unwrap_err();
    assert_eq!(err.to_string(), "decay must be in [0, 1), got 1");
    let err = FastGradientDescent::new(-1.0).unwrap_err();
    assert_eq!(err.to_string(), "learning rate must be finite and > 0, got -1");
}

#[test]
fn a_step_runs_on_as_many_threads_as_the_plan_says() {
    let rmsprop = || FastRmsProp::new(RmsPropConfig::new(0.1), 1).unwrap();
    let plan = Plan::default().with_threads(2, 100);
    let forced = rmsprop().with_plan(plan);
    assert_eq!(forced.threads_for(0), 1);
    assert_eq!(forced.threads_for(199), 1);
    assert_eq!(forced.threads_for(200), 2);
    assert_eq!(forced.threads_for(10_000_000), 2);
    assert_eq!(rmsprop().with_plan(plan.single_threaded()).threads_for(10_000_000), 1);
    assert_eq!(rmsprop().with_plan(Plan::default().with_threads(0, 0)).threads_for(5), 1);
    // By default, each optimizer's own threshold, and every core.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(Plan::default().min_per_thread(), None);
    assert_eq!(Plan::default().max_threads(), cores);
    let gd = FastGradientDescent::new(0.1).unwrap();
    for n in [MIN_PER_THREAD_LIGHT - 1, 2 * MIN_PER_THREAD_LIGHT, 100 * MIN_PER_THREAD_LIGHT] {
        assert_eq!(gd.threads_for(n), (n / MIN_PER_THREAD_LIGHT).clamp(1, cores), "GD, {n}");
    }
    for n in [MIN_PER_THREAD_DIVIDING - 1, 2 * MIN_PER_THREAD_DIVIDING] {
        assert_eq!(rmsprop().threads_for(n), (n / MIN_PER_THREAD_DIVIDING).clamp(1, cores));
    }
    const { assert!(MIN_PER_THREAD_DIVIDING < MIN_PER_THREAD_LIGHT) };
}

#[test]
fn the_default_plan_runs_the_widest_instruction_set_of_this_cpu() {
    let available = Isa::available();
    assert_eq!(available.first(), Some(&Isa::Portable));
    assert_eq!(Plan::default().isa(), Isa::best());
    assert_eq!(Some(&Isa::best()), available.last());
    for isa in [Isa::Portable, Isa::Sse2, Isa::Avx] {
        assert_eq!(Plan::default().with_isa(isa).is_some(), available.contains(&isa), "{isa:?}");
    }
    #[cfg(target_arch = "x86_64")]
    assert_eq!(
        Isa::Avx.is_available(),
        std::arch::is_x86_feature_detected!("avx"),
        "the dispatch and the CPU agree"
    );
}

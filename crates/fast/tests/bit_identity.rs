//! The fast optimizers are the readable ones, bit for bit.
//!
//! For every optimizer, every preset and both placements of ε, on random inputs
//! (ordinary values, zeros of both signs, subnormals, magnitudes from 10⁻³⁰⁰ to the
//! largest double) of every length from 0 to 300, for several steps in a row (so
//! the state is carried), the fast `step` must leave the weights and every state
//! array with exactly the bits the readable `step` leaves. Each case is checked on
//! every instruction set this CPU has, on one thread and split across threads
//! with a threshold forced low, so that the vector body, the scalar tail and the
//! cuts between threads all meet every length.

// A test's helpers unwrap: a failure there is the test's failure.
#![allow(clippy::unwrap_used)]

use adagrad::{Adagrad, AdagradConfig, EpsilonPlacement};
use fast::{
    FastAdagrad, FastAdam, FastCenteredRmsProp, FastGradientDescent, FastMomentum, FastRmsProp,
    FastRmsPropMomentum, Isa, Plan,
};
use gd::{Decoupled, GradientDescent, L2, LearningRate, Optimizer, Schedule, Scheduled};
use momentum::{
    Adam, AdamConfig, AmsGrad, Momentum, MomentumConfig, RmsPropMomentum, RmsPropMomentumConfig,
};
use proptest::prelude::*;
use rmsprop::{CenteredRmsProp, CenteredRmsPropConfig, RmsProp, RmsPropConfig};

/// The arrays an optimizer keeps: its state, for comparing bit by bit.
trait State {
    fn state(&self) -> Vec<Vec<f64>>;
}

macro_rules! state {
    ($($ty:ty => |$o:ident| [$($array:expr),*];)*) => {
        $(impl State for $ty {
            fn state(&self) -> Vec<Vec<f64>> {
                let $o = self;
                vec![$($array.to_vec()),*]
            }
        })*
    };
}

state! {
    GradientDescent => |_o| [];
    FastGradientDescent => |_o| [];
    Adagrad => |o| [o.accumulator()];
    FastAdagrad => |o| [o.accumulator()];
    RmsProp => |o| [o.accumulator()];
    FastRmsProp => |o| [o.accumulator()];
    Momentum => |o| [o.velocity()];
    FastMomentum => |o| [o.velocity()];
    RmsPropMomentum => |o| [o.accumulator(), o.buffer()];
    FastRmsPropMomentum => |o| [o.accumulator(), o.buffer()];
    Adam => |o| [o.first_moment(), o.second_moment(), o.maximum(), &[o.steps() as f64]];
    FastAdam => |o| [o.first_moment(), o.second_moment(), o.maximum(), &[o.steps() as f64]];
    CenteredRmsProp => |o| [o.accumulator(), o.mean(), o.buffer()];
    FastCenteredRmsProp => |o| [o.accumulator(), o.mean(), o.buffer()];
}

/// A wrapper's state is the state of the optimizer inside (L2's buffer of g + λ·w
/// is rewritten before every step, so it carries nothing).
macro_rules! wrapper_state {
    ($($wrapper:ident: $($bound:ident)+),*) => {
        $(impl<O: State $(+ $bound)+> State for $wrapper<O> {
            fn state(&self) -> Vec<Vec<f64>> {
                self.inner().state()
            }
        })*
    };
}

wrapper_state!(L2: Optimizer, Decoupled: LearningRate, Scheduled: LearningRate);

/// Every plan a step can take here: each instruction set of this CPU, on one
/// thread, and on up to three threads that take pieces of `min_per_thread`
/// elements, each thread given as few as that.
fn plans(min_per_thread: usize) -> Vec<Plan> {
    let mut plans = Vec::new();
    for isa in Isa::available() {
        let plan = Plan::default().with_isa(isa).expect("an available instruction set");
        plans.push(plan.single_threaded());
        plans.push(plan.with_threads(3, min_per_thread).with_pieces(min_per_thread));
    }
    plans
}

/// The bits of every number, to compare -0 with 0 and NaN with NaN exactly.
fn bits(arrays: &[Vec<f64>]) -> Vec<Vec<u64>> {
    arrays.iter().map(|a| a.iter().map(|x| x.to_bits()).collect()).collect()
}

/// Runs `readable` and `fast` side by side from `start` over `gradients`, one step
/// each, and fails on the first step where a bit differs.
fn same_bits<R, F>(
    what: &str,
    mut readable: R,
    mut fast: F,
    start: &[f64],
    gradients: &[Vec<f64>],
) -> Result<(), TestCaseError>
where
    R: Optimizer + State,
    F: Optimizer + State,
{
    prop_assert_eq!(readable.name(), fast.name());
    let (mut w_readable, mut w_fast) = (start.to_vec(), start.to_vec());
    for (t, g) in gradients.iter().enumerate() {
        readable.step(&mut w_readable, g);
        fast.step(&mut w_fast, g);
        let mut expected = vec![w_readable.clone()];
        expected.extend(readable.state());
        let mut got = vec![w_fast.clone()];
        got.extend(fast.state());
        prop_assert!(
            bits(&expected) == bits(&got),
            "{} differs after step {} (n = {}):\nreadable {:?}\nfast     {:?}",
            what,
            t + 1,
            start.len(),
            expected,
            got
        );
    }
    prop_assert_eq!(
        readable.effective_learning_rates().map(|r| bits(&[r])),
        fast.effective_learning_rates().map(|r| bits(&[r]))
    );
    Ok(())
}

/// A double as the tests need them: ordinary values, both zeros, subnormals,
/// magnitudes from 10⁻³⁰⁰ to 10³⁰⁰ (log-uniform), and the largest ones.
fn value() -> impl Strategy<Value = f64> {
    let sign = |negative: bool, x: f64| if negative { -x } else { x };
    prop_oneof![
        4 => -10.0..10.0f64,
        2 => (any::<bool>(), -300.0..300.0f64).prop_map(move |(s, e)| sign(s, 10f64.powf(e))),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => (any::<bool>(), 1u64..(1 << 52)).prop_map(move |(s, m)| sign(s, f64::from_bits(m))),
        1 => (any::<bool>(), 1e300..f64::MAX).prop_map(move |(s, x)| sign(s, x)),
    ]
}

/// A learning rate: log-uniform over 10⁻⁶..10, sometimes a huge one.
fn learning_rate() -> impl Strategy<Value = f64> {
    prop_oneof![9 => (-6.0..1.0f64).prop_map(|e| 10f64.powf(e)), 1 => Just(1e300)]
}

/// A decay rate or momentum in [0, 1), its ends included.
fn decay() -> impl Strategy<Value = f64> {
    prop_oneof![6 => 0.0..1.0f64, 1 => Just(0.0), 1 => Just(0.9), 1 => Just(0.999), 1 => Just(1.0 - f64::EPSILON / 2.0)]
}

/// ε: zero, the presets' values, or log-uniform over 10⁻³⁰⁰..1.
fn epsilon() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        1 => Just(1e-10),
        1 => Just(1e-8),
        1 => Just(1e-7),
        2 => (-300.0..0.0f64).prop_map(|e| 10f64.powf(e)),
    ]
}

/// A start of G: zero, Keras's 0.1, or log-uniform over 10⁻³⁰⁰..10³⁰⁰.
fn initial_accumulator() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        1 => Just(0.1),
        1 => (-300.0..300.0f64).prop_map(|e| 10f64.powf(e)),
    ]
}

/// The random settings a case draws.
#[derive(Debug, Clone)]
struct Settings {
    eta: f64,
    gamma: f64,
    beta: f64,
    epsilon: f64,
    initial: f64,
}

fn settings() -> impl Strategy<Value = Settings> {
    (learning_rate(), decay(), decay(), epsilon(), initial_accumulator()).prop_map(
        |(eta, gamma, beta, epsilon, initial)| Settings { eta, gamma, beta, epsilon, initial },
    )
}

/// A start w₀ of n weights and 1 to 4 gradients of n, for n in 0..=300, and the
/// fewest elements a thread is given when the threads are forced on.
fn run() -> impl Strategy<Value = (Vec<f64>, Vec<Vec<f64>>, usize)> {
    (0usize..=300, 1usize..=4, 1usize..=40).prop_flat_map(|(n, steps, min_per_thread)| {
        (
            proptest::collection::vec(value(), n),
            proptest::collection::vec(proptest::collection::vec(value(), n), steps),
            Just(min_per_thread),
        )
    })
}

const PLACEMENTS: [EpsilonPlacement; 2] =
    [EpsilonPlacement::InsideRoot, EpsilonPlacement::OutsideRoot];

proptest! {
    #[test]
    fn gradient_descent_fast_is_readable_bit_for_bit((w, gs, m) in run(), s in settings()) {
        for plan in plans(m) {
            let readable = GradientDescent::new(s.eta).unwrap();
            let fast = FastGradientDescent::from(readable).with_plan(plan);
            same_bits(&format!("GD on {plan:?}"), readable, fast, &w, &gs)?;
        }
    }

    #[test]
    fn adagrad_fast_is_readable_bit_for_bit((w, gs, m) in run(), s in settings()) {
        let presets = [
            AdagradConfig::new(s.eta),
            AdagradConfig::pytorch(s.eta),
            AdagradConfig::keras(s.eta),
            AdagradConfig::optax(s.eta),
            AdagradConfig::new(s.eta).epsilon(s.epsilon).initial_accumulator(s.initial),
        ];
        for config in presets {
            for placement in PLACEMENTS {
                let config = config.epsilon_placement(placement);
                for plan in plans(m) {
                    let readable = config.build(w.len()).unwrap();
                    let fast = FastAdagrad::new(config, w.len()).unwrap().with_plan(plan);
                    same_bits(&format!("{config:?} on {plan:?}"), readable, fast, &w, &gs)?;
                }
            }
        }
    }

    #[test]
    fn rmsprop_fast_is_readable_bit_for_bit((w, gs, m) in run(), s in settings()) {
        let presets = [
            RmsPropConfig::new(s.eta),
            RmsPropConfig::pytorch(s.eta),
            RmsPropConfig::keras(s.eta),
            RmsPropConfig::optax(s.eta),
            RmsPropConfig::new(s.eta).decay(s.gamma).epsilon(s.epsilon).initial_accumulator(s.initial),
        ];
        for config in presets {
            for placement in PLACEMENTS {
                let config = config.epsilon_placement(placement);
                for plan in plans(m) {
                    let readable = config.build(w.len()).unwrap();
                    let fast = FastRmsProp::new(config, w.len()).unwrap().with_plan(plan);
                    same_bits(&format!("{config:?} on {plan:?}"), readable, fast, &w, &gs)?;
                }
            }
        }
    }

    #[test]
    fn momentum_and_nesterov_fast_are_readable_bit_for_bit((w, gs, m) in run(), s in settings()) {
        for nesterov in [false, true] {
            let presets = [
                MomentumConfig::new(s.eta),
                MomentumConfig::pytorch(s.eta, s.beta),
                MomentumConfig::new(s.eta).momentum(0.0),
            ];
            for config in presets {
                let config = config.nesterov(nesterov);
                for plan in plans(m) {
                    let readable = config.build(w.len()).unwrap();
                    let fast = FastMomentum::new(config, w.len()).unwrap().with_plan(plan);
                    same_bits(&format!("{config:?} on {plan:?}"), readable, fast, &w, &gs)?;
                }
            }
        }
    }

    #[test]
    fn rmsprop_with_momentum_fast_is_readable_bit_for_bit((w, gs, m) in run(), s in settings()) {
        let rmsprop = RmsPropConfig::new(s.eta).decay(s.gamma).epsilon(s.epsilon).initial_accumulator(s.initial);
        let presets = [
            RmsPropMomentumConfig::new(s.eta),
            RmsPropMomentumConfig::pytorch(s.eta, s.beta),
            RmsPropMomentumConfig::from_rmsprop(rmsprop, s.beta),
        ];
        for config in presets {
            for placement in PLACEMENTS {
                let config = config.epsilon_placement(placement);
                for plan in plans(m) {
                    let readable = config.build(w.len()).unwrap();
                    let fast = FastRmsPropMomentum::new(config, w.len()).unwrap().with_plan(plan);
                    same_bits(&format!("{config:?} on {plan:?}"), readable, fast, &w, &gs)?;
                }
            }
        }
    }

    #[test]
    fn adam_fast_is_readable_bit_for_bit((w, gs, m) in run(), s in settings()) {
        let presets = [
            AdamConfig::new(s.eta),
            AdamConfig::pytorch(s.eta),
            AdamConfig::optax(s.eta),
            AdamConfig::keras(s.eta),
            AdamConfig::keras_amsgrad(s.eta).beta1(s.beta).beta2(s.gamma).epsilon(s.epsilon),
            AdamConfig::new(s.eta).beta1(s.beta).beta2(s.gamma).epsilon(s.epsilon),
        ];
        for config in presets {
            for placement in PLACEMENTS {
                let config = config.epsilon_placement(placement);
                for plan in plans(m) {
                    let readable = config.build(w.len()).unwrap();
                    let fast = FastAdam::new(config, w.len()).unwrap().with_plan(plan);
                    same_bits(&format!("{config:?} on {plan:?}"), readable, fast, &w, &gs)?;
                }
            }
        }
    }

    /// A fast optimizer made from a readable one that has already stepped carries
    /// its state on: the two stay equal from there.
    #[test]
    fn a_fast_optimizer_converted_mid_run_continues_the_readable_run((w, gs, m) in run(), s in settings()) {
        let config = AdamConfig::new(s.eta).beta1(s.beta).beta2(s.gamma);
        for plan in plans(m) {
            let (mut readable, mut w_readable) = (config.build(w.len()).unwrap(), w.clone());
            readable.step(&mut w_readable, &gs[0]);
            let fast = FastAdam::from(readable.clone()).with_plan(plan);
            same_bits("Adam converted after one step", readable, fast, &w_readable, &gs)?;
        }
    }

    #[test]
    fn centered_rmsprop_fast_is_readable_bit_for_bit((w, gs, m) in run(), s in settings()) {
        let rmsprop = RmsPropConfig::new(s.eta).decay(s.gamma).epsilon(s.epsilon).initial_accumulator(s.initial);
        let presets = [
            CenteredRmsPropConfig::new(s.eta),
            CenteredRmsPropConfig::pytorch(s.eta, 0.0),
            CenteredRmsPropConfig::pytorch(s.eta, s.beta),
            CenteredRmsPropConfig::optax(s.eta, s.beta),
            CenteredRmsPropConfig::keras(s.eta, s.beta),
            CenteredRmsPropConfig::from_rmsprop(rmsprop, s.beta),
        ];
        for config in presets {
            for placement in PLACEMENTS {
                let config = config.epsilon_placement(placement);
                for plan in plans(m) {
                    let readable = config.build(w.len()).unwrap();
                    let fast = FastCenteredRmsProp::new(config, w.len()).unwrap().with_plan(plan);
                    same_bits(&format!("{config:?} on {plan:?}"), readable, fast, &w, &gs)?;
                }
            }
        }
    }

    #[test]
    fn amsgrad_fast_is_readable_bit_for_bit((w, gs, m) in run(), s in settings()) {
        let presets = [
            AdamConfig::pytorch_amsgrad(s.eta),
            AdamConfig::optax_amsgrad(s.eta),
            AdamConfig::new(s.eta).beta1(s.beta).beta2(s.gamma).epsilon(s.epsilon),
        ];
        for config in presets {
            for amsgrad in [AmsGrad::MaximumBeforeCorrection, AmsGrad::MaximumAfterCorrection] {
                for placement in PLACEMENTS {
                    let config = config.amsgrad(amsgrad).epsilon_placement(placement);
                    for plan in plans(m) {
                        let readable = config.build(w.len()).unwrap();
                        let fast = FastAdam::new(config, w.len()).unwrap().with_plan(plan);
                        same_bits(&format!("{config:?} on {plan:?}"), readable, fast, &w, &gs)?;
                    }
                }
            }
        }
    }

    /// L2 and decoupled weight decay and a schedule, wrapped around the fast
    /// optimizer, are the same wrappers around the readable one, bit for bit.
    #[test]
    fn the_wrappers_around_a_fast_optimizer_are_the_readable_ones_bit_for_bit(
        (w, gs, m) in run(),
        s in settings(),
        decay in 0.0..1.0f64,
    ) {
        let config = AdamConfig::new(s.eta).beta1(s.beta).beta2(s.gamma);
        let schedule = Schedule::Warmup {
            steps: 2,
            start: 0.5,
            then: Box::new(Schedule::Cosine { steps: 3, floor: 0.1 }),
        };
        for plan in plans(m) {
            let (readable, fast) = adam_pair(config, w.len(), plan);
            let (readable, fast) =
                (L2::new(readable, decay, w.len()).unwrap(), L2::new(fast, decay, w.len()).unwrap());
            same_bits(&format!("L2 on {plan:?}"), readable, fast, &w, &gs)?;
            let (readable, fast) = adam_pair(config, w.len(), plan);
            let (readable, fast) =
                (Decoupled::new(readable, decay).unwrap(), Decoupled::new(fast, decay).unwrap());
            same_bits(&format!("decoupled on {plan:?}"), readable, fast, &w, &gs)?;
            let (readable, fast) = adam_pair(config, w.len(), plan);
            let readable = Scheduled::new(readable, schedule.clone()).unwrap();
            let fast = Scheduled::new(fast, schedule.clone()).unwrap();
            same_bits(&format!("scheduled on {plan:?}"), readable, fast, &w, &gs)?;
        }
    }
}

/// A readable Adam and a fast one with the same settings, on `plan`.
fn adam_pair(config: AdamConfig, n: usize, plan: Plan) -> (Adam, FastAdam) {
    (config.build(n).unwrap(), FastAdam::new(config, n).unwrap().with_plan(plan))
}

/// Sets η to 0.25, then to −1, which must be refused with an error naming η.
fn sets_its_learning_rate(mut optimizer: impl LearningRate) {
    optimizer.set_learning_rate(0.25).unwrap();
    assert_eq!(optimizer.learning_rate(), 0.25);
    let error = optimizer.set_learning_rate(-1.0).unwrap_err().to_string();
    assert!(error.contains("learning"), "{error}");
    assert_eq!(optimizer.learning_rate(), 0.25, "a refused η leaves η as it was");
}

/// The fast optimizers take their η from a schedule as the readable ones do.
#[test]
fn every_fast_optimizer_sets_its_learning_rate_as_the_readable_one() {
    let n = 3;
    sets_its_learning_rate(FastGradientDescent::new(0.1).unwrap());
    sets_its_learning_rate(FastAdagrad::new(AdagradConfig::new(0.1), n).unwrap());
    sets_its_learning_rate(FastRmsProp::new(RmsPropConfig::new(0.1), n).unwrap());
    sets_its_learning_rate(FastMomentum::new(MomentumConfig::new(0.1), n).unwrap());
    sets_its_learning_rate(FastRmsPropMomentum::new(RmsPropMomentumConfig::new(0.1), n).unwrap());
    sets_its_learning_rate(FastAdam::new(AdamConfig::new(0.1), n).unwrap());
    sets_its_learning_rate(FastCenteredRmsProp::new(CenteredRmsPropConfig::new(0.1), n).unwrap());
}

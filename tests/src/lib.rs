//! Shared strategies and helpers for the graded test suite of the Descent course.
//!
//! The suite states each optimizer's invariants as property tests (proptest) and
//! pins their trajectories as snapshots (insta), one file per chapter under
//! `tests/tests/`. This library holds what those files share:
//!
//! - **strategies** that draw hyper-parameters, parameters and gradients from
//!   bounded ranges or log-uniform magnitudes, never from `any::<f64>()`: a property
//!   states its conditions, and the strategies are those conditions written as code;
//! - **measurements** such as [`step_from_zero`], which reads an optimizer's step
//!   without the rounding of `w − Δ`;
//! - the **outcome** of a run for the summary table ([`Outcome`], defined in the
//!   `sweep` crate, where "stalled" is defined once for the book's sweeps too).
//! - small **labelled data sets** and [`central_differences`] for the finite sums
//!   of the chapter on when adapting pays.
//!
//! ## Floating point, stated once
//! [`UNIT_ROUNDOFF`] u = 2⁻⁵³ bounds the relative error of one correctly rounded
//! operation (IEEE 754, round to nearest): fl(a ∘ b) = (a ∘ b)·(1 + δ) with |δ| ≤ u,
//! as long as nothing overflows or underflows. Every ulp allowance in the suite is a
//! count of such roundings, and each test says which ones it counts.
//!
//! Gradients stay within [`SMALLEST_GRADIENT`] ≤ |g| ≤ [`LARGEST_GRADIENT`] (or are
//! exactly 0), so that g² is a normal number: it neither overflows (|g| ≤ 1e150
//! gives g² ≤ 1e300, and a sum of a few dozen such squares stays far from 1.8e308)
//! nor underflows (|g| ≥ 1e-150 gives g² ≥ 1e-300, far above the smallest normal
//! 2.2e-308). Below that, g² loses relative precision or becomes 0, and then
//! √(G + ε) can be smaller than |g|: the bounds of the adaptive methods would be
//! off by more than rounding. That is a limit of `f64`, not of the methods.

use std::ops::RangeInclusive;

use adagrad::{AdagradConfig, EpsilonPlacement};
use gd::Optimizer;
use momentum::{AdamConfig, MomentumConfig, RmsPropMomentumConfig};
use objectives::Objective;
use proptest::prelude::*;
use rmsprop::RmsPropConfig;

/// u = 2⁻⁵³, the largest relative error of one correctly rounded `f64` operation.
pub const UNIT_ROUNDOFF: f64 = f64::EPSILON / 2.0;

/// The smallest non-zero gradient magnitude the strategies draw: g² ≥ 1e-300 is normal.
pub const SMALLEST_GRADIENT: f64 = 1e-150;

/// The largest gradient magnitude the strategies draw: g² ≤ 1e300 cannot overflow.
pub const LARGEST_GRADIENT: f64 = 1e150;

/// The longest gradient sequence a property feeds an optimizer.
pub const MAX_STEPS: usize = 20;

/// 10ˣ for x uniform in [`low`, `high`]: magnitudes spread evenly over the decades.
pub fn log_uniform(low: f64, high: f64) -> impl Strategy<Value = f64> {
    (low..=high).prop_map(|exponent| 10f64.powf(exponent))
}

/// `magnitude` with a random sign.
pub fn signed(magnitude: impl Strategy<Value = f64>) -> impl Strategy<Value = f64> {
    (any::<bool>(), magnitude).prop_map(|(negative, m)| if negative { -m } else { m })
}

/// A non-zero gradient entry: ±10ˣ with x uniform in [−150, 150].
pub fn nonzero_gradient() -> impl Strategy<Value = f64> {
    signed(log_uniform(SMALLEST_GRADIENT.log10(), LARGEST_GRADIENT.log10()))
}

/// A gradient entry: exactly 0 one time in ten, else a [`nonzero_gradient`].
pub fn gradient() -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 9 => nonzero_gradient()]
}

/// A gradient vector of `n` entries.
pub fn gradient_vector(n: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(gradient(), n)
}

/// A sequence of 1 to [`MAX_STEPS`] gradient vectors of `n` entries.
pub fn gradient_sequence(n: usize) -> impl Strategy<Value = Vec<Vec<f64>>> {
    proptest::collection::vec(gradient_vector(n), 1..=MAX_STEPS)
}

/// A number of weights, 1 to 6: enough to mix coordinates, small enough to shrink.
pub fn dimension() -> RangeInclusive<usize> {
    1..=6
}

/// A parameter value, uniform in [−1000, 1000].
pub fn parameter() -> impl Strategy<Value = f64> {
    -1e3..=1e3
}

/// A parameter vector of `n` entries.
pub fn parameters(n: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(parameter(), n)
}

/// Start parameters and a sequence of gradients, of a common random dimension.
pub fn parameters_and_gradients() -> impl Strategy<Value = (Vec<f64>, Vec<Vec<f64>>)> {
    dimension().prop_flat_map(|n| (parameters(n), gradient_sequence(n)))
}

/// A learning rate η, log-uniform in [1e-3, 10].
pub fn learning_rate() -> impl Strategy<Value = f64> {
    log_uniform(-3.0, 1.0)
}

/// ε: exactly 0 (the edge case) or log-uniform in [1e-12, 1e-4].
pub fn epsilon() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), log_uniform(-12.0, -4.0)]
}

/// Where ε goes: inside the root (the course) or outside (PyTorch).
pub fn placement() -> impl Strategy<Value = EpsilonPlacement> {
    prop_oneof![Just(EpsilonPlacement::InsideRoot), Just(EpsilonPlacement::OutsideRoot)]
}

/// An initial accumulator G₀: exactly 0 (the course default) or log-uniform in [1e-6, 1e6].
pub fn initial_accumulator() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), log_uniform(-6.0, 6.0)]
}

/// RMSprop's γ: exactly 0, exactly 0.9 (the course default), or uniform in [0.01, 0.999].
///
/// The lower end stays at 0.01 so that γ·G, for G ≥ 1e-300, remains a normal
/// number; γ = 0 itself is exact (0·G = 0).
///
/// The momentum coefficients are drawn from the same values: heavy ball's β,
/// the μ of RMSprop with momentum and Adam's β₁ (0.9 is their course default
/// too). Adam's β₂ has its own strategy, [`beta2`].
pub fn decay() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(0.9), 0.01..=0.999]
}

/// Adam's β₂: exactly 0.999 (the default) or uniform in [0.5, 0.9999].
///
/// The lower end stays at 0.5 so that a squared gradient keeps a weight
/// (1 − β₂)·β₂ʲ ≥ 9.5e-7 in G for the j < [`MAX_STEPS`] steps after it: G stays a
/// normal number (≥ 9.5e-307 once a gradient is non-zero), and β₁²/β₂ < 2 keeps
/// the Cauchy–Schwarz bound on Adam's step (`tests/tests/momentum.rs`) below
/// η·√t·2^(t/2). A smaller β₂ is valid, but its bound grows like β₂^(−t/2) and G can
/// underflow, so the step would be bounded by far more than rounding.
pub fn beta2() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.999), 0.5..=0.9999]
}

/// Any Adagrad settings in range: η, ε, its placement and G₀.
pub fn adagrad_config() -> impl Strategy<Value = AdagradConfig> {
    (learning_rate(), epsilon(), placement(), initial_accumulator()).prop_map(
        |(eta, eps, place, g0)| {
            AdagradConfig::new(eta).epsilon(eps).epsilon_placement(place).initial_accumulator(g0)
        },
    )
}

/// Any RMSprop settings in range: η, γ, ε, its placement and G₀.
pub fn rmsprop_config() -> impl Strategy<Value = RmsPropConfig> {
    (learning_rate(), decay(), epsilon(), placement(), initial_accumulator()).prop_map(
        |(eta, gamma, eps, place, g0)| {
            RmsPropConfig::new(eta)
                .decay(gamma)
                .epsilon(eps)
                .epsilon_placement(place)
                .initial_accumulator(g0)
        },
    )
}

/// Any momentum settings in range: η, β (drawn like [`decay`]), and heavy ball or
/// Nesterov.
pub fn momentum_config() -> impl Strategy<Value = MomentumConfig> {
    (learning_rate(), decay(), any::<bool>()).prop_map(|(eta, beta, nesterov)| {
        MomentumConfig::new(eta).momentum(beta).nesterov(nesterov)
    })
}

/// Any settings of RMSprop with momentum in range: the RMSprop settings of
/// [`rmsprop_config`] (η, γ, ε, its placement and G₀) and μ (drawn like [`decay`]).
pub fn rmsprop_momentum_config() -> impl Strategy<Value = RmsPropMomentumConfig> {
    (rmsprop_config(), decay())
        .prop_map(|(rmsprop, mu)| RmsPropMomentumConfig::from_rmsprop(rmsprop, mu))
}

/// Any Adam settings in range: η, β₁ (drawn like [`decay`]), β₂ ([`beta2`]), ε
/// and its placement.
pub fn adam_config() -> impl Strategy<Value = AdamConfig> {
    (learning_rate(), decay(), beta2(), epsilon(), placement()).prop_map(
        |(eta, beta1, beta2, eps, place)| {
            AdamConfig::new(eta).beta1(beta1).beta2(beta2).epsilon(eps).epsilon_placement(place)
        },
    )
}

/// A permutation of 0..n, uniformly shuffled.
pub fn permutation(n: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..n).collect::<Vec<_>>()).prop_shuffle()
}

/// `v` with its coordinates reordered: entry i of the result is `v[order[i]]`.
pub fn permute(v: &[f64], order: &[usize]) -> Vec<f64> {
    order.iter().map(|&i| v[i]).collect()
}

/// `v` for a bit-for-bit comparison (−0 ≠ +0 here, and NaN equals the same NaN).
///
/// Two [`Bits`] are equal when every number has the same bit pattern; a failed
/// comparison shows the numbers, with their bit patterns after them.
pub fn bits(v: &[f64]) -> Bits {
    Bits(v.to_vec())
}

/// Numbers compared bit for bit and shown as numbers: see [`bits`].
#[derive(Clone)]
pub struct Bits(pub Vec<f64>);

impl PartialEq for Bits {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl Eq for Bits {}

impl std::fmt::Debug for Bits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let numbers: Vec<String> = self.0.iter().map(|x| format!("{x:?}")).collect();
        let patterns: Vec<String> =
            self.0.iter().map(|x| format!("{:#018x}", x.to_bits())).collect();
        write!(f, "[{}] (bits {})", numbers.join(", "), patterns.join(", "))
    }
}

/// The suite's proptest settings: the default cases (`PROPTEST_CASES` still
/// applies), failures saved next to the test file as `NAME.proptest-regressions`
/// (said explicitly: proptest's default looks for a `lib.rs` beside the test and
/// warns when it finds none), and a failing property that prints its panic once
/// per assertion rather than once per shrinking step (see [`quiet_repeated_panics`]).
pub fn config() -> ProptestConfig {
    quiet_repeated_panics();
    ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    }
}

/// Installs, once, a panic hook that prints a panic only the first time its
/// source line panics on a thread: proptest's shrinking re-runs a failing case
/// dozens of times, and each run would print the same assertion again. The final
/// report (`Test failed: …; minimal failing input: …`) comes from another line
/// and is printed.
pub fn quiet_repeated_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            thread_local! {
                static SEEN: std::cell::RefCell<std::collections::BTreeSet<String>> =
                    const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
            }
            let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
            if SEEN.with(|seen| seen.borrow_mut().insert(at.unwrap_or_default())) {
                print(info);
            }
        }));
    });
}

// ANCHOR: step_from_zero
/// The step Δ an optimizer takes for gradient `g`, measured from parameters at 0.
///
/// The step w ← w − Δ is then 0 − Δ = −Δ, which is exact, so the returned Δ is the
/// optimizer's own number, untouched by the rounding of a subtraction from a large
/// w. (Adagrad's and RMSprop's Δ does not depend on w, so nothing is lost.)
pub fn step_from_zero(optimizer: &mut impl Optimizer, g: &[f64]) -> Vec<f64> {
    let mut w = vec![0.0; g.len()];
    optimizer.step(&mut w, g);
    w.iter().map(|x| -x).collect()
}
// ANCHOR_END: step_from_zero

/// The denominator √(G + ε) (or √G + ε outside the root), written out by hand.
pub fn denominator(accumulated: f64, epsilon: f64, placement: EpsilonPlacement) -> f64 {
    match placement {
        EpsilonPlacement::InsideRoot => (accumulated + epsilon).sqrt(),
        EpsilonPlacement::OutsideRoot => accumulated.sqrt() + epsilon,
    }
}

/// Asserts `|actual − expected| ≤ roundings·u·max(|actual|, |expected|)`, naming both.
///
/// The allowance is a count of unit roundoffs, so that a test reads as "equal up
/// to this many roundings".
#[track_caller]
pub fn assert_within_roundings(actual: f64, expected: f64, roundings: f64, what: &str) {
    let allowance = roundings * UNIT_ROUNDOFF * actual.abs().max(expected.abs());
    assert!(
        (actual - expected).abs() <= allowance,
        "{what}: got {actual:e}, expected {expected:e} within {roundings} roundings \
         (difference {:e}, allowance {allowance:e})",
        (actual - expected).abs()
    );
}

// ANCHOR: permutation_commutes
/// Asserts that an elementwise optimizer commutes with permuting coordinates, bit
/// for bit: stepping the permuted parameters with the permuted gradients gives the
/// permuted result of stepping the originals, and the per-weight state (seen
/// through the effective learning rates) is permuted alike.
pub fn assert_permutation_commutes<O: Optimizer>(
    mut make: impl FnMut() -> O,
    start: &[f64],
    gradients: &[Vec<f64>],
    order: &[usize],
) {
    let (mut original, mut permuted) = (make(), make());
    let mut w = start.to_vec();
    let mut w_permuted = permute(start, order);
    for (t, g) in gradients.iter().enumerate() {
        original.step(&mut w, g);
        permuted.step(&mut w_permuted, &permute(g, order));
        assert_eq!(bits(&w_permuted), bits(&permute(&w, order)), "parameters after step {t}");
        let rates = original.effective_learning_rates().map(|r| permute(&r, order));
        let rates_permuted = permuted.effective_learning_rates();
        assert_eq!(
            rates.map(|r| bits(&r)),
            rates_permuted.map(|r| bits(&r)),
            "effective learning rates after step {t}"
        );
    }
}
// ANCHOR_END: permutation_commutes

/// A feature of the small data sets of the finite-sum tests, uniform in [−3, 3].
pub fn feature() -> RangeInclusive<f64> {
    -3.0..=3.0
}

/// A binary label: 0 or 1, equally likely.
pub fn label() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0)]
}

/// `n` rows of `d` [`feature`]s and `n` [`label`]s.
pub fn labelled_rows(n: usize, d: usize) -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<f64>)> {
    (
        proptest::collection::vec(proptest::collection::vec(feature(), d), n),
        proptest::collection::vec(label(), n),
    )
}

/// A small labelled data set: 2 to 12 rows of 1 to 4 features.
pub fn labelled_data() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<f64>)> {
    (2..=12usize, 1..=4usize).prop_flat_map(|(n, d)| labelled_rows(n, d))
}

/// A ridge coefficient λ: exactly 0 one time in five, else log-uniform in [1e-3, 1].
pub fn ridge() -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 4 => log_uniform(-3.0, 0.0)]
}

/// A model weight, uniform in [−3, 3]: with features in [−3, 3] and at most four
/// of them, a logit stays within ±39, where σ and the loss are far from overflow.
pub fn model_weights(n: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(-3.0..=3.0, n)
}

// ANCHOR: central_differences
/// The central differences (J(w + h·eⱼ) − J(w − h·eⱼ))/2h, for every j.
///
/// Their error is the truncation h²·|∂ⱼ³J|/6 plus the rounding of J, about
/// u·|J|/h: with h = 1e-5 and the bounded data of the strategies above, both are
/// below 1e-9.
pub fn central_differences(objective: &(impl Objective + ?Sized), w: &[f64], h: f64) -> Vec<f64> {
    (0..w.len())
        .map(|j| {
            let (mut plus, mut minus) = (w.to_vec(), w.to_vec());
            plus[j] += h;
            minus[j] -= h;
            (objective.value(&plus) - objective.value(&minus)) / (2.0 * h)
        })
        .collect()
}
// ANCHOR_END: central_differences

/// How the summary table judges a run ([`Outcome`]), and what counts as arrived:
/// the gap J(w) − J(w*) below 1e-6 within 10 000 steps ([`Budget::SUMMARY`]).
/// Both live in the `sweep` crate, which judges every run of the book's sweeps by
/// the same rules.
pub use sweep::{Budget, Outcome};

/// The libraries' own runs, and the course's construction that reproduces each
/// library call: the parity test and the book's parity table both read these.
pub mod references {
    use adagrad::{AdagradConfig, EpsilonPlacement};
    use gd::{Decoupled, HyperParameterError, L2, Optimizer, Schedule, Scheduled, Stop, minimize};
    use momentum::{AdamConfig, MomentumConfig, RmsPropMomentumConfig, adamw};
    use objectives::{DiagonalQuadratic, Objective, Rosenbrock};
    use rmsprop::{CenteredRmsPropConfig, RmsPropConfig};

    include!("../references/libraries.rs");

    /// Every reference run: (library call, problem, the iterates after steps 1, 2, …),
    /// written by `tests/references/generate.py` from the libraries themselves.
    pub const RUNS: &[(&str, &str, &[[f64; 2]])] = LIBRARY_RUNS;

    /// Every library call as Python, by name, as `generate.py` makes it; η is the
    /// base rate of the problem ([`base_rate`]).
    pub const CALLS: &[(&str, &str)] = LIBRARY_CALLS;

    /// The problems of the reference runs, with their starts.
    pub const PROBLEMS: [(&str, [f64; 2]); 2] =
        [("ellipse", [-5.0, -2.0]), ("rosenbrock", [-1.5, 2.0])];

    /// η of the reference runs on `problem`: 0.1 on the ellipse, 0.001 on
    /// Rosenbrock's valley (whose curvature at the start is about 2000).
    pub fn base_rate(problem: &str) -> f64 {
        if problem == "ellipse" { 0.1 } else { 0.001 }
    }

    /// A library call and the course's construction that reproduces it.
    pub struct Preset {
        /// The call's name in the reference runs, such as `torch-adam-amsgrad`.
        pub call: &'static str,
        /// The course's construction, as Rust source; `eta` is the base rate.
        pub course: &'static str,
        build: fn(f64) -> Result<Box<dyn Optimizer>, HyperParameterError>,
    }

    impl Preset {
        /// The course's optimizer for this call on `problem` (two weights).
        pub fn build(&self, problem: &str) -> Result<Box<dyn Optimizer>, HyperParameterError> {
            (self.build)(base_rate(problem))
        }

        /// The library's call, as Python.
        pub fn library_call(&self) -> Option<&'static str> {
            CALLS.iter().find(|(name, _)| *name == self.call).map(|(_, call)| *call)
        }
    }

    /// Writes [`PRESETS`], each construction once: as code and as its source.
    macro_rules! presets {
        ($eta:ident; $($call:literal => $course:expr,)*) => {
            /// Every library call of the reference runs, with the course's
            /// construction that reproduces it.
            pub const PRESETS: &[Preset] = &[$(
                Preset {
                    call: $call,
                    course: stringify!($course),
                    build: |$eta| Ok(Box::new($course?) as Box<dyn Optimizer>),
                },
            )*];
        };
    }

    presets! { eta;
        "torch-adagrad" => AdagradConfig::pytorch(4.0 * eta).build(2),
        "torch-adagrad-lr-decay" => Scheduled::new(
            AdagradConfig::pytorch(4.0 * eta).build(2)?,
            Schedule::InverseTime { decay: 0.1 }
        ),
        "torch-adagrad-weight-decay" => L2::new(AdagradConfig::pytorch(4.0 * eta).build(2)?, 0.1, 2),
        "keras-adagrad" => AdagradConfig::keras(4.0 * eta).build(2),
        "optax-adagrad" => AdagradConfig::optax(4.0 * eta).build(2),
        "torch-rmsprop" => RmsPropConfig::pytorch(eta).build(2),
        "torch-rmsprop-weight-decay" => L2::new(RmsPropConfig::pytorch(eta).build(2)?, 0.1, 2),
        "torch-rmsprop-momentum" => RmsPropMomentumConfig::pytorch(eta / 10.0, 0.9).build(2),
        "torch-rmsprop-centered" => CenteredRmsPropConfig::pytorch(eta, 0.0).build(2),
        "torch-rmsprop-centered-momentum" => CenteredRmsPropConfig::pytorch(eta / 10.0, 0.9).build(2),
        "keras-rmsprop" => RmsPropConfig::keras(eta).build(2),
        "keras-rmsprop-weight-decay" => Decoupled::new(RmsPropConfig::keras(eta).build(2)?, 0.1),
        "keras-rmsprop-momentum" => RmsPropMomentumConfig::keras(eta / 10.0, 0.9).build(2),
        "keras-rmsprop-centered" => CenteredRmsPropConfig::keras(eta, 0.0).build(2),
        "keras-rmsprop-centered-momentum" => CenteredRmsPropConfig::keras(eta / 10.0, 0.9).build(2),
        "optax-rmsprop" => RmsPropConfig::optax(eta).build(2),
        "optax-rmsprop-step-decay" => Scheduled::optax(
            RmsPropConfig::optax(eta).build(2)?,
            Schedule::StepDecay { every: 10, factor: 0.5 }
        ),
        "optax-rmsprop-momentum" => RmsPropMomentumConfig::optax(eta / 10.0, 0.9).build(2),
        "optax-rmsprop-centered" => CenteredRmsPropConfig::optax(eta, 0.0).build(2),
        "optax-rmsprop-centered-momentum" => CenteredRmsPropConfig::optax(eta / 10.0, 0.9).build(2),
        "optax-rmsprop-centered-momentum-eps-outside" => CenteredRmsPropConfig::optax(eta / 10.0, 0.9)
            .epsilon_placement(EpsilonPlacement::OutsideRoot)
            .build(2),
        "torch-sgd-momentum" => MomentumConfig::pytorch(eta / 2.0, 0.9).build(2),
        "torch-sgd-nesterov" => MomentumConfig::pytorch(eta / 2.0, 0.9).nesterov(true).build(2),
        "torch-sgd-momentum-weight-decay" => L2::new(MomentumConfig::pytorch(eta / 2.0, 0.9).build(2)?, 0.1, 2),
        "keras-sgd-momentum" => MomentumConfig::keras(eta / 2.0, 0.9).build(2),
        "keras-sgd-nesterov" => MomentumConfig::keras(eta / 2.0, 0.9).nesterov(true).build(2),
        "optax-sgd-momentum" => MomentumConfig::optax(eta / 2.0, 0.9).build(2),
        "optax-sgd-nesterov" => MomentumConfig::optax(eta / 2.0, 0.9).nesterov(true).build(2),
        "optax-sgd-momentum-warmup-cosine" => Scheduled::optax(
            MomentumConfig::optax(eta / 2.0, 0.9).build(2)?,
            Schedule::Warmup {
                steps: 10,
                start: 0.1,
                then: Box::new(Schedule::Cosine { steps: 40, floor: 0.1 }),
            }
        ),
        "torch-adam" => AdamConfig::pytorch(eta).build(2),
        "torch-adam-amsgrad" => AdamConfig::pytorch_amsgrad(eta).build(2),
        "torch-adam-weight-decay" => L2::new(AdamConfig::pytorch(eta).build(2)?, 0.1, 2),
        "torch-adamw" => adamw(AdamConfig::pytorch(eta), 0.1, 2),
        "torch-adamw-amsgrad" => adamw(AdamConfig::pytorch_amsgrad(eta), 0.1, 2),
        "torch-adam-step-lr" => Scheduled::new(
            AdamConfig::pytorch(eta).build(2)?,
            Schedule::StepDecay { every: 10, factor: 0.5 }
        ),
        "torch-adam-cosine" => Scheduled::new(
            AdamConfig::pytorch(eta).build(2)?,
            Schedule::Cosine { steps: 60, floor: 0.1 }
        ),
        "torch-adam-linear-warmup" => Scheduled::new(
            AdamConfig::pytorch(eta).build(2)?,
            Schedule::Warmup { steps: 10, start: 0.1, then: Box::new(Schedule::Constant) }
        ),
        "keras-adam" => AdamConfig::keras(eta).build(2),
        "keras-adam-amsgrad" => AdamConfig::keras_amsgrad(eta).build(2),
        "keras-adamw" => adamw(AdamConfig::keras(eta), 0.1, 2),
        "torch-adam-linear-warmup-from-near-zero" => Scheduled::new(
            AdamConfig::pytorch(eta).build(2)?,
            Schedule::Warmup { steps: 10, start: 0.001, then: Box::new(Schedule::Constant) }
        ),
        "optax-adam" => AdamConfig::optax(eta).build(2),
        "optax-amsgrad" => AdamConfig::optax_amsgrad(eta).build(2),
        "optax-adamw" => adamw(AdamConfig::optax(eta), 0.1, 2),
        "optax-adam-step-decay" => Scheduled::optax(
            AdamConfig::optax(eta).build(2)?,
            Schedule::StepDecay { every: 10, factor: 0.5 }
        ),
        "optax-adam-cosine" => Scheduled::optax(
            AdamConfig::optax(eta).build(2)?,
            Schedule::Cosine { steps: 40, floor: 0.1 }
        ),
        "optax-adam-warmup-cosine" => Scheduled::optax(
            AdamConfig::optax(eta).build(2)?,
            Schedule::Warmup {
                steps: 10,
                start: 0.1,
                then: Box::new(Schedule::Cosine { steps: 40, floor: 0.1 }),
            }
        ),
        "optax-adam-warmup-cosine-from-zero" => Scheduled::optax(
            AdamConfig::optax(eta).build(2)?,
            Schedule::Warmup {
                steps: 10,
                start: 0.0,
                then: Box::new(Schedule::Cosine { steps: 40, floor: 0.1 }),
            }
        ),
    }

    /// The course's preset for the library call `name`.
    pub fn preset(name: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|preset| preset.call == name)
    }

    /// The largest relative difference, over every step and weight, between the
    /// course's run of `preset` on `problem` and the library's `iterates`; an error
    /// if the course's run stops early or the preset is refused.
    pub fn largest_difference(
        preset: &Preset,
        problem: &str,
        iterates: &[[f64; 2]],
    ) -> Result<f64, String> {
        let mut optimizer = preset.build(problem).map_err(|error| error.to_string())?;
        largest_difference_of(optimizer.as_mut(), problem, iterates)
            .map_err(|error| format!("{} {error}", preset.call))
    }

    /// The library's iterates of the call `name` on `problem`, if generated.
    pub fn reference(name: &str, problem: &str) -> Option<&'static [[f64; 2]]> {
        RUNS.iter().find(|(n, p, _)| *n == name && *p == problem).map(|(_, _, iterates)| *iterates)
    }

    /// The largest relative difference, over every step and weight, between a run
    /// of `optimizer` (fresh) on `problem` and the library's `iterates`: any
    /// construction, not only a preset's, measured as the parity test measures.
    pub fn largest_difference_of(
        optimizer: &mut dyn Optimizer,
        problem: &str,
        iterates: &[[f64; 2]],
    ) -> Result<f64, String> {
        let (objective, start): (Box<dyn Objective>, [f64; 2]) = match problem {
            "ellipse" => (Box::new(DiagonalQuadratic::ellipse()), PROBLEMS[0].1),
            "rosenbrock" => (Box::new(Rosenbrock::default()), PROBLEMS[1].1),
            other => return Err(format!("no problem called {other}")),
        };
        let stop = Stop::after(iterates.len()).or_when_gradient_below(0.0);
        let trace = minimize(objective.as_ref(), optimizer, &start, stop);
        if trace.steps() != iterates.len() {
            return Err(format!("on {problem} stopped early: {:?}", trace.stop));
        }
        Ok(trace.iterates[1..]
            .iter()
            .zip(iterates)
            .flat_map(|(ours, theirs)| ours.iter().zip(theirs))
            .map(|(a, b)| (a - b).abs() / a.abs().max(b.abs()).max(f64::MIN_POSITIVE))
            .fold(0.0, f64::max))
    }
}

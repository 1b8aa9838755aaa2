//! Graded properties of the chapter "What the libraries add" (centered RMSprop,
//! AMSGrad, weight decay, schedules, and Reddi et al.'s counterexample to Adam),
//! and the parity of every preset with the libraries' own runs.
//!
//! The parity tests compare the course's presets, step after step, with runs of
//! the libraries themselves (optax, Keras and, where it could be installed,
//! PyTorch), recorded in float64 by `tests/references/generate.py` in
//! `tests/references/libraries.rs`: never Python at test time.

use adagrad::{AdagradConfig, EpsilonPlacement};
use descent_tests::references::{PRESETS, PROBLEMS, RUNS, largest_difference, preset};
use descent_tests::{UNIT_ROUNDOFF, bits, log_uniform, signed};
use gd::{Decoupled, GradientDescent, L2, LearningRate, Optimizer, Schedule, Scheduled};
use momentum::{AdamConfig, AmsGrad, MomentumConfig, RmsPropMomentumConfig};
use proptest::prelude::*;
use rmsprop::{CenteredRmsPropConfig, RmsPropConfig};

/// The strategies draw settings the constructors accept.
const IN_RANGE: &str = "settings drawn in range";

// ---------------------------------------------------------------------------
// Centered RMSprop
// ---------------------------------------------------------------------------

// ANCHOR: centered_alternating
proptest! {
    /// **On gradients that alternate ±c, centered RMSprop steps like uncentered
    /// RMSprop times √(G/(G − ḡ²)), a factor that tends to (1 + γ)/(2√γ).**
    ///
    /// Conditions: γ in [0.5, 0.999], c of magnitude in [1e-3, 1e3], ε = 0, up to
    /// 40 steps of gᵗ = (−1)ᵗ⁺¹·c from G = ḡ = 0.
    ///
    /// Proof sketch: a zero-mean gradient's running mean is not zero: after t steps
    /// ḡ = (1 − γ)·c·(−1)ᵗ⁺¹·(1 − (−γ)ᵗ)/(1 + γ), while G = (1 − γᵗ)·c² as for
    /// uncentered RMSprop. The two steps are η·g/√(G − ḡ²) and η·g/√G, so their
    /// ratio is √(G/(G − ḡ²)) exactly, and it tends to 1/√(1 − ((1 − γ)/(1 + γ))²)
    /// = (1 + γ)/(2√γ): 1.0014 for γ = 0.9, 1.000013 for γ = 0.99. The closed
    /// forms and the optimizers' own numbers are each a few dozen roundings from
    /// the exact values (the sums of t terms, divided): 64·t·u relative covers
    /// both.
    #[test]
    fn centered_rmsprop_on_alternating_gradients_steps_like_uncentered_times_the_variance_ratio(
        gamma in 0.5..=0.999f64,
        c in log_uniform(-3.0, 3.0),
        steps in 1usize..=40,
    ) {
        let plain = RmsPropConfig::new(1.0).decay(gamma).epsilon(0.0);
        let mut centered = CenteredRmsPropConfig::from_rmsprop(plain, 0.0).build(1).expect(IN_RANGE);
        let mut uncentered = plain.build(1).expect(IN_RANGE);
        for t in 1..=steps as i32 {
            let g = if t % 2 == 1 { c } else { -c };
            let (mut a, mut b) = ([0.0], [0.0]);
            centered.step(&mut a, &[g]);
            uncentered.step(&mut b, &[g]);
            let big_g = (1.0 - gamma.powi(t)) * c * c;
            let mean = (1.0 - gamma) * g * (1.0 - (-gamma).powi(t)) / (1.0 + gamma);
            let ratio = (big_g / (big_g - mean * mean)).sqrt();
            let allowance = 64.0 * f64::from(t) * UNIT_ROUNDOFF * ratio;
            prop_assert!(
                (a[0] / b[0] - ratio).abs() <= allowance,
                "step {}: centered {} / uncentered {} = {}, expected √(G/(G − ḡ²)) = {}",
                t, a[0], b[0], a[0] / b[0], ratio
            );
        }
        let limit = (1.0 + gamma) / (2.0 * gamma.sqrt());
        prop_assert!(limit >= 1.0 && limit < 1.0 + (1.0 - gamma).powi(2) / (4.0 * gamma) + 1e-12);
    }
}
// ANCHOR_END: centered_alternating

proptest! {
    /// **The centered variance is never negative, and never more than G.**
    ///
    /// Conditions: any G ≥ 0 and ḡ with ḡ² ≤ G·(1 + 2⁻²⁰) (a variance that rounding
    /// may have pushed slightly below zero), magnitudes in [1e-100, 1e100].
    ///
    /// Proof sketch: max(G − ḡ², 0) ≥ 0 by the max; and G − ḡ² ≤ G because ḡ² ≥ 0,
    /// a monotone rounding (fl(G − x) ≤ G for x ≥ 0): exact.
    #[test]
    fn the_centered_variance_is_never_negative_and_never_above_the_mean_square(
        average in log_uniform(-100.0, 100.0),
        // Half the draws past 1, where rounding has pushed G − ḡ² below zero: a
        // uniform draw over [0, 1.000001] would reach it once in a million.
        fraction in prop_oneof![0.0..=1.0f64, 1.0..=1.000_001f64],
        negative in any::<bool>(),
    ) {
        let mean = (average * fraction).sqrt() * if negative { -1.0 } else { 1.0 };
        let variance = rmsprop::centered_variance(average, mean);
        prop_assert!(variance >= 0.0 && variance <= average, "{variance} for G = {average}, ḡ = {mean}");
    }
}

// ---------------------------------------------------------------------------
// AMSGrad
// ---------------------------------------------------------------------------

/// Gradient sequences for the AMSGrad properties: 1 to 30 steps, 1 to 4 weights,
/// each entry 0 or of magnitude in [1e-3, 1e3].
fn gradients() -> impl Strategy<Value = Vec<Vec<f64>>> {
    (1usize..=4).prop_flat_map(|n| {
        proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![1 => Just(0.0), 9 => signed(log_uniform(-3.0, 3.0))],
                n,
            ),
            1..=30,
        )
    })
}

// ANCHOR: amsgrad_rates
proptest! {
    /// **With the maximum taken after the bias correction (optax's AMSGrad), no
    /// effective rate ever increases.**
    ///
    /// Conditions: optax's AMSGrad with β₁ = 0 (so that m̂ = g and the rate a step
    /// used is its displacement over the gradient), β₂ = 0.999, ε = 1e-8, η
    /// log-uniform in [1e-4, 1], the gradients above; each step is taken from
    /// w = 0, and a weight's rate is read at every step where its gradient is not 0.
    ///
    /// Proof sketch: the rate is η/(√Ĝmax + ε) with Ĝmax ← max(Ĝmax, Ĝ), which
    /// never decreases. The test reads the rate back as −Δw/g, from the step
    /// itself rather than from the optimizer's state: Δw = η·g/(√Ĝmax + ε) takes
    /// at most three roundings and the quotient one more, so two readings of the
    /// same rate can differ by 8u relative, which the test allows. A rate that
    /// rises, as with the maximum of the uncorrected G, rises by far more (√2
    /// after a large gradient and a small one).
    #[test]
    fn amsgrad_with_the_maximum_after_the_correction_never_raises_a_rate(
        eta in log_uniform(-4.0, 0.0),
        sequence in gradients(),
    ) {
        let n = sequence[0].len();
        let mut optimizer = AdamConfig::optax_amsgrad(eta).beta1(0.0).build(n).expect(IN_RANGE);
        let mut previous = vec![f64::INFINITY; n];
        for (t, g) in sequence.iter().enumerate() {
            let mut w = vec![0.0; n];
            optimizer.step(&mut w, g);
            for j in (0..n).filter(|&j| g[j] != 0.0) {
                let rate = -w[j] / g[j];
                prop_assert!(
                    rate <= previous[j] * (1.0 + 8.0 * UNIT_ROUNDOFF),
                    "step {}: the rate of w{j} rose from {} to {rate}", t + 1, previous[j]
                );
                previous[j] = rate;
            }
        }
    }
}
// ANCHOR_END: amsgrad_rates

/// **With the maximum taken before the bias correction (PyTorch's AMSGrad), a rate
/// can rise**: after one large gradient and then zeros, Gmax stays put while
/// 1 − β₂ᵗ grows, so √(Gmax/(1 − β₂ᵗ)) falls and η/(√(…) + ε) rises. PyTorch's
/// variant keeps the maximum of the *uncorrected* average, and the guarantee of
/// the paper (non-increasing rates) holds only for the corrected one.
#[test]
fn amsgrad_with_the_maximum_before_the_correction_can_raise_a_rate() {
    let mut optimizer = AdamConfig::pytorch_amsgrad(0.1).build(1).expect(IN_RANGE);
    let mut w = [0.0];
    optimizer.step(&mut w, &[1.0]);
    let first = optimizer.effective_learning_rates().expect("Adam has rates")[0];
    optimizer.step(&mut w, &[0.0]);
    let second = optimizer.effective_learning_rates().expect("Adam has rates")[0];
    // 1 − β₂ᵗ doubles (nearly) from t = 1 to 2, so √(Gmax/(1 − β₂ᵗ)) shrinks by
    // about √2 and the rate grows by about as much.
    assert!(second > 1.4 * first, "the rate went from {first} to {second}");
}

// ANCHOR: reddi
proptest! {
    /// **Reddi, Kale and Kumar's counterexample: on the online problem fₜ(x) = C·x
    /// for t = 1, 4, 7, … and −x otherwise, over x ∈ [−1, 1], Adam with β₁ = 0 and
    /// β₂ = 1/(1 + C²) moves towards x = 1, the worst point; AMSGrad moves towards
    /// x = −1, the best.**
    ///
    /// Conditions: C in [2.5, 30], α log-uniform in [0.01, 1], the step size
    /// αₜ = α/√t of the paper, x projected back onto [−1, 1] after each step, 3000
    /// steps from x = 0; ε = 1e-8.
    ///
    /// Proof sketch (the paper's Theorem 1, whose condition is this β₂, not any
    /// β₁ < √β₂ alone): over each period of three steps the gradients sum to
    /// C − 2 > 0, so the best point is x = −1; but Adam's second moment forgets
    /// the rare large gradient C fast enough that the two steps of −1 that follow
    /// outweigh it, and x drifts up to 1. AMSGrad keeps the largest second moment
    /// it has seen, so the rare gradient keeps its weight and x goes down. The
    /// drift is large (x ends past ±0.02 for every setting drawn, checked on a
    /// grid), so rounding does not decide it.
    #[test]
    fn adam_drifts_to_the_worst_point_of_reddis_problem_where_amsgrad_finds_the_best(
        c in 2.5..=30.0f64,
        alpha in log_uniform(-2.0, 0.0),
    ) {
        let beta2 = 1.0 / (1.0 + c * c);
        let run = |amsgrad: AmsGrad| -> f64 {
            let config = AdamConfig::new(alpha).beta1(0.0).beta2(beta2).amsgrad(amsgrad);
            let adam = config.build(1).expect(IN_RANGE);
            let mut optimizer = Scheduled::new(adam, Schedule::InverseSqrt).expect(IN_RANGE);
            let mut x = [0.0];
            for t in 1..=3000 {
                let g = if t % 3 == 1 { c } else { -1.0 };
                optimizer.step(&mut x, &[g]);
                x[0] = x[0].clamp(-1.0, 1.0);
            }
            x[0]
        };
        let adam = run(AmsGrad::Off);
        prop_assert!(adam > 0.02, "Adam ended at {adam}");
        for variant in [AmsGrad::MaximumBeforeCorrection, AmsGrad::MaximumAfterCorrection] {
            let amsgrad = run(variant);
            prop_assert!(amsgrad < -0.02, "AMSGrad ({variant:?}) ended at {amsgrad}");
        }
    }
}
// ANCHOR_END: reddi

// ---------------------------------------------------------------------------
// Weight decay
// ---------------------------------------------------------------------------

/// A fresh optimizer of each kind of the course (index 0 to 5), for `n` weights.
fn optimizer(kind: usize, eta: f64, n: usize) -> Box<dyn DecayableOptimizer> {
    match kind {
        0 => Box::new(GradientDescent::new(eta).expect(IN_RANGE)),
        1 => Box::new(AdagradConfig::new(eta).build(n).expect(IN_RANGE)),
        2 => Box::new(RmsPropConfig::new(eta).build(n).expect(IN_RANGE)),
        3 => Box::new(MomentumConfig::new(eta).build(n).expect(IN_RANGE)),
        4 => Box::new(RmsPropMomentumConfig::new(eta).build(n).expect(IN_RANGE)),
        _ => Box::new(AdamConfig::new(eta).build(n).expect(IN_RANGE)),
    }
}

/// An optimizer with a learning rate that can be read and set, as a trait object.
trait DecayableOptimizer: Optimizer + LearningRate {}
impl<T: Optimizer + LearningRate> DecayableOptimizer for T {}

impl Optimizer for Box<dyn DecayableOptimizer> {
    fn name(&self) -> String {
        self.as_ref().name()
    }
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        self.as_mut().step(params, grads);
    }
}

impl LearningRate for Box<dyn DecayableOptimizer> {
    fn learning_rate(&self) -> f64 {
        self.as_ref().learning_rate()
    }
    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), gd::HyperParameterError> {
        self.as_mut().set_learning_rate(learning_rate)
    }
}

// ANCHOR: decoupled_zero_gradient
proptest! {
    /// **Decoupled decay with a zero gradient shrinks every weight by (1 − η·λ),
    /// exactly, whatever the optimizer.**
    ///
    /// Conditions: any optimizer of the course, η log-uniform in [1e-4, 1], λ in
    /// [0, 0.9/η) (so that 1 − η·λ > 0), weights in [−1000, 1000], up to 10 steps
    /// of a zero gradient from a fresh optimizer.
    ///
    /// Proof sketch: a zero gradient leaves every optimizer's state at 0 and its
    /// step at exactly 0 (each step is a product by g, by a velocity or a moment
    /// built from g's, which are 0), so each step is w ← fl(w·fl(1 − fl(η·λ))) and
    /// nothing else: the test computes the same expression, bit for bit.
    #[test]
    fn decoupled_decay_with_a_zero_gradient_shrinks_each_weight_by_one_minus_eta_lambda(
        kind in 0usize..6,
        eta in log_uniform(-4.0, 0.0),
        share in 0.0..0.9f64,
        start in proptest::collection::vec(-1e3..1e3f64, 1..=4),
        steps in 1usize..=10,
    ) {
        let n = start.len();
        let lambda = share / eta;
        let mut decayed = Decoupled::new(optimizer(kind, eta, n), lambda).expect(IN_RANGE);
        let (mut w, mut expected) = (start.clone(), start);
        let zero = vec![0.0; n];
        for _ in 0..steps {
            decayed.step(&mut w, &zero);
            let keep = 1.0 - eta * lambda;
            for x in &mut expected {
                *x *= keep;
            }
        }
        prop_assert_eq!(bits(&w), bits(&expected), "{}", decayed.name());
    }
}
// ANCHOR_END: decoupled_zero_gradient

proptest! {
    /// **L2 decay hands the optimizer g + λ·w: gradient descent with L2 steps to
    /// w − η·(g + λ·w), exactly.**
    ///
    /// Conditions: η log-uniform in [1e-4, 1], λ log-uniform in [1e-6, 1], weights
    /// in [−1000, 1000], gradients of magnitude in [1e-3, 1e3].
    ///
    /// Proof sketch: the wrapper computes fl(g + fl(λ·w)) and gradient descent
    /// fl(w − fl(η·that)): the test writes the same expression.
    #[test]
    fn l2_decay_hands_the_optimizer_the_gradient_plus_lambda_w(
        eta in log_uniform(-4.0, 0.0),
        lambda in log_uniform(-6.0, 0.0),
        (w, g) in (1usize..=4).prop_flat_map(|n| (
            proptest::collection::vec(-1e3..1e3f64, n),
            proptest::collection::vec(signed(log_uniform(-3.0, 3.0)), n),
        )),
    ) {
        let n = w.len();
        let mut l2 = L2::new(GradientDescent::new(eta).expect(IN_RANGE), lambda, n).expect(IN_RANGE);
        let mut stepped = w.clone();
        l2.step(&mut stepped, &g);
        let expected: Vec<f64> = w.iter().zip(&g).map(|(w, g)| w - eta * (g + lambda * w)).collect();
        prop_assert_eq!(bits(&stepped), bits(&expected));
    }
}

// ---------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------

/// Every kind of schedule, with parameters drawn in range.
fn schedule() -> impl Strategy<Value = Schedule> {
    let decaying = prop_oneof![
        Just(Schedule::Constant),
        (0.0..10.0f64).prop_map(|decay| Schedule::InverseTime { decay }),
        Just(Schedule::InverseSqrt),
        (1usize..=50, 0.5..=1.0f64)
            .prop_map(|(every, factor)| Schedule::StepDecay { every, factor }),
        (1usize..=200, 0.0..=1.0f64).prop_map(|(steps, floor)| Schedule::Cosine { steps, floor }),
    ];
    (any::<bool>(), 1usize..=50, 0.01..=1.0f64, decaying).prop_map(|(warm, steps, start, then)| {
        if warm { Schedule::Warmup { steps, start, then: Box::new(then) } } else { then }
    })
}

// ANCHOR: schedules_monotone
proptest! {
    /// **Every schedule gives a positive, finite rate; after its warm-up, if any,
    /// the rate never increases, and during the warm-up it never decreases.**
    ///
    /// Conditions: any schedule above (a step decay by f ≥ 0.5, so that its rate
    /// cannot underflow to 0 within the steps tried), η log-uniform in [1e-4, 10],
    /// steps 1 to 400.
    ///
    /// Proof sketch: each factor is positive (a decay ≥ 0 in a denominator ≥ 1, a
    /// power of f ∈ (0, 1], α + (1 − α)·(1 + cos)/2 with cos ≥ −1 over [0, π], a
    /// warm-up start s > 0) and non-increasing in t (the warm-up's
    /// s + (1 − s)·(t − 1)/W non-decreasing). In floating point the divisions,
    /// roots and linear terms are monotone roundings, exact; `powf` and `cos` come
    /// from the C library, which is not required to be monotone to the last ulp:
    /// the test allows one rounding (u relative) for those.
    #[test]
    fn schedules_stay_positive_decrease_after_their_warm_up_and_increase_during_it(
        schedule in schedule(),
        eta in log_uniform(-4.0, 1.0),
    ) {
        let warmup = match &schedule {
            Schedule::Warmup { steps, .. } => *steps as u64,
            _ => 0,
        };
        let mut previous = schedule.learning_rate(eta, 1);
        for t in 2..=400u64 {
            let rate = schedule.learning_rate(eta, t);
            prop_assert!(rate > 0.0 && rate.is_finite(), "η({t}) = {rate}");
            if t <= warmup {
                prop_assert!(rate >= previous, "the warm-up fell at step {t}: {previous} → {rate}");
            } else if t > warmup + 1 {
                prop_assert!(
                    rate <= previous * (1.0 + UNIT_ROUNDOFF),
                    "the rate rose at step {t}: {previous} → {rate}"
                );
            }
            previous = rate;
        }
    }
}
// ANCHOR_END: schedules_monotone

proptest! {
    /// **A schedule starts at its base rate (times its warm-up's start) and decays
    /// at the step its formula says, not one step early or late.**
    ///
    /// Conditions: η log-uniform in [1e-4, 10], step decay every k in [1, 50]
    /// steps by f in [0.01, 0.99], inverse-time decay d in (0, 10], a warm-up
    /// start s in [0.01, 1].
    ///
    /// Proof sketch: at t = 1 no step has been taken, so every factor is exactly 1
    /// (t − 1 = 0 in each formula: 1/(1 + 0·d), f⁰, cos 0) and η(1) = η, or s·η
    /// with a warm-up, computed exactly; step decay keeps η through step k and
    /// multiplies it by f at step k + 1 (one rounding, exact here since the test
    /// computes the same product).
    #[test]
    fn schedules_begin_at_their_base_rate_and_decay_on_time(
        eta in log_uniform(-4.0, 1.0),
        every in 1usize..=50,
        factor in 0.01..=0.99f64,
        decay in 1e-6..=10.0f64,
        start in 0.01..=1.0f64,
    ) {
        let step = Schedule::StepDecay { every, factor };
        prop_assert_eq!(step.learning_rate(eta, 1), eta);
        prop_assert_eq!(step.learning_rate(eta, every as u64), eta);
        prop_assert_eq!(step.learning_rate(eta, every as u64 + 1), eta * factor);
        prop_assert_eq!(Schedule::InverseTime { decay }.learning_rate(eta, 1), eta);
        prop_assert_eq!(Schedule::InverseTime { decay }.learning_rate(eta, 2), eta / (1.0 + decay));
        prop_assert_eq!(Schedule::Cosine { steps: every, floor: 0.5 }.learning_rate(eta, 1), eta);
        let warm = Schedule::Warmup { steps: every, start, then: Box::new(Schedule::Constant) };
        prop_assert_eq!(warm.learning_rate(eta, 1), eta * start);
        prop_assert_eq!(warm.learning_rate(eta, every as u64 + 1), eta);
    }
}

// ---------------------------------------------------------------------------
// Parity with the libraries
// ---------------------------------------------------------------------------

// ANCHOR: parity
/// **Every preset reproduces its library's run, step for step, to 1e-12
/// relative**: the libraries' own iterates (optax and Keras in float64, PyTorch
/// where it could be installed), 60 steps on the ellipse and on Rosenbrock's
/// function. The libraries compute in other orders of operations (PyTorch's
/// `lerp` for a running mean, optax's multiplication by the learning rate before
/// the momentum trace, Keras's subtraction of the decay), which differ in the last
/// bits of each step; 1e-12 allows for those and leaves no room for another rule.
#[test]
fn every_preset_reproduces_its_librarys_own_run() {
    let mut failures = Vec::new();
    for (name, problem, iterates) in RUNS {
        let preset = preset(name).unwrap_or_else(|| panic!("no course preset for {name}"));
        let difference = largest_difference(preset, problem, iterates).unwrap();
        if difference > 1e-12 {
            failures.push(format!("{name} on {problem}: relative difference {difference:e}"));
        }
    }
    assert!(failures.is_empty(), "{} preset(s) off:\n  {}", failures.len(), failures.join("\n  "));
}
// ANCHOR_END: parity

/// Every library call the course reproduces has a reference run of 60 steps on
/// both problems, and every run a preset, so that a regenerated file that lost
/// one is noticed.
#[test]
fn every_library_call_the_course_reproduces_has_a_reference_run() {
    for (name, problem, iterates) in RUNS {
        assert!(preset(name).is_some(), "{name} has no course preset");
        assert_eq!(iterates.len(), 60, "{name} on {problem}");
    }
    for preset in PRESETS {
        for (problem, _) in PROBLEMS {
            let runs = RUNS.iter().filter(|(name, p, _)| *name == preset.call && *p == problem);
            assert_eq!(runs.count(), 1, "{} on {problem}", preset.call);
        }
        assert!(preset.library_call().is_some(), "{} has no library call", preset.call);
    }
    let libraries: std::collections::BTreeSet<&str> =
        RUNS.iter().filter_map(|(name, ..)| name.split('-').next()).collect();
    assert!(libraries.contains("optax") && libraries.contains("keras"), "{libraries:?}");
}

// ---------------------------------------------------------------------------
// Every branch, read from the steps
// ---------------------------------------------------------------------------
//
// The properties above state what each method is for; the ones below pin each
// method's step to its formulas over the whole of its settings (every branch
// of each region: both placements of ε, μ = 0 and μ > 0, both AMSGrads, every
// schedule with and without a warm-up), with nonzero gradients, reading the
// steps a method takes rather than the state it keeps. The mutation report
// (`cargo xtask assignments mutants`) shows that together they fail every
// mistaken variant of the regions that changes what a method does.

/// Either placement of ε.
fn placement() -> impl Strategy<Value = EpsilonPlacement> {
    prop_oneof![Just(EpsilonPlacement::InsideRoot), Just(EpsilonPlacement::OutsideRoot)]
}

/// μ = 0 (no buffer, the plain step) half the time, else μ in [0.1, 0.99]: a
/// branch a uniform draw would almost never take is drawn on purpose.
fn momentum_or_none() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), 0.1..=0.99f64]
}

/// The denominator of the scaled step, as the chapter writes it.
fn denominator(placement: EpsilonPlacement, second_moment: f64, epsilon: f64) -> f64 {
    match placement {
        EpsilonPlacement::InsideRoot => (second_moment + epsilon).sqrt(),
        EpsilonPlacement::OutsideRoot => second_moment.sqrt() + epsilon,
    }
}

// ANCHOR: centered_formulas
proptest! {
    /// **Centered RMSprop steps by its formulas, with and without momentum and
    /// with ε on either side of the root:** G ← γ·G + (1 − γ)·g²,
    /// ḡ ← γ·ḡ + (1 − γ)·g, v = max(G − ḡ², 0), d = √(v + ε) or √v + ε; for μ = 0
    /// the step is η·g/d, for μ > 0 it is η·b with b ← μ·b + g/d.
    ///
    /// Conditions: η log-uniform in [1e-4, 1], γ in [0.5, 0.999], ε log-uniform
    /// in [1e-10, 1e-2], either placement, μ = 0 or in [0.1, 0.99], the gradient
    /// sequences of the AMSGrad properties (1 to 4 weights, 1 to 30 steps, entries
    /// 0 or of either sign and magnitude in [1e-3, 1e3]). Each step is taken from
    /// w = 0, so that −w is the step itself.
    ///
    /// Proof sketch: the test runs the formulas beside the optimizer. A solution
    /// may associate differently (η·(g/d) or (η·g)/d, or the running means in
    /// another order), a few roundings per step; the variance G − ḡ² cancels, so
    /// those roundings, of size u·G, weigh u·G/(v + ε) relative in d², half that
    /// in d. The test allows 16u·(1 + G/(v + ε)) relative for each new scaled
    /// gradient, carried through the buffer as μ carries the gradients. A wrong
    /// rule is off by far more: a momentum ignored, a mean of −g, a buffer never
    /// read.
    #[test]
    fn centered_rmsprop_steps_by_its_formulas_for_every_momentum_and_placement_of_epsilon(
        eta in log_uniform(-4.0, 0.0),
        gamma in 0.5..=0.999f64,
        epsilon in log_uniform(-10.0, -2.0),
        placement in placement(),
        mu in momentum_or_none(),
        sequence in gradients(),
    ) {
        let n = sequence[0].len();
        let plain = RmsPropConfig::new(eta).decay(gamma).epsilon(epsilon).epsilon_placement(placement);
        let mut optimizer = CenteredRmsPropConfig::from_rmsprop(plain, mu).build(n).expect(IN_RANGE);
        let (mut big_g, mut mean, mut buffer, mut slack) =
            (vec![0.0_f64; n], vec![0.0_f64; n], vec![0.0_f64; n], vec![0.0_f64; n]);
        for (t, g) in sequence.iter().enumerate() {
            let mut w = vec![0.0; n];
            optimizer.step(&mut w, g);
            for j in 0..n {
                big_g[j] = gamma * big_g[j] + (1.0 - gamma) * g[j] * g[j];
                mean[j] = gamma * mean[j] + (1.0 - gamma) * g[j];
                let variance = (big_g[j] - mean[j] * mean[j]).max(0.0);
                let scaled = g[j] / denominator(placement, variance, epsilon);
                let error = 16.0 * UNIT_ROUNDOFF * (1.0 + big_g[j] / (variance + epsilon));
                let step = if mu == 0.0 {
                    slack[j] = error * scaled.abs();
                    eta * scaled
                } else {
                    buffer[j] = mu * buffer[j] + scaled;
                    slack[j] = mu * slack[j] + error * scaled.abs();
                    eta * buffer[j]
                };
                let allowance = eta * slack[j] + 4.0 * UNIT_ROUNDOFF * step.abs();
                prop_assert!(
                    (-w[j] - step).abs() <= allowance,
                    "step {}, w{j}: the optimizer stepped {}, the formulas {step} (μ = {mu}, {placement:?})",
                    t + 1, -w[j]
                );
            }
        }
    }
}
// ANCHOR_END: centered_formulas

// ANCHOR: amsgrad_formulas
proptest! {
    /// **AMSGrad steps by Adam's formulas with the running maximum of the second
    /// moment in place of Ĝ, taken before the correction (PyTorch:
    /// Gmax ← max(Gmax, G), Ĝ = Gmax/(1 − β₂ᵗ)) or after it (optax:
    /// Ĝmax ← max(Ĝmax, G/(1 − β₂ᵗ))).**
    ///
    /// Conditions: either maximum, η log-uniform in [1e-4, 1], β₁ in [0, 0.99],
    /// β₂ in [0.5, 0.9999], ε log-uniform in [1e-10, 1e-2], the gradient sequences
    /// above, each step from w = 0.
    ///
    /// Proof sketch: the test runs the formulas beside the optimizer. m is a
    /// running mean of gradients of either sign and may cancel: its roundings
    /// are of the size of the running mean M of |g| (about 2u·t of it after t
    /// steps), and every other quantity (G, its maximum, the corrections, the root)
    /// is a sum or product of positive terms, a few roundings each, but for the
    /// corrections 1 − βᵗ, which cancel when βᵗ is near 1 (an ulp of βᵗ weighs
    /// βᵗ/(1 − βᵗ) relative). The test allows
    /// (32u·t + 4u·Σ βᵗ/(1 − βᵗ))·η·(|m̂| + M̂)/(√Ĝ + ε). A maximum of the wrong quantity, or one
    /// kept and not used, changes a step by far more whenever the gradients fall.
    #[test]
    fn amsgrad_steps_by_adams_formulas_with_the_running_maximum_before_or_after_the_correction(
        after in any::<bool>(),
        eta in log_uniform(-4.0, 0.0),
        beta1 in 0.0..=0.99f64,
        beta2 in 0.5..=0.9999f64,
        epsilon in log_uniform(-10.0, -2.0),
        sequence in gradients(),
    ) {
        let n = sequence[0].len();
        let variant = if after { AmsGrad::MaximumAfterCorrection } else { AmsGrad::MaximumBeforeCorrection };
        let config = AdamConfig::new(eta).beta1(beta1).beta2(beta2).epsilon(epsilon).amsgrad(variant);
        let mut optimizer = config.build(n).expect(IN_RANGE);
        let (mut m, mut magnitude, mut big_g, mut maximum) =
            (vec![0.0_f64; n], vec![0.0_f64; n], vec![0.0_f64; n], vec![0.0_f64; n]);
        for (t, g) in sequence.iter().enumerate() {
            let steps = t as i32 + 1;
            let mut w = vec![0.0; n];
            optimizer.step(&mut w, g);
            let (power1, power2) = (beta1.powf(f64::from(steps)), beta2.powf(f64::from(steps)));
            let (correction1, correction2) = (1.0 - power1, 1.0 - power2);
            // 1 − βᵗ cancels when βᵗ is near 1: an ulp of βᵗ (whose `powf` may
            // round differently from a solution's) weighs βᵗ/(1 − βᵗ) relative.
            let cancellation = 4.0 * UNIT_ROUNDOFF * (power1 / correction1 + power2 / correction2);
            for j in 0..n {
                m[j] = beta1 * m[j] + (1.0 - beta1) * g[j];
                magnitude[j] = beta1 * magnitude[j] + (1.0 - beta1) * g[j].abs();
                big_g[j] = beta2 * big_g[j] + (1.0 - beta2) * g[j] * g[j];
                let g_hat = if after {
                    maximum[j] = maximum[j].max(big_g[j] / correction2);
                    maximum[j]
                } else {
                    maximum[j] = maximum[j].max(big_g[j]);
                    maximum[j] / correction2
                };
                let root = denominator(config.epsilon_placement, g_hat, epsilon);
                let step = eta * (m[j] / correction1) / root;
                let allowance = (32.0 * f64::from(steps) * UNIT_ROUNDOFF + cancellation) * eta
                    * (m[j].abs() + magnitude[j]) / correction1 / root;
                prop_assert!(
                    (-w[j] - step).abs() <= allowance,
                    "step {steps}, w{j}: the optimizer stepped {}, the formulas {step} ({variant:?})",
                    -w[j]
                );
            }
        }
    }
}
// ANCHOR_END: amsgrad_formulas

proptest! {
    /// **Decoupled decay with a gradient shrinks the weight, then lets the
    /// optimizer step from there: with gradient descent inside,
    /// w ← w·(1 − η·λ) − η·g, exactly.**
    ///
    /// Conditions: η log-uniform in [1e-4, 1], λ in [0, 0.9/η), weights in
    /// [−1000, 1000], gradients of magnitude in [1e-3, 1e3], up to 10 steps.
    ///
    /// Proof sketch: the wrapper computes fl(w·fl(1 − fl(η·λ))) and gradient
    /// descent subtracts fl(η·g) from it: the test writes the same expressions,
    /// bit for bit. (With a zero gradient, the property above, a wrapper that
    /// never called the optimizer would pass.)
    #[test]
    fn decoupled_decay_with_a_gradient_shrinks_the_weight_then_takes_the_optimizers_step(
        eta in log_uniform(-4.0, 0.0),
        share in 0.0..0.9f64,
        (start, g) in (1usize..=4).prop_flat_map(|n| (
            proptest::collection::vec(-1e3..1e3f64, n),
            proptest::collection::vec(signed(log_uniform(-3.0, 3.0)), n),
        )),
        steps in 1usize..=10,
    ) {
        let lambda = share / eta;
        let mut decayed =
            Decoupled::new(GradientDescent::new(eta).expect(IN_RANGE), lambda).expect(IN_RANGE);
        let (mut w, mut expected) = (start.clone(), start);
        for _ in 0..steps {
            decayed.step(&mut w, &g);
            let keep = 1.0 - eta * lambda;
            for (x, g) in expected.iter_mut().zip(&g) {
                *x = *x * keep - eta * g;
            }
        }
        prop_assert_eq!(bits(&w), bits(&expected));
    }
}

/// The schedules `schedule()` draws and, drawn on purpose, the two whose rate is
/// exactly 0 at some step: a warm-up from s = 0 (optax's default) and a cosine
/// down to a floor of 0.
fn schedule_or_standstill() -> impl Strategy<Value = Schedule> {
    prop_oneof![
        3 => schedule(),
        1 => (1usize..=50, schedule()).prop_map(|(steps, then)| {
            Schedule::Warmup { steps, start: 0.0, then: Box::new(then) }
        }),
        1 => (1usize..=200).prop_map(|steps| Schedule::Cosine { steps, floor: 0.0 }),
    ]
}

/// The rate each schedule's formula gives at step t (from 1), as the chapter
/// writes it.
fn formula(schedule: &Schedule, eta: f64, t: u64) -> f64 {
    let done = (t - 1) as f64;
    match schedule {
        Schedule::Constant => eta,
        Schedule::InverseTime { decay } => eta / (1.0 + decay * done),
        Schedule::InverseSqrt => eta / (t as f64).sqrt(),
        Schedule::StepDecay { every, factor } => {
            let periods = ((t - 1) / *every as u64) as f64;
            eta * factor.powf(periods)
        }
        Schedule::Cosine { steps, floor } => {
            let horizon = *steps as f64;
            let progress = f64::min(done, horizon) / horizon;
            eta * (floor + (1.0 - floor) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()))
        }
        Schedule::Warmup { steps, start, then } => {
            let steps = *steps as u64;
            if t <= steps {
                eta * (start + (1.0 - start) * done / steps as f64)
            } else {
                formula(then, eta, t - steps)
            }
        }
    }
}

// ANCHOR: schedule_formulas
proptest! {
    /// **Every schedule, with or without a warm-up, steps at the rate its formula
    /// gives at every step, read from the steps of gradient descent:**
    /// η/(1 + d·(t − 1)), η/√t, η·f^⌊(t − 1)/k⌋,
    /// η·(α + (1 − α)·(1 + cos(π·min(t − 1, T)/T))/2), and during a warm-up of W
    /// steps η·(s + (1 − s)·(t − 1)/W), after it the schedule's rate at t − W.
    ///
    /// Conditions: the schedules of the properties above (each kind with and
    /// without a warm-up, drawn half and half), and on purpose a warm-up from
    /// s = 0 and a cosine to a floor of 0 (whose steps at rate 0 do not move),
    /// η log-uniform in [1e-4, 10],
    /// steps 1 to 300; each step from w = 0 with g = 1, so that the step is −η(t)
    /// exactly.
    ///
    /// Proof sketch: the test evaluates each formula as written; a solution may
    /// associate the products and the quotient differently, a few roundings: the
    /// test allows 16u relative. A warm-up that counts the schedule after it from
    /// the first step, or that ramps by another rule, is off by far more.
    #[test]
    fn every_schedule_steps_at_its_formulas_rate_during_and_after_its_warm_up(
        schedule in schedule_or_standstill(),
        eta in log_uniform(-4.0, 1.0),
    ) {
        let mut optimizer =
            Scheduled::new(GradientDescent::new(eta).expect(IN_RANGE), schedule.clone()).expect(IN_RANGE);
        for t in 1..=300u64 {
            let mut w = [0.0];
            optimizer.step(&mut w, &[1.0]);
            let expected = formula(&schedule, eta, t);
            prop_assert!(
                (-w[0] - expected).abs() <= 16.0 * UNIT_ROUNDOFF * expected,
                "step {t}: the rate was {}, the formula gives {expected} ({schedule:?})",
                -w[0]
            );
        }
    }
}
// ANCHOR_END: schedule_formulas

//! Graded properties of the chapter "What the libraries add" (centered RMSprop,
//! AMSGrad, weight decay, schedules, and Reddi et al.'s counterexample to Adam),
//! and the parity of every preset with the libraries' own runs.
//!
//! The parity tests compare the course's presets, step after step, with runs of
//! the libraries themselves (optax, Keras and, where it could be installed,
//! PyTorch), recorded in float64 by `tests/references/generate.py` in
//! `tests/references/libraries.rs`: never Python at test time.

use adagrad::AdagradConfig;
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
        fraction in 0.0..=1.000_001f64,
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

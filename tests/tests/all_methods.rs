//! Graded tests that every method of the course passes: gradient descent, Adagrad,
//! RMSprop, heavy-ball momentum, Nesterov, RMSprop with momentum and Adam alike.
//!
//! The properties: finite inputs in range give finite outputs; a fresh optimizer
//! reproduces the same trajectory (no hidden global state). Then the contract
//! that the run loop `minimize` and the constructors keep for every method:
//! hyper-parameters validated by name, value and range; mismatched lengths
//! reported with both lengths; a run that stops for a stated reason and never
//! lets a non-finite number into its trace.

use adagrad::{Adagrad, AdagradConfig};
use descent_tests::{
    adagrad_config, adam_config, learning_rate, log_uniform, momentum_config,
    parameters_and_gradients, rmsprop_config, rmsprop_momentum_config, signed,
};
use gd::{Divergence, GradientDescent, HyperParameterError, Optimizer, Stop, StopReason, minimize};
use momentum::{
    Adam, AdamConfig, Momentum, MomentumConfig, RmsPropMomentum, RmsPropMomentumConfig,
};
use objectives::{DiagonalQuadratic, LinearRegression, Objective, Quadratic, Rosenbrock};
use proptest::prelude::*;
use rmsprop::{RmsProp, RmsPropConfig};

/// One optimizer of each kind, from drawn settings.
#[derive(Debug, Clone, Copy)]
enum Method {
    Gd(f64),
    Adagrad(AdagradConfig),
    RmsProp(RmsPropConfig),
    /// Heavy ball or Nesterov, as the settings say.
    Momentum(MomentumConfig),
    RmsPropMomentum(RmsPropMomentumConfig),
    Adam(AdamConfig),
}

/// The strategies draw settings inside every valid range.
const IN_RANGE: &str = "settings drawn in range";

impl Method {
    fn build(self, n: usize) -> Box<dyn Optimizer> {
        match self {
            Self::Gd(eta) => Box::new(GradientDescent::new(eta).expect(IN_RANGE)),
            Self::Adagrad(config) => Box::new(config.build(n).expect(IN_RANGE)),
            Self::RmsProp(config) => Box::new(config.build(n).expect(IN_RANGE)),
            Self::Momentum(config) => Box::new(config.build(n).expect(IN_RANGE)),
            Self::RmsPropMomentum(config) => Box::new(config.build(n).expect(IN_RANGE)),
            Self::Adam(config) => Box::new(config.build(n).expect(IN_RANGE)),
        }
    }

    /// Whether the method has a learning rate per weight: the adaptive methods do;
    /// gradient descent and momentum (heavy ball or Nesterov) have one η for all.
    fn has_rate_per_weight(self) -> bool {
        !matches!(self, Self::Gd(_) | Self::Momentum(_))
    }
}

/// Every method, each about equally often: momentum's draws are half heavy ball,
/// half Nesterov, so it weighs twice.
fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        1 => learning_rate().prop_map(Method::Gd),
        1 => adagrad_config().prop_map(Method::Adagrad),
        1 => rmsprop_config().prop_map(Method::RmsProp),
        2 => momentum_config().prop_map(Method::Momentum),
        1 => rmsprop_momentum_config().prop_map(Method::RmsPropMomentum),
        1 => adam_config().prop_map(Method::Adam),
    ]
}

/// The course's objectives, by index.
fn objective(index: usize) -> Box<dyn Objective> {
    match index {
        0 => Box::new(DiagonalQuadratic::ellipse()),
        1 => {
            Box::new(Quadratic::rotated_valley(std::f64::consts::FRAC_PI_6, [0.2, 4.0], [1.0, 1.0]))
        }
        2 => Box::new(Rosenbrock::default()),
        _ => Box::new(LinearRegression::course_data()),
    }
}

// ANCHOR: finite_in_finite_out
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Finite inputs in range give finite outputs.**
    ///
    /// Conditions: any method (gradient descent, Adagrad, RMSprop, heavy ball,
    /// Nesterov, RMSprop with momentum, Adam) with settings in range: η in
    /// [1e-3, 10], every decay and momentum coefficient at most 0.999, Adam's β₂
    /// in [0.5, 0.9999], G₀ ≤ 1e6; parameters in [−1000, 1000], up to 20 steps of
    /// gradients 0 or of magnitude in [1e-150, 1e150].
    ///
    /// Proof sketch: every step moves a weight by a bounded amount (up to a few
    /// roundings):
    /// - gradient descent by η·|g| ≤ 1e151;
    /// - heavy ball by η·|v|, where |v| ≤ (1 + β + … + β¹⁹)·1e150 ≤ 20·1e150
    ///   because β < 1; Nesterov by η·|g + β·v| ≤ 10·21·1e150;
    /// - Adagrad by at most η (G ≥ g²), RMSprop by at most η/√(1 − γ) ≤ 10/√0.001
    ///   (G ≥ (1 − γ)·g², whatever G₀);
    /// - RMSprop with momentum by η·|b|: each scaled gradient g/√(G + ε) is at
    ///   most 1/√(1 − γ) for the same reason, so |b| ≤ t/√(1 − γ) ≤ 20·31.7;
    /// - Adam by at most its Cauchy–Schwarz bound (tests/tests/momentum.rs), here
    ///   below η·√t·2^(t/2) < 10·√20·1024 < 5e4 because β₁²/β₂ < 2.
    ///
    /// So the parameters stay below 1000 + 20·2.1e152 < 1e154. The state stays
    /// finite too: Adagrad's G is a sum of at most 20 squares ≤ 1e300 plus G₀;
    /// RMSprop's G (with G₀) and Adam's m and G are weighted averages of gradients
    /// ≤ 1e150 or of squares ≤ 1e300; the velocities are bounded above. Nothing
    /// overflows, and no 0/0 occurs because a zero denominator (G = 0 and ε = 0,
    /// so no non-zero gradient yet) gives a zero step.
    ///
    /// Gradient descent and momentum have no rate per weight (`None`). The others'
    /// effective learning rates are η/√(G + ε) or η/(√G + ε), of Ĝ for Adam, with G
    /// or Ĝ at most about 2e301: positive (a rate of 0 would betray G = ∞), and
    /// finite except +∞ where the denominator is 0, which the test allows.
    #[test]
    fn every_method_gives_finite_outputs_for_finite_inputs_in_range(
        method in method(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let mut optimizer = method.build(start.len());
        let mut w = start;
        for g in &gradients {
            optimizer.step(&mut w, g);
            prop_assert!(w.iter().all(|x| x.is_finite()), "{:?}", w);
            let rates = optimizer.effective_learning_rates();
            prop_assert_eq!(rates.is_some(), method.has_rate_per_weight(), "{:?}", rates);
            if let Some(rates) = rates {
                prop_assert_eq!(rates.len(), w.len());
                // A rate of 0 would mean G = ∞: η ≥ 1e-3 and a denominator below
                // 1e151 keep every finite rate above 1e-154.
                prop_assert!(rates.iter().all(|r| *r > 0.0), "{:?}", rates);
            }
        }
    }
}
// ANCHOR_END: finite_in_finite_out

// ANCHOR: fresh_optimizer_reproduces
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **A fresh optimizer reproduces the same trajectory: no hidden global state.**
    ///
    /// Conditions: any method with settings in range, one of the course's
    /// objectives (ellipse, rotated valley, Rosenbrock, linear regression), a start
    /// with entries ±10ˣ, x in [−2, 0.3], 50 steps; in between, another optimizer
    /// runs on another objective.
    ///
    /// Proof sketch: a step is a function of the parameters, the gradient and the
    /// optimizer's own state (accumulators, velocity or buffer, moments and
    /// Adam's step count), which a fresh optimizer starts from the same values;
    /// the objective is a pure function; so the two runs compute the same
    /// operations on the same operands and, by deterministic rounding, give the
    /// same trace bit for bit. A counter, cache or random number shared between
    /// optimizers (a `static`, a thread-local) would make the second run differ.
    #[test]
    fn a_fresh_optimizer_reproduces_the_same_trajectory(
        (method, other) in (method(), method()),
        (index, other_index) in (0..4usize, 0..4usize),
        start in proptest::collection::vec(signed(log_uniform(-2.0, 0.3)), 2),
    ) {
        let run = |method: Method, index: usize| {
            let objective = objective(index);
            minimize(objective.as_ref(), method.build(2).as_mut(), &start, Stop::after(50))
        };
        let first = run(method, index);
        let _ = run(other, other_index);
        let again = run(method, index);
        // Every number of the trace, bit for bit: a NaN (a wrong method can make
        // one) equals itself here, as `==` on floats would not say.
        let bits = |v: &[Vec<f64>]| descent_tests::bits(&v.iter().flatten().copied().collect::<Vec<_>>());
        prop_assert_eq!(bits(&first.iterates), bits(&again.iterates));
        prop_assert_eq!(descent_tests::bits(&first.losses), descent_tests::bits(&again.losses));
        prop_assert_eq!(
            descent_tests::bits(&first.gradient_norms),
            descent_tests::bits(&again.gradient_norms)
        );
        prop_assert_eq!(
            bits(&first.effective_learning_rates),
            bits(&again.effective_learning_rates)
        );
        prop_assert_eq!(&first.stop, &again.stop);
    }
}
// ANCHOR_END: fresh_optimizer_reproduces

/// Every constructor rejects a hyper-parameter out of range with an error that
/// names the parameter (by the name of the setting that takes it), the valid
/// range and the value.
#[test]
fn hyper_parameters_out_of_range_are_rejected_naming_parameter_range_and_value() {
    let learning_rates = [(-1.0, "-1"), (0.0, "0"), (f64::NAN, "NaN"), (f64::INFINITY, "inf")];
    for (eta, shown) in learning_rates {
        let message = format!("learning rate must be finite and > 0, got {shown}");
        assert_eq!(GradientDescent::new(eta).unwrap_err().to_string(), message);
        assert_eq!(Adagrad::new(eta, 2).unwrap_err().to_string(), message);
        assert_eq!(RmsProp::new(eta, 2).unwrap_err().to_string(), message);
        assert_eq!(Momentum::new(eta, 2).unwrap_err().to_string(), message);
        let nesterov = MomentumConfig::new(eta).nesterov(true).build(2);
        assert_eq!(nesterov.unwrap_err().to_string(), message);
        assert_eq!(RmsPropMomentum::new(eta, 2).unwrap_err().to_string(), message);
        assert_eq!(Adam::new(eta, 2).unwrap_err().to_string(), message);
    }
    let err = GradientDescent::new(-0.5).unwrap_err();
    assert_eq!(
        (err.parameter, err.valid_range, err.value),
        ("learning rate", "finite and > 0", -0.5)
    );
    // RMSprop with momentum takes its RMSprop settings whole, errors included.
    let with_momentum = |rmsprop: RmsPropConfig| RmsPropMomentumConfig::from_rmsprop(rmsprop, 0.9);
    for (eps, shown) in [(-1e-8, "-0.00000001"), (f64::NAN, "NaN"), (f64::INFINITY, "inf")] {
        let message = format!("epsilon must be finite and >= 0, got {shown}");
        assert_eq!(AdagradConfig::new(0.1).epsilon(eps).build(1).unwrap_err().to_string(), message);
        assert_eq!(RmsPropConfig::new(0.1).epsilon(eps).build(1).unwrap_err().to_string(), message);
        let rmsprop_momentum = with_momentum(RmsPropConfig::new(0.1).epsilon(eps)).build(1);
        assert_eq!(rmsprop_momentum.unwrap_err().to_string(), message);
        assert_eq!(AdamConfig::new(0.1).epsilon(eps).build(1).unwrap_err().to_string(), message);
    }
    for (g0, shown) in [(-0.1, "-0.1"), (f64::INFINITY, "inf")] {
        let message = format!("initial accumulator must be finite and >= 0, got {shown}");
        let adagrad = AdagradConfig::new(0.1).initial_accumulator(g0).build(1);
        assert_eq!(adagrad.unwrap_err().to_string(), message);
        let rmsprop = RmsPropConfig::new(0.1).initial_accumulator(g0).build(1);
        assert_eq!(rmsprop.unwrap_err().to_string(), message);
        let rmsprop_momentum = with_momentum(RmsPropConfig::new(0.1).initial_accumulator(g0));
        assert_eq!(rmsprop_momentum.build(1).unwrap_err().to_string(), message);
    }
    for (rate, shown) in [(-0.5, "-0.5"), (1.0, "1"), (1.5, "1.5"), (f64::NAN, "NaN")] {
        let check = |error: Option<HyperParameterError>, parameter: &str| {
            let message = format!("{parameter} must be in [0, 1), got {shown}");
            assert_eq!(error.map(|e| e.to_string()), Some(message));
        };
        let decay = RmsPropConfig::new(0.1).decay(rate);
        check(decay.build(1).err(), "decay");
        check(with_momentum(decay).build(1).err(), "decay");
        for nesterov in [false, true] {
            let momentum = MomentumConfig::new(0.1).momentum(rate).nesterov(nesterov);
            check(momentum.build(1).err(), "momentum");
        }
        check(RmsPropMomentumConfig::new(0.1).momentum(rate).build(1).err(), "momentum");
        check(AdamConfig::new(0.1).beta1(rate).build(1).err(), "beta1");
        check(AdamConfig::new(0.1).beta2(rate).build(1).err(), "beta2");
    }
}

/// The edges of every valid range are accepted: the smallest positive η, ε = 0,
/// G₀ = 0, and 0 and the largest number below 1 for every decay and momentum
/// coefficient (γ, β, μ, β₁, β₂).
#[test]
fn hyper_parameters_at_the_edges_of_their_ranges_are_accepted() {
    let tiny = f64::from_bits(1);
    assert_eq!(GradientDescent::new(tiny).unwrap().learning_rate(), tiny);
    let adagrad = AdagradConfig::new(tiny).epsilon(0.0).initial_accumulator(0.0).build(1).unwrap();
    assert_eq!(adagrad.scaled_step().epsilon(), 0.0);
    for rate in [0.0, 1.0f64.next_down()] {
        let rmsprop = RmsPropConfig::new(tiny).decay(rate).epsilon(0.0).initial_accumulator(0.0);
        assert_eq!(rmsprop.build(1).unwrap().decay(), rate);
        let momentum = MomentumConfig::new(tiny).momentum(rate).build(1).unwrap();
        assert_eq!((momentum.learning_rate(), momentum.momentum()), (tiny, rate));
        let with_momentum = RmsPropMomentumConfig::from_rmsprop(rmsprop, rate).build(1).unwrap();
        assert_eq!((with_momentum.decay(), with_momentum.momentum()), (rate, rate));
        let adam = AdamConfig::new(tiny).beta1(rate).beta2(rate).epsilon(0.0).build(1).unwrap();
        assert_eq!((adam.beta1(), adam.beta2(), adam.scaled_step().epsilon()), (rate, rate, 0.0));
    }
}

/// Builds a fresh optimizer.
type MakeOptimizer = fn() -> Box<dyn Optimizer>;

/// η = 0.1 and the course's other defaults are in range.
const DEFAULTS: &str = "the course's default settings are valid";

/// Every method, by name, with η = 0.1 and two weights, and the name of the state
/// whose length a step checks after the gradient's (none for gradient descent).
const METHODS: [(&str, MakeOptimizer, Option<&str>); 7] = [
    ("GD", || Box::new(GradientDescent::new(0.1).expect(DEFAULTS)), None),
    ("Adagrad", || Box::new(Adagrad::new(0.1, 2).expect(DEFAULTS)), Some("the accumulator")),
    ("RMSprop", || Box::new(RmsProp::new(0.1, 2).expect(DEFAULTS)), Some("the accumulator")),
    ("Momentum", || Box::new(Momentum::new(0.1, 2).expect(DEFAULTS)), Some("the velocity")),
    (
        "Nesterov",
        || Box::new(MomentumConfig::new(0.1).nesterov(true).build(2).expect(DEFAULTS)),
        Some("the velocity"),
    ),
    (
        "RMSprop+momentum",
        || Box::new(RmsPropMomentum::new(0.1, 2).expect(DEFAULTS)),
        Some("the accumulator"),
    ),
    ("Adam", || Box::new(Adam::new(0.1, 2).expect(DEFAULTS)), Some("the first moment")),
];

/// A step with slices of different lengths panics naming both lengths, for every
/// method: `zip` would otherwise stop at the shorter and leave weights untouched.
#[test]
fn mismatched_lengths_panic_naming_both_lengths() {
    for (name, make, state) in METHODS {
        let step = || make().step(&mut [0.0; 2], &[1.0; 3]);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(step));
        let message = panic_message(result.unwrap_err());
        assert_eq!(message, "params has 2 elements but grads has 3", "{name}");
        let Some(state) = state else { continue };
        let step = || make().step(&mut [0.0; 3], &[1.0; 3]);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(step));
        let message = panic_message(result.unwrap_err());
        assert_eq!(message, format!("params has 3 elements but {state} has 2"), "{name}");
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast::<&str>().map(|m| m.to_string()).unwrap_or_default(),
    }
}

/// A run records the start and every step: n + 1 iterates, losses and gradient
/// norms for n steps, and for a method with a rate per weight the rates of each
/// step (none for gradient descent and momentum).
#[test]
fn a_run_records_the_start_and_every_step() {
    let ellipse = DiagonalQuadratic::ellipse();
    for (name, make, _) in METHODS {
        let mut optimizer = make();
        let trace = minimize(&ellipse, optimizer.as_mut(), &[-5.0, -2.0], Stop::after(3));
        assert_eq!(trace.stop, StopReason::BudgetSpent { steps: 3 }, "{name}");
        assert_eq!(trace.steps(), 3);
        assert_eq!(
            (trace.iterates.len(), trace.losses.len(), trace.gradient_norms.len()),
            (4, 4, 4)
        );
        let has_rates = !matches!(name, "GD" | "Momentum" | "Nesterov");
        assert_eq!(trace.effective_learning_rates.len(), if has_rates { 3 } else { 0 }, "{name}");
        assert_eq!(trace.objective, "ellipse");
        assert_eq!(trace.iterates[0], [-5.0, -2.0]);
        assert_eq!(trace.last(), Some(trace.iterates[3].as_slice()));
        // J(−5, −2) = 0.1·25 + 2·4 = 10.5 and |∇J| = |(−1, −8)| = √65, both exact.
        assert_eq!((trace.losses[0], trace.gradient_norms[0]), (10.5, 65f64.sqrt()));
        for (w, (loss, norm)) in
            trace.iterates.iter().zip(trace.losses.iter().zip(&trace.gradient_norms))
        {
            let mut g = [0.0; 2];
            ellipse.gradient(w, &mut g);
            assert_eq!(*loss, ellipse.value(w));
            assert_eq!(*norm, (g[0] * g[0] + g[1] * g[1]).sqrt());
        }
    }
}

/// The rates recorded for step t are the optimizer's effective learning rates
/// right after step t (η/√(G + ε) with the accumulator of that step, for
/// Adagrad), for every method with a rate per weight: a twin optimizer that
/// replays the run's gradients reports the same rates.
#[test]
fn a_run_records_the_effective_learning_rates_of_each_step() {
    let ellipse = DiagonalQuadratic::ellipse();
    for (name, make, _) in METHODS {
        let trace = minimize(&ellipse, make().as_mut(), &[-5.0, -2.0], Stop::after(4));
        let mut twin = make();
        if twin.effective_learning_rates().is_none() {
            assert!(trace.effective_learning_rates.is_empty(), "{name}");
            continue;
        }
        assert_eq!(trace.effective_learning_rates.len(), 4, "{name}");
        for (t, w) in trace.iterates.iter().take(4).enumerate() {
            let mut g = [0.0; 2];
            ellipse.gradient(w, &mut g);
            twin.step(&mut w.clone(), &g);
            let rates = twin.effective_learning_rates();
            assert_eq!(
                Some(&trace.effective_learning_rates[t]),
                rates.as_ref(),
                "{name}, step {t}"
            );
        }
    }
}

/// A run stops as soon as |g| is at most the tolerance, the tolerance included,
/// whether that happens inside the budget or at its very last step.
#[test]
fn a_run_converges_when_the_gradient_reaches_the_tolerance_even_at_the_last_step() {
    // On the bowl ½|w|² with η = 1 the first step lands on (0, 0), where g = 0
    // exactly: a tolerance of 0 is reached, not just approached.
    let bowl = DiagonalQuadratic::bowl();
    for budget in [1, 5] {
        let stop = Stop::after(budget).or_when_gradient_below(0.0);
        let trace = minimize(&bowl, &mut GradientDescent::new(1.0).unwrap(), &[3.0, -4.0], stop);
        assert_eq!(trace.stop, StopReason::Converged { step: 1 }, "budget {budget}");
        assert_eq!(trace.last(), Some([0.0, 0.0].as_slice()));
    }
    // A start already at the minimum converges at step 0 without stepping.
    let trace =
        minimize(&bowl, &mut GradientDescent::new(1.0).unwrap(), &[0.0, 0.0], Stop::after(5));
    assert_eq!(trace.stop, StopReason::Converged { step: 0 });
}

/// `or_when_gradient_below` sets the tolerance; `after` alone uses 1e-12.
#[test]
fn the_gradient_tolerance_is_where_the_run_stops() {
    assert_eq!(Stop::after(7), Stop { max_steps: 7, gradient_tolerance: 1e-12 });
    assert_eq!(Stop::after(7).or_when_gradient_below(0.5).gradient_tolerance, 0.5);
    let ellipse = DiagonalQuadratic::ellipse();
    let stop = Stop::after(1000).or_when_gradient_below(1e-3);
    let trace = minimize(&ellipse, &mut GradientDescent::new(0.4).unwrap(), &[-5.0, -2.0], stop);
    let StopReason::Converged { step } = trace.stop else { panic!("{:?}", trace.stop) };
    assert_eq!(step, trace.steps());
    assert!(trace.gradient_norms[step] <= 1e-3 && trace.gradient_norms[step - 1] > 1e-3);
}

/// J(w) = √w: finite at 0, but its gradient 1/(2√w) is not.
struct SquareRoot;

impl Objective for SquareRoot {
    fn name(&self) -> &str {
        "square root"
    }
    fn dimension(&self) -> usize {
        1
    }
    fn value(&self, w: &[f64]) -> f64 {
        w[0].sqrt()
    }
    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        gradient[0] = 0.5 / w[0].sqrt();
    }
}

/// J(w) = 0 with the huge but finite gradient 1e308: a step of η = 10 overflows w.
struct Cliff;

impl Objective for Cliff {
    fn name(&self) -> &str {
        "cliff"
    }
    fn dimension(&self) -> usize {
        1
    }
    fn value(&self, _: &[f64]) -> f64 {
        0.0
    }
    fn gradient(&self, _: &[f64], gradient: &mut [f64]) {
        gradient[0] = 1e308;
    }
}

/// A run that would produce a non-finite loss, gradient or parameter stops at
/// that step with the cause, and its trace ends at the last finite iterate.
#[test]
fn a_run_stops_before_the_first_non_finite_number_and_names_the_cause() {
    // η = 10 on ½w²: w is multiplied by −9 a step, and J overflows first.
    let trace = minimize(
        &DiagonalQuadratic::parabola(),
        &mut GradientDescent::new(10.0).unwrap(),
        &[1.0],
        Stop::after(1000),
    );
    let StopReason::Diverged { step, cause } = trace.stop else { panic!("{:?}", trace.stop) };
    assert_eq!((cause, step), (Divergence::Loss, trace.steps() + 1));
    assert!(trace.losses.iter().chain(trace.iterates.iter().flatten()).all(|x| x.is_finite()));
    assert!(trace.gradient_norms.iter().all(|x| x.is_finite()));
    // From w = 1 with η = 2: g = ½ and w ← 0, where g = +∞.
    let trace =
        minimize(&SquareRoot, &mut GradientDescent::new(2.0).unwrap(), &[1.0], Stop::after(10));
    assert_eq!(trace.stop, StopReason::Diverged { step: 1, cause: Divergence::Gradient });
    assert_eq!(trace.iterates, [[1.0]]);
    // w ← 0 − 10·1e308 = −∞.
    let trace = minimize(&Cliff, &mut GradientDescent::new(10.0).unwrap(), &[0.0], Stop::after(10));
    assert_eq!(trace.stop, StopReason::Diverged { step: 1, cause: Divergence::Parameters });
    assert_eq!(trace.iterates, [[0.0]]);
    // A start where the gradient is already infinite gives an empty trace.
    let trace =
        minimize(&SquareRoot, &mut GradientDescent::new(0.1).unwrap(), &[0.0], Stop::after(10));
    assert_eq!(trace.stop, StopReason::Diverged { step: 0, cause: Divergence::Gradient });
    assert!(
        trace.iterates.is_empty() && trace.losses.is_empty() && trace.gradient_norms.is_empty()
    );
    assert_eq!((trace.last(), trace.steps()), (None, 0));
}

/// `steps_to_reach` finds the first iterate whose loss is strictly below the
/// target.
#[test]
fn steps_to_reach_is_the_first_loss_strictly_below_the_target() {
    // On the bowl with η = ½, w halves each step and J = ½|w|² quarters from 12.5:
    // 12.5, 3.125, 0.78125, … all exact in binary.
    let trace = minimize(
        &DiagonalQuadratic::bowl(),
        &mut GradientDescent::new(0.5).unwrap(),
        &[3.0, -4.0],
        Stop::after(10),
    );
    assert_eq!(trace.steps_to_reach(1.0), Some(2));
    assert_eq!(trace.steps_to_reach(3.125), Some(2));
    assert_eq!(trace.steps_to_reach(13.0), Some(0));
    assert_eq!(trace.steps_to_reach(0.0), None);
}

/// `Trace::table(k)` shows every k-th iterate and always the last one (k = 0
/// counts as 1).
#[test]
fn the_table_shows_every_kth_iterate_and_the_last() {
    let trace = minimize(
        &DiagonalQuadratic::ellipse(),
        &mut GradientDescent::new(0.4).unwrap(),
        &[-5.0, -2.0],
        Stop::after(7),
    );
    let steps_shown = |every: usize| -> Vec<String> {
        trace
            .table(every)
            .lines()
            .skip(1)
            .map(|row| row.split_whitespace().next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(steps_shown(3), ["0", "3", "6", "7"]);
    assert_eq!(steps_shown(7), ["0", "7"]);
    assert_eq!(steps_shown(0), steps_shown(1));
    assert_eq!(steps_shown(1).len(), 8);
}

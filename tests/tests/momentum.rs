//! Graded properties of momentum, Nesterov, RMSprop with momentum and Adam.
//!
//! Each property states what must hold, under which conditions, and why (a proof
//! sketch), and sits between `// ANCHOR:` marks so that the book can show it.
//! Float comparisons give their tolerance and the reason for it; u is the unit
//! roundoff of f64, 2⁻⁵³ ≈ 1.1e-16 ([`UNIT_ROUNDOFF`]). Magnitudes are drawn
//! log-uniform, `log_uniform(a, b)` being 10ˣ for x uniform in [a, b], as in the
//! rest of the suite.

use adagrad::{EpsilonPlacement, ScaledStep};
use descent_tests::{UNIT_ROUNDOFF, log_uniform, signed};
use gd::{GradientDescent, Optimizer};
use momentum::{
    Adam, AdamConfig, Momentum, MomentumConfig, RmsPropMomentumConfig, bias_correction,
};
use proptest::prelude::*;
use rmsprop::RmsPropConfig;

/// Runs `optimizer` on the 1-D quadratic J(w) = ½·λ·w² (gradient λ·w) from w = 1
/// for `steps` steps, or until it has escaped; returns the last |w|.
fn run_on_a_quadratic(mut optimizer: Momentum, curvature: f64, steps: usize) -> f64 {
    let mut w = [1.0];
    for _ in 0..steps {
        let g = [curvature * w[0]];
        optimizer.step(&mut w, &g);
        if has_escaped(w[0].abs()) {
            break;
        }
    }
    w[0].abs()
}

/// Whether |w| has left every bounded region: beyond [`ESCAPED`], or NaN.
fn has_escaped(magnitude: f64) -> bool {
    magnitude.is_nan() || magnitude > ESCAPED
}

/// How many steps the stability properties run, and what counts as converged or
/// escaped from w₀ = 1. With the edges kept 2 % of the interval away, the largest
/// spectral radius inside is 0.975 and the smallest outside 1.04, for both methods
/// over the ranges drawn (checked on a 1000 × 1000 grid of β and η·λ). After 3000
/// steps a stable run has shrunk by about 1e-33 (times a transient factor at most
/// linear in t) and an unstable one grown by about 1e51, so the thresholds 1e-6
/// and 1e6 are decided with room to spare.
const STABILITY_STEPS: usize = 3000;
const CONVERGED: f64 = 1e-6;
const ESCAPED: f64 = 1e6;

// ANCHOR: heavy_ball_stability
/// Heavy-ball momentum on a quadratic is stable if and only if 0 < η·λ < 2·(1 + β).
///
/// Conditions: J(w) = ½·λ·w², any η > 0 and λ (of either sign) with η·λ at least
/// 2 % of the interval's width away from either edge, β ∈ [0, 0.95].
///
/// Proof sketch: with g = λ·w, the pair (v, w) evolves linearly,
/// v' = β·v + λ·w and w' = w − η·v' = (1 − η·λ)·w − η·β·v, so its
/// characteristic polynomial is z² − (1 + β − η·λ)·z + β. Both roots lie inside
/// the unit circle (Schur–Cohn/Jury) if and only if |β| < 1, p(1) = η·λ > 0 and
/// p(−1) = 2·(1 + β) − η·λ > 0. Outside, a root has modulus > 1 and a start with
/// a component along it (w₀ = 1, v₀ = 0 has one) grows without bound. Gradient
/// descent is β = 0: 0 < η·λ < 2.
#[test]
fn heavy_ball_on_a_quadratic_is_stable_iff_eta_lambda_is_between_0_and_2_1_plus_beta() {
    proptest!(descent_tests::config(), |(
        beta in 0.0..0.95f64,
        eta in log_uniform(-3.0, 0.0),
        inside in 0.02..0.98f64,
        outside in prop_oneof![-0.5..-0.02f64, 1.02..1.5f64],
    )| {
        let edge = 2.0 * (1.0 + beta);
        let config = MomentumConfig::new(eta).momentum(beta);
        let run = |lambda| run_on_a_quadratic(config.build(1).unwrap(), lambda, STABILITY_STEPS);
        // η·λ = fraction × 2·(1 + β), inside (0, 1) or outside [0, 1].
        let stable = run(inside * edge / eta);
        prop_assert!(stable < CONVERGED, "η·λ = {} < {edge}: |w| = {stable}", inside * edge);
        let unstable = run(outside * edge / eta);
        prop_assert!(has_escaped(unstable), "η·λ = {}: |w| = {unstable}", outside * edge);
    });
}
// ANCHOR_END: heavy_ball_stability

// ANCHOR: nesterov_stability
/// Nesterov's variant (PyTorch's form) on a quadratic is stable if and only if
/// 0 < η·λ < 2·(1 + β)/(1 + 2·β): a *smaller* interval than the heavy ball's.
///
/// Conditions: as for the heavy ball.
///
/// Proof sketch: with g = λ·w, v' = β·v + λ·w and w' = w − η·(g + β·v'), the
/// matrix of (v, w) has trace 1 + β − η·λ·(1 + β) and determinant β·(1 − η·λ), so
/// p(z) = z² − trace·z + det, and Jury's conditions read p(1) = η·λ > 0,
/// p(−1) = 2·(1 + β) − η·λ·(1 + 2·β) > 0 and |β·(1 − η·λ)| < 1 (implied by the
/// other two, since they keep η·λ in (0, 2)). At β = 0.9 the edge is 1.36, not 3.8:
/// the look-ahead buys damping, not a larger learning rate.
#[test]
fn nesterov_on_a_quadratic_is_stable_iff_eta_lambda_is_between_0_and_its_edge() {
    proptest!(descent_tests::config(), |(
        beta in 0.0..0.95f64,
        eta in log_uniform(-3.0, 0.0),
        inside in 0.02..0.98f64,
        outside in prop_oneof![-0.5..-0.02f64, 1.02..1.5f64],
    )| {
        let edge = 2.0 * (1.0 + beta) / (1.0 + 2.0 * beta);
        let config = MomentumConfig::new(eta).momentum(beta).nesterov(true);
        let run = |lambda| run_on_a_quadratic(config.build(1).unwrap(), lambda, STABILITY_STEPS);
        let stable = run(inside * edge / eta);
        prop_assert!(stable < CONVERGED, "η·λ = {} < {edge}: |w| = {stable}", inside * edge);
        let unstable = run(outside * edge / eta);
        prop_assert!(has_escaped(unstable), "η·λ = {}: |w| = {unstable}", outside * edge);
    });
}
// ANCHOR_END: nesterov_stability

#[test]
fn on_the_ellipse_eta_0_6_is_too_large_for_gradient_descent_but_not_for_momentum() {
    // The steep axis has λ = 4: η·λ = 2.4 > 2 (GD diverges), < 3.8 (β = 0.9 converges).
    let (eta, lambda) = (0.6, 4.0);
    let gd =
        run_on_a_quadratic(MomentumConfig::new(eta).momentum(0.0).build(1).unwrap(), lambda, 500);
    let heavy_ball = run_on_a_quadratic(Momentum::new(eta, 1).unwrap(), lambda, 500);
    assert!(has_escaped(gd), "gradient descent should diverge, |w| = {gd}");
    assert!(heavy_ball < CONVERGED, "momentum should converge, |w| = {heavy_ball}");
}

// ANCHOR: momentum_beta_zero_is_gd
/// With β = 0, momentum (heavy ball or Nesterov) is gradient descent bit for bit.
///
/// Conditions: any η > 0 and any finite gradients other than −0.
///
/// Proof sketch: v ← 0·v + g = 0 + g = g exactly (0·v = +0 for finite v, and
/// +0 + g = g in IEEE arithmetic unless g = −0, which becomes +0); Nesterov's
/// direction g + 0·v = g likewise. The weight then moves by η·g, the same product
/// gradient descent subtracts, so every bit agrees.
#[test]
fn momentum_with_beta_zero_is_gradient_descent_bit_for_bit() {
    proptest!(descent_tests::config(), |(
        eta in log_uniform(-4.0, 1.0),
        nesterov in any::<bool>(),
        start in prop::collection::vec(-1e3..1e3f64, 1..6),
        gradients in prop::collection::vec(prop::collection::vec(-1e3..1e3f64, 6), 1..20),
    )| {
        let n = start.len();
        let config = MomentumConfig::new(eta).momentum(0.0).nesterov(nesterov);
        let mut momentum = config.build(n).unwrap();
        let mut gd = GradientDescent::new(eta).unwrap();
        let (mut a, mut b) = (start.clone(), start);
        for g in &gradients {
            momentum.step(&mut a, &g[..n]);
            gd.step(&mut b, &g[..n]);
            let bits = descent_tests::bits;
            prop_assert_eq!(bits(&a), bits(&b));
        }
    });
}
// ANCHOR_END: momentum_beta_zero_is_gd

// ANCHOR: adam_constant_gradient
/// Under a constant gradient g, Adam's bias-corrected first moment m̂ equals g and
/// its step is η·|g|/(|g| + ε) in size, against the sign of g, from the first step.
///
/// Conditions: ε ≥ 0 outside the root (the default), any β₁, β₂ ∈ [0, 1), any
/// η > 0, g ≠ 0, t ≥ 1.
///
/// Proof sketch: from m₀ = 0, m_t = (1 − β₁)·g·(1 + β₁ + … + β₁ᵗ⁻¹) = (1 − β₁ᵗ)·g,
/// so m̂ = g; likewise G_t = (1 − β₂ᵗ)·g² and Ĝ = g², so
/// Δ = η·g/(√(g²) + ε) = η·g/(|g| + ε).
///
/// Rounding slack: each step of the average adds at most about 3u·|g| of error,
/// damped by β per step, so m carries at most 3u/(1 − β₁) relative error; 1 − β₁ᵗ
/// (exact at t = 1, since 1 − β is exact for β ≥ ½ and `powf(β, 1) = β`) carries at
/// most 2u/(1 − β₁) after the cancellation; a division adds u. The same holds for
/// G with β₂, halved by the root. The tolerances below are twice those first-order
/// bounds: for the defaults about 1.1e-14 for m̂ and 5.7e-13 for the step.
#[test]
fn adam_under_a_constant_gradient_has_m_hat_g_and_steps_of_eta_g_over_abs_g_plus_epsilon() {
    proptest!(descent_tests::config(), |(
        g in signed(log_uniform(-4.0, 4.0)),
        eta in log_uniform(-4.0, 0.0),
        epsilon in prop_oneof![Just(0.0), Just(1e-8), log_uniform(-12.0, -2.0)],
        beta1 in prop_oneof![Just(0.9), 0.0..0.99f64],
        beta2 in prop_oneof![Just(0.999), 0.0..0.9999f64],
        steps in 1..300u64,
    )| {
        let config = AdamConfig::new(eta).beta1(beta1).beta2(beta2).epsilon(epsilon);
        let mut adam = config.build(1).unwrap();
        let m_hat_slack = (10.0 / (1.0 - beta1) + 2.0) * UNIT_ROUNDOFF;
        let step_slack = (10.0 / (1.0 - beta1) + 5.0 / (1.0 - beta2) + 12.0) * UNIT_ROUNDOFF;
        let expected_step = eta * g.abs() / (g.abs() + epsilon);
        for t in 1..=steps {
            let mut w = [0.0];
            adam.step(&mut w, &[g]);
            let m_hat = adam.first_moment()[0] / bias_correction(beta1, t);
            prop_assert!(
                (m_hat - g).abs() <= m_hat_slack * g.abs(),
                "t = {t}: m̂ = {m_hat}, g = {g}"
            );
            // w started at 0, so −w is the step Δ exactly.
            let step = -w[0];
            prop_assert_eq!(step.signum(), g.signum());
            prop_assert!(
                (step.abs() - expected_step).abs() <= step_slack * expected_step,
                "t = {t}: |Δ| = {}, η·|g|/(|g| + ε) = {expected_step}", step.abs()
            );
        }
    });
}
// ANCHOR_END: adam_constant_gradient

// ANCHOR: adam_beta1_zero_is_rmsprop
/// With β₁ = 0, Adam is RMSprop with γ = β₂ and a learning rate and ε rescaled by
/// the bias correction c_t = 1 − β₂ᵗ of step t:
///
/// - its second moment G is RMSprop's accumulator, bit for bit;
/// - its step is RMSprop's scaled step η_t·g/d(G) with η_t = η·√c_t and, for ε
///   outside the root, d(G) = √G + ε·√c_t (inside: √(G + ε·c_t));
/// - in particular with ε = 0, Adam's step is √(1 − β₂ᵗ) times RMSprop's: smaller,
///   by √(1 − β₂) ≈ 0.03 at the first step for β₂ = 0.999, tending to equal.
///
/// Conditions: any η > 0, β₂ ∈ [0, 1), ε ≥ 0, either placement, finite gradients.
///
/// Proof sketch: β₁ = 0 gives m = g and 1 − 0ᵗ = 1, so m̂ = g exactly; G follows
/// the same `running_average` as RMSprop. Then η·g/(√(G/c) + ε) =
/// η·√c·g/(√G + ε·√c), and η·g/√(G/c + ε) = η·√c·g/√(G + ε·c).
///
/// Tolerance: the two sides group the same exact quantity differently, a dozen
/// roundings of at most u each with no cancellation (every term is positive): 16u
/// relative.
#[test]
fn adam_with_beta1_zero_is_rmsprop_with_a_bias_corrected_learning_rate() {
    proptest!(descent_tests::config(), |(
        eta in log_uniform(-4.0, 0.0),
        beta2 in prop_oneof![Just(0.999), 0.0..0.9999f64],
        epsilon in prop_oneof![Just(0.0), Just(1e-8), log_uniform(-12.0, -2.0)],
        inside in any::<bool>(),
        gradients in prop::collection::vec(signed(log_uniform(-3.0, 3.0)), 1..100),
    )| {
        let placement =
            if inside { EpsilonPlacement::InsideRoot } else { EpsilonPlacement::OutsideRoot };
        let adam_config = AdamConfig::new(eta).beta1(0.0).beta2(beta2);
        let mut adam = adam_config.epsilon(epsilon).epsilon_placement(placement).build(1).unwrap();
        let mut adam_without_epsilon = adam_config.epsilon(0.0).build(1).unwrap();
        let mut rmsprop = RmsPropConfig::new(eta).decay(beta2).epsilon(0.0).build(1).unwrap();
        for (t, &g) in (1..).zip(&gradients) {
            // Every weight starts at 0, so each step leaves −Δ in it.
            let (mut adam_w, mut plain_w, mut rmsprop_w) = ([0.0], [0.0], [0.0]);
            adam.step(&mut adam_w, &[g]);
            adam_without_epsilon.step(&mut plain_w, &[g]);
            rmsprop.step(&mut rmsprop_w, &[g]);
            let big_g = rmsprop.accumulator()[0];
            prop_assert_eq!(descent_tests::bits(&adam.second_moment()[..1]), descent_tests::bits(&[big_g]));

            let c = bias_correction(beta2, t);
            let scaled_epsilon = if inside { epsilon * c } else { epsilon * c.sqrt() };
            let rescaled = ScaledStep::new(eta * c.sqrt(), scaled_epsilon, placement).unwrap();
            let expected = rescaled.delta(g, big_g);
            let step = -adam_w[0];
            prop_assert!(
                (step - expected).abs() <= 16.0 * UNIT_ROUNDOFF * expected.abs(),
                "t = {t}: Adam's Δ = {step}, rescaled RMSprop's = {expected}"
            );

            let (plain, scaled_rmsprop) = (-plain_w[0], -c.sqrt() * rmsprop_w[0]);
            prop_assert!(
                (plain - scaled_rmsprop).abs() <= 16.0 * UNIT_ROUNDOFF * plain.abs(),
                "t = {t}: Adam's Δ = {plain}, √c·RMSprop's = {scaled_rmsprop}"
            );
        }
    });
}
// ANCHOR_END: adam_beta1_zero_is_rmsprop

/// The bound that Cauchy–Schwarz gives on Adam's step t, for β₂ > 0:
/// η·(1 − β₁)/(1 − β₁ᵗ)·√((1 − β₂ᵗ)/(1 − β₂))·√(Σ_{j<t} (β₁²/β₂)ʲ).
fn cauchy_schwarz_bound(eta: f64, beta1: f64, beta2: f64, t: u64) -> f64 {
    let ratio = beta1 * beta1 / beta2;
    let sum: f64 = (0..t).map(|j| ratio.powf(j as f64)).sum();
    eta * (1.0 - beta1) / bias_correction(beta1, t)
        * (bias_correction(beta2, t) / (1.0 - beta2)).sqrt()
        * sum.sqrt()
}

// ANCHOR: adam_step_bound
/// Adam's step is bounded for *every* gradient sequence, but not by the often
/// quoted η·(1 − β₁)/√(1 − β₂): the true bound is
///
/// |Δ_t| ≤ η·(1 − β₁)/(1 − β₁ᵗ) · √((1 − β₂ᵗ)/(1 − β₂)) · √(Σ_{j<t} (β₁²/β₂)ʲ),
///
/// which for large t and β₁² < β₂ tends to η·(1 − β₁)/√(1 − β₂)/√(1 − β₁²/β₂):
/// 7.27·η for the defaults, against the folklore 3.16·η.
///
/// Conditions: any η > 0, β₁ ∈ [0, 1), β₂ ∈ (0, 1), ε ≥ 0 (ε only shrinks the step).
///
/// Proof sketch: m_t = Σ_k a_k·g_k and G_t = Σ_k b_k·g_k² with
/// a_k = (1 − β₁)·β₁ᵗ⁻ᵏ and b_k = (1 − β₂)·β₂ᵗ⁻ᵏ. By Cauchy–Schwarz,
/// |Σ a_k·g_k| ≤ √(Σ a_k²/b_k)·√(Σ b_k·g_k²), so |m|/√G ≤ √(Σ a_k²/b_k), and the
/// step is η·|m|/(1 − β₁ᵗ)·√(1 − β₂ᵗ)/√G at most. Equality needs g_k ∝ a_k/b_k,
/// gradients growing by β₂/β₁ per step: the counter-example below.
///
/// Tolerance: m and G carry at most about 5u/(1 − β) relative rounding error each
/// (see the constant-gradient property), far below the 1e-9 allowed here.
#[test]
fn adams_step_never_exceeds_the_cauchy_schwarz_bound() {
    proptest!(descent_tests::config(), |(
        eta in log_uniform(-4.0, 0.0),
        beta1 in prop_oneof![Just(0.9), 0.0..0.99f64],
        beta2 in prop_oneof![Just(0.999), 0.5..0.9999f64],
        epsilon in prop_oneof![Just(0.0), Just(1e-8)],
        gradients in prop::collection::vec(
            prop_oneof![Just(0.0), signed(log_uniform(-6.0, 6.0))],
            1..200,
        ),
    )| {
        let config = AdamConfig::new(eta).beta1(beta1).beta2(beta2).epsilon(epsilon);
        let mut adam = config.build(1).unwrap();
        for (t, &g) in (1..).zip(&gradients) {
            let mut w = [0.0];
            adam.step(&mut w, &[g]);
            let bound = cauchy_schwarz_bound(eta, beta1, beta2, t);
            let step = w[0].abs();
            prop_assert!(step <= bound * (1.0 + 1e-9), "t = {t}: |Δ| = {step} > {bound}");
        }
    });
}
// ANCHOR_END: adam_step_bound

// ANCHOR: adam_folklore_bound_is_false
/// A counter-example to the often quoted |Δ| ≤ η·(1 − β₁)/√(1 − β₂) (Kingma & Ba,
/// section 2.1, for the case 1 − β₁ > √(1 − β₂), which the defaults are in).
///
/// 10 000 zero gradients make the bias correction of G negligible
/// (1 − 0.999¹⁰⁰⁰⁰ ≈ 1 − 4.5e-5); then 200 gradients growing by β₂/β₁ ≈ 1.11 per
/// step, the equality case of Cauchy–Schwarz, push the step to 7.27·η, more than
/// twice the quoted 3.16·η.
#[test]
fn adams_step_can_exceed_the_often_quoted_bound() {
    let (eta, beta1, beta2): (f64, f64, f64) = (1e-3, 0.9, 0.999);
    let mut adam = Adam::new(eta, 1).unwrap();
    let mut w = [0.0];
    for _ in 0..10_000 {
        adam.step(&mut w, &[0.0]);
    }
    assert_eq!(w, [0.0]);
    for k in 0..200 {
        w = [0.0];
        adam.step(&mut w, &[(beta2 / beta1).powi(k)]);
    }
    let step = w[0].abs();
    let folklore = eta * (1.0 - beta1) / (1.0f64 - beta2).sqrt();
    let true_bound = cauchy_schwarz_bound(eta, beta1, beta2, adam.steps());
    assert!(step > 2.0 * folklore, "|Δ| = {step}, folklore bound {folklore}");
    // The true bound is nearly reached: the zero gradients and the first 0.81²⁰⁰
    // of the geometric sum are all that is missing (1e-5 relative would do).
    assert!(step <= true_bound && step > 0.9999 * true_bound, "|Δ| = {step}, bound {true_bound}");
    approx::assert_relative_eq!(step / eta, 7.27, max_relative = 1e-3);
}
// ANCHOR_END: adam_folklore_bound_is_false

/// **After one step from rest, each method of the chapter holds exactly the state
/// its rule gives, reports the settings it was built with, and reports the
/// effective learning rate of that step.**
///
/// Conditions: one step from zero state with g = (3, −4), default ε except where
/// set.
///
/// Proof sketch: from v = 0, heavy ball's v ← β·0 + g is g exactly. RMSprop with
/// momentum's G ← γ·0 + (1 − γ)·g² and b ← μ·0 + g/√(G + ε), so b is the scaled
/// gradient of the rule, and its rate is η/√(G + ε). Adam after t = 1 holds
/// m = (1 − β₁)·g and G = (1 − β₂)·g², and the rate that multiplies m̂ is
/// η/(√Ĝ + ε) with Ĝ = G/(1 − β₂); before any step, Ĝ is taken as G = 0 and the
/// rate is η/ε. Each compared value is at most four roundings from the formula
/// written here in another order, so 4u relative is the whole allowance.
// ANCHOR: state_after_one_step
#[test]
fn each_method_holds_the_state_and_settings_its_rule_gives_after_one_step() {
    let g = [3.0, -4.0];
    let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * UNIT_ROUNDOFF * b.abs();

    for nesterov in [false, true] {
        let mut heavy = MomentumConfig::new(0.1).momentum(0.5).nesterov(nesterov).build(2).unwrap();
        assert_eq!(
            (heavy.learning_rate(), heavy.momentum(), heavy.is_nesterov()),
            (0.1, 0.5, nesterov)
        );
        heavy.step(&mut [0.0, 0.0], &g);
        assert_eq!(heavy.velocity(), g, "heavy ball from rest: v = g");
    }

    let (gamma, mu) = (0.8, 0.5);
    let mut rms = RmsPropMomentumConfig::from_rmsprop(RmsPropConfig::new(0.2).decay(gamma), mu)
        .build(2)
        .unwrap();
    assert_eq!((rms.decay(), rms.momentum()), (gamma, mu));
    assert_eq!(rms.scaled_step().learning_rate(), 0.2);
    rms.step(&mut [0.0, 0.0], &g);
    let eps = rms.scaled_step().epsilon();
    for (j, &gj) in g.iter().enumerate() {
        let big_g = (1.0 - gamma) * gj * gj;
        assert!(close(rms.accumulator()[j], big_g), "G_{j} = {}", rms.accumulator()[j]);
        assert!(close(rms.buffer()[j], gj / (big_g + eps).sqrt()), "b_{j}");
        let rate = rms.effective_learning_rates().unwrap()[j];
        assert!(close(rate, 0.2 / (big_g + eps).sqrt()), "rate_{j} = {rate}");
    }

    let (beta1, beta2) = (0.8, 0.99);
    let mut adam = AdamConfig::new(0.1).beta1(beta1).beta2(beta2).build(2).unwrap();
    assert_eq!((adam.beta1(), adam.beta2()), (beta1, beta2));
    let eps = adam.scaled_step().epsilon();
    assert_eq!(adam.effective_learning_rates(), Some(vec![0.1 / eps; 2]), "before any step");
    adam.step(&mut [0.0, 0.0], &g);
    for (j, &gj) in g.iter().enumerate() {
        assert!(close(adam.first_moment()[j], (1.0 - beta1) * gj), "m_{j}");
        let big_g = (1.0 - beta2) * gj * gj;
        assert!(close(adam.second_moment()[j], big_g), "G_{j}");
        let rate = adam.effective_learning_rates().unwrap()[j];
        assert!(close(rate, 0.1 / ((big_g / (1.0 - beta2)).sqrt() + eps)), "rate_{j} = {rate}");
    }
}
// ANCHOR_END: state_after_one_step

// ANCHOR: momentum_zero_denominator
proptest! {
    /// **At ε = 0, RMSprop with momentum leaves a weight whose gradients have all
    /// been 0 exactly where it is, and makes no NaN: the scaled gradient of a zero
    /// denominator is 0, as the scaled step's is.**
    ///
    /// Conditions: η log-uniform in [1e-4, 1], γ in [0.5, 0.999], μ in [0, 0.99],
    /// either placement of ε, ε = 0, 2 to 4 weights of which the first gets a zero
    /// gradient at every step and the others gradients of magnitude in
    /// [1e-3, 1e3], 1 to 20 steps from weights in [−10, 10].
    ///
    /// Proof sketch: the first weight's G stays 0, so its denominator is √0 = 0
    /// on either side of the root; g/0 would be 0/0 = NaN, which the scaled
    /// gradient defines as 0 (a weight that has seen no gradient has nothing to
    /// scale). Its buffer then stays μ·0 + 0 = 0 and its step η·0 = 0: exact.
    /// The other weights' G > 0 from their first step on, so they move and stay
    /// finite.
    #[test]
    fn rmsprop_with_momentum_at_epsilon_zero_keeps_a_weight_without_gradient_in_place(
        eta in log_uniform(-4.0, 0.0),
        gamma in 0.5..=0.999f64,
        mu in 0.0..=0.99f64,
        outside in any::<bool>(),
        (start, sequence) in (2usize..=4).prop_flat_map(|n| (
            proptest::collection::vec(-10.0..10.0f64, n),
            proptest::collection::vec(
                proptest::collection::vec(signed(log_uniform(-3.0, 3.0)), n - 1),
                1..=20,
            ),
        )),
    ) {
        let placement =
            if outside { EpsilonPlacement::OutsideRoot } else { EpsilonPlacement::InsideRoot };
        let rmsprop =
            RmsPropConfig::new(eta).decay(gamma).epsilon(0.0).epsilon_placement(placement);
        let mut optimizer = RmsPropMomentumConfig::from_rmsprop(rmsprop, mu)
            .build(start.len())
            .expect("settings drawn in range");
        let mut w = start.clone();
        for others in &sequence {
            let g: Vec<f64> = std::iter::once(0.0).chain(others.iter().copied()).collect();
            optimizer.step(&mut w, &g);
            prop_assert!(w.iter().all(|x| x.is_finite()), "a weight is not finite: {w:?}");
        }
        prop_assert_eq!(w[0].to_bits(), start[0].to_bits(), "w0 moved from {} to {}", start[0], w[0]);
        for j in 1..w.len() {
            prop_assert_ne!(w[j], start[j], "w{} did not move", j);
        }
    }
}
// ANCHOR_END: momentum_zero_denominator

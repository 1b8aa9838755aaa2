//! Graded tests for the RMSprop chapter: G ← γ·G + (1 − γ)·g², w ← w − η·g/√(G + ε).
//!
//! The properties: each step follows the rule; with G₀ = 0 every step is at most
//! η/√(1 − γ), reached at the first step; the accumulator is a convex combination
//! of what it has seen; under a constant gradient it converges geometrically to g²
//! and the step tends to a non-zero constant (no stall); γ = 0 gives the sign-like
//! step; and, as for Adagrad, coordinates are independent, each weight moves
//! against its gradient and a zero gradient gives a zero step.

use adagrad::{AdagradConfig, EpsilonPlacement};
use descent_tests::{
    UNIT_ROUNDOFF, assert_permutation_commutes, assert_within_roundings, bits, decay, denominator,
    dimension, epsilon, initial_accumulator, learning_rate, log_uniform, nonzero_gradient,
    parameters_and_gradients, permutation, placement, rmsprop_config, signed, step_from_zero,
};
use gd::Optimizer;
use proptest::collection::vec;
use proptest::prelude::*;
use rmsprop::{RmsProp, RmsPropConfig};

// ANCHOR: rmsprop_follows_the_rule
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Each step follows the rule: G ← γ·G + (1 − γ)·g², then
    /// w ← w − η·g/√(G + ε).**
    ///
    /// Conditions: any settings in range (η in [1e-3, 10]; γ = 0, 0.9 or in
    /// [0.01, 0.999]; ε = 0 or in [1e-12, 1e-4], inside or outside the root;
    /// G₀ = 0 or in [1e-6, 1e6]), parameters in [−1000, 1000], up to 20 steps of
    /// gradients 0 or of magnitude in [1e-150, 1e150].
    ///
    /// Proof sketch: each step is checked against the formula applied to the
    /// optimizer's own previous accumulator, so errors do not compound. Both terms
    /// of γ·G + (1 − γ)·g² are ≥ 0, so any order of evaluation (γ·G + (1 − γ)·g·g,
    /// γ·G + (1 − γ)·(g·g), …) is within 4u of the exact value, and two orders
    /// within 8u of each other. (A form that cancels, such as G + (1 − γ)·(g² − G),
    /// is not covered: it can be off by much more, and the book writes the convex
    /// combination.) The step uses the *updated* G and is checked as for Adagrad:
    /// 4u for the order of η·g/d, plus the rounding of w − Δ on each side.
    #[test]
    fn rmsprop_each_step_follows_the_update_rule(
        config in rmsprop_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let n = start.len();
        let mut rmsprop = config.build(n).unwrap();
        let (eta, gamma) = (config.learning_rate, config.decay);
        let (eps, place) = (config.epsilon, config.epsilon_placement);
        let mut w = start;
        for g in &gradients {
            let (before, accumulated) = (w.clone(), rmsprop.accumulator().to_vec());
            rmsprop.step(&mut w, g);
            let big_g = rmsprop.accumulator();
            for j in 0..n {
                let expected_g = gamma * accumulated[j] + (1.0 - gamma) * g[j] * g[j];
                assert_within_roundings(big_g[j], expected_g, 8.0, "G");
                let d = denominator(big_g[j], eps, place);
                let delta = if d > 0.0 { eta * g[j] / d } else { 0.0 };
                let expected = before[j] - delta;
                let allowance = 5.0 * UNIT_ROUNDOFF * delta.abs() + 3.0 * UNIT_ROUNDOFF * expected.abs();
                prop_assert!(
                    (w[j] - expected).abs() <= allowance,
                    "w{} = {:e}, expected {:e} − {:e} = {:e}", j, w[j], before[j], delta, expected
                );
            }
            let rates: Vec<f64> = big_g.iter().map(|&b| eta / denominator(b, eps, place)).collect();
            prop_assert_eq!(rmsprop.effective_learning_rates().map(|r| bits(&r)), Some(bits(&rates)));
        }
    }
}
// ANCHOR_END: rmsprop_follows_the_rule

// ANCHOR: rmsprop_steps_bounded
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Bounded scaling: with G₀ = 0, every step is at most η/√(1 − γ), and the
    /// first step reaches it when ε = 0.**
    ///
    /// Conditions: G₀ = 0; any η, γ, ε and placement in range; gradients as for
    /// the update rule; steps measured from w = 0.
    ///
    /// Proof sketch: γ·G ≥ 0, so after the update G ≥ (1 − γ)·g², and
    /// |Δ| = η·|g|/√(G + ε) ≤ η·|g|/√((1 − γ)·g²) = η/√(1 − γ). At the first step
    /// G = (1 − γ)·g² exactly, so with ε = 0 the bound is attained:
    /// Δ = η·sign(g)/√(1 − γ). In floating point, G ≥ fl(fl(fl(1 − γ)·g)·g) by
    /// monotone rounding, so the computed step exceeds η/√(1 − γ) by at most
    /// about 4.5u (the roundings of 1 − γ, of the two products, of the root and of
    /// the step), and the computed bound fl(η/fl(√fl(1 − γ))) falls short of it by
    /// at most 2.5u: the test allows 8u.
    #[test]
    fn rmsprop_steps_are_bounded_by_eta_over_root_one_minus_gamma(
        (eta, gamma, eps, place) in (learning_rate(), decay(), epsilon(), placement()),
        (_, gradients) in parameters_and_gradients(),
    ) {
        let config = RmsPropConfig::new(eta).decay(gamma).epsilon(eps).epsilon_placement(place);
        let n = gradients[0].len();
        let mut rmsprop = config.build(n).unwrap();
        let bound = eta / (1.0 - gamma).sqrt();
        for g in &gradients {
            for (j, delta) in step_from_zero(&mut rmsprop, g).iter().enumerate() {
                prop_assert!(
                    delta.abs() <= bound * (1.0 + 8.0 * UNIT_ROUNDOFF),
                    "|Δw{}| = {:e} > η/√(1 − γ) = {:e}", j, delta.abs(), bound
                );
            }
        }
        let mut fresh = config.epsilon(0.0).build(n).unwrap();
        let first = step_from_zero(&mut fresh, &gradients[0]);
        for (delta, g) in first.iter().zip(&gradients[0]).filter(|(_, g)| **g != 0.0) {
            assert_within_roundings(*delta, bound.copysign(*g), 8.0, "the first step");
        }
    }
}
// ANCHOR_END: rmsprop_steps_bounded

// ANCHOR: rmsprop_convex_combination
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **The accumulator is a convex combination: it stays between the smallest
    /// and the largest of G₀ and the squared gradients seen so far.**
    ///
    /// Conditions: any settings in range (G₀ = 0 or in [1e-6, 1e6]), gradients as
    /// for the update rule; after step t the allowance is 6t·u relative.
    ///
    /// Proof sketch: Gₜ = γ·Gₜ₋₁ + (1 − γ)·gₜ² with weights γ and 1 − γ in [0, 1]
    /// summing to 1, so Gₜ lies between Gₜ₋₁ and gₜ², and by induction between the
    /// minimum m and the maximum M of {G₀, g₁², …, gₜ²}. In floating point a step
    /// rounds at most five times (1 − γ, the two products, γ·G, the sum), each by
    /// at most u relative to the non-negative result, and the error already made
    /// is multiplied by γ ≤ 1: after t steps G stays within
    /// [m·(1 − 6t·u), M·(1 + 6t·u)], first-order terms counted with room.
    #[test]
    fn rmsprop_accumulator_stays_between_the_smallest_and_largest_values_it_averaged(
        config in rmsprop_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let n = start.len();
        let mut rmsprop = config.build(n).unwrap();
        let mut lowest = vec![config.initial_accumulator; n];
        let mut highest = lowest.clone();
        let mut w = start;
        for (t, g) in gradients.iter().enumerate() {
            rmsprop.step(&mut w, g);
            let slack = 6.0 * (t + 1) as f64 * UNIT_ROUNDOFF;
            for j in 0..n {
                lowest[j] = lowest[j].min(g[j] * g[j]);
                highest[j] = highest[j].max(g[j] * g[j]);
                let big_g = rmsprop.accumulator()[j];
                prop_assert!(
                    lowest[j] * (1.0 - slack) <= big_g && big_g <= highest[j] * (1.0 + slack),
                    "step {}: G{} = {:e} outside [{:e}, {:e}]", t + 1, j, big_g, lowest[j], highest[j]
                );
            }
        }
    }
}
// ANCHOR_END: rmsprop_convex_combination

// ANCHOR: rmsprop_geometric
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Under a constant gradient g the accumulator converges geometrically to g²:
    /// |Gₜ − g²| ≤ γᵗ·|G₀ − g²|, up to a rounding slack of (7t + 3)·u·max(G₀, g²).**
    ///
    /// Conditions: any γ, G₀ in range; a constant gradient with entries of
    /// magnitude in [1e-150, 1e150]; 50 steps.
    ///
    /// Proof sketch: subtracting g² from both sides of the update gives
    /// Gₜ − g² = γ·(Gₜ₋₁ − g²), so the distance to g² is multiplied by γ each
    /// step: Gₜ − g² = γᵗ·(G₀ − g²). Rounding adds at most 5u·max(G₀, g²) per step
    /// (then damped by γ), the reference uses fl(g²) instead of g² (u more) and
    /// computes γᵗ with `powi` (relative error below t·u): the slack is
    /// (7t + 3)·u·max(G₀, g²), stated with room.
    #[test]
    fn rmsprop_accumulator_converges_geometrically_to_the_squared_constant_gradient(
        (gamma, g0) in (decay(), initial_accumulator()),
        g in dimension().prop_flat_map(|n| vec(nonzero_gradient(), n)),
    ) {
        let mut rmsprop = RmsPropConfig::new(0.1).decay(gamma).initial_accumulator(g0).build(g.len()).unwrap();
        let mut w = vec![0.0; g.len()];
        for t in 1..=50 {
            rmsprop.step(&mut w, &g);
            for (j, (&big_g, &gj)) in rmsprop.accumulator().iter().zip(&g).enumerate() {
                let target = gj * gj;
                let bound = gamma.powi(t) * (g0 - target).abs();
                let slack = (7 * t + 3) as f64 * UNIT_ROUNDOFF * g0.max(target);
                prop_assert!(
                    (big_g - target).abs() <= bound + slack,
                    "step {}: |G{} − g²| = {:e} > γᵗ·|G₀ − g²| = {:e} (+{:e})",
                    t, j, (big_g - target).abs(), bound, slack
                );
            }
        }
    }
}
// ANCHOR_END: rmsprop_geometric

// ANCHOR: rmsprop_no_stall
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Under a constant gradient the step tends to the non-zero constant
    /// η·g/√(g² + ε): RMSprop does not stall where Adagrad does.**
    ///
    /// Conditions: G₀ = 0; γ = 0, 0.9 or in [0.01, 0.999]; any ε and placement
    /// in range; a constant gradient with entries of magnitude in [1e-3, 1e3]; T
    /// steps, with T the smallest number such that γᵀ ≤ 1e-6 (at most 13 809).
    ///
    /// Proof sketch: by the geometric convergence, |G_T − g²| ≤ γᵀ·g² ≤ 1e-6·g²,
    /// so √(G_T + ε) is within 5e-7 relative of √(g² + ε) (likewise √G_T + ε of
    /// |g| + ε), and so is the step. Its limit η·|g|/√(g² + ε) ≥ η/√(1 + 100) for
    /// these |g| and ε: bounded away from 0. Adagrad's step under the same
    /// gradient is η/√T → 0. The test allows 1e-6 relative (the 5e-7 above plus
    /// rounding, which is below 1e-10 for T ≤ 13 809).
    #[test]
    fn rmsprop_step_tends_to_a_non_zero_constant_under_a_constant_gradient(
        (eta, gamma, eps, place) in (learning_rate(), decay(), epsilon(), placement()),
        g in dimension().prop_flat_map(|n| vec(signed(log_uniform(-3.0, 3.0)), n)),
    ) {
        let config = RmsPropConfig::new(eta).decay(gamma).epsilon(eps).epsilon_placement(place);
        let mut rmsprop = config.build(g.len()).unwrap();
        let steps = if gamma == 0.0 { 1 } else { (1e-6f64.ln() / gamma.ln()).ceil() as usize };
        let mut delta = Vec::new();
        for _ in 0..steps {
            delta = step_from_zero(&mut rmsprop, &g);
        }
        for (delta, g) in delta.iter().zip(&g) {
            let limit = eta * g / denominator(g * g, eps, place);
            approx::assert_relative_eq!(*delta, limit, max_relative = 1e-6);
            prop_assert!(delta.abs() >= eta / 101f64.sqrt());
        }
    }
}
// ANCHOR_END: rmsprop_no_stall

// ANCHOR: rmsprop_sign_like
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **γ = 0 gives the sign-like step η·g/√(g² + ε); with ε = 0 it is η·sign(g)
    /// to one ulp.**
    ///
    /// Conditions: γ = 0; any η, ε, G₀ and parameters in range, ε inside the
    /// root; gradients as for the update rule.
    ///
    /// Proof sketch: with γ = 0 the average forgets everything but the last
    /// gradient: G = 0·G + 1·g² = g² (exactly fl(g·g): 0·G = 0 and 1·g = g), so
    /// Δ = η·g/√(g² + ε), which is η·sign(g) when ε = 0 and shrinks smoothly to 0
    /// as |g| falls below √ε. The step is checked to 4u (the order of η·g/d).
    /// With ε = 0, √fl(g²) = |g| exactly (the lemma), and fl(η·g)/|g| is within
    /// u·η of η, so |Δ| rounds to η or to a neighbour: one ulp.
    #[test]
    fn rmsprop_with_gamma_zero_takes_the_sign_like_step(
        (eta, eps, g0) in (learning_rate(), epsilon(), initial_accumulator()),
        (_, gradients) in parameters_and_gradients(),
    ) {
        let config = RmsPropConfig::new(eta).decay(0.0).initial_accumulator(g0);
        let n = gradients[0].len();
        let (mut with_eps, mut without) =
            (config.epsilon(eps).build(n).unwrap(), config.epsilon(0.0).build(n).unwrap());
        for g in &gradients {
            let delta = step_from_zero(&mut with_eps, g);
            let sign_like = step_from_zero(&mut without, g);
            for j in 0..n {
                let expected = if g[j] == 0.0 && eps == 0.0 { 0.0 } else { eta * g[j] / (g[j] * g[j] + eps).sqrt() };
                assert_within_roundings(delta[j], expected, 4.0, "Δ");
                if g[j] != 0.0 {
                    prop_assert_eq!(sign_like[j].signum(), g[j].signum());
                    prop_assert!(eta.next_down() <= sign_like[j].abs() && sign_like[j].abs() <= eta.next_up(),
                        "|Δ| = {:e} is not η = {:e} to one ulp", sign_like[j].abs(), eta);
                } else {
                    prop_assert_eq!(sign_like[j], 0.0);
                }
            }
        }
    }
}
// ANCHOR_END: rmsprop_sign_like

// ANCHOR: rmsprop_separable
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Coordinates are independent: permuting coordinates commutes with the
    /// step, bit for bit.**
    ///
    /// Conditions and proof sketch: as for Adagrad. Weight j's update reads wⱼ,
    /// gⱼ and Gⱼ only, with the same η, γ and ε for all weights.
    #[test]
    fn rmsprop_coordinates_are_independent_under_permutation(
        config in rmsprop_config(),
        ((start, gradients), order) in parameters_and_gradients()
            .prop_flat_map(|(w, gs)| { let n = w.len(); (Just((w, gs)), permutation(n)) }),
    ) {
        assert_permutation_commutes(|| config.build(start.len()).unwrap(), &start, &gradients, &order);
    }
}
// ANCHOR_END: rmsprop_separable

// ANCHOR: rmsprop_sign_and_zero
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Each coordinate moves against the sign of its gradient, and a zero
    /// gradient gives a zero step.**
    ///
    /// Conditions: as for the update rule.
    ///
    /// Proof sketch: Δⱼ = η·gⱼ/d with η > 0 and d > 0 has the sign of gⱼ and is
    /// 0 when gⱼ = 0; where d = 0 (G = 0, ε = 0, hence g = 0) the step is defined
    /// as 0. The magnitude cannot round to 0 from w = 0: G ≤ max(G₀, g²) up to
    /// rounding (the convex combination), so d < 1e151 and
    /// |Δ| ≥ 1e-3·1e-150/1e151 = 1e-304, a normal number. From any w the move is
    /// never along g, by monotone rounding.
    #[test]
    fn rmsprop_moves_each_weight_against_its_gradient_and_not_at_all_without_one(
        config in rmsprop_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let (mut from_zero, mut from_start) =
            (config.build(start.len()).unwrap(), config.build(start.len()).unwrap());
        let mut w = start;
        for g in &gradients {
            let delta = step_from_zero(&mut from_zero, g);
            let before = w.clone();
            from_start.step(&mut w, g);
            for j in 0..g.len() {
                if g[j] == 0.0 {
                    prop_assert_eq!(w[j], before[j], "w{} moved under a zero gradient", j);
                } else {
                    prop_assert!(delta[j] != 0.0 && delta[j].signum() == g[j].signum(),
                        "Δw{} = {:e} for g = {:e}", j, delta[j], g[j]);
                    prop_assert!((w[j] - before[j]) * g[j] <= 0.0, "w{} moved along its gradient", j);
                }
            }
        }
    }
}
// ANCHOR_END: rmsprop_sign_and_zero

/// The stall and its cure side by side: under the constant gradient g = 1 for
/// 10 000 steps, Adagrad's step has fallen to η/√10 000 = η/100, while RMSprop's
/// is still η/√(1 + ε) ≈ η.
#[test]
fn adagrad_stalls_where_rmsprop_keeps_moving_under_a_constant_gradient() {
    let eta = 0.01;
    let mut adagrad = AdagradConfig::new(eta).epsilon(0.0).build(1).unwrap();
    let mut rmsprop = RmsProp::new(eta, 1).unwrap();
    let (mut adagrad_step, mut rmsprop_step) = (0.0, 0.0);
    for _ in 0..10_000 {
        adagrad_step = step_from_zero(&mut adagrad, &[1.0])[0];
        rmsprop_step = step_from_zero(&mut rmsprop, &[1.0])[0];
    }
    // G = 10 000 is built exactly (integers), so only the step's roundings remain.
    assert_within_roundings(adagrad_step, eta / 100.0, 4.0, "Adagrad's step");
    // 0.9ᵗ has fallen below 1e-400: G = 1 up to rounding, and ε = 1e-10 is 5e-11
    // relative after the root.
    approx::assert_relative_eq!(rmsprop_step, eta, max_relative = 1e-10);
}

/// The explicit edge of the zero-gradient property: G = 0 and ε = 0 make the
/// denominator 0, and the step must be 0, not 0/0 = NaN.
#[test]
fn rmsprop_zero_gradient_with_zero_epsilon_and_empty_accumulator_is_zero_not_nan() {
    for placement in [EpsilonPlacement::InsideRoot, EpsilonPlacement::OutsideRoot] {
        let mut rmsprop =
            RmsPropConfig::new(0.5).epsilon(0.0).epsilon_placement(placement).build(2).unwrap();
        let mut w = [1.0, -2.0];
        rmsprop.step(&mut w, &[0.0, 0.0]);
        assert_eq!(w, [1.0, -2.0]);
    }
}

/// The running average by hand, on numbers that are exact in binary: γ = 0.5,
/// G₀ = 0, gradients 2 then 4 give G = 0.5·4 = 2, then 0.5·2 + 0.5·16 = 9, and
/// the second step η·4/√9 = 4η/3.
#[test]
fn rmsprop_running_average_by_hand_with_gamma_one_half() {
    let mut rmsprop = RmsPropConfig::new(0.3).decay(0.5).epsilon(0.0).build(1).unwrap();
    let first = step_from_zero(&mut rmsprop, &[2.0])[0];
    assert_eq!(rmsprop.accumulator(), [2.0]);
    assert_within_roundings(first, 0.3 * 2.0 / 2f64.sqrt(), 4.0, "first step");
    let second = step_from_zero(&mut rmsprop, &[4.0])[0];
    assert_eq!(rmsprop.accumulator(), [9.0]);
    assert_within_roundings(second, 0.3 * 4.0 / 3.0, 4.0, "second step");
}

/// The settings an `RmsProp` reports are those it was built with, and the
/// library presets carry the values of the table in the "Same name, different
/// numbers" chapter.
#[test]
fn rmsprop_reports_its_settings_and_the_presets_match_the_libraries() {
    let rmsprop = RmsPropConfig::new(0.4)
        .decay(0.8)
        .epsilon(1e-8)
        .epsilon_placement(EpsilonPlacement::OutsideRoot)
        .initial_accumulator(0.5)
        .build(2)
        .unwrap();
    assert_eq!(rmsprop.name(), "RMSprop η=0.4 γ=0.8");
    assert_eq!(rmsprop.decay(), 0.8);
    let scale = rmsprop.scaled_step();
    assert_eq!(
        (scale.learning_rate(), scale.epsilon(), scale.placement()),
        (0.4, 1e-8, EpsilonPlacement::OutsideRoot)
    );
    assert_eq!(rmsprop.accumulator(), [0.5, 0.5]);
    assert_eq!(RmsProp::new(0.1, 3).unwrap(), RmsPropConfig::new(0.1).build(3).unwrap());
    let settings = |c: RmsPropConfig| {
        (c.learning_rate, c.decay, c.epsilon, c.epsilon_placement, c.initial_accumulator)
    };
    use EpsilonPlacement::{InsideRoot, OutsideRoot};
    assert_eq!(settings(RmsPropConfig::new(0.1)), (0.1, 0.9, 1e-10, InsideRoot, 0.0));
    assert_eq!(settings(RmsPropConfig::pytorch(0.1)), (0.1, 0.99, 1e-8, OutsideRoot, 0.0));
    assert_eq!(settings(RmsPropConfig::keras(0.1)), (0.1, 0.9, 1e-7, InsideRoot, 0.0));
    assert_eq!(settings(RmsPropConfig::optax(0.1)), (0.1, 0.9, 1e-8, InsideRoot, 0.0));
}

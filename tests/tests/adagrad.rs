//! Graded tests for the Adagrad chapter: G ← G + g², w ← w − η·g/√(G + ε).
//!
//! The properties: each step follows the rule; the effective learning rate
//! η/√(G + ε) never increases; every step is at most η per coordinate; the
//! accumulator never decreases; a zero gradient gives a zero step; each weight
//! moves against its gradient; scaling all gradients by a power of two changes
//! nothing (ε = 0); coordinates are independent; and under a constant gradient the
//! step shrinks like 1/√t — the stall that RMSprop removes.

use adagrad::{Adagrad, AdagradConfig, EpsilonPlacement};
use descent_tests::{
    UNIT_ROUNDOFF, adagrad_config, assert_permutation_commutes, assert_within_roundings, bits,
    denominator, dimension, learning_rate, log_uniform, nonzero_gradient, parameters,
    parameters_and_gradients, permutation, signed, step_from_zero,
};
use gd::Optimizer;
use proptest::collection::vec;
use proptest::prelude::*;

// ANCHOR: lemma_root_of_square
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Lemma: the square root of a rounded square is exact, √fl(g²) = |g|.**
    ///
    /// Conditions: 1e-150 ≤ |g| ≤ 1e150, so that g² is a normal number.
    ///
    /// Proof sketch: this is a theorem about binary floating point with rounding
    /// to nearest (S. Boldo, "Stupid is as stupid does: taking the square root of
    /// the square of a floating-point number", 2015): the rounding of g² is too
    /// small to move its correctly rounded root off |g|. It is why the bounds below
    /// hold to one ulp: G ≥ fl(g²) gives √(G + ε) ≥ |g| exactly. It fails where g²
    /// underflows, which is why the strategies keep |g| ≥ 1e-150.
    #[test]
    fn lemma_the_square_root_of_a_rounded_square_is_exact(g in nonzero_gradient()) {
        prop_assert_eq!((g * g).sqrt(), g.abs());
    }
}
// ANCHOR_END: lemma_root_of_square

// ANCHOR: adagrad_follows_the_rule
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Each step follows the rule: G ← G + g², then w ← w − η·g/√(G + ε).**
    ///
    /// Conditions: any settings in range (η in [1e-3, 10], ε = 0 or in
    /// [1e-12, 1e-4], inside or outside the root, G₀ = 0 or in [1e-6, 1e6]),
    /// parameters in [−1000, 1000], up to 20 steps of gradients 0 or of magnitude
    /// in [1e-150, 1e150].
    ///
    /// Proof sketch: the accumulator's new value G + fl(g·g) is one expression and
    /// must match bit for bit. The step divides by the *updated* G: an
    /// implementation that steps first and accumulates after fails here. The step
    /// η·g/d may be evaluated in any order (η·g/d, η/d·g, g/d·η): each is two
    /// correctly rounded operations after d, so two orders differ by at most 4u
    /// relative, and the subtraction from w adds u·|w′| on each side. Where
    /// d = 0 (G = 0 and ε = 0, hence g = 0) the step must be 0, not 0/0. The
    /// effective learning rate is η/d, one operation, exact.
    #[test]
    fn adagrad_each_step_follows_the_update_rule(
        config in adagrad_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let n = start.len();
        let mut adagrad = config.build(n).unwrap();
        let (eta, eps, place) = (config.learning_rate, config.epsilon, config.epsilon_placement);
        let mut w = start.clone();
        let mut big_g = vec![config.initial_accumulator; n];
        for g in &gradients {
            let before = w.clone();
            adagrad.step(&mut w, g);
            for j in 0..n {
                big_g[j] += g[j] * g[j];
                let d = denominator(big_g[j], eps, place);
                let delta = if d > 0.0 { eta * g[j] / d } else { 0.0 };
                let expected = before[j] - delta;
                let allowance = 5.0 * UNIT_ROUNDOFF * delta.abs() + 3.0 * UNIT_ROUNDOFF * expected.abs();
                prop_assert!(
                    (w[j] - expected).abs() <= allowance,
                    "w{} = {:e}, expected {:e} − {:e} = {:e}", j, w[j], before[j], delta, expected
                );
            }
            prop_assert_eq!(bits(adagrad.accumulator()), bits(&big_g));
            let rates: Vec<f64> = big_g.iter().map(|&b| eta / denominator(b, eps, place)).collect();
            prop_assert_eq!(adagrad.effective_learning_rates().map(|r| bits(&r)), Some(bits(&rates)));
        }
    }
}
// ANCHOR_END: adagrad_follows_the_rule

// ANCHOR: adagrad_rates_never_increase
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **The effective learning rate η/√(G + ε) of every weight never increases,
    /// exactly.**
    ///
    /// Conditions: as for the update rule.
    ///
    /// Proof sketch: G grows by g² ≥ 0 at each step, √ is increasing and η/x is
    /// decreasing, so η/√(G + ε) can only fall. In floating point each of these
    /// operations is correctly rounded, and a correctly rounded operation is
    /// monotone: x ≤ y implies fl(x + c) ≤ fl(y + c), fl(√x) ≤ fl(√y) and
    /// fl(η/x) ≥ fl(η/y). So the inequality holds exactly, with no allowance.
    /// (Before any gradient arrives with G₀ = 0 and ε = 0 the rate is +∞, which is
    /// still not exceeded.)
    #[test]
    fn adagrad_effective_learning_rates_never_increase(
        config in adagrad_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let mut adagrad = config.build(start.len()).unwrap();
        let mut rates = adagrad.effective_learning_rates().unwrap();
        let mut w = start;
        for (t, g) in gradients.iter().enumerate() {
            adagrad.step(&mut w, g);
            let next = adagrad.effective_learning_rates().unwrap();
            for (j, (now, before)) in next.iter().zip(&rates).enumerate() {
                prop_assert!(now <= before, "step {}: the rate of w{} rose from {:e} to {:e}", t + 1, j, before, now);
            }
            rates = next;
        }
    }
}
// ANCHOR_END: adagrad_rates_never_increase

// ANCHOR: adagrad_steps_bounded
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Every step is bounded: |Δwⱼ| ≤ η, up to one ulp.**
    ///
    /// Conditions: as for the update rule; the step is measured from w = 0 so
    /// that w − Δ = −Δ is exact.
    ///
    /// Proof sketch: after the update G ≥ g² (it started ≥ 0 and just received
    /// g²), so |g|/√(G + ε) ≤ 1 and |Δ| = η·|g|/√(G + ε) ≤ η. In floating point,
    /// G ≥ fl(g²) by monotone rounding, and √fl(g²) = |g| exactly (the lemma), so
    /// the computed denominator d satisfies d ≥ |g| with ε inside or outside the
    /// root. Then fl(η·g)/d is within u·η of η at most, and rounding that quotient
    /// lands on η or on a neighbour: |Δ| ≤ η⁺, the next float above η. The same
    /// holds for the orders η/d·g and g/d·η.
    #[test]
    fn adagrad_steps_are_bounded_by_the_learning_rate(
        config in adagrad_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let mut adagrad = config.build(start.len()).unwrap();
        let bound = config.learning_rate.next_up();
        for g in &gradients {
            for (j, delta) in step_from_zero(&mut adagrad, g).iter().enumerate() {
                prop_assert!(delta.abs() <= bound, "|Δw{}| = {:e} > η⁺ = {:e}", j, delta.abs(), bound);
            }
        }
    }
}
// ANCHOR_END: adagrad_steps_bounded

// ANCHOR: adagrad_accumulator_grows
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **The accumulator never decreases.**
    ///
    /// Conditions: as for the update rule.
    ///
    /// Proof sketch: G ← G + g² with g² ≥ 0; fl(G + fl(g²)) ≥ G because rounding
    /// is monotone and G is itself a float. This is what makes Adagrad's rates
    /// fall for ever: the accumulator has no way down.
    #[test]
    fn adagrad_accumulator_never_decreases(
        config in adagrad_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let mut adagrad = config.build(start.len()).unwrap();
        prop_assert!(adagrad.accumulator().iter().all(|&b| b == config.initial_accumulator));
        let mut w = start;
        for g in &gradients {
            let before = adagrad.accumulator().to_vec();
            adagrad.step(&mut w, g);
            for (now, before) in adagrad.accumulator().iter().zip(&before) {
                prop_assert!(now >= before);
            }
        }
    }
}
// ANCHOR_END: adagrad_accumulator_grows

// ANCHOR: adagrad_zero_gradient
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **A zero gradient gives a zero step, never NaN.**
    ///
    /// Conditions: as for the update rule; one gradient entry in ten is exactly 0,
    /// and ε = 0 with G₀ = 0 is among the settings.
    ///
    /// Proof sketch: Δ = η·0/√(G + ε) = 0 whenever the denominator is positive.
    /// When it is 0 (G = 0, ε = 0, which forces every gradient so far to be 0)
    /// the rule defines the step as 0 rather than 0/0 = NaN, as optax does. Either
    /// way w − 0 = w exactly.
    #[test]
    fn adagrad_zero_gradient_gives_zero_step(
        config in adagrad_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let mut adagrad = config.build(start.len()).unwrap();
        let mut w = start;
        for g in &gradients {
            let before = w.clone();
            adagrad.step(&mut w, g);
            for j in (0..g.len()).filter(|&j| g[j] == 0.0) {
                prop_assert_eq!(w[j], before[j], "w{} moved under a zero gradient", j);
            }
        }
    }
}
// ANCHOR_END: adagrad_zero_gradient

// ANCHOR: adagrad_sign
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Each coordinate moves against the sign of its gradient.**
    ///
    /// Conditions: as for the update rule. From w = 0 the move is strict; from
    /// any w it is "never along g" (the move may round away next to a large w).
    ///
    /// Proof sketch: Δⱼ = η·gⱼ/d with η > 0 and d > 0 has the sign of gⱼ, so
    /// w − Δ moves against it. The magnitude cannot round to 0: with |g| ≥ 1e-150,
    /// η ≥ 1e-3 and d ≤ √(1e6 + 20·1e300) < 5e150, |Δ| > 2e-304, a normal number.
    /// From any w, fl(w − Δ) lies on the same side of w as w − Δ or on w itself,
    /// by monotone rounding.
    #[test]
    fn adagrad_moves_each_weight_against_its_gradient(
        config in adagrad_config(),
        (start, gradients) in parameters_and_gradients(),
    ) {
        let (mut from_zero, mut from_start) =
            (config.build(start.len()).unwrap(), config.build(start.len()).unwrap());
        let mut w = start;
        for g in &gradients {
            let delta = step_from_zero(&mut from_zero, g);
            let before = w.clone();
            from_start.step(&mut w, g);
            for j in (0..g.len()).filter(|&j| g[j] != 0.0) {
                prop_assert!(delta[j] != 0.0 && delta[j].signum() == g[j].signum(),
                    "Δw{} = {:e} for g = {:e}", j, delta[j], g[j]);
                prop_assert!((w[j] - before[j]) * g[j] <= 0.0, "w{} moved along its gradient", j);
            }
        }
    }
}
// ANCHOR_END: adagrad_sign

// ANCHOR: adagrad_scale_invariance
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Scale invariance: multiplying every gradient by c = 2ᵏ leaves the steps
    /// bit-identical when ε = 0.**
    ///
    /// Conditions: ε = 0, G₀ = 0, k in [−30, 30], gradients 0 or of magnitude in
    /// [1e-100, 1e100] (so that c·g and (c·g)² stay normal numbers).
    ///
    /// Proof sketch: with c·g every g² becomes c²·g², so G becomes c²·G and
    /// √G becomes c·√G: the step η·c·g/(c·√G) is the same. In binary floating
    /// point, multiplying by a power of two only changes the exponent, so every
    /// intermediate result is exactly 2ᵏ or 2²ᵏ times the unscaled one and rounds
    /// the same way, as long as nothing overflows or underflows. With ε > 0 (or
    /// G₀ > 0) the invariance is only approximate: ε does not scale.
    #[test]
    fn adagrad_steps_are_invariant_to_scaling_gradients_by_a_power_of_two(
        eta in learning_rate(),
        (start, gradients) in dimension().prop_flat_map(|n| (
            parameters(n),
            vec(vec(prop_oneof![1 => Just(0.0), 9 => signed(log_uniform(-100.0, 100.0))], n), 1..=20),
        )),
        k in -30..=30i32,
    ) {
        let c = 2f64.powi(k);
        let config = AdagradConfig::new(eta).epsilon(0.0);
        let (mut plain, mut scaled) = (config.build(start.len()).unwrap(), config.build(start.len()).unwrap());
        let (mut w, mut w_scaled) = (start.clone(), start);
        for g in &gradients {
            let g_scaled: Vec<f64> = g.iter().map(|g| c * g).collect();
            plain.step(&mut w, g);
            scaled.step(&mut w_scaled, &g_scaled);
            prop_assert_eq!(bits(&w_scaled), bits(&w));
        }
    }
}
// ANCHOR_END: adagrad_scale_invariance

// ANCHOR: adagrad_separable
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Coordinates are independent: permuting coordinates commutes with the
    /// step, bit for bit.**
    ///
    /// Conditions: as for the update rule, with a uniformly random permutation.
    ///
    /// Proof sketch: weight j's update reads only wⱼ, gⱼ and Gⱼ, with the same η
    /// and ε for all. Reordering the coordinates reorders the same computations,
    /// which give the same bits wherever they happen. An implementation that
    /// mixes coordinates (one shared accumulator, a norm of the whole gradient, an
    /// off-by-one index) breaks this.
    #[test]
    fn adagrad_coordinates_are_independent_under_permutation(
        config in adagrad_config(),
        ((start, gradients), order) in parameters_and_gradients()
            .prop_flat_map(|(w, gs)| { let n = w.len(); (Just((w, gs)), permutation(n)) }),
    ) {
        assert_permutation_commutes(|| config.build(start.len()).unwrap(), &start, &gradients, &order);
    }
}
// ANCHOR_END: adagrad_separable

// ANCHOR: adagrad_stall
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Under a constant gradient the step shrinks like 1/√t: the stall.**
    ///
    /// Conditions: ε = 0, G₀ = 0, a constant gradient g with 1e-150 ≤ |gⱼ| ≤ 1e150,
    /// 200 steps.
    ///
    /// Proof sketch: after t steps G = t·g², so Δₜ = η·g/√(t·g²) = η·sign(g)/√t:
    /// the step no longer depends on g at all and decays like 1/√t, although the
    /// gradient never does. The distance covered after T steps is
    /// η·Σ 1/√t < 2η·√T: a run whose gradient says "keep going" crawls. In floating
    /// point G is built by t additions, which round t − 1 times (relative error at
    /// most (t − 1)·u, halved by the root); with the two roundings of the step, the
    /// root of fl(g²) (the lemma) and the reference η/√t, the relative allowance is
    /// (t/2 + 6)·u.
    #[test]
    fn adagrad_step_shrinks_like_one_over_root_t_under_a_constant_gradient(
        eta in learning_rate(),
        g in dimension().prop_flat_map(|n| vec(nonzero_gradient(), n)),
    ) {
        let mut adagrad = AdagradConfig::new(eta).epsilon(0.0).build(g.len()).unwrap();
        let mut distance = vec![0.0; g.len()];
        let steps = 200;
        for t in 1..=steps {
            let delta = step_from_zero(&mut adagrad, &g);
            let expected = eta / (t as f64).sqrt();
            for j in 0..g.len() {
                prop_assert_eq!(delta[j].signum(), g[j].signum());
                assert_within_roundings(delta[j].abs(), expected, t as f64 / 2.0 + 6.0, "|Δ|");
                distance[j] += delta[j].abs();
            }
        }
        for d in distance {
            prop_assert!(d < 2.0 * eta * (steps as f64).sqrt());
        }
    }
}
// ANCHOR_END: adagrad_stall

/// The explicit edge of the zero-gradient property: G = 0 and ε = 0 make the
/// denominator 0, and the step must be 0, not 0/0 = NaN.
#[test]
fn adagrad_zero_gradient_with_zero_epsilon_and_empty_accumulator_is_zero_not_nan() {
    for placement in [EpsilonPlacement::InsideRoot, EpsilonPlacement::OutsideRoot] {
        let mut adagrad =
            AdagradConfig::new(0.5).epsilon(0.0).epsilon_placement(placement).build(3).unwrap();
        let mut w = [1.0, -2.0, 0.0];
        adagrad.step(&mut w, &[0.0, 0.0, 0.0]);
        assert_eq!(w, [1.0, -2.0, 0.0]);
        adagrad.step(&mut w, &[0.0, 4.0, 0.0]);
        assert_eq!(w, [1.0, -2.5, 0.0]);
    }
}

/// ε outside the root is PyTorch's √G + ε, not √(G + ε): with G = 4 after the
/// first step and ε = 1, the step is η·2/(2 + 1) = 2η/3, where inside the root
/// it would be η·2/√5.
#[test]
fn adagrad_epsilon_outside_the_root_is_added_to_the_root() {
    let outside =
        AdagradConfig::new(0.3).epsilon(1.0).epsilon_placement(EpsilonPlacement::OutsideRoot);
    let inside = AdagradConfig::new(0.3).epsilon(1.0);
    // Two roundings on each side, in whatever order the step is written: 4u.
    let delta = step_from_zero(&mut outside.build(1).unwrap(), &[2.0])[0];
    assert_within_roundings(delta, 0.3 * 2.0 / 3.0, 4.0, "ε outside the root");
    let delta = step_from_zero(&mut inside.build(1).unwrap(), &[2.0])[0];
    assert_within_roundings(delta, 0.3 * 2.0 / 5f64.sqrt(), 4.0, "ε inside the root");
}

/// G₀ enters the first step: Keras's and optax's 0.1 makes the first step
/// η·g/√(0.1 + g² + ε), smaller than η.
#[test]
fn adagrad_initial_accumulator_enters_the_first_step() {
    let mut adagrad =
        AdagradConfig::new(1.0).epsilon(0.0).initial_accumulator(5.0).build(1).unwrap();
    assert_eq!(adagrad.accumulator(), [5.0]);
    assert_within_roundings(step_from_zero(&mut adagrad, &[2.0])[0], 2.0 / 3.0, 4.0, "step");
    assert_eq!(adagrad.accumulator(), [9.0]);
}

/// The settings an `Adagrad` reports are those it was built with, and the
/// library presets carry the values of the table in the "Same name, different
/// numbers" chapter.
#[test]
fn adagrad_reports_its_settings_and_the_presets_match_the_libraries() {
    let adagrad = AdagradConfig::new(0.4)
        .epsilon(1e-8)
        .epsilon_placement(EpsilonPlacement::OutsideRoot)
        .initial_accumulator(0.5)
        .build(2)
        .unwrap();
    assert_eq!(adagrad.name(), "Adagrad η=0.4");
    let scale = adagrad.scaled_step();
    assert_eq!(
        (scale.learning_rate(), scale.epsilon(), scale.placement()),
        (0.4, 1e-8, EpsilonPlacement::OutsideRoot)
    );
    assert_eq!(adagrad.accumulator(), [0.5, 0.5]);
    assert_eq!(Adagrad::new(0.1, 3).unwrap(), AdagradConfig::new(0.1).build(3).unwrap());
    let course = AdagradConfig::new(0.1);
    assert_eq!(
        (course.epsilon, course.epsilon_placement, course.initial_accumulator),
        (1e-10, EpsilonPlacement::InsideRoot, 0.0)
    );
    let torch = AdagradConfig::pytorch(0.1);
    assert_eq!(
        (torch.epsilon, torch.epsilon_placement, torch.initial_accumulator),
        (1e-10, EpsilonPlacement::OutsideRoot, 0.0)
    );
    for preset in [AdagradConfig::keras(0.1), AdagradConfig::optax(0.1)] {
        assert_eq!(
            (preset.learning_rate, preset.epsilon, preset.epsilon_placement),
            (0.1, 1e-7, EpsilonPlacement::InsideRoot)
        );
        assert_eq!(preset.initial_accumulator, 0.1);
    }
}

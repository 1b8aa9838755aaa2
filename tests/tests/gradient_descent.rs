//! Graded tests for the chapter on vanilla gradient descent: w ← w − η·g.
//!
//! The properties: one step is exactly w − η·g; on a diagonal quadratic with
//! curvatures λⱼ in [μ, L], each coordinate is multiplied by 1 − η·λⱼ per step, so
//! that for 0 < η < 2/L every error contracts and the loss never increases, for
//! η > 2/L the run diverges fastest along the steepest direction, and at η = 2/L
//! the steepest coordinate oscillates with period 2.

use descent_tests::{
    UNIT_ROUNDOFF, bits, dimension, gradient_vector, learning_rate, log_uniform, parameters, signed,
};
use gd::{GradientDescent, Optimizer, Stop, StopReason, minimize};
use objectives::DiagonalQuadratic;
use proptest::collection::vec;
use proptest::prelude::*;

/// Curvatures λⱼ log-uniform in [1e-3, 1e3] and a start wⱼ = ±10ˣ, x ∈ [−3, 3].
fn curvatures_and_start() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    dimension()
        .prop_flat_map(|n| (vec(log_uniform(-3.0, 3.0), n), vec(signed(log_uniform(-3.0, 3.0)), n)))
}

/// J(w) = Σ (λⱼ/2)·wⱼ²: curvature λⱼ along coordinate j (λⱼ/2 is exact in binary).
fn quadratic(curvatures: &[f64]) -> DiagonalQuadratic {
    DiagonalQuadratic::new("random quadratic", curvatures.iter().map(|l| l / 2.0).collect())
}

/// The largest curvature L and its coordinate.
fn steepest(curvatures: &[f64]) -> (usize, f64) {
    curvatures.iter().copied().enumerate().fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a })
}

/// Asserts that one step took every coordinate from wⱼ to (1 − η·λⱼ)·wⱼ.
///
/// Allowance: the optimizer computes fl(w − fl(η·fl(λ·w))), three roundings, off
/// from (1 − r)·w (r = η·λ) by at most (|1 − r| + 2r)·u·|w|; the reference
/// fl(fl(1 − fl(η·λ))·w), three more, by at most (r + 2·|1 − r|)·u·|w| (first
/// order). Their sum is at most 3·max(1, 2r − 1)·u·|w|; the test allows
/// 6·(1 + r)·u·|w|, which covers it with room for the second-order terms.
///
/// A coordinate that contracts for thousands of steps (next to one that diverges)
/// reaches the subnormal numbers below 2.2e-308, where a rounding errs by up to
/// half the fixed spacing s = 2⁻¹⁰⁷⁴ instead of a relative u. The optimizer's
/// error in fl(λ·w) is then multiplied by η, so its three roundings add at most
/// (η/2 + 1)·s and the reference's last one s/2; the test allows (η + 2)·s on
/// top of the relative part.
#[track_caller]
fn assert_each_coordinate_scaled(w: &[f64], next: &[f64], eta: f64, curvatures: &[f64]) {
    let subnormal_spacing = f64::from_bits(1);
    for (j, ((&w, &next), &lambda)) in w.iter().zip(next).zip(curvatures).enumerate() {
        let r = eta * lambda;
        let expected = (1.0 - r) * w;
        let allowance = 6.0 * (1.0 + r) * UNIT_ROUNDOFF * w.abs() + (eta + 2.0) * subnormal_spacing;
        assert!(
            (next - expected).abs() <= allowance,
            "w{j}: {w:e} became {next:e}, expected (1 − {r})·w = {expected:e} ± {allowance:e}"
        );
    }
}

// ANCHOR: gd_one_step_is_exact
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **One step is exactly w − η·g.**
    ///
    /// Conditions: any η in [1e-3, 10], parameters in [−1000, 1000], gradient
    /// entries 0 or of magnitude in [1e-150, 1e150] (so η·g is finite).
    ///
    /// Proof sketch: the update of weight j is the single expression
    /// fl(wⱼ − fl(η·gⱼ)). IEEE 754 rounds each operation correctly, which makes it
    /// a deterministic function of its operands: the same expression evaluated in
    /// the test gives the same bits. No tolerance is needed, and none is allowed,
    /// because nothing else may touch w.
    #[test]
    fn one_gd_step_is_exactly_w_minus_eta_g(
        eta in learning_rate(),
        (w, g) in dimension().prop_flat_map(|n| (parameters(n), gradient_vector(n))),
    ) {
        let mut stepped = w.clone();
        GradientDescent::new(eta).unwrap().step(&mut stepped, &g);
        let expected: Vec<f64> = w.iter().zip(&g).map(|(w, g)| w - eta * g).collect();
        prop_assert_eq!(bits(&stepped), bits(&expected));
    }
}
// ANCHOR_END: gd_one_step_is_exact

// ANCHOR: gd_contracts_below_two_over_l
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Below η = 2/L every coordinate contracts by |1 − η·λⱼ| and the loss never
    /// increases.**
    ///
    /// Conditions: J(w) = Σ (λⱼ/2)·wⱼ², curvatures λⱼ in [1e-3, 1e3] with largest
    /// L, η = θ·2/L with θ in [0.01, 0.99], start entries of magnitude in
    /// [1e-3, 1e3], 50 steps of `minimize`.
    ///
    /// Proof sketch: the gradient is gⱼ = λⱼ·wⱼ, so one step gives
    /// wⱼ ← wⱼ − η·λⱼ·wⱼ = (1 − η·λⱼ)·wⱼ: each coordinate is its own 1-D problem,
    /// multiplied by 1 − η·λⱼ per step. For 0 < η·λⱼ < 2 that factor lies in
    /// (−1, 1), so |wⱼ| shrinks and so does each term (λⱼ/2)·wⱼ² of the loss.
    /// In floating point the factor holds up to the stated rounding allowance, and
    /// the monotonicity is exact: η·λⱼ ≤ 1.98·(1 + 2u) < 2, so the subtracted
    /// amount c = fl(η·fl(λⱼ·wⱼ)) has the sign of wⱼ and |c| < 2·|wⱼ|, whence
    /// |wⱼ − c| ≤ |wⱼ|; rounding to nearest is monotone and |wⱼ| is a float, so
    /// |fl(wⱼ − c)| ≤ |wⱼ|; and the loss, a sum of fl(fl(aⱼ·wⱼ)·wⱼ) ≥ 0, is monotone
    /// in each |wⱼ|.
    #[test]
    fn gd_below_two_over_l_contracts_every_coordinate_and_never_increases_the_loss(
        (curvatures, start) in curvatures_and_start(),
        theta in 0.01..=0.99f64,
    ) {
        let objective = quadratic(&curvatures);
        let (_, l) = steepest(&curvatures);
        let eta = theta * 2.0 / l;
        let mut gd = GradientDescent::new(eta).unwrap();
        let trace = minimize(&objective, &mut gd, &start, Stop::after(50));
        for (t, pair) in trace.iterates.windows(2).enumerate() {
            assert_each_coordinate_scaled(&pair[0], &pair[1], eta, &objective.curvatures());
            for (w, next) in pair[0].iter().zip(&pair[1]) {
                prop_assert!(next.abs() <= w.abs(), "step {}: |{:e}| grew to |{:e}|", t + 1, w, next);
            }
            prop_assert!(
                trace.losses[t + 1] <= trace.losses[t],
                "the loss rose at step {}: {:e} → {:e}", t + 1, trace.losses[t], trace.losses[t + 1]
            );
        }
    }
}
// ANCHOR_END: gd_contracts_below_two_over_l

// ANCHOR: gd_diverges_above_two_over_l
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Above η = 2/L the run diverges, fastest along the steepest direction.**
    ///
    /// Conditions: as above, with η = θ·2/L and θ in [1.05, 4], so that the
    /// steepest coordinate's factor is η·L − 1 ∈ [1.1, 7]; the run has a budget
    /// of 100 000 steps.
    ///
    /// Proof sketch: each coordinate is still multiplied by 1 − η·λⱼ per step. For
    /// λⱼ = L that factor is 1 − η·L < −1: |w| grows by η·L − 1 > 1 each step,
    /// flipping sign, until J overflows and `minimize` stops the run. For every
    /// other λⱼ ≤ L, 1 − η·λⱼ lies in [1 − η·L, 1), so |1 − η·λⱼ| ≤ η·L − 1: no
    /// coordinate grows faster than the steepest one. From |w| ≥ 1e-3 the loss
    /// overflows within ln(1e159)/ln(1.1) < 4000 steps, well inside the budget.
    /// The growth ratios are compared up to 1e-9 relative: each step's factor is
    /// off by at most 6·(1 + η·L)·u/(η·L − 1) < 17·u relative, which over at most
    /// 4000 steps is below 1e-11.
    #[test]
    fn gd_above_two_over_l_diverges_fastest_along_the_steepest_direction(
        (curvatures, start) in curvatures_and_start(),
        theta in 1.05..=4.0f64,
    ) {
        let objective = quadratic(&curvatures);
        let (steepest_j, l) = steepest(&curvatures);
        let eta = theta * 2.0 / l;
        let mut gd = GradientDescent::new(eta).unwrap();
        let trace = minimize(&objective, &mut gd, &start, Stop::after(100_000));
        prop_assert!(matches!(trace.stop, StopReason::Diverged { .. }), "{:?}", trace.stop);
        for pair in trace.iterates.windows(2) {
            assert_each_coordinate_scaled(&pair[0], &pair[1], eta, &objective.curvatures());
            prop_assert!(pair[1][steepest_j].abs() > pair[0][steepest_j].abs());
        }
        let last = trace.last().unwrap();
        let growth = |j: usize| last[j].abs() / start[j].abs();
        for j in 0..start.len() {
            prop_assert!(
                growth(steepest_j) >= growth(j) * (1.0 - 1e-9),
                "w{} grew by {:e}, more than the steepest w{} ({:e})",
                j, growth(j), steepest_j, growth(steepest_j)
            );
        }
    }
}
// ANCHOR_END: gd_diverges_above_two_over_l

// ANCHOR: gd_oscillates_at_two_over_l
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **At η = 2/L the steepest coordinate oscillates with period 2, exactly.**
    ///
    /// Conditions: the largest curvature is a power of two, L = 2ᵏ with k in
    /// [−8, 8], at a random coordinate; every other λⱼ = s·L with s in
    /// [1e-3, 0.999]; η = 2/L; start entries of magnitude in [1e-3, 1e3]; 40 steps.
    ///
    /// Proof sketch: along the steepest coordinate the factor is 1 − η·L = −1, so
    /// w ← −w: the iterate flips sign with unchanged magnitude, w₀, −w₀, w₀, …,
    /// and its term of the loss stays (L/2)·w₀² forever, so the run never
    /// converges. The other coordinates have 0 < η·λⱼ < 2 and contract as below
    /// 2/L. With L a power of two every product involved (L·w, η·g = 2·w) only
    /// shifts exponents and w − 2·w = −w is exact, so the test holds bit for bit.
    /// For other L, fl(2/L)·L is 2·(1 ± u) and the factor −1 ± 2u drifts
    /// by about 2u per step, neither diverging nor converging in any test-sized
    /// run: the boundary is only exact where η is.
    #[test]
    fn gd_at_two_over_l_oscillates_with_period_two_along_the_steepest_direction(
        (start, shares, steepest_j) in dimension().prop_flat_map(|n| {
            (vec(signed(log_uniform(-3.0, 3.0)), n), vec(1e-3..=0.999f64, n), 0..n)
        }),
        k in -8..=8i32,
    ) {
        let l = 2f64.powi(k);
        let curvatures: Vec<f64> = shares
            .iter()
            .enumerate()
            .map(|(j, s)| if j == steepest_j { l } else { s * l })
            .collect();
        let objective = quadratic(&curvatures);
        let eta = 2.0 / l;
        let mut gd = GradientDescent::new(eta).unwrap();
        let trace = minimize(&objective, &mut gd, &start, Stop::after(40));
        prop_assert_eq!(trace.stop, StopReason::BudgetSpent { steps: 40 });
        let w0 = start[steepest_j];
        let floor = (l / 2.0) * w0 * w0;
        for (t, w) in trace.iterates.iter().enumerate() {
            let expected = if t % 2 == 0 { w0 } else { -w0 };
            prop_assert_eq!(descent_tests::bits(&[w[steepest_j]]), descent_tests::bits(&[expected]), "iterate {}", t);
            prop_assert!(trace.losses[t] >= floor, "the loss fell below (L/2)·w0² at {}", t);
        }
        for pair in trace.iterates.windows(2) {
            assert_each_coordinate_scaled(&pair[0], &pair[1], eta, &objective.curvatures());
        }
    }
}
// ANCHOR_END: gd_oscillates_at_two_over_l

/// Regression (found by `gd_above_two_over_l_diverges_fastest_along_the_steepest_direction`):
/// with λ = (0.0391…, 0.0838…) and η = 1.05·2/L, w₂ needs about 3700 steps to
/// overflow while w₁ shrinks by 0.02 a step into the subnormal numbers, where a
/// relative rounding bound alone fails. The run still diverges along w₂ and w₁
/// still follows its factor within the absolute subnormal allowance.
#[test]
fn gd_divergence_with_a_coordinate_shrinking_into_subnormal_numbers() {
    let curvatures = [0.03912158729079604, 0.0838716671854833];
    let objective = quadratic(&curvatures);
    let eta = 1.05 * 2.0 / curvatures[1];
    let mut gd = GradientDescent::new(eta).unwrap();
    let trace = minimize(&objective, &mut gd, &[1.0, 1.0], Stop::after(100_000));
    assert!(matches!(trace.stop, StopReason::Diverged { .. }), "{:?}", trace.stop);
    assert!(trace.iterates.iter().any(|w| w[0] != 0.0 && !w[0].is_normal()), "no subnormal w1");
    for pair in trace.iterates.windows(2) {
        assert_each_coordinate_scaled(&pair[0], &pair[1], eta, &curvatures);
    }
}

/// The course's example: on the ellipse 0.1·w₁² + 2·w₂² (L = 4), η = 0.5 = 2/L
/// makes w₂ bounce between −2 and 2 for ever while w₁ shrinks by 0.9 a step.
#[test]
fn gd_on_the_ellipse_at_eta_one_half_bounces_between_minus_two_and_two() {
    let mut gd = GradientDescent::new(0.5).unwrap();
    let trace = minimize(&DiagonalQuadratic::ellipse(), &mut gd, &[-5.0, -2.0], Stop::after(6));
    let w2: Vec<f64> = trace.iterates.iter().map(|w| w[1]).collect();
    assert_eq!(w2, [-2.0, 2.0, -2.0, 2.0, -2.0, 2.0, -2.0]);
    // w₁ ← (1 − 0.5·0.2)·w₁ = 0.9·w₁, but 0.1 and 0.9 are not binary fractions:
    // each step rounds three times and `powi` about six times, about 24u ≈ 2.7e-15
    // relative in all; the test allows 4e-15.
    approx::assert_relative_eq!(trace.iterates[6][0], -5.0 * 0.9f64.powi(6), max_relative = 4e-15);
}

/// The learning rate a `GradientDescent` reports is the one it was built with,
/// and its name carries it (the name labels tables and figure legends).
#[test]
fn gd_reports_its_learning_rate_and_name() {
    let gd = GradientDescent::new(0.25).unwrap();
    assert_eq!(gd.learning_rate(), 0.25);
    assert_eq!(gd.name(), "GD η=0.25");
    assert_eq!(gd.effective_learning_rates(), None);
}

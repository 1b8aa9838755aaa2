//! Properties of the matrix methods of the chapter "Beyond the diagonal".
//!
//! - Newton–Schulz (Muon's iteration) maps a matrix M = U·Σ·Vᵀ to U·p⁵(Σ/‖M‖_F)·Vᵀ,
//!   with p(σ) = a·σ + b·σ³ + c·σ⁵: its singular values all lie at or below the
//!   top of the band the coefficients give, and those of M at or above τ·‖M‖_F
//!   (τ = 1.6e-3) land inside the band [0.6818, 1.2024].
//! - Adafactor's factored estimate Rᵢ·Cⱼ/mean(R) equals the full second moment
//!   when every gradient is a multiple of one rank-one matrix u·vᵀ.
//! - Lion moves every coordinate by exactly η (plus decay η·λ·w).
//! - Shampoo on a 1 × 1 block is the course's Adagrad.

use beyond::matrix::{multiply, rotation, symmetric_eigen, transpose};
use beyond::{
    AdafactorConfig, LionConfig, NEWTON_SCHULZ_COEFFICIENTS, NewtonSchulzScratch, Normalization,
    ShampooConfig, newton_schulz, newton_schulz_band, sign,
};
use descent_tests::{UNIT_ROUNDOFF, gradient_sequence, log_uniform, signed};
use gd::Optimizer;
use proptest::prelude::*;

/// p(σ) = a·σ + b·σ³ + c·σ⁵ with the libraries' coefficients, applied `k` times.
fn p_iterated(mut x: f64, k: usize) -> f64 {
    let [a, b, c] = NEWTON_SCHULZ_COEFFICIENTS;
    for _ in 0..k {
        x = a * x + b * x.powi(3) + c * x.powi(5);
    }
    x
}

/// The least normalized singular value σ/‖M‖_F that five iterations carry into
/// the band: p⁵(τ) ≥ the band's bottom for every σ/‖M‖_F in [τ, 1]. Bisection
/// puts the edge at 1.505e-3; [`the_band_holds_every_normalized_value_from_tau_to_one`]
/// checks the whole interval.
const TAU: f64 = 1.6e-3;

#[test]
fn the_band_holds_every_normalized_value_from_tau_to_one() {
    // p⁵ is checked on a grid of 10⁶ points of [τ, 1], finer than any feature of
    // a degree-3125 polynomial that matters here: p⁵'s slope is at most 485 on
    // the interval, so between grid points it moves by less than 5e-4, and the
    // grid's extremes sit 1e-4 and more inside the band's edges.
    let (low, high) = newton_schulz_band(NEWTON_SCHULZ_COEFFICIENTS).expect("two critical points");
    let (mut least, mut most) = (f64::INFINITY, 0.0f64);
    for i in 0..=1_000_000 {
        let x = TAU + (1.0 - TAU) * f64::from(i) / 1e6;
        let y = p_iterated(x, 5);
        least = least.min(y);
        most = most.max(y);
    }
    assert!(least >= low && most <= high, "p⁵ spans [{least}, {most}], the band [{low}, {high}]");
    // And just below τ's edge the bottom is not reached: the band needs the τ.
    assert!(p_iterated(1.4e-3, 5) < low);
}

/// Singular values σ₁ ≥ … of a rows × cols matrix, from the eigenvalues of its
/// smaller Gram matrix (their squares), largest first.
fn singular_values(m: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut t = vec![0.0; rows * cols];
    transpose(m, &mut t, rows, cols);
    let short = rows.min(cols);
    let mut gram = vec![0.0; short * short];
    if rows <= cols {
        multiply(m, &t, &mut gram, rows, cols, rows);
    } else {
        multiply(&t, m, &mut gram, cols, rows, cols);
    }
    let mut vectors = vec![0.0; short * short];
    symmetric_eigen(&mut gram, &mut vectors, short);
    let mut squares: Vec<f64> = (0..short).map(|i| gram[i * short + i].max(0.0)).collect();
    squares.sort_by(|a, b| b.total_cmp(a));
    squares.into_iter().map(f64::sqrt).collect()
}

/// A rows × cols matrix U·diag(σ)·Vᵀ with random rotations U and V, 1 to 4 rows
/// and columns, a scale log-uniform in [1e-3, 1e3] and singular values spread
/// log-uniformly over up to 8 decades below it: condition numbers up to 1e8.
fn matrix_with_singular_values() -> impl Strategy<Value = (usize, usize, Vec<f64>, Vec<f64>)> {
    (1usize..=4, 1usize..=4).prop_flat_map(|(rows, cols)| {
        let pi = std::f64::consts::PI;
        let short = rows.min(cols);
        (
            Just((rows, cols)),
            proptest::collection::vec(-pi..pi, rows * (rows - 1) / 2),
            proptest::collection::vec(-pi..pi, cols * (cols - 1) / 2),
            log_uniform(-3.0, 3.0),
            proptest::collection::vec(-8.0..=0.0f64, short),
        )
            .prop_map(|((rows, cols), left, right, scale, exponents)| {
                let sigma: Vec<f64> = exponents.iter().map(|e| scale * 10f64.powf(*e)).collect();
                let (u, v) = (rotation(rows, &left), rotation(cols, &right));
                let m: Vec<f64> = (0..rows * cols)
                    .map(|k| {
                        let (i, j) = (k / cols, k % cols);
                        (0..sigma.len()).map(|s| u[i * rows + s] * sigma[s] * v[j * cols + s]).sum()
                    })
                    .collect();
                (rows, cols, m, sigma)
            })
    })
}

proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Newton–Schulz maps each singular value σ of M to p⁵(σ/‖M‖_F): all of
    /// them end at or below the band's top 1.2024, and those with σ ≥ τ·‖M‖_F
    /// (τ = 1.6e-3) inside the band [0.6818, 1.2024].**
    ///
    /// Conditions: 1 to 4 rows and columns, singular values up to 8 decades
    /// apart (condition numbers to 1e8), scales 1e-3 to 1e3, ε = 0.
    ///
    /// Proof sketch: with X = U·S·Vᵀ, X·Xᵀ = U·S²·Uᵀ and a·X + (b·A + c·A²)·X =
    /// U·p(S)·Vᵀ: each step maps the singular values through p and keeps the
    /// vectors. The band is invariant under p (see `newton_schulz_band`), and p⁵
    /// carries [τ, 1] into it (the test above).
    ///
    /// Rounding: the squares of the singular values are compared, to 1e-12
    /// absolute: the output's entries are at most 1.2, its Gram matrix's
    /// eigenvalues are found to about 1e-15 absolute, and a normalized σ of M
    /// off by its rounding (about 1e-16) moves p⁵(σ)² by at most 2·1.2·485·1e-16.
    #[test]
    fn newton_schulz_puts_every_singular_value_in_the_band_the_coefficients_give(
        (rows, cols, m, sigma) in matrix_with_singular_values()
    ) {
        let (low, high) = newton_schulz_band(NEWTON_SCHULZ_COEFFICIENTS).expect("a band");
        let mut out = vec![0.0; rows * cols];
        let mut scratch = NewtonSchulzScratch::new(rows, cols);
        newton_schulz(&m, &mut out, NEWTON_SCHULZ_COEFFICIENTS, 5, 0.0, Normalization::ClampedNorm, &mut scratch);
        let norm = sigma.iter().map(|s| s * s).sum::<f64>().sqrt();
        let mut expected: Vec<f64> = sigma.iter().map(|s| p_iterated(s / norm, 5)).collect();
        expected.sort_by(|a, b| b.total_cmp(a));
        let got = singular_values(&out, rows, cols);
        for (k, (&g, &e)) in got.iter().zip(&expected).enumerate() {
            prop_assert!((g * g - e * e).abs() <= 1e-12, "σ{k}: got {g}, p⁵ gives {e}");
            prop_assert!(g * g <= high * high + 1e-12, "σ{k} = {g} above the band's top {high}");
        }
        let mut normalized: Vec<f64> = sigma.iter().map(|s| s / norm).collect();
        normalized.sort_by(|a, b| b.total_cmp(a));
        for (k, (&g, &x)) in got.iter().zip(&normalized).enumerate() {
            if x >= TAU {
                prop_assert!(g * g >= low * low - 1e-12, "σ{k}/‖M‖ = {x} ≥ τ but ends at {g} < {low}");
            }
        }
    }
}

/// A rank-one gradient sequence cₜ·u·vᵀ: u (rows) and v (cols) with entries of
/// magnitude log-uniform in [1e-3, 1e3], 1 to 20 multipliers cₜ in [1e-2, 1e2]
/// with signs, on 2 to 5 rows and columns.
fn rank_one_gradients() -> impl Strategy<Value = (usize, usize, Vec<Vec<f64>>)> {
    (2usize..=5, 2usize..=5).prop_flat_map(|(rows, cols)| {
        (
            proptest::collection::vec(signed(log_uniform(-3.0, 3.0)), rows),
            proptest::collection::vec(signed(log_uniform(-3.0, 3.0)), cols),
            proptest::collection::vec(signed(log_uniform(-2.0, 2.0)), 1..=20),
        )
            .prop_map(move |(u, v, multipliers)| {
                let grads = multipliers
                    .iter()
                    .map(|c| (0..rows * cols).map(|k| c * u[k / cols] * v[k % cols]).collect())
                    .collect();
                (rows, cols, grads)
            })
    })
}

proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Adafactor's factored estimate is the full second moment when every
    /// gradient is a multiple of one rank-one matrix u·vᵀ.**
    ///
    /// Conditions: 2 to 5 rows and columns, up to 20 steps of cₜ·u·vᵀ (entries of
    /// g² from 1e-16 to 1e16), PyTorch's and optax's presets (optax's 1e-30 added
    /// to g² is at most 1e-46 of it).
    ///
    /// Proof sketch: gᵢⱼ² = cₜ²·uᵢ²·vⱼ², so the row means are Rᵢ = uᵢ²·mean(v²)·S
    /// and the column means Cⱼ = mean(u²)·vⱼ²·S with S the decayed sum of cₜ², and
    /// Rᵢ·Cⱼ/mean(R) = uᵢ²·vⱼ²·S: the full average, entry by entry.
    ///
    /// Rounding: each side is a few dozen roundings of positive numbers (means,
    /// decays, a product and a quotient), 1e-12 relative.
    #[test]
    fn adafactor_factored_estimate_is_exact_for_rank_one_gradients(
        (rows, cols, grads) in rank_one_gradients()
    ) {
        for preset in [AdafactorConfig::pytorch(0.01), AdafactorConfig::optax(0.01)] {
            let mut factored = preset.min_dim_size_to_factor(1).build(rows, cols).expect("valid");
            let mut full = preset.min_dim_size_to_factor(usize::MAX).build(rows, cols).expect("valid");
            prop_assert!(factored.is_factored() && !full.is_factored());
            let (mut w1, mut w2) = (vec![1.0; rows * cols], vec![1.0; rows * cols]);
            for g in &grads {
                factored.step(&mut w1, g);
                full.step(&mut w2, g);
                let (estimate, exact) = (factored.second_moment_estimate(), full.second_moment_estimate());
                for (e, x) in estimate.iter().zip(&exact) {
                    prop_assert!((e - x).abs() <= 1e-12 * x, "estimate {e}, full average {x}");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Lion moves every coordinate by exactly η, against the sign of
    /// c = β₁·m + (1 − β₁)·g, plus the decay η·λ·w.**
    ///
    /// Conditions: 1 to 6 weights, up to 20 steps of gradients 0 or of magnitude
    /// 1e-150 to 1e150, η in [1e-3, 10], β₁ and β₂ in [0, 1), λ = 0 or in
    /// [1e-4, 1e-1].
    ///
    /// Proof sketch: sign(c) is ±1 (or 0 when c = 0), so from w = 0 the step is
    /// −η·sign(c) with no rounding at all. From any w the decay adds −η·λ·w: the
    /// step w + (−η·(sign(c) + λ·w)) is then checked against that expression to
    /// the rounding of the sum, one ulp of the larger of w and the result.
    #[test]
    fn lion_moves_every_coordinate_by_exactly_eta_plus_decay(
        grads in descent_tests::dimension().prop_flat_map(gradient_sequence),
        eta in descent_tests::learning_rate(),
        beta1 in 0.0..1.0f64,
        beta2 in 0.0..1.0f64,
        decay in prop_oneof![Just(0.0), log_uniform(-4.0, -1.0)],
        start in -1e3..1e3f64,
    ) {
        let n = grads[0].len();
        let config = LionConfig::new(eta).beta1(beta1).beta2(beta2).weight_decay(decay);
        let mut from_zero = config.build(n).expect("valid");
        let mut from_start = config.build(n).expect("valid");
        let mut m = vec![0.0; n];
        for g in &grads {
            let c: Vec<f64> = (0..n).map(|j| (1.0 - beta1) * g[j] + beta1 * m[j]).collect();
            let mut w = vec![0.0; n];
            from_zero.step(&mut w, g);
            let mut v = vec![start; n];
            from_start.step(&mut v, g);
            for j in 0..n {
                // From 0: exactly η against sign(c), or no move when c = 0.
                prop_assert_eq!(w[j], -eta * sign(c[j]));
                prop_assert!(w[j].abs() == eta || c[j] == 0.0);
                // From `start`: η·sign(c) plus the decay η·λ·start.
                let expected = start - eta * (sign(c[j]) + decay * start);
                let ulp = 2.0 * UNIT_ROUNDOFF * start.abs().max(expected.abs());
                prop_assert!((v[j] - expected).abs() <= ulp, "moved to {}, not {expected}", v[j]);
            }
            m = (0..n).map(|j| (1.0 - beta2) * g[j] + beta2 * m[j]).collect();
        }
    }
}

proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Shampoo on a 1 × 1 block is the course's Adagrad: L = R = ε + Σg², and
    /// L^(−¼)·g·R^(−¼) = g/√(ε + Σg²).**
    ///
    /// Conditions: up to 20 gradients 0 or of magnitude 1e-150 to 1e150, η in
    /// [1e-3, 10], the same ε (1e-10, or any in [1e-12, 1e-4]) for both.
    ///
    /// Rounding: Shampoo's step is two powers x^(−¼) (libm's `pow`, within an
    /// ulp each), two products and η's; Adagrad's a root, a division and η's:
    /// steps from 0 (no rounding of w − Δ) agree to 8 roundings.
    #[test]
    fn shampoo_on_one_weight_is_adagrad(
        grads in gradient_sequence(1),
        eta in descent_tests::learning_rate(),
        epsilon in prop_oneof![Just(1e-10), log_uniform(-12.0, -4.0)],
    ) {
        let mut shampoo = ShampooConfig::new(eta).epsilon(epsilon).build(1, 1).expect("valid");
        let mut adagrad = adagrad::AdagradConfig::new(eta).epsilon(epsilon).build(1).expect("valid");
        for g in &grads {
            let (mut a, mut b) = ([0.0], [0.0]);
            shampoo.step(&mut a, g);
            adagrad.step(&mut b, g);
            prop_assert!((a[0] - b[0]).abs() <= 8.0 * UNIT_ROUNDOFF * b[0].abs(), "Shampoo {}, Adagrad {}", a[0], b[0]);
        }
    }
}

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
            prop_assert!((g * g - e * e).abs() <= 1e-12, "σ{k}: got {g:?}, p⁵ gives {e:?}");
            prop_assert!(g * g <= high * high + 1e-12, "σ{k} = {g:?} above the band's top {high:?}");
        }
        let mut normalized: Vec<f64> = sigma.iter().map(|s| s / norm).collect();
        normalized.sort_by(|a, b| b.total_cmp(a));
        for (k, (&g, &x)) in got.iter().zip(&normalized).enumerate() {
            if x >= TAU {
                prop_assert!(g * g >= low * low - 1e-12, "σ{k}/‖M‖ = {x:?} ≥ τ but ends at {g:?} < {low:?}");
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

/// The Newton–Schulz coefficient sets the graded properties run: the libraries'
/// quintic, the classic cubic (3/2, −1/2, 0) and the classic quintic
/// (15/8, −5/4, 3/8), which both converge to 1; three sets, so that a solution
/// must use the coefficients it is given and in their places.
const COEFFICIENT_SETS: [[f64; 3]; 3] =
    [NEWTON_SCHULZ_COEFFICIENTS, [1.5, -0.5, 0.0], [1.875, -1.25, 0.375]];

/// A rows × cols matrix (1 to 4 of each) with entries uniform in [−s, s], s
/// log-uniform in [1e-3, 1e3].
fn any_matrix() -> impl Strategy<Value = (usize, usize, Vec<f64>)> {
    (1usize..=4, 1usize..=4).prop_flat_map(|(rows, cols)| {
        (
            Just((rows, cols)),
            log_uniform(-3.0, 3.0),
            proptest::collection::vec(-1.0..=1.0f64, rows * cols),
        )
            .prop_map(|((rows, cols), scale, entries)| {
                (rows, cols, entries.iter().map(|e| scale * e).collect())
            })
    })
}

/// NS_k(M) with ε = 0 (the norm itself) on a fresh scratch.
fn ns(m: &[f64], rows: usize, cols: usize, coefficients: [f64; 3], steps: usize) -> Vec<f64> {
    let mut out = vec![0.0; rows * cols];
    let mut scratch = NewtonSchulzScratch::new(rows, cols);
    newton_schulz(m, &mut out, coefficients, steps, 0.0, Normalization::ClampedNorm, &mut scratch);
    out
}

proptest! {
    #![proptest_config(descent_tests::config())]
    /// **NS_k(M) is X₀ = M/‖M‖_F followed by k rounds of
    /// X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ**, computed here as written, on M as
    /// it is (the solution may turn a tall M to its wide transpose first: the
    /// same matrix, since (X·Xᵀ)·X = X·(Xᵀ·X)).
    ///
    /// Conditions: 1 to 4 rows and columns, entries up to 1e3 (and down to
    /// 1e-3), 0 to 6 rounds, three sets of coefficients, ε = 0.
    ///
    /// Rounding: the entries of X stay at most about 1.2; one round makes a few
    /// dozen roundings of O(1) numbers and multiplies an error already in X by at
    /// most max|p′| ≈ 4 on [0, 1.2]. Six rounds: about 4⁶·50·1.1e-16 ≈ 2e-11.
    /// The comparison is to 1e-10 absolute; a wrong coefficient, product or
    /// normalization moves an entry by 1e-3 or more.
    #[test]
    fn newton_schulz_is_k_rounds_of_a_x_plus_b_a_plus_c_a_squared_x_on_the_normalized_matrix(
        (rows, cols, m) in any_matrix(),
        set in 0usize..3,
        steps in 0usize..=6,
    ) {
        let [a, b, c] = COEFFICIENT_SETS[set];
        let norm = m.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut x: Vec<f64> = m.iter().map(|v| v / norm).collect();
        let mut xt = vec![0.0; rows * cols];
        let (mut gram, mut gram2) = (vec![0.0; rows * rows], vec![0.0; rows * rows]);
        let (mut ax, mut a2x) = (vec![0.0; rows * cols], vec![0.0; rows * cols]);
        for _ in 0..steps {
            transpose(&x, &mut xt, rows, cols);
            multiply(&x, &xt, &mut gram, rows, cols, rows);
            multiply(&gram, &gram, &mut gram2, rows, rows, rows);
            multiply(&gram, &x, &mut ax, rows, rows, cols);
            multiply(&gram2, &x, &mut a2x, rows, rows, cols);
            for k in 0..rows * cols {
                x[k] = a * x[k] + b * ax[k] + c * a2x[k];
            }
        }
        let got = ns(&m, rows, cols, [a, b, c], steps);
        for (k, (&g, &e)) in got.iter().zip(&x).enumerate() {
            prop_assert!((g - e).abs() <= 1e-10, "entry {k} after {steps} rounds: got {g:?}, expected {e:?}");
        }
    }

    /// **NS(Mᵀ) = NS(M)ᵀ**: the iteration does not care which side is the
    /// output, so a tall matrix's result is the transpose of its wide
    /// transpose's.
    ///
    /// Conditions: as above, five rounds of the libraries' coefficients.
    ///
    /// Rounding: the two sides compute the same products in other orders; to
    /// the bound above, 1e-10 absolute.
    #[test]
    fn newton_schulz_of_the_transpose_is_the_transpose_of_newton_schulz(
        (rows, cols, m) in any_matrix(),
    ) {
        let mut mt = vec![0.0; rows * cols];
        transpose(&m, &mut mt, rows, cols);
        let of_m = ns(&m, rows, cols, NEWTON_SCHULZ_COEFFICIENTS, 5);
        let of_mt = ns(&mt, cols, rows, NEWTON_SCHULZ_COEFFICIENTS, 5);
        let mut turned = vec![0.0; rows * cols];
        transpose(&of_mt, &mut turned, cols, rows);
        for (k, (&g, &e)) in turned.iter().zip(&of_m).enumerate() {
            prop_assert!((g - e).abs() <= 1e-10, "entry {k}: NS(Mᵀ)ᵀ = {g:?}, NS(M) = {e:?}");
        }
    }

    /// **A matrix with orthonormal rows (or columns) stays orthogonal: NS₅(s·Q)
    /// = p⁵(1/√r)·Q, with r the number of its singular values, all 1, and
    /// p⁵(1/√r) inside the band [0.6818, 1.2024].**
    ///
    /// Conditions: Q the first r rows of a random rotation of ℝⁿ (n ≤ 4), or
    /// their transpose, times s log-uniform in [1e-3, 1e3].
    ///
    /// Proof sketch: Q·Qᵀ = I, so ‖s·Q‖_F = s·√r, X₀ = Q/√r, and every round maps
    /// x·Q to p(x)·Q.
    ///
    /// Rounding: as in the first property, 1e-10 absolute.
    #[test]
    fn newton_schulz_keeps_a_matrix_with_orthonormal_rows_orthogonal_scaled_into_the_band(
        (n, angles) in (1usize..=4).prop_flat_map(|n| {
            (Just(n), proptest::collection::vec(-std::f64::consts::PI..std::f64::consts::PI, n * (n - 1) / 2))
        }),
        r_choice in 0usize..4,
        tall in any::<bool>(),
        scale in log_uniform(-3.0, 3.0),
    ) {
        let r = 1 + r_choice % n;
        let q = rotation(n, &angles);
        let wide: Vec<f64> = q[..r * n].to_vec();
        let (rows, cols, m) = if tall {
            let mut t = vec![0.0; r * n];
            transpose(&wide, &mut t, r, n);
            (n, r, t)
        } else {
            (r, n, wide)
        };
        let scaled: Vec<f64> = m.iter().map(|v| scale * v).collect();
        let factor = p_iterated(1.0 / (r as f64).sqrt(), 5);
        let (low, high) = newton_schulz_band(NEWTON_SCHULZ_COEFFICIENTS).expect("a band");
        prop_assert!(low <= factor && factor <= high);
        let got = ns(&scaled, rows, cols, NEWTON_SCHULZ_COEFFICIENTS, 5);
        for (k, (&g, &q)) in got.iter().zip(&m).enumerate() {
            prop_assert!((g - factor * q).abs() <= 1e-10, "entry {k}: got {g:?}, p⁵(1/√{r})·q = {:?}", factor * q);
        }
    }
}

#[test]
fn newton_schulz_divides_by_the_clamped_norm_or_the_norm_plus_epsilon() {
    // With no rounds, NS₀(M) is the normalized M: M/max(‖M‖_F, ε) (PyTorch) or
    // M/(‖M‖_F + ε) (optax). ‖(3, 4)·s‖ = 5·s. A few roundings each: 4 ulps.
    use Normalization::{ClampedNorm, NormPlusEpsilon};
    let check = |m: [f64; 2], epsilon: f64, normalization, expected: [f64; 2]| {
        let mut out = [f64::NAN; 2];
        let mut scratch = NewtonSchulzScratch::new(1, 2);
        let coefficients = NEWTON_SCHULZ_COEFFICIENTS;
        newton_schulz(&m, &mut out, coefficients, 0, epsilon, normalization, &mut scratch);
        for (g, e) in out.iter().zip(expected) {
            let close = (g - e).abs() <= 4.0 * f64::EPSILON * e.abs();
            assert!(
                close,
                "{m:?}, ε = {epsilon}, {normalization:?}: got {out:?}, not {expected:?}"
            );
        }
    };
    check([3.0, 4.0], 0.0, ClampedNorm, [0.6, 0.8]);
    check([3.0, 4.0], 1e-7, ClampedNorm, [0.6, 0.8]);
    check([0.3, 0.4], 1e-7, ClampedNorm, [0.6, 0.8]);
    check([3e-9, 4e-9], 1e-7, ClampedNorm, [0.03, 0.04]);
    check([3e-9, 4e-9], 1e-8, NormPlusEpsilon, [3e-9 / 1.5e-8, 4e-9 / 1.5e-8]);
    check([3.0, 4.0], 1e-8, NormPlusEpsilon, [3.0 / (5.0 + 1e-8), 4.0 / (5.0 + 1e-8)]);
    check([0.3, 0.4], 0.5, NormPlusEpsilon, [0.3, 0.4]);
}

#[test]
fn newton_schulz_of_a_zero_matrix_is_zero_for_every_epsilon_and_normalization() {
    // With ε = 0 the norm is 0 and nothing may divide by it: 0/0 would be NaN.
    for (rows, cols) in [(1, 1), (2, 3), (3, 2)] {
        for normalization in [Normalization::ClampedNorm, Normalization::NormPlusEpsilon] {
            for epsilon in [0.0, 1e-8, 1e-7] {
                let mut out = vec![1.0; rows * cols];
                let mut scratch = NewtonSchulzScratch::new(rows, cols);
                let (m, coefficients) = (vec![0.0; rows * cols], NEWTON_SCHULZ_COEFFICIENTS);
                newton_schulz(&m, &mut out, coefficients, 5, epsilon, normalization, &mut scratch);
                let zero = out.iter().all(|&v| v == 0.0);
                assert!(zero, "{rows} × {cols}, ε = {epsilon}, {normalization:?}: {out:?}");
            }
        }
    }
}

#[test]
#[should_panic(expected = "the matrix has 5 elements but rows × cols has 6")]
fn newton_schulz_refuses_a_matrix_of_another_shape_naming_both_lengths() {
    let mut scratch = NewtonSchulzScratch::new(2, 3);
    let coefficients = NEWTON_SCHULZ_COEFFICIENTS;
    let (m, mut out) = ([1.0; 5], [0.0; 6]);
    newton_schulz(&m, &mut out, coefficients, 5, 0.0, Normalization::ClampedNorm, &mut scratch);
}

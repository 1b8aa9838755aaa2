//! Muon: momentum, orthogonalized by a Newton–Schulz iteration.
//!
//! For a weight matrix W with momentum M = U·Σ·Vᵀ (its singular value
//! decomposition), Muon steps along U·Vᵀ: every singular value of the step set to
//! 1, so that no direction of the layer, however rarely its gradient is large,
//! gets a step smaller than the others. It is what full-matrix preconditioning by
//! (M·Mᵀ)^(−½) would do to M itself, and it needs no SVD: the odd polynomial
//!
//! > X ← a·X + (b·A + c·A²)·X,   A = X·Xᵀ,   (a, b, c) = (3.4445, −4.7750, 2.0315)
//!
//! applied five times to X₀ = M/‖M‖_F maps each singular value σ (in (0, 1] after
//! the normalization) through p(σ) = a·σ + b·σ³ + c·σ⁵ five times and leaves the
//! singular vectors alone. The coefficients make p steep at 0 (slope 3.4445), so
//! small singular values grow fast, at the price of not converging to 1: the
//! values end in a band around 1 ([`newton_schulz_band`]), which works as well.
//!
//! The step, with the momentum an average of the gradients:
//!
//! > m ← β·m + (1 − β)·g,   u = β·m + (1 − β)·g (Nesterov) or m
//! >
//! > O = NS₅(u),   w ← w − η·(s·O + λ·w)
//!
//! where s scales the step by the matrix's shape. PyTorch and optax differ here:
//!
//! | setting | `torch.optim.Muon(lr)` | `optax.contrib.muon(learning_rate)` |
//! |---|---|---|
//! | momentum β | 0.95 | `beta` = 0.95 |
//! | Nesterov | yes | yes |
//! | bias correction of m | none | m/(1 − βᵗ⁺¹) and g/(1 − βᵗ) in the Nesterov mix |
//! | normalization | X/max(‖X‖_F, 1e-7) | X/(‖X‖_F + 1e-8) |
//! | shape scale s (W is rows × cols) | √max(1, rows/cols) | √max(1, cols/rows) |
//! | weight decay λ | 0.1 | 0 |
//! | arithmetic of the iteration | bfloat16 | the parameters' (float64 here) |
//!
//! The scale is the same rule, √max(1, fan-out/fan-in), under two conventions
//! of which axis is the output: PyTorch's `Linear` stores W as (out, in), optax's
//! matrices multiply as x·W, so (in, out). On one rows × cols array they give
//! different steps unless it is square.
//!
//! Muon is for matrices only: both libraries refuse vectors, and their users step
//! biases with AdamW (see [`crate::Blockwise`]).
//!
//! ## References
//! K. Jordan et al., *Muon: An optimizer for hidden layers in neural networks*
//! (2024), <https://kellerjordan.github.io/posts/muon/>; J. Liu et al., *Muon is
//! Scalable for LLM Training*, arXiv:2502.16982 (2025).

use gd::{HyperParameterError, Optimizer, assert_same_length};

/// The Newton–Schulz coefficients (a, b, c) of Jordan's Muon, PyTorch and optax.
pub const NEWTON_SCHULZ_COEFFICIENTS: [f64; 3] = [3.4445, -4.7750, 2.0315];

/// How the iteration's input is normalized: X/max(‖X‖_F, ε) or X/(‖X‖_F + ε).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalization {
    /// PyTorch: divide by the norm, clamped below at ε.
    ClampedNorm,
    /// optax: divide by the norm plus ε.
    NormPlusEpsilon,
}

/// How the step is scaled by the shape of a rows × cols matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeScale {
    /// PyTorch's default (`adjust_lr_fn="original"`): √max(1, rows/cols).
    RowsOverCols,
    /// optax's default: √max(1, cols/rows).
    ColsOverRows,
    /// PyTorch's `adjust_lr_fn="match_rms_adamw"`: 0.2·√max(rows, cols).
    MatchRmsAdamW,
}

impl ShapeScale {
    /// The factor s for a rows × cols matrix.
    pub fn factor(self, rows: usize, cols: usize) -> f64 {
        let (r, c) = (rows as f64, cols as f64);
        match self {
            Self::RowsOverCols => (r / c).max(1.0).sqrt(),
            Self::ColsOverRows => (c / r).max(1.0).sqrt(),
            Self::MatchRmsAdamW => 0.2 * r.max(c).sqrt(),
        }
    }
}

/// The band that the iteration's polynomial p(σ) = a·σ + b·σ³ + c·σ⁵ keeps
/// singular values in, for the course's coefficients: `[p(x₂), p(x₁)]`, where
/// x₁ < x₂ are the critical points of p (its local maximum and minimum), roots of
/// p′(x) = a + 3b·x² + 5c·x⁴.
///
/// The band is invariant: p maps [0, p(x₁)] into [0, p(x₁)] (p is positive for
/// x > 0, rises to p(x₁) at x₁, and on [x₁, p(x₁)] stays below it), and maps
/// [p(x₂), p(x₁)] into itself. A singular value that has entered the band stays
/// in it; one that starts small is multiplied by about a = 3.4445 per iteration
/// until it enters. Returns `None` if p has no two positive critical points.
pub fn newton_schulz_band([a, b, c]: [f64; 3]) -> Option<(f64, f64)> {
    // p′ = 0 is quadratic in u = x²: 5c·u² + 3b·u + a = 0.
    let discriminant = 9.0 * b * b - 20.0 * a * c;
    if discriminant <= 0.0 || c == 0.0 {
        return None;
    }
    let root = discriminant.sqrt();
    let (u1, u2) = ((-3.0 * b - root) / (10.0 * c), (-3.0 * b + root) / (10.0 * c));
    if u1 <= 0.0 || u2 <= 0.0 {
        return None;
    }
    let p = |x: f64| a * x + b * x.powi(3) + c * x.powi(5);
    let (x1, x2) = (u1.min(u2).sqrt(), u1.max(u2).sqrt());
    Some((p(x2), p(x1)))
}

/// Buffers for [`newton_schulz`] on rows × cols matrices, allocated once.
#[derive(Debug, Clone, PartialEq)]
pub struct NewtonSchulzScratch {
    rows: usize,
    cols: usize,
    x: Vec<f64>,
    x_transposed: Vec<f64>,
    gram: Vec<f64>,
    gram_squared: Vec<f64>,
    poly: Vec<f64>,
    next: Vec<f64>,
}

impl NewtonSchulzScratch {
    /// Buffers for rows × cols matrices.
    pub fn new(rows: usize, cols: usize) -> Self {
        let (short, long) = (rows.min(cols), rows.max(cols));
        Self {
            rows,
            cols,
            x: vec![0.0; rows * cols],
            x_transposed: vec![0.0; rows * cols],
            gram: vec![0.0; short * short],
            gram_squared: vec![0.0; short * short],
            poly: vec![0.0; short * short],
            next: vec![0.0; short * long],
        }
    }
}

/// Writes NS_k(M) into `out`: M (rows × cols, row-major) normalized by its
/// Frobenius norm, then `steps` times X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ,
/// on the wide orientation (Mᵀ when rows > cols, so that A is the smaller Gram
/// matrix, then turned back), as PyTorch and optax do.
///
/// # Panics
/// If `m` or `out` does not hold the scratch's rows × cols entries.
// ANCHOR: newton_schulz
pub fn newton_schulz(
    m: &[f64],
    out: &mut [f64],
    coefficients: [f64; 3],
    steps: usize,
    epsilon: f64,
    normalization: Normalization,
    scratch: &mut NewtonSchulzScratch,
) {
    let (rows, cols) = (scratch.rows, scratch.cols);
    assert_same_length("the matrix", m.len(), "rows × cols", rows * cols);
    assert_same_length("the output", out.len(), "rows × cols", rows * cols);
    // ANCHOR: solution_newton_schulz
    let [a, b, c] = coefficients;
    // X is short × long: the matrix, or its transpose when it is tall.
    let tall = rows > cols;
    let (short, long) = if tall { (cols, rows) } else { (rows, cols) };
    if tall {
        crate::matrix::transpose(m, &mut scratch.x, rows, cols);
    } else {
        scratch.x.copy_from_slice(m);
    }
    let norm = crate::matrix::frobenius_norm(&scratch.x);
    let divisor = match normalization {
        Normalization::ClampedNorm => norm.max(epsilon),
        Normalization::NormPlusEpsilon => norm + epsilon,
    };
    // A zero matrix with ε = 0 stays zero: a zero step, never 0/0.
    if divisor > 0.0 {
        for x in &mut scratch.x {
            *x /= divisor;
        }
    }
    for _ in 0..steps {
        // A = X·Xᵀ, as a product with Xᵀ written out: each aᵢⱼ is the same sum
        // xᵢ₀xⱼ₀ + xᵢ₁xⱼ₁ + … as a dot product of two rows, but `multiply`
        // runs many of them side by side, where a dot product waits for each
        // addition before the next (about 5 times faster on the network's layer).
        crate::matrix::transpose(&scratch.x, &mut scratch.x_transposed, short, long);
        crate::matrix::multiply(
            &scratch.x,
            &scratch.x_transposed,
            &mut scratch.gram,
            short,
            long,
            short,
        );
        // B = b·A + c·A·A
        crate::matrix::multiply(
            &scratch.gram,
            &scratch.gram,
            &mut scratch.gram_squared,
            short,
            short,
            short,
        );
        for ((p, &g), &g2) in scratch.poly.iter_mut().zip(&scratch.gram).zip(&scratch.gram_squared)
        {
            *p = b * g + c * g2;
        }
        // X ← a·X + B·X
        crate::matrix::multiply(&scratch.poly, &scratch.x, &mut scratch.next, short, short, long);
        for (x, &bx) in scratch.x.iter_mut().zip(&scratch.next) {
            *x = a * *x + bx;
        }
    }
    if tall {
        crate::matrix::transpose(&scratch.x, out, cols, rows);
    } else {
        out.copy_from_slice(&scratch.x);
    }
    // ANCHOR_END: solution_newton_schulz
}
// ANCHOR_END: newton_schulz

/// The settings of a Muon optimizer, validated by [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MuonConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// β, the momentum's decay, in [0, 1).
    pub momentum: f64,
    /// Whether the iteration gets the Nesterov mix β·m + (1 − β)·g or m.
    pub nesterov: bool,
    /// Whether m and g are divided by 1 − βᵗ⁺¹ and 1 − βᵗ in the mix (optax).
    pub bias_correction: bool,
    /// (a, b, c) of the iteration, each finite.
    pub coefficients: [f64; 3],
    /// The number of iterations, at least 1.
    pub steps: usize,
    /// ε of the normalization, finite and ≥ 0.
    pub epsilon: f64,
    /// Where ε goes.
    pub normalization: Normalization,
    /// How the step is scaled by the matrix's shape.
    pub shape_scale: ShapeScale,
    /// λ, the decoupled weight decay (times η), finite and ≥ 0.
    pub weight_decay: f64,
}

impl MuonConfig {
    // ANCHOR: muon_presets
    /// `torch.optim.Muon(params, lr)`: β = 0.95 with Nesterov, no bias
    /// correction, ε = 1e-7 clamping the norm, s = √max(1, rows/cols), λ = 0.1.
    /// (PyTorch runs the iteration in bfloat16; this runs it in f64.)
    pub fn pytorch(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            momentum: 0.95,
            nesterov: true,
            bias_correction: false,
            coefficients: NEWTON_SCHULZ_COEFFICIENTS,
            steps: 5,
            epsilon: 1e-7,
            normalization: Normalization::ClampedNorm,
            shape_scale: ShapeScale::RowsOverCols,
            weight_decay: 0.1,
        }
    }

    /// `optax.contrib.muon(learning_rate)`: β = 0.95 with Nesterov and bias
    /// correction, ε = 1e-8 added to the norm, s = √max(1, cols/rows), λ = 0.
    pub fn optax(learning_rate: f64) -> Self {
        Self {
            bias_correction: true,
            epsilon: 1e-8,
            normalization: Normalization::NormPlusEpsilon,
            shape_scale: ShapeScale::ColsOverRows,
            weight_decay: 0.0,
            ..Self::pytorch(learning_rate)
        }
    }
    // ANCHOR_END: muon_presets

    /// The same settings with another β.
    pub fn momentum(self, momentum: f64) -> Self {
        Self { momentum, ..self }
    }

    /// The same settings with or without Nesterov's mix.
    pub fn nesterov(self, nesterov: bool) -> Self {
        Self { nesterov, ..self }
    }

    /// The same settings with another λ.
    pub fn weight_decay(self, weight_decay: f64) -> Self {
        Self { weight_decay, ..self }
    }

    /// The same settings with another number of iterations.
    pub fn steps(self, steps: usize) -> Self {
        Self { steps, ..self }
    }

    /// The same settings with another shape scale.
    pub fn shape_scale(self, shape_scale: ShapeScale) -> Self {
        Self { shape_scale, ..self }
    }

    /// An optimizer for one rows × cols matrix, m starting at 0.
    ///
    /// # Errors
    /// If η is not finite and > 0, β is not in [0, 1), ε or λ is not finite and
    /// ≥ 0, a coefficient is not finite, or the number of iterations is 0.
    pub fn build(self, rows: usize, cols: usize) -> Result<Muon, HyperParameterError> {
        HyperParameterError::check_learning_rate(self.learning_rate)?;
        HyperParameterError::check_decay("momentum", self.momentum)?;
        HyperParameterError::check_non_negative("epsilon", self.epsilon)?;
        HyperParameterError::check_non_negative("weight decay", self.weight_decay)?;
        for c in self.coefficients {
            HyperParameterError::check("Newton-Schulz coefficient", "finite", c, f64::is_finite)?;
        }
        HyperParameterError::check("Newton-Schulz steps", "at least 1", self.steps as f64, |s| {
            s >= 1.0
        })?;
        Ok(Muon {
            config: self,
            rows,
            cols,
            count: 0,
            momentum: vec![0.0; rows * cols],
            mixed: vec![0.0; rows * cols],
            orthogonal: vec![0.0; rows * cols],
            scratch: NewtonSchulzScratch::new(rows, cols),
        })
    }
}

/// Muon on one rows × cols matrix (row-major): momentum, Newton–Schulz, step.
#[derive(Debug, Clone, PartialEq)]
pub struct Muon {
    config: MuonConfig,
    rows: usize,
    cols: usize,
    count: u64,
    momentum: Vec<f64>,
    mixed: Vec<f64>,
    orthogonal: Vec<f64>,
    scratch: NewtonSchulzScratch,
}

impl Muon {
    /// Its settings.
    pub fn config(&self) -> MuonConfig {
        self.config
    }

    /// The momentum m, rows × cols.
    pub fn momentum(&self) -> &[f64] {
        &self.momentum
    }

    /// The numbers of state it keeps: the momentum, one per weight.
    pub fn state_len(&self) -> usize {
        self.momentum.len()
    }

    /// The orthogonalized direction O of the last step.
    pub fn last_direction(&self) -> &[f64] {
        &self.orthogonal
    }
}

impl Optimizer for Muon {
    fn name(&self) -> String {
        format!("Muon η={}", self.config.learning_rate)
    }

    // ANCHOR: muon_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "rows × cols", self.rows * self.cols);
        let c = self.config;
        let beta = c.momentum;
        self.count += 1;
        let t = self.count as f64;
        // 1 − βᵗ and 1 − βᵗ⁺¹, or 1 without bias correction.
        let (correct_g, correct_m) = if c.bias_correction {
            (1.0 - beta.powf(t), 1.0 - beta.powf(t + 1.0))
        } else {
            (1.0, 1.0)
        };
        for ((m, u), &g) in self.momentum.iter_mut().zip(&mut self.mixed).zip(grads) {
            *m = (1.0 - beta) * g + beta * *m;
            *u = if c.nesterov {
                beta * (*m / correct_m) + (1.0 - beta) * (g / correct_g)
            } else {
                *m / correct_g
            };
        }
        newton_schulz(
            &self.mixed,
            &mut self.orthogonal,
            c.coefficients,
            c.steps,
            c.epsilon,
            c.normalization,
            &mut self.scratch,
        );
        let scale = c.shape_scale.factor(self.rows, self.cols);
        for (w, &o) in params.iter_mut().zip(&self.orthogonal) {
            *w += -c.learning_rate * (scale * o + c.weight_decay * *w);
        }
    }
    // ANCHOR_END: muon_step
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;

    use super::*;

    #[test]
    fn the_band_of_the_course_coefficients_is_about_0_68_to_1_20() {
        // p′(x) = 3.4445 − 14.325·x² + 10.1575·x⁴ vanishes at x² = 0.3075… and
        // 1.1028…; p there is 1.2023… and 0.6818…
        let (low, high) = newton_schulz_band(NEWTON_SCHULZ_COEFFICIENTS).unwrap();
        assert_relative_eq!(low, 0.6818, max_relative = 1e-3);
        assert_relative_eq!(high, 1.2023, max_relative = 1e-3);
    }

    #[test]
    fn a_diagonal_matrix_has_its_singular_values_mapped_by_the_polynomial() {
        // M = diag(3, 4) as a 2 × 3 matrix: ‖M‖_F = 5, σ/‖M‖ = 0.6 and 0.8, and
        // NS maps each through p five times (the matrices stay diagonal).
        let m = [3.0, 0.0, 0.0, 0.0, 4.0, 0.0];
        let mut out = [0.0; 6];
        let mut scratch = NewtonSchulzScratch::new(2, 3);
        let [a, b, c] = NEWTON_SCHULZ_COEFFICIENTS;
        newton_schulz(&m, &mut out, [a, b, c], 5, 0.0, Normalization::ClampedNorm, &mut scratch);
        let p5 = |mut x: f64| {
            for _ in 0..5 {
                x = a * x + b * x.powi(3) + c * x.powi(5);
            }
            x
        };
        // Five rounds of a degree-5 polynomial on O(1) numbers: 1e-13 is ample.
        assert_relative_eq!(out[0], p5(0.6), max_relative = 1e-13);
        assert_relative_eq!(out[4], p5(0.8), max_relative = 1e-13);
        assert_eq!([out[1], out[2], out[3], out[5]], [0.0; 4]);
    }

    #[test]
    fn a_zero_matrix_with_zero_epsilon_gives_a_zero_direction() {
        let mut out = [1.0; 4];
        let mut scratch = NewtonSchulzScratch::new(2, 2);
        let coefficients = NEWTON_SCHULZ_COEFFICIENTS;
        newton_schulz(
            &[0.0; 4],
            &mut out,
            coefficients,
            5,
            0.0,
            Normalization::ClampedNorm,
            &mut scratch,
        );
        assert_eq!(out, [0.0; 4]);
    }

    #[test]
    fn the_shape_scales_of_pytorch_and_optax_swap_rows_and_columns() {
        assert_eq!(ShapeScale::RowsOverCols.factor(8, 2), 2.0);
        assert_eq!(ShapeScale::ColsOverRows.factor(8, 2), 1.0);
        assert_eq!(ShapeScale::ColsOverRows.factor(2, 8), 2.0);
        assert_relative_eq!(ShapeScale::MatchRmsAdamW.factor(4, 9), 0.6, max_relative = 1e-15);
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (MuonConfig::pytorch(-0.1), "learning rate must be finite and > 0, got -0.1"),
            (MuonConfig::optax(0.1).momentum(1.0), "momentum must be in [0, 1), got 1"),
            (
                MuonConfig::optax(0.1).weight_decay(f64::INFINITY),
                "weight decay must be finite and >= 0, got inf",
            ),
            (MuonConfig::optax(0.1).steps(0), "Newton-Schulz steps must be at least 1, got 0"),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2, 3).unwrap_err().to_string(), message);
        }
    }

    #[test]
    #[should_panic(expected = "params has 5 elements but rows × cols has 6")]
    fn params_of_another_shape_panic_with_both_lengths() {
        MuonConfig::optax(0.1).build(2, 3).unwrap().step(&mut [0.0; 5], &[0.0; 5]);
    }
}

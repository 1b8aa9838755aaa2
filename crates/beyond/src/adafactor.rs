//! Adafactor: the second moment of a matrix, kept as its row and column means.
//!
//! RMSprop and Adam keep one running average of g² per weight. For a rows × cols
//! matrix Adafactor keeps only the average of each row, Rᵢ, and of each column,
//! Cⱼ, and estimates the rest:
//!
//! > Rᵢ ← β₂ₜ·Rᵢ + (1 − β₂ₜ)·meanⱼ(gᵢⱼ²),   Cⱼ ← β₂ₜ·Cⱼ + (1 − β₂ₜ)·meanᵢ(gᵢⱼ²)
//! >
//! > V̂ᵢⱼ = Rᵢ·Cⱼ / meanᵢ(Rᵢ)
//!
//! rows + cols numbers in place of rows·cols: less memory than any diagonal
//! method, the opposite trade to full-matrix Adagrad's. The estimate is exact
//! when g² is an outer product (a rank-one gradient g = u·vᵀ), and the best
//! rank-one fit in the sense of the paper's I-divergence otherwise.
//!
//! The rest of the step, as both libraries have it:
//!
//! > u = g/√V̂,   u ← u / max(1, RMS(u)/d)               (update clipping, d = 1)
//! >
//! > w ← w − ρₜ·max(ε₂, RMS(w))·u                         (relative step)
//!
//! with the decay β₂ₜ = 1 − t^(−0.8) (so the first step takes g² whole) and ε₂ =
//! 1e-3. A vector, or a matrix too small to factor, keeps a full average
//! V ← β₂ₜ·V + (1 − β₂ₜ)·g² instead.
//!
//! | setting | `torch.optim.Adafactor(lr)` | `optax.adafactor(learning_rate)` |
//! |---|---|---|
//! | ρₜ | min(lr, 1/√t), lr = 0.01 by default | `learning_rate` (constant) |
//! | ε₁ | V̂ clamped below at ε₁², ε₁ = 2⁻⁵² (the dtype's), mean(R) at ε₁ | 1e-30 added to g² |
//! | β₂ₜ | 1 − t^(−0.8), in float64 | 1 − t^(−0.8), computed in **float32** |
//! | factored | every matrix | only if its two largest sides are ≥ `min_dim_size_to_factor` = 128 |
//!
//! With lr ≤ 1/√t (t ≤ 10⁴ at lr = 0.01) the two ρₜ agree. optax rounds β₂ₜ to
//! float32 even with x64 on (its count is an int32, turned into a float32):
//! [`AdafactorConfig::optax`] rounds it the same way.
//!
//! ## References
//! N. Shazeer and M. Stern, *Adafactor: Adaptive Learning Rates with Sublinear
//! Memory Cost*, ICML 2018 (arXiv:1804.04235), algorithms 4 and 5.

use gd::{HyperParameterError, Optimizer, assert_same_length};

/// How ε₁ keeps the estimate away from 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Floor {
    /// PyTorch: V̂ clamped below at ε₁² (and mean(R) at ε₁).
    Clamp(f64),
    /// optax: ε₁ added to every g² before it is averaged.
    AddToSquares(f64),
}

/// The decay β₂ₜ = 1 − t^(−`exponent`) of step t = 1, 2, …, in f64 or, as optax
/// computes it, in f32.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecaySchedule {
    /// The exponent c of 1 − t^(−c), in (0, 1] (0.8 in both libraries).
    pub exponent: f64,
    /// Whether β₂ₜ is computed in f32 (optax) rather than f64 (PyTorch).
    pub in_f32: bool,
}

impl DecaySchedule {
    /// (β₂ₜ, 1 − β₂ₜ) for step t ≥ 1. In f32, as optax: β₂ₜ = 1 − t^(−c) and
    /// then 1 − β₂ₜ, each rounded to f32.
    pub fn decay(self, t: u64) -> (f64, f64) {
        if self.in_f32 {
            let beta = 1.0f32 - (t as f32).powf(-(self.exponent as f32));
            (f64::from(beta), f64::from(1.0f32 - beta))
        } else {
            // PyTorch's lerp weight t^(−c) is 1 − β₂ₜ itself.
            let weight = (t as f64).powf(-self.exponent);
            (1.0 - weight, weight)
        }
    }
}

/// The settings of an Adafactor optimizer, validated by [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdafactorConfig {
    /// The learning rate: ρₜ's cap (PyTorch) or ρₜ itself (optax); finite, > 0.
    pub learning_rate: f64,
    /// Whether ρₜ = min(η, 1/√t) (PyTorch's relative step) or η.
    pub relative_step: bool,
    /// The decay schedule of the second moment.
    pub decay: DecaySchedule,
    /// ε₁ and where it goes; finite and ≥ 0.
    pub floor: Floor,
    /// ε₂, the least parameter scale, finite and ≥ 0.
    pub minimum_scale: f64,
    /// d, the clipping threshold on RMS(u), finite and ≥ 1.
    pub clipping_threshold: f64,
    /// A matrix is factored only if its smaller side is at least this.
    pub min_dim_size_to_factor: usize,
}

impl AdafactorConfig {
    // ANCHOR: adafactor_presets
    /// `torch.optim.Adafactor(params, lr)`: ρₜ = min(lr, 1/√t), β₂ₜ = 1 − t^(−0.8)
    /// in f64, V̂ clamped at ε₁² with ε₁ = 2⁻⁵², ε₂ = 1e-3, d = 1, every matrix
    /// factored.
    pub fn pytorch(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            relative_step: true,
            decay: DecaySchedule { exponent: 0.8, in_f32: false },
            floor: Floor::Clamp(f64::EPSILON),
            minimum_scale: 1e-3,
            clipping_threshold: 1.0,
            min_dim_size_to_factor: 1,
        }
    }

    /// `optax.adafactor(learning_rate)`: ρₜ = η, β₂ₜ = 1 − t^(−0.8) in f32, 1e-30
    /// added to g², ε₂ = 1e-3, d = 1, matrices factored only from 128 × 128.
    pub fn optax(learning_rate: f64) -> Self {
        Self {
            relative_step: false,
            decay: DecaySchedule { exponent: 0.8, in_f32: true },
            floor: Floor::AddToSquares(1e-30),
            min_dim_size_to_factor: 128,
            ..Self::pytorch(learning_rate)
        }
    }
    // ANCHOR_END: adafactor_presets

    /// The same settings, factoring every matrix whose smaller side is at least
    /// `size` (optax's `min_dim_size_to_factor`).
    pub fn min_dim_size_to_factor(self, size: usize) -> Self {
        Self { min_dim_size_to_factor: size, ..self }
    }

    /// The same settings with another clipping threshold d.
    pub fn clipping_threshold(self, clipping_threshold: f64) -> Self {
        Self { clipping_threshold, ..self }
    }

    /// The same settings with another decay exponent c of β₂ₜ = 1 − t^(−c).
    pub fn decay_exponent(self, exponent: f64) -> Self {
        Self { decay: DecaySchedule { exponent, ..self.decay }, ..self }
    }

    /// An optimizer for one rows × cols matrix, factored if its smaller side is
    /// at least [`min_dim_size_to_factor`](Self::min_dim_size_to_factor).
    ///
    /// # Errors
    /// If η is not finite and > 0, ε₁ or ε₂ is not finite and ≥ 0, d is not
    /// finite and ≥ 1, or the decay exponent is not in (0, 1].
    pub fn build(self, rows: usize, cols: usize) -> Result<Adafactor, HyperParameterError> {
        HyperParameterError::check_learning_rate(self.learning_rate)?;
        let (Floor::Clamp(e) | Floor::AddToSquares(e)) = self.floor;
        HyperParameterError::check_non_negative("epsilon1", e)?;
        HyperParameterError::check_non_negative("minimum scale", self.minimum_scale)?;
        HyperParameterError::check(
            "clipping threshold",
            "finite and >= 1",
            self.clipping_threshold,
            |d| d.is_finite() && d >= 1.0,
        )?;
        HyperParameterError::check("decay exponent", "in (0, 1]", self.decay.exponent, |c| {
            c > 0.0 && c <= 1.0
        })?;
        let factored = rows.min(cols) >= self.min_dim_size_to_factor.max(1);
        let (second_moment, row_means, col_means) = if factored {
            (Vec::new(), vec![0.0; rows], vec![0.0; cols])
        } else {
            (vec![0.0; rows * cols], Vec::new(), Vec::new())
        };
        Ok(Adafactor {
            config: self,
            factored,
            rows,
            cols,
            count: 0,
            second_moment,
            row_means,
            col_means,
            update: vec![0.0; rows * cols],
        })
    }
}

impl AdafactorConfig {
    /// An optimizer for a vector of n weights (a bias): never factored.
    ///
    /// # Errors
    /// As [`build`](Self::build).
    pub fn build_vector(self, n: usize) -> Result<Adafactor, HyperParameterError> {
        let mut vector = Self { min_dim_size_to_factor: usize::MAX, ..self }.build(1, n)?;
        vector.config = self;
        Ok(vector)
    }
}

/// Adafactor on one rows × cols block (row-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Adafactor {
    config: AdafactorConfig,
    factored: bool,
    rows: usize,
    cols: usize,
    count: u64,
    /// V, rows·cols, for a block that is not factored (else empty).
    second_moment: Vec<f64>,
    /// R and C, for a factored block (else empty).
    row_means: Vec<f64>,
    col_means: Vec<f64>,
    update: Vec<f64>,
}

impl Adafactor {
    /// Whether it keeps row and column means rather than a full V.
    pub fn is_factored(&self) -> bool {
        self.factored
    }

    /// The second-moment estimate V̂ it would divide by now, rows × cols.
    pub fn second_moment_estimate(&self) -> Vec<f64> {
        if !self.is_factored() {
            return self.second_moment.clone();
        }
        let means = (self.mean_of_rows(), self.mean_of_cols());
        let mut v = Vec::with_capacity(self.rows * self.cols);
        for &r in &self.row_means {
            for &c in &self.col_means {
                v.push(self.estimate(r, c, means));
            }
        }
        v
    }

    /// The numbers of state it keeps: rows + cols when factored, else rows·cols.
    pub fn state_len(&self) -> usize {
        self.second_moment.len() + self.row_means.len() + self.col_means.len()
    }
}

impl Adafactor {
    /// V̂ᵢⱼ = Rᵢ·Cⱼ/mean(R) (= Rᵢ·Cⱼ/mean(C): both means are the EMA of the mean
    /// of g²), in each library's order of operations, from the means of the
    /// row and column statistics (`means`: mean(R), mean(C)), which the caller
    /// computes once per step, not once per weight.
    fn estimate(&self, r: f64, c: f64, (mean_r, mean_c): (f64, f64)) -> f64 {
        match self.config.floor {
            // torch: (row_var @ col_var) / mean(row_var).clamp(min = ε₁), then
            // clamped at ε₁².
            Floor::Clamp(e) => (r * c / mean_r.max(e)).max(e * e),
            // optax normalizes the means along the longer side (the rows' on a
            // square matrix).
            Floor::AddToSquares(_) => {
                if self.rows > self.cols {
                    c / mean_c * r
                } else {
                    r / mean_r * c
                }
            }
        }
    }

    fn mean_of_rows(&self) -> f64 {
        self.row_means.iter().sum::<f64>() / self.rows as f64
    }

    fn mean_of_cols(&self) -> f64 {
        self.col_means.iter().sum::<f64>() / self.cols as f64
    }
}

/// The root mean square √(mean(x²)) of a block.
fn rms(x: &[f64]) -> f64 {
    (x.iter().map(|v| v * v).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

impl Optimizer for Adafactor {
    fn name(&self) -> String {
        format!("Adafactor η={}", self.config.learning_rate)
    }

    // ANCHOR: adafactor_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "rows × cols", self.rows * self.cols);
        let c = self.config;
        self.count += 1;
        let (beta2, one_minus_beta2) = c.decay.decay(self.count);
        let added = match c.floor {
            Floor::AddToSquares(e) => e,
            Floor::Clamp(_) => 0.0,
        };
        let square = |g: f64| g * g + added;
        if self.is_factored() {
            let (rows, cols) = (self.rows, self.cols);
            for (i, r) in self.row_means.iter_mut().enumerate() {
                let mean =
                    grads[i * cols..][..cols].iter().map(|&g| square(g)).sum::<f64>() / cols as f64;
                *r = beta2 * *r + one_minus_beta2 * mean;
            }
            for (j, col) in self.col_means.iter_mut().enumerate() {
                let mean =
                    (0..rows).map(|i| square(grads[i * cols + j])).sum::<f64>() / rows as f64;
                *col = beta2 * *col + one_minus_beta2 * mean;
            }
            let (mean_r, mean_c) = (self.mean_of_rows(), self.mean_of_cols());
            for i in 0..rows {
                for j in 0..cols {
                    let (r, col, k) = (self.row_means[i], self.col_means[j], i * cols + j);
                    let u = match c.floor {
                        // torch: rsqrt of the estimate, times g.
                        Floor::Clamp(_) => {
                            grads[k] * (1.0 / self.estimate(r, col, (mean_r, mean_c)).sqrt())
                        }
                        // optax: g·(A/mean A)^(−½)·B^(−½), A the longer side's means.
                        Floor::AddToSquares(_) if rows > cols => {
                            grads[k] * (col / mean_c).powf(-0.5) * r.powf(-0.5)
                        }
                        Floor::AddToSquares(_) => {
                            grads[k] * (r / mean_r).powf(-0.5) * col.powf(-0.5)
                        }
                    };
                    self.update[k] = u;
                }
            }
        } else {
            for ((v, u), &g) in self.second_moment.iter_mut().zip(&mut self.update).zip(grads) {
                *v = beta2 * *v + one_minus_beta2 * square(g);
                *u = match c.floor {
                    Floor::Clamp(e) => g * (1.0 / v.max(e * e).sqrt()),
                    Floor::AddToSquares(_) => g * v.powf(-0.5),
                };
            }
        }
        // Clipping: u / max(1, RMS(u)/d).
        let clip = (rms(&self.update) / c.clipping_threshold).max(1.0);
        // The relative step: ρₜ·max(ε₂, RMS(w)).
        let t = self.count as f64;
        let rho =
            if c.relative_step { c.learning_rate.min(1.0 / t.sqrt()) } else { c.learning_rate };
        let scale = rho * rms(params).max(c.minimum_scale);
        for (w, &u) in params.iter_mut().zip(&self.update) {
            *w -= scale * (u / clip);
        }
    }
    // ANCHOR_END: adafactor_step
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;

    use super::*;

    #[test]
    fn a_factored_block_keeps_rows_plus_cols_numbers() {
        let factored = AdafactorConfig::pytorch(0.01).build(3, 4).unwrap();
        assert!(factored.is_factored());
        assert_eq!(factored.state_len(), 7);
        let small = AdafactorConfig::optax(0.01).build(3, 4).unwrap();
        assert!(!small.is_factored());
        assert_eq!(small.state_len(), 12);
        let vector = AdafactorConfig::pytorch(0.01).build_vector(5).unwrap();
        assert!(!vector.is_factored());
        assert_eq!(vector.state_len(), 5);
    }

    #[test]
    fn the_first_step_divides_by_the_gradient_size_and_scales_by_the_parameters() {
        // One weight: V = g² at t = 1, u = g/|g| = ±1, RMS(u) = 1 (no clip),
        // step = min(0.01, 1)·max(1e-3, |w|) = 0.01·2.
        let mut opt = AdafactorConfig::pytorch(0.01).build_vector(1).unwrap();
        let mut w = [2.0];
        opt.step(&mut w, &[-7.0]);
        assert_relative_eq!(w[0], 2.02, max_relative = 1e-15);
    }

    #[test]
    fn optax_rounds_the_decay_to_float32() {
        // 1 − 3^(−0.8) = 0.58475635346…; optax computes 0.5847563743591309.
        let schedule = DecaySchedule { exponent: 0.8, in_f32: true };
        assert_eq!(schedule.decay(3).0, 0.5847563743591309);
        assert_eq!(schedule.decay(1), (0.0, 1.0));
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let cases = [
            (AdafactorConfig::optax(-1.0), "learning rate must be finite and > 0, got -1"),
            (
                AdafactorConfig::pytorch(0.01).clipping_threshold(0.5),
                "clipping threshold must be finite and >= 1, got 0.5",
            ),
            (
                AdafactorConfig::pytorch(0.01).decay_exponent(1.5),
                "decay exponent must be in (0, 1], got 1.5",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(config.build(2, 2).unwrap_err().to_string(), message);
        }
    }
}

//! Shampoo: full-matrix Adagrad on each side of a weight matrix.
//!
//! Full-matrix Adagrad on a rows × cols matrix W would keep a (rows·cols)²
//! accumulator. Shampoo keeps one for the rows and one for the columns:
//!
//! > L ← L + G·Gᵀ   (rows × rows),   R ← R + Gᵀ·G   (cols × cols)
//! >
//! > W ← W − η·L^(−¼)·G·R^(−¼)
//!
//! with L and R starting at ε·I. The Kronecker product L^½ ⊗ R^½ bounds
//! full-matrix Adagrad's accumulator of the flattened W up to a constant factor
//! (Gupta, Koren and Singer's analysis), so the method keeps much of the full-matrix view at rows² + cols² numbers and
//! two eigen-decompositions of the sides' sizes per step. On a 1 × 1 block it is
//! the course's Adagrad: L = R = ε + Σg², and L^(−¼)·g·R^(−¼) = g/√(ε + Σg²).
//!
//! Defaults: ε = 1e-10 (as the course's Adagrad, so that the 1 × 1 case is it);
//! both roots recomputed every step (the paper's large-scale version does it
//! every few hundred steps). No library preset: neither PyTorch 2.15 nor optax
//! 0.2.8 ships Shampoo.
//!
//! ## References
//! V. Gupta, T. Koren and Y. Singer, *Shampoo: Preconditioned Stochastic Tensor
//! Optimization*, ICML 2018 (arXiv:1802.09568), algorithm 1.

use gd::{HyperParameterError, Optimizer, assert_same_length};

use crate::matrix::{EigenScratch, multiply, symmetric_power};

/// The settings of a Shampoo optimizer, validated by [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShampooConfig {
    /// η, finite and > 0.
    pub learning_rate: f64,
    /// ε, the start of L and R (ε·I), finite and > 0.
    pub epsilon: f64,
}

impl ShampooConfig {
    /// Shampoo with ε = 1e-10.
    pub fn new(learning_rate: f64) -> Self {
        Self { learning_rate, epsilon: 1e-10 }
    }

    /// The same settings with another ε.
    pub fn epsilon(self, epsilon: f64) -> Self {
        Self { epsilon, ..self }
    }

    /// An optimizer for one rows × cols matrix.
    ///
    /// # Errors
    /// If η or ε is not finite and > 0.
    pub fn build(self, rows: usize, cols: usize) -> Result<Shampoo, HyperParameterError> {
        HyperParameterError::check_learning_rate(self.learning_rate)?;
        HyperParameterError::check("epsilon", "finite and > 0", self.epsilon, |e| {
            e.is_finite() && e > 0.0
        })?;
        let identity = |n: usize, scale: f64| -> Vec<f64> {
            (0..n * n).map(|k| if k / n == k % n { scale } else { 0.0 }).collect()
        };
        Ok(Shampoo {
            config: self,
            rows,
            cols,
            left: identity(rows, self.epsilon),
            right: identity(cols, self.epsilon),
            left_root: vec![0.0; rows * rows],
            right_root: vec![0.0; cols * cols],
            product: vec![0.0; rows * cols],
            direction: vec![0.0; rows * cols],
            left_scratch: EigenScratch::new(rows),
            right_scratch: EigenScratch::new(cols),
        })
    }
}

/// Shampoo on one rows × cols matrix (row-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Shampoo {
    config: ShampooConfig,
    rows: usize,
    cols: usize,
    /// L, rows × rows, and R, cols × cols.
    left: Vec<f64>,
    right: Vec<f64>,
    left_root: Vec<f64>,
    right_root: Vec<f64>,
    product: Vec<f64>,
    direction: Vec<f64>,
    left_scratch: EigenScratch,
    right_scratch: EigenScratch,
}

impl Shampoo {
    /// The left factor L, rows × rows.
    pub fn left(&self) -> &[f64] {
        &self.left
    }

    /// The right factor R, cols × cols.
    pub fn right(&self) -> &[f64] {
        &self.right
    }

    /// The numbers of state it keeps: rows² + cols².
    pub fn state_len(&self) -> usize {
        self.left.len() + self.right.len()
    }
}

impl Optimizer for Shampoo {
    fn name(&self) -> String {
        format!("Shampoo η={}", self.config.learning_rate)
    }

    // ANCHOR: shampoo_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "rows × cols", self.rows * self.cols);
        let (m, n) = (self.rows, self.cols);
        // L ← L + G·Gᵀ
        for i in 0..m {
            for j in 0..m {
                let (gi, gj) = (&grads[i * n..][..n], &grads[j * n..][..n]);
                self.left[i * m + j] += gi.iter().zip(gj).map(|(a, b)| a * b).sum::<f64>();
            }
        }
        // R ← R + Gᵀ·G
        for i in 0..n {
            for j in 0..n {
                self.right[i * n + j] +=
                    (0..m).map(|k| grads[k * n + i] * grads[k * n + j]).sum::<f64>();
            }
        }
        symmetric_power(&self.left, -0.25, &mut self.left_root, &mut self.left_scratch);
        symmetric_power(&self.right, -0.25, &mut self.right_root, &mut self.right_scratch);
        // W ← W − η·L^(−¼)·G·R^(−¼)
        multiply(&self.left_root, grads, &mut self.product, m, m, n);
        multiply(&self.product, &self.right_root, &mut self.direction, m, n, n);
        for (w, d) in params.iter_mut().zip(&self.direction) {
            *w -= self.config.learning_rate * d;
        }
    }
    // ANCHOR_END: shampoo_step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_factors_accumulate_g_g_transposed_and_g_transposed_g() {
        // G = [[1, 2, 3]] (1 × 3): L = ε + 14, R = ε·I + Gᵀ·G.
        let mut shampoo = ShampooConfig::new(0.1).epsilon(1.0).build(1, 3).unwrap();
        shampoo.step(&mut [0.0; 3], &[1.0, 2.0, 3.0]);
        assert_eq!(shampoo.left(), [15.0]);
        assert_eq!(shampoo.right(), [2.0, 2.0, 3.0, 2.0, 5.0, 6.0, 3.0, 6.0, 10.0]);
        assert_eq!(shampoo.state_len(), 10);
    }

    #[test]
    fn invalid_settings_are_rejected_with_parameter_value_and_range() {
        let err = ShampooConfig::new(0.1).epsilon(0.0).build(2, 2).unwrap_err();
        assert_eq!(err.to_string(), "epsilon must be finite and > 0, got 0");
        let err = ShampooConfig::new(f64::INFINITY).build(2, 2).unwrap_err();
        assert_eq!(err.to_string(), "learning rate must be finite and > 0, got inf");
    }

    #[test]
    #[should_panic(expected = "params has 4 elements but rows × cols has 6")]
    fn params_of_another_shape_panic_with_both_lengths() {
        ShampooConfig::new(0.1).build(2, 3).unwrap().step(&mut [0.0; 4], &[0.0; 4]);
    }
}

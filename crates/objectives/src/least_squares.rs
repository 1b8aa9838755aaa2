//! Least squares over a feature matrix: fit y ≈ X·w to N samples of d features.
//!
//! > J(w) = (1/2N)·Σᵢ (xᵢ·w − yᵢ)² + ½·λ·|w|²,   ∇J(w) = (1/N)·Σᵢ rᵢ·xᵢ + λ·w,
//!
//! with rᵢ = xᵢ·w − yᵢ the residual. It is [`LinearRegression`](crate::LinearRegression)
//! with any number of features and no built-in intercept (add a column of ones
//! for one). The Hessian H = XᵀX/N + λ·I is constant, so J is a quadratic: its
//! diagonal entries (1/N)·Σᵢ xᵢⱼ² + λ are the curvatures of the single weights,
//! and a feature that is zero in most samples has a small one. That is the problem
//! of *rare features* that Adagrad was invented for: one learning rate small enough
//! for the common features barely moves the rare ones.
//!
//! The minimizer solves the normal equations H·w* = Xᵀy/N, by Cholesky.
//!
//! Rare features make X mostly zeros, so the sums over a row's features run over
//! its non-zero entries only (the rows are also kept in compressed form). For
//! finite w that changes no result: adding 0·wⱼ = ±0 to a sum leaves it as it is.

use crate::finite_sum::{FeatureRows, SampleError, check_batch, check_ridge};
use crate::linalg::SymmetricMatrix;
use crate::{FiniteSum, Objective, check_dimension};

/// Mean squared error (halved) of a linear model y ≈ X·w, plus ½·λ·|w|².
#[derive(Debug, Clone, PartialEq)]
pub struct LeastSquares {
    name: String,
    rows: FeatureRows,
    nonzeros: SparseRows,
    targets: Vec<f64>,
    ridge: f64,
}

/// The non-zero entries of each row, (column, value), one row after another.
#[derive(Debug, Clone, PartialEq)]
struct SparseRows {
    /// Row i's entries are `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    entries: Vec<(usize, f64)>,
}

impl SparseRows {
    fn new(rows: &FeatureRows) -> Self {
        let mut starts = vec![0];
        let mut entries = Vec::new();
        for i in 0..rows.len() {
            entries.extend(rows.row(i).iter().copied().enumerate().filter(|&(_, x)| x != 0.0));
            starts.push(entries.len());
        }
        Self { starts, entries }
    }

    fn row(&self, i: usize) -> &[(usize, f64)] {
        &self.entries[self.starts[i]..self.starts[i + 1]]
    }
}

impl LeastSquares {
    /// Least squares of `rows` (one per sample, d features each) against
    /// `targets`, with ridge coefficient λ = `ridge` ≥ 0.
    ///
    /// # Errors
    /// A [`SampleError`] naming the row (and column, or value) if there are no rows
    /// or no features, the rows differ in length, a feature or target is not
    /// finite, the numbers of rows and targets differ, or λ is not finite and ≥ 0.
    pub fn new(rows: Vec<Vec<f64>>, targets: Vec<f64>, ridge: f64) -> Result<Self, SampleError> {
        let rows = FeatureRows::new(rows)?;
        rows.check_count("targets", targets.len())?;
        if let Some((row, &value)) = targets.iter().enumerate().find(|(_, y)| !y.is_finite()) {
            return Err(SampleError::Target { row, value });
        }
        let ridge = check_ridge(ridge)?;
        let nonzeros = SparseRows::new(&rows);
        Ok(Self { name: "least squares".to_owned(), rows, nonzeros, targets, ridge })
    }

    /// The same objective under another name, for tables and legends.
    pub fn named(self, name: impl Into<String>) -> Self {
        Self { name: name.into(), ..self }
    }

    /// The ridge coefficient λ.
    pub fn ridge(&self) -> f64 {
        self.ridge
    }

    /// The features xᵢ of sample i.
    pub fn row(&self, i: usize) -> &[f64] {
        self.rows.row(i)
    }

    /// The targets yᵢ.
    pub fn targets(&self) -> &[f64] {
        &self.targets
    }

    /// The constant Hessian XᵀX/N + λ·I.
    pub fn hessian(&self) -> SymmetricMatrix {
        let mut hessian = SymmetricMatrix::zeros(self.dimension());
        for i in 0..self.samples() {
            hessian.add_outer_product(1.0, self.row(i).iter().copied());
        }
        hessian.scale(1.0 / self.samples() as f64);
        for j in 0..self.dimension() {
            hessian.add_to_diagonal(j, self.ridge);
        }
        hessian
    }

    /// The residual rᵢ = xᵢ·w − yᵢ, summed over the non-zero xᵢⱼ.
    fn residual(&self, w: &[f64], i: usize) -> f64 {
        self.nonzeros.row(i).iter().map(|&(j, x)| x * w[j]).sum::<f64>() - self.targets[i]
    }

    fn penalty(&self, w: &[f64]) -> f64 {
        0.5 * self.ridge * w.iter().map(|x| x * x).sum::<f64>()
    }

    fn mean_value(&self, w: &[f64], samples: impl ExactSizeIterator<Item = usize>) -> f64 {
        let count = samples.len() as f64;
        let squares: f64 = samples.map(|i| self.residual(w, i).powi(2)).sum();
        squares / (2.0 * count) + self.penalty(w)
    }

    fn mean_gradient_into(
        &self,
        w: &[f64],
        samples: impl ExactSizeIterator<Item = usize>,
        gradient: &mut [f64],
    ) {
        check_dimension("w", w.len(), self.dimension());
        check_dimension("the gradient buffer", gradient.len(), self.dimension());
        let count = samples.len() as f64;
        gradient.fill(0.0);
        for i in samples {
            let r = self.residual(w, i);
            for &(j, x) in self.nonzeros.row(i) {
                gradient[j] += r * x;
            }
        }
        for (g, weight) in gradient.iter_mut().zip(w) {
            *g = self.ridge * weight + *g / count;
        }
    }
}

impl Objective for LeastSquares {
    fn name(&self) -> &str {
        &self.name
    }

    fn dimension(&self) -> usize {
        self.rows.columns()
    }

    fn value(&self, w: &[f64]) -> f64 {
        check_dimension("w", w.len(), self.dimension());
        self.mean_value(w, 0..self.samples())
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        self.mean_gradient_into(w, 0..self.samples(), gradient);
    }

    /// The solution of the normal equations (XᵀX/N + λ·I)·w = Xᵀy/N, or `None` if
    /// XᵀX/N + λ·I is not numerically positive definite (λ = 0 and a feature
    /// that is a combination of others, or zero everywhere).
    fn minimizer(&self) -> Option<Vec<f64>> {
        let mut right = vec![0.0; self.dimension()];
        for i in 0..self.samples() {
            let y = self.targets[i];
            right.iter_mut().zip(self.row(i)).for_each(|(b, x)| *b += x * y);
        }
        let n = self.samples() as f64;
        right.iter_mut().for_each(|b| *b /= n);
        self.hessian().solve(&right)
    }
}

impl FiniteSum for LeastSquares {
    fn samples(&self) -> usize {
        self.rows.len()
    }

    fn batch_value(&self, w: &[f64], batch: &[usize]) -> f64 {
        check_dimension("w", w.len(), self.dimension());
        check_batch(batch, self.samples());
        self.mean_value(w, batch.iter().copied())
    }

    fn batch_gradient(&self, w: &[f64], batch: &[usize], gradient: &mut [f64]) {
        check_batch(batch, self.samples());
        self.mean_gradient_into(w, batch.iter().copied(), gradient);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LinearRegression;
    use crate::finite_difference::assert_matches;

    fn small(ridge: f64) -> LeastSquares {
        let rows = vec![
            vec![1.0, 0.0, 2.0],
            vec![0.5, -1.0, 0.0],
            vec![0.0, 0.0, 1.0],
            vec![2.0, 1.0, -1.0],
        ];
        LeastSquares::new(rows, vec![1.0, -2.0, 0.5, 3.0], ridge).unwrap()
    }

    #[test]
    fn gradients_match_central_differences() {
        for ridge in [0.0, 0.3] {
            for w in [[0.0, 0.0, 0.0], [1.0, -2.0, 0.5], [-3.0, 0.1, 2.0]] {
                assert_matches(&small(ridge), &w);
            }
        }
    }

    #[test]
    fn the_gradient_vanishes_at_the_normal_equations_solution() {
        for ridge in [0.0, 0.3] {
            let problem = small(ridge);
            let w = problem.minimizer().unwrap();
            let mut g = [1.0; 3];
            problem.gradient(&w, &mut g);
            // Means of 4 products of size ≈ 5: a few 1e-16 of rounding each.
            approx::assert_abs_diff_eq!(g.as_slice(), [0.0; 3].as_slice(), epsilon = 1e-14);
        }
    }

    #[test]
    fn with_a_column_of_ones_it_is_the_course_linear_regression() {
        let line = LinearRegression::course_data();
        let (xs, ys): (Vec<f64>, Vec<f64>) = line.points().unzip();
        let problem =
            LeastSquares::new(xs.iter().map(|&x| vec![1.0, x]).collect(), ys, 0.0).unwrap();
        let w = [0.7, 2.2];
        // The same sums in the same order, up to the order of w₁ + w₂·x.
        approx::assert_relative_eq!(problem.value(&w), line.value(&w), max_relative = 1e-14);
        approx::assert_relative_eq!(
            problem.minimizer().unwrap().as_slice(),
            line.minimizer().unwrap().as_slice(),
            max_relative = 1e-12
        );
    }

    #[test]
    fn skipping_the_zeros_changes_no_value_and_no_gradient() {
        // The dense sums, written out, against the sparse ones.
        let problem = small(0.3);
        let w = [0.7, -1.3, 2.1];
        let residuals: Vec<f64> = (0..4)
            .map(|i| {
                problem.row(i).iter().zip(&w).map(|(x, w)| x * w).sum::<f64>()
                    - problem.targets()[i]
            })
            .collect();
        let squares: f64 = residuals.iter().map(|r| r * r).sum();
        let penalty = 0.5 * 0.3 * w.iter().map(|x| x * x).sum::<f64>();
        assert_eq!(problem.value(&w), squares / 8.0 + penalty);
        let mut dense = [0.0; 3];
        for (i, r) in residuals.iter().enumerate() {
            dense.iter_mut().zip(problem.row(i)).for_each(|(g, x)| *g += r * x);
        }
        let expected: Vec<f64> = dense.iter().zip(&w).map(|(g, w)| 0.3 * w + g / 4.0).collect();
        let mut g = [0.0; 3];
        problem.gradient(&w, &mut g);
        assert_eq!(g.as_slice(), expected.as_slice());
    }

    #[test]
    fn a_zero_feature_without_a_ridge_has_no_unique_minimizer() {
        let rows = vec![vec![1.0, 0.0], vec![2.0, 0.0]];
        assert_eq!(LeastSquares::new(rows.clone(), vec![1.0, 2.0], 0.0).unwrap().minimizer(), None);
        assert!(LeastSquares::new(rows, vec![1.0, 2.0], 0.1).unwrap().minimizer().is_some());
    }

    #[test]
    fn a_non_finite_target_is_rejected_naming_its_row() {
        let err = LeastSquares::new(vec![vec![1.0], vec![2.0]], vec![0.0, f64::NAN], 0.0);
        assert_eq!(
            err.unwrap_err().to_string(),
            "the target of row 1 is NaN; targets must be finite"
        );
    }

    #[test]
    fn the_hessian_diagonal_is_the_mean_square_of_each_feature_plus_lambda() {
        let h = small(0.5).hessian();
        // Column 1 is (0, −1, 0, 1): mean square 2/4.
        approx::assert_relative_eq!(h.get(1, 1), 0.5 + 0.5, max_relative = 1e-15);
    }
}

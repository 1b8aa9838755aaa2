//! The general quadratic J(w) = ½·wᵀAw − bᵀw, with gradient ∇J(w) = A·w − b.
//!
//! With A symmetric positive definite the minimizer solves A·w* = b. When A's
//! eigenvectors are not the coordinate axes the valley is *rotated*: a learning rate
//! per coordinate (Adagrad, RMSprop) cannot line up with the valley, which is the
//! limit of the per-weight idea the course points out.

use std::fmt;

use crate::{Objective, check_dimension};

/// J(w) = ½·wᵀAw − bᵀw for a symmetric matrix A.
#[derive(Debug, Clone, PartialEq)]
pub struct Quadratic {
    name: String,
    /// A, row-major, n × n.
    matrix: Vec<f64>,
    offset: Vec<f64>,
    minimizer: Option<Vec<f64>>,
}

/// Why a matrix and vector do not make a [`Quadratic`].
#[derive(Debug, Clone, PartialEq)]
pub enum QuadraticError {
    /// A has `rows` rows, and row `row` has `len` entries instead of `rows`.
    NotSquare {
        /// The number of rows of A.
        rows: usize,
        /// The first row whose length differs.
        row: usize,
        /// Its length.
        len: usize,
    },
    /// b's length differs from A's size.
    OffsetLength {
        /// The size n of A.
        expected: usize,
        /// The length of b.
        actual: usize,
    },
    /// A\[i\]\[j\] ≠ A\[j\]\[i\].
    NotSymmetric {
        /// Row index.
        i: usize,
        /// Column index.
        j: usize,
    },
    /// An entry of A or b is NaN or infinite.
    NotFinite,
}

impl fmt::Display for QuadraticError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSquare { rows, row, len } => {
                write!(f, "A must be square: it has {rows} rows but row {row} has {len} entries")
            }
            Self::OffsetLength { expected, actual } => {
                write!(f, "b must have {expected} entries (the size of A), got {actual}")
            }
            Self::NotSymmetric { i, j } => {
                write!(f, "A must be symmetric: A[{i}][{j}] differs from A[{j}][{i}]")
            }
            Self::NotFinite => write!(f, "A and b must hold finite numbers only"),
        }
    }
}

impl std::error::Error for QuadraticError {}

impl Quadratic {
    /// A quadratic from the rows of a symmetric matrix A and the vector b.
    ///
    /// # Errors
    /// If A is not square, not symmetric, b's length differs from A's size, or an
    /// entry is not finite.
    pub fn new(name: &str, rows: &[Vec<f64>], offset: Vec<f64>) -> Result<Self, QuadraticError> {
        let n = rows.len();
        if let Some((row, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != n) {
            return Err(QuadraticError::NotSquare { rows: n, row, len: r.len() });
        }
        if offset.len() != n {
            return Err(QuadraticError::OffsetLength { expected: n, actual: offset.len() });
        }
        if !rows.iter().flatten().chain(&offset).all(|x| x.is_finite()) {
            return Err(QuadraticError::NotFinite);
        }
        for (i, row) in rows.iter().enumerate() {
            if let Some(j) = (0..i).find(|&j| row[j] != rows[j][i]) {
                return Err(QuadraticError::NotSymmetric { i, j });
            }
        }
        Ok(Self { name: name.to_owned(), matrix: rows.concat(), offset, minimizer: None })
    }

    /// A 2-D valley with curvatures `curvatures` along axes turned by `angle`
    /// radians, whose minimum sits at `center`.
    ///
    /// A = R·diag(λ₁, λ₂)·Rᵀ with R the rotation by `angle`, and b = A·center, so
    /// that w* = center. The course uses `rotated_valley(π/6, [0.2, 4.0], [1, 1])`:
    /// the ellipse's curvatures, turned by 30°.
    pub fn rotated_valley(angle: f64, curvatures: [f64; 2], center: [f64; 2]) -> Self {
        let (s, c) = angle.sin_cos();
        let [l1, l2] = curvatures;
        let a11 = l1 * c * c + l2 * s * s;
        let a22 = l1 * s * s + l2 * c * c;
        let a12 = (l1 - l2) * s * c;
        let b = vec![a11 * center[0] + a12 * center[1], a12 * center[0] + a22 * center[1]];
        Self {
            name: "rotated valley".to_owned(),
            matrix: vec![a11, a12, a12, a22],
            offset: b,
            minimizer: Some(center.to_vec()),
        }
    }

    /// Entry A\[i\]\[j\].
    pub fn matrix_entry(&self, i: usize, j: usize) -> f64 {
        self.matrix[i * self.dimension() + j]
    }

    fn rows(&self) -> std::slice::ChunksExact<'_, f64> {
        self.matrix.chunks_exact(self.dimension())
    }
}

impl Objective for Quadratic {
    fn name(&self) -> &str {
        &self.name
    }

    fn dimension(&self) -> usize {
        self.offset.len()
    }

    fn value(&self, w: &[f64]) -> f64 {
        check_dimension("w", w.len(), self.dimension());
        self.rows()
            .zip(w)
            .zip(&self.offset)
            .map(|((row, wi), bi)| {
                let a_w: f64 = row.iter().zip(w).map(|(a, wj)| a * wj).sum();
                0.5 * wi * a_w - bi * wi
            })
            .sum()
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        check_dimension("w", w.len(), self.dimension());
        check_dimension("the gradient buffer", gradient.len(), self.dimension());
        for ((g, row), bi) in gradient.iter_mut().zip(self.rows()).zip(&self.offset) {
            *g = row.iter().zip(w).map(|(a, wj)| a * wj).sum::<f64>() - bi;
        }
    }

    fn minimizer(&self) -> Option<Vec<f64>> {
        self.minimizer.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finite_difference::assert_matches;

    fn valley() -> Quadratic {
        Quadratic::rotated_valley(std::f64::consts::FRAC_PI_6, [0.2, 4.0], [1.0, 1.0])
    }

    #[test]
    fn gradients_match_central_differences() {
        for w in [[-5.0, -2.0], [0.3, 1.7], [2.0, -3.0]] {
            assert_matches(&valley(), &w);
        }
        let q = Quadratic::new("q", &[vec![2.0, 1.0], vec![1.0, 3.0]], vec![1.0, -1.0]).unwrap();
        assert_matches(&q, &[0.5, -0.25]);
    }

    #[test]
    fn the_gradient_vanishes_at_the_stated_minimizer() {
        let q = valley();
        let mut g = [1.0; 2];
        q.gradient(&q.minimizer().unwrap(), &mut g);
        // A·center − A·center computed in different orders: a few ulps of |A·c| ≈ 4.
        approx::assert_abs_diff_eq!(g.as_slice(), [0.0, 0.0].as_slice(), epsilon = 1e-14);
    }

    #[test]
    fn a_rotated_valley_keeps_its_curvatures() {
        // trace = λ₁ + λ₂ and det = λ₁·λ₂ are invariant under rotation.
        let q = valley();
        let (a11, a12, a22) = (q.matrix_entry(0, 0), q.matrix_entry(0, 1), q.matrix_entry(1, 1));
        approx::assert_relative_eq!(a11 + a22, 4.2, max_relative = 1e-15);
        approx::assert_relative_eq!(a11 * a22 - a12 * a12, 0.8, max_relative = 1e-14);
    }

    #[test]
    fn a_non_square_matrix_is_rejected_with_its_shape() {
        let err = Quadratic::new("q", &[vec![1.0, 0.0], vec![0.0]], vec![0.0, 0.0]).unwrap_err();
        assert_eq!(err.to_string(), "A must be square: it has 2 rows but row 1 has 1 entries");
    }

    #[test]
    fn an_offset_of_the_wrong_length_is_rejected_with_both_lengths() {
        let err = Quadratic::new("q", &[vec![1.0]], vec![0.0, 0.0]).unwrap_err();
        assert_eq!(err.to_string(), "b must have 1 entries (the size of A), got 2");
    }

    #[test]
    fn an_asymmetric_matrix_is_rejected() {
        let err = Quadratic::new("q", &[vec![1.0, 2.0], vec![0.0, 1.0]], vec![0.0, 0.0]);
        assert_eq!(
            err.unwrap_err().to_string(),
            "A must be symmetric: A[1][0] differs from A[0][1]"
        );
    }

    #[test]
    fn non_finite_entries_are_rejected() {
        let err = Quadratic::new("q", &[vec![f64::NAN]], vec![0.0]).unwrap_err();
        assert_eq!(err, QuadraticError::NotFinite);
    }
}

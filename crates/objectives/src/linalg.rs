//! Just enough dense linear algebra for small symmetric matrices: a Cholesky
//! solve and the eigenvalues.
//!
//! The objectives of the course are small (at most a few dozen weights), so their
//! Hessians fit in a [`SymmetricMatrix`] and two classical algorithms are enough:
//!
//! - **Cholesky**: a symmetric positive definite H factors as H = L·Lᵀ with L lower
//!   triangular, and H·x = b is then two triangular solves. It needs no pivoting
//!   and fails exactly when H is not (numerically) positive definite, which makes
//!   it a test as well as a solver. Newton's method and the normal equations of
//!   least squares use it to find the minimizers w*.
//! - **Cyclic Jacobi**: rotate away the off-diagonal entries, one pair (p, q) at a
//!   time, until the matrix is diagonal; the diagonal is then the spectrum. Its
//!   stopping rule, |h_pq| ≤ u·√(h_pp·h_qq), is *relative*, so on a positive
//!   definite matrix whose scales differ by many decades (a Hessian on raw
//!   features) even the small eigenvalues come out with a small relative error.
//!   The condition number κ = λ_max/λ_min is what gradient descent pays for.
//!
//! ## References
//! Golub & Van Loan, *Matrix Computations* (4th ed.), §4.2 (Cholesky) and §8.5
//! (Jacobi); Demmel & Veselić, *Jacobi's method is more accurate than QR*, SIAM J.
//! Matrix Anal. Appl. 13 (1992).

/// A symmetric n × n matrix, stored in full, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricMatrix {
    n: usize,
    entries: Vec<f64>,
}

impl SymmetricMatrix {
    /// The n × n zero matrix.
    pub fn zeros(n: usize) -> Self {
        Self { n, entries: vec![0.0; n * n] }
    }

    /// The matrix with these rows.
    ///
    /// # Panics
    /// If the rows do not form a square matrix or it is not exactly symmetric; the
    /// message names the first offending row or entry.
    pub fn from_rows(rows: &[Vec<f64>]) -> Self {
        let n = rows.len();
        for (i, row) in rows.iter().enumerate() {
            assert!(
                row.len() == n,
                "row {i} has {} entries but the matrix has {n} rows",
                row.len()
            );
            for (j, &h) in row.iter().enumerate().take(i) {
                assert!(
                    h == rows[j][i],
                    "entry ({i}, {j}) is {h} but entry ({j}, {i}) is {}",
                    rows[j][i]
                );
            }
        }
        Self { n, entries: rows.concat() }
    }

    /// The size n.
    pub fn dimension(&self) -> usize {
        self.n
    }

    /// The entry in row i, column j.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.entries[i * self.n + j]
    }

    /// The rows, each a slice of n entries.
    pub fn rows(&self) -> impl Iterator<Item = &[f64]> {
        self.entries.chunks_exact(self.n.max(1))
    }

    /// Adds c·v·vᵀ.
    pub(crate) fn add_outer_product(&mut self, c: f64, v: impl Iterator<Item = f64> + Clone) {
        for (row, vi) in self.entries.chunks_exact_mut(self.n).zip(v.clone()) {
            for (h, vj) in row.iter_mut().zip(v.clone()) {
                *h += c * vi * vj;
            }
        }
    }

    /// Adds `c` to the diagonal entry (j, j).
    pub(crate) fn add_to_diagonal(&mut self, j: usize, c: f64) {
        self.entries[j * self.n + j] += c;
    }

    /// Multiplies every entry by `c`.
    pub(crate) fn scale(&mut self, c: f64) {
        self.entries.iter_mut().for_each(|h| *h *= c);
    }

    /// The Cholesky factor L (H = L·Lᵀ, row-major, zero above the diagonal), or
    /// `None` if a pivot is not finite and > 0: the matrix is not numerically
    /// positive definite.
    fn cholesky(&self) -> Option<Vec<f64>> {
        let n = self.n;
        let mut l = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..=i {
                let dot: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
                let s = self.get(i, j) - dot;
                if i == j {
                    if !(s.is_finite() && s > 0.0) {
                        return None;
                    }
                    l[i * n + i] = s.sqrt();
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        Some(l)
    }

    /// The solution x of H·x = b, by Cholesky, or `None` if H is not (numerically)
    /// positive definite.
    ///
    /// # Panics
    /// If b's length is not n.
    pub fn solve(&self, b: &[f64]) -> Option<Vec<f64>> {
        let n = self.n;
        crate::check_dimension("b", b.len(), n);
        let l = self.cholesky()?;
        // L·y = b, forward.
        let mut x = b.to_vec();
        for i in 0..n {
            let dot: f64 = (0..i).map(|k| l[i * n + k] * x[k]).sum();
            x[i] = (x[i] - dot) / l[i * n + i];
        }
        // Lᵀ·x = y, backward.
        for i in (0..n).rev() {
            let dot: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
            x[i] = (x[i] - dot) / l[i * n + i];
        }
        Some(x)
    }

    /// The eigenvalues, smallest first, by the cyclic Jacobi method.
    ///
    /// A sweep rotates every pair (p, q) whose entry is not negligible,
    /// |h_pq| > u·√|h_pp·h_qq| with u = 2⁻⁵³; the method stops after a sweep with
    /// no rotation (quadratic convergence makes that a handful of sweeps), or after
    /// 60 sweeps, which never happens for the finite matrices of the course.
    pub fn eigenvalues(&self) -> Vec<f64> {
        let n = self.n;
        let mut a = self.entries.clone();
        let u = f64::EPSILON / 2.0;
        for _sweep in 0..60 {
            let mut rotated = false;
            for p in 0..n {
                for q in p + 1..n {
                    let (app, aqq, apq) = (a[p * n + p], a[q * n + q], a[p * n + q]);
                    if apq == 0.0 || apq.abs() <= u * (app * aqq).abs().sqrt() {
                        continue;
                    }
                    rotated = true;
                    // The rotation by θ with cot 2θ = (a_qq − a_pp)/(2·a_pq) zeroes a_pq;
                    // t = tan θ is the smaller root of t² + 2·τ·t − 1 = 0.
                    let tau = (aqq - app) / (2.0 * apq);
                    let t = if tau.abs() > 1e150 {
                        0.5 / tau
                    } else {
                        tau.signum() / (tau.abs() + (1.0 + tau * tau).sqrt())
                    };
                    let c = 1.0 / (1.0 + t * t).sqrt();
                    let s = t * c;
                    for k in 0..n {
                        let (akp, akq) = (a[k * n + p], a[k * n + q]);
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for k in 0..n {
                        let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    // Exactly what the rotation was built to give.
                    a[p * n + q] = 0.0;
                    a[q * n + p] = 0.0;
                }
            }
            if !rotated {
                break;
            }
        }
        let mut eigenvalues: Vec<f64> = (0..n).map(|i| a[i * n + i]).collect();
        eigenvalues.sort_by(f64::total_cmp);
        eigenvalues
    }

    /// The condition number κ = λ_max/λ_min of a positive definite matrix;
    /// infinite if the smallest eigenvalue is ≤ 0 (or the matrix is empty).
    pub fn condition_number(&self) -> f64 {
        let eigenvalues = self.eigenvalues();
        match (eigenvalues.first(), eigenvalues.last()) {
            (Some(&low), Some(&high)) if low > 0.0 => high / low,
            _ => f64::INFINITY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eigenvalues_of_two_one_one_two_are_one_and_three() {
        let h = SymmetricMatrix::from_rows(&[vec![2.0, 1.0], vec![1.0, 2.0]]);
        // One rotation by π/4; c and s carry an ulp or two.
        approx::assert_relative_eq!(
            h.eigenvalues().as_slice(),
            [1.0, 3.0].as_slice(),
            max_relative = 1e-15
        );
        approx::assert_relative_eq!(h.condition_number(), 3.0, max_relative = 1e-15);
    }

    #[test]
    fn a_diagonal_matrix_is_its_own_spectrum_exactly() {
        let h = SymmetricMatrix::from_rows(&[
            vec![1e4, 0.0, 0.0],
            vec![0.0, 1e-8, 0.0],
            vec![0.0, 0.0, 1.0],
        ]);
        assert_eq!(h.eigenvalues(), [1e-8, 1.0, 1e4]);
        assert_eq!(h.condition_number(), 1e12);
    }

    /// D·B·D with D = diag(1e3, 1, 1e-3) and B = [[2, 1, 0], [1, 2, 1], [0, 1, 2]]:
    /// scales six decades apart, as on raw features.
    fn graded() -> SymmetricMatrix {
        let d = [1e3, 1.0, 1e-3];
        let b = [[2.0, 1.0, 0.0], [1.0, 2.0, 1.0], [0.0, 1.0, 2.0]];
        let rows: Vec<Vec<f64>> =
            (0..3).map(|i| (0..3).map(|j| d[i] * b[i][j] * d[j]).collect()).collect();
        SymmetricMatrix::from_rows(&rows)
    }

    #[test]
    fn jacobi_finds_the_small_eigenvalue_of_a_graded_matrix_to_relative_accuracy() {
        let h = graded();
        let eigenvalues = h.eigenvalues();
        // det(H) = det(D)²·det(B) = 1·4 is the product of the eigenvalues. With a
        // relative stopping rule each eigenvalue is good to a few ulps times
        // κ(B) = 5.8 (Demmel & Veselić), though κ(H) ≈ 1e12: 1e-13 is room enough.
        let product: f64 = eigenvalues.iter().product();
        approx::assert_relative_eq!(product, 4.0, max_relative = 1e-13);
        // The smallest, by inverse iteration: λ_min = 1/λ_max(H⁻¹).
        let mut x = vec![1.0, 1.0, 1.0];
        let mut estimate = 0.0;
        for _ in 0..200 {
            let y = h.solve(&x).unwrap();
            let norm = y.iter().map(|v| v * v).sum::<f64>().sqrt();
            estimate = x.iter().zip(&y).map(|(a, b)| a * b).sum::<f64>()
                / x.iter().map(|v| v * v).sum::<f64>();
            x = y.iter().map(|v| v / norm).collect();
        }
        approx::assert_relative_eq!(eigenvalues[0], 1.0 / estimate, max_relative = 1e-12);
    }

    #[test]
    fn cholesky_solves_a_positive_definite_system() {
        let h = SymmetricMatrix::from_rows(&[vec![4.0, 2.0], vec![2.0, 3.0]]);
        // [[4, 2], [2, 3]]·(1, −2) = (0, −4).
        let x = h.solve(&[0.0, -4.0]).unwrap();
        approx::assert_relative_eq!(x.as_slice(), [1.0, -2.0].as_slice(), max_relative = 1e-15);
    }

    #[test]
    fn cholesky_refuses_a_matrix_that_is_not_positive_definite() {
        let h = SymmetricMatrix::from_rows(&[vec![1.0, 2.0], vec![2.0, 1.0]]);
        assert_eq!(h.solve(&[1.0, 1.0]), None);
        assert_eq!(h.condition_number(), f64::INFINITY);
        assert_eq!(SymmetricMatrix::zeros(2).solve(&[1.0, 1.0]), None);
    }

    #[test]
    #[should_panic(expected = "entry (1, 0) is 2 but entry (0, 1) is 1")]
    fn an_asymmetric_matrix_is_rejected_naming_the_entry() {
        SymmetricMatrix::from_rows(&[vec![1.0, 1.0], vec![2.0, 1.0]]);
    }
}

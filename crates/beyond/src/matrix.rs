//! Just enough dense linear algebra for the matrix methods: products of small
//! row-major matrices, and functions of a symmetric matrix through its
//! eigen-decomposition.
//!
//! A symmetric positive semi-definite S factors as S = V·diag(λ)·Vᵀ with V
//! orthogonal, and any power of it is then S^p = V·diag(λᵖ)·Vᵀ. Full-matrix
//! Adagrad needs (G + εI)^(−½) and Shampoo needs L^(−¼) and R^(−¼); both are
//! [`symmetric_power`]. The decomposition is *cyclic Jacobi*: rotate away the
//! off-diagonal entries one pair (p, q) at a time, sweep after sweep, until every
//! one is below the rounding of the matrix; the diagonal is then λ and the product
//! of the rotations is V. It costs about 10·n³ operations per sweep and a handful
//! of sweeps: the n³ that the book says full-matrix methods pay.
//!
//! Every function writes into buffers the caller owns, so that an optimizer's step
//! allocates nothing.
//!
//! ## References
//! Golub & Van Loan, *Matrix Computations* (4th ed.), §8.5 (Jacobi methods).

/// C = A·B for A of `rows × inner` and B of `inner × cols`, all row-major.
///
/// # Panics
/// If a slice's length is not its shape's; the message names both.
pub fn multiply(a: &[f64], b: &[f64], c: &mut [f64], rows: usize, inner: usize, cols: usize) {
    gd::assert_same_length("the left factor", a.len(), "rows × inner", rows * inner);
    gd::assert_same_length("the right factor", b.len(), "inner × cols", inner * cols);
    gd::assert_same_length("the product", c.len(), "rows × cols", rows * cols);
    // Row i of C gathers a_ik times row k of B, k in order: each c_ij is the same
    // sum 0 + a_i0·b_0j + a_i1·b_1j + … as the textbook loop, bit for bit, with
    // B read along its rows (a step of the network's 64 × 32 layer is several
    // times faster than reading it down its columns).
    if inner == 0 || cols == 0 {
        c.fill(0.0);
        return;
    }
    for (a_row, c_row) in a.chunks_exact(inner).zip(c.chunks_exact_mut(cols)) {
        c_row.fill(0.0);
        for (&a_ik, b_row) in a_row.iter().zip(b.chunks_exact(cols)) {
            for (c_ij, &b_kj) in c_row.iter_mut().zip(b_row) {
                *c_ij += a_ik * b_kj;
            }
        }
    }
}

/// Bᵀ for B of `rows × cols`, written into `transposed` (`cols × rows`).
pub fn transpose(b: &[f64], transposed: &mut [f64], rows: usize, cols: usize) {
    gd::assert_same_length("the matrix", b.len(), "rows × cols", rows * cols);
    gd::assert_same_length("its transpose", transposed.len(), "rows × cols", rows * cols);
    for i in 0..rows {
        for j in 0..cols {
            transposed[j * rows + i] = b[i * cols + j];
        }
    }
}

/// The Frobenius norm ‖X‖_F = √(Σ xᵢⱼ²).
pub fn frobenius_norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

/// A rotation of ℝⁿ (n × n, row-major): the product of the Givens rotations by
/// `angles` in the planes (0, 1), (0, 2), …, (0, n − 1), (1, 2), …, (n − 2, n − 1),
/// n(n − 1)/2 angles in all. Any rotation is such a product, so random angles
/// give random rotations, and random orthogonal factors for test matrices.
///
/// # Panics
/// If `angles` does not hold n(n − 1)/2 angles.
pub fn rotation(n: usize, angles: &[f64]) -> Vec<f64> {
    let mut r: Vec<f64> = (0..n * n).map(|k| if k / n == k % n { 1.0 } else { 0.0 }).collect();
    let planes: Vec<(usize, usize)> =
        (0..n).flat_map(|p| (p + 1..n).map(move |q| (p, q))).collect();
    gd::assert_same_length("angles", angles.len(), "planes of rotation", planes.len());
    for (&(p, q), &theta) in planes.iter().zip(angles) {
        let (s, c) = theta.sin_cos();
        for k in 0..n {
            let (rkp, rkq) = (r[k * n + p], r[k * n + q]);
            r[k * n + p] = c * rkp - s * rkq;
            r[k * n + q] = s * rkp + c * rkq;
        }
    }
    r
}

/// The most Jacobi sweeps [`symmetric_eigen`] makes; it converges quadratically,
/// and a matrix of the course's sizes needs fewer than ten.
pub const MAX_SWEEPS: usize = 60;

/// Diagonalizes the symmetric n × n matrix `a` in place by cyclic Jacobi: on
/// return its diagonal holds the eigenvalues λ and the columns of `vectors` the
/// matching orthonormal eigenvectors, so that the input equals V·diag(λ)·Vᵀ.
///
/// It stops when a sweep leaves every off-diagonal entry at most
/// `f64::EPSILON`·‖A‖_F/n² (they are then below the rounding of the entries), or
/// after [`MAX_SWEEPS`].
///
/// # Panics
/// If `a` or `vectors` does not hold n² entries, or `a` holds a non-finite entry.
// ANCHOR: jacobi
pub fn symmetric_eigen(a: &mut [f64], vectors: &mut [f64], n: usize) {
    gd::assert_same_length("the matrix", a.len(), "n × n", n * n);
    gd::assert_same_length("the eigenvectors", vectors.len(), "n × n", n * n);
    assert!(a.iter().all(|x| x.is_finite()), "the matrix to diagonalize holds a non-finite entry");
    for (k, v) in vectors.iter_mut().enumerate() {
        *v = if k / n == k % n { 1.0 } else { 0.0 };
    }
    let size = frobenius_norm(a);
    let small = f64::EPSILON * size / (n * n).max(1) as f64;
    for _ in 0..MAX_SWEEPS {
        let largest_off_diagonal = (0..n)
            .flat_map(|p| (p + 1..n).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q].abs())
            .fold(0.0, f64::max);
        if largest_off_diagonal <= small {
            return;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() <= small {
                    continue;
                }
                // The rotation (c, s) that zeroes a_pq: t = tan θ is the smaller
                // root of t² + 2·ζ·t − 1 = 0 with ζ = (a_qq − a_pp)/(2·a_pq).
                let zeta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = zeta.signum() / (zeta.abs() + (zeta * zeta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                // A ← Jᵀ·A·J: columns p and q, then rows p and q.
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
                // V ← V·J.
                for k in 0..n {
                    let (vkp, vkq) = (vectors[k * n + p], vectors[k * n + q]);
                    vectors[k * n + p] = c * vkp - s * vkq;
                    vectors[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
}
// ANCHOR_END: jacobi

/// Buffers for [`symmetric_power`] of an n × n matrix, allocated once.
#[derive(Debug, Clone, PartialEq)]
pub struct EigenScratch {
    n: usize,
    work: Vec<f64>,
    vectors: Vec<f64>,
}

impl EigenScratch {
    /// Buffers for n × n matrices.
    pub fn new(n: usize) -> Self {
        Self { n, work: vec![0.0; n * n], vectors: vec![0.0; n * n] }
    }

    /// The eigenvalues the last [`symmetric_power`] found, in Jacobi's order.
    pub fn eigenvalues(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.n).map(|i| self.work[i * self.n + i])
    }
}

/// Writes S^p = V·diag(λᵖ)·Vᵀ for the symmetric positive semi-definite n × n
/// matrix `s` into `power`, for any real p (p = −½: the inverse square root).
///
/// An eigenvalue at most n·`f64::EPSILON`·λ_max (zero, up to the rounding of S)
/// gets 0 in place of λᵖ when p < 0: the pseudo-inverse, which leaves the
/// directions S has never seen unscaled rather than infinitely scaled. A method
/// that adds εI with ε above that level never meets the rule.
///
/// An S with a non-finite entry (an accumulator that overflowed in a diverging
/// run) gives a power of NaNs: the step that uses it then leaves NaN weights, and
/// the run loop stops there and says so.
///
/// # Panics
/// If a buffer's length is not n².
// ANCHOR: symmetric_power
pub fn symmetric_power(s: &[f64], p: f64, power: &mut [f64], scratch: &mut EigenScratch) {
    let n = scratch.n;
    gd::assert_same_length("the matrix", s.len(), "the scratch's n × n", n * n);
    gd::assert_same_length("the power", power.len(), "the scratch's n × n", n * n);
    if !s.iter().all(|x| x.is_finite()) {
        power.fill(f64::NAN);
        return;
    }
    scratch.work.copy_from_slice(s);
    symmetric_eigen(&mut scratch.work, &mut scratch.vectors, n);
    let largest = scratch.eigenvalues().fold(0.0, f64::max);
    let zero = n as f64 * f64::EPSILON * largest;
    power.fill(0.0);
    for k in 0..n {
        let lambda = scratch.work[k * n + k];
        let f = if lambda <= zero {
            if p < 0.0 { 0.0 } else { lambda.max(0.0).powf(p) }
        } else {
            lambda.powf(p)
        };
        if f == 0.0 {
            continue;
        }
        for i in 0..n {
            let vik = f * scratch.vectors[i * n + k];
            for j in 0..n {
                power[i * n + j] += vik * scratch.vectors[j * n + k];
            }
        }
    }
}
// ANCHOR_END: symmetric_power

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;

    use super::*;

    #[test]
    fn jacobi_diagonalizes_a_symmetric_matrix_into_v_lambda_v_transposed() {
        // A = [[4, 1, 2], [1, 3, 0], [2, 0, 5]]: its trace 12 and determinant
        // 4·15 − 1·5 + 2·(−6) = 43 are the sum and product of its eigenvalues.
        let a0 = [4.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0, 0.0, 5.0];
        let mut a = a0;
        let mut v = [0.0; 9];
        symmetric_eigen(&mut a, &mut v, 3);
        let lambda = [a[0], a[4], a[8]];
        // Sums and products of three O(1) numbers: a few ulps.
        assert_relative_eq!(lambda.iter().sum::<f64>(), 12.0, max_relative = 1e-14);
        assert_relative_eq!(lambda.iter().product::<f64>(), 43.0, max_relative = 1e-14);
        for i in 0..3 {
            for j in 0..3 {
                let rebuilt: f64 = (0..3).map(|k| v[i * 3 + k] * lambda[k] * v[j * 3 + k]).sum();
                assert_relative_eq!(rebuilt, a0[i * 3 + j], epsilon = 1e-14);
                let gram: f64 = (0..3).map(|k| v[k * 3 + i] * v[k * 3 + j]).sum();
                assert_relative_eq!(gram, if i == j { 1.0 } else { 0.0 }, epsilon = 1e-15);
            }
        }
    }

    #[test]
    fn the_inverse_square_root_squared_is_the_inverse() {
        // S = [[2, 1], [1, 2]] has eigenvalues 1 and 3; S^(−½)·S^(−½)·S = I.
        let s = [2.0, 1.0, 1.0, 2.0];
        let mut root = [0.0; 4];
        let mut scratch = EigenScratch::new(2);
        symmetric_power(&s, -0.5, &mut root, &mut scratch);
        let mut square = [0.0; 4];
        multiply(&root, &root, &mut square, 2, 2, 2);
        let mut identity = [0.0; 4];
        multiply(&square, &s, &mut identity, 2, 2, 2);
        // A few products of O(1) numbers: 1e-14 absolute leaves ample room.
        for (got, want) in identity.iter().zip([1.0, 0.0, 0.0, 1.0]) {
            assert_relative_eq!(*got, want, epsilon = 1e-14);
        }
    }

    #[test]
    fn a_rank_one_matrix_gets_the_pseudo_inverse_root() {
        // S = u·uᵀ with |u| = 5: S^(−½) = u·uᵀ/|u|³, zero across u.
        let u = [3.0, 4.0];
        let s = [9.0, 12.0, 12.0, 16.0];
        let mut root = [0.0; 4];
        symmetric_power(&s, -0.5, &mut root, &mut EigenScratch::new(2));
        for i in 0..2 {
            for j in 0..2 {
                assert_relative_eq!(root[i * 2 + j], u[i] * u[j] / 125.0, epsilon = 1e-15);
            }
        }
    }

    #[test]
    #[should_panic(expected = "the left factor has 3 elements but rows × inner has 4")]
    fn a_product_of_the_wrong_shape_panics_with_both_lengths() {
        multiply(&[0.0; 3], &[0.0; 4], &mut [0.0; 4], 2, 2, 2);
    }
}

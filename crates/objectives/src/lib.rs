//! The cost functions J(w) that the course minimizes, each with its exact gradient.
//!
//! Every optimizer in Descent sees a problem through one small trait, [`Objective`]:
//! its dimension, its value J(w), and its gradient ∇J(w) written into a buffer the
//! caller owns, so that a run allocates nothing per step. The course needs only a
//! handful of shapes, and each one is here because it makes a point:
//!
//! - [`DiagonalQuadratic`]: J(w) = Σⱼ aⱼ·wⱼ². With equal coefficients it is the
//!   isotropic *bowl* where plain gradient descent shines; with a = (0.1, 2) it is
//!   the ill-conditioned *ellipse* 0.1·w₁² + 2·w₂² where one learning rate for every
//!   weight zig-zags; with one coefficient it is the 1-D *parabola* of the
//!   learning-rate chapter.
//! - [`Quadratic`]: J(w) = ½·wᵀAw − bᵀw, a general quadratic (a rotated valley),
//!   whose axes are not the coordinate axes: a per-weight learning rate helps less.
//! - [`Rosenbrock`]: (a − x)² + b·(y − x²)², a curved, flat-bottomed valley.
//! - [`LinearRegression`]: mean squared error of a straight line on a small data set
//!   generated deterministically in code, the first model a learner fits.
//! - [`Scaled`]: c·J(w), the same problem in other units: the test of whether an
//!   optimizer's learning rate depends on the scale of the cost.
//!
//! The chapter on when adaptive rates pay needs costs that are *means over
//! samples*, so that a minibatch can estimate them: the [`FiniteSum`] trait, which
//! [`LinearRegression`] and two models over real feature matrices implement:
//!
//! - [`LeastSquares`]: (1/2N)·Σᵢ (xᵢ·w − yᵢ)² + ½·λ·|w|², any number of features;
//!   with features that are rarely non-zero it is the problem Adagrad was made for.
//! - [`LogisticRegression`]: mean binary cross-entropy of σ(w·x + b), plus a ridge,
//!   with its minimizer by Newton's method, so that J(w) − J* can be measured.
//!
//! Their Hessians are small [`SymmetricMatrix`]es whose eigenvalues (by Jacobi's
//! method) give the condition number that gradient descent pays for.
//!
//! Each gradient is checked against central finite differences in this crate's
//! tests.

mod diagonal;
mod finite_sum;
mod least_squares;
pub mod linalg;
mod logistic;
mod quadratic;
mod regression;
mod rosenbrock;
mod scaled;

pub use diagonal::DiagonalQuadratic;
pub use finite_sum::{FiniteSum, SampleError, check_batch};
pub use least_squares::LeastSquares;
pub use linalg::SymmetricMatrix;
pub use logistic::{LogisticRegression, sigmoid};
pub use quadratic::{Quadratic, QuadraticError};
pub use regression::LinearRegression;
pub use rosenbrock::Rosenbrock;
pub use scaled::Scaled;

/// A differentiable cost function J: ℝⁿ → ℝ.
///
/// Implementations may assume that `w` (and `gradient`) hold exactly
/// [`dimension`](Objective::dimension) elements; they panic otherwise, naming both
/// lengths, rather than read or write only a part of the buffer.
// ANCHOR: objective
pub trait Objective {
    /// A short name for tables and figure legends, such as `"ellipse"`.
    fn name(&self) -> &str;

    /// The number of weights n.
    fn dimension(&self) -> usize;

    /// The cost J(w).
    fn value(&self, w: &[f64]) -> f64;

    /// Writes the gradient ∇J(w) into `gradient`, allocating nothing.
    fn gradient(&self, w: &[f64], gradient: &mut [f64]);

    /// The point w* where J is smallest, when it is known in closed form.
    fn minimizer(&self) -> Option<Vec<f64>> {
        None
    }
}
// ANCHOR_END: objective

/// A borrowed objective is the objective: so that wrappers such as [`Scaled`] can
/// hold a `&dyn Objective` as well as an objective they own.
impl<T: Objective + ?Sized> Objective for &T {
    fn name(&self) -> &str {
        (**self).name()
    }

    fn dimension(&self) -> usize {
        (**self).dimension()
    }

    fn value(&self, w: &[f64]) -> f64 {
        (**self).value(w)
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        (**self).gradient(w, gradient);
    }

    fn minimizer(&self) -> Option<Vec<f64>> {
        (**self).minimizer()
    }
}

/// Panics with both lengths unless `actual == expected`.
///
/// Every objective calls this before it touches a buffer, so that a wrong length is
/// reported instead of silently reading or writing a part of it.
#[track_caller]
pub fn check_dimension(what: &str, actual: usize, expected: usize) {
    assert!(
        actual == expected,
        "{what} has {actual} elements but the objective has dimension {expected}"
    );
}

// The student copy of the course drops every `mod tests`, and with them the only
// callers of these helpers.
#[cfg(test)]
#[allow(dead_code)]
pub(crate) mod finite_difference {
    use super::Objective;

    /// The central finite difference (J(w + h·eⱼ) − J(w − h·eⱼ)) / 2h for every j.
    pub fn gradient(objective: &impl Objective, w: &[f64], h: f64) -> Vec<f64> {
        (0..w.len())
            .map(|j| {
                let mut plus = w.to_vec();
                let mut minus = w.to_vec();
                plus[j] += h;
                minus[j] -= h;
                (objective.value(&plus) - objective.value(&minus)) / (2.0 * h)
            })
            .collect()
    }

    /// Asserts that the analytic gradient agrees with central differences.
    ///
    /// The central difference has truncation error O(h²·|J'''|) and rounding error
    /// O(ε_mach·|J| / h); with h = 1e-5 both are below 1e-6 relative for the
    /// smooth, moderately sized functions of the course, so 1e-6 is a bound with
    /// room, not a fit.
    pub fn assert_matches(objective: &impl Objective, w: &[f64]) {
        let mut analytic = vec![0.0; objective.dimension()];
        objective.gradient(w, &mut analytic);
        let numeric = gradient(objective, w, 1e-5);
        for (j, (a, n)) in analytic.iter().zip(&numeric).enumerate() {
            assert!(
                approx::relative_eq!(a, n, epsilon = 1e-6, max_relative = 1e-6),
                "{}: ∂J/∂w{j} at {w:?}: analytic {a}, finite difference {n}",
                objective.name()
            );
        }
    }
}

//! The separable quadratic J(w) = Σⱼ aⱼ·wⱼ², with gradient ∂J/∂wⱼ = 2·aⱼ·wⱼ.
//!
//! Its Hessian is diagonal with curvatures λⱼ = 2·aⱼ, so each weight is its own 1-D
//! problem: gradient descent with learning rate η multiplies wⱼ by (1 − η·λⱼ) each
//! step. That makes it the course's laboratory: the bowl (all aⱼ equal), the ellipse
//! 0.1·w₁² + 2·w₂² (condition number 20) and the 1-D parabola are all instances.

use crate::{Objective, check_dimension};

/// J(w) = Σⱼ aⱼ·wⱼ² with every aⱼ > 0; its minimum is J(0) = 0.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagonalQuadratic {
    name: String,
    coefficients: Vec<f64>,
}

impl DiagonalQuadratic {
    /// A quadratic with the given coefficients aⱼ.
    ///
    /// # Panics
    /// If there are no coefficients, or one is not finite and > 0: these are the
    /// course's fixed test problems, not user input.
    pub fn new(name: &str, coefficients: Vec<f64>) -> Self {
        assert!(!coefficients.is_empty(), "a quadratic needs at least one weight");
        for (j, a) in coefficients.iter().enumerate() {
            assert!(a.is_finite() && *a > 0.0, "coefficient a{j} must be finite and > 0, got {a}");
        }
        Self { name: name.to_owned(), coefficients }
    }

    /// The isotropic bowl J(w) = ½·(w₁² + w₂²): curvature 1 in every direction.
    pub fn bowl() -> Self {
        Self::new("bowl", vec![0.5, 0.5])
    }

    /// The ill-conditioned ellipse J(w) = 0.1·w₁² + 2·w₂² (curvatures 0.2 and 4).
    ///
    /// The course starts it at (−5, −2).
    pub fn ellipse() -> Self {
        Self::new("ellipse", vec![0.1, 2.0])
    }

    /// The 1-D parabola J(w) = ½·w² (curvature 1), for the learning-rate chapter.
    pub fn parabola() -> Self {
        Self::new("parabola", vec![0.5])
    }

    /// The coefficients aⱼ.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// The curvatures λⱼ = 2·aⱼ, the eigenvalues of the Hessian.
    pub fn curvatures(&self) -> Vec<f64> {
        self.coefficients.iter().map(|a| 2.0 * a).collect()
    }
}

impl Objective for DiagonalQuadratic {
    fn name(&self) -> &str {
        &self.name
    }

    fn dimension(&self) -> usize {
        self.coefficients.len()
    }

    fn value(&self, w: &[f64]) -> f64 {
        check_dimension("w", w.len(), self.dimension());
        self.coefficients.iter().zip(w).map(|(a, w)| a * w * w).sum()
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        check_dimension("w", w.len(), self.dimension());
        check_dimension("the gradient buffer", gradient.len(), self.dimension());
        for ((g, a), w) in gradient.iter_mut().zip(&self.coefficients).zip(w) {
            *g = 2.0 * a * w;
        }
    }

    fn minimizer(&self) -> Option<Vec<f64>> {
        Some(vec![0.0; self.dimension()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finite_difference::assert_matches;

    #[test]
    fn ellipse_value_at_the_course_start_is_10_5() {
        // 0.1·25 + 2·4 = 2.5 + 8 = 10.5
        approx::assert_relative_eq!(DiagonalQuadratic::ellipse().value(&[-5.0, -2.0]), 10.5);
    }

    #[test]
    fn ellipse_gradient_at_the_course_start_is_minus_one_minus_eight() {
        let mut g = [0.0; 2];
        DiagonalQuadratic::ellipse().gradient(&[-5.0, -2.0], &mut g);
        assert_eq!(g, [-1.0, -8.0]);
    }

    #[test]
    fn gradients_match_central_differences() {
        for q in [DiagonalQuadratic::bowl(), DiagonalQuadratic::ellipse()] {
            for w in [[-5.0, -2.0], [0.3, 1.7], [10.0, -0.1]] {
                assert_matches(&q, &w);
            }
        }
        assert_matches(&DiagonalQuadratic::parabola(), &[3.0]);
    }

    #[test]
    fn curvatures_are_twice_the_coefficients() {
        assert_eq!(DiagonalQuadratic::ellipse().curvatures(), vec![0.2, 4.0]);
    }

    #[test]
    #[should_panic(expected = "w has 3 elements but the objective has dimension 2")]
    fn a_point_of_the_wrong_length_is_reported_with_both_lengths() {
        DiagonalQuadratic::ellipse().value(&[1.0, 2.0, 3.0]);
    }

    #[test]
    #[should_panic(
        expected = "the gradient buffer has 1 elements but the objective has dimension 2"
    )]
    fn a_gradient_buffer_of_the_wrong_length_is_reported() {
        DiagonalQuadratic::ellipse().gradient(&[1.0, 2.0], &mut [0.0]);
    }
}

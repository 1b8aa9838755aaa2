//! A cost multiplied by a constant: J_c(w) = c·J(w), c > 0.
//!
//! Nothing about the problem changes: the same minimizer, the same level sets,
//! every gradient multiplied by c. Only the units of the cost change, as when a
//! loss is summed instead of averaged, or measured in other units. It is the test
//! of whether an optimizer's learning rate depends on those units. Gradient
//! descent's does: its step η·c·g is the step of η' = c·η on J, so its window of
//! good learning rates moves by 1/c. Adagrad's does not: with ε = 0 its step
//! η·c·g/√(c²·G) is exactly its step on J.

use crate::Objective;

/// c·J for an objective J and a constant c > 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaled<O> {
    objective: O,
    factor: f64,
    name: String,
}

impl<O: Objective> Scaled<O> {
    /// `factor`·J.
    ///
    /// # Panics
    /// If `factor` is not finite and > 0 (a scaled cost must keep its minimizer).
    pub fn new(objective: O, factor: f64) -> Self {
        assert!(
            factor.is_finite() && factor > 0.0,
            "the factor must be finite and > 0, got {factor}"
        );
        let name = format!("{factor}·{}", objective.name());
        Self { objective, factor, name }
    }

    /// c.
    pub fn factor(&self) -> f64 {
        self.factor
    }
}

impl<O: Objective> Objective for Scaled<O> {
    fn name(&self) -> &str {
        &self.name
    }

    fn dimension(&self) -> usize {
        self.objective.dimension()
    }

    fn value(&self, w: &[f64]) -> f64 {
        self.factor * self.objective.value(w)
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        self.objective.gradient(w, gradient);
        for g in gradient.iter_mut() {
            *g *= self.factor;
        }
    }

    fn minimizer(&self) -> Option<Vec<f64>> {
        self.objective.minimizer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DiagonalQuadratic;

    #[test]
    fn value_and_gradient_are_multiplied_by_the_factor() {
        let scaled = Scaled::new(DiagonalQuadratic::ellipse(), 4.0);
        // J = 0.1·25 + 2·4 = 10.5 at (−5, −2); g = (−1, −8).
        assert_eq!(scaled.value(&[-5.0, -2.0]), 42.0);
        let mut g = [0.0; 2];
        scaled.gradient(&[-5.0, -2.0], &mut g);
        assert_eq!(g, [-4.0, -32.0]);
        assert_eq!(scaled.minimizer(), Some(vec![0.0, 0.0]));
        assert_eq!(scaled.name(), "4·ellipse");
    }

    #[test]
    fn its_gradient_matches_central_differences() {
        let scaled = Scaled::new(DiagonalQuadratic::ellipse(), 0.125);
        crate::finite_difference::assert_matches(&scaled, &[1.5, -0.7]);
    }

    #[test]
    #[should_panic(expected = "the factor must be finite and > 0, got -1")]
    fn a_factor_that_is_not_positive_is_refused() {
        let _ = Scaled::new(DiagonalQuadratic::bowl(), -1.0);
    }
}

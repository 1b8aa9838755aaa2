//! Rosenbrock's function J(x, y) = (a − x)² + b·(y − x²)², with a = 1, b = 100.
//!
//! Its gradient is ∂J/∂x = −2·(a − x) − 4·b·x·(y − x²) and ∂J/∂y = 2·b·(y − x²).
//! The minimum J = 0 sits at (a, a²) at the end of a narrow, curved, nearly flat
//! valley: easy to fall into, slow to follow. The course starts it at (−1.5, 2).

use crate::{Objective, check_dimension};

/// J(x, y) = (a − x)² + b·(y − x²)².
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rosenbrock {
    /// The x of the minimum (1 in the classic function).
    pub a: f64,
    /// The steepness of the valley walls (100 in the classic function).
    pub b: f64,
}

impl Default for Rosenbrock {
    fn default() -> Self {
        Self { a: 1.0, b: 100.0 }
    }
}

impl Objective for Rosenbrock {
    fn name(&self) -> &str {
        "rosenbrock"
    }

    fn dimension(&self) -> usize {
        2
    }

    fn value(&self, w: &[f64]) -> f64 {
        check_dimension("w", w.len(), 2);
        let (x, y) = (w[0], w[1]);
        (self.a - x).powi(2) + self.b * (y - x * x).powi(2)
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        check_dimension("w", w.len(), 2);
        check_dimension("the gradient buffer", gradient.len(), 2);
        let (x, y) = (w[0], w[1]);
        gradient[0] = -2.0 * (self.a - x) - 4.0 * self.b * x * (y - x * x);
        gradient[1] = 2.0 * self.b * (y - x * x);
    }

    fn minimizer(&self) -> Option<Vec<f64>> {
        Some(vec![self.a, self.a * self.a])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finite_difference::assert_matches;

    #[test]
    fn gradients_match_central_differences() {
        for w in [[-1.5, 2.0], [0.0, 0.0], [1.2, 1.0], [-0.5, 0.7]] {
            assert_matches(&Rosenbrock::default(), &w);
        }
    }

    #[test]
    fn the_minimum_is_zero_at_one_one() {
        let r = Rosenbrock::default();
        let mut g = [1.0; 2];
        r.gradient(&[1.0, 1.0], &mut g);
        assert_eq!((r.value(&[1.0, 1.0]), g), (0.0, [0.0, 0.0]));
    }

    #[test]
    fn value_at_the_course_start() {
        // (1 + 1.5)² + 100·(2 − 2.25)² = 6.25 + 6.25
        approx::assert_relative_eq!(Rosenbrock::default().value(&[-1.5, 2.0]), 12.5);
    }
}

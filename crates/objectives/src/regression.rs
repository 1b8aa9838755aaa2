//! Least-squares linear regression: fit ŷ = w₁ + w₂·x to m points (xᵢ, yᵢ).
//!
//! J(w) = (1/2m)·Σᵢ (w₁ + w₂·xᵢ − yᵢ)², the *mean* squared error halved, with
//! gradient ∂J/∂w₁ = (1/m)·Σᵢ rᵢ and ∂J/∂w₂ = (1/m)·Σᵢ rᵢ·xᵢ, where
//! rᵢ = w₁ + w₂·xᵢ − yᵢ is the residual. Averaging rather than summing keeps the
//! curvature, and so the usable learning rate, independent of the number of points.

use crate::{FiniteSum, Objective, check_batch, check_dimension};

/// Mean squared error of a line on a fixed data set.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearRegression {
    xs: Vec<f64>,
    ys: Vec<f64>,
}

impl LinearRegression {
    /// The course's data set: 20 points on y = 2 + 3·x for x evenly spaced in [0, 4],
    /// with a fixed, deterministic noise of amplitude 0.5 (no random generator).
    pub fn course_data() -> Self {
        let m = 20;
        let xs: Vec<f64> = (0..m).map(|i| 4.0 * i as f64 / (m - 1) as f64).collect();
        let ys = xs
            .iter()
            .enumerate()
            .map(|(i, x)| 2.0 + 3.0 * x + 0.5 * (1.7 * i as f64).sin())
            .collect();
        Self { xs, ys }
    }

    /// A data set of your own.
    ///
    /// # Panics
    /// If `xs` and `ys` differ in length (both lengths are named) or are empty.
    pub fn new(xs: Vec<f64>, ys: Vec<f64>) -> Self {
        assert!(xs.len() == ys.len(), "xs has {} points but ys has {}", xs.len(), ys.len());
        assert!(!xs.is_empty(), "a regression needs at least one point");
        Self { xs, ys }
    }

    /// The points (xᵢ, yᵢ).
    pub fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.xs.iter().copied().zip(self.ys.iter().copied())
    }

    fn residuals<'a>(&'a self, w: &'a [f64]) -> impl Iterator<Item = (f64, f64)> + 'a {
        self.points().map(move |(x, y)| (w[0] + w[1] * x - y, x))
    }

    /// The residual of point i, computed as [`residuals`](Self::residuals) does.
    fn residual_of(&self, w: &[f64], i: usize) -> f64 {
        w[0] + w[1] * self.xs[i] - self.ys[i]
    }
}

/// Each point is a sample: fᵢ(w) = ½·(w₁ + w₂·xᵢ − yᵢ)², and J is their mean.
impl FiniteSum for LinearRegression {
    fn samples(&self) -> usize {
        self.xs.len()
    }

    fn batch_value(&self, w: &[f64], batch: &[usize]) -> f64 {
        check_dimension("w", w.len(), 2);
        check_batch(batch, self.samples());
        let squares: f64 = batch.iter().map(|&i| self.residual_of(w, i).powi(2)).sum();
        squares / (2.0 * batch.len() as f64)
    }

    fn batch_gradient(&self, w: &[f64], batch: &[usize], gradient: &mut [f64]) {
        check_dimension("w", w.len(), 2);
        check_dimension("the gradient buffer", gradient.len(), 2);
        check_batch(batch, self.samples());
        let (sum_r, sum_rx) = batch.iter().fold((0.0, 0.0), |(s, sx), &i| {
            let r = self.residual_of(w, i);
            (s + r, sx + r * self.xs[i])
        });
        let b = batch.len() as f64;
        gradient[0] = sum_r / b;
        gradient[1] = sum_rx / b;
    }
}

impl Objective for LinearRegression {
    fn name(&self) -> &str {
        "linear regression"
    }

    fn dimension(&self) -> usize {
        2
    }

    fn value(&self, w: &[f64]) -> f64 {
        check_dimension("w", w.len(), 2);
        let m = self.xs.len() as f64;
        self.residuals(w).map(|(r, _)| r * r).sum::<f64>() / (2.0 * m)
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        check_dimension("w", w.len(), 2);
        check_dimension("the gradient buffer", gradient.len(), 2);
        let m = self.xs.len() as f64;
        let (sum_r, sum_rx) =
            self.residuals(w).fold((0.0, 0.0), |(s, sx), (r, x)| (s + r, sx + r * x));
        gradient[0] = sum_r / m;
        gradient[1] = sum_rx / m;
    }

    /// The ordinary least-squares line, from the normal equations.
    fn minimizer(&self) -> Option<Vec<f64>> {
        let m = self.xs.len() as f64;
        let mean_x = self.xs.iter().sum::<f64>() / m;
        let mean_y = self.ys.iter().sum::<f64>() / m;
        let (sxy, sxx) = self.points().fold((0.0, 0.0), |(sxy, sxx), (x, y)| {
            (sxy + (x - mean_x) * (y - mean_y), sxx + (x - mean_x) * (x - mean_x))
        });
        if sxx == 0.0 {
            return None;
        }
        let slope = sxy / sxx;
        Some(vec![mean_y - slope * mean_x, slope])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finite_difference::assert_matches;

    #[test]
    fn gradients_match_central_differences() {
        for w in [[0.0, 0.0], [2.0, 3.0], [-1.0, 5.0]] {
            assert_matches(&LinearRegression::course_data(), &w);
        }
    }

    #[test]
    fn the_gradient_vanishes_at_the_least_squares_line() {
        let data = LinearRegression::course_data();
        let w = data.minimizer().unwrap();
        let mut g = [1.0; 2];
        data.gradient(&w, &mut g);
        // Sums of 20 residuals of size ≈ 0.5 with rounding ≈ 1e-15 each.
        approx::assert_abs_diff_eq!(g.as_slice(), [0.0, 0.0].as_slice(), epsilon = 1e-12);
    }

    #[test]
    fn the_fitted_line_is_close_to_the_generating_line() {
        let w = LinearRegression::course_data().minimizer().unwrap();
        // The noise has amplitude 0.5: the fit lands within 0.5 of (2, 3).
        assert!((w[0] - 2.0).abs() < 0.5 && (w[1] - 3.0).abs() < 0.5, "{w:?}");
    }

    #[test]
    fn the_cost_is_an_average_not_a_sum() {
        // Duplicating every point leaves the mean squared error unchanged.
        let data = LinearRegression::course_data();
        let (xs, ys): (Vec<f64>, Vec<f64>) = data.points().chain(data.points()).unzip();
        let doubled = LinearRegression::new(xs, ys);
        approx::assert_relative_eq!(
            doubled.value(&[0.5, 1.0]),
            data.value(&[0.5, 1.0]),
            max_relative = 1e-14
        );
    }

    #[test]
    fn the_batch_of_all_points_in_order_is_the_full_objective_bit_for_bit() {
        // The same operations in the same order.
        let data = LinearRegression::course_data();
        let all: Vec<usize> = (0..data.samples()).collect();
        let w = [0.5, 1.0];
        assert_eq!(data.batch_value(&w, &all), data.value(&w));
        let (mut full, mut batch) = ([0.0; 2], [0.0; 2]);
        data.gradient(&w, &mut full);
        data.batch_gradient(&w, &all, &mut batch);
        assert_eq!(batch, full);
    }

    #[test]
    fn a_batch_of_one_point_is_that_points_loss_and_gradient() {
        // Point 0 is (0, 2 + 0.5·sin 0) = (0, 2): at w = (1, 1), r = −1.
        let data = LinearRegression::course_data();
        assert_eq!(data.batch_value(&[1.0, 1.0], &[0]), 0.5);
        let mut g = [0.0; 2];
        data.batch_gradient(&[1.0, 1.0], &[0], &mut g);
        assert_eq!(g, [-1.0, 0.0]);
    }

    #[test]
    #[should_panic(expected = "xs has 2 points but ys has 1")]
    fn mismatched_data_is_reported_with_both_lengths() {
        LinearRegression::new(vec![0.0, 1.0], vec![0.0]);
    }
}

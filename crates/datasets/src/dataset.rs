//! A labelled data set in memory, its feature scales, and standardization.
//!
//! Gradient descent sees the features' scales directly: on logistic regression the
//! Hessian's diagonal holds (1/N)·Σᵢ σᵢ(1 − σᵢ)·xᵢⱼ², so a feature a thousand times
//! larger than another has a curvature a million times larger, and one learning rate
//! must suit both. *Standardizing* replaces each feature by its z-score
//!
//! > zᵢⱼ = (xᵢⱼ − μⱼ)/sⱼ,   μⱼ = (1/N)·Σᵢ xᵢⱼ,   sⱼ = √((1/N)·Σᵢ (xᵢⱼ − μⱼ)²),
//!
//! the classical fix, which makes every feature's mean 0 and its spread 1. (The
//! standard deviation divides by N, not N − 1, as scikit-learn's `StandardScaler`
//! does: it is a scale, not an estimate.) A per-weight learning rate is the other
//! fix, found by the optimizer as it runs; the course compares the two.

use objectives::{LogisticRegression, SampleError};

/// Samples of d features with binary labels, and the names of both.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    name: String,
    /// Row-major, N × d.
    entries: Vec<f64>,
    columns: usize,
    labels: Vec<f64>,
    feature_names: Vec<String>,
    class_names: [String; 2],
}

impl Dataset {
    /// A data set from parts the loader has checked: N ≥ 1 rows of d ≥ 1 finite
    /// features, N labels in {0, 1}, d feature names.
    pub(crate) fn from_checked_parts(
        name: String,
        entries: Vec<f64>,
        columns: usize,
        labels: Vec<f64>,
        feature_names: Vec<String>,
        class_names: [String; 2],
    ) -> Self {
        debug_assert!(columns > 0 && entries.len() == labels.len() * columns);
        debug_assert!(feature_names.len() == columns);
        Self { name, entries, columns, labels, feature_names, class_names }
    }

    /// The same data set under another name, for tables and legends.
    pub fn named(self, name: impl Into<String>) -> Self {
        Self { name: name.into(), ..self }
    }

    /// The same data set with these feature names (the loader numbers them
    /// `x1`, `x2`, …).
    ///
    /// # Panics
    /// If there is not one name per feature: the names are the caller's constant.
    pub fn with_feature_names(self, names: &[&str]) -> Self {
        assert!(
            names.len() == self.columns,
            "{} feature names for {} features",
            names.len(),
            self.columns
        );
        Self { feature_names: names.iter().map(|n| (*n).to_owned()).collect(), ..self }
    }

    /// Its name, such as `"breast cancer"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of samples N.
    pub fn samples(&self) -> usize {
        self.labels.len()
    }

    /// The number of features d.
    pub fn features(&self) -> usize {
        self.columns
    }

    /// The features of sample i.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.entries[i * self.columns..(i + 1) * self.columns]
    }

    /// The rows, in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[f64]> {
        self.entries.chunks_exact(self.columns)
    }

    /// The labels, each 0 or 1.
    pub fn labels(&self) -> &[f64] {
        &self.labels
    }

    /// The features' names.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The names of the classes 0 and 1.
    pub fn class_names(&self) -> &[String; 2] {
        &self.class_names
    }

    /// Each feature's mean μⱼ = (1/N)·Σᵢ xᵢⱼ.
    pub fn means(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.columns];
        for row in self.rows() {
            sums.iter_mut().zip(row).for_each(|(s, x)| *s += x);
        }
        let n = self.samples() as f64;
        sums.into_iter().map(|s| s / n).collect()
    }

    /// Each feature's standard deviation sⱼ = √((1/N)·Σᵢ (xᵢⱼ − μⱼ)²), by two
    /// passes (mean first), so that a large mean does not cancel the spread.
    pub fn standard_deviations(&self) -> Vec<f64> {
        let means = self.means();
        let mut squares = vec![0.0; self.columns];
        for row in self.rows() {
            for ((s, x), mu) in squares.iter_mut().zip(row).zip(&means) {
                *s += (x - mu) * (x - mu);
            }
        }
        let n = self.samples() as f64;
        squares.into_iter().map(|s| (s / n).sqrt()).collect()
    }

    /// The data set with every feature replaced by its z-score (xᵢⱼ − μⱼ)/sⱼ,
    /// named "NAME (standardized)".
    ///
    /// A constant feature (sⱼ = 0) has no scale: it becomes 0 everywhere, the
    /// centred value, and is not divided (as scikit-learn's `StandardScaler`
    /// does). It then carries no information, as it carried none before.
    pub fn standardized(&self) -> Self {
        let means = self.means();
        let scales: Vec<f64> =
            self.standard_deviations().into_iter().map(|s| if s > 0.0 { s } else { 1.0 }).collect();
        let mut entries = self.entries.clone();
        for row in entries.chunks_exact_mut(self.columns) {
            for ((x, mu), s) in row.iter_mut().zip(&means).zip(&scales) {
                *x = (*x - mu) / s;
            }
        }
        Self { name: format!("{} (standardized)", self.name), entries, ..self.clone() }
    }

    /// Logistic regression on this data set with ridge coefficient λ, named after
    /// it: d feature weights and an intercept (the last weight).
    ///
    /// # Errors
    /// If λ is not finite and ≥ 0 (the data themselves were checked on loading).
    pub fn logistic_regression(&self, ridge: f64) -> Result<LogisticRegression, SampleError> {
        let rows = self.rows().map(<[f64]>::to_vec).collect();
        Ok(LogisticRegression::new(rows, self.labels.clone(), ridge)?.named(self.name.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Dataset {
        // Feature 0 has mean 2 and spread √(2/3); feature 1 is constant.
        Dataset::from_checked_parts(
            "small".into(),
            vec![1.0, 5.0, 2.0, 5.0, 3.0, 5.0],
            2,
            vec![0.0, 1.0, 1.0],
            vec!["a".into(), "b".into()],
            ["no".into(), "yes".into()],
        )
    }

    #[test]
    fn means_and_standard_deviations_divide_by_n() {
        let data = small();
        assert_eq!(data.means(), [2.0, 5.0]);
        approx::assert_relative_eq!(
            data.standard_deviations().as_slice(),
            [(2.0f64 / 3.0).sqrt(), 0.0].as_slice(),
            max_relative = 1e-15
        );
    }

    #[test]
    fn standardized_features_have_mean_zero_and_spread_one_and_a_constant_becomes_zero() {
        let z = small().standardized();
        assert_eq!(z.name(), "small (standardized)");
        // (1 − 2)/√(2/3), 0, and its negative: exact up to one division's rounding.
        approx::assert_relative_eq!(z.row(0)[0], -(1.5f64).sqrt(), max_relative = 1e-15);
        assert_eq!(z.row(1)[0], 0.0);
        assert_eq!(z.means()[0], 0.0);
        approx::assert_relative_eq!(z.standard_deviations()[0], 1.0, max_relative = 1e-15);
        assert!(z.rows().all(|row| row[1] == 0.0));
    }

    #[test]
    fn the_logistic_regression_keeps_the_rows_labels_and_name() {
        use objectives::{FiniteSum, Objective};
        let problem = small().logistic_regression(0.5).unwrap();
        assert_eq!((problem.name(), problem.samples(), problem.dimension()), ("small", 3, 3));
        assert_eq!(problem.row(2), [3.0, 5.0]);
        assert_eq!(problem.labels(), [0.0, 1.0, 1.0]);
        assert_eq!(problem.ridge(), 0.5);
        assert!(small().logistic_regression(-1.0).is_err());
    }

    #[test]
    #[should_panic(expected = "1 feature names for 2 features")]
    fn feature_names_must_match_the_features() {
        let _ = small().with_feature_names(&["a"]);
    }
}

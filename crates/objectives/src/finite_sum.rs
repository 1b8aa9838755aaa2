//! Objectives that are a mean over samples: J(w) = (1/N)·Σᵢ fᵢ(w) + R(w).
//!
//! The costs of machine learning are averages of one loss per training sample fᵢ,
//! plus perhaps a penalty R(w) that belongs to no sample (a ridge ½·λ·|w|²). When N
//! is large, one evaluation of ∇J reads the whole data set; a *minibatch* B of
//! sample indices estimates it by the mean over the batch,
//!
//! > ∇J_B(w) = (1/|B|)·Σ_{i∈B} ∇fᵢ(w) + ∇R(w),
//!
//! with R carried whole by every batch. Two facts make that estimate honest:
//!
//! - **Unbiased**: for B drawn uniformly (every index equally likely, with or
//!   without replacement) E\[∇J_B(w)\] = ∇J(w). Each index appears in the same
//!   number of the equally likely batches, so averaging ∇J_B over all of them gives
//!   every ∇fᵢ the same weight 1/N.
//! - **The epoch identity**: an epoch without replacement cuts a shuffle of
//!   0, …, N − 1 into m batches of b = N/m samples; their mean gradients average to
//!   (1/m)·Σₖ (1/b)·Σ_{i∈Bₖ} ∇fᵢ + ∇R = (1/N)·Σᵢ ∇fᵢ + ∇R = ∇J(w), exactly in real
//!   arithmetic and up to the rounding of the sums in floating point.
//!
//! That is why the batch methods of [`FiniteSum`] return *means*, not sums: a sum
//! over b samples would be b/N times too small on average, and its usable learning
//! rate would change with the batch size.

use std::fmt;

use crate::Objective;

/// An objective that is a mean over `samples()` losses, plus perhaps a penalty.
///
/// J(w) = (1/N)·Σᵢ fᵢ(w) + R(w); [`value`](Objective::value) and
/// [`gradient`](Objective::gradient) are the full mean over all N samples.
///
/// A batch is a non-empty slice of sample indices in 0..N; an index may repeat
/// (a batch drawn with replacement), and then counts as often as it appears.
///
/// # Panics
/// The batch methods panic on an empty batch or an index ≥ N, naming it, as they
/// do on buffers of the wrong length: such a batch is a bug in the caller.
// ANCHOR: finite_sum
pub trait FiniteSum: Objective {
    /// The number of samples N.
    fn samples(&self) -> usize;

    /// The mean loss over the batch, plus the penalty:
    /// (1/|B|)·Σ_{i∈B} fᵢ(w) + R(w).
    fn batch_value(&self, w: &[f64], batch: &[usize]) -> f64;

    /// Writes the mean gradient over the batch, plus the penalty's, into
    /// `gradient`: (1/|B|)·Σ_{i∈B} ∇fᵢ(w) + ∇R(w). It allocates nothing.
    fn batch_gradient(&self, w: &[f64], batch: &[usize], gradient: &mut [f64]);
}
// ANCHOR_END: finite_sum

/// Panics unless `batch` is non-empty and every index is below `samples`.
#[track_caller]
pub fn check_batch(batch: &[usize], samples: usize) {
    assert!(!batch.is_empty(), "a batch needs at least one sample");
    if let Some((k, i)) = batch.iter().enumerate().find(|&(_, &i)| i >= samples) {
        panic!("batch entry {k} is sample {i} but the data set has {samples} samples");
    }
}

/// Why rows of features (and their labels or targets) do not make a data set.
///
/// Rows and columns count from 0, as Rust indexes them.
#[derive(Debug, Clone, PartialEq)]
pub enum SampleError {
    /// There are no rows.
    NoSamples,
    /// The rows have no features.
    NoFeatures,
    /// Row `row` has `found` features where row 0 has `expected`.
    RowLength {
        /// The first row whose length differs from row 0's.
        row: usize,
        /// The length of row 0.
        expected: usize,
        /// The length of row `row`.
        found: usize,
    },
    /// A feature is NaN or infinite.
    NotFinite {
        /// Its row.
        row: usize,
        /// Its column.
        column: usize,
        /// Its value.
        value: f64,
    },
    /// The numbers of rows and of labels (or targets) differ.
    Count {
        /// `"labels"` or `"targets"`.
        what: &'static str,
        /// The number of rows.
        rows: usize,
        /// The number of labels or targets.
        found: usize,
    },
    /// A label of a binary classifier is neither 0 nor 1.
    Label {
        /// Its row.
        row: usize,
        /// Its value.
        value: f64,
    },
    /// A regression target is NaN or infinite.
    Target {
        /// Its row.
        row: usize,
        /// Its value.
        value: f64,
    },
    /// The ridge coefficient λ is negative or not finite.
    Ridge {
        /// Its value.
        value: f64,
    },
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSamples => write!(f, "a data set needs at least one sample"),
            Self::NoFeatures => write!(f, "a sample needs at least one feature"),
            Self::RowLength { row, expected, found } => {
                write!(f, "row {row} has {found} features but row 0 has {expected}")
            }
            Self::NotFinite { row, column, value } => {
                write!(f, "feature {column} of row {row} is {value}; features must be finite")
            }
            Self::Count { what, rows, found } => {
                write!(f, "there are {rows} rows but {found} {what}")
            }
            Self::Label { row, value } => {
                write!(f, "the label of row {row} is {value}; labels must be 0 or 1")
            }
            Self::Target { row, value } => {
                write!(f, "the target of row {row} is {value}; targets must be finite")
            }
            Self::Ridge { value } => write!(f, "ridge λ must be finite and >= 0, got {value}"),
        }
    }
}

impl std::error::Error for SampleError {}

/// A validated feature matrix: N ≥ 1 rows of d ≥ 1 finite numbers, row-major.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeatureRows {
    columns: usize,
    entries: Vec<f64>,
}

impl FeatureRows {
    /// Checks and flattens `rows`.
    pub(crate) fn new(rows: Vec<Vec<f64>>) -> Result<Self, SampleError> {
        let first = rows.first().ok_or(SampleError::NoSamples)?;
        let columns = first.len();
        if columns == 0 {
            return Err(SampleError::NoFeatures);
        }
        for (row, values) in rows.iter().enumerate() {
            if values.len() != columns {
                return Err(SampleError::RowLength { row, expected: columns, found: values.len() });
            }
            if let Some((column, &value)) = values.iter().enumerate().find(|(_, x)| !x.is_finite())
            {
                return Err(SampleError::NotFinite { row, column, value });
            }
        }
        Ok(Self { columns, entries: rows.concat() })
    }

    /// Checks that there is one label or target per row.
    pub(crate) fn check_count(&self, what: &'static str, found: usize) -> Result<(), SampleError> {
        if found == self.len() {
            Ok(())
        } else {
            Err(SampleError::Count { what, rows: self.len(), found })
        }
    }

    /// The number of rows N.
    pub(crate) fn len(&self) -> usize {
        self.entries.len() / self.columns
    }

    /// The number of features d.
    pub(crate) fn columns(&self) -> usize {
        self.columns
    }

    /// Row i.
    pub(crate) fn row(&self, i: usize) -> &[f64] {
        &self.entries[i * self.columns..(i + 1) * self.columns]
    }
}

/// Returns λ if it is finite and ≥ 0.
pub(crate) fn check_ridge(value: f64) -> Result<f64, SampleError> {
    if value.is_finite() && value >= 0.0 { Ok(value) } else { Err(SampleError::Ridge { value }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rows: Vec<Vec<f64>>, expected: &str) {
        assert_eq!(FeatureRows::new(rows).unwrap_err().to_string(), expected);
    }

    #[test]
    fn an_empty_data_set_is_rejected() {
        check(vec![], "a data set needs at least one sample");
    }

    #[test]
    fn rows_without_features_are_rejected() {
        check(vec![vec![], vec![]], "a sample needs at least one feature");
    }

    #[test]
    fn a_ragged_row_is_rejected_naming_it_and_both_lengths() {
        check(
            vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0]],
            "row 2 has 1 features but row 0 has 2",
        );
    }

    #[test]
    fn a_non_finite_feature_is_rejected_naming_row_column_and_value() {
        check(
            vec![vec![1.0, 2.0], vec![3.0, f64::NAN]],
            "feature 1 of row 1 is NaN; features must be finite",
        );
        check(vec![vec![f64::NEG_INFINITY]], "feature 0 of row 0 is -inf; features must be finite");
    }

    #[test]
    fn a_negative_or_non_finite_ridge_is_rejected_with_its_value() {
        for lambda in [-1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                check_ridge(lambda).unwrap_err().to_string(),
                format!("ridge λ must be finite and >= 0, got {lambda}")
            );
        }
        assert_eq!(check_ridge(0.0), Ok(0.0));
    }

    #[test]
    #[should_panic(expected = "batch entry 1 is sample 5 but the data set has 5 samples")]
    fn a_batch_index_out_of_range_panics_naming_it() {
        check_batch(&[0, 5], 5);
    }

    #[test]
    #[should_panic(expected = "a batch needs at least one sample")]
    fn an_empty_batch_panics() {
        check_batch(&[], 5);
    }
}

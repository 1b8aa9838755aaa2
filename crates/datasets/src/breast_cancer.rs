//! The Wisconsin diagnostic breast-cancer data: 569 samples, 30 features, two classes.
//!
//! Each sample describes the cell nuclei in a digitized image of a fine needle
//! aspirate of a breast mass: ten measurements (radius, texture, perimeter, area,
//! smoothness, compactness, concavity, concave points, symmetry, fractal
//! dimension), each as its mean, its standard error and its worst value over the
//! nuclei. Label 0 is malignant (212 samples), 1 benign (357).
//!
//! It is here because its features are *badly scaled*: their means run from
//! 3.8e-3 (fractal dimension error) to 8.8e2 (worst area), five and a half decades,
//! as raw data often are. Gradient descent on it needs a learning rate small enough
//! for the area features, at which the small features barely move.
//!
//! The file is vendored in `crates/datasets/data/` with its provenance, its licence
//! (CC BY 4.0, from the UCI Machine Learning Repository; creators Wolberg, Street
//! and Mangasarian, 1995) and its SHA-256: see `data/README.md` there.

use std::path::PathBuf;

use crate::csv_file::read_csv;
use crate::dataset::Dataset;
use crate::error::{DataError, DataErrorKind};

/// The 30 features' names, in column order, as scikit-learn spells them
/// (`load_breast_cancer().feature_names`): the ten measurements' means, then
/// their standard errors ("error"), then their worst values.
pub const BREAST_CANCER_FEATURES: [&str; 30] = [
    "mean radius",
    "mean texture",
    "mean perimeter",
    "mean area",
    "mean smoothness",
    "mean compactness",
    "mean concavity",
    "mean concave points",
    "mean symmetry",
    "mean fractal dimension",
    "radius error",
    "texture error",
    "perimeter error",
    "area error",
    "smoothness error",
    "compactness error",
    "concavity error",
    "concave points error",
    "symmetry error",
    "fractal dimension error",
    "worst radius",
    "worst texture",
    "worst perimeter",
    "worst area",
    "worst smoothness",
    "worst compactness",
    "worst concavity",
    "worst concave points",
    "worst symmetry",
    "worst fractal dimension",
];

/// The vendored file, `crates/datasets/data/breast_cancer.csv`.
pub fn breast_cancer_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join("breast_cancer.csv")
}

/// The breast-cancer data set, read from the vendored file and named
/// `"breast cancer"`, with its features' names.
///
/// # Errors
/// A [`DataError`] naming the file, line and column if the file is missing or
/// damaged, or does not declare 30 features.
pub fn breast_cancer() -> Result<Dataset, DataError> {
    let path = breast_cancer_path();
    let data = read_csv(&path)?;
    if data.features() != BREAST_CANCER_FEATURES.len() {
        let message = format!(
            "the breast-cancer data have {} features, the header declares {}",
            BREAST_CANCER_FEATURES.len(),
            data.features()
        );
        return Err(DataError::new(&path, Some(1), Some(2), DataErrorKind::Header(message)));
    }
    Ok(data.named("breast cancer").with_feature_names(&BREAST_CANCER_FEATURES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_file_holds_569_samples_of_30_features_212_malignant() {
        let data = breast_cancer().unwrap();
        assert_eq!((data.samples(), data.features()), (569, 30));
        assert_eq!(data.class_names(), &["malignant".to_owned(), "benign".to_owned()]);
        let benign = data.labels().iter().filter(|&&y| y == 1.0).count();
        assert_eq!((569 - benign, benign), (212, 357));
        assert_eq!(data.feature_names()[23], "worst area");
    }

    #[test]
    fn the_first_and_last_rows_are_those_of_the_file() {
        let data = breast_cancer().unwrap();
        assert_eq!(&data.row(0)[..4], [17.99, 10.38, 122.8, 1001.0]);
        assert_eq!(data.labels()[0], 0.0);
        assert_eq!(data.row(568)[29], 0.07039);
        assert_eq!(data.labels()[568], 1.0);
    }

    #[test]
    fn feature_means_span_five_and_a_half_decades() {
        let means = breast_cancer().unwrap().means();
        let (low, high) = means.iter().enumerate().fold((0, 0), |(lo, hi), (j, m)| {
            (if *m < means[lo] { j } else { lo }, if *m > means[hi] { j } else { hi })
        });
        assert_eq!(
            (BREAST_CANCER_FEATURES[low], BREAST_CANCER_FEATURES[high]),
            ("fractal dimension error", "worst area")
        );
        // The expected means are rounded to ten significant digits.
        approx::assert_relative_eq!(means[low], 3.794903866e-3, max_relative = 1e-9);
        approx::assert_relative_eq!(means[high], 880.5831283, max_relative = 1e-9);
    }

    #[test]
    fn standardizing_cuts_the_condition_number_at_the_start_by_five_decades() {
        // The Hessian at w = 0 (where runs start) with λ = 1e-3: κ ≈ 6.5e8 on raw
        // features, ≈ 3.2e3 on standardized ones (the example `breast_cancer`
        // prints both, and at w*).
        let raw = breast_cancer().unwrap();
        let kappa = |data: &Dataset| {
            let problem = data.logistic_regression(1e-3).unwrap();
            problem.hessian(&[0.0; 31]).condition_number()
        };
        let (raw_kappa, standardized_kappa) = (kappa(&raw), kappa(&raw.standardized()));
        assert!((1e8..1e9).contains(&raw_kappa), "{raw_kappa:e}");
        assert!((1e3..1e4).contains(&standardized_kappa), "{standardized_kappa:e}");
    }
}

//! The data of the Descent course: a real, badly scaled data set, rare features,
//! and seeded minibatches.
//!
//! The earlier crates run every method on small functions written down in code,
//! where a well-tuned gradient descent is hard to beat. The places where adaptive
//! learning rates really pay are in data: features whose scales differ by decades,
//! features that are rarely non-zero, and gradients that are noisy because each
//! step sees only a minibatch. This crate provides the three, each as an
//! [`objectives::FiniteSum`] (a mean of one loss per sample) that the optimizers
//! and the run loop `gd::minimize` take unchanged:
//!
//! - [`breast_cancer`]: the Wisconsin diagnostic breast-cancer data (569 samples,
//!   30 features whose means run from 3.8e-3 to 8.8e2), vendored with its
//!   provenance, licence and checksum, read by [`read_csv`] into a [`Dataset`],
//!   which can be [`standardized`](Dataset::standardized) and turned into an
//!   [`objectives::LogisticRegression`];
//! - [`digits`]: the UCI optical handwritten digits (1797 images of 8×8 pixels,
//!   ten classes), vendored the same way, with a seeded split into training,
//!   validation and test sets ([`Digits::split`]) for the network chapter;
//! - [`RareFeatures`]: a seeded least-squares problem whose features are non-zero
//!   in fractions of the samples spread over three decades, Duchi et al.'s case;
//! - [`Minibatch`]: a finite sum seen through a [`BatchSampler`], with the full loss
//!   as its value and the next batch's mean gradient as its gradient.
//!
//! The one design decision: **everything is reproducible and every failure is
//! named**. Random choices come from a ChaCha8 stream and algorithms written here,
//! so a seed gives the same batches and the same data on every machine (the tests
//! pin the first draws). A data file that is missing, truncated or malformed is a
//! [`DataError`] naming the file, the line and the column, never a panic and never a
//! silently shorter data set.

mod breast_cancer;
mod csv_file;
mod dataset;
mod digits;
mod error;
mod minibatch;
mod rare;
mod rng;
mod sampler;

pub use breast_cancer::{BREAST_CANCER_FEATURES, breast_cancer, breast_cancer_path};
pub use csv_file::{parse_csv, read_csv};
pub use dataset::Dataset;
pub use digits::{
    DIGIT_CLASSES, DIGIT_IMAGES, DIGIT_MAX_PIXEL, DIGIT_PIXELS, DIGITS_SPLIT_SEED, Digits,
    DigitsSplit, SplitError, digits, digits_path, parse_digits,
};
pub use error::{DataError, DataErrorKind};
pub use minibatch::Minibatch;
pub use rare::{RareFeatures, RareFeaturesConfig, RareFeaturesError};
pub use sampler::{BatchError, BatchSampler, Sampling};

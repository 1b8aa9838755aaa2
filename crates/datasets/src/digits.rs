//! The UCI optical handwritten digits: 1797 images of 8×8 pixels, ten classes.
//!
//! Each image is a handwritten digit from 0 to 9, scanned at 32×32 and reduced by
//! counting the ink in each 4×4 block, so every one of its 64 pixels is a whole
//! number from 0 (blank) to 16 (full). It is the smallest real data set on which a
//! neural network is worth training: big enough to overfit, small enough to train
//! in milliseconds.
//!
//! The file is scikit-learn's `digits.csv.gz`, decompressed and vendored in
//! `crates/datasets/data/digits.csv` with its provenance, licence (CC BY 4.0, UCI;
//! creator E. Alpaydin, 1998) and SHA-256 (see `data/README.md`). It has no
//! header: each of its 1797 lines holds the 64 pixels, row by row from the top
//! left, then the class, comma-separated.
//!
//! A learner tunes on one part of the data and reports on another, so
//! [`Digits::split`] cuts the images, after a seeded shuffle, into a training, a
//! validation and a test set; the course uses [`DIGITS_SPLIT_SEED`] and
//! [`DigitsSplit::VALIDATION`] and [`DigitsSplit::TEST`] images each, and never
//! tunes anything on the test set.

use std::io;
use std::path::{Path, PathBuf};

use crate::error::{DataError, DataErrorKind};
use crate::rng::Generator;

/// The pixels of one image, 8 × 8.
pub const DIGIT_PIXELS: usize = 64;

/// The classes, the digits 0 to 9.
pub const DIGIT_CLASSES: usize = 10;

/// The largest pixel value: the number of cells of a 4×4 block.
pub const DIGIT_MAX_PIXEL: f64 = 16.0;

/// The images the vendored file holds.
pub const DIGIT_IMAGES: usize = 1797;

/// The seed of the course's split into training, validation and test images.
pub const DIGITS_SPLIT_SEED: u64 = 2017;

/// Labelled 8×8 images of handwritten digits.
#[derive(Debug, Clone, PartialEq)]
pub struct Digits {
    /// Row-major, N × 64, each a whole number from 0 to 16.
    pixels: Vec<f64>,
    labels: Vec<usize>,
}

/// The vendored file, `crates/datasets/data/digits.csv`.
pub fn digits_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join("digits.csv")
}

/// The 1797 digit images, read from the vendored file.
///
/// # Errors
/// A [`DataError`] naming the file, line and column if the file is missing or
/// damaged, or does not hold 1797 images.
pub fn digits() -> Result<Digits, DataError> {
    let path = digits_path();
    let file = std::fs::File::open(&path)
        .map_err(|e| DataError::new(&path, None, None, DataErrorKind::Open(e)))?;
    parse_digits(file, &path, DIGIT_IMAGES)
}

/// Reads `expected` digit images from any reader in the vendored file's format
/// (64 pixels from 0 to 16, then the class from 0 to 9, per line; no header);
/// `file` is the name its errors give.
///
/// # Errors
/// A [`DataError`] naming the file, the line and the column of the first field
/// that is wrong, or of the line where the count of `expected` rows is broken.
pub fn parse_digits(
    reader: impl io::Read,
    file: impl AsRef<Path>,
    expected: usize,
) -> Result<Digits, DataError> {
    let file = file.as_ref();
    let error =
        |line: u64, column: Option<usize>, kind| DataError::new(file, Some(line), column, kind);
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
    let mut pixels = Vec::with_capacity(expected.saturating_mul(DIGIT_PIXELS).min(1 << 24));
    let mut labels = Vec::with_capacity(expected.min(1 << 20));
    let mut last_line = 0;
    for record in csv.records() {
        let record = record.map_err(|e| read_error(file, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        last_line = line;
        if labels.len() == expected {
            let kind = DataErrorKind::RowCount { expected, found: expected + 1 };
            return Err(error(line, None, kind));
        }
        if record.len() != DIGIT_PIXELS + 1 {
            let column = record.len().min(DIGIT_PIXELS + 1) + 1;
            let kind =
                DataErrorKind::ColumnCount { expected: DIGIT_PIXELS + 1, found: record.len() };
            return Err(error(line, Some(column), kind));
        }
        for (j, text) in record.iter().enumerate() {
            let value = text.trim().parse::<u8>().ok();
            if j < DIGIT_PIXELS {
                match value {
                    Some(v) if f64::from(v) <= DIGIT_MAX_PIXEL => pixels.push(f64::from(v)),
                    _ => {
                        let kind = DataErrorKind::Pixel { text: text.to_owned() };
                        return Err(error(line, Some(j + 1), kind));
                    }
                }
            } else {
                match value {
                    Some(v) if usize::from(v) < DIGIT_CLASSES => labels.push(usize::from(v)),
                    _ => {
                        let kind = DataErrorKind::Digit { text: text.to_owned() };
                        return Err(error(line, Some(j + 1), kind));
                    }
                }
            }
        }
    }
    if labels.len() != expected {
        let kind = DataErrorKind::RowCount { expected, found: labels.len() };
        return Err(error(last_line + 1, None, kind));
    }
    Ok(Digits { pixels, labels })
}

/// A CSV reader's failure, with the line where it happened.
fn read_error(file: &Path, e: &csv::Error) -> DataError {
    let line = e.position().map(csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        _ => e.to_string(),
    };
    DataError::new(file, line, None, DataErrorKind::Read(message))
}

impl Digits {
    /// The number of images N.
    pub fn samples(&self) -> usize {
        self.labels.len()
    }

    /// The 64 pixels of image i, row by row from the top left, each 0 to 16.
    pub fn image(&self, i: usize) -> &[f64] {
        &self.pixels[i * DIGIT_PIXELS..(i + 1) * DIGIT_PIXELS]
    }

    /// All pixels, row-major N × 64.
    pub fn pixels(&self) -> &[f64] {
        &self.pixels
    }

    /// The classes, each 0 to 9.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The pixels divided by 16, so that every input lies in [0, 1]: row-major
    /// N × 64, the inputs a network is fed.
    pub fn inputs(&self) -> Vec<f64> {
        self.pixels.iter().map(|p| p / DIGIT_MAX_PIXEL).collect()
    }

    /// The images in `indices`, in that order.
    ///
    /// # Panics
    /// If an index is not below N.
    pub fn select(&self, indices: &[usize]) -> Self {
        let mut pixels = Vec::with_capacity(indices.len() * DIGIT_PIXELS);
        for &i in indices {
            pixels.extend_from_slice(self.image(i));
        }
        Self { pixels, labels: indices.iter().map(|&i| self.labels[i]).collect() }
    }

    /// The images split into training, validation and test sets: a Fisher–Yates
    /// shuffle of 0, …, N − 1 from the ChaCha8 stream of `seed`, whose first
    /// [`DigitsSplit::TEST`] indices are the test set, the next
    /// [`DigitsSplit::VALIDATION`] the validation set, and the rest the training
    /// set.
    ///
    /// # Errors
    /// If there are not more than `TEST + VALIDATION` images (a training set needs
    /// one), with the count.
    pub fn split(&self, seed: u64) -> Result<DigitsSplit, SplitError> {
        let n = self.samples();
        let held_out = DigitsSplit::TEST + DigitsSplit::VALIDATION;
        if n <= held_out {
            return Err(SplitError { samples: n, held_out });
        }
        let mut order: Vec<usize> = (0..n).collect();
        Generator::new(seed).shuffle(&mut order);
        let (test, rest) = order.split_at(DigitsSplit::TEST);
        let (validation, train) = rest.split_at(DigitsSplit::VALIDATION);
        Ok(DigitsSplit {
            train: self.select(train),
            validation: self.select(validation),
            test: self.select(test),
        })
    }
}

/// Too few images to split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitError {
    /// The images there are.
    pub samples: usize,
    /// The images the validation and test sets take.
    pub held_out: usize,
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot split {} images: the validation and test sets take {}, and training needs at least 1",
            self.samples, self.held_out
        )
    }
}

impl std::error::Error for SplitError {}

/// Disjoint training, validation and test sets (see [`Digits::split`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DigitsSplit {
    /// What the optimizers step on.
    pub train: Digits,
    /// What learning rates and other settings are chosen on.
    pub validation: Digits,
    /// What is reported once everything is chosen, never tuned on.
    pub test: Digits,
}

impl DigitsSplit {
    /// The images in the validation set: one fifth of 1797, rounded.
    pub const VALIDATION: usize = 360;
    /// The images in the test set: one fifth of 1797, rounded.
    pub const TEST: usize = 360;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, expected: usize) -> Result<Digits, DataError> {
        parse_digits(text.as_bytes(), "mem/digits.csv", expected)
    }

    fn row(pixel: &str, label: &str) -> String {
        let mut fields = vec!["0"; DIGIT_PIXELS];
        fields[5] = pixel;
        format!("{},{label}\n", fields.join(","))
    }

    #[test]
    fn the_vendored_file_holds_1797_images_of_every_class() {
        let data = digits().unwrap();
        assert_eq!(data.samples(), 1797);
        let mut counts = [0; 10];
        data.labels().iter().for_each(|&y| counts[y] += 1);
        // The counts of `cut -d, -f65 digits.csv | sort | uniq -c`.
        assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    }

    #[test]
    fn the_first_image_is_the_zero_of_the_file() {
        let data = digits().unwrap();
        assert_eq!(data.labels()[0], 0);
        assert_eq!(&data.image(0)[..8], [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]);
        assert_eq!(data.labels()[1796], 8);
        assert!(data.pixels().iter().all(|&p| (0.0..=16.0).contains(&p)));
        assert!(data.inputs().iter().all(|&x| (0.0..=1.0).contains(&x)));
    }

    #[test]
    fn the_split_is_disjoint_covers_every_image_and_is_pinned_by_its_seed() {
        let data = digits().unwrap();
        let split = data.split(DIGITS_SPLIT_SEED).unwrap();
        assert_eq!(
            (split.train.samples(), split.validation.samples(), split.test.samples()),
            (1077, 360, 360)
        );
        // Every image lands in exactly one set: the multisets of (image, label)
        // of the three parts together are those of the whole file.
        let key = |d: &Digits, i: usize| {
            (d.image(i).iter().map(|&p| p as u8).collect::<Vec<_>>(), d.labels()[i])
        };
        let mut all: Vec<_> = (0..data.samples()).map(|i| key(&data, i)).collect();
        let mut parts: Vec<_> = [&split.train, &split.validation, &split.test]
            .iter()
            .flat_map(|d| (0..d.samples()).map(|i| key(d, i)).collect::<Vec<_>>())
            .collect();
        all.sort();
        parts.sort();
        assert_eq!(all, parts);
        assert_eq!(data.split(DIGITS_SPLIT_SEED).unwrap(), split);
        assert_ne!(data.split(DIGITS_SPLIT_SEED + 1).unwrap().test, split.test);
    }

    #[test]
    fn a_pixel_above_16_is_named_by_line_and_column() {
        let text = row("0", "3") + &row("17", "3");
        assert_eq!(
            parse(&text, 2).unwrap_err().to_string(),
            "mem/digits.csv: line 2, column 6: the pixel is \"17\", must be a whole number from 0 to 16"
        );
        let text = row("2.5", "3");
        assert!(matches!(parse(&text, 1).unwrap_err().kind(), DataErrorKind::Pixel { .. }));
    }

    #[test]
    fn a_class_above_9_is_named_by_line_and_column() {
        assert_eq!(
            parse(&row("1", "10"), 1).unwrap_err().to_string(),
            "mem/digits.csv: line 1, column 65: the class is \"10\", must be a digit from 0 to 9"
        );
    }

    #[test]
    fn a_short_row_names_its_first_missing_column() {
        let text = "1,2,3\n";
        assert_eq!(
            parse(text, 1).unwrap_err().to_string(),
            "mem/digits.csv: line 1, column 4: expected 65 fields (the features and the label), found 3"
        );
    }

    #[test]
    fn too_few_or_too_many_rows_are_refused() {
        let two = row("1", "1") + &row("2", "2");
        assert_eq!(
            parse(&two, 3).unwrap_err().to_string(),
            "mem/digits.csv: line 3: the file holds 2 rows, expected 3"
        );
        assert_eq!(
            parse(&two, 1).unwrap_err().to_string(),
            "mem/digits.csv: line 2: the file holds 2 rows, expected 1"
        );
        assert_eq!(parse(&two, 2).unwrap().samples(), 2);
    }

    #[test]
    fn a_split_of_too_few_images_is_refused_with_the_count() {
        let data = parse(&row("1", "1").repeat(720), 720).unwrap();
        assert_eq!(
            data.split(1).unwrap_err().to_string(),
            "cannot split 720 images: the validation and test sets take 720, and training needs at least 1"
        );
    }
}

//! Reading a binary classification data set from a CSV file in scikit-learn's format.
//!
//! The first line declares the shape and names the classes, `N,d,CLASS0,CLASS1`;
//! each of the next N lines holds d features and a label 0 or 1, comma-separated:
//!
//! ```text
//! 569,30,malignant,benign
//! 17.99,10.38,122.8,…,0.1189,0
//! ```
//!
//! The header is a promise the reader holds the file to: a missing file, a file that
//! ends early or runs long, a row with too few or too many fields, a field that is
//! not a finite number and a label other than 0 or 1 are each a [`DataError`] that
//! names the file, the line and the column. The reader never panics on a file and
//! never returns a data set shorter than declared. Blank lines are skipped (the
//! `csv` crate's rule); line numbers are those of the file.

use std::fs::File;
use std::io;
use std::path::Path;

use crate::dataset::Dataset;
use crate::error::{DataError, DataErrorKind};

/// Reads the data set in the file at `path`; it is named after the file's stem.
///
/// # Errors
/// A [`DataError`] naming the file (and the line and column, where there is one)
/// if the file cannot be opened or read, or does not hold what its header declares.
pub fn read_csv(path: impl AsRef<Path>) -> Result<Dataset, DataError> {
    let path = path.as_ref();
    let file =
        File::open(path).map_err(|e| DataError::new(path, None, None, DataErrorKind::Open(e)))?;
    parse_csv(file, path)
}

/// Reads a data set from any reader (a file, or bytes in memory); `file` is the
/// name its errors give, and its stem the data set's name.
///
/// # Errors
/// As [`read_csv`], except that nothing is opened.
pub fn parse_csv(reader: impl io::Read, file: impl AsRef<Path>) -> Result<Dataset, DataError> {
    let file = file.as_ref();
    let error =
        |line: u64, column: Option<usize>, kind| DataError::new(file, Some(line), column, kind);
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
    let mut records = csv.records();

    let header = match records.next() {
        None => return Err(error(1, None, DataErrorKind::Empty)),
        Some(record) => record.map_err(|e| read_error(file, &e))?,
    };
    let header_line = line_of(&header);
    let count = |column: usize, what: &str| -> Result<usize, DataError> {
        let text = header.get(column - 1).unwrap_or("").trim();
        match text.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(error(
                header_line,
                Some(column),
                DataErrorKind::Header(format!(
                    "the header must declare the number of {what} (at least 1) here, found {text:?}"
                )),
            )),
        }
    };
    let declared = count(1, "samples")?;
    let features = count(2, "features")?;
    if header.len() != 4 {
        return Err(error(
            header_line,
            Some(header.len().min(4) + 1),
            DataErrorKind::Header(format!(
                "the header must be SAMPLES,FEATURES,CLASS0,CLASS1 (4 fields: a binary data set), found {} fields",
                header.len()
            )),
        ));
    }
    let class_names = [header[2].trim().to_owned(), header[3].trim().to_owned()];

    let mut entries = Vec::with_capacity(declared.saturating_mul(features).min(1 << 24));
    let mut labels = Vec::with_capacity(declared.min(1 << 20));
    let mut last_line = header_line;
    for record in records {
        let record = record.map_err(|e| read_error(file, &e))?;
        let line = line_of(&record);
        last_line = line;
        if labels.len() == declared {
            return Err(error(line, None, DataErrorKind::TooManyRows { declared }));
        }
        if record.len() != features + 1 {
            // The first field missing, or the first one too many.
            let column = record.len().min(features + 1) + 1;
            let kind = DataErrorKind::ColumnCount { expected: features + 1, found: record.len() };
            return Err(error(line, Some(column), kind));
        }
        for (j, text) in record.iter().enumerate() {
            let value = match text.trim().parse::<f64>() {
                Ok(value) if value.is_finite() => value,
                _ => {
                    let kind = DataErrorKind::NotANumber { text: text.to_owned() };
                    return Err(error(line, Some(j + 1), kind));
                }
            };
            if j < features {
                entries.push(value);
            } else if value == 0.0 || value == 1.0 {
                labels.push(value);
            } else {
                let kind = DataErrorKind::Label { text: text.to_owned() };
                return Err(error(line, Some(j + 1), kind));
            }
        }
    }
    if labels.len() < declared {
        let kind = DataErrorKind::Truncated { declared, found: labels.len() };
        return Err(error(last_line + 1, None, kind));
    }
    let name = file.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let feature_names = (1..=features).map(|j| format!("x{j}")).collect();
    Ok(Dataset::from_checked_parts(name, entries, features, labels, feature_names, class_names))
}

/// The line a record starts on (every record the reader yields has a position).
fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

/// A CSV reader's failure, with the line where it happened.
fn read_error(file: &Path, e: &csv::Error) -> DataError {
    let line = e.position().map(csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        _ => e.to_string(),
    };
    let column = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => Some(err.field() + 1),
        _ => None,
    };
    DataError::new(file, line, column, DataErrorKind::Read(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "3,2,no,yes\n1.5,2,0\n-3,4e-3,1\n0.25,7,1\n";

    fn parse(text: &str) -> Result<Dataset, DataError> {
        parse_csv(text.as_bytes(), "mem/small.csv")
    }

    /// Checks that `text` fails with `expected` as its whole message.
    fn check(text: &str, expected: &str) {
        assert_eq!(parse(text).unwrap_err().to_string(), expected);
    }

    #[test]
    fn a_good_file_gives_its_rows_labels_and_names() {
        let data = parse(GOOD).unwrap();
        assert_eq!((data.name(), data.samples(), data.features()), ("small", 3, 2));
        assert_eq!(data.row(1), [-3.0, 4e-3]);
        assert_eq!(data.labels(), [0.0, 1.0, 1.0]);
        assert_eq!(data.class_names(), &["no".to_owned(), "yes".to_owned()]);
        assert_eq!(data.feature_names(), ["x1", "x2"]);
    }

    #[test]
    fn windows_line_ends_blank_lines_and_spaces_are_read() {
        let data = parse("2,1,a,b\r\n 1.5 ,0\r\n\r\n2, 1\r\n").unwrap();
        assert_eq!(data.labels(), [0.0, 1.0]);
        assert_eq!(data.row(0), [1.5]);
    }

    #[test]
    fn a_truncated_file_names_the_line_after_its_last_row() {
        check(
            "3,2,no,yes\n1.5,2,0\n-3,4e-3,1\n",
            "mem/small.csv: line 4: the file ends after 2 samples, but its header declares 3",
        );
    }

    #[test]
    fn a_file_cut_in_the_middle_of_a_row_names_the_missing_column() {
        check(
            "3,2,no,yes\n1.5,2,0\n-3,4e-3,1\n0.25\n",
            "mem/small.csv: line 4, column 2: expected 3 fields (the features and the label), found 1",
        );
    }

    #[test]
    fn a_row_too_long_names_the_first_extra_column() {
        check(
            "3,2,no,yes\n1.5,2,0,9\n",
            "mem/small.csv: line 2, column 4: expected 3 fields (the features and the label), found 4",
        );
    }

    #[test]
    fn rows_beyond_the_declared_number_are_an_error() {
        check(
            "1,2,no,yes\n1.5,2,0\n-3,4e-3,1\n",
            "mem/small.csv: line 3: a row beyond the 1 samples the header declares",
        );
    }

    #[test]
    fn a_field_that_is_not_a_number_names_its_line_and_column() {
        check(
            "3,2,no,yes\n1.5,2,0\n-3,abc,1\n0.25,7,1\n",
            "mem/small.csv: line 3, column 2: \"abc\" is not a finite number",
        );
        check(
            "3,2,no,yes\n1.5,,0\n",
            "mem/small.csv: line 2, column 2: \"\" is not a finite number",
        );
    }

    #[test]
    fn nan_and_infinity_are_not_finite_numbers() {
        check(
            "1,2,no,yes\nNaN,2,0\n",
            "mem/small.csv: line 2, column 1: \"NaN\" is not a finite number",
        );
        check(
            "1,2,no,yes\n1,inf,0\n",
            "mem/small.csv: line 2, column 2: \"inf\" is not a finite number",
        );
    }

    #[test]
    fn a_label_other_than_zero_or_one_names_its_line_and_column() {
        check(
            "3,2,no,yes\n1.5,2,0\n-3,4e-3,2\n",
            "mem/small.csv: line 3, column 3: the label is \"2\", must be 0 or 1",
        );
        check(
            "1,2,no,yes\n1.5,2,0.5\n",
            "mem/small.csv: line 2, column 3: the label is \"0.5\", must be 0 or 1",
        );
        check(
            "1,2,no,yes\n1.5,2,yes\n",
            "mem/small.csv: line 2, column 3: \"yes\" is not a finite number",
        );
    }

    #[test]
    fn an_empty_file_or_a_bad_header_is_an_error_on_line_one() {
        check(
            "",
            "mem/small.csv: line 1: the file is empty: expected a header SAMPLES,FEATURES,CLASS0,CLASS1",
        );
        check(
            "many,2,no,yes\n",
            "mem/small.csv: line 1, column 1: the header must declare the number of samples (at least 1) here, found \"many\"",
        );
        check(
            "3,0,no,yes\n",
            "mem/small.csv: line 1, column 2: the header must declare the number of features (at least 1) here, found \"0\"",
        );
        check(
            "3,2,a,b,c\n",
            "mem/small.csv: line 1, column 5: the header must be SAMPLES,FEATURES,CLASS0,CLASS1 (4 fields: a binary data set), found 5 fields",
        );
    }

    #[test]
    fn invalid_utf8_is_a_read_error_with_its_line() {
        let bytes = b"1,2,no,yes\n1.5,\xff,0\n";
        let err = parse_csv(&bytes[..], "mem/bytes.csv").unwrap_err();
        assert_eq!((err.line(), err.column()), (Some(2), Some(2)));
        assert!(matches!(err.kind(), DataErrorKind::Read(_)), "{err}");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nowhere.csv");
        let err = read_csv(&path).unwrap_err();
        assert!(
            matches!(err.kind(), DataErrorKind::Open(e) if e.kind() == io::ErrorKind::NotFound)
        );
        assert_eq!((err.file(), err.line(), err.column()), (path.as_path(), None, None));
        assert!(
            err.to_string().starts_with(&format!("{}: cannot open the file: ", path.display()))
        );
    }

    #[test]
    fn a_file_on_disk_is_read_and_its_errors_name_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.csv");
        std::fs::write(&good, GOOD).unwrap();
        assert_eq!(read_csv(&good).unwrap().name(), "good");
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "2,2,no,yes\n1,2,0\n").unwrap();
        let err = read_csv(&bad).unwrap_err();
        assert_eq!(err.file(), bad.as_path());
        assert_eq!(
            err.to_string(),
            format!(
                "{}: line 3: the file ends after 1 samples, but its header declares 2",
                bad.display()
            )
        );
    }
}

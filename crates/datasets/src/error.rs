//! What can go wrong reading a data file, said with the file, the line and the column.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A data file that cannot be read, or does not hold what its header declares.
///
/// Its message names the file, then the line and the column where they are known
/// (both count from 1, as an editor does; a column is a comma-separated field):
/// `data/breast_cancer.csv: line 12, column 31: the label is "2", must be 0 or 1`.
#[derive(Debug)]
pub struct DataError {
    file: PathBuf,
    line: Option<u64>,
    column: Option<usize>,
    kind: DataErrorKind,
}

/// What is wrong, without where.
#[derive(Debug)]
#[non_exhaustive]
pub enum DataErrorKind {
    /// The file cannot be opened: it is missing, or not readable.
    Open(io::Error),
    /// The bytes cannot be read as CSV text (invalid UTF-8, an I/O error midway).
    Read(String),
    /// The file has no header line.
    Empty,
    /// The header is not `SAMPLES,FEATURES,CLASS0,CLASS1`.
    Header(String),
    /// A row has the wrong number of fields.
    ColumnCount {
        /// The features and the label.
        expected: usize,
        /// The fields of the row.
        found: usize,
    },
    /// A field is not a finite number.
    NotANumber {
        /// The field's text.
        text: String,
    },
    /// A label is a number other than 0 or 1.
    Label {
        /// The field's text.
        text: String,
    },
    /// The file ends before the number of samples its header declares.
    Truncated {
        /// The number of samples the header declares.
        declared: usize,
        /// The number of rows the file holds.
        found: usize,
    },
    /// The file holds more rows than its header declares.
    TooManyRows {
        /// The number of samples the header declares.
        declared: usize,
    },
    /// A pixel of a digit image is not a whole number from 0 to 16.
    Pixel {
        /// The field's text.
        text: String,
    },
    /// A digit's class is not a whole number from 0 to 9.
    Digit {
        /// The field's text.
        text: String,
    },
    /// A file of known contents holds another number of rows.
    RowCount {
        /// The rows the file must hold.
        expected: usize,
        /// The rows it holds.
        found: usize,
    },
}

impl DataError {
    pub(crate) fn new(
        file: &Path,
        line: Option<u64>,
        column: Option<usize>,
        kind: DataErrorKind,
    ) -> Self {
        Self { file: file.to_path_buf(), line, column, kind }
    }

    /// The file, as it was given.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The line (from 1), if the problem is on one.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The column (from 1: the first comma-separated field), if the problem is in one.
    pub fn column(&self) -> Option<usize> {
        self.column
    }

    /// What is wrong.
    pub fn kind(&self) -> &DataErrorKind {
        &self.kind
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, ": line {line}, column {column}")?,
            (Some(line), None) => write!(f, ": line {line}")?,
            (None, Some(column)) => write!(f, ": column {column}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.kind)
    }
}

impl fmt::Display for DataErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Open(error) => write!(f, "cannot open the file: {error}"),
            Self::Read(message) => write!(f, "cannot read the file: {message}"),
            Self::Empty => {
                write!(f, "the file is empty: expected a header SAMPLES,FEATURES,CLASS0,CLASS1")
            }
            Self::Header(message) => write!(f, "{message}"),
            Self::ColumnCount { expected, found } => {
                write!(f, "expected {expected} fields (the features and the label), found {found}")
            }
            Self::NotANumber { text } => write!(f, "{text:?} is not a finite number"),
            Self::Label { text } => write!(f, "the label is {text:?}, must be 0 or 1"),
            Self::Truncated { declared, found } => {
                write!(f, "the file ends after {found} samples, but its header declares {declared}")
            }
            Self::TooManyRows { declared } => {
                write!(f, "a row beyond the {declared} samples the header declares")
            }
            Self::Pixel { text } => {
                write!(f, "the pixel is {text:?}, must be a whole number from 0 to 16")
            }
            Self::Digit { text } => {
                write!(f, "the class is {text:?}, must be a digit from 0 to 9")
            }
            Self::RowCount { expected, found } => {
                write!(f, "the file holds {found} rows, expected {expected}")
            }
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            DataErrorKind::Open(error) => Some(error),
            _ => None,
        }
    }
}

//! The result formats the grader writes, and the file name each platform expects.

/// A result format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// Gradescope's `results.json`.
    Gradescope,
    /// Classroom50's `result.json` (`classroom50/result/v1`).
    Classroom50,
    /// JUnit XML.
    Junit,
    /// The course's own JSON report.
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] =
        [Format::Gradescope, Format::Classroom50, Format::Junit, Format::Json];

    /// The file name the platform expects.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Gradescope => "results.json",
            Format::Classroom50 => "result.json",
            Format::Junit => "junit.xml",
            Format::Json => "grade.json",
        }
    }
}

//! The result files the grading platforms read, written from a [`Report`].
//!
//! | format        | file          | read by |
//! |---------------|---------------|---------|
//! | `gradescope`  | `results.json` | Gradescope's autograder harness (`/autograder/results/`) |
//! | `classroom50` | `result.json`  | Classroom50's runner (`classroom50/result/v1`) |
//! | `junit`       | `junit.xml`    | CI servers' test reports (Jenkins, GitLab, GitHub) |
//! | `json`        | `grade.json`   | the course's own report, with diagnosis, flags and sandbox |
//!
//! Every file is checked against its committed schema (`xtask/schemas/`) before
//! it is written: the grader never hands a platform a file it would reject.

// The formats, then what they share (the comment above each line keeps
// rustfmt from sorting them: the order is the stair of the imports).
//
// Classroom50's `result.json`.
pub mod classroom50;
// Gradescope's `results.json`.
pub mod gradescope;
// JUnit XML.
pub mod junit;
// The course's own JSON report.
pub mod course;
// The committed schemas, and the checks against them.
pub mod schema;
// The list of formats.
pub mod format;

use std::path::{Path, PathBuf};

use anyhow::Context as _;

pub use format::Format;

use crate::grade::report::Report;

/// What a report does not say but a format needs: the submission's context on
/// the platform, and the moment of grading.
#[derive(Debug, Clone)]
pub struct Context {
    /// Classroom50's context of the submission (from the runner's environment).
    pub classroom50: classroom50::Submission,
    /// When the grading finished, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub datetime: String,
}

impl Context {
    /// The context from the environment and the clock.
    pub fn from_env(submission: &Path) -> Self {
        Self { classroom50: classroom50::Submission::from_env(submission), datetime: utc_now() }
    }
}

/// `report` in `format`, checked against the format's schema.
pub fn render(report: &Report, format: Format, context: &Context) -> anyhow::Result<String> {
    let text = match format {
        Format::Gradescope => pretty(&gradescope::results(report))?,
        Format::Classroom50 => {
            pretty(&classroom50::result(report, &context.classroom50, &context.datetime))?
        }
        Format::Junit => junit::xml(report),
        Format::Json => pretty(&course::json(report))?,
    };
    schema::check(format, &text)
        .with_context(|| format!("the {format:?} result breaks its schema"))?;
    Ok(text)
}

/// Writes `report` in each of `formats` into the folder `out`; returns the files.
pub fn write_all(
    report: &Report,
    formats: &[Format],
    context: &Context,
    out: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut written = Vec::new();
    for &format in formats {
        let path = out.join(format.file_name());
        std::fs::write(&path, render(report, format, context)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn pretty(value: &serde_json::Value) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// The time now in UTC, `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc(seconds)
}

/// The UTC time `seconds` after the Unix epoch, `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc(seconds: u64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests;

//! Classroom50's `result.json`, schema `classroom50/result/v1`: the
//! submission's context as the runner passes it in the environment (`CLASSROOM`,
//! `ASSIGNMENT`, `SUBMISSION_TAG`, `COMMIT_URL`, `RELEASE_URL`, `REVIEW_URL`), the
//! time, the score, and per test its name, whether it passed and its points.
//! Exactly those keys: the runner adds the owner and the assignment type.

use std::path::Path;

use serde_json::{Value, json};

use crate::grade::report::{Outcome, Report};

/// The submission's context on Classroom50.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The classroom's short name.
    pub classroom: String,
    /// The assignment's slug.
    pub assignment: String,
    /// The submission's tag, `submit/…`.
    pub submission: String,
    /// The graded commit's URL.
    pub commit: String,
    /// The release's URL.
    pub release: String,
    /// The review's URL (the commit's when there is none).
    pub review: String,
}

impl Submission {
    /// From the runner's environment; outside a runner (a local grading) each
    /// missing value is a stand-in that says so, as the schema wants no empty string.
    pub fn from_env(submission: &Path) -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let local = format!("local:{}", submission.display());
        let commit = var("COMMIT_URL").unwrap_or_else(|| local.clone());
        Self {
            classroom: var("CLASSROOM").unwrap_or_else(|| "local".into()),
            assignment: var("ASSIGNMENT").unwrap_or_else(|| "descent".into()),
            submission: var("SUBMISSION_TAG").unwrap_or_else(|| local.clone()),
            release: var("RELEASE_URL").unwrap_or_else(|| local.clone()),
            review: var("REVIEW_URL").unwrap_or_else(|| commit.clone()),
            commit,
        }
    }
}

/// The `result.json` of `report`, for the submission `s` graded at `datetime`
/// (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn result(report: &Report, s: &Submission, datetime: &str) -> Value {
    let tests: Vec<Value> = report
        .tests
        .iter()
        .map(|t| {
            json!({
                "test-name": t.name,
                "passed": t.outcome == Outcome::Passed,
                "score": t.points,
                "max-score": t.max_points,
            })
        })
        .collect();
    json!({
        "schema": "classroom50/result/v1",
        "classroom": s.classroom,
        "assignment": s.assignment,
        "submission": s.submission,
        "commit": s.commit,
        "release": s.release,
        "review": s.review,
        "datetime": datetime,
        "score": report.total(),
        "max-score": report.max(),
        "tests": tests,
    })
}

//! The result of a grading: per test, per assignment, the total, what the grader
//! diagnosed and flagged, and what the locked-down run enforced. Printed as a
//! table here; written in the platforms' formats by [`super::formats`].

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::kit::rubric::Rubric;

/// How a rubric test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// It ran and passed: full points.
    Passed,
    /// It ran and failed or panicked.
    Failed,
    /// It ran past the time limit and was killed.
    #[serde(rename = "timeout")]
    TimedOut,
    /// It exists but is marked `#[ignore]`.
    Ignored,
    /// No test of that exact name exists (renamed, deleted, filtered away).
    Missing,
    /// The submission did not compile with the graded suite.
    NotBuilt,
    /// The test process was killed by a signal: a limit of the locked-down run
    /// (memory, CPU time, file size, processes) or a crash.
    Crashed,
}

impl Outcome {
    /// The word used in tables and JSON.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timeout",
            Outcome::Ignored => "ignored",
            Outcome::Missing => "missing",
            Outcome::NotBuilt => "not-built",
            Outcome::Crashed => "crashed",
        }
    }
}

/// One rubric test's result.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// `TARGET::PATH`.
    pub name: String,
    /// The assignment that scores it.
    pub assignment: String,
    /// Points earned.
    #[serde(rename = "score")]
    pub points: u32,
    /// Points it is worth.
    #[serde(rename = "max_score")]
    pub max_points: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it did not pass (empty if it did).
    pub message: String,
    /// How long it ran, in seconds.
    #[serde(skip)]
    pub seconds: f64,
    /// True for a hidden test (`--extra-tests`): platforms show it after the due date.
    #[serde(skip)]
    pub hidden: bool,
}

/// One assignment's score.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentScore {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The book chapter to read for it (a file of `book/src`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    /// Points earned.
    pub points: u32,
    /// Points possible.
    pub max: u32,
}

/// A known mistake that the submission's functions reproduce (see `diagnose`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The mistake's name (a fixture of `xtask/fixtures/wrong.toml`).
    pub mistake: String,
    /// What the student's code does, in the course's terms, and where to read.
    pub message: String,
    /// The chapter to read (a file of `book/src`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
}

/// What the locked-down run of the tests enforced on this machine, and what not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SandboxNote {
    /// The protections in force, one sentence each.
    pub enforced: Vec<String>,
    /// The protections this machine could not give, and why.
    pub not_enforced: Vec<String>,
}

/// The whole result.
#[derive(Debug, Clone)]
pub struct Report {
    /// What was graded.
    pub submission: String,
    /// Per assignment, in rubric order.
    pub assignments: Vec<AssignmentScore>,
    /// Per rubric test, in rubric order.
    pub tests: Vec<TestResult>,
    /// Tests of the suite that neither the rubric nor `[excluded]` names.
    pub unscored: Vec<String>,
    /// Names under `[excluded]` that the suite does not have.
    pub excluded_missing: Vec<String>,
    /// The compiler's complaint, if the submission did not build.
    pub build_error: Option<String>,
    /// Seconds the grading took, build included.
    pub seconds: f64,
    /// Known mistakes the submission's functions reproduce; empty if none or
    /// not looked for (see [`Report::diagnosed`]).
    pub diagnosis: Vec<Diagnosis>,
    /// True once the submission's functions were compared with the known mistakes.
    pub diagnosed: bool,
    /// Files refused before the build (see `grade::screen`), one line each;
    /// their crates were graded as their stubs.
    pub refused: Vec<String>,
    /// Constructs in the submission's source an instructor should look at.
    pub flags: Vec<String>,
    /// What the locked-down run enforced.
    pub sandbox: SandboxNote,
}

impl Report {
    /// A report from test results.
    pub fn new(
        rubric: &Rubric,
        submission: &Path,
        tests: Vec<TestResult>,
        unscored: Vec<String>,
        excluded_missing: Vec<String>,
    ) -> Self {
        let assignments = rubric
            .assignments
            .iter()
            .map(|a| {
                let mine = tests.iter().filter(|t| t.assignment == a.id);
                AssignmentScore {
                    id: a.id.clone(),
                    title: a.title.clone(),
                    chapter: a.chapter.clone(),
                    points: mine.clone().map(|t| t.points).sum(),
                    max: mine.map(|t| t.max_points).sum(),
                }
            })
            .collect();
        Self {
            submission: submission.display().to_string(),
            assignments,
            tests,
            unscored,
            excluded_missing,
            build_error: None,
            seconds: 0.0,
            diagnosis: Vec::new(),
            diagnosed: false,
            refused: Vec::new(),
            flags: Vec::new(),
            sandbox: SandboxNote::default(),
        }
    }

    /// The report of a submission that does not compile: zero everywhere.
    pub fn not_built(rubric: &Rubric, submission: &Path, log: String) -> Self {
        let tests = rubric
            .scored_tests()
            .into_iter()
            .map(|(name, assignment, points)| TestResult {
                name: name.to_string(),
                assignment: assignment.to_string(),
                points: 0,
                max_points: points,
                outcome: Outcome::NotBuilt,
                message: "the submission does not compile with the graded suite".into(),
                seconds: 0.0,
                hidden: false,
            })
            .collect();
        Self { build_error: Some(log), ..Self::new(rubric, submission, tests, vec![], vec![]) }
    }

    /// Points earned.
    pub fn total(&self) -> u32 {
        self.tests.iter().map(|t| t.points).sum()
    }

    /// Points possible.
    pub fn max(&self) -> u32 {
        self.tests.iter().map(|t| t.max_points).sum()
    }

    /// An assignment's score, by id.
    pub fn assignment(&self, id: &str) -> Option<&AssignmentScore> {
        self.assignments.iter().find(|a| a.id == id)
    }

    /// A test's result, by name.
    #[cfg(test)]
    pub fn test(&self, name: &str) -> Option<&TestResult> {
        self.tests.iter().find(|t| t.name == name)
    }

    /// The score table, then every test that lost points and why.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let width =
            self.assignments.iter().map(|a| a.title.chars().count()).max().unwrap_or(0).max(10);
        let _ = writeln!(out, "Grade of {}", self.submission);
        let _ = writeln!(out);
        let _ = writeln!(out, "{:<width$}  {:>7}", "assignment", "points");
        for a in &self.assignments {
            let _ = writeln!(out, "{:<width$}  {:>7}", a.title, format!("{}/{}", a.points, a.max));
        }
        let _ =
            writeln!(out, "{:<width$}  {:>7}", "total", format!("{}/{}", self.total(), self.max()));
        if let Some(log) = &self.build_error {
            let _ =
                writeln!(out, "\nThe submission does not compile with the graded suite:\n{log}");
        }
        let lost: Vec<&TestResult> =
            self.tests.iter().filter(|t| t.outcome != Outcome::Passed).collect();
        if !lost.is_empty() && self.build_error.is_none() {
            let _ = writeln!(out, "\nTests that earned nothing:");
            for t in lost {
                // The message, not the "thread … panicked at file:line:" line.
                let mut lines = t.message.lines();
                let first = lines.next().unwrap_or("");
                let first_line = match lines.next() {
                    Some(message) if first.contains("panicked at") => message,
                    _ => first,
                };
                let _ = writeln!(
                    out,
                    "  {:<9} {} (0/{}): {first_line}",
                    t.outcome.word(),
                    t.name,
                    t.max_points
                );
            }
        }
        if !self.unscored.is_empty() {
            let _ =
                writeln!(out, "\nTests in the suite that the rubric neither scores nor excludes:");
            for name in &self.unscored {
                let _ = writeln!(out, "  {name}");
            }
        }
        if !self.excluded_missing.is_empty() {
            let _ = writeln!(out, "\nExcluded tests that the suite does not have:");
            for name in &self.excluded_missing {
                let _ = writeln!(out, "  {name}");
            }
        }
        out
    }
}

//! Gradescope's `results.json` ("Autograder Specifications"): the score, the
//! time taken, an overall output in Markdown, and per rubric test its score,
//! status, number, output, tags and visibility. Hidden tests (`--extra-tests`)
//! are shown after the due date.

use serde_json::{Value, json};

use super::course::summary_markdown;
use crate::grade::feedback;
use crate::grade::report::{Outcome, Report};

/// The `results.json` of `report`.
pub fn results(report: &Report) -> Value {
    let mut tests = Vec::new();
    for (a_index, assignment) in report.assignments.iter().enumerate() {
        let mine = report.tests.iter().filter(|t| t.assignment == assignment.id);
        for (t_index, t) in mine.enumerate() {
            tests.push(json!({
                "score": t.points,
                "max_score": t.max_points,
                "status": if t.outcome == Outcome::Passed { "passed" } else { "failed" },
                "name": t.name,
                "name_format": "text",
                "number": format!("{}.{}", a_index + 1, t_index + 1),
                "output": feedback::with_chapter(&t.message, assignment.chapter.as_deref()),
                "output_format": "text",
                "tags": [assignment.id.as_str(), t.outcome.word()],
                "visibility": if t.hidden { "after_due_date" } else { "visible" },
                "extra_data": { "outcome": t.outcome.word(), "assignment": assignment.title },
            }));
        }
    }
    json!({
        "score": report.total(),
        "execution_time": report.seconds.round(),
        "output": summary_markdown(report),
        "output_format": "md",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {
            "max_score": report.max(),
            "assignments": report.assignments,
            "refused": report.refused,
            "flags": report.flags,
        },
        "tests": tests,
    })
}

//! The course's own JSON report (`descent/grade/v1`): the total and each
//! assignment, each rubric test with its outcome and message, the tests the
//! rubric does not account for, the diagnosis, the flags, and what the
//! locked-down run enforced. Also the Markdown summary the other formats show.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::grade::report::Report;

/// The course's JSON of `report`.
pub fn json(report: &Report) -> Value {
    let tests: Vec<Value> = report
        .tests
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "assignment": t.assignment,
                "outcome": t.outcome,
                "score": t.points,
                "max_score": t.max_points,
                "message": t.message,
                "hidden": t.hidden,
                "execution_time": (t.seconds * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    let mut value = json!({
        "schema": "descent/grade/v1",
        "submission": report.submission,
        "status": if report.total() == report.max() { "pass" } else { "fail" },
        "total": report.total(),
        "max": report.max(),
        "execution_time": (report.seconds * 1000.0).round() / 1000.0,
        "assignments": report.assignments,
        "tests": tests,
        "unscored_tests": report.unscored,
        "diagnosis": report.diagnosis,
        "refused": report.refused,
        "flags": report.flags,
        "sandbox": report.sandbox,
    });
    if let (Some(log), Some(map)) = (&report.build_error, value.as_object_mut()) {
        map.insert("build_error".into(), json!(log));
    }
    value
}

/// A short Markdown summary for a student: points per assignment, the known
/// mistakes found, and the compiler's error if it did not build.
pub fn summary_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| assignment | points |\n|---|---|");
    for a in &report.assignments {
        let _ = writeln!(out, "| {} | {}/{} |", a.title, a.points, a.max);
    }
    let _ = writeln!(out, "| **total** | **{}/{}** |", report.total(), report.max());
    if !report.refused.is_empty() {
        let _ = writeln!(
            out,
            "\nRefused before building (each crate graded as its stub):\n\n{}",
            crate::grade::feedback::fenced(&report.refused.join("\n"), "text")
        );
    }
    if let Some(log) = &report.build_error {
        let _ = writeln!(
            out,
            "\nYour code does not compile with the course's tests:\n\n{}",
            crate::grade::feedback::fenced(log, "text")
        );
    }
    if !report.diagnosis.is_empty() {
        let _ = writeln!(out, "\n**What your code does**\n");
        for d in &report.diagnosis {
            let _ = writeln!(out, "- {}", d.message);
        }
    } else if report.diagnosed {
        let _ = writeln!(
            out,
            "\nNo known mistake matches what your functions do: read the failing tests' messages."
        );
    }
    out
}

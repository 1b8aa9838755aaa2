//! JUnit XML: one `<testsuite>` per assignment, one `<testcase>` per rubric test.
//! A test that ran and failed (or timed out, or crashed) is a `<failure>`; one
//! that could not run (missing, not built) an `<error>`; an ignored one
//! `<skipped>`. The points go in each suite's `<properties>`.

use std::fmt::Write as _;

use crate::grade::feedback;
use crate::grade::report::{Outcome, Report, TestResult};

/// The JUnit XML of `report`.
pub fn xml(report: &Report) -> String {
    let count = |tests: &[&TestResult], f: fn(Outcome) -> bool| {
        tests.iter().filter(|t| f(t.outcome)).count()
    };
    let all: Vec<&TestResult> = report.tests.iter().collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        escape(&report.submission),
        all.len(),
        count(&all, is_failure),
        count(&all, is_error),
        count(&all, |o| o == Outcome::Ignored),
        report.seconds,
    );
    for assignment in &report.assignments {
        let mine: Vec<&TestResult> =
            report.tests.iter().filter(|t| t.assignment == assignment.id).collect();
        let seconds: f64 = mine.iter().map(|t| t.seconds).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            escape(&assignment.title),
            mine.len(),
            count(&mine, is_failure),
            count(&mine, is_error),
            count(&mine, |o| o == Outcome::Ignored),
            seconds,
        );
        let _ = writeln!(
            out,
            "    <properties>\n      <property name=\"points\" value=\"{}/{}\"/>\n    </properties>",
            assignment.points, assignment.max
        );
        for t in mine {
            let classname = t.name.split_once("::").map_or("", |(target, _)| target);
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                escape(&t.name),
                escape(classname),
                t.seconds
            );
            let message = feedback::with_chapter(&t.message, assignment.chapter.as_deref());
            let first = message.lines().next().unwrap_or("");
            let element = match t.outcome {
                Outcome::Passed => None,
                Outcome::Ignored => Some("skipped"),
                o if is_error(o) => Some("error"),
                _ => Some("failure"),
            };
            match element {
                None => out.push_str("/>\n"),
                Some(element) => {
                    let _ = writeln!(
                        out,
                        ">\n      <{element} message=\"{}\" type=\"{}\">{}</{element}>\n    </testcase>",
                        escape(first),
                        t.outcome.word(),
                        escape(&message)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn is_failure(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Failed | Outcome::TimedOut | Outcome::Crashed)
}

fn is_error(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Missing | Outcome::NotBuilt)
}

/// `text` with XML's special characters escaped and the characters XML 1.0
/// cannot hold (control characters other than tab and newline) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

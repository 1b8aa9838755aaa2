//! Why a report is not what the kit expects: the solutions' report shows a
//! rubric that does not fit the suite, a failed test's message is not one a
//! student can read, a wrong submission loses points where it should not.

use crate::grade::report::{Outcome, Report};
use crate::kit::fixtures::Fixture;

/// Why the solutions' report shows a rubric that does not fit the suite.
pub fn rubric_problems(report: &Report) -> Vec<String> {
    let mut problems: Vec<String> = report
        .tests
        .iter()
        .filter(|t| t.outcome != Outcome::Passed)
        .map(|t| {
            format!("{} {}: {}", t.name, t.outcome.word(), t.message.lines().next().unwrap_or(""))
        })
        .collect();
    if let Some(log) = &report.build_error {
        problems.push(format!("the course does not build: {log}"));
    }
    problems.extend(
        report
            .unscored
            .iter()
            .map(|n| format!("{n} is in the suite but neither scored nor excluded")),
    );
    problems.extend(
        report.excluded_missing.iter().map(|n| format!("{n} is excluded but not in the suite")),
    );
    problems
}

/// Why the messages of a report's failed tests are not what a student can read:
/// each is one message (no `panicked at` lines, no panic repeated), a property's
/// names its minimal failing input, numbers are shown as numbers (a bit pattern
/// only beside its number), and the feedback names the chapter to read.
pub fn message_problems(report: &Report) -> Vec<String> {
    let feedback = crate::grade::feedback::student_markdown(report);
    let mut problems = Vec::new();
    for t in report.tests.iter().filter(|t| t.outcome == Outcome::Failed) {
        let m = &t.message;
        if m.trim().is_empty() {
            problems.push(format!("{}: an empty message", t.name));
        }
        if m.contains("panicked at") {
            problems.push(format!("{}: a `panicked at` line in the message", t.name));
        }
        if m.contains("Test failed") && !m.contains("minimal failing input") {
            problems.push(format!("{}: a failing property without its minimal input", t.name));
        }
        if has_bare_bit_pattern(m) {
            problems.push(format!("{}: numbers shown as bare bit patterns", t.name));
        }
    }
    let failed = report.tests.iter().filter(|t| t.outcome != Outcome::Passed).count();
    if failed > 0 && feedback.matches("Read: book/src/").count() < failed.min(1) {
        problems.push("the feedback names no chapter to read".into());
    }
    problems
}

/// True if `text` holds a run of 16 or more decimal digits that is neither hex
/// (after `0x`) nor the fraction of a number: an `f64` shown as its bit pattern.
pub fn has_bare_bit_pattern(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let before = &bytes[start.saturating_sub(2)..start];
            let hex_or_fraction = before.ends_with(b"0x") || before.ends_with(b".");
            if i - start >= 16 && !hex_or_fraction {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}

/// Why a wrong submission's report is not what the fixture expects.
pub fn fixture_problems(fixture: &Fixture, report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    if report.build_error.is_some() {
        problems.push(format!("{}: does not compile", fixture.name));
    }
    for a in &report.assignments {
        let must_lose = fixture.loses.contains(&a.id);
        let may_lose = fixture.may_also_lose.contains(&a.id);
        if must_lose && a.points == a.max {
            problems.push(format!(
                "{}: keeps full marks in `{}` ({})",
                fixture.name, a.id, fixture.mistake
            ));
        }
        if !must_lose && !may_lose && a.points < a.max {
            problems.push(format!(
                "{}: loses points in `{}`, which it cannot affect",
                fixture.name, a.id
            ));
        }
    }
    for id in fixture.loses.iter().chain(&fixture.may_also_lose) {
        if report.assignment(id).is_none() {
            problems.push(format!(
                "{}: names an assignment `{id}` the rubric does not have",
                fixture.name
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_patterns_are_told_from_numbers() {
        assert!(has_bare_bit_pattern("left: `Some([4666723172467343360])`"));
        assert!(!has_bare_bit_pattern("[10000.0] (bits 0x40c3880000000000)"));
        assert!(!has_bare_bit_pattern("got 0.30000000000000004, expected 2.683281572999747e-1"));
        assert!(!has_bare_bit_pattern("(1 − 2.1)·w = -1.1e0 ± 2.0650148258027913e-15"));
    }
}

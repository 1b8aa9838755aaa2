//! What a student reads about a test that earned nothing: one message, not the
//! test process's whole output. The message itself is condensed by
//! `descent_feedback::message`, which the student's checker (`cargo learn`) shares,
//! so that both say the same; this module adds the grader's own files (the
//! Markdown feedback of a student, code blocks no student text can close).

use std::fmt::Write as _;

pub use descent_feedback::message::{cap, condense, printable, tail, with_chapter};

use super::report::{Outcome, Report};

/// `text` as a Markdown code block whose fence no line of it can close: one
/// backtick longer than its longest run of backticks (and at least three).
/// Inside it, a heading, a link or `<script>` is text.
pub fn fenced(text: &str, info: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{info}\n{}\n{fence}", printable(text))
}

/// A student's feedback file: the points, what their code does if it matches a
/// known mistake, then each test that earned nothing, with its one message and
/// the chapter to read.
pub fn student_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Your grade: {}/{}\n", report.total(), report.max());
    let _ = writeln!(out, "| assignment | points |\n|---|---|");
    for a in &report.assignments {
        let _ = writeln!(out, "| {} | {}/{} |", a.title, a.points, a.max);
    }
    if !report.refused.is_empty() {
        let _ = writeln!(
            out,
            "\n## Refused before building\n\nThese files reach outside your submission or \
             outside safe Rust; each crate they are in was graded as the untouched stub:\n\n{}",
            fenced(&report.refused.join("\n"), "text")
        );
    }
    if let Some(log) = &report.build_error {
        let _ =
            writeln!(out, "\n## Your code could not be graded\n\n{}", fenced(&cap(log), "text"));
        return out;
    }
    if !report.diagnosis.is_empty() {
        let _ = writeln!(out, "\n## What your code does\n");
        for d in &report.diagnosis {
            let _ = writeln!(out, "- {}", d.message);
        }
    } else if report.diagnosed {
        let _ = writeln!(
            out,
            "\n## What your code does\n\n{}",
            descent_feedback::mistakes::NO_KNOWN_MISTAKE
        );
    }
    let lost: Vec<_> = report.tests.iter().filter(|t| t.outcome != Outcome::Passed).collect();
    if !lost.is_empty() {
        let _ = writeln!(out, "\n## Tests that earned nothing\n");
        for t in lost {
            let chapter = report
                .assignments
                .iter()
                .find(|a| a.id == t.assignment)
                .and_then(|a| a.chapter.as_deref());
            let _ = writeln!(
                out,
                "### `{}` ({}, 0/{})\n\n{}\n",
                t.name,
                t.outcome.word(),
                t.max_points,
                fenced(&with_chapter(&t.message, chapter), "text")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_students_fences_headings_scripts_and_escapes_stay_inside_the_code_block() {
        let message = "```\n# Full marks\n<script>alert(1)</script>\n````\u{1b}[2J\u{7}";
        let block = fenced(message, "text");
        assert!(block.starts_with("`````text\n") && block.ends_with("\n`````"), "{block}");
        assert!(!block.contains('\u{1b}') && !block.contains('\u{7}'));
        // The block's own fence is the only line of five backticks.
        assert_eq!(block.lines().filter(|l| l.starts_with("`````")).count(), 2);
        assert_eq!(fenced("no ticks", ""), "```\nno ticks\n```");
    }
}

//! What a student reads about a test that earned nothing: one message, not the
//! test process's whole output.
//!
//! Libtest captures everything a failing test printed. A property test that
//! panics (rather than returning a `TestCaseError`) prints its panic once per
//! shrinking step, then proptest panics once more with the reason and the
//! minimal failing input. This module keeps that last, useful panic (or the only
//! one), drops the `thread '…' panicked at …` lines and proptest's counters, and
//! caps the length; [`with_chapter`] adds the chapter to read.

use std::fmt::Write as _;

use super::report::{Outcome, Report};

/// The longest message kept, in characters.
pub const MAX_CHARS: usize = 1200;

/// One readable message from a failed test's captured output.
pub fn condense(captured: &str) -> String {
    let blocks = panic_blocks(captured);
    let chosen = blocks
        .iter()
        .rev()
        .find(|b| b.contains("minimal failing input"))
        .or_else(|| blocks.first())
        .cloned()
        .unwrap_or_else(|| captured.trim().to_string());
    let kept: Vec<&str> = chosen
        .lines()
        .filter(|l| {
            let t = l.trim();
            !(t.starts_with("successes:")
                || t.starts_with("local rejects:")
                || t.starts_with("global rejects:")
                || t.starts_with("note: run with `RUST_BACKTRACE")
                || t.starts_with("proptest: FileFailurePersistence"))
        })
        .collect();
    cap(kept.join("\n").trim())
}

/// The panics in `captured`, each without its `thread '…' panicked at …:` line.
fn panic_blocks(captured: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in captured.lines() {
        if line.starts_with("thread '") && line.contains("panicked at") {
            if let Some(done) = current.take() {
                blocks.push(done.join("\n"));
            }
            current = Some(Vec::new());
        } else if let Some(block) = current.as_mut() {
            block.push(line);
        }
    }
    if let Some(done) = current {
        blocks.push(done.join("\n"));
    }
    blocks.retain(|b| !b.trim().is_empty());
    blocks
}

/// `text` cut to [`MAX_CHARS`], with an ellipsis where it was cut. A property's
/// minimal failing input is what a student needs most, so a long message keeps
/// it: the assertion before it is cut instead (to what is left after the input,
/// itself at most half the room).
pub fn cap(text: &str) -> String {
    const INPUT: &str = "\nminimal failing input";
    let text = &printable(text);
    if text.chars().count() <= MAX_CHARS {
        return text.to_string();
    }
    match text.find(INPUT) {
        Some(at) => {
            let input = cut(&text[at..], MAX_CHARS / 2);
            let room = MAX_CHARS - input.chars().count();
            format!("{}{input}", cut(&text[..at], room))
        }
        None => cut(text, MAX_CHARS),
    }
}

/// The first `chars` characters of `text`, and an ellipsis if that cut it.
fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The last `n` lines of `text`, printable (see [`printable`]).
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    printable(&lines[lines.len().saturating_sub(n)..].join("\n"))
}

/// `text` without control characters but line breaks and tabs: a student's
/// output cannot move an instructor's cursor, colour a terminal or hide a line.
pub fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

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

/// `message` followed by the chapter to read, if the test's assignment has one.
pub fn with_chapter(message: &str, chapter: Option<&str>) -> String {
    match chapter {
        Some(chapter) if !message.is_empty() => format!("{message}\nRead: book/src/{chapter}"),
        _ => message.to_string(),
    }
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
            "\n## What your code does\n\nNo known mistake matches what your functions do; \
             the messages below say where they differ from the rules."
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

    #[test]
    fn a_shrinking_property_gives_its_final_panic_once_without_the_counters() {
        let captured = "thread 'p' (7) panicked at tests/tests/x.rs:9:5:\nΔ: got 2, expected 1\n\
                        thread 'p' (7) panicked at tests/tests/x.rs:9:5:\nΔ: got 3, expected 1\n\
                        thread 'p' (7) panicked at tests/tests/x.rs:1:1:\n\
                        Test failed: Δ: got 2, expected 1.\nminimal failing input: g = 1.0\n\
                        \tsuccesses: 5\n\tlocal rejects: 0\n\tglobal rejects: 0\n";
        assert_eq!(
            condense(captured),
            "Test failed: Δ: got 2, expected 1.\nminimal failing input: g = 1.0"
        );
    }

    #[test]
    fn a_plain_panic_keeps_its_message_and_output_without_a_panic_is_kept_whole() {
        assert_eq!(condense("thread 't' panicked at a.rs:1:1:\nleft: 6\n"), "left: 6");
        assert_eq!(condense("  killed  \n"), "killed");
        let long = "x".repeat(MAX_CHARS + 10);
        assert_eq!(condense(&long).chars().count(), MAX_CHARS + 1);
    }

    #[test]
    fn a_long_failing_property_keeps_its_minimal_input_and_cuts_the_assertion() {
        let assertion = format!("Test failed: left: {}", "1.0, ".repeat(MAX_CHARS));
        let captured = format!(
            "thread 'p' (7) panicked at tests/tests/x.rs:1:1:\n{assertion}\n\
             minimal failing input: start = [1.0, 1.0]\n\tsuccesses: 7\n"
        );
        let message = condense(&captured);
        assert!(message.chars().count() <= MAX_CHARS + 2, "{}", message.chars().count());
        assert!(message.starts_with("Test failed: left: 1.0, 1.0"), "{message}");
        assert!(message.ends_with("…\nminimal failing input: start = [1.0, 1.0]"), "{message}");
    }
}

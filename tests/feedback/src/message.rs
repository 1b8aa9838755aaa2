//! One readable message from a failed test's output, not the test process's
//! whole output.
//!
//! Libtest captures everything a failing test printed. A property test that
//! panics (rather than returning a `TestCaseError`) prints its panic once per
//! shrinking step, then proptest panics once more with the reason and the
//! minimal failing input. [`condense`] keeps that last, useful panic (or the only
//! one), drops the `thread '…' panicked at …` lines and proptest's counters, and
//! caps the length; [`with_chapter`] adds the chapter to read.

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

/// The one message a student reads about a test that libtest ran and reported
/// failed, from the test process's output: the test's captured output, condensed,
/// or the end of its standard error if libtest reported none.
pub fn of_failed_test(stdout: &str, stderr: &str) -> String {
    let captured: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("---- "))
        .skip(1)
        .take_while(|l| *l != "failures:" && !l.starts_with("---- "))
        .collect();
    if captured.is_empty() {
        let text = tail(stderr, 5);
        if text.trim().is_empty() {
            return "the test process ended without libtest's report of this test (did the code \
                    exit the process?)"
                .into();
        }
        return cap(&text);
    }
    condense(&captured.join("\n"))
}

/// `message` followed by the chapter to read, if the test's assignment has one.
pub fn with_chapter(message: &str, chapter: Option<&str>) -> String {
    match chapter {
        Some(chapter) if !message.is_empty() => format!("{message}\nRead: book/src/{chapter}"),
        _ => message.to_string(),
    }
}

/// `message` followed by what to read: the section of the chapter if there is
/// one (`Read: “The role of ε” in book/src/adagrad.md`), else the chapter alone,
/// as [`with_chapter`] says it.
pub fn with_reading(message: &str, chapter: Option<&str>, section: Option<&str>) -> String {
    match (chapter, section) {
        (Some(chapter), Some(section)) if !message.is_empty() => {
            format!("{message}\nRead: “{section}” in book/src/{chapter}")
        }
        _ => with_chapter(message, chapter),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_reading_names_the_section_when_there_is_one() {
        assert_eq!(with_chapter("m", Some("a.md")), "m\nRead: book/src/a.md");
        assert_eq!(with_reading("m", Some("a.md"), Some("S")), "m\nRead: “S” in book/src/a.md");
        assert_eq!(with_reading("m", Some("a.md"), None), "m\nRead: book/src/a.md");
        assert_eq!(with_reading("", Some("a.md"), Some("S")), "");
    }
}

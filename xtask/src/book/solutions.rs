//! What a chapter says about solution code, in the course's book and in a student's.
//!
//! The course's book includes the solutions (the anchored regions of the crates);
//! a student copy's book is built from stubbed crates, where each region is a
//! `todo!("hint")`. Two things keep the student's pages honest:
//!
//! - **Cut listings are said to be cut.** [`mark_cut_listings`] puts a note before
//!   every code block that holds a `todo!(`: the page says plainly that this is the
//!   reader's assignment, and the equation stays in the text around it.
//! - **Prose about a solution has a student version.** A passage that only makes
//!   sense beside the solution ("line for line it is the equation", a diff of two
//!   steps) sits between `<!-- solution prose -->` and `<!-- end of solution
//!   prose -->`, followed, inside that pair, by a comment `<!-- student prose: … -->`
//!   that holds what the student's page says instead. The course's book shows the
//!   first and hides the comment; [`student_text`] (run by `cargo xtask student`)
//!   keeps only the second.

use anyhow::{Result, bail};

/// Opens a passage about solution code.
pub const START: &str = "<!-- solution prose -->";
/// Opens, inside a passage, the comment with the student's version.
pub const STUDENT: &str = "<!-- student prose:";
/// Closes a passage.
pub const END: &str = "<!-- end of solution prose -->";

/// The note a student's page carries before a listing whose solution is cut.
pub const CUT_NOTE: &str = "> **Your assignment.** The solution in this listing is cut from \
                            your copy: `todo!()` marks the code you write, and its message \
                            restates the rule. The equation in the text is what it must \
                            compute; the graded tests (`cargo test`) tell you when it does.";

/// One passage: where it starts and ends, and where its student version is.
struct Passage {
    start: usize,
    student: (usize, usize),
    end: usize,
}

/// The offset of the first `marker` in `text[from..to]` that begins a line (after
/// any indentation): a marker quoted inside a sentence is not one.
fn find_marker(text: &str, from: usize, to: usize, marker: &str) -> Option<usize> {
    let mut at = from;
    while let Some(i) = text[at..to].find(marker).map(|i| i + at) {
        let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
        if text[line_start..i].trim().is_empty() {
            return Some(i);
        }
        at = i + marker.len();
    }
    None
}

/// The passages of `markdown`; an error names the line of a marker out of place.
fn passages(markdown: &str) -> Result<Vec<Passage>> {
    let line_of = |offset: usize| markdown[..offset].matches('\n').count() + 1;
    let all = markdown.len();
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(start) = find_marker(markdown, rest, all, START) {
        let body = start + START.len();
        let Some(end) = find_marker(markdown, body, all, END) else {
            bail!("line {}: `{START}` has no `{END}` after it", line_of(start));
        };
        if let Some(nested) = find_marker(markdown, body, end, START) {
            bail!("line {}: a solution passage opens inside another", line_of(nested));
        }
        let Some(open) = find_marker(markdown, body, end, STUDENT) else {
            bail!(
                "line {}: the solution passage has no `{STUDENT} … -->` with the student's version",
                line_of(start)
            );
        };
        let text = open + STUDENT.len();
        let Some(close) = markdown[text..end].find("-->").map(|i| i + text) else {
            bail!("line {}: `{STUDENT}` is not closed by `-->`", line_of(open));
        };
        if !markdown[close + 3..end].trim().is_empty() {
            bail!("line {}: nothing may follow the student's version in a passage", line_of(close));
        }
        found.push(Passage { start, student: (text, close), end: end + END.len() });
        rest = end + END.len();
    }
    if let Some(stray) = [STUDENT, END].iter().find_map(|marker| {
        let mut at = 0;
        while let Some(i) = find_marker(markdown, at, all, marker) {
            if !found.iter().any(|p| p.start < i && i < p.end) {
                return Some(i);
            }
            at = i + marker.len();
        }
        None
    }) {
        bail!("line {}: a solution-prose marker outside a passage", line_of(stray));
    }
    Ok(found)
}

/// Checks that the markers of `markdown` pair up (the course's build runs it, so a
/// broken passage is caught before a student copy is made).
pub fn check(markdown: &str) -> Result<()> {
    passages(markdown).map(|_| ())
}

/// `markdown` as a student's book says it: each passage replaced by its student
/// version.
pub fn student_text(markdown: &str) -> Result<String> {
    let mut out = String::with_capacity(markdown.len());
    let mut last = 0;
    for passage in passages(markdown)? {
        out.push_str(&markdown[last..passage.start]);
        out.push_str(markdown[passage.student.0..passage.student.1].trim_matches('\n'));
        last = passage.end;
    }
    out.push_str(&markdown[last..]);
    Ok(out)
}

/// `markdown` with [`CUT_NOTE`] before every fenced code block that holds `todo!(`.
pub fn mark_cut_listings(markdown: &str) -> String {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = String::with_capacity(markdown.len());
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if line.trim_start().starts_with("```") {
            let close =
                (index + 1..lines.len()).find(|&k| lines[k].trim_start().starts_with("```"));
            let end = close.unwrap_or(lines.len() - 1);
            if lines[index..=end].iter().any(|l| l.contains("todo!(")) {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push_str(&format!("{indent}{CUT_NOTE}\n\n"));
            }
            for l in &lines[index..=end] {
                out.push_str(l);
                out.push('\n');
            }
            index = end + 1;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        index += 1;
    }
    if !markdown.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "Before.\n\n<!-- solution prose -->\nLine for line it is the \
                           equation.\n<!-- student prose:\nThe step is yours to write.\n-->\n\
                           <!-- end of solution prose -->\n\nAfter.\n";

    #[test]
    fn the_student_text_keeps_the_student_version_of_each_passage() {
        assert_eq!(
            student_text(CHAPTER).unwrap(),
            "Before.\n\nThe step is yours to write.\n\nAfter.\n"
        );
        check(CHAPTER).unwrap();
    }

    #[test]
    fn a_passage_without_a_student_version_or_an_end_is_an_error_naming_its_line() {
        let no_student = "a\n<!-- solution prose -->\nx\n<!-- end of solution prose -->\n";
        assert!(format!("{:#}", check(no_student).unwrap_err()).contains("line 2"));
        let no_end = "a\n\n<!-- solution prose -->\nx\n";
        assert!(format!("{:#}", check(no_end).unwrap_err()).contains("line 3"));
        let stray = "a\n<!-- end of solution prose -->\n";
        assert!(format!("{:#}", check(stray).unwrap_err()).contains("line 2"));
        check("Write `<!-- solution prose -->` on a line of its own.\n").unwrap();
    }

    #[test]
    fn a_listing_with_a_todo_gets_the_note_and_others_do_not() {
        let page = "Text.\n\n```rust\nfn f() {\n    todo!(\"w ← w − η·g\")\n}\n```\n\n```rust\nlet x = 1;\n```\n";
        let marked = mark_cut_listings(page);
        assert_eq!(marked.matches("**Your assignment.**").count(), 1, "{marked}");
        assert!(marked.find("Your assignment").unwrap() < marked.find("todo!").unwrap());
        assert_eq!(mark_cut_listings("```rust\nlet x = 1;\n```\n"), "```rust\nlet x = 1;\n```\n");
    }
}

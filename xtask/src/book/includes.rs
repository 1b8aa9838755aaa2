//! The strict include check: every `{{#include}}` must find its file and anchors.
//!
//! mdBook renders a missing anchor as an empty block, takes the rest of the file
//! when `ANCHOR_END` is missing, and only logs a missing file, all with exit code 0.
//! The book shows the crates' real code through anchors (`// ANCHOR: accumulate`
//! … `// ANCHOR_END: accumulate`), so an anchor is part of the crates' API towards
//! the book: this check runs before mdBook's own include step and turns each of
//! those three cases into an error naming the chapter, the file and the anchor.
//!
//! The directives and anchors are recognised as mdBook 0.5.4 recognises them:
//! `{{#include PATH}}`, `{{#include PATH:ANCHOR}}`, `{{#include PATH:FROM:TO}}`,
//! `{{#rustdoc_include …}}` and `{{#playground PATH}}`, a leading `\` escaping the
//! directive, paths relative to the file that holds the directive, and anchor
//! lines as [`crate::anchors::marker`] reads them (the kit's solution regions
//! read them with the same function). Included text is
//! checked in turn, as mdBook expands it (up to ten levels deep). The book's own
//! `{{#diff OLD NEW}}` directive (see [`diff`](super::diff)) is checked the same way.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use mdbook_preprocessor::book::{Book, BookItem};
use regex::Regex;

use crate::anchors::{Marker, marker};

/// mdBook's include directive, or an escaped one (`\{{#include …}}`).
static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\\{\{#[^}]*\}\}|\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}").expect("a valid regex")
});

/// How deep mdBook follows includes inside included text.
const MAX_DEPTH: usize = 10;

/// What is wrong with one include directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file cannot be read.
    UnreadableFile { reason: String },
    /// No line of the file has `ANCHOR: name`.
    NoAnchor { anchor: String },
    /// `ANCHOR: name` is there but no later line has `ANCHOR_END: name`.
    UnclosedAnchor { anchor: String },
}

/// One broken include, located in the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenInclude {
    /// The chapter's title.
    pub chapter: String,
    /// The chapter's file, relative to the book's `src`.
    pub chapter_file: PathBuf,
    /// The directive as written, e.g. `{{#include ../../crates/gd/src/lib.rs:gd_step}}`.
    pub directive: String,
    /// The file the directive names, resolved against the including file.
    pub file: PathBuf,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for BrokenInclude {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "chapter \"{}\" ({}): {}: ",
            self.chapter,
            self.chapter_file.display(),
            self.directive
        )?;
        let file = self.file.display();
        match &self.problem {
            Problem::UnreadableFile { reason } => write!(f, "cannot read file {file}: {reason}"),
            Problem::NoAnchor { anchor } => {
                write!(f, "file {file} has no line with `ANCHOR: {anchor}`")
            }
            Problem::UnclosedAnchor { anchor } => write!(
                f,
                "file {file} opens anchor `{anchor}` but has no later line with \
                 `ANCHOR_END: {anchor}`"
            ),
        }
    }
}

/// Every broken include of every chapter of `book`, whose sources are in `src_dir`.
pub fn check_book(book: &Book, src_dir: &Path) -> Vec<BrokenInclude> {
    let mut broken = Vec::new();
    for item in book.iter() {
        let BookItem::Chapter(chapter) = item else { continue };
        let Some(path) = &chapter.path else { continue };
        let base = src_dir.join(path.parent().unwrap_or(Path::new("")));
        let mut report = |directive: &str, file: PathBuf, problem: Problem| {
            broken.push(BrokenInclude {
                chapter: chapter.name.clone(),
                chapter_file: path.clone(),
                directive: directive.to_owned(),
                file: normalize(&file),
                problem,
            });
        };
        check_text(&chapter.content, &base, 0, &mut report);
    }
    broken
}

/// Checks the directives in `text`, whose relative paths start at `base`.
fn check_text(
    text: &str,
    base: &Path,
    depth: usize,
    report: &mut dyn FnMut(&str, PathBuf, Problem),
) {
    for capture in DIRECTIVE.captures_iter(text) {
        let (Some(kind), Some(arguments)) = (capture.get(1), capture.get(2)) else {
            continue; // an escaped directive
        };
        let directive = capture.get(0).map_or("", |m| m.as_str());
        let mut words = arguments.as_str().split_whitespace();
        let targets: Vec<&str> = match kind.as_str() {
            "include" | "rustdoc_include" | "playground" | "playpen" => {
                words.next().into_iter().collect()
            }
            // This book's `{{#diff OLD NEW}}` (see `diff.rs`) names two files.
            "diff" => words.take(2).collect(),
            _ => continue, // `{{#title …}}` and unknown helpers name no file
        };
        let ranged = kind.as_str() != "playground" && kind.as_str() != "playpen";
        for target in targets {
            let (path, selector) = match target.split_once(':') {
                Some((path, selector)) if ranged => (path, Some(selector)),
                _ => (target, None),
            };
            let file = base.join(path);
            match select(&file, selector) {
                Ok(included) if depth < MAX_DEPTH => {
                    let nested_base = file.parent().unwrap_or(base).to_path_buf();
                    check_text(&included, &nested_base, depth + 1, report);
                }
                Ok(_) => {}
                Err(problem) => report(directive, file, problem),
            }
        }
    }
}

/// The text `selector` (an anchor, a line range, or nothing) picks from `file`.
///
/// Line ranges are returned whole: they cannot be broken by a renamed anchor.
pub fn select(file: &Path, selector: Option<&str>) -> Result<String, Problem> {
    let contents = std::fs::read_to_string(file)
        .map_err(|error| Problem::UnreadableFile { reason: error.to_string() })?;
    match selector.and_then(anchor_name) {
        Some(anchor) => anchored_lines(&contents, anchor),
        None => Ok(contents),
    }
}

/// The anchor a selector names, or `None` for a line range (`10`, `3:7`, `:9`, ``).
///
/// As in mdBook, a selector whose first part is empty or a number is a range.
fn anchor_name(selector: &str) -> Option<&str> {
    let first = selector.split(':').next().unwrap_or("");
    if first.is_empty() || first.parse::<usize>().is_ok() { None } else { Some(first) }
}

/// The lines between `ANCHOR: anchor` and `ANCHOR_END: anchor`, or what is missing.
///
/// As in mdBook, the marker lines of other anchors inside are dropped too.
fn anchored_lines(contents: &str, anchor: &str) -> Result<String, Problem> {
    let mut lines = contents.lines();
    let opened = lines.by_ref().any(|line| marker(line) == Some(Marker::Start(anchor)));
    if !opened {
        return Err(Problem::NoAnchor { anchor: anchor.to_owned() });
    }
    let mut retained = Vec::new();
    for line in lines {
        match marker(line) {
            Some(Marker::End(name)) if name == anchor => return Ok(retained.join("\n")),
            Some(_) => {}
            None => retained.push(line),
        }
    }
    Err(Problem::UnclosedAnchor { anchor: anchor.to_owned() })
}

/// `a/b/../c` as `a/c`, for readable messages (no file system access).
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(
                    normal.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "fn a() {}\n// ANCHOR: step\nlet x = 1;\n// ANCHOR: inner\nlet y = 2;\n\
                          // ANCHOR_END: inner\n// ANCHOR_END: step\n// ANCHOR: open\nlet z = 3;\n";

    #[test]
    fn anchored_lines_drop_the_marker_lines_and_stop_at_the_end_marker() {
        assert_eq!(anchored_lines(SOURCE, "inner"), Ok("let y = 2;".to_owned()));
        let outer = "let x = 1;\nlet y = 2;".to_owned();
        assert_eq!(anchored_lines(SOURCE, "step"), Ok(outer), "nested markers dropped");
    }

    #[test]
    fn an_anchor_without_its_start_or_end_is_reported_as_such() {
        let missing = Problem::NoAnchor { anchor: "nowhere".to_owned() };
        assert_eq!(anchored_lines(SOURCE, "nowhere"), Err(missing));
        let unclosed = Problem::UnclosedAnchor { anchor: "open".to_owned() };
        assert_eq!(anchored_lines(SOURCE, "open"), Err(unclosed));
    }

    #[test]
    fn an_anchor_name_that_is_a_prefix_of_another_does_not_match_it() {
        let source = "// ANCHOR: stepping\nx\n// ANCHOR_END: stepping\n";
        assert!(matches!(anchored_lines(source, "step"), Err(Problem::NoAnchor { .. })));
    }

    #[test]
    fn selectors_that_are_line_ranges_name_no_anchor() {
        for range in ["", "3", "3:7", ":9", "4:"] {
            assert_eq!(anchor_name(range), None, "{range:?}");
        }
        assert_eq!(anchor_name("gd_step"), Some("gd_step"));
    }

    #[test]
    fn normalize_removes_parent_components_it_can() {
        assert_eq!(normalize(Path::new("/b/src/../../crates/x.rs")), PathBuf::from("/crates/x.rs"));
        assert_eq!(normalize(Path::new("../a/./b")), PathBuf::from("../a/b"));
    }
}

//! `{{#diff OLD NEW}}`: a diff of two anchored snippets, computed at build time.
//!
//! The RMSprop chapter shows that RMSprop changes one line of Adagrad. A pasted
//! diff would go stale the day either crate changes; this directive reads both
//! snippets from the crates when the book is built (`OLD` and `NEW` are
//! `PATH:ANCHOR`, relative to the chapter, as for `{{#include}}`) and writes a
//! ```` ```diff ```` block: common lines prefixed with a space, removed ones with
//! `-`, added ones with `+`. The include check covers both files and anchors.

use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Result, bail};
use mdbook_preprocessor::book::{Book, BookItem};
use regex::Regex;

use super::includes;

static DIFF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\\{\{#diff[^}]*\}\}|\{\{\s*#diff\s+(\S+)\s+(\S+)\s*\}\}").expect("a valid regex")
});

/// Replaces every `{{#diff OLD NEW}}` in the book by its diff block.
pub fn expand_book(book: &mut Book, src_dir: &Path) -> Result<()> {
    let mut errors = Vec::new();
    book.for_each_mut(|item| {
        let BookItem::Chapter(chapter) = item else { return };
        let Some(path) = &chapter.path else { return };
        let base = src_dir.join(path.parent().unwrap_or(Path::new("")));
        match expand(&chapter.content, &base) {
            Ok(content) => chapter.content = content,
            Err(error) => errors.push(format!("chapter \"{}\": {error:#}", chapter.name)),
        }
    });
    if !errors.is_empty() {
        bail!("{}", errors.join("\n"));
    }
    Ok(())
}

/// `text` with its diff directives expanded (an escaped one loses its `\`).
fn expand(text: &str, base: &Path) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for capture in DIFF.captures_iter(text) {
        let whole = capture.get(0).expect("group 0 always matches");
        out.push_str(&text[last..whole.start()]);
        last = whole.end();
        let (Some(old), Some(new)) = (capture.get(1), capture.get(2)) else {
            out.push_str(&whole.as_str()[1..]);
            continue;
        };
        let read = |target: &str| -> Result<String> {
            let (path, anchor) = target.split_once(':').unwrap_or((target, ""));
            let selector = (!anchor.is_empty()).then_some(anchor);
            includes::select(&base.join(path), selector)
                .map_err(|problem| anyhow::anyhow!("{}: {problem:?}", whole.as_str()))
        };
        let (old, new) = (read(old.as_str())?, read(new.as_str())?);
        out.push_str("```diff\n");
        for line in diff_lines(&dedent(&old), &dedent(&new)) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("```");
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// The lines of `text` without the indentation they all share.
fn dedent(text: &str) -> Vec<String> {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines().map(|l| l.get(indent..).unwrap_or("").trim_end().to_owned()).collect()
}

/// A line diff of `old` and `new` by their longest common subsequence.
fn diff_lines(old: &[String], new: &[String]) -> Vec<String> {
    let (n, m) = (old.len(), new.len());
    // common[i][j]: the length of the longest common subsequence of old[i..], new[j..].
    let mut common = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut lines) = (0, 0, Vec::with_capacity(n + m));
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            lines.push(format!(" {}", old[i]));
            (i, j) = (i + 1, j + 1);
        } else if j == m || (i < n && common[i + 1][j] >= common[i][j + 1]) {
            lines.push(format!("-{}", old[i]));
            i += 1;
        } else {
            lines.push(format!("+{}", new[j]));
            j += 1;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn one_changed_line_is_one_removal_and_one_addition() {
        let diff = diff_lines(&lines("a\nb\nc"), &lines("a\nB\nc"));
        assert_eq!(diff, [" a", "-b", "+B", " c"]);
    }

    #[test]
    fn an_inserted_line_is_an_addition_only() {
        assert_eq!(diff_lines(&lines("a\nc"), &lines("a\nb\nc")), [" a", "+b", " c"]);
    }

    #[test]
    fn dedent_removes_only_the_shared_indentation() {
        assert_eq!(dedent("    fn f() {\n        x\n\n    }"), ["fn f() {", "    x", "", "}"]);
    }

    #[test]
    fn a_directive_becomes_a_diff_block_and_an_escaped_one_stays_text() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.rs"),
            "// ANCHOR: s\n    x += g;\n    y\n// ANCHOR_END: s\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.rs"),
            "// ANCHOR: t\n    x = 0.9 * x + g;\n    y\n// ANCHOR_END: t\n",
        )
        .unwrap();
        let text = "{{#diff a.rs:s b.rs:t}}\n\\{{#diff a.rs:s b.rs:t}}";
        let out = expand(text, dir.path()).unwrap();
        assert_eq!(out, "```diff\n-x += g;\n+x = 0.9 * x + g;\n y\n```\n{{#diff a.rs:s b.rs:t}}");
    }

    /// The RMSprop chapter says "one line changes" and shows this diff: it must
    /// stay one removed line and one added line.
    #[test]
    fn the_rmsprop_chapter_diff_changes_exactly_one_line() {
        let src = crate::workspace::root().join("book/src");
        let chapter = std::fs::read_to_string(src.join("rmsprop.md")).unwrap();
        let directive = DIFF
            .find_iter(&chapter)
            .map(|m| m.as_str())
            .find(|d| d.contains("adagrad_step") && d.contains("rmsprop_step"))
            .expect("rmsprop.md shows the diff of the two steps");
        let out = expand(directive, &src).unwrap();
        let changed: Vec<&str> =
            out.lines().filter(|l| l.starts_with('-') || l.starts_with('+')).collect();
        assert_eq!(changed.len(), 2, "one line out, one line in:\n{out}");
        assert!(changed[0].contains("+= g * g") && changed[1].contains("running_average"), "{out}");
    }
}

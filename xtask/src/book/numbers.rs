//! Numbers in the prose: `{{#number chapter.name}}`, and the audit of the rest.
//!
//! A number that a run, a formula or a data set decides is never typed into a
//! chapter: the chapter writes `{{#number adagrad.frozen-rate-shallow}}`, and this
//! module replaces it, when the book is built, by the value that `cargo xtask
//! figures` computed from the crates and wrote to `src/figures/numbers.toml` (see
//! `figures::numbers`). A name that file does not hold stops the build.
//!
//! Every other number in the prose (an input such as η = 0.4, a definition, a
//! year, an exercise's own data) is written by hand, and [`audit`] keeps those
//! honest: each chapter's hand-written numbers must be listed in
//! `book/free-numbers.toml`, so that a new number typed from memory fails the
//! book's test until its author either takes it from code or lists it on purpose.
//! Numbers inside code (fenced blocks, inline code), included files, HTML tags,
//! link targets and comments are not prose and are not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use mdbook_preprocessor::book::{Book, BookItem};
use regex::Regex;

/// `{{#number chapter.name}}`, or an escaped `\{{#number …}}`.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\\{\{#number[^}]*\}\}|\{\{\s*#number\s+([\w-]+)\.([\w-]+)\s*\}\}")
        .expect("a valid regex")
});

/// Where the generated numbers live, relative to the book's `src`.
pub const NUMBERS_FILE: &str = "figures/numbers.toml";

/// Where the hand-written numbers are listed, relative to the book's root.
pub const LEDGER_FILE: &str = "free-numbers.toml";

/// The generated numbers: chapter → name → value as printed.
pub type Numbers = BTreeMap<String, BTreeMap<String, String>>;

/// Reads `src/figures/numbers.toml`.
pub fn load(src_dir: &Path) -> Result<Numbers> {
    let path = src_dir.join(NUMBERS_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (run `cargo xtask figures`)", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// `text` with every `{{#number …}}` replaced by its value (an escaped one loses
/// its `\`); the error lists every name that `numbers` does not hold.
pub fn expand(text: &str, numbers: &Numbers) -> Result<String, Vec<String>> {
    let mut out = String::with_capacity(text.len());
    let mut missing = Vec::new();
    let mut last = 0;
    for capture in NUMBER.captures_iter(text) {
        let whole = capture.get(0).expect("group 0 always matches");
        out.push_str(&text[last..whole.start()]);
        last = whole.end();
        let (Some(chapter), Some(name)) = (capture.get(1), capture.get(2)) else {
            out.push_str(&whole.as_str()[1..]);
            continue;
        };
        match numbers.get(chapter.as_str()).and_then(|names| names.get(name.as_str())) {
            Some(value) => out.push_str(value),
            None => missing.push(format!(
                "{} names no number of {NUMBERS_FILE} (define {}.{} in \
                 xtask/src/figures/numbers.rs and run `cargo xtask figures`)",
                whole.as_str(),
                chapter.as_str(),
                name.as_str()
            )),
        }
    }
    out.push_str(&text[last..]);
    if missing.is_empty() { Ok(out) } else { Err(missing) }
}

/// Replaces every `{{#number …}}` of the book by its value.
pub fn expand_book(book: &mut Book, src_dir: &Path) -> Result<()> {
    let mut uses_numbers = false;
    book.for_each_chapter_mut(|chapter| uses_numbers |= NUMBER.is_match(&chapter.content));
    if !uses_numbers {
        return Ok(());
    }
    let numbers = load(src_dir)?;
    let mut errors = Vec::new();
    book.for_each_mut(|item| {
        let BookItem::Chapter(chapter) = item else { return };
        match expand(&chapter.content, &numbers) {
            Ok(content) => chapter.content = content,
            Err(missing) => {
                errors.extend(
                    missing.into_iter().map(|m| format!("chapter \"{}\": {m}", chapter.name)),
                );
            }
        }
    });
    if !errors.is_empty() {
        bail!("{} unknown number(s) in the book:\n  {}", errors.len(), errors.join("\n  "));
    }
    Ok(())
}

/// One number of the prose: where it is and whether code wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseNumber {
    /// The line, counting from 1.
    pub line: usize,
    /// The number as written (`0.92`, `10⁻⁶`), or the directive's `chapter.name`.
    pub text: String,
    /// Whether it is a `{{#number …}}`.
    pub from_code: bool,
}

/// Markup that is not prose, each replaced by spaces (keeping the line count).
static NOT_PROSE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?s)```.*?```",                                                   // fenced code
        r"`[^`\n]*`",                                                       // inline code
        r"(?s)<!--.*?-->",                                                  // comments
        r"\\?\{\{\s*#(?:include|rustdoc_include|playground|diff)[^}]*\}\}", // included text
        r"<[^>\n]*>",       // HTML tags and their attributes
        r"\]\([^)\n]*\)",   // link targets
        r"(?m)^\s*\d+\.\s", // ordered-list markers
        r"(?m)^#+ .*$",     // headings
    ]
    .iter()
    .map(|pattern| Regex::new(pattern).expect("a valid regex"))
    .collect()
});

/// A number as prose writes it: digits, a decimal part, an exponent in either style.
static PROSE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d+(?:\.\d+)?(?:[eE][−-]?\d+)?[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]*").expect("a valid regex")
});

/// Every number in the prose of `markdown`, in order.
pub fn prose_numbers(markdown: &str) -> Vec<ProseNumber> {
    let mut text = markdown.to_owned();
    for pattern in NOT_PROSE.iter() {
        text = pattern
            .replace_all(&text, |c: &regex::Captures| {
                c[0].chars().map(|ch| if ch == '\n' { '\n' } else { ' ' }).collect::<String>()
            })
            .into_owned();
    }
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut directives = Vec::new();
    for capture in NUMBER.captures_iter(&text) {
        let whole = capture.get(0).expect("group 0 always matches");
        if let (Some(chapter), Some(name)) = (capture.get(1), capture.get(2)) {
            found.push((
                whole.start(),
                ProseNumber {
                    line: line_of(whole.start()),
                    text: format!("{}.{}", chapter.as_str(), name.as_str()),
                    from_code: true,
                },
            ));
        }
        directives.push(whole.range());
    }
    for number in PROSE_NUMBER.find_iter(&text) {
        if directives.iter().any(|range| range.contains(&number.start())) {
            continue;
        }
        // A digit inside a word (w1, x86, ch12) is a name, not a number.
        let before = text[..number.start()].chars().next_back();
        if before.is_some_and(|c| c.is_alphabetic() || c == '_') {
            continue;
        }
        found.push((
            number.start(),
            ProseNumber {
                line: line_of(number.start()),
                text: number.as_str().to_owned(),
                from_code: false,
            },
        ));
    }
    found.sort_by_key(|(offset, _)| *offset);
    found.into_iter().map(|(_, number)| number).collect()
}

/// The hand-written numbers each chapter may use: chapter file stem → numbers.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Ledger(BTreeMap<String, LedgerChapter>);

/// One chapter's entry in the ledger.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LedgerChapter {
    /// The numbers, as written.
    pub free: BTreeSet<String>,
}

impl Ledger {
    /// Reads `book/free-numbers.toml`.
    pub fn load(book_root: &Path) -> Result<Self> {
        let path = book_root.join(LEDGER_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }
}

/// What the audit found in the whole book.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    /// Numbers written as `{{#number …}}`: computed by the crates.
    pub from_code: usize,
    /// Numbers written by hand (each listed in the ledger, or a problem below).
    pub free: usize,
    /// Distinct hand-written numbers per chapter, summed over chapters.
    pub free_distinct: usize,
    /// Hand-written numbers missing from the ledger, and ledger entries no chapter
    /// writes any more.
    pub problems: Vec<String>,
}

impl fmt::Display for Audit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "numbers in the prose: {} from code, {} written by hand ({} distinct per chapter, \
             listed in book/{LEDGER_FILE})",
            self.from_code, self.free, self.free_distinct
        )
    }
}

/// Audits every chapter (`*.md` in `src_dir` but the summary) against `ledger`.
pub fn audit(src_dir: &Path, ledger: &Ledger) -> Result<Audit> {
    let mut chapters: Vec<_> = std::fs::read_dir(src_dir)
        .with_context(|| format!("reading {}", src_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .filter(|path| path.file_name().is_some_and(|n| n != "SUMMARY.md"))
        .collect();
    chapters.sort();
    let mut audit = Audit::default();
    let mut seen_chapters = BTreeSet::new();
    for path in chapters {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(&path)?;
        let allowed = ledger.0.get(&stem).map(|c| &c.free);
        let mut written = BTreeSet::new();
        for number in prose_numbers(&text) {
            if number.from_code {
                audit.from_code += 1;
                continue;
            }
            audit.free += 1;
            if written.insert(number.text.clone())
                && !allowed.is_some_and(|a| a.contains(&number.text))
            {
                audit.problems.push(format!(
                    "{}.md line {}: {} is written by hand. If a run, a formula or the data decides \
                     it, take it from code with {{{{#number {stem}.NAME}}}} (defined in \
                     xtask/src/figures/numbers.rs); if it is an input, a definition or a citation, \
                     add it to [{stem}] free in book/{LEDGER_FILE}",
                    stem, number.line, number.text
                ));
            }
        }
        if let Some(allowed) = allowed {
            for stale in allowed.difference(&written) {
                audit.problems.push(format!(
                    "book/{LEDGER_FILE}: [{stem}] lists {stale}, which {stem}.md no longer writes: \
                     remove it"
                ));
            }
        }
        audit.free_distinct += written.len();
        seen_chapters.insert(stem);
    }
    for chapter in ledger.0.keys().filter(|c| !seen_chapters.contains(*c)) {
        audit.problems.push(format!("book/{LEDGER_FILE}: [{chapter}] is no chapter of the book"));
    }
    Ok(audit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers() -> Numbers {
        toml::from_str("[adagrad]\nrate = \"0.105\"\n").unwrap()
    }

    #[test]
    fn a_number_directive_becomes_its_value_and_an_escaped_one_stays_text() {
        let text = "rates freeze at {{#number adagrad.rate}}; write \\{{#number x.y}} to use one";
        assert_eq!(
            expand(text, &numbers()).unwrap(),
            "rates freeze at 0.105; write {{#number x.y}} to use one"
        );
    }

    #[test]
    fn an_unknown_number_is_an_error_naming_it_and_the_fix() {
        let missing =
            expand("{{#number adagrad.rates}} and {{#number gd.x}}", &numbers()).unwrap_err();
        assert_eq!(missing.len(), 2);
        assert!(missing[0].contains("{{#number adagrad.rates}}"), "{missing:?}");
        assert!(missing[0].contains("cargo xtask figures"), "{missing:?}");
    }

    #[test]
    fn prose_numbers_skip_code_comments_tags_links_and_list_markers() {
        let markdown = "# Heading 12\n\n1. Step η = 0.4 by `x = 17`, see [a](b/3.md).\n\
                        <!-- 99 -->\n```rust\nlet y = 5;\n```\n<img src=\"f-7.svg\"> w1 and 10⁻⁶, \
                        then {{#number adagrad.rate}}.\n";
        let found: Vec<(usize, String, bool)> =
            prose_numbers(markdown).into_iter().map(|n| (n.line, n.text, n.from_code)).collect();
        assert_eq!(
            found,
            vec![
                (3, "0.4".to_owned(), false),
                (8, "10⁻⁶".to_owned(), false),
                (8, "adagrad.rate".to_owned(), true),
            ]
        );
    }
}

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

/// How a step count of `numbers.toml` was counted against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRule {
    /// The course's rule for "reached" (`sweep::Outcome`): the gap is below the
    /// target from this step on, to the end of the budget.
    Held,
    /// The first step below the target, whether or not the run stays there.
    FirstCrossing,
}

impl StepRule {
    /// The comment line `numbers.toml` carries under the number's description.
    pub fn comment(self) -> &'static str {
        match self {
            Self::Held => "# steps: reached (below the target and held to the end, sweep::Outcome)",
            Self::FirstCrossing => "# steps: first crossing (the run may climb back above)",
        }
    }
}

/// The rule of every step count in the text of `numbers.toml`: (chapter, name) →
/// rule, read from the comment line above each `name = "…"`.
pub fn step_rules(toml_text: &str) -> BTreeMap<(String, String), StepRule> {
    let mut rules = BTreeMap::new();
    let (mut chapter, mut pending) = (String::new(), None);
    for line in toml_text.lines() {
        let line = line.trim();
        if let Some(table) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            chapter = table.to_owned();
            pending = None;
        } else if line == StepRule::Held.comment() {
            pending = Some(StepRule::Held);
        } else if line == StepRule::FirstCrossing.comment() {
            pending = Some(StepRule::FirstCrossing);
        } else if let Some((name, _)) = line.split_once(" = ")
            && let Some(rule) = pending.take()
        {
            rules.insert((chapter.clone(), name.trim().to_owned()), rule);
        }
    }
    rules
}

/// A word that says a run got there: "reaches", "arrives", "needs", "lands",
/// "within".
static REACH_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:reach(?:es|ed|ing)?|arriv(?:e|es|ed|ing)|needs?|lands?|within|takes?)\b")
        .expect("a valid regex")
});

/// A word that says a run got there and nothing else: "reaches", "arrives".
static STRONG_REACH_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:reach(?:es|ed|ing)?|arriv(?:e|es|ed|ing))\b").expect("a valid regex")
});

/// A step count stated by a number directive: `{{#number c.n}} steps`, `step
/// {{#number c.n}}`, or `after {{#number c.n}},` / `in {{#number c.n}}.` (the word
/// "steps" said earlier in the sentence).
static STEP_DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\{\{\s*#number\s+([\w-]+)\.([\w-]+)\s*\}\}\s+steps?\b|\bsteps?\s+\{\{\s*#number\s+([\w-]+)\.([\w-]+)\s*\}\}|\b(?:after|in)\s+\{\{\s*#number\s+([\w-]+)\.([\w-]+)\s*\}\}\s*[,.;)]",
    )
    .expect("a valid regex")
});

/// A step count written by hand after "after" or "in": "after 593 steps".
static HAND_STEPS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:after|in)\s+(\d[\d\u{202f} ]*)\s+steps?\b").expect("a valid regex")
});

/// The sentences of `prose` (code, comments, tags and links already blanked),
/// each with the line it starts on.
fn sentences(prose: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut start, mut line, mut start_line) = (0, 1, 1);
    let bytes = prose.as_bytes();
    for (i, c) in prose.char_indices() {
        let end_here = match c {
            '.' | '!' | '?' => {
                let next = prose[i + 1..].chars().next();
                next.is_none_or(char::is_whitespace)
            }
            '\n' => bytes.get(i + 1) == Some(&b'\n'),
            _ => false,
        };
        if c == '\n' {
            line += 1;
        }
        if end_here {
            out.push((start_line, &prose[start..=i]));
            start = i + c.len_utf8();
            start_line = line;
        }
    }
    out.push((start_line, &prose[start..]));
    out
}

/// Every claim of `markdown` (chapter `stem`) that a run *reached* its target
/// after a number of steps that the course's rule does not bear out: in a sentence
/// that says "reach", "arrive", "needs", "lands", "takes" or "within", a step count
/// from code must be counted by [`StepRule::Held`], unless the sentence calls it a
/// first crossing; and a sentence that says "reach" or "arrive" may not write its
/// step count by hand.
pub fn reached_claims(
    stem: &str,
    markdown: &str,
    rules: &BTreeMap<(String, String), StepRule>,
) -> Vec<String> {
    let mut prose = markdown.to_owned();
    for pattern in NOT_PROSE.iter() {
        prose = pattern
            .replace_all(&prose, |c: &regex::Captures| {
                c[0].chars().map(|ch| if ch == '\n' { '\n' } else { ' ' }).collect::<String>()
            })
            .into_owned();
    }
    let mut problems = Vec::new();
    for (line, sentence) in sentences(&prose) {
        if !REACH_WORD.is_match(sentence) {
            continue;
        }
        let first_crossing = sentence.contains("first cross");
        for capture in STEP_DIRECTIVE.captures_iter(sentence) {
            let (chapter, name) = [(1, 2), (3, 4), (5, 6)]
                .iter()
                .find_map(|&(c, n)| Some((capture.get(c)?.as_str(), capture.get(n)?.as_str())))
                .expect("one of the three forms matched");
            let rule = rules.get(&(chapter.to_owned(), name.to_owned()));
            let fine = match rule {
                Some(StepRule::Held) => true,
                Some(StepRule::FirstCrossing) => first_crossing,
                None => false,
            };
            if !fine {
                let why = match rule {
                    Some(StepRule::FirstCrossing) => {
                        "is a first crossing: say \"first crosses\" in the sentence, or state \
                         the step from which the run holds the target"
                    }
                    _ => {
                        "is not counted by the course's rule for \"reached\": compute it with \
                         `Book::reached` (sweep::Outcome: below the target and held to the end)"
                    }
                };
                problems.push(format!(
                    "{stem}.md line {line}: a sentence says reached, and {chapter}.{name} {why}"
                ));
            }
        }
        for hand in HAND_STEPS.captures_iter(sentence) {
            // A budget ("within 1000 steps", "after 1000 steps, within 10⁻³") is
            // written by hand; only a sentence that says reached or arrived claims
            // the count.
            if !first_crossing && STRONG_REACH_WORD.is_match(sentence) {
                problems.push(format!(
                    "{stem}.md line {line}: a sentence says reached \"{}\" with a step count \
                     written by hand; take it from code with `Book::reached`",
                    hand[0].trim()
                ));
            }
        }
    }
    problems
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
    let numbers_path = src_dir.join(NUMBERS_FILE);
    let rules = step_rules(
        &std::fs::read_to_string(&numbers_path)
            .with_context(|| format!("reading {}", numbers_path.display()))?,
    );
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
        audit.problems.extend(reached_claims(&stem, &text, &rules));
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

    fn rules() -> BTreeMap<(String, String), StepRule> {
        step_rules(
            "[c]\n# held\n# steps: reached (below the target and held to the end, sweep::Outcome)\n\
             held = \"593\"\n# crossing\n# steps: first crossing (the run may climb back above)\n\
             cross = \"12\"\n# a rate\nrate = \"0.4\"\n",
        )
    }

    #[test]
    fn a_reached_step_count_counted_by_the_held_rule_passes() {
        let text = "The run reaches $J < 10^{-6}$ after {{#number c.held}} steps.\n";
        assert_eq!(reached_claims("c", text, &rules()), Vec::<String>::new());
    }

    #[test]
    fn a_reached_step_count_that_is_a_first_crossing_fails_unless_the_sentence_says_so() {
        let text = "The run reaches $J < 10^{-6}$ after {{#number c.cross}} steps.\n";
        let problems = reached_claims("c", text, &rules());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("c.cross is a first crossing"), "{problems:?}");
        let named = "It first crosses $10^{-6}$ at step {{#number c.cross}}, and reaches it \
                     for good at step {{#number c.held}}.\n";
        assert_eq!(reached_claims("c", named, &rules()), Vec::<String>::new());
    }

    #[test]
    fn a_reached_step_count_not_counted_by_a_rule_or_written_by_hand_fails() {
        let text = "Centred reaches the target after {{#number c.rate}} steps. \
                    Plain RMSprop reaches it in 760 steps.\n\n\
                    One reaches it after {{#number c.held}} steps, the other after \
                    {{#number c.cross}}.\n";
        let problems = reached_claims("c", text, &rules());
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[2].contains("c.cross is a first crossing"), "{problems:?}");
        assert!(problems[0].contains("c.rate is not counted"), "{problems:?}");
        assert!(problems[1].contains("\"in 760 steps\""), "{problems:?}");
    }

    #[test]
    fn step_counts_in_sentences_that_do_not_say_reached_are_left_alone() {
        let text = "After {{#number c.cross}} steps the cost is 3. It ran 1000 steps.\n";
        assert_eq!(reached_claims("c", text, &rules()), Vec::<String>::new());
    }
}

//! The numbers the book's prose states, computed from the crates.
//!
//! A chapter writes `{{#number chapter.name}}` wherever it states a number that a
//! run, a formula or a data set decides (a step count, a limit, a gap). This module
//! computes every such number with the course's own code, and `cargo xtask figures`
//! writes them to `book/src/figures/numbers.toml`, which the book's preprocessor
//! reads; `--check` fails when that file is stale, like a figure.
//!
//! A number is only as good as the sentence around it, so each function here also
//! checks the claim that sentence makes ("the gap keeps growing", "the rates
//! freeze", "Polyak's pair contracts faster") and fails, naming the claim, when the
//! code no longer bears it out. Then `cargo xtask figures` fails, and so does CI.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};

// The numbers of each chapter, then the book they are collected in. The order is
// the stair of the imports (a module uses only the modules below it); the comment
// above each line keeps rustfmt from sorting them.
//
// per-weight.md
mod per_weight;
// adagrad.md
mod adagrad;
// momentum.md
mod momentum;
// network.md (and its epoch in making-it-fast.md)
mod network;
// libraries.md
mod libraries;
// what-the-libraries-add.md
mod libraries_add;
// invariants.md
mod invariants;
// when-adapting-pays.md
mod adapting;
// making-it-fast.md
mod fast;
// beyond-the-diagonal.md
mod beyond;
// Shared: the numbers as they are collected.
mod book;

use book::Book;
pub use book::Number;

/// The file the numbers go to, beside the figures.
pub const FILE: &str = "numbers.toml";

/// Every number of the book, computed and checked.
pub fn all() -> Result<Vec<Number>> {
    let mut book = Book::default();
    per_weight::numbers(&mut book).context("the numbers of per-weight.md")?;
    adagrad::numbers(&mut book).context("the numbers of adagrad.md")?;
    momentum::numbers(&mut book).context("the numbers of momentum.md")?;
    network::numbers(&mut book).context("the numbers of network.md")?;
    libraries::numbers(&mut book).context("the numbers of libraries.md")?;
    libraries_add::numbers(&mut book).context("the numbers of what-the-libraries-add.md")?;
    invariants::numbers(&mut book).context("the numbers of invariants.md")?;
    adapting::numbers(&mut book).context("the numbers of when-adapting-pays.md")?;
    fast::numbers(&mut book).context("the numbers of making-it-fast.md")?;
    beyond::numbers(&mut book).context("the numbers of beyond-the-diagonal.md")?;
    let mut keys: Vec<(&str, &str)> =
        book.numbers.iter().map(|n| (n.chapter, n.name.as_str())).collect();
    keys.sort_unstable();
    if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
        bail!("the number {}.{} is defined twice", pair[0].0, pair[0].1);
    }
    Ok(book.numbers)
}

/// The numbers as the TOML file the book reads: one table per chapter, each value
/// a string with a comment saying what it is.
pub fn to_toml(numbers: &[Number]) -> String {
    let mut out = String::from(
        "# Every number the book's prose takes from code, as `{{#number chapter.name}}`.\n\
         # Written by `cargo xtask figures` from xtask/src/figures/numbers.rs: do not edit.\n",
    );
    let mut chapters: Vec<&str> = numbers.iter().map(|n| n.chapter).collect();
    chapters.sort_unstable();
    chapters.dedup();
    for chapter in chapters {
        let _ = write!(out, "\n[{chapter}]\n");
        let mut in_chapter: Vec<&Number> =
            numbers.iter().filter(|n| n.chapter == chapter).collect();
        in_chapter.sort_by_key(|n| n.name.as_str());
        for number in in_chapter {
            let _ = writeln!(out, "# {}", number.about);
            if let Some(rule) = number.steps {
                let _ = writeln!(out, "{}", rule.comment());
            }
            let _ = writeln!(out, "{} = {:?}", number.name, number.value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_toml_groups_numbers_by_chapter_with_their_description() {
        let numbers = [
            Number { chapter: "b", name: "y".into(), value: "2".into(), about: "why", steps: None },
            Number {
                chapter: "a",
                name: "x".into(),
                value: "−1.5".into(),
                about: "ex",
                steps: None,
            },
            Number {
                chapter: "a",
                name: "z".into(),
                value: "7".into(),
                about: "arrives",
                steps: Some(crate::book::numbers::StepRule::Held),
            },
        ];
        let text = to_toml(&numbers);
        assert!(text.find("[a]").unwrap() < text.find("[b]").unwrap(), "{text}");
        assert!(text.contains("# ex\nx = \"−1.5\"\n"), "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["b"]["y"].as_str(), Some("2"));
        let rules = crate::book::numbers::step_rules(&text);
        assert_eq!(
            rules.get(&("a".to_owned(), "z".to_owned())),
            Some(&crate::book::numbers::StepRule::Held)
        );
        assert_eq!(rules.len(), 1, "{rules:?}");
    }
}

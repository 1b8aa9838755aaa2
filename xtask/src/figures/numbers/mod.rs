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
use gd::{Optimizer, Stop, Trace, minimize};
use objectives::DiagonalQuadratic;

use super::gradient_descent::ELLIPSE_START;

mod adagrad;
mod adapting;
mod fast;
mod invariants;
mod libraries;
mod libraries_add;
mod momentum;

/// The file the numbers go to, beside the figures.
pub const FILE: &str = "numbers.toml";

/// One number of the book: its chapter, its name there, its value as printed, and
/// what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The chapter's file stem, such as `adagrad` (the TOML table).
    pub chapter: &'static str,
    /// The name within the chapter, such as `frozen-rate-shallow`.
    pub name: String,
    /// The value exactly as the book prints it.
    pub value: String,
    /// One line on what it is and how it is computed.
    pub about: &'static str,
}

/// The numbers of the book, collected chapter by chapter.
#[derive(Debug, Default)]
pub(super) struct Book {
    numbers: Vec<Number>,
}

impl Book {
    fn add(
        &mut self,
        chapter: &'static str,
        name: impl Into<String>,
        value: String,
        about: &'static str,
    ) {
        self.numbers.push(Number { chapter, name: name.into(), value, about });
    }
}

/// Every number of the book, computed and checked.
pub fn all() -> Result<Vec<Number>> {
    let mut book = Book::default();
    adagrad::numbers(&mut book).context("the numbers of adagrad.md")?;
    momentum::numbers(&mut book).context("the numbers of momentum.md")?;
    libraries::numbers(&mut book).context("the numbers of libraries.md")?;
    libraries_add::numbers(&mut book).context("the numbers of what-the-libraries-add.md")?;
    invariants::numbers(&mut book).context("the numbers of invariants.md")?;
    adapting::numbers(&mut book).context("the numbers of when-adapting-pays.md")?;
    fast::numbers(&mut book).context("the numbers of making-it-fast.md")?;
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
            let _ = writeln!(out, "{} = {:?}", number.name, number.value);
        }
    }
    out
}

/// `x` with `decimals` digits after the point, and a true minus sign.
pub fn fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('-', "−")
}

/// `x` as a percentage with two significant digits ("0.38 %", "8.1 %", "44 %").
pub fn percent(x: f64) -> String {
    let p = 100.0 * x;
    let decimals = if p < 1.0 {
        2
    } else if p < 10.0 {
        1
    } else {
        0
    };
    format!("{} %", fixed(p, decimals))
}

/// `x` as m·10ᵏ with `decimals` digits after the mantissa's point ("1.3·10⁻³").
pub fn scientific(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = format!("{}·10", mantissa.replace('-', "−"));
    for c in exponent.chars() {
        match c {
            '-' => out.push('⁻'),
            d => out.push(d.to_digit(10).map_or(d, |k| DIGITS[k as usize])),
        }
    }
    out
}

/// A run on the ellipse from (−5, −2) with no gradient tolerance, for `steps` steps.
pub(super) fn ellipse_run(optimizer: &mut dyn Optimizer, steps: usize) -> Trace {
    let stop = Stop::after(steps).or_when_gradient_below(0.0);
    minimize(&DiagonalQuadratic::ellipse(), optimizer, &ELLIPSE_START, stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_two_significant_digits() {
        assert_eq!(percent(0.003822), "0.38 %");
        assert_eq!(percent(0.0811), "8.1 %");
        assert_eq!(percent(0.439), "44 %");
    }

    #[test]
    fn scientific_notation_uses_superscripts_and_a_true_minus() {
        assert_eq!(scientific(0.0013125, 1), "1.3·10⁻³");
        assert_eq!(scientific(-25000.0, 2), "−2.50·10⁴");
    }

    #[test]
    fn the_toml_groups_numbers_by_chapter_with_their_description() {
        let numbers = [
            Number { chapter: "b", name: "y".into(), value: "2".into(), about: "why" },
            Number { chapter: "a", name: "x".into(), value: "−1.5".into(), about: "ex" },
        ];
        let text = to_toml(&numbers);
        assert!(text.find("[a]").unwrap() < text.find("[b]").unwrap(), "{text}");
        assert!(text.contains("# ex\nx = \"−1.5\"\n"), "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["b"]["y"].as_str(), Some("2"));
    }
}

//! The book's numbers as they are collected: each with its chapter, its name, its
//! value as printed and what it is.

use anyhow::{Result, bail};
use sweep::Outcome;

use crate::book::numbers::StepRule;

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
    /// For a step count against a target: which rule counted it.
    pub steps: Option<StepRule>,
}

/// The numbers of the book, collected chapter by chapter.
#[derive(Debug, Default)]
pub struct Book {
    /// The numbers, in the order they were added.
    pub(super) numbers: Vec<Number>,
}

impl Book {
    /// Adds the number `name` of `chapter`, printed as `value`, which is `about`.
    pub(super) fn add(
        &mut self,
        chapter: &'static str,
        name: impl Into<String>,
        value: String,
        about: &'static str,
    ) {
        self.numbers.push(Number { chapter, name: name.into(), value, about, steps: None });
    }

    /// Adds the step at which a run *reached* its target, by the course's one rule
    /// (`sweep::Outcome`: below the target and held to the end of the budget); an
    /// outcome that is not `Reached` is an error naming the number.
    pub(super) fn reached(
        &mut self,
        chapter: &'static str,
        name: impl Into<String>,
        outcome: Outcome,
        about: &'static str,
    ) -> Result<()> {
        let name = name.into();
        let Outcome::Reached { step } = outcome else {
            bail!(
                "{chapter}.{name} ({about}) is a step count, but the run did not reach: {outcome}"
            );
        };
        self.numbers.push(Number {
            chapter,
            name,
            value: step.to_string(),
            about,
            steps: Some(StepRule::Held),
        });
        Ok(())
    }

    /// Adds the step at which a run first went below its target, whether or not it
    /// stayed there: the book must call it a first crossing.
    pub(super) fn first_crossing(
        &mut self,
        chapter: &'static str,
        name: impl Into<String>,
        step: usize,
        about: &'static str,
    ) {
        self.numbers.push(Number {
            chapter,
            name: name.into(),
            value: step.to_string(),
            about,
            steps: Some(StepRule::FirstCrossing),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_count_that_did_not_reach_is_refused_naming_the_number() {
        let mut book = Book::default();
        let error = book
            .reached("momentum", "steps", Outcome::Stalled { gap: 1e-3 }, "a run")
            .unwrap_err()
            .to_string();
        assert!(error.contains("momentum.steps") && error.contains("stalled"), "{error}");
        book.reached("momentum", "steps", Outcome::Reached { step: 47 }, "a run").unwrap();
        assert_eq!(book.numbers[0].value, "47");
        assert_eq!(book.numbers[0].steps, Some(StepRule::Held));
    }
}

//! The book's numbers as they are collected: each with its chapter, its name, its
//! value as printed and what it is.

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
        self.numbers.push(Number { chapter, name: name.into(), value, about });
    }
}

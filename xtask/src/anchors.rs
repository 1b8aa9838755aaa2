//! mdBook's anchors: a line holding `ANCHOR: name` opens the part of a file
//! called `name`, and a later line holding `ANCHOR_END: name` closes it.
//!
//! Two parts of the xtask read them: the book's strict include check
//! (`book::includes`), which must find what mdBook will include, and the course
//! kit's solution regions (`kit::regions`), which are anchors named
//! `solution_…`. Both call [`marker`], which recognises a marker line exactly as
//! mdBook 0.5.4 does (the marker anywhere in the line, the name made of word
//! characters and `-`), so that neither can disagree with mdBook or with the
//! other.

use std::sync::LazyLock;

use regex::Regex;

static START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*([\w_-]+)").expect("a valid regex"));
static END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*([\w_-]+)").expect("a valid regex"));

/// What a marker line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker<'a> {
    /// `ANCHOR: name`: the part `name` starts on the next line.
    Start(&'a str),
    /// `ANCHOR_END: name`: the part `name` ended on the line before.
    End(&'a str),
}

impl<'a> Marker<'a> {
    /// The anchor's name.
    pub fn name(self) -> &'a str {
        match self {
            Marker::Start(name) | Marker::End(name) => name,
        }
    }
}

/// The anchor `line` opens or closes, if it is a marker line.
pub fn marker(line: &str) -> Option<Marker<'_>> {
    let name = |regex: &Regex| regex.captures(line)?.get(1).map(|m| m.as_str());
    // `ANCHOR_END:` is tried first; `ANCHOR:` never matches inside it.
    match name(&END) {
        Some(end) => Some(Marker::End(end)),
        None => name(&START).map(Marker::Start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_is_found_anywhere_in_its_line_as_mdbook_finds_it() {
        assert_eq!(marker("    // ANCHOR: gd_step"), Some(Marker::Start("gd_step")));
        assert_eq!(marker("// ANCHOR_END: gd_step"), Some(Marker::End("gd_step")));
        assert_eq!(marker("# ANCHOR:tight"), Some(Marker::Start("tight")));
        assert_eq!(marker("/* ANCHOR: a-b */"), Some(Marker::Start("a-b")));
        assert_eq!(marker("let anchor = 1;"), None);
        assert_eq!(marker("// ANCHOR:"), None, "a marker without a name marks nothing");
    }

    #[test]
    fn the_name_ends_at_the_first_character_that_is_not_a_word_character_or_a_dash() {
        assert_eq!(
            marker("// ANCHOR: solution_step trailing words"),
            Some(Marker::Start("solution_step"))
        );
        assert_eq!(marker("// ANCHOR_END: x.y").map(Marker::name), Some("x"));
    }
}

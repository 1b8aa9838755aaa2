//! The README of a student copy: the assignments, how to check, how it is
//! graded. The text is `readme.template.md`; this fills in its blanks from the
//! rubric (`{table}`, `{sections}`, `{crates}`, `{timeout}`).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::kit::rubric::Rubric;

/// The README's text, with its blanks.
const TEMPLATE: &str = include_str!("readme.template.md");

/// The README of a student copy.
pub fn student_readme(rubric: &Rubric) -> String {
    let crates = rubric
        .course
        .student_crates
        .iter()
        .map(|c| format!("`{c}/src`"))
        .collect::<Vec<_>>()
        .join(", ");
    fill(
        TEMPLATE,
        &[
            ("table", table(rubric)),
            ("sections", sections(rubric)),
            ("crates", crates),
            ("timeout", rubric.course.timeout_seconds.to_string()),
        ],
    )
}

/// One line of the assignments' table per assignment: what is written where,
/// and the points.
fn table(rubric: &Rubric) -> String {
    let mut out = String::new();
    for a in &rubric.assignments {
        let points: u32 = a.tests.values().sum();
        // Regions grouped by file, in rubric order.
        let mut files: Vec<(&str, Vec<&str>)> = Vec::new();
        for r in &a.regions {
            match files.iter_mut().find(|(file, _)| *file == r.file) {
                Some((_, names)) => names.push(&r.name),
                None => files.push((&r.file, vec![&r.name])),
            }
        }
        let places: Vec<String> = files
            .iter()
            .map(|(file, names)| {
                format!(
                    "`{file}`: {}",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        let places = if places.is_empty() { "nothing new".to_string() } else { places.join("; ") };
        let _ = writeln!(out, "| {} | {places} | {points} |", a.title);
    }
    out
}

/// One section per assignment: what it asks, the chapter to read, its tests.
fn sections(rubric: &Rubric) -> String {
    let mut out = String::new();
    for a in &rubric.assignments {
        let _ = writeln!(out, "\n### {}\n\n{}", a.title, a.asks.trim());
        if let Some(chapter) = &a.chapter {
            let _ = writeln!(out, "\nRead first: `book/src/{chapter}`.");
        }
        let targets: BTreeSet<&str> =
            a.tests.keys().filter_map(|t| t.split_once("::").map(|(target, _)| target)).collect();
        if !targets.is_empty() {
            let flags: Vec<String> = targets.iter().map(|t| format!("--test {t}")).collect();
            let _ = writeln!(out, "\nIts tests: `cargo test {}`", flags.join(" "));
        }
    }
    out
}

/// `template` with each `{name}` of `blanks` replaced by its text, in one pass
/// (a text put in is never searched for blanks itself); any other brace stays.
fn fill(template: &str, blanks: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let blank = blanks.iter().find(|(name, _)| {
            rest[1..].strip_prefix(name).is_some_and(|after| after.starts_with('}'))
        });
        match blank {
            Some((name, text)) => {
                out.push_str(text);
                rest = &rest[name.len() + 2..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_are_filled_once_and_other_braces_stay() {
        let blanks = [("a", "{b}".to_string()), ("b", "B".to_string())];
        assert_eq!(fill("{a} {b} {c} {", &blanks), "{b} B {c} {");
    }

    #[test]
    fn the_course_readme_has_every_blank_filled() {
        let root = crate::workspace::root();
        let rubric = Rubric::load(&root.join(crate::kit::rubric::RUBRIC)).unwrap();
        let readme = student_readme(&rubric);
        for blank in ["{table}", "{sections}", "{crates}", "{timeout}"] {
            assert!(!readme.contains(blank), "{blank}");
        }
        assert!(readme.starts_with("# Descent: your copy\n"));
        assert!(readme.ends_with("`todo!()`: the book was built from this copy.\n"));
    }
}

//! What the screen shows after a check: one table (assignment, points earned of
//! points possible, tests passing), then, for the first unfinished assignment,
//! its first failing property in words with the one message the grader would
//! give and the section to read, then the known mistake the code makes.

use std::fmt::Write as _;

use descent_feedback::message::with_reading;
use descent_feedback::mistakes::NO_KNOWN_MISTAKE;

use crate::check::{Outcome, Run, TestResult};

/// The whole screen of a check.
pub fn render(run: &Run) -> String {
    let mut out = table(run);
    if let Some(errors) = &run.build_error {
        let _ = writeln!(out, "\nYour code does not compile, so no test can run:\n\n{errors}");
        return out;
    }
    let Some(assignment) = run.current() else {
        let _ = writeln!(out, "\nEvery graded test passes: full marks. Well done.");
        return out;
    };
    let _ = writeln!(out, "\nNext: {}", assignment.title);
    if run.diagnosed {
        let _ = writeln!(out, "\nWhat your code does:");
        if run.mistakes.is_empty() {
            let _ = writeln!(out, "  {NO_KNOWN_MISTAKE}");
        }
        for mistake in &run.mistakes {
            let _ = writeln!(out, "  {}", mistake.message);
        }
    }
    if let Some(test) = first_failing(run, &assignment.id) {
        let section = crate::hints::section(&crate::root(), &assignment.id);
        let message =
            with_reading(&test.message, assignment.chapter.as_deref(), section.as_deref());
        let _ = writeln!(
            out,
            "\nThe first failing property ({}, 0/{} points):\n  {}\n  ({})\n\n{}",
            test.outcome_word(),
            test.max_points,
            in_words(&test.name),
            test.name,
            indent(&message)
        );
    }
    let _ = writeln!(out, "\nStuck? `cargo learn hint` gives the next hint for this assignment.");
    out
}

/// The table of the assignments, and the total.
pub fn table(run: &Run) -> String {
    let width = run.rubric.assignments.iter().map(|a| a.title.chars().count()).max().unwrap_or(0);
    let width = width.max("assignment".len());
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  {:>7}  {:>7}", "assignment", "points", "tests");
    for a in &run.rubric.assignments {
        let (points, max, passing, count) = run.score(Some(&a.id));
        let mark = if points == max { " ✓" } else { "" };
        let _ = writeln!(
            out,
            "{:<width$}  {:>7}  {:>7}{mark}",
            a.title,
            format!("{points}/{max}"),
            format!("{passing}/{count}")
        );
    }
    let (points, max, passing, count) = run.score(None);
    let _ = writeln!(
        out,
        "{:<width$}  {:>7}  {:>7}",
        "total",
        format!("{points}/{max}"),
        format!("{passing}/{count}")
    );
    out
}

/// One line per graded test: its name, the points earned, the points possible;
/// then whether the code was compared with the known mistakes, and each one it
/// makes (`mistake NAME`). For machines: `cargo xtask assignments learn` reads it.
pub fn points(run: &Run) -> String {
    let mut out: String = run
        .tests
        .iter()
        .map(|t| format!("{}\t{}\t{}\n", t.name, t.points(), t.max_points))
        .collect();
    let _ = writeln!(out, "diagnosed\t{}", run.diagnosed);
    for mistake in &run.mistakes {
        let _ = writeln!(out, "mistake\t{}", mistake.mistake);
    }
    out
}

/// The assignment's failing test to show first: the one worth most (the update
/// rule itself weighs most in the rubric), then by rubric order.
fn first_failing<'a>(run: &'a Run, assignment: &str) -> Option<&'a TestResult> {
    let failing = run.tests.iter().filter(|t| t.assignment == assignment && t.points() == 0);
    let mut best: Option<&TestResult> = None;
    for test in failing {
        if best.is_none_or(|b| test.max_points > b.max_points) {
            best = Some(test);
        }
    }
    best
}

/// A test's name as the property it states: `adagrad::a_zero_gradient_gives_a_zero_step`
/// → "a zero gradient gives a zero step".
pub fn in_words(name: &str) -> String {
    let path = name.split_once("::").map_or(name, |(_, path)| path);
    let last = path.rsplit("::").next().unwrap_or(path);
    last.replace('_', " ")
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

impl TestResult {
    fn outcome_word(&self) -> &'static str {
        match self.outcome {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timeout",
            Outcome::Ignored => "ignored",
            Outcome::Missing => "missing",
            Outcome::NotBuilt => "not built",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(outcomes: &[(&str, Outcome, &str)], mistakes: &[&str]) -> Run {
        let rubric: descent_feedback::rubric::Rubric = toml::from_str(
            "[course]\ntest_package = \"t\"\nstudent_crates = []\ntimeout_seconds = 5\n\
             [[assignment]]\nid = \"one\"\ntitle = \"1. One\"\nchapter = \"one.md\"\n\
             tests = { \"f::a_rule_holds\" = 4, \"f::b_detail\" = 1 }\n\
             [[assignment]]\nid = \"two\"\ntitle = \"2. Two\"\ntests = { \"g::c\" = 2 }\n",
        )
        .unwrap();
        let tests = outcomes
            .iter()
            .map(|(name, outcome, message)| TestResult {
                name: name.to_string(),
                assignment: if name.starts_with('g') { "two" } else { "one" }.into(),
                max_points: match *name {
                    "f::a_rule_holds" => 4,
                    "f::b_detail" => 1,
                    _ => 2,
                },
                outcome: *outcome,
                message: message.to_string(),
            })
            .collect();
        Run {
            rubric,
            tests,
            build_error: None,
            mistakes: mistakes
                .iter()
                .map(|m| descent_feedback::mistakes::Named {
                    mistake: m.to_string(),
                    message: format!("1. One: your functions behave like this known mistake: {m}."),
                    chapter: None,
                })
                .collect(),
            diagnosed: true,
            seconds: 0.0,
        }
    }

    #[test]
    fn the_screen_shows_the_table_then_the_heaviest_failing_property_and_the_mistake() {
        let run = run(
            &[
                (
                    "f::a_rule_holds",
                    Outcome::Failed,
                    "Test failed: got 2, expected 1.\nminimal failing input: g = 1.0",
                ),
                ("f::b_detail", Outcome::Failed, "left: 1"),
                ("g::c", Outcome::Passed, ""),
            ],
            &["sign"],
        );
        let screen = render(&run);
        let table = "assignment   points    tests\n1. One          0/5      0/2\n\
                     2. Two          2/2      1/1 ✓\ntotal           2/7      1/3\n";
        assert!(screen.starts_with(table), "{screen}");
        assert!(screen.contains("Next: 1. One"), "{screen}");
        assert!(screen.contains("known mistake: sign."), "{screen}");
        assert!(screen.contains("  a rule holds\n  (f::a_rule_holds)"), "{screen}");
        assert!(
            screen.contains("  minimal failing input: g = 1.0\n  Read: book/src/one.md"),
            "{screen}"
        );
        assert_eq!(
            points(&run),
            "f::a_rule_holds\t0\t4\nf::b_detail\t0\t1\ng::c\t2\t2\ndiagnosed\ttrue\nmistake\tsign\n"
        );
    }

    #[test]
    fn no_known_mistake_is_said_and_full_marks_end_the_screen() {
        let failing = run(
            &[
                ("f::a_rule_holds", Outcome::Failed, "m"),
                ("f::b_detail", Outcome::Passed, ""),
                ("g::c", Outcome::Passed, ""),
            ],
            &[],
        );
        assert!(render(&failing).contains(NO_KNOWN_MISTAKE));
        let done = run(
            &[
                ("f::a_rule_holds", Outcome::Passed, ""),
                ("f::b_detail", Outcome::Passed, ""),
                ("g::c", Outcome::Passed, ""),
            ],
            &[],
        );
        assert!(done.complete());
        assert!(render(&done).ends_with("\nEvery graded test passes: full marks. Well done.\n"));
    }

    #[test]
    fn a_test_name_reads_as_its_property() {
        assert_eq!(
            in_words("gradient_descent::one_gd_step_is_exactly_w_minus_eta_g"),
            "one gd step is exactly w minus eta g"
        );
        assert_eq!(in_words("a::m::b_c"), "b c");
    }
}

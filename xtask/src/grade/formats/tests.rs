//! Every format, rendered from a report holding every outcome, is valid against
//! its committed schema; and the schemas do reject what the platforms reject.

use std::path::Path;

use super::super::report::{AssignmentScore, Diagnosis, Outcome, Report, SandboxNote, TestResult};
use super::classroom50::Submission;
use super::schema::{self, XmlCheck};
use super::{Context, Format, render, utc};

/// A report with one test of every outcome, a hidden test, a diagnosis, a flag,
/// and messages holding XML's special characters.
pub fn every_outcome() -> Report {
    let outcomes = [
        Outcome::Passed,
        Outcome::Failed,
        Outcome::TimedOut,
        Outcome::Ignored,
        Outcome::Missing,
        Outcome::NotBuilt,
        Outcome::Crashed,
    ];
    let tests = outcomes
        .iter()
        .enumerate()
        .map(|(i, &outcome)| TestResult {
            name: format!("adagrad::test_{i}"),
            assignment: if i < 4 { "adagrad".into() } else { "rmsprop".into() },
            points: if outcome == Outcome::Passed { 2 } else { 0 },
            max_points: 2,
            outcome,
            message: if outcome == Outcome::Passed {
                String::new()
            } else {
                format!("Δ: got 1 < 2 & \"3\", expected 4\u{7}\nminimal failing input: g = {i}")
            },
            seconds: 0.25,
            hidden: i == 1,
        })
        .collect();
    let assignment = |id: &str, title: &str, points, chapter: &str| AssignmentScore {
        id: id.into(),
        title: title.into(),
        chapter: Some(chapter.into()),
        points,
        max: 8,
    };
    Report {
        submission: "/tmp/alice <&>".into(),
        assignments: vec![
            assignment("adagrad", "2. Adagrad", 2, "adagrad.md"),
            assignment("rmsprop", "3. RMSprop", 0, "rmsprop.md"),
        ],
        tests,
        unscored: vec!["adagrad::extra".into()],
        excluded_missing: vec![],
        build_error: None,
        seconds: 3.5,
        diagnosis: vec![Diagnosis {
            mistake: "epsilon-outside-the-root".into(),
            message: "your Adagrad steps match ε added outside the square root".into(),
            chapter: Some("adagrad.md".into()),
        }],
        diagnosed: true,
        refused: vec!["crates/rmsprop/src/lib.rs:1: `include_str!` compiles a file's content in: `include_str`".into()],
        flags: vec!["crates/gd/src/lib.rs:3: `std::process::exit`".into()],
        sandbox: SandboxNote {
            enforced: vec!["no network".into()],
            not_enforced: vec!["a memory cgroup".into()],
        },
    }
}

fn context() -> Context {
    Context {
        classroom50: Submission::from_env(Path::new("/tmp/alice")),
        datetime: utc(1_790_000_000),
    }
}

/// Under CI, xmllint must be there; elsewhere its absence is said, not hidden.
fn xml_valid(text: &str) {
    match schema::check_xml(text) {
        Ok(()) => {}
        Err(XmlCheck::NoXmllint) if std::env::var("CI").is_err() => {
            eprintln!("xmllint is not installed: the JUnit XML was not checked against junit.xsd");
        }
        Err(e) => panic!("{e}\n{text}"),
    }
}

#[test]
fn every_format_of_every_outcome_is_valid_against_its_schema() {
    let report = every_outcome();
    for format in Format::ALL {
        let text = render(&report, format, &context()).unwrap();
        if format == Format::Junit {
            xml_valid(&text);
        }
    }
    // The same for a submission that did not build, and for an empty rubric.
    let mut not_built = every_outcome();
    not_built.build_error = Some("error[E0308]: mismatched types".into());
    not_built.diagnosed = false;
    not_built.diagnosis.clear();
    let mut empty = every_outcome();
    empty.tests.clear();
    empty.assignments.clear();
    for report in [not_built, empty] {
        for format in Format::ALL {
            let text = render(&report, format, &context()).unwrap();
            if format == Format::Junit {
                xml_valid(&text);
            }
        }
    }
}

#[test]
fn gradescope_shows_hidden_tests_after_the_due_date_and_numbers_each_test() {
    let text = render(&every_outcome(), Format::Gradescope, &context()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let tests = value["tests"].as_array().unwrap();
    assert_eq!(tests[1]["visibility"], "after_due_date");
    assert_eq!(tests[0]["visibility"], "visible");
    assert_eq!(tests[0]["number"], "1.1");
    assert_eq!(tests[4]["number"], "2.1");
    assert_eq!(tests[1]["status"], "failed");
    assert!(tests[1]["output"].as_str().unwrap().ends_with("Read: book/src/adagrad.md"));
    assert_eq!(value["score"], 2);
    assert!(value["output"].as_str().unwrap().contains("ε added outside the square root"));
}

#[test]
fn classroom50_has_exactly_the_keys_of_result_v1() {
    let text = render(&every_outcome(), Format::Classroom50, &context()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "assignment",
        "classroom",
        "commit",
        "datetime",
        "max-score",
        "release",
        "review",
        "schema",
        "score",
        "submission",
        "tests",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(value["datetime"], "2026-09-21T14:13:20Z");
    let test = value["tests"][0].as_object().unwrap();
    let keys: Vec<&str> = test.keys().map(String::as_str).collect();
    assert_eq!(keys, ["max-score", "passed", "score", "test-name"]);
}

#[test]
fn the_schemas_reject_what_the_platforms_reject() {
    let report = every_outcome();
    let mut value: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Classroom50, &context()).unwrap()).unwrap();
    value["owner"] = "alice".into();
    let error = schema::check_json(schema::CLASSROOM50, &value.to_string()).unwrap_err();
    assert!(error.to_string().contains("owner"), "{error}");
    let mut value: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Gradescope, &context()).unwrap()).unwrap();
    value["tests"][0]["status"] = "error".into();
    value["tests"][1]["visibility"] = "later".into();
    let error = schema::check_json(schema::GRADESCOPE, &value.to_string()).unwrap_err();
    assert_eq!(error.to_string().lines().count(), 2, "{error}");
    let xml = render(&report, Format::Junit, &context()).unwrap();
    let broken = xml.replacen(" classname=\"adagrad\"", "", 1);
    match schema::check_xml(&broken) {
        Err(XmlCheck::Invalid(why)) => assert!(why.contains("classname"), "{why}"),
        Err(XmlCheck::NoXmllint) if std::env::var("CI").is_err() => {}
        other => panic!("a test case without classname passed: {other:?}"),
    }
}

#[test]
fn utc_dates_are_civil_dates() {
    assert_eq!(utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(utc(1_709_251_199), "2024-02-29T23:59:59Z");
}

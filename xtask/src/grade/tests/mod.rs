//! The grader's mechanics, proven on a tiny course built in a temporary folder
//! (one crate with one solution region, one graded test file): each grading
//! builds in a couple of seconds.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::engine::{Request, grade};
use super::report::Outcome;

/// A course with a crate `calc` (`double(x) = 2x`, the solution region) and a
/// graded suite of five tests, one of them ignored; the rubric also scores a
/// test the suite does not have and one whose name is a prefix of another's.
fn mini_course() -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("descent-mini-course-").tempdir().unwrap();
    let files: &[(&str, &str)] = &[
        (
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\", \"tests\", \"xtask\"]\n\n\
             [workspace.package]\nedition = \"2024\"\n",
        ),
        (
            "crates/calc/Cargo.toml",
            "[package]\nname = \"calc\"\nversion = \"0.1.0\"\nedition.workspace = true\n",
        ),
        (
            "crates/calc/src/lib.rs",
            "//! Doubling.\n\n/// Twice `x`.\npub fn double(x: i64) -> i64 {\n    \
             // ANCHOR: solution_double\n    x * 2\n    // ANCHOR_END: solution_double\n}\n",
        ),
        (
            "tests/Cargo.toml",
            "[package]\nname = \"mini-tests\"\nversion = \"0.1.0\"\nedition.workspace = true\n\n\
             [dependencies]\ncalc = { path = \"../crates/calc\" }\n",
        ),
        ("tests/src/lib.rs", "//! The graded suite.\n"),
        (
            "tests/tests/calc.rs",
            "//! Graded tests of `double`.\n\
             use calc::double;\n\
             #[test]\nfn doubles_two() { assert_eq!(double(2), 4); }\n\
             #[test]\nfn doubles_negatives() { assert_eq!(double(-3), -6); }\n\
             #[test]\n#[ignore]\nfn ignored_by_the_author() { assert_eq!(double(1), 2); }\n\
             /// Loops forever unless `double` doubles: the grader must not hang.\n\
             #[test]\nfn terminates() { let mut x = 1; while double(x) != 2 * x { x = 1; } }\n\
             #[test]\nfn not_in_the_rubric() {}\n\
             #[cfg(any())]\n#[test]\nfn filtered_away_by_cfg() {}\n",
        ),
        (
            "tests/rubric.toml",
            "[course]\ntest_package = \"mini-tests\"\nstudent_crates = [\"crates/calc\"]\n\
             timeout_seconds = 60\n\n\
             [[assignment]]\nid = \"double\"\ntitle = \"Doubling\"\n\
             [[assignment.region]]\nname = \"solution_double\"\nfile = \"crates/calc/src/lib.rs\"\n\
             hint = \"twice x\"\nuses = [\"x\"]\n\
             [assignment.tests]\n\"calc::doubles_two\" = 1\n\"calc::doubles_negatives\" = 2\n\
             \"calc::ignored_by_the_author\" = 3\n\"calc::terminates\" = 4\n\
             \"calc::renamed_in_the_suite\" = 5\n\"calc::doubles\" = 6\n\
             \"calc::filtered_away_by_cfg\" = 7\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// The kit target folder the self-tests build in (shared, so each build reuses
/// the last; the grader's lock keeps them apart).
fn target_dir() -> PathBuf {
    crate::kit::sandbox::kit_target_dir(&crate::workspace::root()).with_file_name("kit-selftest")
}

fn request(course: &Path, submission: &Path) -> Request {
    Request {
        timeout: Some(Duration::from_secs(2)),
        target_dir: target_dir(),
        ..Request::new(course, submission)
    }
}

/// A submission holding only the crate `calc`, whose `double` body is `body`.
fn submission_with(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("crates/calc/src");
    fs::create_dir_all(&src).unwrap();
    fs::write(
        src.join("lib.rs"),
        format!(
            "//! Doubling.\n\n/// Twice `x`.\npub fn double(x: i64) -> i64 {{\n    {body}\n}}\n"
        ),
    )
    .unwrap();
    dir
}

#[test]
fn tests_are_counted_by_exact_name_and_missing_or_ignored_ones_score_zero() {
    let course = mini_course();
    let report = grade(&request(course.path(), course.path())).unwrap();
    let outcome = |name: &str| report.test(name).unwrap().outcome;
    assert_eq!(outcome("calc::doubles_two"), Outcome::Passed);
    assert_eq!(outcome("calc::doubles_negatives"), Outcome::Passed);
    assert_eq!(outcome("calc::terminates"), Outcome::Passed);
    assert_eq!(outcome("calc::ignored_by_the_author"), Outcome::Ignored);
    // Renamed or deleted: no test of that name, so no points.
    assert_eq!(outcome("calc::renamed_in_the_suite"), Outcome::Missing);
    // A prefix of `doubles_two` and `doubles_negatives` is not a test of its own.
    assert_eq!(outcome("calc::doubles"), Outcome::Missing);
    // Compiled away: as good as deleted.
    assert_eq!(outcome("calc::filtered_away_by_cfg"), Outcome::Missing);
    assert_eq!((report.total(), report.max()), (7, 28));
    assert_eq!(report.unscored, ["calc::not_in_the_rubric"]);
    let table = report.table();
    assert!(table.contains("Doubling       7/28"), "{table}");
    assert!(table.contains("missing   calc::renamed_in_the_suite (0/5)"), "{table}");
}

#[test]
fn a_submission_is_graded_by_the_instructors_tests_not_its_own() {
    let course = mini_course();
    // The student triples, then "fixes" the tests and the rubric in their copy.
    let submission = submission_with("x * 3");
    crate::kit::trees::copy_tree(
        &course.path().join("tests"),
        &submission.path().join("tests"),
        &|_| false,
    )
    .unwrap();
    fs::write(submission.path().join("tests/tests/calc.rs"), "#[test]\nfn doubles_two() {}\n")
        .unwrap();
    fs::write(submission.path().join("tests/rubric.toml"), "garbage").unwrap();
    let started = Instant::now();
    let report = grade(&request(course.path(), submission.path())).unwrap();
    assert_eq!(report.test("calc::doubles_two").unwrap().outcome, Outcome::Failed);
    assert!(report.test("calc::doubles_two").unwrap().message.contains("left: 6"), "{report:?}");
    // With a wrong `double` this test loops forever: killed at the time limit.
    assert_eq!(report.test("calc::terminates").unwrap().outcome, Outcome::TimedOut);
    assert_eq!(report.total(), 0);
    assert!(started.elapsed() < Duration::from_secs(120));
}

#[test]
fn the_student_copy_builds_and_its_panicking_stub_scores_zero() {
    let course = mini_course();
    let copy = tempfile::tempdir().unwrap();
    let summary = crate::student::write_copy(course.path(), copy.path(), false).unwrap();
    assert_eq!(summary.regions, 1);
    let stubbed = fs::read_to_string(copy.path().join("crates/calc/src/lib.rs")).unwrap();
    assert!(stubbed.contains("    let _ = x;\n    todo!(\"twice x\")\n"), "{stubbed}");
    assert!(!copy.path().join("xtask").exists());
    let report = grade(&request(course.path(), copy.path())).unwrap();
    let stub = report.test("calc::doubles_two").unwrap();
    assert_eq!(stub.outcome, Outcome::Failed);
    assert!(stub.message.contains("not yet implemented: twice x"), "{}", stub.message);
    assert_eq!(report.total(), 0);
}

#[test]
fn a_test_process_cannot_read_the_hidden_tests_source() {
    if !crate::kit::jail::is_root() {
        eprintln!("not root: the jail's root of its own is not tried here");
        return;
    }
    let course = mini_course();
    let hidden = tempfile::tempdir().unwrap();
    fs::write(
        hidden.path().join("hidden.rs"),
        "#[test]\nfn doubles_zero() { assert_eq!(calc::double(0), 0); } // secret\n",
    )
    .unwrap();
    fs::write(
        hidden.path().join("rubric.toml"),
        "[[assignment]]\nid = \"double\"\ntests = { \"hidden::doubles_zero\" = 10 }\n",
    )
    .unwrap();
    // Reads the hidden test's file and prints it into its own feedback.
    let submission = submission_with(
        "{ let t = std::fs::read_to_string(\"tests/hidden.rs\").unwrap_or_default(); \
         panic!(\"source: [{t}]\") }",
    );
    let report = grade(&Request {
        extra_tests: Some(hidden.path().to_path_buf()),
        ..request(course.path(), submission.path())
    })
    .unwrap();
    let message = &report.test("hidden::doubles_zero").unwrap().message;
    assert!(message.contains("source: []"), "{message}");
    assert!(!report.tests.iter().any(|t| t.message.contains("secret")), "{}", report.table());
}

#[test]
fn hidden_tests_are_added_and_scored_at_grading_time() {
    let course = mini_course();
    let hidden = tempfile::tempdir().unwrap();
    fs::write(
        hidden.path().join("hidden.rs"),
        "#[test]\nfn doubles_zero() { assert_eq!(calc::double(0), 0); }\n",
    )
    .unwrap();
    fs::write(
        hidden.path().join("rubric.toml"),
        "[[assignment]]\nid = \"double\"\ntests = { \"hidden::doubles_zero\" = 10 }\n",
    )
    .unwrap();
    let submission = submission_with("x + x");
    let report = grade(&Request {
        extra_tests: Some(hidden.path().to_path_buf()),
        ..request(course.path(), submission.path())
    })
    .unwrap();
    assert_eq!(report.test("calc::doubles_two").unwrap().outcome, Outcome::Passed);
    assert_eq!(report.test("hidden::doubles_zero").unwrap().outcome, Outcome::Passed);
    assert_eq!((report.total(), report.max()), (17, 38));
    // The course's JSON: total, max, and per test name, points, outcome.
    let text = super::formats::render(
        &report,
        super::formats::Format::Json,
        &super::formats::Context::from_env(submission.path()),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!((json["total"].as_u64(), json["max"].as_u64()), (Some(17), Some(38)));
    let hidden_test = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "hidden::doubles_zero")
        .unwrap();
    assert_eq!(
        (
            hidden_test["score"].as_u64(),
            hidden_test["outcome"].as_str(),
            hidden_test["hidden"].as_bool()
        ),
        (Some(10), Some("passed"), Some(true))
    );
    let ignored = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "calc::ignored_by_the_author")
        .unwrap();
    assert_eq!(
        (ignored["score"].as_u64(), ignored["outcome"].as_str()),
        (Some(0), Some("ignored"))
    );
}

#[test]
fn a_submission_that_exits_early_with_success_does_not_pass() {
    let course = mini_course();
    // Writes a libtest-like summary past the output capture, then ends the test
    // process with status 0 before any assertion can fail.
    let submission = submission_with(
        "use std::io::Write as _;\n    let _ = x;\n    \
         let _ = writeln!(std::io::stdout(), \"ok\\n\\ntest doubles_two ... ok\\n\\n\\
         test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out;\");\n    \
         std::process::exit(0)",
    );
    let report = grade(&request(course.path(), submission.path())).unwrap();
    assert_eq!(report.test("calc::doubles_two").unwrap().outcome, Outcome::Failed);
    assert_eq!(report.total(), 0);
}

#[test]
fn a_submission_that_does_not_compile_scores_zero_and_shows_the_error() {
    let course = mini_course();
    let submission = submission_with("x * \"two\"");
    let report = grade(&request(course.path(), submission.path())).unwrap();
    assert_eq!(report.total(), 0);
    assert!(report.tests.iter().all(|t| t.outcome == Outcome::NotBuilt));
    assert!(report.build_error.as_deref().unwrap_or("").contains("error"), "{report:?}");
}

#[test]
fn a_folder_that_is_not_a_checkout_is_refused() {
    let course = mini_course();
    let empty = tempfile::tempdir().unwrap();
    let error = grade(&request(course.path(), empty.path())).unwrap_err().to_string();
    assert!(
        error.contains("is it a checkout of the course?") || error.contains("is not a folder"),
        "{error}"
    );
}

#[test]
fn the_student_command_refuses_a_non_empty_folder_unless_forced() {
    let course = mini_course();
    let out = tempfile::tempdir().unwrap();
    fs::write(out.path().join("precious.txt"), "mine").unwrap();
    let error =
        crate::student::write_copy(course.path(), out.path(), false).unwrap_err().to_string();
    assert!(error.contains("is not empty") && error.contains("--force"), "{error}");
    assert!(out.path().join("precious.txt").exists());
    crate::student::write_copy(course.path(), out.path(), true).unwrap();
    assert!(!out.path().join("precious.txt").exists());
    assert!(out.path().join("README.md").exists());
}

#[test]
fn solution_code_anywhere_in_a_copy_is_reported_with_file_and_line() {
    let out = tempfile::tempdir().unwrap();
    fs::create_dir_all(out.path().join("book")).unwrap();
    fs::write(out.path().join("book/page.html"), "<code>if d &gt; 0.0 { eta * g / d }</code>\n")
        .unwrap();
    let secrets = ["ifd>0.0{eta*g/d}".to_string()];
    let error =
        crate::student::check_no_solution_text(out.path(), &secrets).unwrap_err().to_string();
    assert!(error.contains("book/page.html:1: `ifd>0.0{eta*g/d}`"), "{error}");
}

mod batch;
mod hostile;

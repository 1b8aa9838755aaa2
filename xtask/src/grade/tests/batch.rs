//! A class at once: a gradebook, one feedback file per student, every format,
//! and broken submissions cost only their student.

use std::fs;

use super::super::batch::grade_all;
use super::super::formats::{Format, schema};
use super::{mini_course, request};

#[test]
fn a_batch_grades_every_student_and_a_broken_one_costs_only_its_student() {
    let course = mini_course();
    let class = tempfile::tempdir().unwrap();
    let write = |student: &str, body: &str| {
        let src = class.path().join(student).join("crates/calc/src");
        fs::create_dir_all(&src).unwrap();
        fs::write(
            src.join("lib.rs"),
            format!(
                "//! Doubling.\n\n/// Twice.\npub fn double(x: i64) -> i64 {{\n    {body}\n}}\n"
            ),
        )
        .unwrap();
    };
    write("alice", "x * 2");
    write("bob", "x * 3");
    write("carol", "x * \"two\"");
    // Dave's folder has no crate at all; Erin's build script panics (it is never run:
    // only `src/` is read); Frank's code never returns.
    fs::create_dir_all(class.path().join("dave/notes")).unwrap();
    write("erin", "x + x");
    fs::write(class.path().join("erin/crates/calc/build.rs"), "fn main() { panic!(\"boom\") }")
        .unwrap();
    write("frank", "loop {}");
    let out = tempfile::tempdir().unwrap();
    let summary =
        grade_all(&request(course.path(), class.path()), class.path(), out.path(), &Format::ALL, 2)
            .unwrap();
    let totals: Vec<(&str, u32)> =
        summary.rows.iter().map(|r| (r.student.as_str(), r.total)).collect();
    assert_eq!(
        totals,
        [("alice", 7), ("bob", 0), ("carol", 0), ("dave", 0), ("erin", 7), ("frank", 0)],
        "{}",
        summary.table()
    );
    let gradebook = fs::read_to_string(out.path().join("gradebook.csv")).unwrap();
    assert!(
        gradebook.starts_with("student,total,max,double,mistakes,flags,seconds\n"),
        "{gradebook}"
    );
    assert!(gradebook.contains("\nalice,7,28,7,"), "{gradebook}");
    for student in ["alice", "bob", "carol", "dave", "erin", "frank"] {
        let folder = out.path().join(student);
        let feedback = fs::read_to_string(folder.join("feedback.md")).unwrap();
        assert!(feedback.starts_with("# Your grade: "), "{feedback}");
        for format in Format::ALL {
            let text = fs::read_to_string(folder.join(format.file_name())).unwrap();
            schema::check(format, &text).unwrap();
        }
    }
    let carol = fs::read_to_string(out.path().join("carol/feedback.md")).unwrap();
    assert!(carol.contains("could not be graded") && carol.contains("error"), "{carol}");
    let dave = fs::read_to_string(out.path().join("dave/feedback.md")).unwrap();
    assert!(dave.contains("a checkout of the course?"), "{dave}");
    let frank = fs::read_to_string(out.path().join("frank/grade.json")).unwrap();
    assert!(frank.contains("\"timeout\""), "{frank}");
}

//! What a student reads about their work, shared by the two programs that grade
//! it: the instructor's grader (`cargo xtask grade`) and the student's own checker
//! (`cargo learn`, in the student copy).
//!
//! Both must say the same thing about the same code: the same points from the same
//! rubric, the same one message for a failing test, and the same known mistake
//! named with the same section to read. So the pieces that decide what is said
//! live here, once, and each program only runs the tests its own way (the grader
//! jailed, one process per test; the checker on the student's machine).
//!
//! - [`rubric`]: the assignments, the regions each cuts out, and the points of
//!   each graded test (`tests/rubric.toml`);
//! - [`message`]: a failed test's captured output condensed to one readable
//!   message (the last panic, no counters, no `thread … panicked at` lines);
//! - [`mistakes`]: the known wrong submissions (named without their code in a
//!   student copy) and the diagnosis probe's results that recognise them;
//! - [`pool`]: the tests run a few at once, each by the first free worker;
//! - [`test_environment`]: the environment every graded test runs in.

use std::path::Path;

pub mod message;
pub mod mistakes;
pub mod pool;
pub mod rubric;

/// The environment every graded test process runs in, whoever runs it (the
/// grader or `cargo learn`), with `workspace` the root it is built in: insta
/// compares with the committed snapshots and never writes one, and finds the
/// workspace without running cargo; no backtraces, whatever the student's
/// shell says; the instructor's proptest regression files are read, never
/// written.
pub fn test_environment(workspace: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("CI", "true".into()),
        ("INSTA_UPDATE", "no".into()),
        ("INSTA_WORKSPACE_ROOT", workspace.display().to_string()),
        ("RUST_BACKTRACE", "0".into()),
        ("RUST_LIB_BACKTRACE", "0".into()),
        ("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1".into()),
    ]
}

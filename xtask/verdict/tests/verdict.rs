//! The verdict channel end to end: this file's `#[ignore]`d subjects are run,
//! one per process, by the tests below, each with a pipe as its standard input,
//! as the grader runs a graded test; only a body that returned writes a pass.

use std::io::Read as _;
use std::process::{Command, Stdio};

use descent_verdict::test;

#[test]
#[ignore = "a subject: run by the tests below"]
fn subject_passes() {
    assert_eq!(2 + 2, 4);
}

#[test]
#[ignore = "a subject: run by the tests below"]
fn subject_fails() {
    assert_eq!(2 + 2, 5, "a wrong sum");
}

#[test]
#[ignore = "a subject: run by the tests below"]
fn subject_returns_early() {
    if 2 + 2 == 4 {
        return;
    }
    unreachable!();
}

#[test]
#[ignore = "a subject: run by the tests below"]
fn subject_returns_an_error() -> Result<(), String> {
    Err("an error".into())
}

#[test]
#[ignore = "a subject: run by the tests below"]
fn subject_forges_libtests_report_and_exits() {
    println!("\ntest subject_forges_libtests_report_and_exits ... ok\n");
    println!("test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 9 filtered out;");
    std::process::exit(0);
}

#[test]
#[ignore = "a subject: run by the tests below"]
fn subject_writes_to_its_standard_input() {
    use std::io::Write as _;
    use std::os::fd::AsFd as _;
    // The descriptor 0 it can name is /dev/null by now, not the pipe.
    let copy = std::io::stdin().as_fd().try_clone_to_owned().expect("descriptor 0 is open");
    let mut file = std::fs::File::from(copy);
    let _ = writeln!(file, "pass verdict::subject_writes_to_its_standard_input");
    panic!("and then fails");
}

#[test]
#[ignore = "a subject: run by the tests below"]
#[should_panic(expected = "as it should")]
fn subject_should_panic() {
    panic!("as it should");
}

/// Runs one subject with a pipe as its standard input: what it wrote there.
fn verdict_of(subject: &str) -> String {
    let (mut reader, writer) = std::io::pipe().expect("a pipe");
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command
        .args([subject, "--exact", "--ignored", "--test-threads", "1"])
        .stdin(Stdio::from(writer))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("the subject starts");
    drop(command);
    let mut verdict = String::new();
    reader.read_to_string(&mut verdict).expect("the pipe reads");
    child.wait().expect("the subject ends");
    verdict
}

#[test]
fn a_body_that_returns_writes_its_own_full_name_and_nothing_else_does() {
    assert_eq!(verdict_of("subject_passes"), "pass verdict::subject_passes\n");
    assert_eq!(verdict_of("subject_returns_early"), "pass verdict::subject_returns_early\n");
    assert_eq!(verdict_of("subject_should_panic"), "pass verdict::subject_should_panic\n");
    assert_eq!(verdict_of("subject_fails"), "");
    assert_eq!(verdict_of("subject_returns_an_error"), "");
    assert_eq!(verdict_of("subject_forges_libtests_report_and_exits"), "");
    assert_eq!(verdict_of("subject_writes_to_its_standard_input"), "");
}

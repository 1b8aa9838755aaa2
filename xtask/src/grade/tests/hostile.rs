//! Hostile submissions: each is contained, costs only its own tests, is reported,
//! and the grading always ends with a report.
//!
//! One submission does everything at once: its `double(k)` opens a socket
//! (k = 101), writes outside its folder (102), forks without end (103),
//! allocates 100 GB (104), sleeps forever (105), or prints a forged libtest
//! summary and exits (106). Six graded tests call it with those k. The containment is proven where
//! the jail has its powers (root); elsewhere the test says so and checks only
//! that a report is written.

use std::fs;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use super::super::batch::grade_one;
use super::super::engine::Slot;
use super::super::report::Outcome;
use super::{mini_course, request};
use crate::kit::jail::is_root;

/// Adds the six hostile tests to a mini course.
fn hostile_course() -> tempfile::TempDir {
    let course = mini_course();
    let mut tests = String::from("//! One test per hostile act.\nuse calc::double;\n");
    let mut rubric = String::from(
        "\n[[assignment]]\nid = \"hostile\"\ntitle = \"Hostile\"\n[assignment.tests]\n",
    );
    for (k, name) in
        ["socket", "write_outside", "fork_bomb", "allocate", "sleep", "forge"].iter().enumerate()
    {
        let k = k + 101;
        tests
            .push_str(&format!("#[test]\nfn {name}() {{ assert_eq!(double({k}), {}); }}\n", 2 * k));
        rubric.push_str(&format!("\"hostile::{name}\" = 1\n"));
    }
    fs::write(course.path().join("tests/tests/hostile.rs"), tests).unwrap();
    let path = course.path().join("tests/rubric.toml");
    let text = fs::read_to_string(&path).unwrap();
    // The new assignment goes after the first one's tests table ends: at the end.
    fs::write(&path, text + &rubric).unwrap();
    course
}

#[test]
fn hostile_acts_are_contained_reported_and_cost_only_their_own_tests() {
    let course = hostile_course();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let nonce = format!("{}{}", std::process::id(), Instant::now().elapsed().as_nanos());
    // The graded test file in the grading workspace: the instructor's, which the
    // test process reads (snapshots are read the same way).
    let outside = Slot::new(&super::target_dir(), 0).workspace.join("tests/tests/calc.rs");
    let before = super::super::one_binary::graded_copy(
        &fs::read_to_string(course.path().join("tests/tests/calc.rs")).unwrap(),
    );
    let tmp_marker = std::env::temp_dir().join(format!("descent-escape-{nonce}"));
    let sleeper = format!("0.{nonce}");
    let body = format!(
        "match x {{\n        \
         101 => if std::net::TcpStream::connect((\"127.0.0.1\", {port})).is_ok() {{ 202 }} else {{ 0 }},\n        \
         102 => {{\n            \
             let a = std::fs::write({outside:?}, \"pwned\").is_ok();\n            \
             let b = std::fs::write({tmp_marker:?}, \"pwned\").is_ok();\n            \
             if a {{ 204 }} else if b {{ 0 }} else {{ 0 }}\n        }}\n        \
         103 => {{\n            let mut n = 0;\n            \
             while n < 100_000 && std::process::Command::new(\"sleep\").args([\"1000\", {sleeper:?}]).spawn().is_ok() {{ n += 1; }}\n            \
             if n == 100_000 {{ 206 }} else {{ 0 }}\n        }}\n        \
         104 => {{ let v = vec![1u8; 100 << 30]; v.len() as i64 }}\n        \
         105 => loop {{ std::thread::sleep(std::time::Duration::from_secs(1)); }},\n        \
         106 => {{\n            use std::io::Write as _;\n            \
             let _ = writeln!(std::io::stdout(), \"\\ntest forge ... ok\\n\\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out;\");\n            \
             std::process::exit(0)\n        }}\n        \
         _ => x * 2,\n    }}"
    );
    let submission = super::submission_with(&body);
    let started = Instant::now();
    let report = grade_one(&request(course.path(), submission.path())).unwrap();
    let outcome = |name: &str| report.test(name).unwrap().outcome;
    // The honest tests still pass: a hostile act costs only its own test.
    assert_eq!(outcome("calc::doubles_two"), Outcome::Passed, "{}", report.table());
    assert_eq!(outcome("calc::doubles_negatives"), Outcome::Passed);
    // Sleeping forever: stopped at the time limit (2 s here).
    assert_eq!(outcome("hostile::sleep"), Outcome::TimedOut);
    // The forged summary names the wrong number of tests filtered out.
    assert_eq!(outcome("hostile::forge"), Outcome::Failed);
    // The source scan tells the instructor where to look.
    let flags = report.flags.join("\n");
    for what in
        ["uses the network", "reads or writes files", "starts a process", "ends the process"]
    {
        assert!(flags.contains(what), "{what}:\n{flags}");
    }
    assert!(started.elapsed() < Duration::from_secs(240), "{:?}", started.elapsed());
    if !is_root() {
        eprintln!(
            "not root: containment of the socket, the writes, the fork bomb and the allocation is not checked"
        );
        return;
    }
    assert!(
        report.sandbox.not_enforced.iter().all(|n| !n.contains("network")),
        "{:?}",
        report.sandbox
    );
    // No network: the listener on this machine's loopback saw nothing.
    assert!(listener.accept().is_err());
    assert_eq!(outcome("hostile::socket"), Outcome::Failed);
    // Writes outside its folder: the instructor's file unchanged, nothing in /tmp.
    assert_eq!(outcome("hostile::write_outside"), Outcome::Failed);
    assert_eq!(fs::read_to_string(&outside).unwrap(), before);
    assert!(!tmp_marker.exists());
    // The fork bomb hits the process limit, and none of its processes survive.
    assert_eq!(outcome("hostile::fork_bomb"), Outcome::Failed);
    let survivors = std::process::Command::new("pgrep").args(["-f", &sleeper]).output().unwrap();
    assert!(survivors.stdout.is_empty(), "{}", String::from_utf8_lossy(&survivors.stdout));
    // 100 GB: the address-space limit refuses it, and the abort is reported.
    assert_eq!(outcome("hostile::allocate"), Outcome::Crashed);
    let message = &report.test("hostile::allocate").unwrap().message;
    assert!(message.contains("SIGABRT"), "{message}");
}

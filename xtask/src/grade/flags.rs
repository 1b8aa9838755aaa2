//! Constructs in a submission's source that an instructor should look at: the
//! grader contains what they do (see `kit::jail`), but a student's code that
//! exits the process, reads the environment or files, opens sockets, starts
//! processes, uses `unsafe`, or prints lines that look like libtest's is either
//! a mistake or an attempt, and the instructor's report says where.

use std::fs;
use std::path::Path;

use crate::kit::trees;

/// What is looked for: a fragment of source, and what it means.
const SUSPICIOUS: &[(&str, &str)] = &[
    ("process::exit", "ends the process (a test that exits early can fake a pass)"),
    ("process::abort", "aborts the process"),
    ("Command::new", "starts a process"),
    ("std::net", "uses the network"),
    ("TcpStream", "uses the network"),
    ("UdpSocket", "uses the network"),
    ("std::env", "reads the environment"),
    ("env!(", "reads the build's environment"),
    ("option_env!(", "reads the build's environment"),
    ("std::fs", "reads or writes files"),
    ("File::", "reads or writes files"),
    ("include_str!(", "compiles a file's content in"),
    ("include_bytes!(", "compiles a file's content in"),
    ("include!(", "compiles another file in"),
    ("unsafe", "uses `unsafe`"),
    ("test result:", "prints a line like libtest's summary"),
    ("... ok", "prints a line like libtest's result"),
    ("panic::set_hook", "replaces the panic hook (hides test failures)"),
    ("catch_unwind", "catches panics"),
    ("thread::spawn", "starts threads"),
];

/// Every suspicious line of the student crates of `submission`, as
/// `crates/gd/src/lib.rs:12: ends the process: `std::process::exit(0)``.
pub fn scan(submission: &Path, student_crates: &[String]) -> Vec<String> {
    let mut flags = Vec::new();
    for krate in student_crates {
        let src = submission.join(krate).join("src");
        let Ok(files) = trees::files_under(&src) else { continue };
        for file in files {
            if file.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let Ok(text) = fs::read_to_string(&file) else { continue };
            let relative = file.strip_prefix(submission).unwrap_or(&file);
            flags.extend(scan_text(&relative.display().to_string(), &text));
        }
    }
    flags
}

/// The suspicious lines of one file's `text`; comments are skipped.
pub fn scan_text(path: &str, text: &str) -> Vec<String> {
    let mut flags = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.trim();
        if code.starts_with("//") {
            continue;
        }
        for (fragment, meaning) in SUSPICIOUS {
            if code.contains(fragment) {
                let shown: String = code.chars().take(80).collect();
                flags.push(format!("{path}:{}: {meaning}: `{shown}`", number + 1));
                break;
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exits_files_and_forged_summaries_are_flagged_with_file_and_line_and_comments_are_not() {
        let text = "fn f() {\n    // std::process::exit is mentioned here\n    \
                    std::process::exit(0);\n    let _ = std::fs::read(\"/etc/passwd\");\n    \
                    println!(\"test result: ok. 1 passed\");\n    let x = 2.0 * 3.0;\n}\n";
        let flags = scan_text("crates/gd/src/lib.rs", text);
        assert_eq!(flags.len(), 3, "{flags:#?}");
        assert!(flags[0].starts_with("crates/gd/src/lib.rs:3: ends the process"), "{}", flags[0]);
        assert!(flags[1].contains(":4: reads or writes files"), "{}", flags[1]);
        assert!(flags[2].contains(":5: prints a line like libtest's summary"), "{}", flags[2]);
    }
}

//! A submission's sources screened before anything of it is built.
//!
//! **Refused** (the crate is graded as its stub, and the report names the file
//! and line): what reaches outside the submission when the compiler runs, or
//! outside safe Rust when the tests run:
//!
//! - a symbolic link, a file that is not a regular file, a file that is not
//!   Rust source (`#[path]` can load any file as a module), or one over 1 MiB;
//! - a file that does not parse as Rust;
//! - `include!`, `include_str!`, `include_bytes!`, `env!`, `option_env!`, in any
//!   spelling (`include_str !(`, `r#include_str!`), and these names anywhere in
//!   a token stream, so that a macro cannot build them (`m!(include_str)`);
//! - `#[path …]` and `path = …` (an attribute a macro could build), `extern
//!   crate`, `unsafe`, `asm!` and `global_asm!` (assembly can replace the C
//!   library's functions the verdict is written with).
//!
//! The check walks the tokens of each file as the compiler's lexer gives them
//! (proc-macro2, which syn parses from), every macro's arguments and body
//! included; comments and string literals are not code and are not matched.
//!
//! **Flagged** (graded as usual, shown to the instructor): what the jail
//! contains but an instructor should see: files, the network, processes,
//! threads, exiting the process, panic hooks, lines that look like libtest's
//! report.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// The largest source file a submission may hold.
const MAX_FILE_BYTES: u64 = 1 << 20;
/// The most files one crate's `src/` may hold (folders counted): the grader
/// reads them unjailed, so their number and size are bounded.
const MAX_FILES: usize = 500;
/// The most source one crate's `src/` may hold, in bytes.
const MAX_CRATE_BYTES: u64 = 4 << 20;

/// What is left of a crate's allowance of files and bytes.
struct Allowance {
    files: usize,
    bytes: u64,
}

/// Names refused wherever they appear as a name (not in a comment or a string).
const REFUSED_NAMES: &[(&str, &str)] = &[
    ("include", "`include!` compiles another file in"),
    ("include_str", "`include_str!` compiles a file's content in"),
    ("include_bytes", "`include_bytes!` compiles a file's content in"),
    ("env", "`env!` or `std::env` reads the environment"),
    ("option_env", "`option_env!` reads the build's environment"),
    ("unsafe", "`unsafe` is outside the course (the crates forbid it)"),
    ("asm", "assembly is outside the course"),
    ("global_asm", "assembly is outside the course (it can replace C library functions)"),
    ("naked_asm", "assembly is outside the course"),
];

/// Names flagged for the instructor, with what they mean.
const FLAGGED_NAMES: &[(&str, &str)] = &[
    ("exit", "ends the process (a test that exits early earns nothing, but look)"),
    ("abort", "aborts the process"),
    ("Command", "starts a process"),
    ("net", "uses the network"),
    ("TcpStream", "uses the network"),
    ("TcpListener", "uses the network"),
    ("UdpSocket", "uses the network"),
    ("UnixStream", "uses a socket"),
    ("fs", "reads or writes files"),
    ("File", "reads or writes files"),
    ("OpenOptions", "reads or writes files"),
    ("set_hook", "replaces the panic hook"),
    ("take_hook", "replaces the panic hook"),
    ("catch_unwind", "catches panics"),
    ("spawn", "starts threads or processes"),
    ("Builder", "builds threads (or something else: look)"),
    ("stdin", "reads the standard input"),
    ("as_fd", "takes a file descriptor"),
    ("as_raw_fd", "takes a file descriptor"),
];

/// What screening a submission found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screen {
    /// Per student crate (its folder, as the rubric names it), why it is refused:
    /// `crates/gd/src/lib.rs:3: …` lines.
    pub refused: BTreeMap<String, Vec<String>>,
    /// Lines worth an instructor's look, in crates that were not refused.
    pub flags: Vec<String>,
}

impl Screen {
    /// Every refusal, one line each.
    pub fn refusals(&self) -> Vec<String> {
        self.refused.values().flatten().cloned().collect()
    }
}

/// Screens the student crates' `src/` folders of `submission`.
pub fn screen(submission: &Path, student_crates: &[String]) -> Screen {
    let mut result = Screen::default();
    for krate in student_crates {
        let mut refused = Vec::new();
        let mut flags = Vec::new();
        let mut allowance = Allowance { files: MAX_FILES, bytes: MAX_CRATE_BYTES };
        let src = Path::new(krate).join("src");
        screen_folder(submission, &src, &mut allowance, &mut refused, &mut flags);
        if refused.is_empty() {
            result.flags.extend(flags);
        } else {
            result.refused.insert(krate.clone(), refused);
        }
    }
    result
}

/// Screens `relative` (a folder of `submission`) and everything under it,
/// never following a link.
fn screen_folder(
    submission: &Path,
    relative: &Path,
    allowance: &mut Allowance,
    refused: &mut Vec<String>,
    flags: &mut Vec<String>,
) {
    let path = submission.join(relative);
    let shown = relative.display();
    // A missing `src/` is not refused: the submission is then not a copy of
    // the course, and the grader says so (`engine::check_submission`).
    let Ok(meta) = fs::symlink_metadata(&path) else { return };
    if meta.file_type().is_symlink() {
        refused.push(format!("{shown}: a symbolic link (the grader never follows one)"));
        return;
    }
    if !meta.is_dir() {
        refused.push(format!("{shown}: not a folder"));
        return;
    }
    let Ok(entries) = fs::read_dir(&path) else {
        refused.push(format!("{shown}: cannot be read"));
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let child = relative.join(entry.file_name());
        let shown = child.display();
        let Ok(meta) = fs::symlink_metadata(entry.path()) else { continue };
        allowance.files = allowance.files.saturating_sub(1);
        allowance.bytes = allowance.bytes.saturating_sub(meta.len());
        if allowance.files == 0 || allowance.bytes == 0 {
            refused.push(format!(
                "{shown}: the crate's src/ holds more than {MAX_FILES} files or {} KiB of source",
                MAX_CRATE_BYTES >> 10
            ));
            return;
        }
        if meta.file_type().is_symlink() {
            refused.push(format!("{shown}: a symbolic link (the grader never follows one)"));
        } else if meta.is_dir() {
            screen_folder(submission, &child, allowance, refused, flags);
        } else if !meta.is_file() {
            refused.push(format!("{shown}: not a regular file"));
        } else if child.extension().is_none_or(|e| e != "rs") {
            refused.push(format!(
                "{shown}: not a Rust source file (src/ holds only .rs files; `#[path]` could \
                 load any file as a module)"
            ));
        } else if meta.len() > MAX_FILE_BYTES {
            refused.push(format!("{shown}: larger than {} KiB", MAX_FILE_BYTES >> 10));
        } else {
            match fs::read_to_string(entry.path()) {
                Ok(text) => screen_text(&shown.to_string(), &text, refused, flags),
                Err(_) => refused.push(format!("{shown}: not UTF-8 text")),
            }
        }
    }
}

/// Screens one file's source `text`, shown as `path`.
pub fn screen_text(path: &str, text: &str, refused: &mut Vec<String>, flags: &mut Vec<String>) {
    if let Err(error) = syn::parse_file(text) {
        let line = error.span().start().line;
        refused.push(format!("{path}:{line}: does not parse as Rust: {error}"));
        return;
    }
    let tokens: TokenStream = match text.parse() {
        Ok(tokens) => tokens,
        Err(error) => {
            refused.push(format!("{path}: does not lex as Rust: {error}"));
            return;
        }
    };
    walk(path, tokens, refused, flags);
}

/// Walks a token stream and every group in it.
fn walk(path: &str, tokens: TokenStream, refused: &mut Vec<String>, flags: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => {
                // `#[path …]` and `#![path …]`.
                let is_attribute = group.delimiter() == Delimiter::Bracket
                    && i >= 1
                    && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '#'
                        || (p.as_char() == '!' && i >= 2
                            && matches!(&tokens[i - 2], TokenTree::Punct(h) if h.as_char() == '#')));
                if is_attribute
                    && let Some(TokenTree::Ident(first)) = group.stream().into_iter().next()
                    && name(&first.to_string()) == "path"
                {
                    let line = group.span().start().line;
                    refused.push(format!("{path}:{line}: `#[path]` loads a module from any file"));
                }
                walk(path, group.stream(), refused, flags);
            }
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                let word = name(&text);
                let line = ident.span().start().line;
                let next = tokens.get(i + 1);
                if let Some((_, why)) = REFUSED_NAMES.iter().find(|(n, _)| *n == word) {
                    refused.push(format!("{path}:{line}: {why}: `{text}`"));
                } else if word == "path"
                    && matches!(next, Some(TokenTree::Punct(p)) if p.as_char() == '=')
                    && !matches!(tokens.get(i.wrapping_sub(1)), Some(TokenTree::Ident(l)) if l == "let")
                {
                    refused.push(format!(
                        "{path}:{line}: `path = …` (a #[path] attribute, or a macro that builds one)"
                    ));
                } else if word == "extern"
                    && matches!(next, Some(TokenTree::Ident(c)) if c == "crate")
                {
                    refused.push(format!(
                        "{path}:{line}: `extern crate` links a crate of the build folder"
                    ));
                } else if let Some((_, why)) = FLAGGED_NAMES.iter().find(|(n, _)| *n == word) {
                    flags.push(format!("{path}:{line}: {why}: `{text}`"));
                }
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                if text.contains("test result:") || text.contains("... ok") {
                    let line = literal.span().start().line;
                    flags.push(format!("{path}:{line}: prints a line like libtest's report"));
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

/// An identifier without its raw prefix (`r#env` is `env`).
fn name(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> (Vec<String>, Vec<String>) {
        let (mut refused, mut flags) = (Vec::new(), Vec::new());
        screen_text("crates/gd/src/lib.rs", text, &mut refused, &mut flags);
        (refused, flags)
    }

    #[test]
    fn every_spelling_of_a_file_read_at_compile_time_is_refused_with_its_line() {
        for text in [
            "const S: &str = include_str!(\"/etc/passwd\");",
            "const S: &str = include_str !(\"/etc/passwd\");",
            "const S: &str = r#include_str!(\"/etc/passwd\");",
            "const S: &str = core::include_str!(\"/etc/passwd\");",
            "macro_rules! m { ($m:ident) => { $m!(\"/etc/passwd\") } }\nconst S: &str = m!(include_str);",
            "const B: &[u8] = include_bytes!(\"x\");",
            "include!(\"x.rs\");",
            "const E: &str = env!(\"HOME\");",
            "const E: Option<&str> = option_env!(\"HOME\");",
            "fn f() { let _ = std::env::var(\"X\"); }",
            "use std::{env as e};",
            "#[doc = include_str!(\"../../../README.md\")]\npub fn f() {}",
        ] {
            let (refused, _) = check(text);
            assert!(!refused.is_empty(), "not refused: {text}");
            assert!(refused[0].starts_with("crates/gd/src/lib.rs:"), "{refused:?}");
        }
        let (refused, _) = check("fn f() {}\n\nconst S: &str = include_str!(\"x\");\n");
        assert!(refused[0].starts_with("crates/gd/src/lib.rs:3: `include_str!`"), "{refused:?}");
    }

    #[test]
    fn path_attributes_extern_crates_unsafe_and_assembly_are_refused() {
        for text in [
            "#[path = \"/work/course/crates/gd/src/lib.rs\"]\nmod solution;",
            "#[path=\"x\"] mod a;",
            "macro_rules! m { ($a:meta) => { #[$a] mod s; } }\nm!(path = \"/x.rs\");",
            "extern crate momentum;",
            "fn f() { unsafe { } }",
            "core::arch::global_asm!(\".globl write\");",
        ] {
            assert!(!check(text).0.is_empty(), "not refused: {text}");
        }
    }

    #[test]
    fn comments_strings_and_ordinary_code_are_not_refused() {
        let text = "//! include_str! and env! in a comment, #[path] too.\n\
                    /// `unsafe` in a doc comment\n\
                    pub fn step(w: &mut [f64], g: &[f64], eta: f64) {\n    \
                    let path = \"include_str!(x)\";\n    let _ = path;\n    \
                    for (w, g) in w.iter_mut().zip(g) { *w -= eta * g; }\n}\n";
        assert_eq!(check(text), (Vec::new(), Vec::new()));
    }

    #[test]
    fn runtime_escapes_and_forged_reports_are_flagged_not_refused() {
        let text = "fn f() {\n    std::process::exit(0);\n    \
                    let _ = std::fs::read(\"/etc/passwd\");\n    \
                    println!(\"test result: ok. 1 passed\");\n    \
                    std::thread::Builder::new();\n}\n";
        let (refused, flags) = check(text);
        assert!(refused.is_empty(), "{refused:?}");
        let flags = flags.join("\n");
        for (line, what) in [
            (2, "ends the process"),
            (3, "reads or writes files"),
            (4, "prints a line like libtest's report"),
            (5, "builds threads"),
        ] {
            assert!(flags.contains(&format!(":{line}: {what}")), "{what}:\n{flags}");
        }
    }

    #[test]
    fn a_src_folder_of_too_many_files_is_refused_without_reading_them_all() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("crates/gd/src");
        fs::create_dir_all(&src).unwrap();
        for i in 0..MAX_FILES + 10 {
            fs::write(src.join(format!("m{i:04}.rs")), "pub fn f() {}\n").unwrap();
        }
        let screen = screen(dir.path(), &["crates/gd".to_string()]);
        let refused = &screen.refused["crates/gd"];
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert!(refused[0].contains("more than 500 files"), "{refused:?}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        assert!(check("fn f( {").0[0].contains("does not parse"));
    }

    #[test]
    fn links_non_rust_files_and_a_linked_src_refuse_their_crate_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for krate in ["crates/gd", "crates/adagrad", "crates/rmsprop", "crates/momentum"] {
            fs::create_dir_all(root.join(krate)).unwrap();
        }
        fs::create_dir_all(root.join("crates/gd/src")).unwrap();
        fs::write(root.join("crates/gd/src/lib.rs"), "pub fn f() {}\n").unwrap();
        fs::create_dir_all(root.join("crates/adagrad/src")).unwrap();
        fs::write(root.join("crates/adagrad/src/lib.rs"), "pub fn f() {}\n").unwrap();
        fs::write(root.join("crates/adagrad/src/solution.txt"), "pub fn f() {}\n").unwrap();
        std::os::unix::fs::symlink("/etc", root.join("crates/rmsprop/src")).unwrap();
        fs::create_dir_all(root.join("crates/momentum/src")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("crates/momentum/src/lib.rs")).unwrap();
        let crates: Vec<String> =
            ["crates/gd", "crates/adagrad", "crates/rmsprop", "crates/momentum"]
                .map(String::from)
                .into();
        let screen = screen(root, &crates);
        assert_eq!(
            screen.refused.keys().collect::<Vec<_>>(),
            ["crates/adagrad", "crates/momentum", "crates/rmsprop"]
        );
        assert!(screen.refused["crates/adagrad"][0].contains("solution.txt: not a Rust source"));
        assert!(screen.refused["crates/rmsprop"][0].contains("a symbolic link"));
        assert!(screen.refused["crates/momentum"][0].contains("lib.rs: a symbolic link"));
    }
}

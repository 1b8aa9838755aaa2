//! The graded suite built as one test binary.
//!
//! Cargo makes each file of `tests/tests/` a test binary of its own: the course's
//! nine files are nine crates to compile and nine executables to link against
//! every submission, and linking dominated a grading. In the grading workspace
//! the engine therefore adds one more test target, [`TARGET`], whose root only
//! declares each test file as a module named after it:
//!
//! ```text
//! #[path = "adagrad.rs"]
//! mod adagrad;
//! ```
//!
//! A test's path in that binary, `adagrad::one_step_…`, is then exactly its
//! rubric name, `TARGET::TEST`, and only that binary is built and run. Two
//! things follow a test file into a module and are handled here:
//!
//! - insta names a snapshot after the module path, crate included: the
//!   `snapshots` file's `ellipse_gd` is `snapshots__ellipse_gd.snap` as a binary
//!   of its own and `descent_graded__snapshots__ellipse_gd.snap` as a module.
//!   Each snapshot is copied under the second name ([`snapshot_aliases`]);
//! - `file!()` (proptest's regression files, the panic locations a student
//!   reads) still names the test file itself, so nothing else changes.

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};

/// The name of the one graded binary; never the stem of a test file.
pub const TARGET: &str = "descent_graded";

/// Its root, relative to the test package.
pub const ROOT: &str = "tests/descent_graded.rs";

/// The line each graded test file ends with in a grading workspace: the
/// grader's `#[test]` (libtest's, with the verdict around the test, see
/// `descent-verdict`) shadows the built-in one. At the end, so that every line
/// number a student reads is the file's own.
pub const VERDICT_USE: &str = "\n// The grader's #[test]: libtest's, with the verdict around the test.\n\
                               #[allow(unused_imports)]\nuse ::descent_verdict::test;\n";

/// A graded test file's text as the grading workspace has it.
pub fn graded_copy(text: &str) -> String {
    format!("{text}{VERDICT_USE}")
}

/// True for a test file the one binary declares as a module (`NAME.rs` or
/// `NAME/main.rs` in `tests/`, `relative` to the package): the grading
/// workspace has its [`graded_copy`].
pub fn is_graded_test_file(relative: &Path) -> bool {
    let Ok(rest) = relative.strip_prefix("tests") else { return false };
    let parts: Vec<_> = rest.iter().collect();
    match parts.as_slice() {
        [file] => {
            relative != Path::new(ROOT) && Path::new(file).extension().is_some_and(|e| e == "rs")
        }
        [_, main] => *main == "main.rs",
        _ => false,
    }
}

/// True for the files this module writes into `tests/` of the test package
/// (`relative` to the package), which copying the course's suite must leave.
pub fn is_generated(relative: &Path) -> bool {
    is_graded_test_file(relative)
        || relative == Path::new(ROOT)
        || (relative.parent() == Some(Path::new("tests/snapshots"))
            && relative
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{TARGET}__"))))
}

/// The root of the one binary for the test files in `tests_dir` (each `NAME.rs`,
/// and each `NAME/main.rs`), sorted by name.
pub fn root(tests_dir: &Path) -> anyhow::Result<String> {
    let mut modules = Vec::new();
    for entry in
        fs::read_dir(tests_dir).with_context(|| format!("cannot read {}", tests_dir.display()))?
    {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let module = if entry.file_type()?.is_dir() {
            if !path.join("main.rs").is_file() {
                continue;
            }
            (name.clone(), format!("{name}/main.rs"))
        } else {
            match name.strip_suffix(".rs") {
                Some(stem) if stem != TARGET => (stem.to_string(), name.clone()),
                _ => continue,
            }
        };
        if !is_identifier(&module.0) {
            bail!(
                "the test file {} cannot be graded: its name must be a Rust identifier \
                 (letters, digits and _), because it becomes a module of the graded binary",
                path.display()
            );
        }
        modules.push(module);
    }
    modules.sort();
    let mut text = String::from(
        "//! The graded suite as one binary: each test file is a module named after it.\n",
    );
    for (module, path) in modules {
        text.push_str(&format!("#[path = \"{path}\"]\nmod {module};\n"));
    }
    Ok(text)
}

/// Copies every snapshot of `snapshots_dir` to the name insta gives it inside
/// the one binary; returns how many it wrote.
pub fn snapshot_aliases(snapshots_dir: &Path) -> anyhow::Result<usize> {
    if !snapshots_dir.is_dir() {
        return Ok(0);
    }
    let prefix = format!("{TARGET}__");
    let mut written = 0;
    for entry in fs::read_dir(snapshots_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".snap") && !name.starts_with(&prefix) {
            let alias = snapshots_dir.join(format!("{prefix}{name}"));
            written += usize::from(crate::kit::trees::write_if_changed(&entry.path(), &alias)?);
        }
    }
    Ok(written)
}

/// True if `name` can be a module's name.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_declares_each_test_file_as_a_module_named_after_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("rmsprop.rs"), "").unwrap();
        fs::write(dir.path().join("adagrad.rs"), "").unwrap();
        fs::write(dir.path().join(format!("{TARGET}.rs")), "").unwrap();
        fs::write(dir.path().join("notes.txt"), "").unwrap();
        fs::create_dir_all(dir.path().join("snapshots")).unwrap();
        fs::create_dir_all(dir.path().join("large")).unwrap();
        fs::write(dir.path().join("large/main.rs"), "").unwrap();
        assert_eq!(
            root(dir.path()).unwrap(),
            "//! The graded suite as one binary: each test file is a module named after it.\n\
             #[path = \"adagrad.rs\"]\nmod adagrad;\n\
             #[path = \"large/main.rs\"]\nmod large;\n\
             #[path = \"rmsprop.rs\"]\nmod rmsprop;\n"
        );
    }

    #[test]
    fn a_test_file_whose_name_is_not_an_identifier_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("two-words.rs"), "").unwrap();
        let error = root(dir.path()).unwrap_err().to_string();
        assert!(error.contains("two-words.rs") && error.contains("identifier"), "{error}");
    }

    #[test]
    fn snapshots_are_copied_under_the_module_path_and_the_copies_are_generated_files() {
        let dir = tempfile::tempdir().unwrap();
        let snapshots = dir.path().join("snapshots");
        fs::create_dir_all(&snapshots).unwrap();
        fs::write(snapshots.join("snapshots__ellipse_gd.snap"), "table").unwrap();
        assert_eq!(snapshot_aliases(&snapshots).unwrap(), 1);
        let alias = format!("{TARGET}__snapshots__ellipse_gd.snap");
        assert_eq!(fs::read_to_string(snapshots.join(&alias)).unwrap(), "table");
        // Again: nothing new, and no alias of an alias.
        assert_eq!(snapshot_aliases(&snapshots).unwrap(), 0);
        assert!(is_generated(&Path::new("tests/snapshots").join(alias)));
        assert!(is_generated(Path::new(ROOT)));
        assert!(!is_generated(Path::new("tests/snapshots/snapshots__ellipse_gd.snap")));
        // The graded test files are written as their graded copies.
        assert!(is_generated(Path::new("tests/adagrad.rs")));
        assert!(is_graded_test_file(Path::new("tests/large/main.rs")));
        assert!(!is_graded_test_file(Path::new("tests/large/helpers.rs")));
        assert!(!is_graded_test_file(Path::new(ROOT)));
        assert!(graded_copy("fn a() {}\n").starts_with("fn a() {}\n\n//"));
    }
}

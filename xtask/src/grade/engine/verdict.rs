//! The verdict's two crates in a grading workspace (`descent-verdict` and its
//! `#[test]` macro, whose sources are `xtask/verdict/`), compiled into the
//! grader so that it carries them wherever it grades, and the graded suite's
//! dependency on them.

/// The folder of the workspace that holds them.
pub const FOLDER: &str = "grader";

/// Their folders, as workspace members.
pub const MEMBERS: &[&str] = &["grader/verdict", "grader/verdict-macros"];

/// The crate the graded test files use.
pub const CRATE: &str = "descent-verdict";

/// Its path from the graded suite's package.
pub const PATH_FROM_SUITE: &str = "../grader/verdict";

/// Every file of the two crates: (path in the workspace, text).
pub const FILES: &[(&str, &str)] = &[
    (
        "grader/verdict/Cargo.toml",
        "[package]\nname = \"descent-verdict\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\ndescent-verdict-macros = { path = \"../verdict-macros\" }\n",
    ),
    ("grader/verdict/src/lib.rs", include_str!("../../../verdict/src/lib.rs")),
    (
        "grader/verdict-macros/Cargo.toml",
        "[package]\nname = \"descent-verdict-macros\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[lib]\nproc-macro = true\n",
    ),
    ("grader/verdict-macros/src/lib.rs", include_str!("../../../verdict/macros/src/lib.rs")),
];

//! `cargo xtask book [--open]`: build the course book offline, strictly.
//!
//! The book is built by mdBook's library (`mdbook-driver`), so nothing has to be
//! installed first. `book.toml` names one preprocessor, `descent`
//! ([`preprocessor`]): it checks every include ([`includes`]), runs mdBook's
//! includes, and renders the math with KaTeX ([`math`]). Here it runs in process;
//! the `mdbook` binary runs the same code through `cargo xtask mdbook-preprocessor`.
//! After the build, [`site_check`] reads the pages back: no URL leaves the machine,
//! every image exists, no KaTeX error shows.

// The order is the stair of the imports (see `tests/imports_point_down.rs`);
// the comments keep rustfmt from sorting the lines.
//
// The `descent` preprocessor, in process and as `cargo xtask mdbook-preprocessor`.
pub mod preprocessor;
// The built pages read back: no URL off the machine, no missing image.
pub mod site_check;
// The exercises' claims, checked against the crates.
#[cfg(test)]
pub mod exercises;
// `{{#diff OLD NEW}}`: two versions of code side by side.
pub mod diff;
// The strict include check.
pub mod includes;
// TeX rendered by KaTeX at build time.
pub mod math;
// The numbers of the prose, audited against the generated ones.
pub mod numbers;
// The solutions' text in the book and in the student copy.
pub mod solutions;
// Log lines of mdBook and of the xtask.
pub mod logging;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;

/// The command line of `cargo xtask book`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Open the built book in the default browser.
    #[arg(long)]
    open: bool,
}

/// Runs `cargo xtask book`.
pub fn run(args: Args) -> Result<()> {
    logging::init_tracing();
    let book_root = crate::workspace::root().join("book");
    let build_dir = build(&book_root)?;
    let audit = numbers::audit(&book_root.join("src"), &numbers::Ledger::load(&book_root)?)?;
    if !audit.problems.is_empty() {
        bail!(
            "{} problem(s) with the numbers of the prose:\n  {}",
            audit.problems.len(),
            audit.problems.join("\n  ")
        );
    }
    println!("{audit}");
    let index = build_dir.join("index.html");
    println!("The book is in {}", index.display());
    if args.open {
        open(&index)?;
    }
    Ok(())
}

/// Builds the book at `book_root` (the folder of `book.toml`) and checks the
/// result; returns the folder of the HTML.
pub fn build(book_root: &Path) -> Result<PathBuf> {
    let mut book = MDBook::load(book_root)
        .with_context(|| format!("loading the book at {}", book_root.display()))?;
    let key = format!("preprocessor.{}", preprocessor::NAME);
    if !book.config.contains_key(&key) {
        bail!("{}/book.toml has no [{key}] table: the book needs it", book_root.display());
    }
    // Same name as the table in book.toml: replaces its command, in place.
    book.with_preprocessor(preprocessor::Descent);
    book.build().with_context(|| format!("building the book at {}", book_root.display()))?;
    let build_dir = book.build_dir_for("html");
    let problems = site_check::check(&build_dir)?;
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        bail!("the built book in {} is not right:\n{}", build_dir.display(), list.join("\n"));
    }
    Ok(build_dir)
}

/// Opens `page` in the desktop's browser.
fn open(page: &Path) -> Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    let status = std::process::Command::new(opener)
        .arg(page)
        .status()
        .with_context(|| format!("running `{opener}`; open {} yourself", page.display()))?;
    if !status.success() {
        bail!("`{opener}` failed ({status}); open {} yourself", page.display());
    }
    Ok(())
}

//! `cargo xtask book [--open]`: build the course book offline, strictly.
//!
//! The book is built by mdBook's library (`mdbook-driver`), so nothing has to be
//! installed first. `book.toml` names one preprocessor, `descent`
//! ([`preprocessor`]): it checks every include ([`includes`]), runs mdBook's
//! includes, and renders the math with KaTeX ([`math`]). Here it runs in process;
//! the `mdbook` binary runs the same code through `cargo xtask mdbook-preprocessor`.
//! After the build, [`site_check`] reads the pages back: no URL leaves the machine,
//! every image exists, no KaTeX error shows.

pub mod diff;
#[cfg(test)]
pub mod exercises;
pub mod includes;
pub mod math;
pub mod numbers;
pub mod preprocessor;
pub mod site_check;
pub mod solutions;

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
    init_tracing();
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

/// Prints mdBook's and our log lines (mdBook logs its errors; without a
/// subscriber they vanish). `RUST_LOG` overrides the level.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::builder()
        .with_default_directive(tracing_subscriber::filter::LevelFilter::INFO.into())
        .from_env_lossy();
    // A second call (in tests) finds a subscriber already set: that is fine.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .with_target(false)
        .without_time()
        .try_init();
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

//! The `descent` preprocessor: the strict include check, mdBook's includes, KaTeX.
//!
//! One preprocessor does everything the book needs between Markdown and HTML, in
//! this order:
//!
//! 1. check every include directive ([`includes`]) and stop on
//!    the first broken one, before mdBook could render it as an empty block;
//! 2. replace each `{{#number chapter.name}}` by the value the crates computed
//!    ([`numbers`]), expand the book's `{{#diff OLD NEW}}` blocks ([`diff`]), then
//!    run mdBook's own `links` and `index` preprocessors (switched off in
//!    `book.toml` by `use-default-preprocessors = false`, so they run here, once),
//!    and mark each listing whose solution is cut (a student copy's `todo!()`) as
//!    the reader's assignment ([`solutions`]);
//! 3. render the math ([`math`]), failing on any KaTeX error.
//!
//! `cargo xtask book` runs it in process, in place of the `[preprocessor.descent]`
//! command that `book.toml` names; the `mdbook` binary runs that command,
//! `cargo xtask mdbook-preprocessor`, which speaks mdBook's preprocessor protocol
//! ([`run_protocol`]): the same code builds the same pages either way.

use std::io::Write;

use anyhow::{Context, Result, bail};
use mdbook_driver::builtin_preprocessors::{IndexPreprocessor, LinkPreprocessor};
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{MDBOOK_VERSION, Preprocessor, PreprocessorContext};

use super::{diff, includes, math, numbers, solutions};

/// The name of the preprocessor, as in `[preprocessor.descent]`.
pub const NAME: &str = "descent";

/// The book's preprocessor (see the module documentation).
#[derive(Debug, Default, Clone, Copy)]
pub struct Descent;

impl Preprocessor for Descent {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        if ctx.config.build.use_default_preprocessors {
            bail!(
                "book.toml must set `use-default-preprocessors = false` under [build]: the \
                 `{NAME}` preprocessor runs mdBook's includes itself, after checking them"
            );
        }
        let src_dir = ctx.root.join(&ctx.config.book.src);
        let broken = includes::check_book(&book, &src_dir);
        if !broken.is_empty() {
            let list: Vec<String> = broken.iter().map(|b| format!("  - {b}")).collect();
            bail!(
                "{} broken include(s) in the book; mdBook would render them as empty or \
                 truncated code:\n{}",
                broken.len(),
                list.join("\n")
            );
        }
        let mut passages = Vec::new();
        book.for_each_chapter_mut(|chapter| {
            if let Err(error) = solutions::check(&chapter.content) {
                passages.push(format!("chapter \"{}\": {error:#}", chapter.name));
            }
        });
        if !passages.is_empty() {
            bail!("solution prose out of place:\n  {}", passages.join("\n  "));
        }
        numbers::expand_book(&mut book, &src_dir)?;
        diff::expand_book(&mut book, &src_dir)?;
        let book = LinkPreprocessor::new().run(ctx, book)?;
        let mut book = IndexPreprocessor::new().run(ctx, book)?;
        // In a student copy's book, a listing whose solution is cut says so.
        book.for_each_chapter_mut(|chapter| {
            chapter.content = solutions::mark_cut_listings(&chapter.content);
        });
        let config = math::config(ctx)?;
        let errors = math::render_book(&mut book, &config, ctx);
        if !errors.is_empty() {
            let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
            bail!("{} formula(s) would be left as raw TeX:\n{}", errors.len(), list.join("\n"));
        }
        Ok(book)
    }

    fn supports_renderer(&self, _renderer: &str) -> Result<bool> {
        Ok(true)
    }
}

/// The command line of `cargo xtask mdbook-preprocessor`, as mdBook calls it.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    query: Option<Query>,
}

#[derive(Debug, clap::Subcommand)]
enum Query {
    /// Exit 0 if the preprocessor supports `renderer` (it supports every one).
    Supports { renderer: String },
}

/// Runs mdBook's preprocessor protocol: `supports RENDERER`, or `[context, book]`
/// as JSON on standard input and the processed book as JSON on standard output.
pub fn run_protocol(args: Args) -> Result<()> {
    super::logging::init_tracing();
    if let Some(Query::Supports { renderer }) = args.query {
        return if Descent.supports_renderer(&renderer)? {
            Ok(())
        } else {
            bail!("the {NAME} preprocessor does not support the {renderer} renderer")
        };
    }
    let (ctx, book) = mdbook_preprocessor::parse_input(std::io::stdin().lock())
        .context("reading the book from mdBook on standard input")?;
    if ctx.mdbook_version != MDBOOK_VERSION {
        tracing::warn!(
            "the {NAME} preprocessor was built against mdBook {MDBOOK_VERSION} but is called \
             by mdBook {}; install the pinned version: cargo install mdbook --version \
             {MDBOOK_VERSION} --locked",
            ctx.mdbook_version
        );
    }
    let book = Descent.run(&ctx, book)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &book).context("writing the book to mdBook")?;
    stdout.flush().context("writing the book to mdBook")?;
    Ok(())
}

//! The math: every `$…$` and `$$…$$` rendered to HTML by KaTeX at build time.
//!
//! mdbook-katex (used as a library) finds the math in each chapter, skipping code,
//! and reads its options from `[preprocessor.descent.katex]` in `book.toml`; the
//! `katex` crate (KaTeX 0.16.4 in an embedded JavaScript engine) renders it, so
//! nothing is fetched and the pages need only the vendored `katex.min.css` and
//! fonts. Where mdbook-katex would log a warning and leave the raw TeX on the
//! page, this module fails the build, naming the chapter and the formula; an
//! unclosed `$` fails too.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use mdbook_katex::cfg::KatexConfig;
use mdbook_katex::preprocess::{Render, get_render_tasks};
use mdbook_katex::scan::{Event, Scan};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem};

/// Where the KaTeX options live in `book.toml`.
pub const CONFIG_KEY: &str = "preprocessor.descent.katex";

/// A formula KaTeX could not render, or an unclosed delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathError {
    /// The chapter's title.
    pub chapter: String,
    /// The chapter's file, relative to the book's `src`.
    pub chapter_file: PathBuf,
    /// What went wrong, with the TeX.
    pub message: String,
}

impl std::fmt::Display for MathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "chapter \"{}\" ({}): {}",
            self.chapter,
            self.chapter_file.display(),
            self.message
        )
    }
}

/// The KaTeX options of the book, checked to render offline.
pub fn config(ctx: &PreprocessorContext) -> Result<KatexConfig> {
    let config: KatexConfig = ctx
        .config
        .get(CONFIG_KEY)
        .with_context(|| format!("reading [{CONFIG_KEY}] in book.toml"))?
        .unwrap_or_default();
    if !config.no_css {
        bail!(
            "[{CONFIG_KEY}] must set `no-css = true`: the KaTeX stylesheet is vendored in \
             src/katex and linked from theme/head.hbs, and the default links it from a CDN"
        );
    }
    if !config.pre_render {
        bail!("[{CONFIG_KEY}] must keep `pre-render = true`: the math is rendered at build time");
    }
    Ok(config)
}

/// Renders the math of every chapter in place; returns every formula that failed.
pub fn render_book(
    book: &mut Book,
    config: &KatexConfig,
    ctx: &PreprocessorContext,
) -> Vec<MathError> {
    let extra = config.build_extra_opts();
    let (inline, display) = config.build_opts(&ctx.root);
    let mut errors = Vec::new();
    book.for_each_mut(|item| {
        let BookItem::Chapter(chapter) = item else { return };
        let mut fail = |message: String| {
            errors.push(MathError {
                chapter: chapter.name.clone(),
                chapter_file: chapter.source_path.clone().unwrap_or_default(),
                message,
            });
        };
        if let Some(offset) = unclosed_delimiter(&chapter.content, config) {
            let line = chapter.content[..offset].lines().count().max(1);
            fail(format!("line {line}: a math delimiter `$` is never closed"));
        }
        let mut rendered = String::with_capacity(chapter.content.len() * 4);
        for task in get_render_tasks(&chapter.content, "", &extra) {
            let (tex, opts, left, right) = match task {
                Render::Text(text) => {
                    rendered.push_str(text);
                    continue;
                }
                Render::InlineTask(tex) => {
                    (tex, &inline, &extra.inline_delimiter.left, &extra.inline_delimiter.right)
                }
                Render::DisplayTask(tex) => {
                    (tex, &display, &extra.block_delimiter.left, &extra.block_delimiter.right)
                }
            };
            match katex::render_with_opts(tex, opts) {
                // KaTeX's HTML spans lines; one line keeps Markdown from reading it.
                Ok(html) => rendered.push_str(&html.replace('\n', " ")),
                Err(error) => {
                    fail(format!("KaTeX cannot render {left}{tex}{right}: {error}"));
                    rendered.push_str(&format!("{left}{tex}{right}"));
                }
            }
        }
        chapter.content = rendered;
    });
    errors
}

/// The byte offset of a math delimiter that is opened and never closed, if any.
///
/// mdbook-katex's scanner stops at such a delimiter and keeps the rest as text,
/// so the reader would see raw TeX. Its events pair up: a closed formula ends with
/// `InlineEnd` or `BlockEnd` followed by the `Begin` of the next text; an opened
/// one starts with `TextEnd` (omitted at offset 0) followed by the `Begin` of the
/// formula. A scan whose last `Begin` opens a formula found no closing delimiter.
fn unclosed_delimiter(content: &str, config: &KatexConfig) -> Option<usize> {
    let mut scan = Scan::new(content, &config.block_delimiter, &config.inline_delimiter);
    scan.run();
    let mut events = scan.events.iter().rev();
    match (events.next(), events.next()) {
        (Some(Event::Begin(_)), Some(Event::TextEnd(opened))) => Some(*opened),
        (Some(Event::Begin(_)), None) => Some(0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_config() -> KatexConfig {
        KatexConfig { no_css: true, ..KatexConfig::default() }
    }

    #[test]
    fn a_closed_formula_and_code_with_dollars_are_not_unclosed() {
        let config = default_config();
        let text = "Let $w$ be. `echo $HOME` and\n```sh\n$ ls\n```\n$$\nG\n$$\n";
        assert_eq!(unclosed_delimiter(text, &config), None);
        assert_eq!(unclosed_delimiter("no math", &config), None);
    }

    #[test]
    fn a_lone_dollar_is_an_unclosed_delimiter() {
        let config = default_config();
        assert_eq!(unclosed_delimiter("It costs $5 to\nread.", &config), Some(9));
        assert_eq!(unclosed_delimiter("$x$ and $y$ then $z", &config), Some(17));
        assert_eq!(unclosed_delimiter("$$\nG\n$$ and $$ w", &config), Some(12));
        assert_eq!(unclosed_delimiter("$w", &config), Some(0));
    }
}

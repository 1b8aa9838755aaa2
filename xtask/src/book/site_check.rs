//! Checks of the built site: it must read offline and show no math error.
//!
//! After mdBook has written the HTML, every page and stylesheet is read back:
//!
//! - no `src` or `href` in a page, and no `url(…)` or `@import` in a stylesheet,
//!   may point off the machine (`http:`, `https:`, `//host`); fonts included;
//! - every image a page shows (`<img src>`) and every `url(…)` font in the
//!   KaTeX stylesheet that a browser loads first (woff2) must exist in the build;
//! - no page may contain KaTeX's error class, `katex-error`.
//!
//! The browser check in CI (`.ci/browser-check.mjs`) loads each page for real; this
//! check is the fast, static half that runs on every `cargo xtask book`.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::{Context, Result};
use regex::Regex;

static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<(\w+)[^>]*?\s(src|href)\s*=\s*["']([^"']*)["']"#).expect("a valid regex")
});
static CSS_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']"#)
        .expect("a valid regex")
});

/// One thing wrong with the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteProblem {
    /// The file, relative to the build directory.
    pub file: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for SiteProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// Every problem of the site built in `build_dir`.
pub fn check(build_dir: &Path) -> Result<Vec<SiteProblem>> {
    let mut problems = Vec::new();
    for file in files(build_dir)? {
        let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if extension != "html" && extension != "css" {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let relative = file.strip_prefix(build_dir).unwrap_or(&file).to_path_buf();
        let mut report = |message: String| {
            problems.push(SiteProblem { file: relative.clone(), message });
        };
        let dir = file.parent().unwrap_or(build_dir);
        if extension == "html" {
            check_page(&text, dir, &mut report);
        } else {
            check_stylesheet(&text, dir, &mut report);
        }
    }
    Ok(problems)
}

fn check_page(text: &str, dir: &Path, report: &mut dyn FnMut(String)) {
    for capture in ATTRIBUTE.captures_iter(text) {
        let (tag, attribute, target) = (&capture[1], &capture[2], &capture[3]);
        if leaves_the_machine(target) {
            report(format!("<{tag} {attribute}=\"{target}\"> points off the machine"));
        } else if tag.eq_ignore_ascii_case("img") && !local_target_exists(dir, target) {
            report(format!("<img src=\"{target}\"> names a file that is not in the build"));
        }
    }
    if text.contains("katex-error") {
        report("shows a KaTeX error (class katex-error)".to_owned());
    }
}

fn check_stylesheet(text: &str, dir: &Path, report: &mut dyn FnMut(String)) {
    for capture in CSS_URL.captures_iter(text) {
        let Some(target) = capture.get(1).or_else(|| capture.get(2)) else { continue };
        let target = target.as_str().trim();
        if leaves_the_machine(target) || capture.get(2).is_some_and(|_| target.contains("//")) {
            report(format!("url({target}) points off the machine"));
        } else if target.ends_with(".woff2") && !local_target_exists(dir, target) {
            report(format!("font {target} is not in the build"));
        }
    }
}

/// Whether a browser would fetch `target` from another machine.
fn leaves_the_machine(target: &str) -> bool {
    let lower = target.trim().to_ascii_lowercase();
    let local = ["http://127.0.0.1", "http://localhost", "https://127.0.0.1", "https://localhost"];
    let remote = lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("//")
        || lower.starts_with("ws:")
        || lower.starts_with("wss:");
    remote && !local.iter().any(|l| lower.starts_with(l))
}

/// Whether a relative `target` (fragment and query dropped) exists below `dir`.
fn local_target_exists(dir: &Path, target: &str) -> bool {
    let path = target.split(['#', '?']).next().unwrap_or("");
    path.starts_with("data:") || dir.join(path).is_file()
}

/// Every file below `dir`, sorted.
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in
            std::fs::read_dir(&next).with_context(|| format!("listing {}", next.display()))?
        {
            let path = entry?.path();
            if path.is_dir() { pending.push(path) } else { found.push(path) }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_problems(html: &str, dir: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        check_page(html, dir, &mut |m| problems.push(m));
        problems
    }

    #[test]
    fn remote_sources_and_links_are_reported_and_local_ones_are_not() {
        let dir = Path::new("/nonexistent");
        let html = r#"<link rel="stylesheet" href="https://cdn.example/katex.css">
            <script src="//cdn.example/x.js"></script><a href="adagrad.html#x">A</a>
            <a href="http://127.0.0.1:3000/">local</a>"#;
        let problems = page_problems(html, dir);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("https://cdn.example/katex.css"));
        assert!(problems[1].contains("//cdn.example/x.js"));
    }

    #[test]
    fn a_missing_image_and_a_katex_error_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("figures")).unwrap();
        std::fs::write(dir.path().join("figures/here.svg"), "<svg/>").unwrap();
        let html = r#"<img src="figures/here.svg"><img alt="x" src="figures/gone.svg">
            <span class="katex-error" title="ParseError">\frac</span>"#;
        let problems = page_problems(html, dir.path());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("figures/gone.svg"));
        assert!(problems[1].contains("katex-error"));
    }

    #[test]
    fn remote_fonts_and_imports_in_a_stylesheet_are_reported() {
        let css = r#"@font-face{src:url(fonts/A.woff2) format("woff2"),url("https://x.example/A.woff")}
            @import "https://x.example/more.css";"#;
        let mut problems = Vec::new();
        check_stylesheet(css, Path::new("/nonexistent"), &mut |m| problems.push(m));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("fonts/A.woff2 is not in the build"));
        assert!(problems[1].contains("https://x.example/A.woff"));
        assert!(problems[2].contains("https://x.example/more.css"));
    }
}

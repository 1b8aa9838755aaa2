//! The checks that no solution leaks into a student copy: no line of solution
//! code anywhere in it (the built book included), and no listing of its book
//! that shows a `todo!()` without saying that the solution is cut.

use std::fs;
use std::path::Path;

use anyhow::bail;

use crate::kit::regions;
use crate::kit::trees;

/// Fails, naming the page, if a listing of the student's book shows a `todo!()`
/// without the note that says the solution is cut (see `book::solutions`).
pub fn check_cut_listings_are_marked(html_dir: &Path) -> anyhow::Result<()> {
    let mut unmarked = Vec::new();
    for page in trees::files_under(html_dir)? {
        if page.extension().is_none_or(|e| e != "html") || page.ends_with("print.html") {
            continue;
        }
        let html = fs::read_to_string(&page)?;
        let mut before_block = 0;
        for (start, _) in html.match_indices("<pre") {
            let end = html[start..].find("</pre>").map_or(html.len(), |e| start + e);
            if html[start..end].contains("todo!(")
                && !html[before_block..start].contains("Your assignment.")
            {
                unmarked.push(page.strip_prefix(html_dir).unwrap_or(&page).display().to_string());
            }
            before_block = end;
        }
    }
    if !unmarked.is_empty() {
        bail!(
            "a listing of the student's book shows a todo!() without saying that the solution \
             is cut: {}",
            unmarked.join(", ")
        );
    }
    Ok(())
}

/// Fails, naming file and line, if any line of solution code appears in `out`.
pub fn check_no_solution_text(out: &Path, secrets: &[String]) -> anyhow::Result<()> {
    let mut leaks = Vec::new();
    for file in trees::files_under(out)? {
        let Ok(text) = fs::read_to_string(&file) else { continue };
        // The built book's code blocks are HTML-escaped.
        let text = text
            .replace("&gt;", ">")
            .replace("&lt;", "<")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        for (number, line) in text.lines().enumerate() {
            let squeezed = regions::squeeze(line);
            if squeezed.is_empty() {
                continue;
            }
            if let Some(secret) = secrets.iter().find(|s| squeezed.contains(s.as_str())) {
                let relative = file.strip_prefix(out).unwrap_or(&file);
                leaks.push(format!("{}:{}: `{secret}`", relative.display(), number + 1));
            }
        }
    }
    if !leaks.is_empty() {
        bail!(
            "solution code would ship in the student copy (include it in the book through an \
             anchor instead of copying it):\n  {}",
            leaks.join("\n  ")
        );
    }
    Ok(())
}

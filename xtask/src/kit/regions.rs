//! Solution regions: code between `// ANCHOR: solution_NAME` and
//! `// ANCHOR_END: solution_NAME` lines.
//!
//! They are ordinary mdBook anchors, read by the same function as the book's
//! include check ([`anchors::marker`]), so the book strips the marker lines from
//! any anchored include, and they nest inside the book's own anchors. The student
//! copy replaces the lines between the markers by `todo!("hint")`, keeping the
//! markers (so the book's includes still resolve and the student sees where to
//! write) and any book anchor that lay inside the region, now wrapped around the
//! `todo!()`.

use anyhow::{Context, bail};

use crate::anchors::{self, Marker};

/// The prefix of every solution anchor.
pub const PREFIX: &str = "solution_";

/// One solution region of a file, by line index (0-based) of its marker lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The anchor name, `solution_…`.
    pub name: String,
    /// The index of the `// ANCHOR: name` line.
    pub start: usize,
    /// The index of the `// ANCHOR_END: name` line.
    pub end: usize,
}

/// The anchor a line opens (`true`) or closes (`false`), if it is a marker
/// line, read as the book reads it ([`anchors::marker`]).
fn marker(line: &str) -> Option<(bool, &str)> {
    anchors::marker(line).map(|m| (matches!(m, Marker::Start(_)), m.name()))
}

/// The solution regions of a file's text; an unclosed, unopened or nested solution
/// region is an error.
pub fn find(text: &str) -> anyhow::Result<Vec<Region>> {
    let mut regions = Vec::new();
    let mut open: Option<(String, usize)> = None;
    for (index, line) in text.lines().enumerate() {
        let Some((opens, name)) = marker(line) else { continue };
        if !name.starts_with(PREFIX) {
            continue;
        }
        match (opens, &open) {
            (true, None) => open = Some((name.to_string(), index)),
            (true, Some((outer, _))) => {
                bail!("line {}: region `{name}` opens inside region `{outer}`", index + 1)
            }
            (false, Some((outer, start))) if outer == name => {
                regions.push(Region { name: name.to_string(), start: *start, end: index });
                open = None;
            }
            (false, _) => bail!("line {}: `ANCHOR_END: {name}` closes no open region", index + 1),
        }
    }
    if let Some((name, start)) = open {
        bail!("line {}: region `{name}` is never closed", start + 1);
    }
    Ok(regions)
}

/// What replaces a region in the student copy.
#[derive(Debug, Clone, Copy)]
pub struct Stub<'a> {
    /// The hint carried by `todo!()`.
    pub hint: &'a str,
    /// Variables to mark used, so that the stub compiles without warnings.
    pub uses: &'a [String],
}

/// `text` with region `name` replaced by a stub.
pub fn stub(text: &str, name: &str, stub: Stub<'_>) -> anyhow::Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let region = find(text)?
        .into_iter()
        .find(|r| r.name == name)
        .with_context(|| format!("no region `{name}`"))?;
    let inside = &lines[region.start + 1..region.end];
    let indent: String = lines[region.start].chars().take_while(|c| c.is_whitespace()).collect();
    // Book anchors wholly inside the region keep existing, around the todo!().
    let mut inner: Vec<&str> = Vec::new();
    for line in inside {
        if let Some((true, inner_name)) = marker(line)
            && inside.iter().any(|l| marker(l) == Some((false, inner_name)))
        {
            inner.push(inner_name);
        }
    }
    let mut out: Vec<String> = lines[..=region.start].iter().map(|l| l.to_string()).collect();
    for inner_name in &inner {
        out.push(format!("{indent}// ANCHOR: {inner_name}"));
    }
    match stub.uses {
        [] => {}
        [one] => out.push(format!("{indent}let _ = {one};")),
        many => out.push(format!("{indent}let _ = ({});", many.join(", "))),
    }
    out.extend(todo_lines(&indent, stub.hint));
    for inner_name in inner.iter().rev() {
        out.push(format!("{indent}// ANCHOR_END: {inner_name}"));
    }
    out.extend(lines[region.end..].iter().map(|l| l.to_string()));
    Ok(out.join("\n") + "\n")
}

/// `todo!("hint")` as rustfmt would lay it out (one line if it fits in 100
/// columns, else the literal on a line of its own).
fn todo_lines(indent: &str, hint: &str) -> Vec<String> {
    let literal = format!("{:?}", hint.replace('{', "{{").replace('}', "}}"));
    let one_line = format!("{indent}todo!({literal})");
    if one_line.chars().count() <= 100 {
        vec![one_line]
    } else {
        vec![format!("{indent}todo!("), format!("{indent}    {literal}"), format!("{indent})")]
    }
}

/// `text` with region `name`'s text changed by replacing `find` (which must occur
/// exactly once inside the region) by `replace`: a wrong submission.
pub fn edit(text: &str, name: &str, find_text: &str, replace: &str) -> anyhow::Result<String> {
    let region = find(text)?
        .into_iter()
        .find(|r| r.name == name)
        .with_context(|| format!("no region `{name}`"))?;
    let starts: Vec<usize> = line_starts(text);
    let body = &text[starts[region.start + 1]..starts[region.end]];
    match body.matches(find_text).count() {
        1 => {}
        n => bail!("`{find_text}` occurs {n} times in region `{name}`, not once"),
    }
    let new_body = body.replacen(find_text, replace, 1);
    Ok(format!("{}{new_body}{}", &text[..starts[region.start + 1]], &text[starts[region.end]..]))
}

/// The byte offset of the start of each line, and of the end of the text.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts
}

/// `text` without its trailing `#[cfg(test)] mod tests { … }` module: the
/// instructor's unit tests, which compute expected values by the very formulas the
/// student is to write.
pub fn strip_unit_tests(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(open) = lines.windows(2).position(|w| w[0] == "#[cfg(test)]" && w[1] == "mod tests {")
    else {
        return text.to_string();
    };
    let Some(close) = lines[open..].iter().position(|l| *l == "}") else {
        return text.to_string();
    };
    let mut kept: Vec<&str> = lines[..open].to_vec();
    kept.extend(&lines[open + close + 1..]);
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    kept.join("\n") + "\n"
}

/// The lines of solution code inside the regions of `text` that compute
/// something (an assignment, arithmetic, a root) and are long enough to identify,
/// whitespace removed, for the leak check of the student copy. Lines that only
/// give structure (`for (w, g) in params.iter_mut().zip(grads) {`, `match …`)
/// are common to much code and say nothing of the solution.
pub fn secret_lines(text: &str) -> anyhow::Result<Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut secrets = Vec::new();
    for region in find(text)? {
        for line in &lines[region.start + 1..region.end] {
            let trimmed = line.trim();
            if trimmed.starts_with("//") {
                continue;
            }
            let squeezed = squeeze(trimmed);
            let computes = squeezed.replace("->", "").contains(['=', '+', '-', '*', '/'])
                || squeezed.contains("sqrt");
            if computes && squeezed.chars().filter(|c| c.is_alphanumeric()).count() >= 8 {
                secrets.push(squeezed);
            }
        }
    }
    Ok(secrets)
}

/// A line with all whitespace removed.
pub fn squeeze(line: &str) -> String {
    line.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "\
fn step(&mut self, w: &mut [f64], g: &[f64]) {
    check(w, g);
    // ANCHOR: solution_step
    for (w, g) in w.iter_mut().zip(g) {
        // ANCHOR: update
        *w -= self.eta * g;
        // ANCHOR_END: update
    }
    // ANCHOR_END: solution_step
}
";

    #[test]
    fn a_region_is_found_by_its_marker_lines() {
        assert_eq!(
            find(CODE).unwrap(),
            [Region { name: "solution_step".into(), start: 2, end: 8 }]
        );
    }

    #[test]
    fn the_stub_keeps_the_markers_and_wraps_inner_book_anchors_around_todo() {
        let stubbed = stub(CODE, "solution_step", Stub { hint: "w ← w − η·g", uses: &[] }).unwrap();
        let expected = "\
fn step(&mut self, w: &mut [f64], g: &[f64]) {
    check(w, g);
    // ANCHOR: solution_step
    // ANCHOR: update
    todo!(\"w ← w − η·g\")
    // ANCHOR_END: update
    // ANCHOR_END: solution_step
}
";
        assert_eq!(stubbed, expected);
    }

    #[test]
    fn unused_variables_are_marked_used_and_braces_in_hints_are_escaped() {
        let code = "fn d(x: f64) -> f64 {\n    // ANCHOR: solution_d\n    x\n    // ANCHOR_END: solution_d\n}\n";
        let uses = ["x".to_string()];
        let stubbed = stub(code, "solution_d", Stub { hint: "use {x}", uses: &uses }).unwrap();
        assert!(stubbed.contains("    let _ = x;\n    todo!(\"use {{x}}\")\n"), "{stubbed}");
    }

    #[test]
    fn a_long_hint_goes_on_a_line_of_its_own_as_rustfmt_would_put_it() {
        let hint = "h".repeat(100);
        let stubbed = stub(CODE, "solution_step", Stub { hint: &hint, uses: &[] }).unwrap();
        assert!(stubbed.contains(&format!("    todo!(\n        \"{hint}\"\n    )\n")), "{stubbed}");
    }

    #[test]
    fn unclosed_and_nested_regions_are_errors() {
        let unclosed = "// ANCHOR: solution_a\nx\n";
        assert_eq!(
            find(unclosed).unwrap_err().to_string(),
            "line 1: region `solution_a` is never closed"
        );
        let nested = "// ANCHOR: solution_a\n// ANCHOR: solution_b\n// ANCHOR_END: solution_b\n// ANCHOR_END: solution_a\n";
        assert!(find(nested).unwrap_err().to_string().contains("opens inside region `solution_a`"));
    }

    #[test]
    fn an_edit_changes_only_text_inside_its_region_and_must_match_once() {
        let wrong = edit(CODE, "solution_step", "*w -= ", "*w += ").unwrap();
        assert_eq!(wrong, CODE.replace("*w -= ", "*w += "));
        assert!(
            edit(CODE, "solution_step", "check(w, g)", "")
                .unwrap_err()
                .to_string()
                .contains("0 times")
        );
    }

    #[test]
    fn the_unit_test_module_at_the_end_is_stripped() {
        let code =
            "pub fn f() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n    }\n}\n";
        assert_eq!(strip_unit_tests(code), "pub fn f() {}\n");
    }

    #[test]
    fn secret_lines_are_the_solution_lines_that_compute() {
        assert_eq!(secret_lines(CODE).unwrap(), ["*w-=self.eta*g;"]);
    }
}

//! The exercises that send the reader to an example must be doable as written.
//!
//! An exercise that says "check it against `cargo run -p gd --example
//! learning_rates`" carries, inside its list item, a comment the page does not
//! show, stating what the reader will look for:
//!
//! ```text
//! <!-- example: gd/learning_rates; run "GD η=0.4 on the ellipse:"; steps 1 2 -->
//! <!-- example: rmsprop/rmsprop_ellipse; edit "RmsProp::new(eta, 2)?" => "…"; run "…"; line "stopped:" -->
//! ```
//!
//! [`check`] builds every example so annotated, after the edits the exercise asks
//! for (each `edit "OLD" => "NEW"` must find OLD exactly once in the example, and
//! the edited example must compile), runs it, and checks that it prints the run's
//! header line (`run`), a table row for each step (`steps`), and a line starting
//! with each `line` prefix, inside that run's block of output. It also checks that
//! every exercise that names `--example` has such a comment, that every
//! `cargo run -p PACKAGE --example NAME` in the book names an example that exists,
//! and that every path into the workspace that the prose names exists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use regex::Regex;

static ANNOTATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!--\s*example:(.*?)-->").expect("a valid regex"));
static CARGO_RUN_EXAMPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"cargo run -p ([\w-]+) --example ([\w-]+)").expect("a valid regex")
});
static WORKSPACE_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:crates|tests|xtask)/[A-Za-z0-9_./-]*[A-Za-z0-9_]").expect("a valid regex")
});
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""((?:[^"\\]|\\.)*)""#).expect("a valid regex"));

/// What an exercise says the reader will find in an example's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The chapter file and the line of the comment, for messages.
    pub place: String,
    /// The package, as in `cargo run -p PACKAGE`.
    pub package: String,
    /// The example's name.
    pub example: String,
    /// Replacements the exercise asks for, in order: (old, new).
    pub edits: Vec<(String, String)>,
    /// The header line of the run the exercise reads.
    pub run: Option<String>,
    /// Steps whose table row the run must print.
    pub steps: Vec<usize>,
    /// Prefixes of lines the run (or the whole output) must print.
    pub lines: Vec<String>,
}

/// Splits `text` at `;` outside double quotes (a `\"` inside quotes is a quote).
fn clauses(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let (mut quoted, mut escaped) = (false, false);
    for c in text.chars() {
        let current = parts.last_mut().expect("never empty");
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                escaped = true;
                current.push(c);
            }
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ';' if !quoted => parts.push(String::new()),
            _ => current.push(c),
        }
    }
    parts.into_iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
}

fn quoted_strings(text: &str) -> Vec<String> {
    QUOTED.captures_iter(text).map(|c| c[1].replace("\\\"", "\"").replace("\\\\", "\\")).collect()
}

/// Parses the text after `example:` of one comment.
pub fn parse(place: &str, text: &str) -> Result<Expectation> {
    let clauses = clauses(text);
    let Some((target, rest)) = clauses.split_first() else {
        bail!("{place}: an empty example comment");
    };
    let Some((package, example)) = target.split_once('/') else {
        bail!("{place}: `{target}` is not PACKAGE/EXAMPLE");
    };
    let mut expectation = Expectation {
        place: place.to_owned(),
        package: package.trim().to_owned(),
        example: example.trim().to_owned(),
        edits: Vec::new(),
        run: None,
        steps: Vec::new(),
        lines: Vec::new(),
    };
    for clause in rest {
        let (keyword, argument) = clause.split_once(char::is_whitespace).unwrap_or((clause, ""));
        let strings = quoted_strings(argument);
        match (keyword, strings.as_slice()) {
            ("edit", [old, new]) if argument.contains("=>") => {
                expectation.edits.push((old.clone(), new.clone()));
            }
            ("run", [header]) => expectation.run = Some(header.clone()),
            ("line", [prefix]) => expectation.lines.push(prefix.clone()),
            ("steps", []) => {
                for step in argument.split_whitespace() {
                    let step = step.parse().with_context(|| format!("{place}: step `{step}`"))?;
                    expectation.steps.push(step);
                }
            }
            _ => bail!(
                "{place}: cannot read `{clause}` (expected edit \"OLD\" => \"NEW\", run \"HEADER\", \
                 steps N…, line \"PREFIX\")"
            ),
        }
    }
    if expectation.run.is_none() && (expectation.steps.len() + expectation.lines.len()) == 0 {
        bail!("{place}: the comment says nothing the example must print");
    }
    Ok(expectation)
}

/// Every example comment of the chapters in `src_dir`, and the problems found in
/// the text alone: an exercise naming an example without a comment, a `cargo run
/// --example` of an example that does not exist, a path that does not exist.
pub fn read_book(src_dir: &Path, root: &Path) -> Result<(Vec<Expectation>, Vec<String>)> {
    let mut expectations = Vec::new();
    let mut problems = Vec::new();
    let mut chapters: Vec<PathBuf> = std::fs::read_dir(src_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    chapters.sort();
    for path in chapters {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(&path)?;
        let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
        for capture in ANNOTATION.captures_iter(&text) {
            let place = format!("{name} line {}", line_of(capture.get(0).map_or(0, |m| m.start())));
            match parse(&place, &capture[1]) {
                Ok(expectation) => expectations.push(expectation),
                Err(error) => problems.push(format!("{error:#}")),
            }
        }
        for capture in CARGO_RUN_EXAMPLE.captures_iter(&text) {
            let file = root
                .join("crates")
                .join(&capture[1])
                .join("examples")
                .join(format!("{}.rs", &capture[2]));
            if !file.is_file() {
                let offset = capture.get(0).map_or(0, |m| m.start());
                problems.push(format!(
                    "{name} line {}: `{}` names no example ({} does not exist)",
                    line_of(offset),
                    &capture[0],
                    file.display()
                ));
            }
        }
        for found in WORKSPACE_PATH.find_iter(&text) {
            let path = found.as_str().trim_end_matches('.');
            if !root.join(path).exists() {
                problems.push(format!(
                    "{name} line {}: the path {path} does not exist",
                    line_of(found.start())
                ));
            }
        }
        for (line, item) in exercises(&text) {
            for capture in CARGO_RUN_EXAMPLE.captures_iter(&item) {
                let target = format!("{}/{}", &capture[1], &capture[2]);
                let annotated = ANNOTATION
                    .captures_iter(&item)
                    .any(|c| clauses(&c[1]).first().is_some_and(|t| t.replace(' ', "") == target));
                if !annotated {
                    problems.push(format!(
                        "{name} line {line}: the exercise sends the reader to `{}` but has no \
                         <!-- example: {target}; … --> comment saying what it will find there",
                        &capture[0]
                    ));
                }
            }
        }
    }
    Ok((expectations, problems))
}

/// The items of every "## Exercises" section: (first line, text of the item).
fn exercises(text: &str) -> Vec<(usize, String)> {
    let mut items: Vec<(usize, String)> = Vec::new();
    let mut inside = false;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            inside = line.trim_start_matches('#').trim() == "Exercises";
            continue;
        }
        if !inside {
            continue;
        }
        let starts_item = line
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if starts_item {
            items.push((index + 1, String::new()));
        } else if !line.starts_with(' ') && !line.trim().is_empty() {
            // A paragraph after the list (the assignment line) ends the last item.
            items.push((index + 1, String::new()));
            continue;
        }
        if let Some((_, item)) = items.last_mut() {
            item.push_str(line);
            item.push('\n');
        }
    }
    items
}

/// The lines of `output` that belong to the run whose header is `header`: from the
/// header to the next header (a line without indentation that ends with `:`).
fn run_block<'a>(output: &'a str, header: &str) -> Option<Vec<&'a str>> {
    let mut lines = output.lines().skip_while(|line| line.trim_end() != header);
    let first = lines.next()?;
    let rest = lines.take_while(|line| {
        let line = line.trim_end();
        line.starts_with(char::is_whitespace) || !line.ends_with(':')
    });
    Some(std::iter::once(first).chain(rest).collect())
}

/// The problems of one expectation against the example's `output`.
pub fn compare(expectation: &Expectation, output: &str) -> Vec<String> {
    let what = format!(
        "{}: `cargo run -p {} --example {}`{}",
        expectation.place,
        expectation.package,
        expectation.example,
        if expectation.edits.is_empty() { "" } else { " (edited as the exercise asks)" }
    );
    let block = match &expectation.run {
        Some(header) => match run_block(output, header) {
            Some(block) => block,
            None => return vec![format!("{what} prints no line `{header}`")],
        },
        None => output.lines().collect(),
    };
    let mut problems = Vec::new();
    let rows: Vec<usize> = block
        .iter()
        .filter_map(|line| line.split_whitespace().next().and_then(|first| first.parse().ok()))
        .collect();
    for step in &expectation.steps {
        if !rows.contains(step) {
            problems.push(format!(
                "{what} prints no row for step {step} in that run (it prints steps {rows:?})"
            ));
        }
    }
    for prefix in &expectation.lines {
        if !block.iter().any(|line| line.trim_start().starts_with(prefix.as_str())) {
            problems.push(format!("{what} prints no line starting with `{prefix}` in that run"));
        }
    }
    problems
}

/// Builds every annotated example (edited as asked) in a scratch package under
/// `scratch`, runs each, and returns every problem found, the text's included.
pub fn check(src_dir: &Path, root: &Path, scratch: &Path) -> Result<Vec<String>> {
    let (expectations, mut problems) = read_book(src_dir, root)?;
    std::fs::create_dir_all(scratch.join("examples"))?;
    let mut binaries: BTreeMap<String, usize> = BTreeMap::new();
    let mut sources = Vec::new();
    for (index, expectation) in expectations.iter().enumerate() {
        let file = root
            .join("crates")
            .join(&expectation.package)
            .join("examples")
            .join(format!("{}.rs", expectation.example));
        let Ok(mut source) = std::fs::read_to_string(&file) else {
            problems.push(format!("{}: cannot read {}", expectation.place, file.display()));
            continue;
        };
        let mut edits_apply = true;
        for (old, new) in &expectation.edits {
            let count = source.matches(old.as_str()).count();
            if count != 1 {
                problems.push(format!(
                    "{}: the edit of {} expects `{old}` exactly once, but it appears {count} times",
                    expectation.place,
                    file.display()
                ));
                edits_apply = false;
                continue;
            }
            source = source.replacen(old.as_str(), new, 1);
        }
        if !edits_apply {
            continue;
        }
        let binary = format!("ex{index}_{}", expectation.example);
        sources.push((binary.clone(), source));
        binaries.insert(binary, index);
    }
    let crates = [
        "objectives",
        "gd",
        "adagrad",
        "rmsprop",
        "momentum",
        "sweep",
        "datasets",
        "network",
        "beyond",
    ];
    let mut manifest = String::from(
        "# Written by the xtask's exercise check: the book's examples, as its exercises edit them.\n\
         [package]\nname = \"book-examples\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n",
    );
    for name in crates {
        manifest.push_str(&format!("{name} = {{ path = {:?} }}\n", root.join("crates").join(name)));
    }
    std::fs::write(scratch.join("Cargo.toml"), manifest)?;
    std::fs::create_dir_all(scratch.join("src"))?;
    std::fs::write(scratch.join("src/lib.rs"), "//! Only the examples matter.\n")?;
    for entry in std::fs::read_dir(scratch.join("examples"))? {
        std::fs::remove_file(entry?.path())?;
    }
    for (binary, source) in &sources {
        std::fs::write(scratch.join("examples").join(format!("{binary}.rs")), source)?;
    }
    if sources.is_empty() {
        return Ok(problems);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = scratch.join("target");
    let build = Command::new(&cargo)
        .args(["build", "--examples", "--offline", "--quiet"])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .context("running cargo build for the book's examples")?;
    if !build.status.success() {
        problems.push(format!(
            "the book's examples, edited as the exercises ask, do not build:\n{}",
            String::from_utf8_lossy(&build.stderr)
        ));
        return Ok(problems);
    }
    for (binary, index) in binaries {
        let expectation = &expectations[index];
        let run = Command::new(target.join("debug/examples").join(&binary))
            .output()
            .with_context(|| format!("running the example of {}", expectation.place))?;
        if !run.status.success() {
            problems.push(format!(
                "{}: the example fails: {}",
                expectation.place,
                String::from_utf8_lossy(&run.stderr)
            ));
            continue;
        }
        problems.extend(compare(expectation, &String::from_utf8_lossy(&run.stdout)));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "GD η=0.4 on the ellipse:\n step   w1   loss\n    0   -5   10.5\n    \
                          1   -4.6   5\n\nstopped: BudgetSpent { steps: 1 }\n\nGD η=0.5 on the ellipse:\n \
                          step   w1\n    0   -5\n    4   -3\n";

    #[test]
    fn a_comment_reads_as_edits_a_run_steps_and_lines() {
        let e = parse(
            "x.md line 1",
            r#" gd/learning_rates; edit "a; b" => "c"; run "GD η=0.4 on the ellipse:"; steps 0 1; line "stopped:" "#,
        )
        .unwrap();
        assert_eq!((e.package.as_str(), e.example.as_str()), ("gd", "learning_rates"));
        assert_eq!(e.edits, vec![("a; b".to_owned(), "c".to_owned())]);
        assert_eq!(e.run.as_deref(), Some("GD η=0.4 on the ellipse:"));
        assert_eq!((e.steps, e.lines), (vec![0, 1], vec!["stopped:".to_owned()]));
    }

    #[test]
    fn a_step_the_run_does_not_print_is_reported_with_the_steps_it_does() {
        let e =
            parse("x.md line 3", r#"gd/learning_rates; run "GD η=0.5 on the ellipse:"; steps 1 4"#)
                .unwrap();
        let problems = compare(&e, OUTPUT);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("no row for step 1") && problems[0].contains("[0, 4]"),
            "{problems:?}"
        );
    }

    #[test]
    fn lines_are_looked_for_in_the_run_block_only() {
        let e = parse(
            "x.md line 3",
            r#"gd/learning_rates; run "GD η=0.4 on the ellipse:"; line "stopped:""#,
        )
        .unwrap();
        assert!(compare(&e, OUTPUT).is_empty());
        let e = parse(
            "x.md line 3",
            r#"gd/learning_rates; run "GD η=0.5 on the ellipse:"; line "stopped:""#,
        )
        .unwrap();
        assert_eq!(compare(&e, OUTPUT).len(), 1);
    }

    #[test]
    fn an_exercise_that_names_an_example_without_a_comment_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("crates/gd/examples")).unwrap();
        std::fs::write(root.join("crates/gd/examples/learning_rates.rs"), "fn main() {}").unwrap();
        std::fs::write(
            root.join("src/c.md"),
            "# C\n\n## Exercises\n\n1. Run `cargo run -p gd --example learning_rates`.\n2. Read \
             `crates/gd/examples/ellipse.rs`.\n",
        )
        .unwrap();
        let (_, problems) = read_book(&root.join("src"), root).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("c.md line 6: the path crates/gd/examples/ellipse.rs"))
        );
        assert!(problems.iter().any(|p| p.contains("c.md line 5: the exercise sends the reader")));
    }
}

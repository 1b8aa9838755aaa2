//! `cargo xtask student --out DIR`: a student copy with the solutions cut out.
//!
//! The copy is a self-contained workspace of fresh files (no history): the
//! crates, the graded suite with its snapshots and the rubric, the book's
//! sources, and a README for students. In the student crates every solution
//! region (`// ANCHOR: solution_…`) becomes `todo!("hint")`, and the instructor's
//! unit tests (`#[cfg(test)] mod tests`) are dropped, since they compute expected
//! values by the very formulas the student is to write. The xtask (which holds the
//! grader and the wrong-submission fixtures) and CI are not copied.
//!
//! What stays, on purpose: the formulas in doc comments and in the book (they are
//! the course), the graded tests and their insta snapshots (expected outputs:
//! numbers, not code; the grader uses the instructor's copies anyway), and the
//! book's figures (pictures of what each method does; their data are computed by
//! the xtask, which does not ship). The book is built into `DIR/book/book` from the
//! copy's own sources, so its code blocks show the stubs. Before it finishes, the
//! command checks that no line of solution code survives anywhere in the copy,
//! the built book included.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::kit::regions::{self, Stub};
use crate::kit::rubric::Rubric;
use crate::kit::sandbox;

/// The command line of `cargo xtask student`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write the copy into; it must be empty or not exist.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Delete whatever DIR holds first.
    #[arg(long)]
    pub force: bool,
}

/// Runs `cargo xtask student`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let root = crate::workspace::root();
    let summary = write_copy(&root, &args.out, args.force)?;
    println!(
        "wrote a student copy to {}: {} regions cut out of {} files",
        args.out.display(),
        summary.regions,
        summary.files
    );
    println!(
        "next: cd {} && cargo test   (every graded test fails until it is solved)",
        args.out.display()
    );
    Ok(())
}

/// What a copy cut out.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Regions replaced by `todo!()`.
    pub regions: usize,
    /// Files they were in.
    pub files: usize,
}

/// The top-level entries of the course that a student copy holds.
const COPIED: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rustfmt.toml",
    "clippy.toml",
    ".gitignore",
    "crates",
    "tests",
    "book",
];

/// Writes the student copy of the course at `root` into `out`.
pub fn write_copy(root: &Path, out: &Path, force: bool) -> anyhow::Result<Summary> {
    prepare_out(root, out, force)?;
    let out = out.canonicalize()?;
    let rubric = Rubric::load(&root.join(crate::kit::rubric::RUBRIC))?;
    let specs: BTreeMap<&str, &crate::kit::rubric::RegionSpec> =
        rubric.regions().map(|r| (r.name.as_str(), r)).collect();

    for entry in COPIED {
        let from = root.join(entry);
        if from.is_dir() {
            sandbox::copy_tree(&from, &out.join(entry), &|rel| {
                // The built book (it shows the solutions) and the copy itself.
                (*entry == "book" && rel == Path::new("book")) || from.join(rel) == out
            })?;
        } else if from.is_file() {
            fs::copy(&from, out.join(entry))?;
        }
    }
    // The chapters say, where they talk about a solution, what a student's page says.
    let chapters = out.join("book/src");
    let chapters = if chapters.is_dir() { sandbox::files_under(&chapters)? } else { Vec::new() };
    for chapter in chapters {
        if chapter.extension().is_some_and(|e| e == "md") {
            let text = fs::read_to_string(&chapter)?;
            let student = crate::book::solutions::student_text(&text)
                .with_context(|| format!("in {}", chapter.display()))?;
            fs::write(&chapter, student)?;
        }
    }
    let manifest = fs::read_to_string(root.join("Cargo.toml"))?;
    fs::write(out.join("Cargo.toml"), without_xtask(&manifest)?)?;

    // Cut the regions out of the student crates; find every region of the course.
    let mut secrets = Vec::new();
    let mut seen = Vec::new();
    let mut files = 0;
    let mut sources = sandbox::files_under(&root.join("crates"))?;
    sources.extend(sandbox::files_under(&root.join("tests"))?);
    for file in sources {
        let relative = file.strip_prefix(root)?.to_path_buf();
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = fs::read_to_string(&file)?;
        let found = regions::find(&text).with_context(|| format!("in {}", relative.display()))?;
        let in_student_crate = rubric.course.student_crates.iter().any(|c| relative.starts_with(c));
        if found.is_empty() && !in_student_crate {
            continue;
        }
        if !in_student_crate {
            bail!("{} has solution regions but is not in a student crate", relative.display());
        }
        let mut stubbed = text.clone();
        for region in &found {
            let Some(spec) = specs.get(region.name.as_str()) else {
                bail!(
                    "region `{}` in {} is in no assignment of the rubric",
                    region.name,
                    relative.display()
                );
            };
            if Path::new(&spec.file) != relative {
                bail!(
                    "the rubric puts `{}` in {}, but it is in {}",
                    region.name,
                    spec.file,
                    relative.display()
                );
            }
            stubbed =
                regions::stub(&stubbed, &region.name, Stub { hint: &spec.hint, uses: &spec.uses })?;
            seen.push(region.name.clone());
        }
        secrets.extend(regions::secret_lines(&text)?);
        if !found.is_empty() {
            files += 1;
        }
        fs::write(out.join(&relative), regions::strip_unit_tests(&stubbed))?;
    }
    for name in specs.keys() {
        if !seen.iter().any(|s| s == name) {
            bail!("the rubric's region `{name}` is not marked in any student crate");
        }
    }
    fs::write(out.join("README.md"), student_readme(&rubric))?;
    trim_lockfile(&out);
    // The book, built from the copy: where a chapter includes a solution region it
    // now shows the student's todo!(), and the leak check below reads the HTML too.
    if out.join("book/book.toml").is_file() {
        crate::book::build(&out.join("book")).context("building the student copy's book")?;
    }
    if out.join("book/book").is_dir()
        && let Err(problem) = check_cut_listings_are_marked(&out.join("book/book"))
    {
        fs::remove_dir_all(&out).ok();
        return Err(problem.context("the student copy was deleted"));
    }
    if let Err(leak) = check_no_solution_text(&out, &secrets) {
        fs::remove_dir_all(&out).ok();
        return Err(leak.context("the student copy was deleted"));
    }
    Ok(Summary { regions: seen.len(), files })
}

/// Checks that `out` is empty or absent (or empties it, with `force`).
fn prepare_out(root: &Path, out: &Path, force: bool) -> anyhow::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            bail!("{} exists and is not a folder", out.display());
        }
        let canonical = out.canonicalize()?;
        if root.canonicalize()?.starts_with(&canonical) {
            bail!("{} holds the course itself: choose another folder", out.display());
        }
        let mut entries = fs::read_dir(out)?.peekable();
        if entries.peek().is_some() {
            if !force {
                bail!(
                    "{} is not empty: choose an empty folder, or pass --force to delete what it holds",
                    out.display()
                );
            }
            for entry in entries {
                let path = entry?.path();
                if path.is_dir() { fs::remove_dir_all(&path)? } else { fs::remove_file(&path)? }
            }
        }
    }
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))
}

/// The workspace manifest without the xtask member (which a copy does not hold),
/// edited as text so that its comments stay.
fn without_xtask(manifest: &str) -> anyhow::Result<String> {
    let mut edited = 0;
    let lines: Vec<String> = manifest
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("members") && line.contains("\"xtask\"") {
                edited += 1;
                line.replace(", \"xtask\"", "").replace("\"xtask\", ", "").replace("\"xtask\"", "")
            } else {
                line.to_string()
            }
        })
        .collect();
    if edited != 1 {
        bail!("expected one `members = [..., \"xtask\"]` line in the workspace Cargo.toml");
    }
    let text = lines.join("\n") + "\n";
    let table: toml::Table =
        toml::from_str(&text).context("the edited Cargo.toml does not parse")?;
    let members = table.get("workspace").and_then(|w| w.get("members")).and_then(|m| m.as_array());
    if members.is_none_or(|m| m.iter().any(|m| m.as_str() == Some("xtask"))) {
        bail!("could not drop xtask from the workspace members");
    }
    Ok(text)
}

/// Lets Cargo drop the xtask's packages from the lock file (offline; if that
/// fails the first build does it).
fn trim_lockfile(out: &Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let _ = std::process::Command::new(cargo)
        .args(["metadata", "--offline", "--format-version", "1"])
        .current_dir(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// Fails, naming the page, if a listing of the student's book shows a `todo!()`
/// without the note that says the solution is cut (see `book::solutions`).
pub fn check_cut_listings_are_marked(html_dir: &Path) -> anyhow::Result<()> {
    let mut unmarked = Vec::new();
    for page in sandbox::files_under(html_dir)? {
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
    for file in sandbox::files_under(out)? {
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

/// The README of a student copy: the assignments, how to check, how it is graded.
pub fn student_readme(rubric: &Rubric) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Descent: your copy\n\n\
         This is the Descent course (gradient descent, Adagrad, RMSprop, momentum and\n\
         Adam) with the heart of each method cut out. Every `todo!(\"…\")` in `crates/`\n\
         is yours to write; its text is a hint, and the chapter of the book named below\n\
         explains the idea and the formula.\n\n\
         ## Assignments\n"
    );
    let _ = writeln!(out, "| assignment | what you write | points |\n|---|---|---|");
    for a in &rubric.assignments {
        let points: u32 = a.tests.values().sum();
        // Regions grouped by file, in rubric order.
        let mut files: Vec<(&str, Vec<&str>)> = Vec::new();
        for r in &a.regions {
            match files.iter_mut().find(|(file, _)| *file == r.file) {
                Some((_, names)) => names.push(&r.name),
                None => files.push((&r.file, vec![&r.name])),
            }
        }
        let places: Vec<String> = files
            .iter()
            .map(|(file, names)| {
                format!(
                    "`{file}`: {}",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        let places = if places.is_empty() { "nothing new".to_string() } else { places.join("; ") };
        let _ = writeln!(out, "| {} | {places} | {points} |", a.title);
    }
    for a in &rubric.assignments {
        let _ = writeln!(out, "\n### {}\n\n{}", a.title, a.asks.trim());
        if let Some(chapter) = &a.chapter {
            let _ = writeln!(out, "\nRead first: `book/src/{chapter}`.");
        }
        let targets: std::collections::BTreeSet<&str> =
            a.tests.keys().filter_map(|t| t.split_once("::").map(|(target, _)| target)).collect();
        if !targets.is_empty() {
            let flags: Vec<String> = targets.iter().map(|t| format!("--test {t}")).collect();
            let _ = writeln!(out, "\nIts tests: `cargo test {}`", flags.join(" "));
        }
    }
    let _ = writeln!(
        out,
        "\n## Check your work\n\n\
         ```sh\n\
         cargo test                                 # everything (fails until you are done)\n\
         cargo test --test gradient_descent         # one chapter's graded tests\n\
         cargo clippy --all-targets -- -D warnings  # your code must be clippy-clean\n\
         cargo fmt                                  # and formatted\n\
         ```\n\n\
         ## How you are graded\n\n\
         Your instructor runs the course's graded suite (`tests/tests/*.rs`) against\n\
         your crates, and only those ({crates}): the tests, their snapshots and\n\
         the rubric are the instructor's own, so changing them here changes nothing in your grade.\n\
         Each test is worth the points in `tests/rubric.toml` and is run alone, by its\n\
         exact name, with a time limit of {timeout} s: a test that fails, panics (a\n\
         `todo!()` left in) or runs too long earns nothing. Your instructor may add\n\
         hidden tests of the same properties.\n\n\
         The snapshot tests compare your iterates with the expected tables in\n\
         `tests/tests/snapshots/`; the `.snap.new` file written next to a failing one\n\
         (or `cargo insta review`) shows where yours differ.\n\n\
         ## The book\n\n\
         Open `book/book/index.html` in a browser (it works offline). The chapters' sources\n\
         are in `book/src/`. Where a chapter shows the code you write, it shows your\n\
         `todo!()`: the book was built from this copy.",
        crates = rubric
            .course
            .student_crates
            .iter()
            .map(|c| format!("`{c}/src`"))
            .collect::<Vec<_>>()
            .join(", "),
        timeout = rubric.course.timeout_seconds,
    );
    out
}

//! The book build on small fixture books in a temporary folder, and the include
//! check on the real book.

use super::*;

/// The real `book.toml` (and `theme/`, below), so the fixtures are built exactly
/// as the course is.
fn real_book_toml() -> String {
    std::fs::read_to_string(crate::workspace::root().join("book/book.toml")).unwrap()
}

const CODE: &str = "\
pub fn step(w: &mut f64, g: f64) {
    // ANCHOR: update
    *w -= 0.1 * g;
    // ANCHOR_END: update
}
";

/// A book in a temporary folder: `book/` with one chapter `chapter.md` holding
/// `chapter`, and `code/lib.rs` holding `code`.
fn fixture(chapter: &str, code: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("book/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(dir.path().join("code")).unwrap();
    std::fs::write(dir.path().join("book/book.toml"), real_book_toml()).unwrap();
    let theme = crate::workspace::root().join("book/theme");
    std::fs::create_dir_all(dir.path().join("book/theme")).unwrap();
    for entry in std::fs::read_dir(theme).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join("book/theme").join(path.file_name().unwrap()))
            .unwrap();
    }
    std::fs::write(src.join("SUMMARY.md"), "# Summary\n\n[The update](chapter.md)\n").unwrap();
    std::fs::write(src.join("chapter.md"), chapter).unwrap();
    std::fs::write(dir.path().join("code/lib.rs"), code).unwrap();
    dir
}

/// The error of building `chapter` against `code`, with its causes.
fn build_error(chapter: &str, code: &str) -> String {
    let dir = fixture(chapter, code);
    format!("{:#}", build(&dir.path().join("book")).expect_err("the build should fail"))
}

const GOOD: &str = "# The update\n\nThe step $w \\leftarrow w - \\eta g$ is\n\n\
                    ```rust\n{{#include ../../code/lib.rs:update}}\n```\n\n\
                    $$\nG_j \\leftarrow G_j + g_j^2\n$$\n\n\
                    An escaped directive stays text: \\{{#include nowhere.rs}}.\n\n\
                    {{#diff ../../code/lib.rs:update ../../code/lib.rs:update}}\n";

#[test]
fn a_good_book_builds_with_its_code_included_and_its_math_rendered() {
    let dir = fixture(GOOD, CODE);
    let out = build(&dir.path().join("book")).unwrap_or_else(|e| panic!("{e:#}"));
    let page = std::fs::read_to_string(out.join("chapter.html")).unwrap();
    assert!(page.contains("*w -= 0.1 * g;") || page.contains("0.1 * g"), "code included");
    assert!(!page.contains("ANCHOR"), "marker lines are dropped");
    assert!(page.contains("class=\"katex\""), "inline math rendered");
    assert!(page.contains("katex-display"), "display math rendered");
    assert!(!page.contains("\\leftarrow"), "no raw TeX left");
    assert!(page.contains("{{#include nowhere.rs}}"), "escaped directive shown as text");
    assert!(page.contains("language-diff"), "the diff directive became a diff block");
    assert!(!page.contains("{{#diff"), "no diff directive left");
    assert!(page.contains("href=\"katex/katex.min.css\""), "vendored KaTeX stylesheet linked");
}

#[test]
fn a_missing_file_fails_naming_the_chapter_the_file_and_the_directive() {
    let chapter = "# The update\n\n```rust\n{{#include ../../code/gone.rs:update}}\n```\n";
    let error = build_error(chapter, CODE);
    assert!(error.contains("chapter \"The update\" (chapter.md)"), "{error}");
    assert!(error.contains("{{#include ../../code/gone.rs:update}}"), "{error}");
    assert!(error.contains("cannot read file") && error.contains("code/gone.rs"), "{error}");
}

#[test]
fn a_renamed_anchor_fails_naming_the_file_and_the_anchor() {
    let renamed = CODE.replace("ANCHOR: update", "ANCHOR: apply_update");
    let error = build_error(GOOD, &renamed);
    assert!(error.contains("chapter \"The update\" (chapter.md)"), "{error}");
    assert!(error.contains("code/lib.rs has no line with `ANCHOR: update`"), "{error}");
}

#[test]
fn a_missing_anchor_end_fails_naming_the_file_and_the_anchor() {
    let unclosed = CODE.replace("    // ANCHOR_END: update\n", "");
    let error = build_error(GOOD, &unclosed);
    assert!(error.contains("chapter \"The update\" (chapter.md)"), "{error}");
    assert!(error.contains("code/lib.rs opens anchor `update`"), "{error}");
    assert!(error.contains("`ANCHOR_END: update`"), "{error}");
}

#[test]
fn a_diff_of_a_renamed_anchor_fails_like_an_include() {
    let chapter = "# The update\n\n{{#diff ../../code/lib.rs:update ../../code/lib.rs:gone}}\n";
    let error = build_error(chapter, CODE);
    assert!(error.contains("chapter \"The update\" (chapter.md)"), "{error}");
    assert!(error.contains("code/lib.rs has no line with `ANCHOR: gone`"), "{error}");
}

#[test]
fn every_broken_include_is_listed_not_only_the_first() {
    let chapter = "# The update\n\n{{#include ../../code/lib.rs:one}}\n\n\
                   {{#rustdoc_include ../../code/lib.rs:two}}\n\n{{#playground gone.rs}}\n";
    let error = build_error(chapter, CODE);
    assert!(error.contains("3 broken include(s)"), "{error}");
    for part in ["ANCHOR: one", "ANCHOR: two", "gone.rs"] {
        assert!(error.contains(part), "{part} in {error}");
    }
}

#[test]
fn a_formula_katex_cannot_render_fails_naming_the_chapter_and_the_tex() {
    let chapter = "# The update\n\nThe rate $\\frac{\\eta}{\\sqrt{G$ here.\n";
    let error = build_error(chapter, CODE);
    assert!(error.contains("chapter \"The update\" (chapter.md)"), "{error}");
    assert!(error.contains("KaTeX cannot render $\\frac{\\eta}{\\sqrt{G$"), "{error}");
}

#[test]
fn an_unclosed_dollar_fails_naming_the_line() {
    let chapter = "# The update\n\nIt costs $5 to\nread.\n";
    let error = build_error(chapter, CODE);
    assert!(error.contains("line 3: a math delimiter `$` is never closed"), "{error}");
}

#[test]
fn a_book_without_the_descent_preprocessor_is_refused() {
    let dir = fixture(GOOD, CODE);
    let toml = dir.path().join("book/book.toml");
    std::fs::write(&toml, "[book]\ntitle = \"x\"\n").unwrap();
    let error = format!("{:#}", build(&dir.path().join("book")).unwrap_err());
    assert!(error.contains("no [preprocessor.descent] table"), "{error}");
}

#[test]
fn every_include_of_the_course_book_finds_its_file_and_anchors() {
    let root = crate::workspace::root().join("book");
    let book = MDBook::load(&root).unwrap();
    let broken = includes::check_book(&book.book, &root.join("src"));
    let list: Vec<String> = broken.iter().map(ToString::to_string).collect();
    assert!(broken.is_empty(), "broken includes:\n{}", list.join("\n"));
}

#[test]
fn every_exercise_that_sends_the_reader_to_an_example_finds_what_it_promises() {
    let root = crate::workspace::root();
    let scratch = root.join("target/book-examples");
    let problems = exercises::check(&root.join("book/src"), &root, &scratch).unwrap();
    assert!(problems.is_empty(), "{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

#[test]
fn the_numbers_of_the_prose_come_from_code_or_are_listed_as_written_by_hand() {
    let root = crate::workspace::root().join("book");
    let audit = numbers::audit(&root.join("src"), &numbers::Ledger::load(&root).unwrap()).unwrap();
    assert!(
        audit.problems.is_empty(),
        "{} problem(s):\n  {}",
        audit.problems.len(),
        audit.problems.join("\n  ")
    );
    assert!(audit.from_code > 0, "{audit}");
}

#[test]
fn every_reached_after_n_steps_in_the_book_is_held_to_the_end_of_its_budget() {
    let src = crate::workspace::root().join("book/src");
    let rules =
        numbers::step_rules(&std::fs::read_to_string(src.join(numbers::NUMBERS_FILE)).unwrap());
    assert!(!rules.is_empty(), "numbers.toml records no step rule: run `cargo xtask figures`");
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            problems.extend(numbers::reached_claims(&stem, &text, &rules));
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

#[test]
fn every_number_the_crates_computed_is_stated_by_its_chapter() {
    let src = crate::workspace::root().join("book/src");
    for (chapter, names) in numbers::load(&src).unwrap() {
        let text = std::fs::read_to_string(src.join(format!("{chapter}.md")))
            .unwrap_or_else(|e| panic!("numbers.toml has a table [{chapter}] but no chapter: {e}"));
        for name in names.keys() {
            assert!(
                text.contains(&format!("{{{{#number {chapter}.{name}}}}}")),
                "{chapter}.{name} is computed but {chapter}.md never states it: use it or drop it"
            );
        }
    }
}

/// The chapters of SUMMARY.md's main part (before the first `---`), as
/// (title, file), without the introduction.
fn summary_chapters() -> Vec<(String, String)> {
    let summary =
        std::fs::read_to_string(crate::workspace::root().join("book/src/SUMMARY.md")).unwrap();
    let link = regex::Regex::new(r"^- \[([^\]]+)\]\(([^)]+)\)").unwrap();
    summary
        .lines()
        .take_while(|line| line.trim() != "---")
        .filter_map(|line| link.captures(line).map(|c| (c[1].to_owned(), c[2].to_owned())))
        .collect()
}

#[test]
fn the_introductions_roadmap_lists_every_chapter_in_order() {
    let intro =
        std::fs::read_to_string(crate::workspace::root().join("book/src/introduction.md")).unwrap();
    let item = regex::Regex::new(r"(?m)^(\d+)\. \*\*([^*]+)\*\*").unwrap();
    let roadmap: Vec<(usize, String)> =
        item.captures_iter(&intro).map(|c| (c[1].parse().unwrap(), c[2].to_owned())).collect();
    let expected: Vec<(usize, String)> =
        summary_chapters().into_iter().enumerate().map(|(i, (title, _))| (i + 1, title)).collect();
    assert_eq!(roadmap, expected, "the roadmap of introduction.md against SUMMARY.md");
}

#[test]
fn every_assignment_line_names_rubric_regions_and_every_graded_chapter_has_one() {
    let root = crate::workspace::root();
    let rubric = crate::kit::rubric::Rubric::load(&root.join(crate::kit::rubric::RUBRIC)).unwrap();
    let region_files: Vec<&str> =
        rubric.assignments.iter().flat_map(|a| a.regions.iter().map(|r| r.file.as_str())).collect();
    let code = regex::Regex::new(r"`([^`]+)`").unwrap();
    let mut named_files = Vec::new();
    for (_, file) in summary_chapters() {
        let text = std::fs::read_to_string(root.join("book/src").join(&file)).unwrap();
        let paragraphs: Vec<&str> =
            text.split("\n\n").filter(|p| p.trim_start().starts_with("Assignment:")).collect();
        let graded = rubric.assignments.iter().any(|a| a.chapter.as_deref() == Some(file.as_str()));
        assert!(
            !graded || !paragraphs.is_empty(),
            "{file} is the chapter of an assignment in the rubric but has no `Assignment:` line"
        );
        for paragraph in paragraphs {
            let spans: Vec<&str> =
                code.captures_iter(paragraph).map(|c| c.get(1).unwrap().as_str()).collect();
            let files: Vec<&str> =
                spans.iter().copied().filter(|s| s.starts_with("crates/")).collect();
            assert!(!files.is_empty(), "{file}: an `Assignment:` line names no file: {paragraph}");
            let sources: Vec<String> = files
                .iter()
                .flat_map(|f| {
                    let path = root.join(f);
                    if path.is_dir() {
                        crate::kit::trees::files_under(&path).unwrap()
                    } else {
                        vec![path]
                    }
                })
                .map(|p| std::fs::read_to_string(p).unwrap())
                .collect();
            for f in &files {
                assert!(
                    region_files.iter().any(|r| r.starts_with(f.trim_end_matches('/'))),
                    "{file}: the assignment line names {f}, which holds no region of the rubric"
                );
                named_files.push(f.to_string());
            }
            for item in spans.iter().filter(|s| !s.starts_with("crates/")) {
                let function = item.rsplit("::").next().unwrap();
                assert!(
                    sources.iter().any(|s| s.contains(&format!("fn {function}("))),
                    "{file}: the assignment line names `{item}`, but no file it names has `fn {function}`"
                );
            }
        }
    }
    for region in region_files {
        assert!(
            named_files.iter().any(|f| region.starts_with(f.trim_end_matches('/'))),
            "the rubric's region file {region} is named by no `Assignment:` line of the book"
        );
    }
}

#[test]
fn the_error_message_the_libraries_chapter_quotes_is_the_one_the_code_gives() {
    let message = rmsprop::RmsPropConfig::new(0.1).decay(1.0).build(2).unwrap_err().to_string();
    let chapter =
        std::fs::read_to_string(crate::workspace::root().join("book/src/libraries.md")).unwrap();
    assert!(chapter.contains(&format!("`{message}`")), "libraries.md should quote `{message}`");
}

//! Every import of the xtask points down.
//!
//! The xtask is laid out like the course crates, as a stair: a module may use
//! what sits below it and never what sits above. "Below" means one of two things:
//!
//! - its own descendants (`figures` uses `figures::plot`);
//! - a sibling declared *after* it, or anything inside one: the order of the
//!   `mod` lines in a parent is the order of the stair, from the commands at the
//!   top to the shared pieces at the bottom (in `main.rs`, the commands come
//!   first and `kit` and `workspace` last).
//!
//! So a module never imports from its parent or any other ancestor (the parent
//! is what imports *it*), and never from a sibling declared before it. Unit-test
//! modules (`mod tests`, and files under a `tests/` folder) are checked as the
//! module they test, which they may use whole.
//!
//! The check reads the source with `syn`: every path in the code that starts
//! with `crate`, `super` or `self` (in `use` items, expressions, types,
//! patterns), resolved to the module it names. Paths inside macro invocations
//! (`format!`) are token streams to `syn` and are not seen; the compiler itself
//! rejects a private item used from the wrong place, so what could hide there is
//! a public item of an ancestor, which this project does not write.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module's path from the crate root: `["figures", "plot"]`; the root is empty.
type ModulePath = Vec<String>;

/// The module tree: each module's children, in the order they are declared.
#[derive(Debug, Default)]
struct Tree {
    children: BTreeMap<ModulePath, Vec<String>>,
}

impl Tree {
    fn is_module(&self, path: &[String]) -> bool {
        path.is_empty()
            || self
                .children
                .get(&path[..path.len() - 1])
                .is_some_and(|c| c.contains(&path[path.len() - 1]))
    }

    fn position(&self, parent: &[String], child: &str) -> Option<usize> {
        self.children.get(parent)?.iter().position(|c| c == child)
    }
}

/// One use of a path that names a module of the crate.
#[derive(Debug, Clone)]
struct Import {
    file: PathBuf,
    line: usize,
    /// The module the path is written in.
    from: ModulePath,
    /// The path as written.
    written: String,
    /// The path made absolute (from the crate root).
    absolute: Vec<String>,
    /// True if it is written in a `use` item.
    in_use: bool,
}

/// Reads every file of the crate under `src`: the tree and every crate path.
fn read_crate(src: &Path) -> (Tree, Vec<Import>) {
    let mut tree = Tree::default();
    let mut imports = Vec::new();
    let mut queue = vec![(src.join("main.rs"), ModulePath::new())];
    while let Some((file, module)) = queue.pop() {
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // Where the files of this module's children are.
        let folder = match file.file_name().and_then(|n| n.to_str()) {
            Some("main.rs" | "mod.rs") => file.parent().unwrap_or(src).to_path_buf(),
            _ => file.with_extension(""),
        };
        let mut reader = Reader {
            file: &file,
            module: module.clone(),
            tree: &mut tree,
            imports: &mut imports,
            files: Vec::new(),
            folder,
        };
        reader.items(&syntax.items);
        queue.extend(reader.files);
    }
    (tree, imports)
}

/// Walks one file: its modules, and every path in it.
struct Reader<'a> {
    file: &'a Path,
    module: ModulePath,
    folder: PathBuf,
    tree: &'a mut Tree,
    imports: &'a mut Vec<Import>,
    /// The child modules declared with `mod name;`, to read next.
    files: Vec<(PathBuf, ModulePath)>,
}

impl Reader<'_> {
    fn items(&mut self, items: &[syn::Item]) {
        self.tree.children.entry(self.module.clone()).or_default();
        for item in items {
            match item {
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    self.tree.children.entry(self.module.clone()).or_default().push(name.clone());
                    let mut child = self.module.clone();
                    child.push(name.clone());
                    match &m.content {
                        Some((_, inner)) => {
                            let outer = std::mem::replace(&mut self.module, child);
                            let inner_folder = self.folder.join(&name);
                            let folder = std::mem::replace(&mut self.folder, inner_folder);
                            self.items(inner);
                            self.module = outer;
                            self.folder = folder;
                        }
                        None => {
                            let flat = self.folder.join(format!("{name}.rs"));
                            let nested = self.folder.join(&name).join("mod.rs");
                            let path = if flat.is_file() { flat } else { nested };
                            self.files.push((path, child));
                        }
                    }
                }
                other => self.visit_item(other),
            }
        }
    }

    fn record(&mut self, segments: Vec<String>, line: usize, in_use: bool) {
        let Some(first) = segments.first() else { return };
        if !matches!(first.as_str(), "crate" | "super" | "self") {
            return;
        }
        let mut absolute = self.module.clone();
        let mut rest = segments.iter().peekable();
        if rest.peek().is_some_and(|s| *s == "crate") {
            absolute.clear();
            rest.next();
        }
        while let Some(s) = rest.peek() {
            match s.as_str() {
                "super" => {
                    absolute.pop();
                }
                "self" => {}
                _ => break,
            }
            rest.next();
        }
        absolute.extend(rest.cloned());
        self.imports.push(Import {
            file: self.file.to_path_buf(),
            line,
            from: self.module.clone(),
            written: segments.join("::"),
            absolute,
            in_use,
        });
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut path = prefix.clone();
                if n.ident != "self" {
                    path.push(n.ident.to_string());
                }
                self.record(path, n.ident.span().start().line, true);
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                path.push(r.ident.to_string());
                self.record(path, r.ident.span().start().line, true);
            }
            syn::UseTree::Glob(g) => {
                self.record(prefix.clone(), g.star_token.span.start().line, true)
            }
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Reader<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // Modules nested in other items (a function's) are rare; read them the same way.
        self.items(std::slice::from_ref(&syn::Item::Mod(m.clone())));
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = path.segments.first().map_or(0, |s| s.ident.span().start().line);
        self.record(segments, line, false);
        syn::visit::visit_path(self, path);
    }

    // `pub(super)` and `pub(in crate::x)` say who may see an item, not what it uses.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}
}

/// The module a path names: its longest prefix that is a module.
fn target(tree: &Tree, absolute: &[String]) -> ModulePath {
    (0..=absolute.len())
        .rev()
        .map(|n| absolute[..n].to_vec())
        .find(|p| tree.is_module(p))
        .unwrap_or_default()
}

/// The module a test module speaks for: the one above its first `tests`.
fn tested(module: &[String]) -> ModulePath {
    module.iter().take_while(|s| *s != "tests").cloned().collect()
}

/// Why `import` points up, if it does.
fn points_up(tree: &Tree, import: &Import) -> Option<String> {
    let from = tested(&import.from);
    let to = target(tree, &import.absolute);
    if to == from || to.starts_with(&from) {
        return None; // itself, or a descendant
    }
    if from.starts_with(&to) {
        return Some(format!("`{}` is an ancestor of `{}`", show(&to), show(&from)));
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let parent = &from[..common];
    let (mine, theirs) = (&from[common], &to[common]);
    match (tree.position(parent, mine), tree.position(parent, theirs)) {
        (Some(m), Some(t)) if t > m => None,
        _ => Some(format!(
            "`{theirs}` is declared before `{mine}` in `{}`: it sits above it",
            show(parent)
        )),
    }
}

fn show(module: &[String]) -> String {
    if module.is_empty() { "crate".into() } else { module.join("::") }
}

fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_import_of_the_xtask_points_down_to_a_descendant_or_a_later_sibling() {
    let (tree, mut imports) = read_crate(&source());
    imports.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let mut report = String::new();
    let (mut upward, mut to_ancestors) = (0, 0);
    for import in &imports {
        if let Some(why) = points_up(&tree, import) {
            upward += 1;
            to_ancestors += usize::from(why.contains("is an ancestor of"));
            let file = import.file.strip_prefix(source()).unwrap_or(&import.file);
            let _ = writeln!(
                report,
                "  src/{}:{}: `{}` uses `{}`: {why}",
                file.display(),
                import.line,
                show(&import.from),
                import.written
            );
        }
    }
    // The counts, for a reader comparing layouts (`cargo test -- --nocapture`).
    println!(
        "{} modules; {} `use` imports and {} other paths within the crate; {upward} point up \
         ({to_ancestors} to an ancestor, {} to a sibling above)",
        tree.children.len(),
        imports.iter().filter(|i| i.in_use).count(),
        imports.iter().filter(|i| !i.in_use).count(),
        upward - to_ancestors,
    );
    assert!(upward == 0, "{upward} paths point up:\n{report}");
}

#[test]
fn the_check_finds_an_upward_and_a_sideways_import_and_passes_a_downward_one() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    fs::write(src.join("main.rs"), "mod commands;\nmod shared;\nfn root() {}\n").unwrap();
    fs::create_dir_all(src.join("commands")).unwrap();
    fs::write(src.join("commands/mod.rs"), "mod figure;\nmod scene;\nuse self::scene::Setup;\n")
        .unwrap();
    fs::write(
        src.join("commands/figure.rs"),
        "use super::scene::Setup;\nuse crate::shared::workspace;\nfn f() { super::helper(); crate::root(); }\n\
         #[cfg(test)]\nmod tests { use super::*; }\n",
    )
    .unwrap();
    fs::write(src.join("commands/scene.rs"), "use super::figure::Thing;\n").unwrap();
    fs::write(src.join("shared.rs"), "use crate::commands::scene;\n").unwrap();
    let (tree, imports) = read_crate(src);
    let mut up: Vec<String> = imports
        .iter()
        .filter(|i| points_up(&tree, i).is_some())
        .map(|i| format!("{} -> {}", show(&i.from), i.written))
        .collect();
    up.sort();
    assert_eq!(
        up,
        [
            "commands::figure -> crate::root",         // the crate root
            "commands::figure -> super::helper",       // its parent
            "commands::scene -> super::figure::Thing", // a sibling above it
            "shared -> crate::commands::scene",        // a module above its parent
        ],
        "{imports:#?}"
    );
}

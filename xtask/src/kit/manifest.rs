//! The workspace manifest of a grading workspace: the course's `Cargo.toml` with
//! other members, edited in place (`toml_edit`) so that everything else in it,
//! comments included, stays as the course wrote it.

use anyhow::Context as _;
use toml_edit::{Array, DocumentMut, value};

/// The workspace manifest `text` with its members replaced by `members` and its
/// `default-members` dropped (all members are then the default).
pub fn with_members(text: &str, members: &[String]) -> anyhow::Result<String> {
    let mut manifest: DocumentMut =
        text.parse().context("cannot parse the workspace Cargo.toml")?;
    let workspace = manifest
        .get_mut("workspace")
        .and_then(|w| w.as_table_like_mut())
        .context("the Cargo.toml has no [workspace]")?;
    workspace.insert("members", value(members.iter().collect::<Array>()));
    workspace.remove("default-members");
    Ok(manifest.to_string())
}

/// The package manifest `text` with the path dependency `name = { path }`
/// among its dev-dependencies.
pub fn with_dev_dependency(text: &str, name: &str, path: &str) -> anyhow::Result<String> {
    let mut manifest: DocumentMut = text.parse().context("cannot parse the package Cargo.toml")?;
    let mut dependency = toml_edit::InlineTable::new();
    dependency.insert("path", path.into());
    let table = manifest
        .entry("dev-dependencies")
        .or_insert(toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()
        .context("[dev-dependencies] is not a table")?;
    table.insert(name, toml_edit::Item::Value(toml_edit::Value::InlineTable(dependency)));
    Ok(manifest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewriting_members_keeps_the_rest_of_the_manifest() {
        let text = "[workspace]\nmembers = [\"a\", \"x\"]\n# All but x.\ndefault-members = [\"a\"]\n\
                    \n# Shared versions.\n[workspace.dependencies]\napprox = \"0.5\" # the float checks\n";
        let rewritten = with_members(text, &["a".into(), "t".into()]).unwrap();
        assert_eq!(
            rewritten,
            "[workspace]\nmembers = [\"a\", \"t\"]\n\
             \n# Shared versions.\n[workspace.dependencies]\napprox = \"0.5\" # the float checks\n"
        );
    }

    #[test]
    fn a_manifest_without_a_workspace_is_refused() {
        let error = with_members("[package]\nname = \"a\"\n", &[]).unwrap_err();
        assert_eq!(error.to_string(), "the Cargo.toml has no [workspace]");
        assert!(with_members("[workspace", &[]).is_err());
    }
}

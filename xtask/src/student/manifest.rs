//! The student copy's workspace manifest and lock file without the xtask (which
//! a copy does not hold): the manifest edited in place (`toml_edit`), so that
//! its comments and layout stay as the course wrote them.

use std::path::Path;

use anyhow::{Context as _, bail};
use toml_edit::DocumentMut;

/// The workspace manifest without the xtask member.
pub fn without_xtask(manifest: &str) -> anyhow::Result<String> {
    let mut document: DocumentMut =
        manifest.parse().context("cannot parse the workspace Cargo.toml")?;
    let members = document
        .get_mut("workspace")
        .and_then(|w| w.get_mut("members"))
        .and_then(|m| m.as_array_mut());
    let Some(members) = members.filter(|m| m.iter().filter(|m| is_xtask(m)).count() == 1) else {
        bail!("expected one `members = [..., \"xtask\"]` line in the workspace Cargo.toml");
    };
    // The xtask and the crates inside it (the grader's verdict).
    members.retain(|m| !is_xtask(m) && !m.as_str().is_some_and(|m| m.starts_with("xtask/")));
    Ok(document.to_string())
}

fn is_xtask(member: &toml_edit::Value) -> bool {
    member.as_str() == Some("xtask")
}

/// Lets Cargo drop the xtask's packages from the lock file (offline; if that
/// fails the first build does it).
pub fn trim_lockfile(out: &Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let _ = std::process::Command::new(cargo)
        .args(["metadata", "--offline", "--format-version", "1"])
        .current_dir(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xtask_member_goes_and_everything_else_stays() {
        let text = "[workspace]\nresolver = \"3\"\n# The crates, the suite, the chores.\n\
                    members = [\"crates/*\", \"tests\", \"xtask\"] # all of them\n\
                    default-members = [\"tests\"]\n";
        assert_eq!(
            without_xtask(text).unwrap(),
            "[workspace]\nresolver = \"3\"\n# The crates, the suite, the chores.\n\
             members = [\"crates/*\", \"tests\"] # all of them\ndefault-members = [\"tests\"]\n"
        );
        let first = "[workspace]\nmembers = [\n    \"xtask\",\n    \"tests\",\n]\n";
        assert_eq!(without_xtask(first).unwrap(), "[workspace]\nmembers = [\n    \"tests\",\n]\n");
    }

    #[test]
    fn a_manifest_without_one_xtask_member_is_refused() {
        for text in ["[workspace]\nmembers = [\"tests\"]\n", "[package]\nname = \"a\"\n"] {
            let error = without_xtask(text).unwrap_err().to_string();
            assert!(error.starts_with("expected one `members"), "{error}");
        }
    }

    #[test]
    fn the_course_manifest_loses_only_its_xtask_member() {
        let root = crate::workspace::root();
        let text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let edited = without_xtask(&text).unwrap();
        let removed: Vec<_> = text.lines().filter(|l| !edited.lines().any(|e| e == *l)).collect();
        // The xtask and the grader's crates inside it, and nothing else.
        assert!(!removed.is_empty(), "{removed:?}");
        assert!(removed.iter().any(|l| l.contains("\"xtask\"")), "{removed:?}");
        assert!(removed.iter().all(|l| l.contains("\"xtask")), "{removed:?}");
    }
}

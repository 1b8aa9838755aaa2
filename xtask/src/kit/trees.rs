//! Folders copied and kept in step: a workspace is assembled from the course
//! and a submission by copying trees, and kept between builds by syncing them,
//! writing only the files whose content changed so that Cargo rebuilds only
//! what did.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;

/// Folder names never copied into a workspace.
const SKIPPED: &[&str] = &["target", ".git"];

/// Copies `from` into `to` recursively, skipping build outputs, version control,
/// and any path (relative to `from`) for which `skip` says so.
pub fn copy_tree(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) -> anyhow::Result<()> {
    copy_tree_inner(from, to, Path::new(""), skip)
}

fn copy_tree_inner(
    from: &Path,
    to: &Path,
    relative: &Path,
    skip: &dyn Fn(&Path) -> bool,
) -> anyhow::Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let mut entries: Vec<_> = fs::read_dir(from)
        .with_context(|| format!("cannot read {}", from.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let rel = relative.join(&name);
        if SKIPPED.iter().any(|s| name == *s) || skip(&rel) {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree_inner(&entry.path(), &to.join(&name), &rel, skip)?;
        } else if kind.is_file() {
            fs::copy(entry.path(), to.join(&name))
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Makes `to` hold exactly what `from` holds (but for build outputs, version
/// control and what `skip` names), writing only the files whose content differs:
/// an unchanged file keeps its modification time, so Cargo does not rebuild
/// what did not change. Returns the number of files written or removed.
pub fn sync_tree(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) -> anyhow::Result<usize> {
    sync_tree_inner(from, to, Path::new(""), skip)
}

fn sync_tree_inner(
    from: &Path,
    to: &Path,
    relative: &Path,
    skip: &dyn Fn(&Path) -> bool,
) -> anyhow::Result<usize> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let mut changed = 0;
    let mut wanted = std::collections::BTreeSet::new();
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let rel = relative.join(&name);
        if SKIPPED.iter().any(|s| name == *s) || skip(&rel) {
            continue;
        }
        let kind = entry.file_type()?;
        let target = to.join(&name);
        if kind.is_dir() {
            if target.is_file() {
                fs::remove_file(&target)?;
            }
            changed += sync_tree_inner(&entry.path(), &target, &rel, skip)?;
            wanted.insert(name);
        } else if kind.is_file() {
            if target.is_dir() {
                fs::remove_dir_all(&target)?;
            }
            changed += usize::from(write_if_changed(&entry.path(), &target)?);
            wanted.insert(name);
        }
    }
    for entry in fs::read_dir(to)? {
        let entry = entry?;
        let name = entry.file_name();
        if wanted.contains(&name) || skip(&relative.join(&name)) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
        changed += 1;
    }
    Ok(changed)
}

/// Copies `from` to `to` unless `to` already holds the same bytes; true if it wrote.
pub fn write_if_changed(from: &Path, to: &Path) -> anyhow::Result<bool> {
    let bytes = fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    write_bytes_if_changed(&bytes, to)
}

/// Writes `bytes` to `to` unless it already holds them; true if it wrote.
pub fn write_bytes_if_changed(bytes: &[u8], to: &Path) -> anyhow::Result<bool> {
    if fs::read(to).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(to, bytes).with_context(|| format!("cannot write {}", to.display()))?;
    Ok(true)
}

/// Every file under `dir`, recursively, sorted.
pub fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in
            fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))?
        {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if !SKIPPED.iter().any(|s| entry.file_name() == *s) {
                    stack.push(entry.path());
                }
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Sets the modification time of every file under `dir` to now.
pub fn touch_tree(dir: &Path) -> anyhow::Result<()> {
    let now = SystemTime::now();
    for file in files_under(dir)? {
        File::options().append(true).open(&file)?.set_modified(now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syncing_writes_only_what_changed_and_removes_what_went() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        for (file, text) in [("a/same.rs", "same"), ("a/new.rs", "new")] {
            let path = from.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        fs::create_dir_all(to.path().join("a/gone")).unwrap();
        fs::write(to.path().join("a/same.rs"), "same").unwrap();
        fs::write(to.path().join("a/gone/old.rs"), "old").unwrap();
        fs::write(to.path().join("kept"), "skipped").unwrap();
        let before = fs::metadata(to.path().join("a/same.rs")).unwrap().modified().unwrap();
        let changed = sync_tree(from.path(), to.path(), &|p| p == Path::new("kept")).unwrap();
        assert_eq!(changed, 2);
        let after = fs::metadata(to.path().join("a/same.rs")).unwrap().modified().unwrap();
        assert_eq!(before, after);
        assert_eq!(fs::read_to_string(to.path().join("a/new.rs")).unwrap(), "new");
        assert!(!to.path().join("a/gone").exists());
        assert!(to.path().join("kept").exists());
    }

    #[test]
    fn copying_skips_build_outputs_and_chosen_paths() {
        let from = tempfile::tempdir().unwrap();
        for file in ["a/keep.rs", "a/target/x", "b/drop.md", ".git/HEAD"] {
            let path = from.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        let to = tempfile::tempdir().unwrap();
        copy_tree(from.path(), to.path(), &|p| p == Path::new("b/drop.md")).unwrap();
        let copied: Vec<_> = files_under(to.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(to.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(copied, [PathBuf::from("a/keep.rs")]);
    }
}

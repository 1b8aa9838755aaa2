//! Where the course is: the root of the workspace the xtask belongs to, which
//! every command starts from.

use std::path::{Path, PathBuf};

/// The workspace root: the parent of this crate's folder.
pub fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

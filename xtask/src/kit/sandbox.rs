//! Workspaces assembled in temporary folders, and the one build folder they share.
//!
//! Every workspace the kit builds (a student copy, a grading workspace) has the
//! same layout as the course (`crates/gd`, `tests`, …). Cargo names build outputs
//! by package and path *relative to the workspace*, so two such workspaces share
//! artifact names: built into one target folder, one could pick up the other's
//! stale artifacts. The kit therefore builds them all in a target folder of its
//! own (`TARGET/kit`, never the course's), one at a time under a file lock
//! ([`super::lock`]), and touches every source file just before building so
//! that Cargo rebuilds the course's crates (the dependencies, proptest and
//! insta, stay compiled).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::lock::TargetLock;

/// The folder every kit build goes to: `$CARGO_TARGET_DIR/kit`, or `target/kit`
/// under the course's workspace.
pub fn kit_target_dir(course_root: &Path) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| course_root.join("target"));
    base.join("kit")
}

/// A `cargo` command run in `workspace` and building into `lock`'s folder.
pub fn cargo(workspace: &Path, lock: &TargetLock) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", &lock.dir)
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_MANIFEST_DIR");
    command
}

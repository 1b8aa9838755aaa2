//! Generated files (figures, sweep records) are replaced whole: a reader sees
//! the old file or the new one, never a part.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes `bytes` to a temporary file beside `path`, then renames it to `path`: a
/// reader sees the old file or the new one, never a part. On failure the temporary
/// file is removed (dropping it deletes it) and `path` is left as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::Builder::new()
        .prefix(".figure-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    #[cfg(unix)]
    {
        // A temporary file is private (0600); a figure is read by everyone.
        use std::os::unix::fs::PermissionsExt;
        file.as_file().set_permissions(fs::Permissions::from_mode(0o644))?;
    }
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// A committed JSON record of `cargo xtask sweeps` (`file`, relative to the
/// workspace), parsed; the error names the file and says to run the sweeps.
/// Each record's `load` keeps it in a `OnceLock`, so that it is read once.
pub fn read_committed<T: serde::de::DeserializeOwned>(file: &str) -> Result<T, String> {
    let path = crate::workspace::root().join(file);
    std::fs::read_to_string(&path)
        .map_err(|e| format!("reading {} (run `cargo xtask sweeps`): {e}", path.display()))
        .and_then(|text| {
            serde_json::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))
        })
}

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

use anyhow::{Context as _, bail};

use super::jail::{Jail, Jailed, View};
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

/// The toolchain a jailed build uses: the sysroot of the grader's `rustc`, its
/// `cargo`, and the registry's cache of downloaded crates.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// The sysroot (`rustc --print sysroot`).
    pub sysroot: PathBuf,
    /// Its `cargo`, or the grader's.
    pub cargo: PathBuf,
    /// Its `rustc`.
    pub rustc: PathBuf,
    /// `$CARGO_HOME/registry`, if it exists.
    pub registry: Option<PathBuf>,
}

impl Toolchain {
    /// The toolchain of this machine's `rustc` (as `RUSTC` or on the `PATH`).
    pub fn find() -> anyhow::Result<Self> {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let output = Command::new(&rustc)
            .args(["--print", "sysroot"])
            .output()
            .with_context(|| format!("cannot run {}", rustc.to_string_lossy()))?;
        let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if !output.status.success() || !sysroot.is_dir() {
            bail!("{} --print sysroot failed", rustc.to_string_lossy());
        }
        let cargo = match sysroot.join("bin/cargo") {
            own if own.is_file() => own,
            _ => std::env::var_os("CARGO").map(PathBuf::from).context("no cargo beside rustc")?,
        };
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
        let registry = cargo_home.map(|h| h.join("registry")).filter(|r| r.is_dir());
        Ok(Self { rustc: sysroot.join("bin/rustc"), cargo, sysroot, registry })
    }
}

/// Where a jailed build finds the registry: a `CARGO_HOME` of its own on the
/// jail's `/tmp`, with the host's registry cache mounted read-only in it.
const JAILED_CARGO_HOME: &str = "/tmp/cargo-home";

/// `cargo ARGS` run in `workspace` as user `uid`, building into `lock`'s
/// folder, in `jail`: it sees the toolchain (`/usr`, the Rust sysroot), the
/// registry's cache read-only, the workspace read-only but for its lock file,
/// and writes only the build folder; no network (`--offline`).
pub fn jailed_cargo(
    workspace: &Path,
    lock: &TargetLock,
    jail: &Jail,
    uid: u32,
    toolchain: &Toolchain,
    args: &[&str],
) -> anyhow::Result<Jailed> {
    if jail.powers().drop_user {
        own_tree(&lock.dir, uid)?;
    }
    let mut view = View {
        read_only: vec![
            "/usr".into(),
            "/etc/ld.so.cache".into(),
            "/etc/alternatives".into(),
            toolchain.sysroot.clone(),
            workspace.to_path_buf(),
        ],
        writable: vec![lock.dir.clone()],
        ..View::default()
    };
    // Cargo writes the lock file (new members, the verdict's crates): it is the
    // one file of the workspace the build may write. An empty one is a lock
    // file Cargo fills.
    let lockfile = workspace.join("Cargo.lock");
    if !lockfile.is_file() {
        std::fs::write(&lockfile, "")?;
    }
    if jail.powers().drop_user {
        own_tree(&lockfile, uid)?;
    }
    view.writable.push(lockfile);
    if let Some(registry) = &toolchain.registry {
        readable_by_all(registry)?;
        view.folders.push(JAILED_CARGO_HOME.into());
        view.read_only_at.push((registry.clone(), Path::new(JAILED_CARGO_HOME).join("registry")));
    }
    view.proc = true;
    let env: Vec<(&str, String)> = vec![
        ("CARGO_TARGET_DIR", lock.dir.display().to_string()),
        ("CARGO_TERM_COLOR", "never".into()),
        ("CARGO_HOME", JAILED_CARGO_HOME.into()),
        ("RUSTC", toolchain.rustc.display().to_string()),
        ("CARGO_NET_OFFLINE", "true".into()),
    ];
    let mut all_args = vec!["--offline"];
    all_args.extend(args);
    let mut jailed = jail.command_as(uid, &toolchain.cargo, &all_args, workspace, &env, &view)?;
    let path = format!("{}:/usr/bin:/bin", toolchain.sysroot.join("bin").display());
    jailed.command.env("PATH", path);
    Ok(jailed)
}

/// Makes the registry's cache readable by every user (some crates are packed
/// with files only their owner may read, and the build runs as another user);
/// once per process. The cache holds published crates, nothing private.
fn readable_by_all(registry: &Path) -> anyhow::Result<()> {
    static DONE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let done = DONE.get_or_init(|| {
        Command::new("chmod").args(["-R", "a+rX"]).arg(registry).status().is_ok_and(|s| s.success())
    });
    if !done {
        bail!("chmod -R a+rX {} failed", registry.display());
    }
    Ok(())
}

/// Makes `uid` the owner of `dir` (a folder, made if missing, or a file) and
/// everything in it, unless it already owns `dir`.
fn own_tree(dir: &Path, uid: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    if !dir.exists() {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::metadata(dir)?.uid() != uid {
        let status = Command::new("chown")
            .args(["-R", &format!("{uid}:{uid}")])
            .arg(dir)
            .status()
            .context("cannot run chown")?;
        if !status.success() {
            bail!("chown -R {uid} {} failed", dir.display());
        }
    }
    Ok(())
}

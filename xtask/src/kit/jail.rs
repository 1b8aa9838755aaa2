//! The locked-down run: every process of student code (each graded test, each
//! probe) and every build of a submission runs in a jail made with Debian's
//! `bubblewrap` (`bwrap`, the sandbox behind Flatpak), util-linux's `setpriv`
//! and `prlimit`, and a control group, as far as the machine allows.
//!
//! With root and `bwrap` (as on CI, Gradescope's image and this course's machines):
//!
//! - **namespaces of its own**: network (only a loopback that is down), PID
//!   (when the run ends, every process it left dies with the namespace), IPC (no
//!   SysV shared memory or message queue shared with another grading), UTS, and
//!   mount;
//! - **a root of its own** that shows only what the run needs ([`View`]): for a
//!   test, the grading workspace read-only, the test binary and the shared
//!   libraries it loads; for a build, also the toolchain, the registry's cache
//!   and the slot's build folder. No `/proc` (so no `/proc/self/fd`, see
//!   `descent-verdict`), a minimal `/dev`, and fresh, small tmpfs on `/tmp` and
//!   `/dev/shm`: the only places a test can write, gone when it ends. No host
//!   path is writable to a test; a build writes only its slot's build folder;
//! - **an unprivileged user id** of its own (one per concurrent test, one per
//!   slot for builds), with no new privileges;
//! - **one budget of memory and processes for the run and all its children**:
//!   a control group ([`cgroup`]), where the kernel has one;
//! - **resource limits per process**: CPU time, address space, file size,
//!   processes of its user, no core files;
//! - **an empty environment** but for what it needs (no tokens, no `CARGO_*`
//!   of the instructor, no `HOME` of the instructor).
//!
//! Without them it does what it can, and [`Jail::note`] says what was and was
//! not enforced; the report shows it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

pub mod cgroup;

/// The limits of one jailed run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// CPU seconds of each process (`RLIMIT_CPU`).
    pub cpu_seconds: u64,
    /// Address space of each process in bytes (`RLIMIT_AS`).
    pub memory_bytes: u64,
    /// Memory of the whole run, every process together (a control group).
    pub group_memory_bytes: u64,
    /// Largest file it may write, in bytes (`RLIMIT_FSIZE`).
    pub file_bytes: u64,
    /// Processes and threads of the whole run (`pids.max`, and `RLIMIT_NPROC`
    /// of its user).
    pub processes: u64,
    /// The size of each of its tmpfs (`/tmp`, `/dev/shm`), in bytes.
    pub tmp_bytes: u64,
}

impl Default for Limits {
    /// The limits of a graded test.
    fn default() -> Self {
        Self {
            cpu_seconds: 120,
            memory_bytes: 4 << 30,
            group_memory_bytes: 2 << 30,
            file_bytes: 64 << 20,
            processes: 64,
            tmp_bytes: 64 << 20,
        }
    }
}

impl Limits {
    /// The limits of a build: rustc and the linker need more memory and
    /// processes than a test, and write larger files, into the build folder.
    pub fn build() -> Self {
        Self {
            cpu_seconds: 3600,
            memory_bytes: 8 << 30,
            group_memory_bytes: 3 << 30,
            file_bytes: 1 << 30,
            processes: 512,
            tmp_bytes: 512 << 20,
        }
    }
}

/// What this machine lets the jail do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Powers {
    /// `bwrap` can make the namespaces and the root of its own (needs root).
    pub namespaces: bool,
    /// `setpriv` can switch to an unprivileged user id (needs root).
    pub drop_user: bool,
    /// `prlimit` is installed.
    pub rlimits: bool,
    /// A control group with the memory and pids controllers can be made.
    pub cgroup: bool,
}

/// What a jailed process sees of the host, besides its own `/tmp`, `/dev/shm`
/// and a minimal `/dev`; each path at its own place.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// Files and folders it may read.
    pub read_only: Vec<PathBuf>,
    /// Files and folders it may write (mounted over the read-only ones).
    pub writable: Vec<PathBuf>,
    /// Symbolic links to make at the root (`/bin` → `usr/bin`, …): (link, target).
    pub links: Vec<(PathBuf, PathBuf)>,
    /// Folders to make on its `/tmp`, writable by anyone (sticky).
    pub folders: Vec<PathBuf>,
    /// Host paths it may read at another place: (host, in the jail).
    pub read_only_at: Vec<(PathBuf, PathBuf)>,
    /// A `/proc` of its own PID namespace (a build needs it; a test must not
    /// have it, see `descent-verdict`).
    pub proc: bool,
    /// Paths inside what it may read that it must not see (hidden tests'
    /// sources): an empty file or folder is mounted over each.
    pub masked: Vec<PathBuf>,
}

impl View {
    /// What a test (or the probe) sees: the grading `workspace` read-only, and
    /// the `program` with the shared libraries it loads.
    pub fn test(workspace: &Path, program: &Path) -> Self {
        let mut read_only = vec![workspace.to_path_buf(), program.to_path_buf()];
        read_only.extend(shared_libraries(program));
        Self { read_only, ..Self::default() }
    }
}

/// The first user id handed to jailed runs; each concurrent run has its own.
const FIRST_UID: u32 = 61_000;
/// How many jailed runs may run at once.
const UIDS: u32 = 64;

/// The user ids free for jailed runs, shared by every jail of this process.
static FREE_UIDS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
/// Set once [`FREE_UIDS`] has been filled.
static UIDS_FILLED: std::sync::Once = std::sync::Once::new();

/// A way to run student code locked down.
#[derive(Debug)]
pub struct Jail {
    powers: Powers,
    limits: Limits,
    hierarchy: Option<cgroup::Hierarchy>,
}

/// A user id held by one jailed run, given back when dropped.
#[derive(Debug)]
pub struct Slot<'a> {
    _jail: &'a Jail,
    /// The user id.
    pub uid: u32,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Ok(mut free) = FREE_UIDS.lock() {
            free.push(self.uid);
        }
    }
}

/// A jailed command, and the control group its run is in (if any): read what
/// the run used from it after the run, and drop it to remove the group.
#[derive(Debug)]
pub struct Jailed {
    /// The command to run.
    pub command: Command,
    /// The run's control group.
    pub group: Option<cgroup::Group>,
}

impl Jailed {
    /// What the run used and ran into (all false without a control group).
    pub fn usage(&self) -> cgroup::Usage {
        self.group.as_ref().map(cgroup::Group::usage).unwrap_or_default()
    }
}

impl Jail {
    /// A jail with `limits`, using whatever this machine allows (tried, not assumed).
    pub fn probe(limits: Limits) -> Self {
        let works = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let namespaces = is_root()
            && works(
                "bwrap",
                &[
                    "--unshare-ipc",
                    "--unshare-pid",
                    "--unshare-net",
                    "--unshare-uts",
                    "--die-with-parent",
                    "--ro-bind",
                    "/",
                    "/",
                    "--",
                    "true",
                ],
            );
        let drop_user = is_root()
            && works(
                "setpriv",
                &[
                    "--reuid=61000",
                    "--regid=61000",
                    "--clear-groups",
                    "--no-new-privs",
                    "--",
                    "true",
                ],
            );
        let rlimits = works("prlimit", &["--cpu=10", "--", "true"]);
        let hierarchy = if is_root() { cgroup::Hierarchy::probe() } else { None };
        let mut jail = Self::with_powers(
            Powers { namespaces, drop_user, rlimits, cgroup: hierarchy.is_some() },
            limits,
        );
        jail.hierarchy = hierarchy;
        jail
    }

    /// A jail with the given powers (the tests use this to check the fallbacks;
    /// without a probed hierarchy it makes no control group).
    pub fn with_powers(powers: Powers, limits: Limits) -> Self {
        UIDS_FILLED.call_once(|| {
            if let Ok(mut free) = FREE_UIDS.lock() {
                free.extend((FIRST_UID..FIRST_UID + UIDS).rev());
            }
        });
        Self { powers, limits, hierarchy: None }
    }

    /// The same powers with other limits (the build's jail beside the tests').
    pub fn with_limits(&self, limits: Limits) -> Self {
        Self { powers: self.powers, limits, hierarchy: self.hierarchy.clone() }
    }

    /// What this jail can do.
    pub fn powers(&self) -> Powers {
        self.powers
    }

    /// Its limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// True if a test's verdict is out of the test's reach here: the run has a
    /// root of its own without `/proc`, as an unprivileged user.
    pub fn protects_the_verdict(&self) -> bool {
        self.powers.namespaces && self.powers.drop_user
    }

    /// Takes a user id for one run (waiting if all are taken).
    pub fn slot(&self) -> Slot<'_> {
        loop {
            if let Some(uid) = FREE_UIDS.lock().ok().and_then(|mut f| f.pop()) {
                return Slot { _jail: self, uid };
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// `program` with `args`, to run in `dir` as user `uid` (a run's
    /// [`Slot`], or a grading slot's build user), seeing `view`, locked down as
    /// far as this jail can; `env` is all of its environment besides `PATH`,
    /// `HOME` and `TMPDIR`.
    pub fn command_as(
        &self,
        uid: u32,
        program: &Path,
        args: &[&str],
        dir: &Path,
        env: &[(&str, String)],
        view: &View,
    ) -> anyhow::Result<Jailed> {
        let l = self.limits;
        let mut chain: Vec<String> = Vec::new();
        let group = match &self.hierarchy {
            Some(hierarchy) => {
                static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let name = format!("run-{}-{run}", std::process::id());
                let group =
                    cgroup::Group::create(hierarchy, &name, l.group_memory_bytes, l.processes)?;
                let files = group.procs_files();
                chain.extend(["sh".into(), "-c".into(), cgroup::Group::enter_script().into()]);
                chain.push("jail".into());
                chain.push(files.len().to_string());
                chain.extend(files.iter().map(|f| f.display().to_string()));
                Some(group)
            }
            None => None,
        };
        if self.powers.rlimits {
            chain.extend([
                "prlimit".into(),
                format!("--cpu={}", l.cpu_seconds),
                format!("--as={}", l.memory_bytes),
                format!("--fsize={}", l.file_bytes),
                "--core=0".into(),
            ]);
            if self.powers.drop_user {
                // Counted per user: meaningful only for a user of its own.
                chain.push(format!("--nproc={}", l.processes));
            }
            chain.push("--".into());
        }
        if self.powers.namespaces {
            chain.extend(self.bwrap(dir, view));
        }
        if self.powers.drop_user {
            chain.extend([
                "setpriv".into(),
                format!("--reuid={uid}"),
                format!("--regid={uid}"),
                "--clear-groups".into(),
                "--no-new-privs".into(),
                "--".into(),
            ]);
        }
        chain.push(program.display().to_string());
        chain.extend(args.iter().map(|a| a.to_string()));

        let mut command = Command::new(&chain[0]);
        command.args(&chain[1..]);
        // Its own process group, so that a time-out kills the whole group
        // (`run_with_limit`), namespaces or not.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let tmp = if self.powers.namespaces {
            "/tmp".to_string()
        } else {
            std::env::temp_dir().display().to_string()
        };
        command
            .current_dir(dir)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &tmp)
            .env("TMPDIR", &tmp);
        for (key, value) in env {
            command.env(key, value);
        }
        Ok(Jailed { command, group })
    }

    /// bwrap's part of the command line: the namespaces and the root of its own.
    fn bwrap(&self, dir: &Path, view: &View) -> Vec<String> {
        let mut args: Vec<String> = [
            "bwrap",
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--die-with-parent",
            "--new-session",
            "--hostname",
            "jail",
            "--dev",
            "/dev",
        ]
        .map(String::from)
        .into();
        let size = self.limits.tmp_bytes.to_string();
        for tmp in ["/tmp", "/dev/shm"] {
            args.extend(["--perms".into(), "1777".into(), "--size".into(), size.clone()]);
            args.extend(["--tmpfs".into(), tmp.into()]);
        }
        // The root's own links of a merged /usr (/lib → usr/lib, …), so that
        // the paths programs were linked with resolve as on the host.
        let mut links: Vec<(PathBuf, PathBuf)> = root_links();
        links.extend(view.links.iter().cloned());
        let mut read_only: BTreeSet<PathBuf> = BTreeSet::new();
        let mut tools = Vec::new();
        if self.powers.drop_user {
            tools.push(PathBuf::from("/usr/bin/setpriv"));
            tools.extend(shared_libraries(Path::new("/usr/bin/setpriv")));
        }
        for path in view.read_only.iter().chain(&tools) {
            let Ok(real) = path.canonicalize() else { continue };
            // A path through a link of the host (`/lib64/ld-linux…` →
            // `/usr/lib64/ld-linux…` → `/lib/x86_64-linux-gnu/ld-linux…`) is
            // made a link in the jail too.
            let mut through = under_root_links(path, &links);
            for _ in 0..8 {
                match std::fs::read_link(&through) {
                    Ok(target) if through != real => {
                        if !links.iter().any(|(l, _)| *l == through) {
                            links.push((through.clone(), target.clone()));
                        }
                        let parent = through.parent().unwrap_or(Path::new("/"));
                        through = under_root_links(&parent.join(target), &links);
                    }
                    _ => break,
                }
            }
            read_only.insert(real);
        }
        let writable: Vec<PathBuf> = view.writable.clone();
        let mounted: Vec<&PathBuf> = read_only.iter().chain(&writable).collect();
        // Every folder above a mount is made readable (bwrap would make it 0700).
        let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
        for path in &mounted {
            for ancestor in path.ancestors().skip(1) {
                let inside_a_mount = mounted.iter().any(|m| ancestor.starts_with(m));
                let special = [Path::new("/"), Path::new("/tmp")].contains(&ancestor)
                    || ancestor.starts_with("/dev");
                let a_link = links.iter().any(|(l, _)| ancestor.starts_with(l));
                if !inside_a_mount && !special && !a_link {
                    folders.insert(ancestor.to_path_buf());
                }
            }
        }
        let at_root = |link: &Path| link.parent() == Some(Path::new("/"));
        for (link, _) in links.iter().filter(|(l, _)| !at_root(l)) {
            for ancestor in link.ancestors().skip(1) {
                let inside_a_mount = mounted.iter().any(|m| ancestor.starts_with(m));
                if !inside_a_mount && ancestor != Path::new("/") && !ancestor.starts_with("/tmp") {
                    folders.insert(ancestor.to_path_buf());
                }
            }
        }
        for (link, target) in links.iter().filter(|(l, _)| at_root(l)) {
            args.extend(["--symlink".into(), target.display().to_string()]);
            args.push(link.display().to_string());
        }
        // Sorted by path, so that a folder comes before what is in it.
        for folder in &folders {
            args.extend(["--perms".into(), "0755".into(), "--dir".into()]);
            args.push(folder.display().to_string());
        }
        for (link, target) in links.iter().filter(|(l, _)| !at_root(l)) {
            args.extend(["--symlink".into(), target.display().to_string()]);
            args.push(link.display().to_string());
        }
        for path in &read_only {
            if path.exists() {
                let shown = path.display().to_string();
                args.extend(["--ro-bind".into(), shown.clone(), shown]);
            }
        }
        for path in &writable {
            let shown = path.display().to_string();
            args.extend(["--bind".into(), shown.clone(), shown]);
        }
        for folder in &view.folders {
            args.extend(["--perms".into(), "1777".into(), "--dir".into()]);
            args.push(folder.display().to_string());
        }
        for (host, inside) in &view.read_only_at {
            args.extend(["--ro-bind".into(), host.display().to_string()]);
            args.push(inside.display().to_string());
        }
        for path in &view.masked {
            let shown = path.display().to_string();
            if path.is_dir() {
                args.extend(["--tmpfs".into(), shown]);
            } else if path.exists() {
                args.extend(["--ro-bind".into(), "/dev/null".into(), shown]);
            }
        }
        if view.proc {
            args.extend(["--proc".into(), "/proc".into()]);
        }
        args.extend(["--chdir".into(), dir.display().to_string(), "--".into()]);
        args
    }

    /// What is enforced, and what is not, one sentence each.
    pub fn note(&self) -> (Vec<String>, Vec<String>) {
        let mut enforced = Vec::new();
        let mut not = Vec::new();
        let l = self.limits;
        if self.powers.namespaces {
            enforced.push(
                "namespaces of its own (bubblewrap): no network, no process of another run visible, \
                 no SysV IPC shared with another grading, every process it starts dies with it"
                    .to_string(),
            );
            enforced.push(format!(
                "a root of its own: the grading workspace read-only, no /proc, no other host path; \
                 it writes only to fresh {} MiB tmpfs on /tmp and /dev/shm",
                l.tmp_bytes >> 20
            ));
        } else {
            not.push("namespaces: bubblewrap (bwrap) is not installed or this is not root, so the tests can reach the network, other runs and the host's files".to_string());
            not.push("stray processes: killed by process group only; a process that leaves its group survives the time limit".to_string());
            not.push("writes: /tmp and the grader's user's files stay writable".to_string());
        }
        if self.powers.drop_user {
            enforced.push("an unprivileged user of its own, with no new privileges".to_string());
        } else {
            not.push("an unprivileged user: it runs as the grader's own user".to_string());
        }
        if self.protects_the_verdict() {
            enforced.push(
                "the verdict: only the graded suite's own code, after the test's body returned, \
                 can write it (the code under test has no /proc and no unsafe to reach it)"
                    .to_string(),
            );
        } else {
            not.push(
                "the verdict: without the jail's root and user, /proc/self/fd reaches the verdict \
                 channel, so a test could forge its own pass"
                    .to_string(),
            );
        }
        if self.powers.cgroup {
            enforced.push(format!(
                "one budget for the run and all its children (a control group): {} MiB of memory, \
                 {} processes and threads",
                l.group_memory_bytes >> 20,
                l.processes
            ));
        } else {
            not.push("one budget of memory and processes for a run and its children: no control group with the memory and pids controllers can be made here; the per-process limits stand in".to_string());
        }
        if self.powers.rlimits {
            enforced.push(format!(
                "limits per process: {} s of CPU time, {} MiB of address space, {} MiB per file written, no core files",
                l.cpu_seconds,
                l.memory_bytes >> 20,
                l.file_bytes >> 20
            ));
            if self.powers.drop_user {
                enforced.push(format!("at most {} processes and threads of its user", l.processes));
            } else {
                not.push("a process limit: RLIMIT_NPROC counts the grader's own user".to_string());
            }
        } else {
            not.push("resource limits: prlimit (util-linux) is not installed".to_string());
        }
        (enforced, not)
    }
}

/// The links at the root of this machine's file system that point into `/usr`
/// (a merged `/usr`: `/bin` → `usr/bin`, `/lib` → `usr/lib`, …).
fn root_links() -> Vec<(PathBuf, PathBuf)> {
    ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]
        .iter()
        .filter_map(|name| {
            let link = Path::new("/").join(name);
            let target = std::fs::read_link(&link).ok()?;
            Some((link, target))
        })
        .collect()
}

/// `path` with a leading link of `links` replaced by where it points.
fn under_root_links(path: &Path, links: &[(PathBuf, PathBuf)]) -> PathBuf {
    for (link, target) in links {
        if let Ok(rest) = path.strip_prefix(link) {
            let parent = link.parent().unwrap_or(Path::new("/"));
            return parent.join(target).join(rest);
        }
    }
    path.to_path_buf()
}

/// The shared libraries `program` loads (its dynamic loader included), as
/// `ldd` lists them; none for a static program or where `ldd` is missing.
pub fn shared_libraries(program: &Path) -> Vec<PathBuf> {
    type Known = std::collections::HashMap<(PathBuf, Option<std::time::SystemTime>), Vec<PathBuf>>;
    static KNOWN: Mutex<Option<Known>> = Mutex::new(None);
    // Asked once per program and build of it: every test of a grading runs
    // the same binary.
    let key = (program.to_path_buf(), std::fs::metadata(program).and_then(|m| m.modified()).ok());
    if let Some(known) =
        KNOWN.lock().ok().and_then(|k| k.as_ref().and_then(|k| k.get(&key).cloned()))
    {
        return known;
    }
    let found = ask_ldd(program);
    if let Ok(mut known) = KNOWN.lock() {
        known.get_or_insert_with(Known::new).insert(key, found.clone());
    }
    found
}

/// What `ldd` lists for `program`.
fn ask_ldd(program: &Path) -> Vec<PathBuf> {
    let Ok(output) = Command::new("ldd").arg(program).env_clear().output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let path = match line.split_once("=>") {
                Some((_, right)) => right.split_whitespace().next()?,
                None => line.split_whitespace().next()?,
            };
            path.starts_with('/').then(|| PathBuf::from(path))
        })
        .collect()
}

/// True if this process runs as root (its `/proc/self` belongs to user 0).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(test)]
mod tests;

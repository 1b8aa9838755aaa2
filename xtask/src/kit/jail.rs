//! The locked-down run: every process of student code (each graded test, each
//! probe) runs in a jail built from util-linux's `unshare`, `prlimit` and
//! `setpriv`, as far as the machine allows.
//!
//! With root (as on CI, Gradescope's containers and this course's machines):
//!
//! - a new **network namespace** (only a loopback that is down: no network);
//! - a new **PID namespace** whose first process is a shell that waits for the
//!   test: when the test ends or is killed, every process it left (a fork bomb's)
//!   dies with the namespace;
//! - a new **mount namespace** with fresh, small tmpfs on `/tmp`, `/var/tmp` and
//!   `/dev/shm`: the only places it can write, gone when it ends;
//! - an **unprivileged user id** of its own (one per concurrent run), so that the
//!   instructor's files (tests, snapshots, rubric, the built binaries), owned by
//!   root, are read-only to it, and its process count is its own;
//! - **resource limits**: CPU time, address space (memory), file size, number of
//!   processes, no core files;
//! - an **empty environment** but for what the test needs (no tokens, no
//!   `CARGO_*`, no `HOME` of the instructor).
//!
//! Without root, or without util-linux, it does what it can and [`Jail::note`]
//! says what was and was not enforced; the report shows it.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// The deepest folder that holds both `program` and `dir` (both absolute).
fn common_ancestor(program: &Path, dir: &Path) -> std::path::PathBuf {
    let folder = program.parent().unwrap_or(program);
    folder.components().zip(dir.components()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
}

/// The limits of one jailed process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// CPU seconds (`RLIMIT_CPU`).
    pub cpu_seconds: u64,
    /// Address space in bytes (`RLIMIT_AS`).
    pub memory_bytes: u64,
    /// Largest file it may write, in bytes (`RLIMIT_FSIZE`).
    pub file_bytes: u64,
    /// Processes and threads of its user (`RLIMIT_NPROC`).
    pub processes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { cpu_seconds: 120, memory_bytes: 4 << 30, file_bytes: 64 << 20, processes: 64 }
    }
}

/// What this machine lets the jail do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Powers {
    /// `unshare` can make network, PID and mount namespaces (needs root).
    pub namespaces: bool,
    /// `setpriv` can switch to an unprivileged user id (needs root).
    pub drop_user: bool,
    /// `prlimit` is installed.
    pub rlimits: bool,
}

/// The first user id handed to jailed runs; each concurrent run has its own.
const FIRST_UID: u32 = 61_000;
/// How many jailed runs may run at once.
const UIDS: u32 = 64;

/// A way to run student code locked down.
#[derive(Debug)]
pub struct Jail {
    powers: Powers,
    limits: Limits,
    free: Mutex<Vec<u32>>,
}

/// A user id held by one jailed run, given back when dropped.
#[derive(Debug)]
pub struct Slot<'a> {
    jail: &'a Jail,
    /// The user id.
    pub uid: u32,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Ok(mut free) = self.jail.free.lock() {
            free.push(self.uid);
        }
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
                "unshare",
                &[
                    "--net",
                    "--pid",
                    "--fork",
                    "--kill-child",
                    "--mount",
                    "--mount-proc",
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
        Self::with_powers(Powers { namespaces, drop_user, rlimits }, limits)
    }

    /// A jail with the given powers (the tests use this to check the fallbacks).
    pub fn with_powers(powers: Powers, limits: Limits) -> Self {
        Self { powers, limits, free: Mutex::new((FIRST_UID..FIRST_UID + UIDS).rev().collect()) }
    }

    /// What this jail can do.
    pub fn powers(&self) -> Powers {
        self.powers
    }

    /// Takes a user id for one run (waiting if all are taken).
    pub fn slot(&self) -> Slot<'_> {
        loop {
            if let Some(uid) = self.free.lock().ok().and_then(|mut f| f.pop()) {
                return Slot { jail: self, uid };
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// `program` with `args`, to run in `dir`, locked down as far as this jail
    /// can; `env` is all of its environment besides `PATH`, `HOME` and `TMPDIR`.
    pub fn command(
        &self,
        slot: &Slot<'_>,
        program: &Path,
        args: &[&str],
        dir: &Path,
        env: &[(&str, String)],
    ) -> Command {
        let mut inner: Vec<String> = Vec::new();
        if self.powers.rlimits {
            let l = self.limits;
            inner.extend([
                "prlimit".into(),
                format!("--cpu={}", l.cpu_seconds),
                format!("--as={}", l.memory_bytes),
                format!("--fsize={}", l.file_bytes),
                "--core=0".into(),
            ]);
            if self.powers.drop_user {
                // Counted per user: meaningful only for a user of its own.
                inner.push(format!("--nproc={}", l.processes));
            }
            inner.push("--".into());
        }
        if self.powers.drop_user {
            inner.extend([
                "setpriv".into(),
                format!("--reuid={}", slot.uid),
                format!("--regid={}", slot.uid),
                "--clear-groups".into(),
                "--no-new-privs".into(),
                "--".into(),
            ]);
        }
        inner.push(program.display().to_string());
        inner.extend(args.iter().map(|a| a.to_string()));

        let mut command = if self.powers.namespaces {
            // The shell is the namespace's first process: it mounts the private
            // temporary folders, runs the test as its child (so that signals and
            // crashes behave as usual) and exits with its status; when it exits,
            // the kernel kills whatever the test left behind.
            //
            // The course may itself live under one of those folders (a clone in
            // /tmp): the folder that holds the test and its working directory is
            // then opened before the tmpfs hides it, and bound back at its own
            // path inside the fresh tmpfs, so that the test finds its files and
            // everything else there stays private.
            let script = "keep=$1; shift; exec 3<\"$keep\" || exit 125; \
                          for d in /tmp /var/tmp /dev/shm; do \
                            mount -t tmpfs -o size=64m,mode=1777,nosuid,nodev tmpfs \"$d\" || exit 125; \
                            case \"$keep/\" in \"$d\"/*) \
                              mkdir -p \"$keep\" && mount --no-canonicalize --bind /proc/self/fd/3 \"$keep\" || exit 125;; \
                            esac; \
                          done; exec 3<&-; \"$@\"; exit $?";
            let keep = common_ancestor(program, dir);
            let mut c = Command::new("unshare");
            c.args(["--net", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--"]);
            c.args(["sh", "-c", script, "jail"]);
            c.arg(keep);
            c.args(&inner);
            c
        } else {
            let mut c = Command::new(&inner[0]);
            c.args(&inner[1..]);
            c
        };
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
        command
    }

    /// What is enforced, and what is not, one sentence each.
    pub fn note(&self) -> (Vec<String>, Vec<String>) {
        let mut enforced = Vec::new();
        let mut not = Vec::new();
        let l = self.limits;
        if self.powers.namespaces {
            enforced.push("no network: a network namespace of its own".to_string());
            enforced.push(
                "every process it starts dies with it: a PID namespace of its own".to_string(),
            );
            enforced.push(
                "it writes only to fresh 64 MiB tmpfs on /tmp, /var/tmp and /dev/shm: a mount namespace of its own"
                    .to_string(),
            );
        } else {
            not.push("network: no namespaces without root (unshare failed), so the tests can reach the network".to_string());
            not.push("stray processes: killed by process group only; a process that leaves its group survives the time limit".to_string());
            not.push("writes: /tmp and the grader's user's files stay writable".to_string());
        }
        if self.powers.drop_user {
            enforced.push(
                "the instructor's tests, snapshots, rubric and binaries are read-only: it runs as an unprivileged user of its own"
                    .to_string(),
            );
        } else {
            not.push("read-only instructor files: it runs as the grader's own user".to_string());
        }
        if self.powers.rlimits {
            enforced.push(format!(
                "limits: {} s of CPU time, {} GiB of address space, {} MiB per file written, no core files",
                l.cpu_seconds,
                l.memory_bytes >> 30,
                l.file_bytes >> 20
            ));
            if self.powers.drop_user {
                enforced.push(format!("at most {} processes and threads", l.processes));
            } else {
                not.push("a process limit: RLIMIT_NPROC counts the grader's own user".to_string());
            }
        } else {
            not.push("resource limits: prlimit (util-linux) is not installed".to_string());
        }
        not.push(
            "the build: the compiler runs as the grader (include_str! of any readable file compiles); flagged in the source scan instead"
                .to_string(),
        );
        not.push("memory as resident pages: a memory cgroup is not used; the address-space limit stands in".to_string());
        (enforced, not)
    }
}

/// True if this process runs as root (its `/proc/self` belongs to user 0).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(test)]
mod tests;

//! One memory and process budget for a jailed run and every process it starts:
//! a control group of its own, where the kernel has the controllers and this
//! process may create groups (root). cgroup v1 (`memory` and `pids` hierarchies,
//! as on this course's machines) and cgroup v2 (one unified hierarchy with both
//! controllers, as on most current systems) are both used; elsewhere the jail
//! says that it could not.
//!
//! The run enters its group before it executes anything: the jail's first
//! process is a shell that writes its own pid into the group's `cgroup.procs`
//! files, then `exec`s the rest ([`Group::enter_script`]).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the groups are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hierarchy {
    /// cgroup v1: the parent folders in the `memory` and `pids` hierarchies.
    V1 {
        /// `…/memory/descent`.
        memory: PathBuf,
        /// `…/pids/descent`.
        pids: PathBuf,
    },
    /// cgroup v2: the parent folder, with both controllers on for its children.
    V2 {
        /// `…/descent`.
        parent: PathBuf,
    },
}

impl Hierarchy {
    /// The hierarchy this machine lets us use, tried, not assumed: `None` if no
    /// group with both controllers can be made here.
    pub fn probe() -> Option<Self> {
        let base = Path::new("/sys/fs/cgroup");
        let v1 = Self::V1 { memory: base.join("memory/descent"), pids: base.join("pids/descent") };
        if base.join("memory/cgroup.procs").is_file()
            && base.join("pids/cgroup.procs").is_file()
            && v1.prepare().is_ok()
            && v1.works()
        {
            return Some(v1);
        }
        let controllers = fs::read_to_string(base.join("cgroup.controllers")).unwrap_or_default();
        if controllers.split_whitespace().any(|c| c == "memory")
            && controllers.split_whitespace().any(|c| c == "pids")
        {
            let v2 = Self::V2 { parent: base.join("descent") };
            if v2.prepare().is_ok() && v2.works() {
                return Some(v2);
            }
        }
        None
    }

    /// Makes the parent groups (and, in v2, turns the controllers on below them).
    fn prepare(&self) -> std::io::Result<()> {
        match self {
            Self::V1 { memory, pids } => {
                fs::create_dir_all(memory)?;
                fs::create_dir_all(pids)
            }
            Self::V2 { parent } => {
                let root = parent.parent().unwrap_or(Path::new("/sys/fs/cgroup"));
                fs::write(root.join("cgroup.subtree_control"), "+memory +pids")?;
                fs::create_dir_all(parent)?;
                fs::write(parent.join("cgroup.subtree_control"), "+memory +pids")
            }
        }
    }

    /// True if a group can be made, limited and removed here.
    fn works(&self) -> bool {
        let name = format!("probe-{}", std::process::id());
        match Group::create(self, &name, 64 << 20, 8) {
            Ok(group) => {
                drop(group);
                true
            }
            Err(_) => false,
        }
    }
}

/// One run's group: its limits are on from creation; dropping it kills what is
/// left in it and removes it.
#[derive(Debug)]
pub struct Group {
    /// The group's folders (one per hierarchy in v1, one in v2).
    dirs: Vec<PathBuf>,
    /// Which version.
    v2: bool,
}

/// What a group saw of its run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// The memory budget ran out and the kernel killed a process of the run.
    pub out_of_memory: bool,
    /// A process could not be started: the budget of processes ran out.
    pub out_of_processes: bool,
    /// The most memory the run held at once, in bytes (0 if unknown).
    pub peak_bytes: u64,
}

impl Group {
    /// Makes the group `name` with `memory_bytes` of memory (swap included) and
    /// at most `processes` processes and threads for the whole run.
    pub fn create(
        hierarchy: &Hierarchy,
        name: &str,
        memory_bytes: u64,
        processes: u64,
    ) -> std::io::Result<Self> {
        let group = match hierarchy {
            Hierarchy::V1 { memory, pids } => {
                Self { dirs: vec![memory.join(name), pids.join(name)], v2: false }
            }
            Hierarchy::V2 { parent } => Self { dirs: vec![parent.join(name)], v2: true },
        };
        for dir in &group.dirs {
            // A group of that name left by a grader that was killed: empty it.
            if dir.is_dir() {
                kill_and_remove(dir, group.v2);
            }
            fs::create_dir(dir)?;
        }
        if group.v2 {
            let dir = &group.dirs[0];
            fs::write(dir.join("memory.max"), memory_bytes.to_string())?;
            // No swap on top of the budget, where the kernel has swap accounting.
            let _ = fs::write(dir.join("memory.swap.max"), "0");
            fs::write(dir.join("pids.max"), processes.to_string())?;
        } else {
            fs::write(group.dirs[0].join("memory.limit_in_bytes"), memory_bytes.to_string())?;
            let _ = fs::write(
                group.dirs[0].join("memory.memsw.limit_in_bytes"),
                memory_bytes.to_string(),
            );
            fs::write(group.dirs[1].join("pids.max"), processes.to_string())?;
        }
        Ok(group)
    }

    /// The `cgroup.procs` files the run's first process writes its pid into.
    pub fn procs_files(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }

    /// A shell script for `sh -c SCRIPT jail N FILE… COMMAND…`: it writes its
    /// own pid into the N files, then executes the command (exit 125 if it
    /// cannot enter the group).
    pub fn enter_script() -> &'static str {
        "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift; n=$((n-1)); \
         done; exec \"$@\""
    }

    /// What the run used and ran into, read after it ended.
    pub fn usage(&self) -> Usage {
        let read = |dir: &Path, file: &str| fs::read_to_string(dir.join(file)).unwrap_or_default();
        let count = |text: &str, key: &str| {
            text.lines()
                .filter_map(|l| l.split_once(' '))
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| v.trim().parse::<u64>().ok())
                .unwrap_or(0)
        };
        if self.v2 {
            let dir = &self.dirs[0];
            Usage {
                out_of_memory: count(&read(dir, "memory.events"), "oom_kill") > 0,
                out_of_processes: count(&read(dir, "pids.events"), "max") > 0,
                peak_bytes: read(dir, "memory.peak").trim().parse().unwrap_or(0),
            }
        } else {
            let (memory, pids) = (&self.dirs[0], &self.dirs[1]);
            let control = read(memory, "memory.oom_control");
            Usage {
                out_of_memory: count(&control, "oom_kill") > 0,
                out_of_processes: count(&read(pids, "pids.events"), "max") > 0,
                peak_bytes: read(memory, "memory.max_usage_in_bytes").trim().parse().unwrap_or(0),
            }
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        for dir in &self.dirs {
            kill_and_remove(dir, self.v2);
        }
    }
}

/// Kills every process left in the group at `dir`, then removes the group
/// (retrying while the kernel finishes the kills).
fn kill_and_remove(dir: &Path, v2: bool) {
    for _ in 0..100 {
        if v2 {
            let _ = fs::write(dir.join("cgroup.kill"), "1");
        } else {
            let procs = fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
            for pid in procs.split_whitespace() {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", pid])
                    .stderr(std::process::Stdio::null())
                    .status();
            }
        }
        if fs::remove_dir(dir).is_ok() || !dir.exists() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

//! The jail's fallbacks say what they do not enforce; with root, what it does is
//! proven on real processes (the hostile submissions are in `grade::tests` and
//! in the red-team suite).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Jail, Limits, Powers, View, is_root};
use crate::kit::process::run_with_limit;

/// A view with the host's programs (`/usr`) read-only, for shell scripts.
fn with_programs(folder: &Path) -> View {
    View { read_only: vec!["/usr".into(), folder.to_path_buf()], ..View::default() }
}

#[test]
fn without_powers_the_note_says_what_is_not_enforced() {
    let jail = Jail::with_powers(
        Powers { namespaces: false, drop_user: false, rlimits: false, cgroup: false },
        Limits::default(),
    );
    let (enforced, not) = jail.note();
    assert!(enforced.is_empty(), "{enforced:?}");
    for word in ["namespaces", "unprivileged user", "the verdict", "resource limits", "budget"] {
        assert!(not.iter().any(|n| n.contains(word)), "{word}: {not:?}");
    }
    assert!(!jail.protects_the_verdict());
}

#[test]
fn a_jailed_process_gets_only_the_environment_it_is_given() {
    let jail = Jail::probe(Limits::default());
    let slot = jail.slot();
    let folder = tempfile::tempdir().unwrap();
    let env = Path::new("/usr/bin/env");
    let view = View::test(folder.path(), env);
    let mut jailed = jail
        .command_as(slot.uid, env, &[], folder.path(), &[("CI", "true".to_string())], &view)
        .unwrap();
    let finished = run_with_limit(&mut jailed.command, Duration::from_secs(30)).unwrap();
    let mut keys: Vec<&str> =
        finished.stdout.lines().filter_map(|l| l.split_once('=').map(|(k, _)| k)).collect();
    keys.sort_unstable();
    keys.retain(|k| *k != "PWD");
    assert_eq!(keys, ["CI", "HOME", "PATH", "TMPDIR"], "{}", finished.stderr);
}

#[test]
fn as_root_the_jail_shows_only_its_view_and_runs_as_its_own_user() {
    if !is_root() {
        eprintln!("not root: the namespaces and the user switch are not tried here");
        return;
    }
    let jail = Jail::probe(Limits::default());
    let powers = jail.powers();
    assert!(powers.namespaces && powers.drop_user && powers.rlimits, "{powers:?}");
    assert!(jail.protects_the_verdict());
    let slot = jail.slot();
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("snapshot"), "the instructor's file\n").unwrap();
    let course = crate::workspace::root();
    let marker = format!("descent-jail-{}", std::process::id());
    let script = format!(
        "id -u; hostname; cat snapshot; echo x > /tmp/{marker} && echo wrote-tmp; \
         echo x > snapshot 2>/dev/null || echo read-only; \
         ls /proc >/dev/null 2>&1 || echo no-proc; \
         ls {course} >/dev/null 2>&1 || echo no-course; \
         ls /etc >/dev/null 2>&1 || echo no-etc; ulimit -v",
        course = course.display()
    );
    let mut jailed = jail
        .command_as(
            slot.uid,
            Path::new("/bin/sh"),
            &["-c", &script],
            folder.path(),
            &[],
            &with_programs(folder.path()),
        )
        .unwrap();
    let finished = run_with_limit(&mut jailed.command, Duration::from_secs(30)).unwrap();
    let lines: Vec<&str> = finished.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            slot.uid.to_string().as_str(),
            "jail",
            "the instructor's file",
            "wrote-tmp",
            "read-only",
            "no-proc",
            "no-course",
            "no-etc",
            (Limits::default().memory_bytes / 1024).to_string().as_str(),
        ],
        "{finished:?}"
    );
    // The write to /tmp went to the jail's own tmpfs.
    assert!(!Path::new("/tmp").join(&marker).exists());
}

#[test]
fn as_root_a_run_and_its_children_share_one_memory_budget() {
    if !is_root() {
        eprintln!("not root: control groups are not tried here");
        return;
    }
    let limits = Limits { group_memory_bytes: 128 << 20, ..Limits::default() };
    let jail = Jail::probe(limits);
    if !jail.powers().cgroup {
        eprintln!("no control group with memory and pids here: the budget is not tried");
        return;
    }
    let slot = jail.slot();
    let folder = tempfile::tempdir().unwrap();
    // Three children of 64 MiB each: each is below any per-process limit,
    // together they are above the run's budget. `tail` keeps its whole input
    // when the input has no line break.
    let script = "for i in 1 2 3; do head -c 64M /dev/zero | tail -c 64M > /dev/null & done; wait";
    let mut jailed = jail
        .command_as(
            slot.uid,
            Path::new("/bin/sh"),
            &["-c", script],
            folder.path(),
            &[],
            &with_programs(folder.path()),
        )
        .unwrap();
    let finished = run_with_limit(&mut jailed.command, Duration::from_secs(60)).unwrap();
    let usage = jailed.usage();
    assert!(usage.out_of_memory, "{usage:?} {finished:?}");
    assert!(usage.peak_bytes <= 128 << 20, "{usage:?}");
    let groups: Vec<PathBuf> = jailed.group.as_ref().unwrap().procs_files();
    drop(jailed);
    for procs in groups {
        assert!(!procs.exists(), "{} is left behind", procs.display());
    }
}

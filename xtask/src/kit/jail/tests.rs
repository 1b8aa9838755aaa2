//! The jail's fallbacks say what they do not enforce; with root, what it does is
//! proven on real processes (the hostile submissions are in `grade::tests`).

use std::path::Path;
use std::time::Duration;

use super::{Jail, Limits, Powers, is_root};
use crate::kit::sandbox::run_with_limit;

#[test]
fn without_powers_the_note_says_what_is_not_enforced() {
    let jail = Jail::with_powers(
        Powers { namespaces: false, drop_user: false, rlimits: false },
        Limits::default(),
    );
    let (enforced, not) = jail.note();
    assert!(enforced.is_empty(), "{enforced:?}");
    for word in ["network", "read-only", "resource limits", "the build"] {
        assert!(not.iter().any(|n| n.contains(word)), "{word}: {not:?}");
    }
}

#[test]
fn a_jailed_process_gets_only_the_environment_it_is_given() {
    let jail = Jail::probe(Limits::default());
    let slot = jail.slot();
    let mut command = jail.command(
        &slot,
        Path::new("/usr/bin/env"),
        &[],
        Path::new("/"),
        &[("CI", "true".to_string())],
    );
    let finished = run_with_limit(&mut command, Duration::from_secs(30)).unwrap();
    let mut keys: Vec<&str> =
        finished.stdout.lines().filter_map(|l| l.split_once('=').map(|(k, _)| k)).collect();
    keys.sort_unstable();
    keys.retain(|k| *k != "PWD");
    assert_eq!(keys, ["CI", "HOME", "PATH", "TMPDIR"], "{}", finished.stderr);
}

#[test]
fn as_root_the_jail_has_no_network_a_private_tmp_and_its_own_user() {
    if !is_root() {
        eprintln!("not root: the namespaces and the user switch are not tried here");
        return;
    }
    let jail = Jail::probe(Limits::default());
    let powers = jail.powers();
    assert!(powers.namespaces && powers.drop_user && powers.rlimits, "{powers:?}");
    let slot = jail.slot();
    let marker = format!("descent-jail-{}", std::process::id());
    let script = format!(
        "id -u; cat /proc/net/dev | grep -c ':' ; echo x > /tmp/{marker} && echo wrote-tmp; \
         echo x > /{marker} 2>/dev/null || echo no-root-write; ulimit -v"
    );
    let mut command =
        jail.command(&slot, Path::new("/bin/sh"), &["-c", &script], Path::new("/"), &[]);
    let finished = run_with_limit(&mut command, Duration::from_secs(30)).unwrap();
    let lines: Vec<&str> = finished.stdout.lines().collect();
    assert_eq!(lines[0], slot.uid.to_string(), "{finished:?}");
    // Only the loopback interface exists in the new network namespace.
    assert_eq!(lines[1], "1", "{finished:?}");
    assert_eq!(lines[2], "wrote-tmp");
    assert_eq!(lines[3], "no-root-write");
    assert_eq!(lines[4], (Limits::default().memory_bytes / 1024).to_string());
    // The write to /tmp went to the jail's own tmpfs.
    assert!(!Path::new("/tmp").join(&marker).exists());
}

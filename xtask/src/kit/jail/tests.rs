//! The jail's fallbacks say what they do not enforce; with root, what it does is
//! proven on real processes (the hostile submissions are in `grade::tests`).

use std::path::Path;
use std::time::Duration;

use super::{Jail, Limits, Powers, is_root};
use crate::kit::process::run_with_limit;

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

#[test]
fn the_folder_of_a_test_under_tmp_stays_visible_and_the_rest_of_tmp_private() {
    if !is_root() {
        eprintln!("not root: the namespaces are not tried here");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    // A course cloned into /tmp: its test binary and working folder live there.
    let course =
        tempfile::Builder::new().prefix("descent-jail-course-").tempdir_in("/tmp").unwrap();
    std::fs::set_permissions(course.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = course.path().join("target");
    std::fs::create_dir(&bin).unwrap();
    let program = bin.join("sh");
    std::fs::copy("/bin/sh", &program).unwrap();
    std::fs::write(course.path().join("snapshot"), "the instructor's file\n").unwrap();
    let neighbour =
        course.path().with_file_name(format!("descent-jail-neighbour-{}", std::process::id()));
    std::fs::write(&neighbour, "private\n").unwrap();
    let jail = Jail::probe(Limits::default());
    let slot = jail.slot();
    let script = format!("cat snapshot; cat {} 2>/dev/null || echo hidden", neighbour.display());
    let mut command = jail.command(&slot, &program, &["-c", &script], course.path(), &[]);
    let finished = run_with_limit(&mut command, Duration::from_secs(30)).unwrap();
    std::fs::remove_file(&neighbour).unwrap();
    assert_eq!(finished.stdout, "the instructor's file\nhidden\n", "{finished:?}");
}

#[test]
fn the_folder_kept_is_the_deepest_that_holds_the_program_and_its_working_folder() {
    let keep =
        |program: &str, dir: &str| super::common_ancestor(Path::new(program), Path::new(dir));
    assert_eq!(keep("/tmp/c/target/debug/deps/t", "/tmp/c/ws"), Path::new("/tmp/c"));
    assert_eq!(keep("/tmp/c/target/t", "/tmp/c/target"), Path::new("/tmp/c/target"));
    assert_eq!(keep("/usr/bin/env", "/"), Path::new("/"));
}

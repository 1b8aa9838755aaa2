//! Talking to a test binary's libtest, jailed: listing its tests, and running
//! one test alone by its exact name within a time limit, read into an outcome
//! and the one message a student reads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::bail;

use crate::grade::report::Outcome;
use crate::grade::{feedback, one_binary};
use crate::kit::jail::{Jail, View};
use crate::kit::process;

/// How a test ran: its outcome, why it failed, and how many seconds it took.
pub type Ran = (Outcome, String, f64);

/// The environment of every jailed test process: the one `cargo learn` uses too.
pub fn test_env(workspace: &Path) -> Vec<(&'static str, String)> {
    descent_feedback::test_environment(workspace)
}

/// The tests of a test binary: name → whether it is ignored.
pub fn list(binary: &Path, workspace: &Path, jail: &Jail) -> anyhow::Result<Vec<(String, bool)>> {
    let listed = |ignored: bool| -> anyhow::Result<BTreeSet<String>> {
        let mut args = vec!["--list", "--format", "terse"];
        if ignored {
            args.push("--ignored");
        }
        let slot = jail.slot();
        let view = View::test(workspace, binary);
        let mut jailed =
            jail.command_as(slot.uid, binary, &args, workspace, &test_env(workspace), &view)?;
        let finished = process::run_with_limit(&mut jailed.command, Duration::from_secs(60))?;
        if finished.code != Some(0) {
            bail!("{} --list failed: {}{}", binary.display(), finished.stdout, finished.stderr);
        }
        Ok(finished
            .stdout
            .lines()
            .filter_map(|l| l.strip_suffix(": test"))
            .map(str::to_string)
            .collect())
    };
    let ignored = listed(true)?;
    Ok(listed(false)?
        .into_iter()
        .map(|name| {
            let is_ignored = ignored.contains(&name);
            (name, is_ignored)
        })
        .collect())
}

/// One test to run.
pub struct TestRun<'a> {
    /// The test binary.
    pub binary: &'a Path,
    /// Its path inside the binary.
    pub path: &'a str,
    /// The number of other tests in its binary, all of which libtest must report
    /// filtered out.
    pub others: usize,
    /// The grading workspace.
    pub workspace: &'a Path,
    /// The graded suite's package folder, where the test runs.
    pub package_dir: &'a Path,
    /// Sources the test must not see (the hidden tests': a student's code
    /// could print them into its own feedback).
    pub masked: &'a [PathBuf],
}

/// Runs one test alone, by exact name, jailed, within `timeout`.
///
/// It passes only if the graded suite's own code wrote its verdict, `pass
/// NAME`, into the verdict channel (see `descent-verdict`) *and* libtest
/// reported it passed, with exactly the other tests filtered out. The verdict
/// is what the code under test cannot forge; libtest's report is kept so that
/// a `#[should_panic(expected = …)]` still checks its message.
pub fn run_one(run: &TestRun<'_>, jail: &Jail, timeout: Duration) -> anyhow::Result<Ran> {
    let slot = jail.slot();
    let view = View { masked: run.masked.to_vec(), ..View::test(run.workspace, run.binary) };
    let mut jailed = jail.command_as(
        slot.uid,
        run.binary,
        &[run.path, "--exact", "--test-threads", "1"],
        run.package_dir,
        &test_env(run.workspace),
        &view,
    )?;
    let (finished, verdict) = process::run_with_verdict(&mut jailed.command, timeout)?;
    let usage = jailed.usage();
    drop(jailed);
    let seconds = finished.elapsed.as_secs_f64();
    if finished.timed_out {
        let message = format!("stopped after the time limit of {} s", timeout.as_secs_f64());
        return Ok((Outcome::TimedOut, message, seconds));
    }
    let path = run.path;
    let ran = format!("\ntest {path} ... ok\n");
    let summary = format!(
        "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; {} filtered out;",
        run.others
    );
    let libtest_says_passed = finished.code == Some(0)
        && finished.stdout.contains(&ran)
        && finished.stdout.contains(&summary);
    let passed_by_verdict = verdict == format!("pass {}::{path}\n", one_binary::TARGET);
    if libtest_says_passed && passed_by_verdict {
        return Ok((Outcome::Passed, String::new(), seconds));
    }
    if usage.out_of_memory {
        let message = format!(
            "the test and its processes ran out of their memory budget ({} MiB) and were killed",
            jail.limits().group_memory_bytes >> 20
        );
        return Ok((Outcome::Crashed, message, seconds));
    }
    if finished.stderr.contains("has overflowed its stack") {
        let message = "the test overflowed its stack (an infinite or very deep recursion)".into();
        return Ok((Outcome::Crashed, message, seconds));
    }
    // Killed by a signal: directly, or as a wrapper of the jail reports it, 128 + n.
    let signal = finished.signal.or(match finished.code {
        Some(code) if code > 128 && jail.powers().namespaces => Some(code - 128),
        _ => None,
    });
    if let Some(signal) = signal {
        let message = format!(
            "the test process was killed by {}{}",
            signal_name(signal),
            match feedback::condense(&finished.stderr) {
                text if text.is_empty() => String::new(),
                text => format!(": {}", text.lines().last().unwrap_or("")),
            }
        );
        return Ok((Outcome::Crashed, message, seconds));
    }
    if libtest_says_passed {
        // The process's own output claims a pass the graded suite never gave.
        let message = "the test's process printed libtest's report of a pass and exited, but the \
                       test never returned: no verdict (code that ends the process early, or \
                       that forges libtest's report, earns nothing)"
            .into();
        return Ok((Outcome::Failed, message, seconds));
    }
    if usage.out_of_processes {
        let message = format!(
            "the test ran out of its budget of {} processes and threads; {}",
            jail.limits().processes,
            descent_feedback::message::of_failed_test(&finished.stdout, &finished.stderr)
        );
        return Ok((Outcome::Failed, message, seconds));
    }
    Ok((
        Outcome::Failed,
        descent_feedback::message::of_failed_test(&finished.stdout, &finished.stderr),
        seconds,
    ))
}

/// A signal's name and what in a jailed test usually sends it.
fn signal_name(signal: i32) -> String {
    match signal {
        6 => "SIGABRT (an abort: often a memory allocation the address-space limit refused)".into(),
        9 => "SIGKILL (the CPU-time limit, or the kernel)".into(),
        11 => "SIGSEGV (a crash, or a stack overflow)".into(),
        24 => "SIGXCPU (the CPU-time limit)".into(),
        25 => "SIGXFSZ (the file-size limit)".into(),
        n => format!("signal {n}"),
    }
}

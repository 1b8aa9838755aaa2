//! Child processes with a time limit: their output captured to files, and the
//! whole process group killed when the limit passes.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use wait_timeout::ChildExt;

/// What a finished child process said.
#[derive(Debug)]
pub struct Finished {
    /// Its exit code; `None` if it was killed for taking too long or by a signal.
    pub code: Option<i32>,
    /// The signal that ended it, if one did (a time-out's kill included).
    pub signal: Option<i32>,
    /// True if it was killed at the time limit.
    pub timed_out: bool,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// How long it ran.
    pub elapsed: Duration,
}

/// Runs `command` with its output captured to files (so a chatty child can never
/// block on a full pipe), killing it after `limit`.
pub fn run_with_limit(command: &mut Command, limit: Duration) -> anyhow::Result<Finished> {
    command.stdin(Stdio::null());
    run(command, limit)
}

/// Runs `command` as [`run_with_limit`] does, with the write end of a pipe as
/// its standard input: what the run wrote into that pipe (at most 4 KiB) is the
/// verdict (see `descent-verdict`), read apart from everything it printed.
pub fn run_with_verdict(
    command: &mut Command,
    limit: Duration,
) -> anyhow::Result<(Finished, String)> {
    let (reader, writer) = std::io::pipe()?;
    command.stdin(Stdio::from(writer));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::Read as _;
        let mut verdict = Vec::new();
        let _ = reader.take(4096).read_to_end(&mut verdict);
        let _ = sender.send(verdict);
    });
    let finished = run(command, limit);
    // The command keeps its copy of the write end until its standard input is
    // replaced: then only the run's own copies keep the pipe open, and they are
    // gone with the run (its PID namespace, or its process group, was killed).
    command.stdin(Stdio::null());
    let finished = finished?;
    let verdict = receiver.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
    Ok((finished, String::from_utf8_lossy(&verdict).into_owned()))
}

/// Runs `command`, its standard input already set, with its output captured.
fn run(command: &mut Command, limit: Duration) -> anyhow::Result<Finished> {
    let scratch = tempfile::tempdir()?;
    let out_path = scratch.path().join("stdout");
    let err_path = scratch.path().join("stderr");
    let started = std::time::Instant::now();
    let mut child = command
        .stdout(File::create(&out_path)?)
        .stderr(File::create(&err_path)?)
        .spawn()
        .with_context(|| format!("cannot run {command:?}"))?;
    use std::os::unix::process::ExitStatusExt as _;
    let (status, timed_out) = match child.wait_timeout(limit)? {
        Some(status) => (status, false),
        None => {
            // The whole process group, if the command made one (a jailed run
            // does), then the child itself.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status();
            child.kill().ok();
            (child.wait()?, true)
        }
    };
    let (code, signal) = (status.code(), status.signal());
    let elapsed = started.elapsed();
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
    Ok(Finished {
        code,
        signal,
        timed_out,
        stdout: read(&out_path),
        stderr: read(&err_path),
        elapsed,
    })
}

/// Runs `command` to completion (with a generous time limit), failing with its
/// output unless it succeeds.
pub fn run_checked(command: &mut Command, what: &str) -> anyhow::Result<Finished> {
    let finished = run_with_limit(command, Duration::from_secs(3600))?;
    if finished.code != Some(0) {
        bail!("{what} failed:\n{}{}", finished.stdout, finished.stderr);
    }
    Ok(finished)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_past_its_time_limit_is_killed_and_reported() {
        let finished =
            run_with_limit(Command::new("sleep").arg("30"), Duration::from_millis(200)).unwrap();
        assert!(finished.timed_out);
        assert!(finished.elapsed < Duration::from_secs(10));
    }
}

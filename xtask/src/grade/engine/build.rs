//! The build of a grading workspace: the graded suite as one test binary (see
//! [`one_binary`]) and the diagnosis probe with it, found in Cargo's JSON
//! messages; or the compiler's complaint.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cargo_metadata::{Message, TargetKind};

use super::probe;
use crate::grade::{feedback, one_binary};
use crate::kit::jail::Jail;
use crate::kit::jail::cgroup::Usage;
use crate::kit::lock::TargetLock;
use crate::kit::{process, sandbox};

/// What a build made: the graded suite's one executable, and the probe's, if it
/// was built.
#[derive(Debug, Default)]
pub struct Built {
    /// The graded suite's executable.
    pub suite: Option<PathBuf>,
    /// The probe's executable.
    pub probe: Option<PathBuf>,
}

/// How a slot builds: jailed (see [`sandbox::jailed_cargo`]) as the slot's own
/// user, with the build's limits and a wall-time limit, where the machine allows.
#[derive(Debug)]
pub struct Builder<'a> {
    /// The jail, with the build's limits.
    pub jail: &'a Jail,
    /// The slot's build user.
    pub uid: u32,
    /// The toolchain it sees.
    pub toolchain: &'a sandbox::Toolchain,
    /// The wall-time limit of one build.
    pub limit: Duration,
}

/// Builds the graded suite of `package` as one binary, without debug
/// information (nobody reads a backtrace of it, and linking it took longer than
/// compiling it), and the diagnosis probe with it in the same build if
/// `with_probe`; or the compiler's complaint (or the limit the build broke). A
/// probe that does not build against the submission costs only the diagnosis:
/// the tests are then built without it.
pub fn suite_and_probe(
    workspace: &Path,
    package: &str,
    with_probe: bool,
    lock: &TargetLock,
    builder: &Builder<'_>,
) -> anyhow::Result<Result<Built, String>> {
    let attempt = |probe: bool| -> anyhow::Result<(process::Finished, Usage)> {
        let mut args = vec![
            "build",
            "--package",
            package,
            "--test",
            one_binary::TARGET,
            "--message-format=json-render-diagnostics",
        ];
        if probe {
            args.extend(["--example", probe::EXAMPLE]);
        }
        if builder.jail.powers().namespaces {
            let mut jailed = sandbox::jailed_cargo(
                workspace,
                lock,
                builder.jail,
                builder.uid,
                builder.toolchain,
                &args,
            )?;
            jailed.command.env("CARGO_PROFILE_DEV_DEBUG", "0");
            let finished = process::run_with_limit(&mut jailed.command, builder.limit)?;
            Ok((finished, jailed.usage()))
        } else {
            let mut command = sandbox::cargo(workspace, lock);
            command.args(&args).env("CARGO_PROFILE_DEV_DEBUG", "0");
            Ok((process::run_with_limit(&mut command, builder.limit)?, Usage::default()))
        }
    };
    let (mut finished, mut usage) = attempt(with_probe)?;
    if finished.code != Some(0) && with_probe && !finished.timed_out && !usage.out_of_memory {
        (finished, usage) = attempt(false)?;
    }
    if finished.timed_out {
        return Ok(Err(format!(
            "the build was stopped at its time limit of {} s (a constant evaluation or macro \
             expansion that does not end?)\n{}",
            builder.limit.as_secs(),
            feedback::tail(&finished.stderr, 10)
        )));
    }
    if usage.out_of_memory {
        return Ok(Err(format!(
            "the build ran out of its memory budget of {} MiB and was killed\n{}",
            builder.jail.limits().group_memory_bytes >> 20,
            feedback::tail(&finished.stderr, 10)
        )));
    }
    if finished.code != Some(0) {
        let mut log = feedback::tail(&finished.stderr, 40);
        // SIGXFSZ: the compiler (`signal: 25` in Cargo's report of it) or
        // Cargo itself wrote past the file-size limit.
        if finished.signal == Some(25)
            || finished.stderr.contains("(signal: 25")
            || finished.stderr.contains("File size limit exceeded")
        {
            log = format!(
                "the build wrote a file larger than its limit of {} MiB\n{log}",
                builder.jail.limits().file_bytes >> 20
            );
        }
        return Ok(Err(log));
    }
    Ok(Ok(executables(&finished.stdout)))
}

/// The suite's and the probe's executables, from Cargo's JSON messages.
fn executables(messages: &str) -> Built {
    let mut built = Built::default();
    for message in Message::parse_stream(messages.as_bytes()) {
        let Ok(Message::CompilerArtifact(artifact)) = message else { continue };
        let Some(executable) = artifact.executable else { continue };
        let target = &artifact.target;
        if artifact.profile.test
            && target.is_kind(TargetKind::Test)
            && target.name == one_binary::TARGET
        {
            built.suite = Some(executable.into_std_path_buf());
        } else if target.is_kind(TargetKind::Example) && target.name == probe::EXAMPLE {
            built.probe = Some(executable.into_std_path_buf());
        }
    }
    built
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suite_and_the_probe_are_found_among_the_artifacts() {
        let artifact = |name: &str, kind: &str, test: bool, executable: &str| {
            serde_json::json!({
                "reason": "compiler-artifact",
                "package_id": "path+file:///ws/tests#descent-tests@0.1.0",
                "manifest_path": "/ws/tests/Cargo.toml",
                "target": {
                    "kind": [kind], "crate_types": ["bin"], "name": name,
                    "src_path": "/ws/tests/x.rs", "edition": "2024",
                    "doc": false, "doctest": false, "test": test
                },
                "profile": {
                    "opt_level": "0", "debuginfo": 0, "debug_assertions": true,
                    "overflow_checks": true, "test": test
                },
                "features": [],
                "filenames": [executable],
                "executable": executable,
                "fresh": false
            })
            .to_string()
        };
        let messages = [
            "not JSON: a line cargo passed through".to_string(),
            artifact(one_binary::TARGET, "test", true, "/t/debug/deps/graded-1"),
            artifact(probe::EXAMPLE, "example", false, "/t/debug/examples/descent_probe"),
            artifact("other", "test", true, "/t/debug/deps/other-2"),
            r#"{"reason":"build-finished","success":true}"#.to_string(),
        ]
        .join("\n");
        let built = executables(&messages);
        assert_eq!(built.suite, Some(PathBuf::from("/t/debug/deps/graded-1")));
        assert_eq!(built.probe, Some(PathBuf::from("/t/debug/examples/descent_probe")));
        assert!(executables("").suite.is_none());
    }
}

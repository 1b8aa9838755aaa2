//! The build of a grading workspace: the graded suite as one test binary (see
//! [`one_binary`]) and the diagnosis probe with it, found in Cargo's JSON
//! messages; or the compiler's complaint.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cargo_metadata::{Message, TargetKind};

use super::probe;
use crate::grade::{feedback, one_binary};
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

/// Builds the graded suite of `package` as one binary, without debug
/// information (nobody reads a backtrace of it, and linking it took longer than
/// compiling it), and the diagnosis probe with it in the same build if
/// `with_probe`; or the compiler's complaint. A probe that does not build
/// against the submission costs only the diagnosis: the tests are then built
/// without it.
pub fn suite_and_probe(
    workspace: &Path,
    package: &str,
    with_probe: bool,
    lock: &TargetLock,
) -> anyhow::Result<Result<Built, String>> {
    let attempt = |probe: bool| -> anyhow::Result<process::Finished> {
        let mut command = sandbox::cargo(workspace, lock);
        command.args([
            "build",
            "--package",
            package,
            "--test",
            one_binary::TARGET,
            "--message-format=json-render-diagnostics",
        ]);
        command.env("CARGO_PROFILE_DEV_DEBUG", "0");
        if probe {
            command.args(["--example", probe::EXAMPLE]);
        }
        process::run_with_limit(&mut command, Duration::from_secs(1800))
    };
    let mut finished = attempt(with_probe)?;
    if finished.code != Some(0) && with_probe {
        finished = attempt(false)?;
    }
    if finished.code != Some(0) {
        return Ok(Err(feedback::tail(&finished.stderr, 40)));
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

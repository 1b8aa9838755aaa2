//! Cargo, run from the checker: a build whose JSON messages say where the
//! executables are, and whose compiler errors are kept to be shown.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a build gave: its executables by target name, or the compiler's errors.
pub type Built = Result<Vec<Executable>, String>;

/// One built executable.
#[derive(Debug, Clone)]
pub struct Executable {
    /// The target's name (a test file's stem, or an example's name).
    pub name: String,
    /// The target's kind (`test`, `example`, …).
    pub kind: String,
    /// Where it is.
    pub path: PathBuf,
}

/// `cargo ARGS --message-format=json-render-diagnostics` in `root`.
pub fn build(root: &Path, args: &[&str]) -> anyhow::Result<Built> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .args(["--quiet", "--message-format=json-render-diagnostics", "--color=never"])
        .current_dir(root)
        .stdin(Stdio::null())
        .output()?;
    if !output.status.success() {
        return Ok(Err(errors(&String::from_utf8_lossy(&output.stderr))));
    }
    let mut built = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let Some(path) = message["executable"].as_str() else { continue };
        let target = &message["target"];
        built.push(Executable {
            name: target["name"].as_str().unwrap_or_default().to_string(),
            kind: target["kind"][0].as_str().unwrap_or_default().to_string(),
            path: PathBuf::from(path),
        });
    }
    Ok(Ok(built))
}

/// The compiler's errors from cargo's standard error: from the first `error`
/// line on, at most 40 lines, without cargo's own closing lines.
fn errors(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("error"))
        .filter(|l| !l.starts_with("error: could not compile") && !l.contains("warnings emitted"))
        .take(40)
        .collect();
    let text = if lines.is_empty() { stderr.trim().to_string() } else { lines.join("\n") };
    descent_feedback::message::printable(text.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_start_at_the_first_error_and_leave_cargos_summary_out() {
        let stderr = "   Compiling gd v0.1.0\nerror[E0308]: mismatched types\n --> a.rs:1:1\n\n\
                      error: could not compile `gd` (lib) due to 1 previous error\n";
        assert_eq!(errors(stderr), "error[E0308]: mismatched types\n --> a.rs:1:1");
    }
}

//! The student's checker in a copy (`cargo learn`, the crate `tests/learn/`): the cargo
//! alias that runs it, and what its diagnosis compares with — the known mistakes
//! named without their code (`find` and `replace` stay with the instructor) and
//! the probe results of the solution and of each mistake (numbers, not code).

use std::fs;
use std::path::Path;

use descent_feedback::mistakes::{FIXTURES, PROBES, STUDENT_FIXTURES, STUDENT_PROBES, redacted};

/// The copy's `.cargo/config.toml`: the alias of the checker (the course's own
/// config also has the xtask's, which a copy does not hold).
pub const CONFIG: &str = "# `cargo learn`: your points, the first failing property, the known mistake,\n\
                          # hints (`cargo learn hint`) and re-runs on save (`cargo learn --watch`).\n\
                          [alias]\n\
                          learn = \"run --quiet --package learn --\"\n";

/// Writes the checker's alias and known mistakes into the copy at `out`.
pub fn write(root: &Path, out: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(out.join(".cargo"))?;
    fs::write(out.join(".cargo/config.toml"), CONFIG)?;
    let known = out.join(STUDENT_FIXTURES);
    if let Some(dir) = known.parent() {
        fs::create_dir_all(dir)?;
    }
    if root.join(FIXTURES).is_file() {
        fs::write(&known, redacted(&fs::read_to_string(root.join(FIXTURES))?)?)?;
    }
    if root.join(PROBES).is_file() {
        fs::copy(root.join(PROBES), out.join(STUDENT_PROBES))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copys_alias_is_the_courses_own() {
        let course =
            fs::read_to_string(crate::workspace::root().join(".cargo/config.toml")).unwrap();
        let alias = CONFIG.lines().find(|l| l.starts_with("learn = ")).unwrap();
        assert!(course.lines().any(|l| l == alias), "{alias} is not in .cargo/config.toml");
    }
}

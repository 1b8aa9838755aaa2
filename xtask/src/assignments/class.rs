//! A class of submissions made from the course: the solution and each wrong
//! submission of `xtask/fixtures/wrong.toml` in turn, each student's copy made
//! unique by a comment naming them (so that each one is rebuilt, as a real
//! class's would be). The batch benchmark and CI grade such a class.

use std::fs;
use std::path::{Path, PathBuf};

use crate::kit::fixtures::{Fixtures, write_wrong_submission};
use crate::kit::rubric::Rubric;
use crate::kit::trees;

/// One student of a made-up class.
#[derive(Debug, Clone)]
pub struct Student {
    /// The folder's name.
    pub name: String,
    /// The fixture their code carries, if any.
    pub fixture: Option<String>,
}

/// Writes `n` submissions into `out` (`student-01`, …), cycling through the
/// solution and the fixtures; returns who got what.
pub fn write_class(
    root: &Path,
    rubric: &Rubric,
    fixtures: &Fixtures,
    out: &Path,
    n: usize,
) -> anyhow::Result<Vec<Student>> {
    let mut students = Vec::new();
    for i in 0..n {
        let name = format!("student-{:02}", i + 1);
        let folder = out.join(&name);
        let fixture = match i % (fixtures.fixtures.len() + 1) {
            0 => None,
            k => Some(&fixtures.fixtures[k - 1]),
        };
        match fixture {
            Some(fixture) => {
                write_wrong_submission(root, rubric, fixture, &folder)?;
            }
            None => {
                for krate in &rubric.course.student_crates {
                    let src = Path::new(krate).join("src");
                    trees::copy_tree(&root.join(&src), &folder.join(&src), &|_| false)?;
                }
            }
        }
        for krate in &rubric.course.student_crates {
            let lib: PathBuf = folder.join(krate).join("src/lib.rs");
            if lib.is_file() {
                let text = fs::read_to_string(&lib)?;
                fs::write(&lib, format!("{text}// The submission of {name}.\n"))?;
            }
        }
        students.push(Student { name, fixture: fixture.map(|f| f.name.clone()) });
    }
    Ok(students)
}

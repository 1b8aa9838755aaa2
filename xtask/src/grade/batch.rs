//! Grading a whole class: `cargo xtask grade --batch DIR --out OUT`.
//!
//! Every folder of DIR is one student's submission, named for the student. The
//! submissions are graded in a bounded number of slots at once (`--jobs`, 2 by
//! default), each slot keeping its workspace and build between students (see
//! `engine`), so that the dependencies and the instructor's suite are compiled
//! once per slot and each student costs only their own crates and the test
//! binaries that link them. The first student is graded alone; the other slots
//! then start from a copy of its build.
//!
//! A submission that cannot be graded (it is not a checkout, misses a crate's
//! `src/`, does not compile, hangs, crashes) costs that student their points and
//! never the batch. OUT receives `gradebook.csv` (student, total, each
//! assignment, the mistakes found) and, per student, `feedback.md` and the
//! result files in every requested format.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;

use super::engine::{self, Request, Slot};
use super::formats::{self, Format};
use super::report::{Report, SandboxNote};
use super::{feedback, pool, screen};
use crate::kit::jail::Jail;
use crate::kit::rubric::Rubric;
use crate::kit::trees;

/// Grades one submission in slot 0: the engine's report, with what screening its sources found.
pub fn grade_one(request: &Request) -> anyhow::Result<Report> {
    let rubric = engine::load_rubric(request)?;
    let jail = Jail::probe(engine::limits(&rubric, request));
    grade_in_slot(
        request,
        &rubric,
        &Slot::new(&request.target_dir, 0),
        &jail,
        engine::default_workers(),
    )
}

/// Grades one submission in `slot`; a submission that cannot be graded gets a
/// report of zero that says why, instead of an error.
///
/// Its sources are screened first ([`screen`]): a student crate with a refused
/// file is graded as its stub (it earns what the stub earns), and the report
/// names each refused file and line. Nothing of a refused crate is copied.
pub fn grade_in_slot(
    request: &Request,
    rubric: &Rubric,
    slot: &Slot,
    jail: &Jail,
    workers: usize,
) -> anyhow::Result<Report> {
    let screened = screen::screen(&request.submission, &rubric.course.student_crates);
    // The submission as graded: its own crates, and the stubs of refused ones.
    let substitute = if screened.refused.is_empty() {
        None
    } else {
        let folder = tempfile::Builder::new().prefix("descent-screened-").tempdir()?;
        let stubs = tempfile::Builder::new().prefix("descent-stubs-").tempdir()?;
        engine::stub_submission(&request.course_root, rubric, stubs.path())?;
        for krate in &rubric.course.student_crates {
            let src = Path::new(krate).join("src");
            let from = if screened.refused.contains_key(krate) {
                stubs.path().join(&src)
            } else {
                request.submission.join(&src)
            };
            if from.is_dir() {
                trees::copy_tree(&from, &folder.path().join(&src), &|_| false)?;
            }
        }
        Some(folder)
    };
    let graded = match &substitute {
        Some(folder) => Request { submission: folder.path().to_path_buf(), ..request.clone() },
        None => request.clone(),
    };
    let mut report = match engine::check_submission(&graded, rubric) {
        Ok(()) => engine::grade_in(&graded, rubric, slot, jail, workers)?,
        Err(why) => {
            let mut report = Report::not_built(rubric, &request.submission, format!("{why:#}"));
            let (enforced, not_enforced) = jail.note();
            report.sandbox = SandboxNote { enforced, not_enforced };
            report
        }
    };
    report.submission = request.submission.display().to_string();
    report.refused = screened.refusals();
    report.flags = screened.flags;
    Ok(report)
}

/// One student's line of the gradebook.
#[derive(Debug, Clone)]
pub struct Row {
    /// The submission folder's name.
    pub student: String,
    /// Points earned and possible.
    pub total: u32,
    /// Points possible.
    pub max: u32,
    /// Points per assignment, in rubric order.
    pub assignments: Vec<u32>,
    /// The known mistakes found.
    pub mistakes: Vec<String>,
    /// The number of flagged lines in the source.
    pub flags: usize,
    /// Seconds its grading took.
    pub seconds: f64,
}

/// What a batch did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The assignments' ids and points possible, in rubric order.
    pub assignments: Vec<(String, u32)>,
    /// One row per student, sorted by name.
    pub rows: Vec<Row>,
    /// Wall-clock seconds for the whole batch.
    pub seconds: f64,
    /// The gradebook file.
    pub gradebook: PathBuf,
}

impl Summary {
    /// The class table the command prints.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let width = self.rows.iter().map(|r| r.student.chars().count()).max().unwrap_or(7).max(7);
        let _ = write!(out, "{:<width$}  {:>7}", "student", "total");
        for (id, _) in &self.assignments {
            let _ = write!(out, "  {id:>14}");
        }
        let _ = writeln!(out, "  flags  mistakes");
        for row in &self.rows {
            let _ =
                write!(out, "{:<width$}  {:>7}", row.student, format!("{}/{}", row.total, row.max));
            for (points, (_, max)) in row.assignments.iter().zip(&self.assignments) {
                let _ = write!(out, "  {:>14}", format!("{points}/{max}"));
            }
            let _ = writeln!(out, "  {:>5}  {}", row.flags, row.mistakes.join(", "));
        }
        let n = self.rows.len().max(1);
        let _ = writeln!(
            out,
            "\n{} submissions in {:.1} s: {:.2} s per submission; gradebook: {}",
            self.rows.len(),
            self.seconds,
            self.seconds / n as f64,
            self.gradebook.display()
        );
        out
    }
}

/// Grades every submission folder of `dir` into `out`, `jobs` at once.
pub fn grade_all(
    request: &Request,
    dir: &Path,
    out: &Path,
    formats: &[Format],
    jobs: usize,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let rubric = engine::load_rubric(request)?;
    let jail = Jail::probe(engine::limits(&rubric, request));
    let mut students: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    students.sort();
    fs::create_dir_all(out)?;
    let jobs = jobs.clamp(1, students.len().max(1));
    let workers = (engine::default_workers() / jobs).max(1);
    let slots: Vec<Slot> = (0..jobs).map(|n| Slot::new(&request.target_dir, n)).collect();
    let grade_student = |student: &Path, slot: &Slot| {
        grade_student(request, &rubric, student, slot, &jail, workers, out, formats)
            .map_err(|e| format!("{}: {e:#}", student.display()))
    };
    let mut graded = Vec::new();
    if let Some(first) = students.first() {
        graded.push(grade_student(first, &slots[0]));
        for slot in &slots[1..] {
            prime(&slots[0], slot)?;
        }
    }
    let rest = students.get(1..).unwrap_or_default();
    graded.extend(pool::map(rest, slots.len(), |worker, student| {
        grade_student(student, &slots[worker])
    })?);
    let (rows, failures): (Vec<_>, Vec<_>) = graded.into_iter().partition(Result::is_ok);
    let mut rows: Vec<Row> = rows.into_iter().filter_map(Result::ok).collect();
    let failures: Vec<String> = failures.into_iter().filter_map(Result::err).collect();
    rows.sort_by(|a, b| a.student.cmp(&b.student));
    let assignments: Vec<(String, u32)> =
        rubric.assignments.iter().map(|a| (a.id.clone(), a.tests.values().sum())).collect();
    // The gradebook is written whatever happened; a student the grader itself
    // failed on is missing from it, and the command then fails naming them.
    let gradebook = out.join("gradebook.csv");
    fs::write(&gradebook, gradebook_csv(&assignments, &rows))?;
    if !failures.is_empty() {
        anyhow::bail!(
            "the grader itself failed on (they are not in {}):\n  {}",
            gradebook.display(),
            failures.join("\n  ")
        );
    }
    Ok(Summary { assignments, rows, seconds: started.elapsed().as_secs_f64(), gradebook })
}

/// Grades one student and writes their files; their gradebook row.
#[allow(clippy::too_many_arguments)]
fn grade_student(
    template: &Request,
    rubric: &Rubric,
    student: &Path,
    slot: &Slot,
    jail: &Jail,
    workers: usize,
    out: &Path,
    formats: &[Format],
) -> anyhow::Result<Row> {
    let name = student.file_name().map_or("?".into(), |n| n.to_string_lossy().into_owned());
    let request = Request { submission: student.to_path_buf(), ..template.clone() };
    let report = grade_in_slot(&request, rubric, slot, jail, workers)?;
    let folder = out.join(&name);
    let context = formats::Context::from_env(student);
    formats::write_all(&report, formats, &context, &folder)?;
    fs::write(folder.join("feedback.md"), feedback::student_markdown(&report))?;
    Ok(Row {
        student: name,
        total: report.total(),
        max: report.max(),
        assignments: report.assignments.iter().map(|a| a.points).collect(),
        mistakes: report.diagnosis.iter().map(|d| d.mistake.clone()).collect(),
        flags: report.flags.len(),
        seconds: report.seconds,
    })
}

/// Gives `slot` a copy of `from`'s build if it has none yet: its dependencies
/// need not be compiled again.
fn prime(from: &Slot, slot: &Slot) -> anyhow::Result<()> {
    if slot.target.exists() || !from.target.join("debug").is_dir() {
        return Ok(());
    }
    fs::create_dir_all(&slot.target)?;
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(from.target.join("debug"))
        .arg(&slot.target)
        .status()
        .context("cannot run cp")?;
    if !status.success() {
        fs::remove_dir_all(&slot.target).ok();
    }
    Ok(())
}

/// The gradebook: a header, then one line per student.
pub fn gradebook_csv(assignments: &[(String, u32)], rows: &[Row]) -> String {
    let mut out = String::from("student,total,max");
    for (id, _) in assignments {
        let _ = write!(out, ",{}", csv_field(id));
    }
    out.push_str(",mistakes,flags,seconds\n");
    for row in rows {
        let _ = write!(out, "{},{},{}", csv_field(&row.student), row.total, row.max);
        for points in &row.assignments {
            let _ = write!(out, ",{points}");
        }
        let _ = writeln!(
            out,
            ",{},{},{:.1}",
            csv_field(&row.mistakes.join(" ")),
            row.flags,
            row.seconds
        );
    }
    out
}

/// A CSV field, quoted if it must be (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

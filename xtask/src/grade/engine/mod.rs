//! Grading: assemble a workspace from the instructor's suite and the student's
//! crates, build the graded tests, then run each rubric test on its own, locked
//! down, with a time limit, and count it by its exact name.
//!
//! The assembled workspace takes from the submission the `src/` folders of the
//! student crates (`course.student_crates` in the rubric) and nothing else: the
//! manifests, the other crates, the graded tests, their snapshots and the rubric
//! are the instructor's. Editing or deleting a test in a submission gains nothing.
//!
//! Each grading *slot* keeps its workspace and its target folder between
//! gradings (`TARGET/kit/grade/slot-N/`), and a grading rewrites only the files
//! whose content differs: the dependencies and whatever the submission did not
//! change stay compiled, and only the student crates and the graded suite that
//! links them are rebuilt, as one binary ([`crate::grade::one_binary`]). A batch
//! grades in several slots at once.

// The steps of a grading, then what they share (the comment above each line
// keeps rustfmt from sorting them: the order is the stair of the imports).
//
// Step 0: a slot's first build, from the stubs.
mod warm;
// Step 1: the grading workspace.
mod assemble;
// Step 2: the build of the suite and the probe.
mod build;
// Step 3 (and `assignments probes`): the diagnosis probe.
mod probe;
// Step 3: the rubric's tests, run into a report.
mod suite;
// Shared: a test binary's libtest, jailed.
mod libtest;
// Shared: what a grading is given.
mod request;
// Shared: the verdict's crates, written into the workspace.
mod verdict;

use std::time::Instant;

use anyhow::Context as _;

pub use assemble::check_submission;
pub use request::{
    DEFAULT_BUILD_TIMEOUT, DEFAULT_TEST_BUDGET, Request, Slot, default_workers, limits, load_rubric,
};
pub use warm::stub_submission;

use crate::grade::diagnose::{PROBE, Probes};
use crate::grade::report::{Report, SandboxNote};
use crate::kit::jail::{Jail, Limits};
use crate::kit::lock::TargetLock;
use crate::kit::rubric::Rubric;
use crate::kit::sandbox::Toolchain;
use build::Builder;

/// A slot taken for one grading: its lock (held until this is dropped), and
/// how it builds.
struct Taken {
    lock: TargetLock,
    toolchain: Toolchain,
    build_jail: Jail,
}

impl Taken {
    /// Locks `slot` and checks that the submission has every student crate.
    fn new(request: &Request, rubric: &Rubric, slot: &Slot, jail: &Jail) -> anyhow::Result<Self> {
        let lock = TargetLock::acquire(&slot.target)?;
        check_submission(request, rubric)?;
        Ok(Self {
            lock,
            toolchain: Toolchain::find()?,
            build_jail: jail.with_limits(Limits::build()),
        })
    }

    /// How the slot builds a submission of `request`.
    fn builder(&self, request: &Request, slot: &Slot) -> Builder<'_> {
        Builder {
            jail: &self.build_jail,
            uid: slot.build_uid,
            toolchain: &self.toolchain,
            limit: request.build_timeout,
        }
    }
}

/// Grades `request.submission` in slot 0, with a jail probed for this machine.
pub fn grade(request: &Request) -> anyhow::Result<Report> {
    let rubric = load_rubric(request)?;
    let jail = Jail::probe(limits(&rubric, request));
    grade_in(request, &rubric, &Slot::new(&request.target_dir, 0), &jail, default_workers())
}

/// Grades `request.submission` in `slot`, running up to `workers` tests at once.
pub fn grade_in(
    request: &Request,
    rubric: &Rubric,
    slot: &Slot,
    jail: &Jail,
    workers: usize,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let taken = Taken::new(request, rubric, slot, jail)?;
    let (lock, build_jail) = (&taken.lock, &taken.build_jail);
    let builder = taken.builder(request, slot);
    warm::ensure(request, rubric, slot, lock, &builder)?;
    let hidden = assemble::workspace(request, rubric, &slot.workspace)?;
    let diagnosable = probe::add(&request.course_root, &slot.workspace, true)?;
    let package = &rubric.course.test_package;
    let built = build::suite_and_probe(&slot.workspace, package, diagnosable, lock, &builder)?;
    let mut report = match &built {
        Ok(build::Built { suite: Some(suite), .. }) => {
            suite::grade(request, rubric, suite, &hidden, &slot.workspace, jail, workers)?
        }
        Ok(build::Built { suite: None, .. }) => anyhow::bail!(
            "cargo reported no executable of the graded suite ({})",
            crate::grade::one_binary::TARGET
        ),
        Err(log) => Report::not_built(rubric, &request.submission, without_hidden(log, &hidden)),
    };
    if diagnosable && report.build_error.is_none() && report.total() < report.max() {
        let probe = built.as_ref().ok().and_then(|b| b.probe.as_deref());
        let (course, submission) = (&request.course_root, &request.submission);
        probe::diagnose_or_say(
            &mut report,
            course,
            submission,
            rubric,
            &slot.workspace,
            probe,
            jail,
        );
    }
    let (build, jailed_build) =
        (build_jail.limits(), build_jail.powers().namespaces && build_jail.powers().drop_user);
    drop(taken);
    let (mut enforced, mut not_enforced) = jail.note();
    if jailed_build {
        enforced.push(format!(
            "the build: jailed the same way as the slot's own user (the toolchain, the \
             registry's cache and the slot only; no network), stopped after {} s, {} MiB of \
             memory for all its processes, {} MiB per file",
            request.build_timeout.as_secs(),
            build.group_memory_bytes >> 20,
            build.file_bytes >> 20
        ));
    } else {
        not_enforced.push(format!(
            "the build: not jailed here (it runs as the grader); stopped after {} s; the \
             sources were screened before it (see refused)",
            request.build_timeout.as_secs()
        ));
    }
    report.sandbox = SandboxNote { enforced, not_enforced };
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The compiler's complaint as a student may read it: if it quotes a hidden
/// test's file, none of it (the hidden tests' code is not shown).
fn without_hidden(log: &str, hidden: &std::collections::BTreeSet<String>) -> String {
    let quoted = hidden.iter().any(|name| {
        log.contains(&format!("tests/{name}.rs")) || log.contains(&format!("tests/{name}/"))
    });
    if quoted {
        "the submission does not compile with the course's hidden tests (their code is not \
         shown): check that every public function keeps the name and signature of the student copy"
            .to_string()
    } else {
        log.to_string()
    }
}

/// The probe's results for `request.submission`, assembled and built in `slot`
/// (for `cargo xtask assignments probes`).
pub fn probe(
    request: &Request,
    rubric: &Rubric,
    slot: &Slot,
    jail: &Jail,
) -> anyhow::Result<Probes> {
    let taken = Taken::new(request, rubric, slot, jail)?;
    let lock = &taken.lock;
    let builder = taken.builder(request, slot);
    warm::ensure(request, rubric, slot, lock, &builder)?;
    assemble::workspace(request, rubric, &slot.workspace)?;
    if !probe::add(&request.course_root, &slot.workspace, false)? {
        anyhow::bail!("the course has no probe ({PROBE})");
    }
    let package = &rubric.course.test_package;
    let built = build::suite_and_probe(&slot.workspace, package, true, lock, &builder)?
        .map_err(|log| anyhow::anyhow!("the submission does not build:\n{log}"))?;
    probe::run(
        &built.probe.context("the probe does not build against the submission")?,
        &slot.workspace,
        jail,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::without_hidden;

    #[test]
    fn a_compiler_error_that_quotes_a_hidden_test_is_not_shown() {
        let hidden: BTreeSet<String> = ["secret".to_string()].into();
        let quoting = "error[E0425]: cannot find function `double`\n --> tests/secret.rs:3:5\n  |\n3 | assert_eq!(double(0), 0);";
        let shown = without_hidden(quoting, &hidden);
        assert!(!shown.contains("assert_eq") && shown.contains("hidden tests"), "{shown}");
        let own = "error: expected `;`\n --> crates/gd/src/lib.rs:3:5";
        assert_eq!(without_hidden(own, &hidden), own);
        assert_eq!(without_hidden(quoting, &BTreeSet::new()), quoting);
    }
}

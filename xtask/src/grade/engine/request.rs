//! What a grading is given: the request (what to grade, against what), the
//! slot it is graded in, and what follows from the rubric (the hidden tests'
//! rubric merged in, the time limit of one test, the jail's limits).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;

use crate::kit::jail::Limits;
use crate::kit::rubric::{ExtraRubric, RUBRIC, Rubric};

/// What to grade, against what.
#[derive(Debug, Clone)]
pub struct Request {
    /// The instructor's workspace: graded tests, rubric, manifests.
    pub course_root: PathBuf,
    /// The checkout whose student crates are graded.
    pub submission: PathBuf,
    /// A folder of hidden test files (and optionally their `rubric.toml`).
    pub extra_tests: Option<PathBuf>,
    /// The time limit of one test, overriding the rubric's.
    pub timeout: Option<Duration>,
    /// The wall-time limit of the build of one submission.
    pub build_timeout: Duration,
    /// The wall-time budget of all of one submission's tests together: the
    /// tests not started when it runs out are not run.
    pub test_budget: Duration,
    /// The kit's target folder (see [`crate::kit::sandbox`]); the slots live in
    /// `grade/` under it.
    pub target_dir: PathBuf,
}

impl Request {
    /// Grading `submission` against the course at `course_root` by its own rubric
    /// and time limit, building in the course's kit folder.
    pub fn new(course_root: &Path, submission: &Path) -> Self {
        Self {
            course_root: course_root.to_path_buf(),
            submission: submission.to_path_buf(),
            extra_tests: None,
            timeout: None,
            build_timeout: DEFAULT_BUILD_TIMEOUT,
            test_budget: DEFAULT_TEST_BUDGET,
            target_dir: crate::kit::sandbox::kit_target_dir(course_root),
        }
    }
}

/// The default wall-time limit of a submission's build: a submission's own
/// crates and the graded suite build in a few seconds in a warm slot.
pub const DEFAULT_BUILD_TIMEOUT: Duration = Duration::from_secs(120);

/// The default wall-time budget of a submission's tests: the whole suite runs
/// in well under a minute; a submission whose every test sleeps to the time
/// limit is stopped after five minutes, not one hour.
pub const DEFAULT_TEST_BUDGET: Duration = Duration::from_secs(300);

/// The first user id of the slots' builds; slot `n` builds as `FIRST_BUILD_UID + n`.
const FIRST_BUILD_UID: u32 = 60_000;

/// A grading slot: a workspace and a target folder that stay between gradings.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The assembled workspace.
    pub workspace: PathBuf,
    /// Its target folder.
    pub target: PathBuf,
    /// The file that says the slot's dependencies were built from the stubs.
    pub warm: PathBuf,
    /// The unprivileged user its builds run as.
    pub build_uid: u32,
}

impl Slot {
    /// Slot `n` under the kit's target folder.
    pub fn new(kit_target: &Path, n: usize) -> Self {
        let base = kit_target.join("grade").join(format!("slot-{n}"));
        Self {
            workspace: base.join("ws"),
            target: base.join("target"),
            warm: base.join("warm"),
            build_uid: FIRST_BUILD_UID + u32::try_from(n).unwrap_or(999),
        }
    }
}

/// The rubric, with the hidden tests' rubric merged in.
pub fn load_rubric(request: &Request) -> anyhow::Result<Rubric> {
    let mut rubric = Rubric::load(&request.course_root.join(RUBRIC))?;
    if let Some(extra) = &request.extra_tests {
        let extra_rubric = extra.join("rubric.toml");
        if extra_rubric.exists() {
            let text = fs::read_to_string(&extra_rubric)?;
            let hidden: ExtraRubric =
                toml::from_str(&text).with_context(|| format!("in {}", extra_rubric.display()))?;
            rubric.merge(hidden)?;
        }
    }
    Ok(rubric)
}

/// The time limit of one test.
pub fn timeout(rubric: &Rubric, request: &Request) -> Duration {
    request.timeout.unwrap_or_else(|| Duration::from_secs(rubric.course.timeout_seconds))
}

/// The jail's limits: the defaults, with CPU time a little above the time limit.
pub fn limits(rubric: &Rubric, request: &Request) -> Limits {
    Limits { cpu_seconds: timeout(rubric, request).as_secs() + 5, ..Limits::default() }
}

/// As many tests at once as there are cores.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instructors_chapter_states_the_defaults_the_grader_uses() {
        let chapter =
            fs::read_to_string(crate::workspace::root().join("book/src/instructors.md")).unwrap();
        let budget = format!("`--test-budget`, {} s by default", DEFAULT_TEST_BUDGET.as_secs());
        let build = format!("stopped after {} s of wall time", DEFAULT_BUILD_TIMEOUT.as_secs());
        for stated in [budget, build] {
            assert!(chapter.contains(&stated), "book/src/instructors.md does not say: {stated}");
        }
        let limits = crate::kit::jail::Limits::default();
        let tmp = format!("fresh {} MiB tmpfs", limits.tmp_bytes >> 20);
        let group = format!(
            "{} GiB\n  of memory and {} processes and threads",
            limits.group_memory_bytes >> 30,
            limits.processes
        );
        for stated in [tmp, group] {
            assert!(chapter.contains(&stated), "book/src/instructors.md does not say: {stated}");
        }
    }
}

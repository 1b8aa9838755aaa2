//! `cargo learn --watch` driven in a terminal as a learner uses it: tmux (its own
//! server, on a socket of its own) runs the watch in the student copy, files are
//! saved into the copy's crates, and the screen is read (`capture-pane -p`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::kit::rubric::Rubric;
use crate::kit::trees;

/// How long one check may take on the screen (a cold build included).
const LIMIT: Duration = Duration::from_secs(300);

/// A tmux server of our own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.socket]);
        command
    }

    /// The screen, as text.
    fn screen(&self) -> String {
        self.command()
            // Wrapped lines joined: a message is one line, however wide the pane.
            .args(["capture-pane", "-p", "-J", "-t", "learn"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Waits until the screen holds every one of `texts`; the screen.
    fn wait_for_all(&self, texts: &[&str], what: &str) -> anyhow::Result<String> {
        if !wait_for(LIMIT, || texts.iter().all(|t| self.screen().contains(t))) {
            bail!("the screen never showed {what} ({texts:?}); it shows:\n{}", self.screen());
        }
        // The rest of a screen being printed.
        std::thread::sleep(Duration::from_millis(500));
        Ok(self.screen())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").status();
    }
}

/// Runs the watch in the copy and saves the stubs, then the wrong submission
/// `wrong` (its name and folder), then the solution at `root`, reading the
/// screen after each; prints the three screens.
pub fn drive(
    copy: &Path,
    rubric: &Rubric,
    stubs: &Path,
    wrong: (&str, &Path),
    root: &Path,
) -> anyhow::Result<()> {
    let fixtures =
        crate::kit::fixtures::Fixtures::load(&root.join(crate::kit::fixtures::FIXTURES))?;
    let fixture =
        fixtures.fixtures.iter().find(|f| f.name == wrong.0).context("no such fixture")?;
    let region = rubric.regions().find(|r| r.name == fixture.region).context("no region")?;
    put_in(root, rubric, stubs, copy)?;
    let tmux = Tmux { socket: format!("descent-learn-{}", std::process::id()) };
    // A learner's shell may keep backtraces on: the screen must not show them.
    let script = format!(
        "cd '{}' && env CARGO_TARGET_DIR='{}' RUST_BACKTRACE=1 cargo learn --watch; \
         echo '[the watch ended]'; sleep 3600",
        copy.display(),
        copy.join("target").display()
    );
    let status = tmux
        .command()
        .args(["new-session", "-d", "-s", "learn", "-x", "110", "-y", "70", &script])
        .status()
        .context("cannot start tmux (apt-get install tmux)")?;
    if !status.success() {
        bail!("tmux new-session failed");
    }
    let stub_screen = tmux.wait_for_all(&["total", "Watching your files"], "the stubs' check")?;
    println!("\n--- the stubs ---\n{}", stub_screen.trim_end());
    // The wrong answer: the file of the mistake's region, saved.
    std::fs::write(copy.join(&region.file), std::fs::read(wrong.1.join(&region.file))?)?;
    let wrong_screen = tmux.wait_for_all(
        &[&fixture.mistake, "Watching your files"],
        "the wrong answer's mistake named",
    )?;
    println!("\n--- {} saved ---\n{}", region.file, wrong_screen.trim_end());
    // The right answer: every file of the solution, saved.
    put_in(root, rubric, root, copy)?;
    let right_screen =
        tmux.wait_for_all(&["Every graded test passes", "[the watch ended]"], "full marks")?;
    println!("\n--- the solution saved ---\n{}", right_screen.trim_end());
    for (name, screen) in
        [("stubs", &stub_screen), ("wrong", &wrong_screen), ("right", &right_screen)]
    {
        if screen.contains("stack backtrace") || screen.contains("panicked at") {
            bail!("the {name} screen shows a backtrace or a raw panic:\n{screen}");
        }
    }
    Ok(())
}

/// Puts `submission`'s student crates into the copy (only the files that
/// differ are written, as an editor's save would).
pub fn put_in(root: &Path, rubric: &Rubric, submission: &Path, copy: &Path) -> anyhow::Result<()> {
    for krate in &rubric.course.student_crates {
        let src = Path::new(krate).join("src");
        trees::sync_tree(&submission.join(&src), &copy.join(&src), &|_| false)?;
    }
    // The course's proptest regression files, as the grader reads them (a
    // check writes a failing case into the copy's, as `cargo test` does).
    for file in trees::files_under(&root.join("tests/tests"))? {
        if file.extension().is_some_and(|e| e == "proptest-regressions") {
            trees::write_if_changed(&file, &copy.join(file.strip_prefix(root)?))?;
        }
    }
    Ok(())
}

/// Waits until `until` holds, at most `limit`.
pub fn wait_for(limit: Duration, mut until: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if until() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    until()
}

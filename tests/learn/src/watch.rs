//! `cargo learn --watch`: a check, then another on every save of the student's
//! files (the student crates' `src/`, as the rubric names them), the screen
//! cleared each time, until every graded test passes. The files are watched by
//! the operating system (the `notify` crate: inotify on Linux).

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context as _;
use descent_feedback::rubric::{RUBRIC, Rubric};
use notify::{RecursiveMode, Watcher as _};

/// Saves closer together than this are one save (editors write a file in steps).
const SETTLE: Duration = Duration::from_millis(200);

/// Clears the terminal and its scrollback, and puts the cursor at the top.
const CLEAR: &str = "\x1b[2J\x1b[3J\x1b[H";

/// Checks, then checks again on every save, until everything passes.
pub fn watch(root: &Path) -> anyhow::Result<bool> {
    let rubric = Rubric::load(&root.join(RUBRIC))?;
    let (sender, saves) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !event.kind.is_access()
            && event.paths.iter().any(|p| p.extension().is_some_and(|e| e == "rs"))
        {
            let _ = sender.send(());
        }
    })
    .context("cannot watch your files")?;
    for krate in &rubric.course.student_crates {
        let src = root.join(krate).join("src");
        watcher
            .watch(&src, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", src.display()))?;
    }
    loop {
        print!("{CLEAR}");
        println!("Checking your code…");
        let run = crate::check::check(root)?;
        print!("{CLEAR}{}", crate::screen::render(&run));
        if run.complete() {
            return Ok(true);
        }
        println!("\nWatching your files: save one to check again (Ctrl-C to stop).");
        saves.recv().context("the file watcher stopped")?;
        // The rest of this save, and any save right after it.
        while saves.recv_timeout(SETTLE).is_ok() {}
    }
}

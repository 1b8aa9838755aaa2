//! The record of `cargo xtask sweeps` as the figures and the numbers read it: the
//! window sweeps with the outcome of every run, and the best η of a fixed-budget
//! sweep.

use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow};
use sweep::{METHODS, Outcome, best, window};

use crate::sweeps::problems::{self, WindowProblem};
use crate::sweeps::record::Budgeted;

/// A problem of the window sweeps and, for each method of [`METHODS`], how the
/// run at each η of its grid ended (from `cargo xtask sweeps`).
pub struct Swept {
    /// The problem.
    pub problem: WindowProblem,
    /// `outcomes[k][i]`: method k at the i-th η.
    pub outcomes: Vec<Vec<Outcome>>,
}

impl Swept {
    /// Method k's best η and its steps, if any η reached the target.
    pub fn best(&self, k: usize) -> Option<(f64, usize)> {
        best(&self.problem.grid, &self.outcomes[k])
    }

    /// Method k's window: the smallest and largest η that reached the target,
    /// and how many points of the grid did.
    pub fn window(&self, k: usize) -> Option<(f64, f64, usize)> {
        window(&self.problem.grid, &self.outcomes[k])
    }
}

/// The window sweeps: the problems as the code defines them, with the outcomes
/// `cargo xtask sweeps` recorded for them. A problem whose grid or budget no longer
/// matches the record is an error that names the command to run.
fn read() -> Result<Vec<Swept>> {
    let record = crate::sweeps::load()?;
    problems::windows()?
        .into_iter()
        .map(|problem| {
            let window = record.window(problem.key)?;
            let names: Vec<&str> = METHODS.iter().map(|m| m.name).collect();
            if window.grid != problem.grid
                || window.max_steps != problem.budget.max_steps
                || window.target != problem.budget.target
                || window.methods != names
            {
                anyhow::bail!(
                    "the sweep of {} in {} was made with other settings: run `cargo xtask sweeps`",
                    problem.key,
                    crate::sweeps::FILE
                );
            }
            let outcomes = window
                .ended
                .iter()
                .map(|row| row.iter().map(|&e| Outcome::from(e)).collect())
                .collect();
            Ok(Swept { problem, outcomes })
        })
        .collect()
}

/// Every window sweep, read once and shared by the figures and the numbers.
pub fn sweeps() -> Result<&'static [Swept]> {
    static SWEEPS: OnceLock<Result<Vec<Swept>, String>> = OnceLock::new();
    SWEEPS
        .get_or_init(|| read().map_err(|e| format!("{e:#}")))
        .as_deref()
        .map_err(|e| anyhow!("{e}"))
}

/// The sweep of the problem `key`.
pub fn swept(key: &str) -> Result<&'static Swept> {
    sweeps()?.iter().find(|s| s.problem.key == key).with_context(|| format!("no sweep of {key}"))
}

/// The η of method k with the smallest final gap in a fixed-budget sweep.
pub fn best_eta(sweep: &Budgeted, k: usize) -> Result<f64> {
    sweep
        .best(k)
        .map(|(eta, _)| eta)
        .with_context(|| format!("{} diverged at every η on {}", sweep.methods[k], sweep.key))
}

//! What `cargo xtask sweeps` writes: every sweep's outcomes, as JSON the figures
//! read back ([`load`]) from the committed [`FILE`].

use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use serde::{Deserialize, Serialize};
use sweep::Outcome;

/// Where the sweeps are kept, relative to the workspace.
pub const FILE: &str = "book/src/figures/sweeps.json";

/// How one run ended, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ended {
    /// Reached the target at this step and held it.
    Reached(usize),
    /// Diverged at this step.
    Diverged(usize),
    /// Stalled with this last gap.
    Stalled(f64),
    /// Spent its budget still progressing, with this last gap.
    BudgetSpent(f64),
}

impl From<Outcome> for Ended {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Reached { step } => Self::Reached(step),
            Outcome::Diverged { step } => Self::Diverged(step),
            Outcome::Stalled { gap } => Self::Stalled(gap),
            Outcome::BudgetSpent { gap } => Self::BudgetSpent(gap),
        }
    }
}

impl From<Ended> for Outcome {
    fn from(ended: Ended) -> Self {
        match ended {
            Ended::Reached(step) => Self::Reached { step },
            Ended::Diverged(step) => Self::Diverged { step },
            Ended::Stalled(gap) => Self::Stalled { gap },
            Ended::BudgetSpent(gap) => Self::BudgetSpent { gap },
        }
    }
}

/// One problem swept by every method: steps to the target, or how each run failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// The problem's key ("ellipse").
    pub key: String,
    /// The learning rates tried.
    pub grid: Vec<f64>,
    /// The step budget of every run.
    pub max_steps: usize,
    /// The gap J − J* that counts as arrived.
    pub target: f64,
    /// The method names, in the order of `ended`.
    pub methods: Vec<String>,
    /// `ended[k][i]`: method k at the i-th η.
    pub ended: Vec<Vec<Ended>>,
}

/// Where a run with a fixed number of steps ended: its gap, or its divergence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Final {
    /// J(w_T) − J* after the last step.
    Gap(f64),
    /// The run diverged at this step.
    Diverged(usize),
}

impl Final {
    /// The gap, if the run did not diverge.
    pub fn gap(self) -> Option<f64> {
        match self {
            Self::Gap(gap) => Some(gap),
            Self::Diverged(_) => None,
        }
    }
}

/// A problem on which each method runs a fixed number of steps (or epochs) at each
/// η: where it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budgeted {
    /// The problem's key ("breast-cancer-raw").
    pub key: String,
    /// The learning rates tried.
    pub grid: Vec<f64>,
    /// Steps (or, for minibatch runs, epochs) of every run.
    pub length: usize,
    /// The method names, in the order of `ended`.
    pub methods: Vec<String>,
    /// `ended[k][i]`: method k at the i-th η.
    pub ended: Vec<Vec<Final>>,
}

impl Budgeted {
    /// Method k's η with the smallest final gap, and that gap.
    pub fn best(&self, k: usize) -> Option<(f64, f64)> {
        self.grid
            .iter()
            .zip(&self.ended[k])
            .filter_map(|(&eta, ended)| ended.gap().map(|gap| (eta, gap)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// Everything `cargo xtask sweeps` computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Steps to the target against η, on the course's small problems.
    pub windows: Vec<Window>,
    /// A fixed budget of full-batch steps on real data and on rare features.
    pub budgeted: Vec<Budgeted>,
    /// A fixed number of epochs of minibatch steps.
    pub minibatch: Vec<Budgeted>,
    /// The optimizer steps all the sweeps took.
    pub steps: u64,
}

impl Record {
    /// The window sweep of `key`.
    pub fn window(&self, key: &str) -> anyhow::Result<&Window> {
        self.windows.iter().find(|w| w.key == key).ok_or_else(|| {
            anyhow::anyhow!("sweeps.json has no window of {key}: run `cargo xtask sweeps`")
        })
    }

    /// The fixed-budget sweep of `key`, among full-batch and minibatch ones.
    pub fn budgeted(&self, key: &str) -> anyhow::Result<&Budgeted> {
        self.budgeted.iter().chain(&self.minibatch).find(|b| b.key == key).ok_or_else(|| {
            anyhow::anyhow!("sweeps.json has no sweep of {key}: run `cargo xtask sweeps`")
        })
    }
}

/// The key of the minibatch sweep with batches of `batch_size`.
pub fn minibatch_key(batch_size: usize) -> String {
    format!("minibatch-{batch_size}")
}

/// The record as the committed file holds it: pretty JSON with a final newline.
pub fn to_json(record: &Record) -> Result<String> {
    Ok(serde_json::to_string_pretty(record)? + "\n")
}

/// The committed sweeps, read once.
pub fn load() -> Result<&'static Record> {
    static RECORD: OnceLock<Result<Record, String>> = OnceLock::new();
    RECORD
        .get_or_init(|| crate::generated::read_committed(FILE))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

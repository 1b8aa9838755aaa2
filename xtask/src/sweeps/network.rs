//! The network chapter's sweeps: every method on the digits, tuned on the
//! validation set, reported on the test set, and a random search for the
//! tuning-budget curve. Kept in `book/src/figures/network.json`.
//!
//! 1. **Grid**: each method at every η of [`grid()`] (a half-decade log grid), from
//!    [`SEARCH_SEEDS`] seeds (a seed sets both the start and the batches), with
//!    its default second setting; its score is the mean validation accuracy after
//!    [`EPOCHS`] epochs, a diverged run scoring 0.
//! 2. **Best**: each method at its best η of the grid, from [`FINAL_SEEDS`] other
//!    seeds, with its curves (training loss and validation accuracy per epoch) and
//!    its final training loss and test accuracy. The test set is read here only.
//! 3. **Random search**: [`TRIALS`] random settings per method
//!    (`network::tuning::random_settings`), one seed each, their validation
//!    accuracies, and the expected best of k = 1 … 32 of them.
//!
//! Every run depends on its own settings alone, so the file is the same on any
//! number of cores.

use anyhow::{Result, anyhow};
use network::tuning::{expected_best, random_settings};
use network::{Classifier, Method, Setting, Training, train};
use objectives::Objective;
use serde::{Deserialize, Serialize};

use super::parallel;

/// Where the network sweeps are kept, relative to the workspace.
pub const FILE: &str = "book/src/figures/network.json";

/// Epochs of every run.
pub const EPOCHS: usize = 12;

/// Samples per batch.
pub const BATCH_SIZE: usize = 32;

/// The seeds of the grid search.
pub const SEARCH_SEEDS: [u64; 3] = [0, 1, 2];

/// The seeds of the runs at the best η: not those the η was chosen on.
pub const FINAL_SEEDS: [u64; 5] = [10, 11, 12, 13, 14];

/// The random-search trials per method.
pub const TRIALS: usize = 32;

/// The seed of the random search's settings (a method's own stream is this plus
/// its index) and of its runs (trial i runs from seed 100 + i).
pub const SEARCH_SETTINGS_SEED: u64 = 25;

/// The learning rates of the grid: 10⁻⁴ to 10^0.5 in half decades (on a grid
/// that ended at 1, SGD's best was its edge: the grid now reaches past it).
pub fn grid() -> Vec<f64> {
    (0..10).map(|i| 10f64.powf(-4.0 + 0.5 * f64::from(i))).collect()
}

/// Where one run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunEnd {
    /// The training loss J(w) after the last epoch (`None`: diverged).
    pub training_loss: Option<f64>,
    /// The validation accuracy after the last epoch (0 if diverged).
    pub validation_accuracy: f64,
}

/// A run at a method's best η, epoch by epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestRun {
    /// Its seed.
    pub seed: u64,
    /// The training loss after each epoch.
    pub training_loss: Vec<f64>,
    /// The validation accuracy after each epoch.
    pub validation_accuracy: Vec<f64>,
    /// The test accuracy after the last epoch.
    pub test_accuracy: f64,
}

/// One method's sweeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodRecord {
    /// Its name.
    pub name: String,
    /// Whether it divides by a root of squared gradients.
    pub adaptive: bool,
    /// Its default second setting, used on the grid (0 where it has none).
    pub second: f64,
    /// `grid[i][s]`: the run at the i-th η from the s-th search seed.
    pub grid: Vec<Vec<RunEnd>>,
    /// The η with the best mean validation accuracy on the grid.
    pub best_learning_rate: f64,
    /// The runs at that η, one per final seed.
    pub best: Vec<BestRun>,
    /// The random search's settings (η, second) and validation accuracies.
    pub trials: Vec<(f64, f64, f64)>,
    /// The expected best validation accuracy of k = 1 … 32 random trials.
    pub expected_best: Vec<f64>,
}

/// Everything the network sweeps computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkRecord {
    /// Training, validation and test images.
    pub split: (usize, usize, usize),
    /// Epochs of every run.
    pub epochs: usize,
    /// Samples per batch.
    pub batch_size: usize,
    /// The learning rates of the grid.
    pub grid: Vec<f64>,
    /// The grid's seeds.
    pub search_seeds: Vec<u64>,
    /// The final runs' seeds.
    pub final_seeds: Vec<u64>,
    /// Per method, in the course's order.
    pub methods: Vec<MethodRecord>,
    /// The epochs all the runs were given (a diverged run stops earlier).
    pub epochs_run: u64,
}

/// The three sets of the course's split.
struct Sets {
    train: Classifier,
    validation: Classifier,
    test: Classifier,
}

/// The classifiers of the three sets (cheap: a copy of the pixels, divided by 16).
fn sets(split: &datasets::DigitsSplit) -> Result<Sets> {
    Ok(Sets {
        train: Classifier::digits(&split.train, 0.0)?,
        validation: Classifier::digits(&split.validation, 0.0)?,
        test: Classifier::digits(&split.test, 0.0)?,
    })
}

/// One run of `method` with `setting` from `seed`; `per_epoch` sees the weights
/// after every epoch. Returns the final weights, or `None` if it diverged.
fn run(
    sets: &Sets,
    method: Method,
    setting: Setting,
    seed: u64,
    per_epoch: impl FnMut(usize, &[f64]),
) -> Result<Option<Vec<f64>>> {
    let mut optimizer = method.build(setting, sets.train.dimension())?;
    let mut w = sets.train.shape().initialize(seed);
    let training = Training { batch_size: BATCH_SIZE, epochs: EPOCHS, seed };
    match train(&sets.train, optimizer.as_mut(), &mut w, training, per_epoch) {
        Ok(()) => Ok(Some(w)),
        Err(network::TrainingError::Diverged { .. }) => Ok(None),
        Err(error) => Err(anyhow!("{method}: {error}")),
    }
}

/// A run's end: its training loss and validation accuracy (a non-finite loss,
/// possible even with finite weights, counts as diverged).
fn end(sets: &Sets, weights: Option<Vec<f64>>) -> RunEnd {
    match weights {
        Some(w) => {
            let loss = sets.train.value(&w);
            if loss.is_finite() {
                RunEnd {
                    training_loss: Some(loss),
                    validation_accuracy: sets.validation.accuracy(&w),
                }
            } else {
                RunEnd { training_loss: None, validation_accuracy: 0.0 }
            }
        }
        None => RunEnd { training_loss: None, validation_accuracy: 0.0 },
    }
}

/// Every network sweep, computed on every core. Each job builds its own copy of
/// the data (a `Classifier` keeps its working memory inside and is not `Sync`).
pub fn compute() -> Result<NetworkRecord> {
    let split = datasets::digits()?.split(datasets::DIGITS_SPLIT_SEED)?;
    let grid = grid();
    let methods = Method::ALL;

    // 1. The grid and 3. the random search, as one job list.
    let grid_jobs: Vec<(usize, usize, u64)> = (0..methods.len())
        .flat_map(|m| {
            let grid = &grid;
            (0..grid.len()).flat_map(move |i| SEARCH_SEEDS.iter().map(move |&s| (m, i, s)))
        })
        .collect();
    let searched: Vec<Vec<Setting>> = methods
        .iter()
        .enumerate()
        .map(|(m, &method)| random_settings(method, TRIALS, SEARCH_SETTINGS_SEED + m as u64))
        .collect();
    let trial_jobs: Vec<(usize, usize)> =
        (0..methods.len()).flat_map(|m| (0..TRIALS).map(move |t| (m, t))).collect();
    let ends = parallel::map(grid_jobs.len() + trial_jobs.len(), |j| -> Result<RunEnd> {
        let sets = sets(&split)?;
        let (method, setting, seed) = if j < grid_jobs.len() {
            let (m, i, seed) = grid_jobs[j];
            let method = methods[m];
            (method, Setting { learning_rate: grid[i], second: method.default_second() }, seed)
        } else {
            let (m, t) = trial_jobs[j - grid_jobs.len()];
            (methods[m], searched[m][t], 100 + t as u64)
        };
        Ok(end(&sets, run(&sets, method, setting, seed, |_, _| {})?))
    });
    let mut ends = ends.into_iter().collect::<Result<Vec<_>>>()?.into_iter();
    let mut grids = Vec::new();
    for _ in methods {
        let mut rows = Vec::new();
        for _ in &grid {
            rows.push(ends.by_ref().take(SEARCH_SEEDS.len()).collect::<Vec<_>>());
        }
        grids.push(rows);
    }
    let trials: Vec<Vec<RunEnd>> =
        methods.iter().map(|_| ends.by_ref().take(TRIALS).collect()).collect();

    // 2. The best η of each method (ties: the smaller η), from the other seeds.
    let best_learning_rates: Vec<f64> = grids
        .iter()
        .map(|rows| {
            let mut best = (0, f64::NEG_INFINITY);
            for (i, runs) in rows.iter().enumerate() {
                let mean =
                    runs.iter().map(|r| r.validation_accuracy).sum::<f64>() / runs.len() as f64;
                if mean > best.1 {
                    best = (i, mean);
                }
            }
            grid[best.0]
        })
        .collect();
    let final_jobs: Vec<(usize, u64)> =
        (0..methods.len()).flat_map(|m| FINAL_SEEDS.iter().map(move |&s| (m, s))).collect();
    let finals = parallel::map(final_jobs.len(), |j| -> Result<BestRun> {
        let sets = sets(&split)?;
        let (m, seed) = final_jobs[j];
        let method = methods[m];
        let setting =
            Setting { learning_rate: best_learning_rates[m], second: method.default_second() };
        let (mut training_loss, mut validation_accuracy) = (Vec::new(), Vec::new());
        let weights = run(&sets, method, setting, seed, |_, w| {
            training_loss.push(sets.train.value(w));
            validation_accuracy.push(sets.validation.accuracy(w));
        })?
        .ok_or_else(|| {
            anyhow!("{method} diverged at its best η {} from seed {seed}", setting.learning_rate)
        })?;
        Ok(BestRun {
            seed,
            training_loss,
            validation_accuracy,
            test_accuracy: sets.test.accuracy(&weights),
        })
    });
    let mut finals = finals.into_iter();

    let mut records = Vec::new();
    for (m, (&method, (rows, tried))) in
        methods.iter().zip(grids.into_iter().zip(trials)).enumerate()
    {
        let best = finals.by_ref().take(FINAL_SEEDS.len()).collect::<Result<Vec<_>>>()?;
        let scores: Vec<f64> = tried.iter().map(|r| r.validation_accuracy).collect();
        records.push(MethodRecord {
            name: method.name().to_owned(),
            adaptive: method.is_adaptive(),
            second: method.default_second(),
            grid: rows,
            best_learning_rate: best_learning_rates[m],
            best,
            trials: searched[m]
                .iter()
                .zip(&scores)
                .map(|(s, &v)| (s.learning_rate, s.second, v))
                .collect(),
            expected_best: (1..=32).map(|k| expected_best(&scores, k)).collect(),
        });
    }
    let runs = grid_jobs.len() + trial_jobs.len() + final_jobs.len();
    Ok(NetworkRecord {
        split: (split.train.samples(), split.validation.samples(), split.test.samples()),
        epochs: EPOCHS,
        batch_size: BATCH_SIZE,
        grid,
        search_seeds: SEARCH_SEEDS.to_vec(),
        final_seeds: FINAL_SEEDS.to_vec(),
        methods: records,
        epochs_run: (runs * EPOCHS) as u64,
    })
}

impl MethodRecord {
    /// The mean and the sample standard deviation of `value` over the runs at the
    /// best η.
    pub fn spread(&self, value: impl Fn(&BestRun) -> f64) -> (f64, f64) {
        let values: Vec<f64> = self.best.iter().map(value).collect();
        mean_and_deviation(&values)
    }
}

/// The mean of `values` and their sample standard deviation (divided by n − 1; 0
/// for one value).
pub fn mean_and_deviation(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let squares = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>();
    (mean, (squares / (n - 1.0)).sqrt())
}

/// The committed network sweeps, read once.
pub fn load() -> Result<&'static NetworkRecord> {
    static RECORD: std::sync::OnceLock<Result<NetworkRecord, String>> = std::sync::OnceLock::new();
    RECORD
        .get_or_init(|| crate::generated::read_committed(FILE))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

/// The record as the committed file holds it: pretty JSON with a final newline.
pub fn to_json(record: &NetworkRecord) -> Result<String> {
    Ok(serde_json::to_string_pretty(record)? + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example `digits` tells the learner that its learning rates are the
    /// sweep's best: each `Method::X => η,` line of it must be the committed
    /// network.json's best η to its three significant digits.
    #[test]
    fn the_digits_example_uses_the_best_learning_rates_of_the_sweep() {
        let record = load().unwrap();
        let root = crate::workspace::root();
        let source =
            std::fs::read_to_string(root.join("crates/network/examples/digits.rs")).unwrap();
        let line = regex::Regex::new(r"Method::(\w+) => ([0-9.]+),").unwrap();
        let rates: Vec<(String, f64)> =
            line.captures_iter(&source).map(|c| (c[1].to_owned(), c[2].parse().unwrap())).collect();
        assert_eq!(rates.len(), Method::ALL.len(), "one line per method: {rates:?}");
        for (method, recorded) in Method::ALL.iter().zip(&record.methods) {
            let variant = format!("{method:?}");
            let (_, eta) = rates.iter().find(|(name, _)| *name == variant).unwrap();
            let best = recorded.best_learning_rate;
            assert!(
                (eta - best).abs() <= 2e-3 * best,
                "the example gives {variant} η = {eta}, the sweep's best is {best}"
            );
        }
    }
}

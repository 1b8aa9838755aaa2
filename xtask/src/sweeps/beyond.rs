//! The chapter "Beyond the diagonal"'s network sweeps: the digits network
//! trained with each matrix method against AdamW. Kept in
//! `book/src/figures/beyond-network.json`.
//!
//! Each matrix method (Muon, Adafactor, Lion, Shampoo) steps the two weight
//! matrices through a [`Blockwise`] layout, W₁ (64 × 32) and W₂ (32 × 10), and the
//! biases with AdamW at the network sweep's best AdamW η, as Muon's users do;
//! AdamW alone steps the whole slice as in the network chapter. The question is
//! how many steps each needs to reach a validation accuracy of
//! [`TARGET_ACCURACY`], checked after every epoch.
//!
//! Shampoo steps the matrices too, with its roots computed at every step: its
//! two eigen-decompositions per step (64 × 64 and 32 × 32 on the first layer)
//! make one run of twelve epochs take about three seconds, the most of the
//! race. (With the roots kept for ten steps at a time, as the paper's
//! large-scale version does, and ε = 1e-10, it did not learn at all: the first
//! roots, from one gradient, are ε^(−¼) ≈ 316 in every direction that gradient
//! missed.)
//!
//! 1. **Grid**: each method at every η of its window of [`grid()`] from [`SEARCH_SEEDS`]; its
//!    score is the mean number of epochs to the target (a run that never reaches
//!    it counts as one epoch past the last), ties broken by the higher mean final
//!    validation accuracy, then by the smaller η.
//! 2. **Best**: each method at its best η from [`FINAL_SEEDS`], other seeds: the
//!    steps to the target and the final validation and test accuracies. The test
//!    set is read here only, never to choose anything.
//!
//! Wall time is not kept here (the file must be the same on any machine): the
//! bench times one step of each method, and the chapter multiplies.

use anyhow::{Result, anyhow};
use beyond::{AdafactorConfig, Blockwise, Layout, LionConfig, MuonConfig, ShampooConfig, Shape};
use gd::Optimizer;
use momentum::{AdamConfig, PYTORCH_ADAMW_DECAY, adamw};
use network::{Classifier, Training, train};
use serde::{Deserialize, Serialize};

use super::network::{BATCH_SIZE, EPOCHS};
use super::parallel;

/// Where these sweeps are kept, relative to the workspace.
pub const FILE: &str = "book/src/figures/beyond-network.json";

/// The validation accuracy each method races to.
pub const TARGET_ACCURACY: f64 = 0.95;

/// The seeds of the grid search.
pub const SEARCH_SEEDS: [u64; 2] = [0, 1];

/// The seeds of the runs at the best η: not those the η was chosen on.
pub const FINAL_SEEDS: [u64; 3] = [10, 11, 12];

/// The learning rates of the grid: 10^−3.5 to 10^0.5 in half decades. Each
/// method runs on a window of five of them ([`MatrixMethod::window`]).
pub fn grid() -> Vec<f64> {
    (0..9).map(|i| 10f64.powf(-3.5 + 0.5 * f64::from(i))).collect()
}

/// How many η of the grid each method runs.
pub const WINDOW: usize = 5;

/// The methods compared, in the chapter's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixMethod {
    /// AdamW on the whole slice (PyTorch's defaults, λ = 0.01).
    AdamW,
    /// `optax.contrib.muon` on the matrices (its (in, out) orientation is the
    /// network's), AdamW on the biases.
    Muon,
    /// `torch.optim.Adafactor` on the matrices, AdamW on the biases.
    Adafactor,
    /// `optax.lion` (λ = 1e-3) on the matrices, AdamW on the biases.
    Lion,
    /// Shampoo (ε = 1e-10, its roots at every step) on the matrices, AdamW on
    /// the biases.
    Shampoo,
}

impl MatrixMethod {
    /// All five, in the chapter's order.
    pub const ALL: [Self; 5] =
        [Self::AdamW, Self::Muon, Self::Adafactor, Self::Lion, Self::Shampoo];

    /// The index in [`grid()`] of the first of its [`WINDOW`] learning rates: the
    /// five half decades around where its validation accuracy peaked on the whole
    /// grid (10^−3.5 to 10^1, two seeds) in a first run, so that its best η is
    /// inside the window, not at an edge.
    pub fn window(self) -> usize {
        match self {
            Self::AdamW => 2,     // 10^−2.5 … 10^−0.5, best 10^−1.5
            Self::Muon => 3,      // 10^−2 … 10^0, best 10^−1
            Self::Adafactor => 4, // 10^−1.5 … 10^0.5, best 10^−1
            Self::Lion => 1,      // 10^−3 … 10^−1, best 10^−2
            Self::Shampoo => 4,   // 10^−1.5 … 10^0.5, best 10^0
        }
    }

    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::AdamW => "AdamW",
            Self::Muon => "Muon",
            Self::Adafactor => "Adafactor",
            Self::Lion => "Lion",
            Self::Shampoo => "Shampoo",
        }
    }

    /// The optimizer of the whole network at η, the biases (for a matrix method)
    /// at `bias_learning_rate` with AdamW.
    ///
    /// # Errors
    /// If a setting is out of its range.
    pub fn build(
        self,
        learning_rate: f64,
        bias_learning_rate: f64,
        shape: network::Shape,
    ) -> Result<Box<dyn Optimizer>> {
        let adamw_of =
            |eta: f64, n: usize| -> Result<Box<dyn Optimizer>, gd::HyperParameterError> {
                Ok(Box::new(adamw(AdamConfig::pytorch(eta), PYTORCH_ADAMW_DECAY, n)?))
            };
        if self == Self::AdamW {
            return Ok(adamw_of(learning_rate, shape.dimension())?);
        }
        let (inputs, hidden, classes) = (shape.inputs(), shape.hidden(), shape.classes());
        let layout = Layout::new(vec![
            Shape::Matrix { rows: inputs, cols: hidden },
            Shape::Vector(hidden),
            Shape::Matrix { rows: hidden, cols: classes },
            Shape::Vector(classes),
        ]);
        let eta = learning_rate;
        let blockwise = Blockwise::new(
            layout,
            |rows, cols| -> Result<Box<dyn Optimizer>, gd::HyperParameterError> {
                Ok(match self {
                    Self::Muon => Box::new(MuonConfig::optax(eta).build(rows, cols)?),
                    Self::Adafactor => Box::new(AdafactorConfig::pytorch(eta).build(rows, cols)?),
                    Self::Lion => Box::new(LionConfig::optax(eta).build(rows * cols)?),
                    Self::Shampoo => Box::new(ShampooConfig::new(eta).build(rows, cols)?),
                    Self::AdamW => unreachable!("AdamW steps the whole slice, built above"),
                })
            },
            |n| adamw_of(bias_learning_rate, n),
        )?;
        Ok(Box::new(blockwise))
    }
}

/// Where one run got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Race {
    /// The first epoch after which the validation accuracy reached the target
    /// (`None`: never, or diverged).
    pub epochs_to_target: Option<usize>,
    /// The validation accuracy after the last epoch (0 if diverged).
    pub validation_accuracy: f64,
}

/// A run at a method's best η.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestRace {
    /// Its seed.
    pub seed: u64,
    /// Where it got.
    pub race: Race,
    /// The optimizer steps to the target (epochs × steps per epoch).
    pub steps_to_target: Option<usize>,
    /// The test accuracy after the last epoch (0 if diverged).
    pub test_accuracy: f64,
}

/// One method's sweeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodRaces {
    /// Its name.
    pub name: String,
    /// Its learning rates: its window of the grid.
    pub learning_rates: Vec<f64>,
    /// `grid[i][s]`: the run at the i-th of its η from the s-th search seed.
    pub grid: Vec<Vec<Race>>,
    /// The η with the best score on the grid.
    pub best_learning_rate: f64,
    /// The runs at that η, one per final seed.
    pub best: Vec<BestRace>,
}

/// Everything these sweeps computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeyondRecord {
    /// The validation accuracy raced to.
    pub target_accuracy: f64,
    /// Epochs of every run.
    pub epochs: usize,
    /// Samples per batch.
    pub batch_size: usize,
    /// Optimizer steps per epoch.
    pub steps_per_epoch: usize,
    /// The AdamW η of the biases under a matrix method (the network sweep's best
    /// AdamW η).
    pub bias_learning_rate: f64,
    /// The learning rates of the grid.
    pub grid: Vec<f64>,
    /// The grid's seeds.
    pub search_seeds: Vec<u64>,
    /// The final runs' seeds.
    pub final_seeds: Vec<u64>,
    /// Per method, in the chapter's order.
    pub methods: Vec<MethodRaces>,
    /// The epochs all the runs were given (a diverged run stops earlier).
    pub epochs_run: u64,
}

/// The three sets of the course's split.
struct Sets {
    train: Classifier,
    validation: Classifier,
    test: Classifier,
}

/// One run: the race, and the final weights unless it diverged.
fn race(
    sets: &Sets,
    method: MatrixMethod,
    learning_rate: f64,
    bias_learning_rate: f64,
    seed: u64,
) -> Result<(Race, Option<Vec<f64>>)> {
    let shape = sets.train.shape();
    let mut optimizer = method.build(learning_rate, bias_learning_rate, shape)?;
    let mut w = shape.initialize(seed);
    let training = Training { batch_size: BATCH_SIZE, epochs: EPOCHS, seed };
    let mut epochs_to_target = None;
    let outcome = train(&sets.train, optimizer.as_mut(), &mut w, training, |epoch, w| {
        if epochs_to_target.is_none() && sets.validation.accuracy(w) >= TARGET_ACCURACY {
            epochs_to_target = Some(epoch);
        }
    });
    match outcome {
        Ok(()) => {
            let race = Race { epochs_to_target, validation_accuracy: sets.validation.accuracy(&w) };
            Ok((race, Some(w)))
        }
        Err(network::TrainingError::Diverged { .. }) => {
            Ok((Race { epochs_to_target: None, validation_accuracy: 0.0 }, None))
        }
        Err(error) => Err(anyhow!("{}: {error}", method.name())),
    }
}

/// The grid's score of one η: the mean epochs to the target (never: one past the
/// last), lower is better, and the mean final validation accuracy.
fn score(runs: &[Race]) -> (f64, f64) {
    let n = runs.len() as f64;
    let epochs = runs.iter().map(|r| r.epochs_to_target.unwrap_or(EPOCHS + 1) as f64).sum::<f64>();
    let accuracy = runs.iter().map(|r| r.validation_accuracy).sum::<f64>();
    (epochs / n, accuracy / n)
}

/// Every sweep of the chapter, on every core, with the biases' AdamW at
/// `bias_learning_rate`.
pub fn compute(bias_learning_rate: f64) -> Result<BeyondRecord> {
    let split = datasets::digits()?.split(datasets::DIGITS_SPLIT_SEED)?;
    let sets = || -> Result<Sets> {
        Ok(Sets {
            train: Classifier::digits(&split.train, 0.0)?,
            validation: Classifier::digits(&split.validation, 0.0)?,
            test: Classifier::digits(&split.test, 0.0)?,
        })
    };
    let grid = grid();
    let methods = MatrixMethod::ALL;
    let rates: Vec<Vec<f64>> =
        methods.iter().map(|m| grid[m.window()..][..WINDOW].to_vec()).collect();
    let jobs: Vec<(usize, usize, u64)> = (0..methods.len())
        .flat_map(|m| (0..WINDOW).flat_map(move |i| SEARCH_SEEDS.iter().map(move |&s| (m, i, s))))
        .collect();
    let races = parallel::map(jobs.len(), |j| -> Result<Race> {
        let (m, i, seed) = jobs[j];
        Ok(race(&sets()?, methods[m], rates[m][i], bias_learning_rate, seed)?.0)
    });
    let mut races = races.into_iter().collect::<Result<Vec<_>>>()?.into_iter();
    let grids: Vec<Vec<Vec<Race>>> = methods
        .iter()
        .map(|_| (0..WINDOW).map(|_| races.by_ref().take(SEARCH_SEEDS.len()).collect()).collect())
        .collect();

    // The best η: fewest mean epochs, then the higher accuracy, then the smaller η.
    let best_learning_rates: Vec<f64> = grids
        .iter()
        .zip(&rates)
        .map(|(rows, rates)| {
            let mut best = (0, score(&rows[0]));
            for (i, runs) in rows.iter().enumerate().skip(1) {
                let (epochs, accuracy) = score(runs);
                if epochs < best.1.0 || (epochs == best.1.0 && accuracy > best.1.1) {
                    best = (i, (epochs, accuracy));
                }
            }
            rates[best.0]
        })
        .collect();
    let steps_per_epoch = split.train.samples().div_ceil(BATCH_SIZE);
    let final_jobs: Vec<(usize, u64)> =
        (0..methods.len()).flat_map(|m| FINAL_SEEDS.iter().map(move |&s| (m, s))).collect();
    let finals = parallel::map(final_jobs.len(), |j| -> Result<BestRace> {
        let sets = sets()?;
        let (m, seed) = final_jobs[j];
        let (race, weights) =
            race(&sets, methods[m], best_learning_rates[m], bias_learning_rate, seed)?;
        Ok(BestRace {
            seed,
            steps_to_target: race.epochs_to_target.map(|e| e * steps_per_epoch),
            test_accuracy: weights.map_or(0.0, |w| sets.test.accuracy(&w)),
            race,
        })
    });
    let mut finals = finals.into_iter();
    let mut records = Vec::new();
    for (m, (method, rows)) in methods.iter().zip(grids).enumerate() {
        records.push(MethodRaces {
            name: method.name().to_owned(),
            learning_rates: rates[m].clone(),
            grid: rows,
            best_learning_rate: best_learning_rates[m],
            best: finals.by_ref().take(FINAL_SEEDS.len()).collect::<Result<Vec<_>>>()?,
        });
    }
    Ok(BeyondRecord {
        target_accuracy: TARGET_ACCURACY,
        epochs: EPOCHS,
        batch_size: BATCH_SIZE,
        steps_per_epoch,
        bias_learning_rate,
        grid,
        search_seeds: SEARCH_SEEDS.to_vec(),
        final_seeds: FINAL_SEEDS.to_vec(),
        methods: records,
        epochs_run: ((jobs.len() + final_jobs.len()) * EPOCHS) as u64,
    })
}

/// The record as the committed file holds it: pretty JSON with a final newline.
pub fn to_json(record: &BeyondRecord) -> Result<String> {
    Ok(serde_json::to_string_pretty(record)? + "\n")
}

/// The committed sweeps, read once.
pub fn load() -> Result<&'static BeyondRecord> {
    static RECORD: std::sync::OnceLock<Result<BeyondRecord, String>> = std::sync::OnceLock::new();
    RECORD
        .get_or_init(|| crate::generated::read_committed(FILE))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A best η at the edge of its window could be beaten past it: every method's
    /// best must be one of the three inner η of its window.
    #[test]
    fn each_methods_best_learning_rate_is_inside_its_window() {
        let record = load().unwrap();
        assert_eq!(record.methods.len(), MatrixMethod::ALL.len());
        for (method, recorded) in MatrixMethod::ALL.iter().zip(&record.methods) {
            assert_eq!(recorded.name, method.name());
            let rates = &recorded.learning_rates;
            let at = rates.iter().position(|&r| r == recorded.best_learning_rate);
            assert!(
                matches!(at, Some(i) if i > 0 && i + 1 < rates.len()),
                "{}: best η {} at the edge of {rates:?}",
                method.name(),
                recorded.best_learning_rate
            );
        }
    }

    /// The biases' AdamW η is the network chapter's best AdamW η.
    #[test]
    fn the_biases_step_at_the_network_sweeps_best_adamw_rate() {
        let record = load().unwrap();
        let network = super::super::network::load().unwrap();
        let adamw = network.methods.iter().find(|m| m.name == "AdamW").unwrap();
        assert_eq!(record.bias_learning_rate, adamw.best_learning_rate);
    }
}

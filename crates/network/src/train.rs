//! Training on minibatches: epochs of seeded batches, one optimizer step per
//! batch, and a stop with a reason when anything stops being a number.
//!
//! Each epoch shuffles the training samples afresh (the ChaCha8 stream of the
//! seed, `datasets::BatchSampler` without replacement) and cuts the shuffle into
//! batches of b samples, the last one shorter when b does not divide N; each batch
//! gives the mean gradient ∇J_B(w) of [`Classifier::batch_loss_and_gradient`] and
//! one step of the optimizer, any optimizer of the course:
//!
//! > w ← step(w, ∇J_B(w)),   ⌈N/b⌉ steps per epoch.
//!
//! `gd::minimize` is not used here: it evaluates the full loss after every step,
//! which on a network costs a whole epoch's forward passes per step. The caller
//! sees the weights after each epoch instead, and measures what it wants on them.

use std::fmt;

use datasets::{BatchError, BatchSampler, Sampling};
use gd::Optimizer;

use crate::classifier::Classifier;

/// How to train: the batch size b, the number of epochs and the batches' seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Training {
    /// Samples per batch.
    pub batch_size: usize,
    /// Passes over the training samples.
    pub epochs: usize,
    /// The seed of the batches' shuffles.
    pub seed: u64,
}

/// Why a run stopped before its last epoch.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainingError {
    /// The batch size does not fit the data.
    Batch(BatchError),
    /// A batch's loss or the weights after a step stopped being finite.
    Diverged {
        /// The epoch, from 1.
        epoch: usize,
        /// The step within it, from 1.
        step: usize,
        /// What was not finite.
        reason: &'static str,
    },
}

impl fmt::Display for TrainingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Batch(error) => write!(f, "{error}"),
            Self::Diverged { epoch, step, reason } => {
                write!(f, "diverged at step {step} of epoch {epoch}: {reason}")
            }
        }
    }
}

impl std::error::Error for TrainingError {}

/// Trains `weights` on `problem` with `optimizer` as `training` says, calling
/// `after_epoch(epoch, weights)` after each epoch (from 1).
///
/// # Errors
/// [`TrainingError::Batch`] if the batch size is 0 or exceeds the samples;
/// [`TrainingError::Diverged`] as soon as a batch's loss or a weight is NaN or
/// infinite (the weights are then left as that step made them).
///
/// # Panics
/// If `weights` or the optimizer's state do not have the problem's dimension,
/// naming both lengths.
// ANCHOR: train
pub fn train<O: Optimizer + ?Sized>(
    problem: &Classifier,
    optimizer: &mut O,
    weights: &mut [f64],
    training: Training,
    mut after_epoch: impl FnMut(usize, &[f64]),
) -> Result<(), TrainingError> {
    let samples = objectives::FiniteSum::samples(problem);
    let mut batches = BatchSampler::new(
        samples,
        training.batch_size,
        Sampling::WithoutReplacement,
        training.seed,
    )
    .map_err(TrainingError::Batch)?;
    let mut gradient = vec![0.0; weights.len()];
    let steps = batches.batches_per_epoch();
    for epoch in 1..=training.epochs {
        for step in 1..=steps {
            let loss =
                problem.batch_loss_and_gradient(weights, batches.next_batch(), &mut gradient);
            if !loss.is_finite() {
                return Err(TrainingError::Diverged {
                    epoch,
                    step,
                    reason: "the batch loss is not finite",
                });
            }
            optimizer.step(weights, &gradient);
            if !weights.iter().all(|w| w.is_finite()) {
                return Err(TrainingError::Diverged {
                    epoch,
                    step,
                    reason: "a weight is not finite",
                });
            }
        }
        after_epoch(epoch, weights);
    }
    Ok(())
}
// ANCHOR_END: train

#[cfg(test)]
mod tests {
    use super::*;
    use objectives::Objective;

    fn digits() -> (Classifier, Classifier) {
        let split = datasets::digits().unwrap().split(datasets::DIGITS_SPLIT_SEED).unwrap();
        (
            Classifier::digits(&split.train, 0.0).unwrap(),
            Classifier::digits(&split.validation, 0.0).unwrap(),
        )
    }

    #[test]
    fn a_few_epochs_of_minibatch_gradient_descent_learn_the_digits() {
        let (train_set, validation) = digits();
        let mut w = train_set.shape().initialize(0);
        let start = train_set.value(&w);
        let mut optimizer = gd::GradientDescent::new(0.5).unwrap();
        let mut losses = Vec::new();
        let training = Training { batch_size: 32, epochs: 5, seed: 0 };
        train(&train_set, &mut optimizer, &mut w, training, |_, w| losses.push(train_set.value(w)))
            .unwrap();
        assert_eq!(losses.len(), 5);
        // Five epochs at η = 0.5 take the loss from about log 10 to well below 1
        // and the validation accuracy far above the 10% of a guess.
        assert!(losses[4] < 0.5 * start, "{start} → {losses:?}");
        assert!(validation.accuracy(&w) > 0.8, "{}", validation.accuracy(&w));
    }

    #[test]
    fn a_huge_learning_rate_stops_with_a_reason() {
        let (train_set, _) = digits();
        let mut w = train_set.shape().initialize(0);
        let mut optimizer = gd::GradientDescent::new(1e308).unwrap();
        let training = Training { batch_size: 32, epochs: 3, seed: 0 };
        let error = train(&train_set, &mut optimizer, &mut w, training, |_, _| {}).unwrap_err();
        assert!(matches!(error, TrainingError::Diverged { epoch: 1, .. }), "{error}");
    }

    #[test]
    fn the_same_seed_trains_to_the_same_bits() {
        let (train_set, _) = digits();
        let run = || {
            let mut w = train_set.shape().initialize(4);
            let mut optimizer = gd::GradientDescent::new(0.1).unwrap();
            let training = Training { batch_size: 64, epochs: 1, seed: 9 };
            train(&train_set, &mut optimizer, &mut w, training, |_, _| {}).unwrap();
            w
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn a_batch_larger_than_the_data_is_an_error() {
        let (train_set, _) = digits();
        let mut w = train_set.shape().initialize(0);
        let mut optimizer = gd::GradientDescent::new(0.1).unwrap();
        let training = Training { batch_size: 5000, epochs: 1, seed: 0 };
        let error = train(&train_set, &mut optimizer, &mut w, training, |_, _| {}).unwrap_err();
        assert!(matches!(error, TrainingError::Batch(_)), "{error}");
    }
}

//! Seeded minibatches of sample indices, with or without replacement.
//!
//! A [`BatchSampler`] hands out batches of b indices from 0..N, drawn from a
//! ChaCha8 stream seeded by a `u64` (see the crate's notes on value stability):
//! the same seed gives the same batches on every machine.
//!
//! - [`Sampling::WithReplacement`]: each index of a batch is drawn uniformly from
//!   0..N, independently; a batch may hold an index twice. Every batch is an
//!   unbiased sample of the data set, but an "epoch" (N indices drawn) misses about
//!   a third (1/e) of the samples and repeats others.
//! - [`Sampling::WithoutReplacement`]: each epoch shuffles 0, 1, …, N − 1 afresh
//!   (Fisher–Yates) and cuts the shuffle into consecutive batches of b. Every
//!   sample is visited exactly once per epoch. When b does not divide N, the last
//!   batch of the epoch holds the N mod b samples left (it is smaller, never padded
//!   from the next epoch, never dropped), as PyTorch's `DataLoader` does by default.
//!   With b dividing N the m = N/b batch means of an epoch average exactly to the
//!   full mean; otherwise the batch means weighted by their sizes do.

use std::fmt;

use crate::rng::Generator;

/// How the indices of a batch are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// Independently and uniformly, so that a batch may repeat an index.
    WithReplacement,
    /// From a fresh shuffle each epoch, so that an epoch visits every sample once.
    WithoutReplacement,
}

impl fmt::Display for Sampling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WithReplacement => write!(f, "with replacement"),
            Self::WithoutReplacement => write!(f, "without replacement"),
        }
    }
}

/// Batch settings that cannot work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchError {
    /// The data set has no samples: there is nothing to draw.
    EmptyDataSet,
    /// A batch of 0 samples has no mean.
    ZeroBatchSize,
    /// A batch larger than the data set.
    BatchLargerThanData {
        /// The batch size asked for.
        batch_size: usize,
        /// The number of samples N.
        samples: usize,
    },
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyDataSet => write!(f, "the data set is empty: there is no sample to draw"),
            Self::ZeroBatchSize => write!(f, "batch size must be at least 1, got 0"),
            Self::BatchLargerThanData { batch_size, samples } => write!(
                f,
                "batch size must be at most the number of samples {samples}, got {batch_size}"
            ),
        }
    }
}

impl std::error::Error for BatchError {}

/// Seeded batches of indices into a data set of N samples.
#[derive(Debug)]
pub struct BatchSampler {
    samples: usize,
    batch_size: usize,
    sampling: Sampling,
    seed: u64,
    generator: Generator,
    /// The current epoch's shuffle (without replacement).
    order: Vec<usize>,
    /// Where the next batch starts in `order`; N when the epoch is used up.
    next: usize,
    batch: Vec<usize>,
    batches_drawn: usize,
    samples_drawn: usize,
}

impl BatchSampler {
    /// Batches of `batch_size` indices from 0..`samples`, drawn as `sampling` says
    /// from the stream of `seed`.
    ///
    /// # Errors
    /// If the data set is empty, the batch size is 0, or it exceeds the number of
    /// samples (with replacement too: such a batch is a mistake, not a wish).
    pub fn new(
        samples: usize,
        batch_size: usize,
        sampling: Sampling,
        seed: u64,
    ) -> Result<Self, BatchError> {
        if samples == 0 {
            return Err(BatchError::EmptyDataSet);
        }
        if batch_size == 0 {
            return Err(BatchError::ZeroBatchSize);
        }
        if batch_size > samples {
            return Err(BatchError::BatchLargerThanData { batch_size, samples });
        }
        Ok(Self {
            samples,
            batch_size,
            sampling,
            seed,
            generator: Generator::new(seed),
            order: Vec::new(),
            next: samples,
            batch: Vec::with_capacity(batch_size),
            batches_drawn: 0,
            samples_drawn: 0,
        })
    }

    /// The next batch: `batch_size` indices (fewer for the last batch of an epoch
    /// without replacement when the batch size does not divide N).
    // ANCHOR: next_batch
    pub fn next_batch(&mut self) -> &[usize] {
        self.batch.clear();
        match self.sampling {
            Sampling::WithReplacement => {
                for _ in 0..self.batch_size {
                    let i = self.generator.below(self.samples);
                    self.batch.push(i);
                }
            }
            Sampling::WithoutReplacement => {
                if self.next == self.samples {
                    // A new epoch: a fresh shuffle of 0, 1, …, N − 1.
                    self.order.clear();
                    self.order.extend(0..self.samples);
                    self.generator.shuffle(&mut self.order);
                    self.next = 0;
                }
                let end = (self.next + self.batch_size).min(self.samples);
                self.batch.extend_from_slice(&self.order[self.next..end]);
                self.next = end;
            }
        }
        self.batches_drawn += 1;
        self.samples_drawn += self.batch.len();
        &self.batch
    }
    // ANCHOR_END: next_batch

    /// The number of samples N.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The batch size b.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// How batches are drawn.
    pub fn sampling(&self) -> Sampling {
        self.sampling
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The batches drawn so far.
    pub fn batches_drawn(&self) -> usize {
        self.batches_drawn
    }

    /// The indices drawn so far, over all batches.
    pub fn samples_drawn(&self) -> usize {
        self.samples_drawn
    }

    /// The epochs drawn so far: indices drawn / N (a fraction inside an epoch).
    pub fn epochs(&self) -> f64 {
        self.samples_drawn as f64 / self.samples as f64
    }

    /// The batches in one epoch, ⌈N/b⌉: the last may be smaller (see the module).
    pub fn batches_per_epoch(&self) -> usize {
        self.samples.div_ceil(self.batch_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(sampler: &mut BatchSampler, batches: usize) -> Vec<Vec<usize>> {
        (0..batches).map(|_| sampler.next_batch().to_vec()).collect()
    }

    #[test]
    fn the_first_batches_of_a_seed_are_pinned() {
        // A change here redraws every seeded figure: the generator, its seeding,
        // or the sampling algorithm has changed.
        let mut without = BatchSampler::new(569, 4, Sampling::WithoutReplacement, 11).unwrap();
        assert_eq!(draw(&mut without, 2), [[516, 534, 179, 300], [552, 381, 85, 457]]);
        let mut with = BatchSampler::new(569, 4, Sampling::WithReplacement, 11).unwrap();
        assert_eq!(draw(&mut with, 2), [[114, 510, 125, 176], [450, 260, 166, 401]]);
    }

    #[test]
    fn the_same_seed_gives_the_same_batches_and_another_seed_others() {
        for sampling in [Sampling::WithReplacement, Sampling::WithoutReplacement] {
            let mut a = BatchSampler::new(100, 7, sampling, 5).unwrap();
            let mut b = BatchSampler::new(100, 7, sampling, 5).unwrap();
            let mut c = BatchSampler::new(100, 7, sampling, 6).unwrap();
            let first = draw(&mut a, 40);
            assert_eq!(first, draw(&mut b, 40));
            assert_ne!(first, draw(&mut c, 40));
        }
    }

    #[test]
    fn an_epoch_without_replacement_visits_every_sample_exactly_once() {
        // 10 = 3 + 3 + 3 + 1: the last batch holds the one sample left.
        let mut sampler = BatchSampler::new(10, 3, Sampling::WithoutReplacement, 2).unwrap();
        assert_eq!(sampler.batches_per_epoch(), 4);
        for epoch in 1..=3 {
            let batches = draw(&mut sampler, 4);
            let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
            assert_eq!(sizes, [3, 3, 3, 1]);
            let mut visited: Vec<usize> = batches.concat();
            visited.sort_unstable();
            assert_eq!(visited, (0..10).collect::<Vec<_>>(), "epoch {epoch}");
            assert_eq!(sampler.epochs(), f64::from(epoch));
        }
        assert_eq!((sampler.batches_drawn(), sampler.samples_drawn()), (12, 30));
    }

    #[test]
    fn epochs_are_shuffled_afresh() {
        let mut sampler = BatchSampler::new(20, 20, Sampling::WithoutReplacement, 9).unwrap();
        let first = sampler.next_batch().to_vec();
        assert_ne!(first, sampler.next_batch());
    }

    #[test]
    fn with_replacement_every_batch_is_full_and_indices_are_in_range() {
        let mut sampler = BatchSampler::new(10, 3, Sampling::WithReplacement, 4).unwrap();
        for batch in draw(&mut sampler, 50) {
            assert_eq!(batch.len(), 3);
            assert!(batch.iter().all(|&i| i < 10));
        }
    }

    #[test]
    fn impossible_batches_are_typed_errors_naming_the_numbers() {
        use BatchError::*;
        let check = |samples, batch_size, expected: BatchError, message: &str| {
            for sampling in [Sampling::WithReplacement, Sampling::WithoutReplacement] {
                let err = BatchSampler::new(samples, batch_size, sampling, 0).unwrap_err();
                assert_eq!(err, expected);
                assert_eq!(err.to_string(), message);
            }
        };
        check(0, 1, EmptyDataSet, "the data set is empty: there is no sample to draw");
        check(5, 0, ZeroBatchSize, "batch size must be at least 1, got 0");
        check(
            5,
            6,
            BatchLargerThanData { batch_size: 6, samples: 5 },
            "batch size must be at most the number of samples 5, got 6",
        );
        assert!(BatchSampler::new(5, 5, Sampling::WithReplacement, 0).is_ok());
    }
}

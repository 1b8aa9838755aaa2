//! A finite sum seen through minibatches: the true loss, and a noisy gradient.
//!
//! [`Minibatch`] wraps a [`FiniteSum`] and a [`BatchSampler`] into an
//! [`Objective`] that the run loop `gd::minimize` accepts unchanged:
//!
//! - its [`value`](Objective::value) is the **full** loss J(w) over all N samples,
//!   so a trace records the true loss while the steps are noisy;
//! - its [`gradient`](Objective::gradient) draws the **next batch** B and returns
//!   the batch mean ∇J_B(w), an unbiased estimate of ∇J(w).
//!
//! So `gd::minimize` steps on minibatch gradients: the gradient it evaluates at
//! iterate t is the one step t + 1 moves along, and each call draws a batch (the
//! last evaluation of a run draws one that no step uses). The trace's
//! `gradient_norms` are the norms of the batch gradients, not of ∇J: with noise
//! they do not go to 0, so give such a run a gradient tolerance of 0 and a step
//! budget. One epoch is ⌈N/b⌉ steps.
//!
//! The sampler sits in a `RefCell`, because `Objective::gradient` takes `&self`:
//! a `Minibatch` is therefore not `Sync`, and must not be shared between threads
//! (the compiler refuses to). Each run wants a fresh one, built from the same seed
//! to repeat a run exactly.

use std::cell::RefCell;

use objectives::{FiniteSum, Objective};

use crate::sampler::{BatchError, BatchSampler, Sampling};

/// An objective whose gradient is the next minibatch's mean gradient and whose
/// value is the full loss (see the module).
#[derive(Debug)]
pub struct Minibatch<'a, F: FiniteSum + ?Sized> {
    problem: &'a F,
    sampler: RefCell<BatchSampler>,
    name: String,
}

impl<'a, F: FiniteSum + ?Sized> Minibatch<'a, F> {
    /// `problem` seen through batches of `batch_size` samples drawn as `sampling`
    /// says from the stream of `seed`; named "PROBLEM, batches of b (without
    /// replacement)".
    ///
    /// # Errors
    /// If the problem has no samples, or the batch size is 0 or exceeds them.
    pub fn new(
        problem: &'a F,
        batch_size: usize,
        sampling: Sampling,
        seed: u64,
    ) -> Result<Self, BatchError> {
        let sampler = BatchSampler::new(problem.samples(), batch_size, sampling, seed)?;
        let name = format!("{}, batches of {batch_size} ({sampling})", problem.name());
        Ok(Self { problem, sampler: RefCell::new(sampler), name })
    }

    /// The finite sum underneath.
    pub fn problem(&self) -> &'a F {
        self.problem
    }

    /// The batches drawn so far (one per `gradient` call).
    pub fn batches_drawn(&self) -> usize {
        self.sampler.borrow().batches_drawn()
    }

    /// The epochs drawn so far: indices drawn / N.
    pub fn epochs(&self) -> f64 {
        self.sampler.borrow().epochs()
    }

    /// The batches in one epoch, ⌈N/b⌉.
    pub fn batches_per_epoch(&self) -> usize {
        self.sampler.borrow().batches_per_epoch()
    }
}

impl<F: FiniteSum + ?Sized> Objective for Minibatch<'_, F> {
    fn name(&self) -> &str {
        &self.name
    }

    fn dimension(&self) -> usize {
        self.problem.dimension()
    }

    /// The full loss J(w) over all N samples.
    fn value(&self, w: &[f64]) -> f64 {
        self.problem.value(w)
    }

    /// Draws the next batch B and writes its mean gradient ∇J_B(w).
    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        let mut sampler = self.sampler.borrow_mut();
        let batch = sampler.next_batch();
        self.problem.batch_gradient(w, batch, gradient);
    }

    /// The full problem's minimizer.
    fn minimizer(&self) -> Option<Vec<f64>> {
        self.problem.minimizer()
    }
}

#[cfg(test)]
mod tests {
    use objectives::LeastSquares;

    use super::*;

    /// y = 2·x₁ − x₂ on six points.
    fn problem() -> LeastSquares {
        let rows: Vec<Vec<f64>> =
            (0..6).map(|i| vec![f64::from(i), f64::from(i * i % 5) - 2.0]).collect();
        let targets = rows.iter().map(|x| 2.0 * x[0] - x[1]).collect();
        LeastSquares::new(rows, targets, 0.0).unwrap()
    }

    #[test]
    fn the_value_is_the_full_loss_and_draws_nothing() {
        let p = problem();
        let batches = Minibatch::new(&p, 2, Sampling::WithoutReplacement, 1).unwrap();
        let w = [0.5, 0.25];
        assert_eq!(batches.value(&w), p.value(&w));
        assert_eq!(batches.batches_drawn(), 0);
        assert_eq!(batches.name(), "least squares, batches of 2 (without replacement)");
    }

    #[test]
    fn each_gradient_is_the_mean_gradient_of_the_next_batch() {
        let p = problem();
        let batches = Minibatch::new(&p, 4, Sampling::WithReplacement, 3).unwrap();
        let mut sampler = BatchSampler::new(6, 4, Sampling::WithReplacement, 3).unwrap();
        let w = [1.0, -1.0];
        for _ in 0..5 {
            let (mut g, mut expected) = ([0.0; 2], [0.0; 2]);
            batches.gradient(&w, &mut g);
            p.batch_gradient(&w, sampler.next_batch(), &mut expected);
            assert_eq!(g, expected);
        }
        assert_eq!(batches.batches_drawn(), 5);
        assert_eq!(batches.epochs(), 20.0 / 6.0);
    }

    #[test]
    fn an_epoch_of_equal_batches_averages_to_the_full_gradient() {
        // Six samples in three batches of two. Both sides add the same six terms
        // tᵢ = ∂ⱼfᵢ(w), grouped and ordered differently, and divide. Recursive
        // summation of k terms errs by at most (k − 1)·u·Σ|tᵢ| (to first order), a
        // division by one rounding: the full mean is within 6·u·Σ|tᵢ|/6 of the exact
        // one, the epoch's mean within 5·u·Σ|tᵢ|/6. So 12·u·Σ|tᵢ|/6 bounds the gap.
        let p = problem();
        let batches = Minibatch::new(&p, 2, Sampling::WithoutReplacement, 8).unwrap();
        let w = [0.3, 0.7];
        let mut mean = [0.0; 2];
        for _ in 0..batches.batches_per_epoch() {
            let mut g = [0.0; 2];
            batches.gradient(&w, &mut g);
            mean.iter_mut().zip(g).for_each(|(m, g)| *m += g / 3.0);
        }
        let mut full = [0.0; 2];
        p.gradient(&w, &mut full);
        let u = f64::EPSILON / 2.0;
        for j in 0..2 {
            let sum_abs: f64 = (0..6)
                .map(|i| {
                    let mut g = [0.0; 2];
                    p.batch_gradient(&w, &[i], &mut g);
                    g[j].abs()
                })
                .sum();
            let bound = 12.0 * u * sum_abs / 6.0;
            assert!((mean[j] - full[j]).abs() <= bound, "{mean:?} vs {full:?}, bound {bound}");
        }
    }

    #[test]
    fn a_run_through_minibatches_is_reproducible_for_a_seed() {
        let p = problem();
        let run = |seed| {
            let batches = Minibatch::new(&p, 2, Sampling::WithoutReplacement, seed).unwrap();
            let mut gd = gd::GradientDescent::new(0.02).unwrap();
            gd::minimize(
                &batches,
                &mut gd,
                &[0.0, 0.0],
                gd::Stop::after(30).or_when_gradient_below(0.0),
            )
        };
        assert_eq!(run(4), run(4));
        assert_ne!(run(4).iterates, run(5).iterates);
        // The trace records the full loss, which falls overall though the steps are noisy.
        let trace = run(4);
        assert!(trace.losses[30] < trace.losses[0] / 2.0, "{:?}", trace.losses);
    }

    /// A finite sum with no samples, which the objectives' constructors forbid.
    #[derive(Debug)]
    struct Empty;

    impl Objective for Empty {
        fn name(&self) -> &str {
            "empty"
        }
        fn dimension(&self) -> usize {
            1
        }
        fn value(&self, _: &[f64]) -> f64 {
            0.0
        }
        fn gradient(&self, _: &[f64], gradient: &mut [f64]) {
            gradient.fill(0.0);
        }
    }

    impl FiniteSum for Empty {
        fn samples(&self) -> usize {
            0
        }
        fn batch_value(&self, _: &[f64], _: &[usize]) -> f64 {
            0.0
        }
        fn batch_gradient(&self, _: &[f64], _: &[usize], gradient: &mut [f64]) {
            gradient.fill(0.0);
        }
    }

    #[test]
    fn impossible_batches_are_typed_errors() {
        assert_eq!(
            Minibatch::new(&Empty, 1, Sampling::WithReplacement, 0).unwrap_err(),
            BatchError::EmptyDataSet
        );
        let p = problem();
        assert_eq!(
            Minibatch::new(&p, 7, Sampling::WithReplacement, 0).unwrap_err(),
            BatchError::BatchLargerThanData { batch_size: 7, samples: 6 }
        );
        assert_eq!(
            Minibatch::new(&p, 0, Sampling::WithoutReplacement, 0).unwrap_err(),
            BatchError::ZeroBatchSize
        );
    }
}

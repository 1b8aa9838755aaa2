//! Rare features: a seeded least-squares problem in which feature j is non-zero in
//! a fraction pⱼ of the samples, with the pⱼ spread over three decades.
//!
//! Duchi, Hazan and Singer made Adagrad for data like text, where most features
//! (words) are absent from most samples: "frequently occurring features are
//! associated with small learning rates and infrequent features with high ones".
//! On least squares the reason is plain to see. The curvature of weight j is the
//! Hessian's diagonal entry (1/N)·Σᵢ xᵢⱼ² ≈ pⱼ·E\[x²\]: a feature present in one
//! sample in two thousand has a curvature a thousand times smaller than one present
//! in every other sample. Gradient descent's one learning rate must stay below 2/L
//! for the common features, and then moves the rare weights a thousand times slower.
//! Adagrad's rate η/√Gⱼ grows where the gradients have been small, which is where
//! the feature is rare.
//!
//! ## How the data are drawn
//! Everything comes from one ChaCha8 stream of the seed, in this order:
//!
//! 1. The target fractions are log-spaced, pⱼ = p_max·(p_min/p_max)^{j/(d−1)}, and
//!    feature j is made non-zero in exactly kⱼ = round(pⱼ·N) samples; the fraction
//!    [`RareFeatures::frequencies`] reports is the realized kⱼ/N.
//! 2. For j = 0, 1, …: the kⱼ samples are the first kⱼ of a partial Fisher–Yates
//!    shuffle of 0..N, and each gets a value of magnitude uniform in [0.5, 1.5)
//!    and a random sign.
//! 3. The true weights have magnitudes uniform in [1, 2) and random signs.
//! 4. The targets are yᵢ = xᵢ·w_true + εᵢ, with εᵢ uniform in [−√3·σ, √3·σ)
//!    (standard deviation σ, the `noise`); with σ = 0 (the course's setting) the
//!    least-squares minimizer is w_true itself, up to rounding.
//!
//! No transcendental function is used on a drawn number, so the data are the same
//! bits on every machine.
//!
//! ## Reference
//! Duchi, Hazan & Singer, *Adaptive Subgradient Methods for Online Learning and
//! Stochastic Optimization*, JMLR 12 (2011), §1.

use std::fmt;

use objectives::{LeastSquares, Objective};

use crate::rng::Generator;

/// The settings of a rare-features problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RareFeaturesConfig {
    /// The number of samples N.
    pub samples: usize,
    /// The number of features d.
    pub features: usize,
    /// p_max, the fraction of samples in which feature 0 is non-zero.
    pub most_common: f64,
    /// p_min, the fraction for the last feature.
    pub rarest: f64,
    /// σ, the standard deviation of the noise added to the targets.
    pub noise: f64,
    /// The ridge coefficient λ of the least-squares objective.
    pub ridge: f64,
    /// The seed of the stream everything is drawn from.
    pub seed: u64,
}

impl Default for RareFeaturesConfig {
    /// The course's problem: 6000 samples, 12 features with pⱼ from 0.5 down to
    /// 5e-4 (three decades; the rarest feature is non-zero in 3 samples), no
    /// noise, no ridge, seed 2011 (the year of Duchi et al.'s paper).
    fn default() -> Self {
        Self {
            samples: 6000,
            features: 12,
            most_common: 0.5,
            rarest: 5e-4,
            noise: 0.0,
            ridge: 0.0,
            seed: 2011,
        }
    }
}

/// A rare-features setting that cannot work.
#[derive(Debug, Clone, PartialEq)]
pub enum RareFeaturesError {
    /// A setting outside its range.
    Setting {
        /// The setting's name.
        parameter: &'static str,
        /// Its valid range, in words.
        valid_range: &'static str,
        /// The value given.
        value: f64,
    },
    /// Feature `feature` would be non-zero in no sample at all.
    NeverNonZero {
        /// The feature.
        feature: usize,
        /// Its target fraction pⱼ.
        frequency: f64,
        /// The number of samples N.
        samples: usize,
    },
}

impl fmt::Display for RareFeaturesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Setting { parameter, valid_range, value } => {
                write!(f, "{parameter} must be {valid_range}, got {value}")
            }
            Self::NeverNonZero { feature, frequency, samples } => write!(
                f,
                "feature {feature} would be non-zero in 0 of {samples} samples (p = {frequency:.3e}): \
                 raise the samples or the rarest fraction"
            ),
        }
    }
}

impl std::error::Error for RareFeaturesError {}

/// A least-squares problem with features of log-spaced rarity, and its truth.
#[derive(Debug, Clone, PartialEq)]
pub struct RareFeatures {
    config: RareFeaturesConfig,
    problem: LeastSquares,
    counts: Vec<usize>,
    true_weights: Vec<f64>,
}

impl RareFeatures {
    /// The course's problem, [`RareFeaturesConfig::default`].
    pub fn course() -> Self {
        match Self::generate(&RareFeaturesConfig::default()) {
            Ok(problem) => problem,
            Err(e) => unreachable!("the course's settings are valid: {e}"),
        }
    }

    /// Draws a problem (see the module for how).
    ///
    /// # Errors
    /// If N or d is 0, the fractions are not 0 < p_min ≤ p_max ≤ 1, σ or λ is not
    /// finite and ≥ 0, or a feature would be non-zero in no sample.
    pub fn generate(config: &RareFeaturesConfig) -> Result<Self, RareFeaturesError> {
        let setting = |parameter, valid_range, value| {
            Err(RareFeaturesError::Setting { parameter, valid_range, value })
        };
        let c = *config;
        if c.samples == 0 {
            return setting("samples", "at least 1", 0.0);
        }
        if c.features == 0 {
            return setting("features", "at least 1", 0.0);
        }
        if !(c.most_common > 0.0 && c.most_common <= 1.0) {
            return setting("most_common", "in (0, 1]", c.most_common);
        }
        if !(c.rarest > 0.0 && c.rarest <= c.most_common) {
            return setting("rarest", "in (0, most_common]", c.rarest);
        }
        if !(c.noise.is_finite() && c.noise >= 0.0) {
            return setting("noise", "finite and >= 0", c.noise);
        }
        if !(c.ridge.is_finite() && c.ridge >= 0.0) {
            return setting("ridge", "finite and >= 0", c.ridge);
        }
        let (n, d) = (c.samples, c.features);
        let mut counts = Vec::with_capacity(d);
        for j in 0..d {
            let exponent = if d == 1 { 0.0 } else { j as f64 / (d - 1) as f64 };
            let frequency = c.most_common * (c.rarest / c.most_common).powf(exponent);
            // round(p·N) ≤ N since p ≤ 1; the float holds it exactly.
            let count = (frequency * n as f64).round() as usize;
            if count == 0 {
                return Err(RareFeaturesError::NeverNonZero { feature: j, frequency, samples: n });
            }
            counts.push(count.min(n));
        }

        let mut generator = Generator::new(c.seed);
        let mut rows = vec![vec![0.0; d]; n];
        let mut indices: Vec<usize> = Vec::with_capacity(n);
        for (j, &count) in counts.iter().enumerate() {
            indices.clear();
            indices.extend(0..n);
            for t in 0..count {
                // Partial Fisher–Yates: position t gets a uniform pick of the rest.
                let pick = t + generator.below(n - t);
                indices.swap(t, pick);
                let magnitude = 0.5 + generator.unit();
                rows[indices[t]][j] = if generator.below(2) == 0 { magnitude } else { -magnitude };
            }
        }
        let true_weights: Vec<f64> = (0..d)
            .map(|_| {
                let magnitude = 1.0 + generator.unit();
                if generator.below(2) == 0 { magnitude } else { -magnitude }
            })
            .collect();
        let half_width = 3f64.sqrt() * c.noise;
        let targets: Vec<f64> = rows
            .iter()
            .map(|x| {
                let clean: f64 = x.iter().zip(&true_weights).map(|(x, w)| x * w).sum();
                clean + half_width * (2.0 * generator.unit() - 1.0)
            })
            .collect();
        let problem = match LeastSquares::new(rows, targets, c.ridge) {
            Ok(problem) => problem.named("rare features"),
            Err(e) => unreachable!("the drawn rows are finite and rectangular: {e}"),
        };
        Ok(Self { config: c, problem, counts, true_weights })
    }

    /// The least-squares objective.
    pub fn problem(&self) -> &LeastSquares {
        &self.problem
    }

    /// The settings it was drawn with.
    pub fn config(&self) -> &RareFeaturesConfig {
        &self.config
    }

    /// kⱼ: the number of samples in which feature j is non-zero.
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }

    /// pⱼ = kⱼ/N: the fraction of samples in which feature j is non-zero.
    pub fn frequencies(&self) -> Vec<f64> {
        let n = self.config.samples as f64;
        self.counts.iter().map(|&k| k as f64 / n).collect()
    }

    /// The weights the targets were made from, w_true.
    pub fn true_weights(&self) -> &[f64] {
        &self.true_weights
    }

    /// Each weight's curvature, the Hessian's diagonal (1/N)·Σᵢ xᵢⱼ² + λ ≈ pⱼ·E\[x²\].
    pub fn curvatures(&self) -> Vec<f64> {
        let hessian = self.problem.hessian();
        (0..self.problem.dimension()).map(|j| hessian.get(j, j)).collect()
    }
}

#[cfg(test)]
mod tests {
    use objectives::FiniteSum;

    use super::*;

    #[test]
    fn the_course_problem_spans_three_decades_and_every_feature_appears() {
        let rare = RareFeatures::course();
        assert_eq!(rare.problem().samples(), 6000);
        assert_eq!(rare.counts().first(), Some(&3000));
        assert_eq!(rare.counts().last(), Some(&3));
        let p = rare.frequencies();
        approx::assert_relative_eq!(p[0] / p[11], 1000.0, max_relative = 1e-12);
        assert!(p.windows(2).all(|w| w[0] > w[1]), "{p:?}");
        // Each column has exactly its count of non-zeros.
        for (j, &k) in rare.counts().iter().enumerate() {
            let nonzero = (0..6000).filter(|&i| rare.problem().row(i)[j] != 0.0).count();
            assert_eq!(nonzero, k, "feature {j}");
        }
    }

    #[test]
    fn without_noise_the_minimizer_is_the_true_weights() {
        let rare = RareFeatures::course();
        let w = rare.problem().minimizer().unwrap();
        // The rarest weight is fitted from 3 samples; the normal equations carry
        // rounding ≈ κ·u with κ ≈ 2e3: 1e-10 is room.
        approx::assert_relative_eq!(w.as_slice(), rare.true_weights(), max_relative = 1e-10);
        assert!(rare.problem().value(rare.true_weights()) < 1e-28);
    }

    #[test]
    fn curvatures_follow_the_frequencies() {
        let rare = RareFeatures::course();
        // E[x²] for |x| uniform in [0.5, 1.5) is 13/12; the few samples of a rare
        // feature scatter around it, so only a factor of 3 is promised.
        for (c, p) in rare.curvatures().iter().zip(rare.frequencies()) {
            let ratio = c / (p * 13.0 / 12.0);
            assert!((1.0 / 3.0..3.0).contains(&ratio), "curvature {c} at p = {p}");
        }
    }

    #[test]
    fn the_draws_of_the_course_seed_are_pinned() {
        let rare = RareFeatures::course();
        assert_eq!(rare.true_weights()[0], -1.3821342843878912);
        assert_eq!(rare.problem().targets()[0], -2.005170348622228);
    }

    #[test]
    fn the_same_seed_gives_the_same_problem_and_noise_moves_the_minimizer() {
        let config =
            RareFeaturesConfig { samples: 400, features: 4, rarest: 0.02, ..Default::default() };
        assert_eq!(RareFeatures::generate(&config), RareFeatures::generate(&config));
        let noisy = RareFeatures::generate(&RareFeaturesConfig { noise: 0.1, ..config }).unwrap();
        let clean = RareFeatures::generate(&config).unwrap();
        assert_eq!(noisy.true_weights(), clean.true_weights());
        assert_ne!(noisy.problem().minimizer(), clean.problem().minimizer());
    }

    #[test]
    fn impossible_settings_are_errors_naming_the_setting() {
        let check = |config: RareFeaturesConfig, message: &str| {
            assert_eq!(RareFeatures::generate(&config).unwrap_err().to_string(), message);
        };
        let base = RareFeaturesConfig::default();
        check(RareFeaturesConfig { samples: 0, ..base }, "samples must be at least 1, got 0");
        check(
            RareFeaturesConfig { rarest: 0.9, ..base },
            "rarest must be in (0, most_common], got 0.9",
        );
        check(RareFeaturesConfig { noise: -1.0, ..base }, "noise must be finite and >= 0, got -1");
        check(
            RareFeaturesConfig { samples: 100, ..base },
            "feature 8 would be non-zero in 0 of 100 samples (p = 3.290e-3): \
             raise the samples or the rarest fraction",
        );
    }
}

//! What a tuning budget buys: random search over a method's settings, and the
//! expected best result of k trials.
//!
//! Random search draws each trial's settings independently: η log-uniform in
//! [η_lo, η_hi], and the second setting s (β, γ or β₁) through 1 − s log-uniform
//! in [0.001, 0.5], so that 0.9, 0.99 and 0.999 are equally likely decades. A
//! log-uniform draw from [a, b] is a·(b/a)ᵘ with u uniform in [0, 1).
//!
//! Given T trials with scores v₍₁₎ ≤ … ≤ v₍T₎ (validation accuracies, sorted), a
//! learner who can afford k trials gets the best of k draws from them; drawn with
//! replacement, the best is at most v₍ᵢ₎ with probability (i/T)ᵏ, so its
//! expectation is exactly
//!
//! > E[max of k] = Σᵢ v₍ᵢ₎·((i/T)ᵏ − ((i − 1)/T)ᵏ),
//!
//! the mean over every resampling, without drawing any (the bootstrap estimate
//! of Dodge et al. 2019, used to compare optimizers by Sivaprasad et al. 2020 and
//! Schmidt, Schneider and Hennig 2021). At k = 1 it is the mean of the trials; as
//! k grows it tends to the best of them.

use chacha20::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use crate::methods::{Method, Setting};

/// The range of η that random search draws from, log-uniformly.
pub const SEARCH_LEARNING_RATES: (f64, f64) = (1e-4, 1.0);

/// The range of 1 − s for a second setting s, drawn log-uniformly.
pub const SEARCH_ONE_MINUS_SECOND: (f64, f64) = (1e-3, 0.5);

/// a·(b/a)ᵘ: log-uniform in [a, b) for u uniform in [0, 1).
pub fn log_uniform(u: f64, low: f64, high: f64) -> f64 {
    low * (high / low).powf(u)
}

/// `trials` random settings of `method` from the stream of `seed` (see the
/// module); a method without a second setting gets its default there.
pub fn random_settings(method: Method, trials: usize, seed: u64) -> Vec<Setting> {
    let mut stream = ChaCha8Rng::seed_from_u64(seed);
    let mut unit = || (stream.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    (0..trials)
        .map(|_| {
            let (low, high) = SEARCH_LEARNING_RATES;
            let learning_rate = log_uniform(unit(), low, high);
            let u = unit();
            let second = if method.second_setting().is_some() {
                let (low, high) = SEARCH_ONE_MINUS_SECOND;
                1.0 - log_uniform(u, low, high)
            } else {
                method.default_second()
            };
            Setting { learning_rate, second }
        })
        .collect()
}

/// The expected best of k draws with replacement from `scores`:
/// Σᵢ v₍ᵢ₎·((i/T)ᵏ − ((i − 1)/T)ᵏ) over the sorted scores.
///
/// # Panics
/// If `scores` is empty, holds a NaN, or k = 0.
// ANCHOR: expected_best
pub fn expected_best(scores: &[f64], k: u32) -> f64 {
    assert!(!scores.is_empty() && k > 0, "k = {k} draws from {} scores", scores.len());
    assert!(scores.iter().all(|v| !v.is_nan()), "a score is NaN");
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let t = sorted.len() as f64;
    let k = i32::try_from(k).unwrap_or(i32::MAX);
    sorted
        .iter()
        .enumerate()
        .map(|(i, v)| v * (((i + 1) as f64 / t).powi(k) - (i as f64 / t).powi(k)))
        .sum()
}
// ANCHOR_END: expected_best

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn one_trial_is_worth_the_mean_and_many_tend_to_the_best() {
        let scores = [0.5, 0.9, 0.1, 0.7];
        // Sums of four terms: within a few ulps.
        assert_relative_eq!(expected_best(&scores, 1), 0.55, max_relative = 1e-15);
        assert_relative_eq!(expected_best(&scores, 400), 0.9, max_relative = 1e-12);
    }

    #[test]
    fn the_expected_best_of_two_is_the_mean_over_all_sixteen_pairs() {
        let scores = [0.5, 0.9, 0.1, 0.7];
        let mut total = 0.0;
        for a in scores {
            for b in scores {
                total += f64::max(a, b);
            }
        }
        // The closed form against the enumeration of every resampling.
        assert_relative_eq!(expected_best(&scores, 2), total / 16.0, max_relative = 1e-15);
    }

    #[test]
    fn the_expected_best_never_falls_as_the_budget_grows() {
        let scores: Vec<f64> = (0..32).map(|i| ((i * 7919) % 101) as f64 / 100.0).collect();
        let curve: Vec<f64> = (1..=32).map(|k| expected_best(&scores, k)).collect();
        assert!(curve.windows(2).all(|p| p[1] >= p[0]), "{curve:?}");
        let best = scores.iter().copied().fold(0.0, f64::max);
        assert!(curve[31] <= best);
    }

    #[test]
    fn random_settings_are_seeded_and_inside_their_ranges() {
        let settings = random_settings(Method::Adam, 200, 3);
        assert_eq!(settings, random_settings(Method::Adam, 200, 3));
        assert!(settings.iter().all(|s| (1e-4..1.0).contains(&s.learning_rate)));
        assert!(settings.iter().all(|s| (0.5..=0.999).contains(&s.second)));
        // Log-uniform: about half of the draws of η below 1e-2, the middle of the
        // four decades (a count outside 70..130 of 200 has probability below 1e-4).
        let low = settings.iter().filter(|s| s.learning_rate < 1e-2).count();
        assert!((70..130).contains(&low), "{low}");
        let plain = random_settings(Method::Sgd, 5, 3);
        assert!(plain.iter().all(|s| s.second == 0.0));
    }
}

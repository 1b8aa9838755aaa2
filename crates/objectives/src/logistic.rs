//! Logistic regression: the mean binary cross-entropy of σ(w·x + b) on labels
//! y ∈ {0, 1}, plus a ridge ½·λ·|w|².
//!
//! The model says P(y = 1 | x) = σ(z) with z = w·x + b and σ(z) = 1/(1 + e^{−z}).
//! One sample costs its cross-entropy ℓᵢ = −yᵢ·log σ(zᵢ) − (1 − yᵢ)·log(1 − σ(zᵢ)),
//! and
//!
//! > J(w, b) = (1/N)·Σᵢ ℓᵢ + ½·λ·|w|²,
//! >
//! > ∂J/∂wⱼ = (1/N)·Σᵢ (σ(zᵢ) − yᵢ)·xᵢⱼ + λ·wⱼ,   ∂J/∂b = (1/N)·Σᵢ (σ(zᵢ) − yᵢ).
//!
//! The gradient has the shape of least squares' (a residual times the input), but
//! the residual σ(zᵢ) − yᵢ is bounded by 1: a sample already classified with
//! confidence stops pulling. The weights are stored as one vector (w₁, …, w_d, b):
//! the intercept b is the **last** weight, so the dimension is d + 1.
//!
//! ## Why a ridge, and why not on the intercept
//! On separable data (a hyperplane with every 1 on one side) scaling w up drives
//! every ℓᵢ to 0: J has no minimizer and every method drifts forever. With λ > 0 and
//! both labels present a unique minimizer exists: the Hessian
//! H = (1/N)·Σᵢ σᵢ(1 − σᵢ)·x̃ᵢx̃ᵢᵀ + λ·diag(1, …, 1, 0), with x̃ = (x, 1), is
//! positive definite. The intercept is left out of the penalty, as in statistics
//! texts and scikit-learn's default solver: moving the base rate of the labels
//! should cost nothing, only the features' influence is shrunk. Note that λ then
//! penalizes raw and standardized features differently: the two are different
//! problems with different minimizers, not one problem in two coordinates.
//!
//! ## Numerically stable forms
//! With s = 2y − 1 ∈ {−1, 1} the loss is ℓ = log(1 + e^{−s·z}), computed as
//! softplus(t) = max(t, 0) + log1p(e^{−|t|}): no exponential of a large positive
//! number, no log(0). σ(z) is 1/(1 + e^{−z}) for z ≥ 0 and e^{z}/(1 + e^{z}) below.
//! Flipping every label and the sign of (w, b) leaves each ℓᵢ bit for bit the same.
//!
//! ## The minimizer
//! [`Objective::minimizer`] runs Newton's method from 0: solve H·d = −∇J by
//! Cholesky, and step back along d until J falls by at least a quarter of the
//! predicted decrease δ² = −∇J·d, the Newton decrement (Armijo). Once δ² is
//! below J's rounding it takes full steps, which converge quadratically, and
//! stops when |∇J| has not shrunk for three of them: at the rounding level. It
//! returns `None` when no minimizer exists: with one label only; with λ = 0 on
//! separable data (the point it stops at separates the samples, or H becomes
//! singular on the way); or when the iterations run out.
//!
//! ## References
//! Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning* (2nd ed.),
//! §4.4; Boyd & Vandenberghe, *Convex Optimization*, §9.2 and §9.5.

use crate::finite_sum::{FeatureRows, SampleError, check_batch, check_ridge};
use crate::linalg::SymmetricMatrix;
use crate::{FiniteSum, Objective, check_dimension};

/// σ(z) = 1/(1 + e^{−z}), computed without overflow for any z.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// softplus(t) = log(1 + eᵗ), computed without overflow and without log(0).
fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

/// Mean binary cross-entropy of σ(w·x + b) on a fixed data set, plus ½·λ·|w|².
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticRegression {
    name: String,
    rows: FeatureRows,
    labels: Vec<f64>,
    ridge: f64,
}

impl LogisticRegression {
    /// Logistic regression on `rows` (one per sample, d features each) with
    /// `labels` in {0, 1} and ridge coefficient λ = `ridge` (on w, not on b).
    ///
    /// # Errors
    /// A [`SampleError`] naming the row (and column, or value) if there are no
    /// rows or no features, the rows differ in length, a feature is not finite,
    /// the numbers of rows and labels differ, a label is not 0 or 1, or λ is not
    /// finite and ≥ 0.
    pub fn new(rows: Vec<Vec<f64>>, labels: Vec<f64>, ridge: f64) -> Result<Self, SampleError> {
        let rows = FeatureRows::new(rows)?;
        rows.check_count("labels", labels.len())?;
        if let Some((row, &value)) = labels.iter().enumerate().find(|&(_, &y)| y != 0.0 && y != 1.0)
        {
            return Err(SampleError::Label { row, value });
        }
        let ridge = check_ridge(ridge)?;
        Ok(Self { name: "logistic regression".to_owned(), rows, labels, ridge })
    }

    /// The same objective under another name, for tables and legends.
    pub fn named(self, name: impl Into<String>) -> Self {
        Self { name: name.into(), ..self }
    }

    /// The number of features d (the weights are d + 1: the intercept is last).
    pub fn features(&self) -> usize {
        self.rows.columns()
    }

    /// The ridge coefficient λ.
    pub fn ridge(&self) -> f64 {
        self.ridge
    }

    /// The features xᵢ of sample i.
    pub fn row(&self, i: usize) -> &[f64] {
        self.rows.row(i)
    }

    /// The labels yᵢ, each 0 or 1.
    pub fn labels(&self) -> &[f64] {
        &self.labels
    }

    /// The logit zᵢ = w·xᵢ + b of sample i, with b = w's last entry.
    ///
    /// # Panics
    /// If w's length is not d + 1 (both are named), or i ≥ N.
    pub fn logit(&self, w: &[f64], i: usize) -> f64 {
        check_dimension("w", w.len(), self.dimension());
        let d = self.features();
        self.row(i).iter().zip(&w[..d]).map(|(x, w)| x * w).sum::<f64>() + w[d]
    }

    /// The fraction of samples classified right: predicted 1 when zᵢ ≥ 0.
    pub fn accuracy(&self, w: &[f64]) -> f64 {
        check_dimension("w", w.len(), self.dimension());
        let right = (0..self.samples())
            .filter(|&i| (self.logit(w, i) >= 0.0) == (self.labels[i] == 1.0))
            .count();
        right as f64 / self.samples() as f64
    }

    /// The Hessian ∇²J(w) = (1/N)·Σᵢ σᵢ(1 − σᵢ)·x̃ᵢx̃ᵢᵀ + λ·diag(1, …, 1, 0), with
    /// x̃ᵢ = (xᵢ, 1): its eigenvalues are the curvatures gradient descent meets.
    pub fn hessian(&self, w: &[f64]) -> SymmetricMatrix {
        check_dimension("w", w.len(), self.dimension());
        let d = self.features();
        let mut hessian = SymmetricMatrix::zeros(d + 1);
        for i in 0..self.samples() {
            let z = self.logit(w, i);
            // σ(z)·(1 − σ(z)) = σ(z)·σ(−z), without the cancellation of 1 − σ(z).
            let curvature = sigmoid(z) * sigmoid(-z);
            hessian.add_outer_product(curvature, self.row(i).iter().copied().chain([1.0]));
        }
        hessian.scale(1.0 / self.samples() as f64);
        for j in 0..d {
            hessian.add_to_diagonal(j, self.ridge);
        }
        hessian
    }

    /// The mean cross-entropy over `samples`, plus ½·λ·|w|².
    fn mean_loss(&self, w: &[f64], samples: impl ExactSizeIterator<Item = usize>) -> f64 {
        let count = samples.len() as f64;
        let total: f64 = samples
            .map(|i| {
                // ℓ = log(1 + e^{−s·z}) with s = ±1 for y = 1 or 0.
                let s = 2.0 * self.labels[i] - 1.0;
                softplus(-s * self.logit(w, i))
            })
            .sum();
        let d = self.features();
        total / count + 0.5 * self.ridge * w[..d].iter().map(|x| x * x).sum::<f64>()
    }

    // ANCHOR: logistic_gradient
    /// Writes the mean gradient over `samples` (indices of rows, perhaps repeated)
    /// into `gradient`: for the feature weights (1/m)·Σᵢ (σ(zᵢ) − yᵢ)·xᵢⱼ + λ·wⱼ, for
    /// the intercept (the last entry) (1/m)·Σᵢ (σ(zᵢ) − yᵢ), with m the number of
    /// samples and zᵢ = [`logit`](Self::logit)`(w, i)`.
    fn mean_gradient(
        &self,
        w: &[f64],
        samples: impl ExactSizeIterator<Item = usize>,
        gradient: &mut [f64],
    ) {
        check_dimension("w", w.len(), self.dimension());
        check_dimension("the gradient buffer", gradient.len(), self.dimension());
        // ANCHOR: solution_logistic_gradient
        let m = samples.len() as f64;
        let (g_w, g_b) = gradient.split_at_mut(self.features());
        g_w.fill(0.0);
        g_b[0] = 0.0;
        for i in samples {
            let residual = sigmoid(self.logit(w, i)) - self.labels[i];
            for (g, x) in g_w.iter_mut().zip(self.row(i)) {
                *g += residual * x;
            }
            g_b[0] += residual;
        }
        for (g, w_j) in g_w.iter_mut().zip(w) {
            *g = *g / m + self.ridge * w_j;
        }
        g_b[0] /= m;
        // ANCHOR_END: solution_logistic_gradient
    }
    // ANCHOR_END: logistic_gradient

    /// Newton's method from 0, damped by backtracking (see the module's doc).
    fn newton(&self) -> Option<Vec<f64>> {
        if self.labels.iter().all(|&y| y == self.labels[0]) {
            // One class only: b → ±∞ lowers J forever (b is not penalized).
            return None;
        }
        let n = self.dimension();
        let mut w = vec![0.0; n];
        let mut gradient = vec![0.0; n];
        let mut best: Option<(f64, Vec<f64>)> = None;
        let mut since_best = 0;
        for _ in 0..NEWTON_ITERATIONS {
            self.gradient(&w, &mut gradient);
            let norm = gradient.iter().map(|g| g * g).sum::<f64>().sqrt();
            if !norm.is_finite() {
                return None;
            }
            if norm == 0.0 {
                return Some(w);
            }
            let descent: Vec<f64> = gradient.iter().map(|g| -g).collect();
            let step = self.hessian(&w).solve(&descent)?;
            // The Newton decrement δ² = −∇J·d = ∇Jᵀ·H⁻¹·∇J ≥ 0: J − J* ≈ δ²/2.
            let decrement: f64 = descent.iter().zip(&step).map(|(a, b)| a * b).sum();
            let loss = self.value(&w);
            if decrement > 1e-12 * (1.0 + loss.abs()) {
                // Far from w*: backtrack until J falls by a quarter of the prediction.
                let trial =
                    |t: f64| -> Vec<f64> { w.iter().zip(&step).map(|(w, d)| w + t * d).collect() };
                let mut t = 1.0;
                while self.value(&trial(t)) > loss - 0.25 * t * decrement {
                    t *= 0.5;
                    if t < 1e-10 {
                        return None;
                    }
                }
                w = trial(t);
                continue;
            }
            // Near w*, J's decrease is below its rounding: take full steps, which
            // converge quadratically, until |∇J| stops shrinking for three steps.
            match &best {
                Some((smallest, _)) if norm >= *smallest => since_best += 1,
                _ => {
                    best = Some((norm, w.clone()));
                    since_best = 0;
                }
            }
            if since_best >= 3 {
                return best.map(|(_, w)| w).filter(|w| !self.separates(w));
            }
            for (w, d) in w.iter_mut().zip(&step) {
                *w += d;
            }
        }
        None
    }
}

impl LogisticRegression {
    /// True if λ = 0 and w puts every sample strictly on its label's side
    /// (sᵢ·zᵢ > 0): then J(c·w) falls towards 0 as c grows and J has no minimizer,
    /// however small Newton drove |∇J| on the way.
    fn separates(&self, w: &[f64]) -> bool {
        self.ridge == 0.0
            && (0..self.samples()).all(|i| (2.0 * self.labels[i] - 1.0) * self.logit(w, i) > 0.0)
    }
}

/// The most Newton iterations: far more than the 10 to 30 that convergence takes.
const NEWTON_ITERATIONS: usize = 200;

impl Objective for LogisticRegression {
    fn name(&self) -> &str {
        &self.name
    }

    fn dimension(&self) -> usize {
        self.features() + 1
    }

    fn value(&self, w: &[f64]) -> f64 {
        check_dimension("w", w.len(), self.dimension());
        self.mean_loss(w, 0..self.samples())
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        self.mean_gradient(w, 0..self.samples(), gradient);
    }

    /// The minimizer, by Newton's method; `None` if there is none.
    fn minimizer(&self) -> Option<Vec<f64>> {
        self.newton()
    }
}

impl FiniteSum for LogisticRegression {
    fn samples(&self) -> usize {
        self.rows.len()
    }

    fn batch_value(&self, w: &[f64], batch: &[usize]) -> f64 {
        check_dimension("w", w.len(), self.dimension());
        check_batch(batch, self.samples());
        self.mean_loss(w, batch.iter().copied())
    }

    fn batch_gradient(&self, w: &[f64], batch: &[usize], gradient: &mut [f64]) {
        check_batch(batch, self.samples());
        self.mean_gradient(w, batch.iter().copied(), gradient);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finite_difference::assert_matches;

    /// Six points on a line, labels overlapping in the middle: not separable.
    fn overlapping(ridge: f64) -> LogisticRegression {
        let xs = [-2.0, -1.0, -0.5, 0.5, 1.0, 2.0];
        let ys = [0.0, 0.0, 1.0, 0.0, 1.0, 1.0];
        LogisticRegression::new(
            xs.iter().map(|&x| vec![x, 0.5 * x * x]).collect(),
            ys.to_vec(),
            ridge,
        )
        .unwrap()
    }

    #[test]
    fn the_loss_at_zero_weights_is_log_two() {
        // σ(0) = ½ for every sample: ℓ = log 2 whatever the label.
        approx::assert_relative_eq!(
            overlapping(0.3).value(&[0.0; 3]),
            std::f64::consts::LN_2,
            max_relative = 1e-15
        );
    }

    #[test]
    fn gradients_match_central_differences() {
        for ridge in [0.0, 0.1] {
            for w in [[0.0, 0.0, 0.0], [1.0, -0.5, 0.3], [-2.0, 3.0, -1.0]] {
                assert_matches(&overlapping(ridge), &w);
            }
        }
    }

    #[test]
    fn batch_gradients_match_central_differences_of_the_batch_loss() {
        struct Batch<'a>(&'a LogisticRegression, &'a [usize]);
        impl Objective for Batch<'_> {
            fn name(&self) -> &str {
                "batch"
            }
            fn dimension(&self) -> usize {
                self.0.dimension()
            }
            fn value(&self, w: &[f64]) -> f64 {
                self.0.batch_value(w, self.1)
            }
            fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
                self.0.batch_gradient(w, self.1, gradient);
            }
        }
        let problem = overlapping(0.2);
        assert_matches(&Batch(&problem, &[4, 1, 4]), &[0.7, -0.2, 0.4]);
    }

    #[test]
    fn the_loss_is_finite_and_the_gradient_bounded_far_out() {
        // z = ±1000: e^{1000} overflows, softplus and σ do not.
        let problem = overlapping(0.0);
        for w in [[1000.0, 0.0, 0.0], [-1000.0, 0.0, 0.0]] {
            assert!(problem.value(&w).is_finite());
            let mut g = [0.0; 3];
            problem.gradient(&w, &mut g);
            // |σ − y| ≤ 1 and |x| ≤ 2: each mean is at most 2 in size.
            assert!(g.iter().all(|g| g.abs() <= 2.0), "{g:?}");
        }
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(softplus(1000.0), 1000.0);
    }

    #[test]
    fn flipping_labels_and_weights_keeps_the_loss_bit_for_bit_and_negates_the_gradient() {
        let problem = overlapping(0.1);
        let flipped = LogisticRegression::new(
            (0..6).map(|i| problem.row(i).to_vec()).collect(),
            problem.labels().iter().map(|y| 1.0 - y).collect(),
            0.1,
        )
        .unwrap();
        let w = [0.8, -0.3, 0.25];
        let minus_w = w.map(|x| -x);
        assert_eq!(flipped.value(&minus_w), problem.value(&w));
        let (mut g, mut g_flipped) = ([0.0; 3], [0.0; 3]);
        problem.gradient(&w, &mut g);
        flipped.gradient(&minus_w, &mut g_flipped);
        // σ(−z) − 0 and −(σ(z) − 1) are equal in reals; each residual carries a few
        // ulps of 1 (σ's rounding, and 1 − σ's), times |x| ≤ 2, averaged: 1e-15.
        let negated = g.map(|x| -x);
        approx::assert_abs_diff_eq!(g_flipped.as_slice(), negated.as_slice(), epsilon = 1e-15);
    }

    #[test]
    fn newton_finds_a_point_where_the_gradient_vanishes_to_rounding() {
        let problem = overlapping(0.05);
        let w = problem.minimizer().unwrap();
        let mut g = [1.0; 3];
        problem.gradient(&w, &mut g);
        // Means of 6 terms of size ≤ 2·1: rounding leaves a few 1e-16.
        approx::assert_abs_diff_eq!(g.as_slice(), [0.0; 3].as_slice(), epsilon = 1e-15);
        // A minimum, not a saddle: J grows in every coordinate direction.
        for j in 0..3 {
            for h in [-1e-3, 1e-3] {
                let mut v = w.clone();
                v[j] += h;
                assert!(problem.value(&v) > problem.value(&w));
            }
        }
    }

    #[test]
    fn the_minimizer_of_an_intercept_only_fit_is_the_log_odds() {
        // With every feature 0, J depends on b only and is smallest where σ(b) = ȳ:
        // b* = log(ȳ/(1 − ȳ)) = log(3/1) for three 1s and one 0.
        let problem =
            LogisticRegression::new(vec![vec![0.0]; 4], vec![1.0, 1.0, 0.0, 1.0], 1.0).unwrap();
        let w = problem.minimizer().unwrap();
        approx::assert_abs_diff_eq!(w[0], 0.0, epsilon = 1e-15);
        approx::assert_relative_eq!(w[1], 3f64.ln(), max_relative = 1e-14);
    }

    #[test]
    fn separable_data_without_a_ridge_has_no_minimizer() {
        let problem =
            LogisticRegression::new(vec![vec![-1.0], vec![1.0]], vec![0.0, 1.0], 0.0).unwrap();
        assert_eq!(problem.minimizer(), None);
        let ridged =
            LogisticRegression::new(vec![vec![-1.0], vec![1.0]], vec![0.0, 1.0], 0.01).unwrap();
        assert!(ridged.minimizer().is_some());
        // Overlapping labels have a minimizer without a ridge.
        assert!(overlapping(0.0).minimizer().is_some());
    }

    #[test]
    fn one_label_only_has_no_minimizer_even_with_a_ridge() {
        // The intercept is not penalized: b → +∞ lowers J towards 0 forever.
        let problem =
            LogisticRegression::new(vec![vec![-1.0], vec![1.0]], vec![1.0, 1.0], 1.0).unwrap();
        assert_eq!(problem.minimizer(), None);
    }

    #[test]
    fn the_hessian_matches_central_differences_of_the_gradient() {
        let problem = overlapping(0.1);
        let w = [0.4, -0.6, 0.2];
        let hessian = problem.hessian(&w);
        let h = 1e-6;
        for j in 0..3 {
            let (mut plus, mut minus) = (w, w);
            plus[j] += h;
            minus[j] -= h;
            let (mut g_plus, mut g_minus) = ([0.0; 3], [0.0; 3]);
            problem.gradient(&plus, &mut g_plus);
            problem.gradient(&minus, &mut g_minus);
            for i in 0..3 {
                // Truncation O(h²) and rounding O(u/h) ≈ 1e-10: 1e-8 is room.
                let numeric = (g_plus[i] - g_minus[i]) / (2.0 * h);
                approx::assert_abs_diff_eq!(hessian.get(i, j), numeric, epsilon = 1e-8);
            }
        }
    }

    #[test]
    fn accuracy_counts_the_samples_on_the_right_side() {
        // w = (1, 0), b = 0 predicts 1 for x ≥ 0: wrong at x = −0.5 (a 1) and at
        // x = 0.5 (a 0), right on the other 4 of 6.
        approx::assert_relative_eq!(overlapping(0.0).accuracy(&[1.0, 0.0, 0.0]), 4.0 / 6.0);
    }

    #[test]
    fn bad_data_is_rejected_naming_the_row_and_value() {
        let err = LogisticRegression::new(vec![vec![1.0], vec![2.0]], vec![0.0, 0.5], 0.0);
        assert_eq!(
            err.unwrap_err().to_string(),
            "the label of row 1 is 0.5; labels must be 0 or 1"
        );
        let err = LogisticRegression::new(vec![vec![1.0], vec![2.0]], vec![0.0], 0.0);
        assert_eq!(err.unwrap_err().to_string(), "there are 2 rows but 1 labels");
        let err = LogisticRegression::new(vec![vec![1.0]], vec![0.0], -0.5);
        assert_eq!(err.unwrap_err().to_string(), "ridge λ must be finite and >= 0, got -0.5");
        let err =
            LogisticRegression::new(vec![vec![1.0], vec![f64::INFINITY]], vec![0.0, 1.0], 0.0);
        assert_eq!(
            err.unwrap_err().to_string(),
            "feature 0 of row 1 is inf; features must be finite"
        );
    }

    #[test]
    #[should_panic(expected = "w has 2 elements but the objective has dimension 3")]
    fn a_point_of_the_wrong_length_is_reported_with_both_lengths() {
        overlapping(0.0).value(&[1.0, 2.0]);
    }
}

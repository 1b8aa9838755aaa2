//! Graded tests for the chapter on when adapting pays: logistic regression's
//! gradient, and minibatches of a finite sum.
//!
//! The model: J(w, b) = (1/N)·Σᵢ ℓᵢ + ½·λ·|w|², with ℓᵢ the cross-entropy of
//! σ(zᵢ), zᵢ = w·xᵢ + b, on the label yᵢ ∈ {0, 1}; its gradient is
//! (1/N)·Σᵢ (σ(zᵢ) − yᵢ)·x̃ᵢ + λ·(w, 0) with x̃ᵢ = (xᵢ, 1), the intercept b being
//! the last weight. A batch B of samples gives the batch mean
//! ∇J_B = (1/|B|)·Σ_{i∈B} (σ(zᵢ) − yᵢ)·x̃ᵢ + λ·(w, 0).
//!
//! The properties: the gradient matches central differences; at w = 0 it is the
//! mean of (½ − yᵢ)·x̃ᵢ; an intercept-only model's gradient vanishes at the
//! log-odds; flipping every label and the sign of every weight keeps the loss and
//! negates the gradient; the batch gradient is unbiased (its mean over all equally
//! likely batches is the full gradient, with or without replacement); an epoch of
//! equal batches without replacement averages to the full gradient; and a seeded
//! minibatch run is reproducible.
//!
//! Rounding, stated once: the gradient's terms tᵢⱼ = (σ(zᵢ) − yᵢ)·x̃ᵢⱼ are at most
//! sⱼ = maxᵢ |x̃ᵢⱼ| in size (|σ − y| ≤ 1). Recursive summation of n terms errs by at
//! most (n − 1)·u·Σ|terms| (first order, u = 2⁻⁵³), a division or an addition by
//! one rounding: a mean of n such terms is within n·u·sⱼ of its exact value,
//! whatever the order of the sum.

use datasets::{Minibatch, Sampling};
use descent_tests::{
    UNIT_ROUNDOFF, central_differences, labelled_data, labelled_rows, model_weights, ridge,
};
use gd::{GradientDescent, Stop, minimize};
use objectives::{FiniteSum, LogisticRegression, Objective};
use proptest::prelude::*;

/// The strategies draw data the constructor accepts.
const VALID: &str = "data drawn in range";

fn logistic(rows: Vec<Vec<f64>>, labels: Vec<f64>, ridge: f64) -> LogisticRegression {
    LogisticRegression::new(rows, labels, ridge).expect(VALID)
}

/// A logistic regression on [`labelled_data`] with a [`ridge`], and weights for it.
fn problem_and_weights() -> impl Strategy<Value = (LogisticRegression, Vec<f64>)> {
    (labelled_data(), ridge()).prop_flat_map(|((rows, labels), lambda)| {
        let d = rows[0].len();
        (Just(logistic(rows, labels, lambda)), model_weights(d + 1))
    })
}

fn gradient_of(problem: &impl Objective, w: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; problem.dimension()];
    problem.gradient(w, &mut g);
    g
}

fn batch_gradient_of(problem: &LogisticRegression, w: &[f64], batch: &[usize]) -> Vec<f64> {
    let mut g = vec![0.0; problem.dimension()];
    problem.batch_gradient(w, batch, &mut g);
    g
}

/// sⱼ = maxᵢ |x̃ᵢⱼ| for each weight j, with x̃ᵢ = (xᵢ, 1): the largest term size.
fn term_scales(problem: &LogisticRegression) -> Vec<f64> {
    let d = problem.features();
    let mut scales = vec![0.0; d + 1];
    scales[d] = 1.0;
    for i in 0..problem.samples() {
        for (s, x) in scales.iter_mut().zip(problem.row(i)) {
            *s = f64::max(*s, x.abs());
        }
    }
    scales
}

// ANCHOR: logistic_central_differences
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **The gradient is the derivative of the loss: it matches central
    /// differences.**
    ///
    /// Conditions: 2 to 12 samples of 1 to 4 features in [−3, 3], labels 0 or 1,
    /// λ = 0 or in [1e-3, 1], weights and intercept in [−3, 3]; h = 1e-5.
    ///
    /// Proof sketch: J is smooth, and a central difference errs by its truncation
    /// h²·|∂ⱼ³J|/6 plus the rounding of J divided by h. Here |zᵢ| ≤ 39, so
    /// J ≤ 39 + ½·4·9 = 57 is computed to about 1e-14, and
    /// |∂ⱼ³ℓᵢ| = |σ''(zᵢ)|·|x̃ᵢⱼ|³ ≤ 0.1·27: both errors are below 1e-9, far inside
    /// the allowance 1e-6·max(1, |∂ⱼJ|). A wrong gradient (a sum for a mean, a
    /// flipped sign, a forgotten intercept or ridge) is off by far more than that.
    #[test]
    fn logistic_gradient_matches_central_differences((problem, w) in problem_and_weights()) {
        let analytic = gradient_of(&problem, &w);
        let numeric = central_differences(&problem, &w, 1e-5);
        for (j, (a, n)) in analytic.iter().zip(&numeric).enumerate() {
            prop_assert!(
                (a - n).abs() <= 1e-6 * n.abs().max(1.0),
                "∂J/∂w{} at w = {:?}: your gradient gives {:e}, central differences {:e} \
                 (the intercept is the last weight)", j, w, a, n
            );
        }
    }
}
// ANCHOR_END: logistic_central_differences

// ANCHOR: logistic_gradient_at_zero
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **At w = 0 the gradient is the mean of (½ − yᵢ)·x̃ᵢ, with x̃ᵢ = (xᵢ, 1).**
    ///
    /// Conditions: data and λ as for the central differences; w = 0 (and b = 0).
    ///
    /// Proof sketch: every zᵢ = 0 and σ(0) = ½, and the ridge term is λ·0 = 0, so
    /// ∂J/∂wⱼ = (1/N)·Σᵢ (½ − yᵢ)·xᵢⱼ and ∂J/∂b = ½ − ȳ: the model knows nothing
    /// yet, and each sample pulls by half its input, towards its label. σ(0) = ½
    /// and each (½ − yᵢ)·xᵢⱼ = ±½·xᵢⱼ are exact; only the sums round, so the two
    /// means differ by at most 2N·u·sⱼ.
    #[test]
    fn logistic_gradient_at_zero_is_the_mean_of_half_minus_the_label_times_the_input(
        ((rows, labels), lambda) in (labelled_data(), ridge()),
    ) {
        let problem = logistic(rows.clone(), labels.clone(), lambda);
        let n = rows.len() as f64;
        let d = problem.features();
        let g = gradient_of(&problem, &vec![0.0; d + 1]);
        let mut expected = vec![0.0; d + 1];
        for (x, y) in rows.iter().zip(&labels) {
            for (e, x) in expected.iter_mut().zip(x.iter().chain([&1.0])) {
                *e += (0.5 - y) * x;
            }
        }
        for (j, (g, e)) in g.iter().zip(&expected).enumerate() {
            let e = e / n;
            let allowance = 2.0 * n * UNIT_ROUNDOFF * term_scales(&problem)[j];
            prop_assert!(
                (g - e).abs() <= allowance,
                "∂J/∂w{} at w = 0: got {:e}, expected the mean of (½ − yᵢ)·x̃ᵢ{} = {:e}", j, g, j, e
            );
        }
    }
}
// ANCHOR_END: logistic_gradient_at_zero

/// N ≥ 2 labels with k ones, 1 ≤ k < N, in a random order.
fn both_labels() -> impl Strategy<Value = Vec<f64>> {
    (2..=12usize).prop_flat_map(|n| (1..n).prop_map(move |k| (n, k))).prop_flat_map(|(n, k)| {
        let labels: Vec<f64> = (0..n).map(|i| if i < k { 1.0 } else { 0.0 }).collect();
        Just(labels).prop_shuffle()
    })
}

// ANCHOR: logistic_log_odds
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **An intercept-only model's gradient vanishes at the log-odds: with every
    /// feature 0, ∇J(0, …, 0, b*) = 0 for b* = log(k/(N − k)), k the number of 1s.**
    ///
    /// Conditions: 2 to 12 samples of 1 to 4 features, all 0; both labels present
    /// (1 ≤ k < N); λ as above.
    ///
    /// Proof sketch: with xᵢ = 0 every zᵢ = b, so ∂J/∂b = σ(b) − k/N, which is 0
    /// where σ(b*) = k/N, that is at b* = log(k/(N − k)); and
    /// ∂J/∂wⱼ = (1/N)·Σᵢ (σ(b) − yᵢ)·0 + λ·0 = 0 exactly. In floating point b*
    /// carries a few roundings, which σ' ≤ ¼ shrinks, σ(b*) a few more, and the
    /// mean of the N residuals of size ≤ 1 up to N·u: (4N + 16)·u bounds it.
    #[test]
    fn logistic_gradient_vanishes_at_the_log_odds_for_an_intercept_only_model(
        labels in both_labels(),
        d in 1..=4usize,
        lambda in ridge(),
    ) {
        let n = labels.len();
        let k = labels.iter().filter(|&&y| y == 1.0).count() as f64;
        let problem = logistic(vec![vec![0.0; d]; n], labels, lambda);
        let mut w = vec![0.0; d + 1];
        w[d] = (k / (n as f64 - k)).ln();
        let g = gradient_of(&problem, &w);
        prop_assert!(g[..d].iter().all(|&g| g == 0.0), "the feature weights' gradient {:?} must be 0", &g[..d]);
        let allowance = (4.0 * n as f64 + 16.0) * UNIT_ROUNDOFF;
        prop_assert!(
            g[d].abs() <= allowance,
            "∂J/∂b at b = log({}/{}) = {}: got {:e}, expected 0 within {:e}", k, n as f64 - k, w[d], g[d], allowance
        );
    }
}
// ANCHOR_END: logistic_log_odds

// ANCHOR: logistic_symmetry
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Flipping every label and the sign of every weight keeps the loss and
    /// negates the gradient: J'(−w) = J(w) and ∇J'(−w) = −∇J(w), where J' has the
    /// labels 1 − yᵢ.**
    ///
    /// Conditions: data, λ and weights as for the central differences.
    ///
    /// Proof sketch: z' = −z, and the cross-entropy of σ(−z) on 1 − y is that of
    /// σ(z) on y, because σ(−z) = 1 − σ(z); the ridge ½·λ·|w|² is even. So
    /// J'(−w) = J(w), and differentiating, −∇J'(−w) = ∇J(w): the residual
    /// σ(−z) − (1 − y) = −(σ(z) − y). The loss is computed in a form that is
    /// exactly symmetric, so it agrees bit for bit. The two residuals agree within
    /// about 10u (each σ is good to a few roundings), and the two means sum the
    /// same terms up to those: (4N + 16)·u·sⱼ + 4u·λ·|wⱼ| bounds the difference.
    #[test]
    fn logistic_loss_is_symmetric_under_flipping_labels_and_weights(
        (problem, w) in problem_and_weights(),
    ) {
        let n = problem.samples();
        let rows: Vec<Vec<f64>> = (0..n).map(|i| problem.row(i).to_vec()).collect();
        let flipped_labels = problem.labels().iter().map(|y| 1.0 - y).collect();
        let flipped = logistic(rows, flipped_labels, problem.ridge());
        let minus_w: Vec<f64> = w.iter().map(|x| -x).collect();
        prop_assert_eq!(descent_tests::bits(&[flipped.value(&minus_w)]), descent_tests::bits(&[problem.value(&w)]));
        let (g, g_flipped) = (gradient_of(&problem, &w), gradient_of(&flipped, &minus_w));
        let scales = term_scales(&problem);
        let d = problem.features();
        for j in 0..=d {
            let ridge_term = if j < d { problem.ridge() * w[j].abs() } else { 0.0 };
            let allowance =
                (4.0 * n as f64 + 16.0) * UNIT_ROUNDOFF * scales[j] + 4.0 * UNIT_ROUNDOFF * ridge_term;
            prop_assert!(
                (g_flipped[j] + g[j]).abs() <= allowance,
                "∂J/∂w{}: {:e} with the labels flipped at −w, {:e} at w; they must be opposite",
                j, g_flipped[j], g[j]
            );
        }
    }
}
// ANCHOR_END: logistic_symmetry

/// Asserts that `mean` is the full gradient of `problem` at `w` within
/// `terms`·u·sⱼ + `ridges`·u·λ·|wⱼ|, naming `what` it is the mean of.
fn assert_is_the_full_gradient(
    problem: &LogisticRegression,
    w: &[f64],
    mean: &[f64],
    terms: f64,
    ridges: f64,
    what: &str,
) -> Result<(), TestCaseError> {
    let full = gradient_of(problem, w);
    let scales = term_scales(problem);
    let d = problem.features();
    for j in 0..=d {
        let ridge_term = if j < d { problem.ridge() * w[j].abs() } else { 0.0 };
        let allowance = (terms * scales[j] + ridges * ridge_term) * UNIT_ROUNDOFF;
        prop_assert!(
            (mean[j] - full[j]).abs() <= allowance,
            "∂J/∂w{}: the mean of {} is {:e}, the full gradient {:e} (allowance {:e})",
            j,
            what,
            mean[j],
            full[j],
            allowance
        );
    }
    Ok(())
}

// ANCHOR: epoch_average
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **An epoch of equal batches without replacement averages to the full
    /// gradient: (1/m)·Σₖ ∇J_{Bₖ}(w) = ∇J(w).**
    ///
    /// Conditions: N = m·b samples, b in 1..=4 and m in 2..=4 batches, of 1 to 3
    /// features; λ and weights as above; any seed. The batches are the first m
    /// that the minibatch objective (`datasets::Minibatch`, without replacement)
    /// draws: one epoch.
    ///
    /// Proof sketch: an epoch is a shuffle of 0..N cut into m batches of b, so the
    /// batches partition the samples and
    /// (1/m)·Σₖ (1/b)·Σ_{i∈Bₖ} tᵢ = (1/N)·Σᵢ tᵢ; the ridge term λ·w, carried whole
    /// by every batch, averages to itself. In floating point both sides add the
    /// same N terms in other groupings: the full mean is within (N + 1)·u·sⱼ of
    /// exact, the epoch's within (b + m + 3)·u·sⱼ, and the ridge term is rounded
    /// a few times: (2N + 8)·u·sⱼ + 4u·λ·|wⱼ| bounds the difference. A batch
    /// gradient divided by N rather than by the batch's size is b/N times too small.
    #[test]
    fn an_epoch_without_replacement_averages_the_batch_gradients_to_the_full_gradient(
        ((rows, labels), lambda, b, m) in (1..=4usize, 2..=4usize, 1..=3usize)
            .prop_flat_map(|(b, m, d)| (labelled_rows(b * m, d), ridge(), Just(b), Just(m))),
        seed in any::<u64>(),
        weights in model_weights(4),
    ) {
        let d = rows[0].len();
        let problem = logistic(rows, labels, lambda);
        let w = &weights[..=d];
        let batches = Minibatch::new(&problem, b, Sampling::WithoutReplacement, seed).expect(VALID);
        prop_assert_eq!(batches.batches_per_epoch(), m);
        let mut mean = vec![0.0; d + 1];
        for _ in 0..m {
            let g = gradient_of(&batches, w);
            mean.iter_mut().zip(&g).for_each(|(mean, g)| *mean += g / m as f64);
        }
        let terms = 2.0 * (b * m) as f64 + 8.0;
        assert_is_the_full_gradient(&problem, w, &mean, terms, 4.0, "one epoch's batch gradients")?;
    }
}
// ANCHOR_END: epoch_average

/// Every subset of `size` indices of 0..n, in lexicographic order.
fn subsets(n: usize, size: usize) -> Vec<Vec<usize>> {
    if size == 0 {
        return vec![Vec::new()];
    }
    (size - 1..n)
        .flat_map(|last| {
            subsets(last, size - 1).into_iter().map(move |mut s| {
                s.push(last);
                s
            })
        })
        .collect()
}

/// Every ordered draw of `size` indices of 0..n with replacement (nˢⁱᶻᵉ of them).
fn draws(n: usize, size: usize) -> Vec<Vec<usize>> {
    let count = (0..size).fold(1, |c, _| c * n);
    (0..count)
        .map(|mut code| {
            (0..size)
                .map(|_| {
                    let i = code % n;
                    code /= n;
                    i
                })
                .collect()
        })
        .collect()
}

// ANCHOR: unbiased_batches
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **The batch gradient is unbiased: its mean over all equally likely
    /// batches of b samples is the full gradient, with or without replacement.**
    ///
    /// Conditions: 2 to 6 samples of 1 to 3 features, λ and weights as above,
    /// b in 1..N (b = N would be the full gradient itself), and b ≤ 3 with
    /// replacement. Without replacement the batches are the C(N, b) subsets; with
    /// replacement the Nᵇ ordered draws, a repeated index counting as often as it
    /// is drawn.
    ///
    /// Proof sketch: by symmetry every index appears equally often among the
    /// batches: in C(N − 1, b − 1) of the C(N, b) subsets, and b·Nᵇ⁻¹ times among
    /// the Nᵇ draws. So the mean over the batches of (1/b)·Σ_{i∈B} tᵢ gives every
    /// tᵢ the weight 1/N, and λ·w averages to itself. That is why a batch
    /// gradient is a *mean*: a sum would be b/N times the full gradient on average.
    /// Rounding: each batch mean is within (b + 2)·u·sⱼ of exact, the mean of K
    /// of them adds K·u·sⱼ, the full mean (N + 1)·u·sⱼ, and the ridge term a few
    /// roundings per batch: (2K + 2N + 8)·u·sⱼ + (K + 8)·u·λ·|wⱼ| bounds the gap.
    #[test]
    fn the_mean_batch_gradient_over_all_batches_is_the_full_gradient(
        ((rows, labels), lambda, b) in (2..=6usize, 1..=3usize)
            .prop_flat_map(|(n, d)| (labelled_rows(n, d), ridge(), 1..n)),
        weights in model_weights(4),
    ) {
        let (n, d) = (rows.len(), rows[0].len());
        let problem = logistic(rows, labels, lambda);
        let w = &weights[..=d];
        let mut every = vec![("subsets without replacement", subsets(n, b))];
        if b <= 3 {
            every.push(("draws with replacement", draws(n, b)));
        }
        for (what, batches) in every {
            let k = batches.len() as f64;
            let mut mean = vec![0.0; d + 1];
            for batch in &batches {
                let g = batch_gradient_of(&problem, w, batch);
                mean.iter_mut().zip(&g).for_each(|(mean, g)| *mean += g / k);
            }
            let what = format!("the {k} batch gradients of {b} ({what})");
            assert_is_the_full_gradient(&problem, w, &mean, 2.0 * k + 2.0 * n as f64 + 8.0, k + 8.0, &what)?;
        }
    }
}
// ANCHOR_END: unbiased_batches

// ANCHOR: seeded_run
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **A seeded minibatch run is reproducible: the same seed gives the same
    /// trace, bit for bit, and the trace records the full loss.**
    ///
    /// Conditions: data and λ as for the central differences, batches of 1 to N
    /// samples with or without replacement, any seed; gradient descent with
    /// η = 0.1, 20 steps from 0.
    ///
    /// Proof sketch: the batches are a function of the seed alone (a ChaCha8
    /// stream and fixed algorithms, the same on every machine), each minibatch
    /// gradient a function of w and its batch, each step a function of w and the
    /// gradient: two runs compute the same numbers in the same order. The loss
    /// the run loop records is the objective's value, which for a minibatch
    /// objective is the full loss J(w), not the batch's.
    #[test]
    fn a_seeded_minibatch_run_is_reproducible(
        (problem, _) in problem_and_weights(),
        batch_fraction in 0.0..1.0f64,
        with_replacement in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let n = problem.samples();
        let b = 1 + ((n as f64 * batch_fraction) as usize).min(n - 1);
        let sampling =
            if with_replacement { Sampling::WithReplacement } else { Sampling::WithoutReplacement };
        let run = || {
            let batches = Minibatch::new(&problem, b, sampling, seed).expect(VALID);
            let mut gd = GradientDescent::new(0.1).expect(VALID);
            let start = vec![0.0; problem.dimension()];
            minimize(&batches, &mut gd, &start, Stop::after(20).or_when_gradient_below(0.0))
        };
        let (first, second) = (run(), run());
        prop_assert_eq!(&first, &second);
        for (w, loss) in first.iterates.iter().zip(&first.losses) {
            prop_assert_eq!(descent_tests::bits(&[*loss]), descent_tests::bits(&[problem.value(w)]));
        }
    }
}
// ANCHOR_END: seeded_run

/// The objectives of the scaling properties, by index: every shape of the course
/// with a gradient that is not a mere sign.
fn course_objective(index: usize) -> (Box<dyn Objective>, Vec<f64>) {
    use objectives::{DiagonalQuadratic, LinearRegression, Quadratic, Rosenbrock};
    match index {
        0 => (Box::new(DiagonalQuadratic::ellipse()), vec![-5.0, -2.0]),
        1 => (
            Box::new(Quadratic::rotated_valley(
                std::f64::consts::FRAC_PI_6,
                [0.2, 4.0],
                [1.0, 1.0],
            )),
            vec![-4.0, -2.0],
        ),
        2 => (Box::new(Rosenbrock::default()), vec![-1.5, 2.0]),
        _ => (Box::new(LinearRegression::course_data()), vec![0.0, 0.0]),
    }
}

/// The run of `optimizer` on `objective` from `start` for 100 steps, with no
/// gradient tolerance (the runs compared must take the same number of steps).
fn iterates(
    objective: &dyn Objective,
    optimizer: &mut dyn gd::Optimizer,
    start: &[f64],
) -> gd::Trace {
    minimize(objective, optimizer, start, Stop::after(100).or_when_gradient_below(0.0))
}

/// The bit patterns of every iterate, for exact comparisons.
fn all_bits(iterates: &[Vec<f64>]) -> Vec<descent_tests::Bits> {
    iterates.iter().map(|w| descent_tests::bits(w)).collect()
}

/// Asserts that two runs went through the same iterates, bit for bit, as far as
/// both went. A diverging run can stop a step earlier on c·J than on J (or later):
/// the run loop stops when the *loss* is no longer finite, and c·J overflows
/// before J does when c > 1. The iterates are the same up to there, and a run
/// that stopped short of the 100 steps must have diverged.
fn assert_same_iterates(a: &gd::Trace, b: &gd::Trace) -> Result<(), TestCaseError> {
    let common = a.iterates.len().min(b.iterates.len());
    prop_assert_eq!(all_bits(&a.iterates[..common]), all_bits(&b.iterates[..common]));
    let shorter = if a.iterates.len() < b.iterates.len() { a } else { b };
    if a.iterates.len() != b.iterates.len() {
        prop_assert!(
            matches!(shorter.stop, gd::StopReason::Diverged { .. }),
            "the runs differ in length but the shorter did not diverge: {:?}",
            shorter.stop
        );
    }
    Ok(())
}

// ANCHOR: scaled_cost_moves_gd
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Gradient descent on c·J with η takes the steps of gradient descent on J
    /// with c·η: its window of learning rates moves by 1/c.**
    ///
    /// Conditions: c = 2ᵏ with k in [−20, 20], η log-uniform in [1e-6, 1], J any
    /// of the ellipse, the rotated valley, Rosenbrock's function and the linear
    /// regression, 100 steps from the course's start.
    ///
    /// Proof sketch: the step on c·J subtracts η·(c·g); the step on J with c·η
    /// subtracts (c·η)·g. In reals both are c·η·g. In floating point c = 2ᵏ makes
    /// fl(c·g) = c·g and fl(c·η) = c·η exact (no overflow or underflow in these
    /// ranges), so both products are the single rounding fl(c·η·g), and the
    /// iterates agree bit for bit, step after step. A run that diverges on one
    /// diverges at the same step on the other: the same iterates give the same
    /// non-finite number.
    #[test]
    fn gradient_descent_on_c_times_j_with_eta_steps_like_gradient_descent_on_j_with_c_eta(
        k in -20i32..=20,
        eta in descent_tests::log_uniform(-6.0, 0.0),
        index in 0usize..4,
    ) {
        let c = 2f64.powi(k);
        let (objective, start) = course_objective(index);
        let scaled = objectives::Scaled::new(objective.as_ref(), c);
        let on_scaled = iterates(&scaled, &mut GradientDescent::new(eta).expect("η > 0"), &start);
        let on_j = iterates(objective.as_ref(), &mut GradientDescent::new(c * eta).expect("c·η > 0"), &start);
        assert_same_iterates(&on_scaled, &on_j)?;
        // And a step is a step: every start has a nonzero gradient and
        // c·η ≥ 2⁻²⁰·10⁻⁶, enough to move a coordinate by more than its ulp, so
        // the first iterate differs from the start, unless it was already not
        // finite (the run then stops at once). A step that does nothing would
        // satisfy the equality above trivially.
        prop_assert!(
            on_j.iterates.len() == 1 || descent_tests::bits(&on_j.iterates[1]) != descent_tests::bits(&start),
            "the first step left the weights where they were: {:?}",
            on_j.iterates.get(1)
        );
    }
}
// ANCHOR_END: scaled_cost_moves_gd

// ANCHOR: scaled_cost_keeps_adagrad
proptest! {
    #![proptest_config(descent_tests::config())]
    /// **Adagrad with ε = 0 takes the same steps on c·J as on J, with the same η:
    /// its window of learning rates does not move.**
    ///
    /// Conditions: as above, with the course's Adagrad but ε = 0.
    ///
    /// Proof sketch: every gradient is multiplied by c, so G by c², √G by |c| = c,
    /// and the step η·(c·g)/(c·√G) = η·g/√G. In floating point, with c = 2ᵏ, each
    /// of fl(c·g), fl(c²·G), fl(√(c²·G)) = c·fl(√G) and fl(η·c·g) = c·fl(η·g) is
    /// exact scaling by a power of two, so the quotient rounds exactly as the
    /// unscaled one: the iterates agree bit for bit. With ε > 0 they do not: ε does
    /// not scale (the book's figure uses the course's ε = 10⁻¹⁰ and shows how
    /// little it matters there).
    #[test]
    fn adagrad_without_epsilon_steps_the_same_on_c_times_j_as_on_j(
        k in -20i32..=20,
        eta in descent_tests::log_uniform(-6.0, 0.0),
        index in 0usize..4,
    ) {
        let c = 2f64.powi(k);
        let (objective, start) = course_objective(index);
        let scaled = objectives::Scaled::new(objective.as_ref(), c);
        let adagrad = || adagrad::AdagradConfig::new(eta).epsilon(0.0).build(2).expect("settings in range");
        let on_scaled = iterates(&scaled, &mut adagrad(), &start);
        let on_j = iterates(objective.as_ref(), &mut adagrad(), &start);
        assert_same_iterates(&on_scaled, &on_j)?;
    }
}
// ANCHOR_END: scaled_cost_keeps_adagrad

proptest! {
    /// **The minibatch gradient overwrites its buffer: written into a buffer that
    /// holds anything (the last batch's gradient, say), it is the same, bit for
    /// bit, as written into zeros.**
    ///
    /// Conditions: the problems and weights of the properties above, any batch
    /// (indices drawn with repeats, 1 to 2m of them), a buffer filled with values
    /// in [−1000, 1000].
    ///
    /// Proof sketch: the gradient is a function of w and the batch alone; a
    /// buffer that is added to instead of written carries the old values into it.
    /// Both calls compute the same sums in the same order: exact.
    #[test]
    fn the_minibatch_gradient_overwrites_whatever_its_buffer_held(
        ((problem, w), batch, dirty) in problem_and_weights().prop_flat_map(|(problem, w)| {
            let (m, n) = (problem.samples(), problem.dimension());
            (
                Just((problem, w)),
                proptest::collection::vec(0..m, 1..=2 * m),
                proptest::collection::vec(-1e3..1e3f64, n),
            )
        }),
    ) {
        let clean = batch_gradient_of(&problem, &w, &batch);
        let mut reused = dirty;
        problem.batch_gradient(&w, &batch, &mut reused);
        prop_assert_eq!(descent_tests::bits(&reused), descent_tests::bits(&clean));
    }
}

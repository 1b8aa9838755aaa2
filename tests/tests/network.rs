//! Graded tests for the chapter on the network: the softmax cross-entropy's
//! gradient and the backward pass of a dense layer, and the network's gradient
//! they make.
//!
//! The softmax cross-entropy of logits z and class y is ℓ = log Σ_c e^{z_c} − z_y,
//! with ∂ℓ/∂z = p − e_y (p the softmax). A dense layer z = b + xᵀW, W stored one row
//! per input, given δ = ∂ℓ/∂z, adds xₖ·δⱼ into ∂ℓ/∂Wₖⱼ and δⱼ into ∂ℓ/∂bⱼ, and
//! writes ∂ℓ/∂xₖ = Σⱼ Wₖⱼ·δⱼ.
//!
//! Tolerances, stated once: a central difference (f(x + h) − f(x − h))/2h of a
//! function with third derivatives of order M errs by about h²·M/6 (truncation)
//! plus u·|f|/h (rounding, u = 2⁻⁵³). With h = 1e-5 and |f| and M of order 10
//! (logits and inputs below 5 in size), that is below 1e-9; the tests allow 1e-7
//! relative to the gradient's scale, a hundred times more, and a wrong formula is
//! off by order 1.

use approx::assert_relative_eq;
use network::layers::{dense_backward, dense_forward, softmax_cross_entropy};
use network::{Classifier, Shape};
use objectives::{FiniteSum, Objective};
use proptest::prelude::*;

const H: f64 = 1e-5;
const TOLERANCE: f64 = 1e-7;

/// Logits of 2 to 12 classes in [−5, 5], and a class.
fn logits_and_label() -> impl Strategy<Value = (Vec<f64>, usize)> {
    (2usize..=12).prop_flat_map(|k| (prop::collection::vec(-5.0..5.0f64, k), 0..k))
}

/// An input entry: in [−2, 2], or, drawn on purpose as often, exactly 0 or
/// exactly 1, the values most of a digit's scaled pixels take (a backward pass
/// that mishandles either would go unseen by uniform draws, which never hit them).
fn input_entry() -> impl Strategy<Value = f64> {
    prop_oneof![2 => -2.0..2.0f64, 1 => Just(0.0), 1 => Just(1.0)]
}

/// A dense layer of m inputs and n outputs: input, weights, bias and a δ.
#[allow(clippy::type_complexity)]
fn layer() -> impl Strategy<Value = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>)> {
    (1usize..=6, 1usize..=6).prop_flat_map(|(m, n)| {
        (
            prop::collection::vec(input_entry(), m),
            prop::collection::vec(-2.0..2.0f64, m * n),
            prop::collection::vec(-2.0..2.0f64, n),
            prop::collection::vec(-2.0..2.0f64, n),
        )
    })
}

fn loss(logits: &[f64], label: usize) -> f64 {
    let mut scratch = vec![0.0; logits.len()];
    softmax_cross_entropy(logits, label, &mut scratch)
}

/// ⟨r, b + xᵀW⟩: a scalar whose gradient with respect to z is r, so that the
/// backward pass with δ = r gives its gradients.
fn projected_output(input: &[f64], weights: &[f64], bias: &[f64], r: &[f64]) -> f64 {
    let mut z = vec![0.0; bias.len()];
    dense_forward(input, weights, bias, &mut z);
    z.iter().zip(r).map(|(z, r)| z * r).sum()
}

fn central(f: impl Fn(&[f64]) -> f64, at: &[f64]) -> Vec<f64> {
    (0..at.len())
        .map(|j| {
            let (mut plus, mut minus) = (at.to_vec(), at.to_vec());
            plus[j] += H;
            minus[j] -= H;
            (f(&plus) - f(&minus)) / (2.0 * H)
        })
        .collect()
}

fn assert_close(analytic: &[f64], numeric: &[f64], what: &str) {
    assert_eq!(analytic.len(), numeric.len(), "{what}: lengths");
    for (j, (a, n)) in analytic.iter().zip(numeric).enumerate() {
        assert!(
            (a - n).abs() <= TOLERANCE * (1.0 + n.abs()),
            "{what}, entry {j}: the backward pass gives {a}, central differences {n}"
        );
    }
}

proptest! {
    #[test]
    fn softmax_cross_entropy_gradient_matches_central_differences((logits, label) in logits_and_label()) {
        let mut delta = vec![0.0; logits.len()];
        softmax_cross_entropy(&logits, label, &mut delta);
        assert_close(&delta, &central(|z| loss(z, label), &logits), "∂ℓ/∂z");
    }

    #[test]
    fn softmax_gradient_is_the_probabilities_minus_the_one_hot_label((logits, label) in logits_and_label()) {
        let mut delta = vec![0.0; logits.len()];
        let value = softmax_cross_entropy(&logits, label, &mut delta);
        // The probabilities p = δ + e_y are positive and sum to 1; ℓ = −log p_y.
        // Each is a quotient of exponentials: a few roundings, 1e-14 is ample.
        let p: Vec<f64> = delta.iter().enumerate().map(|(c, d)| if c == label { d + 1.0 } else { *d }).collect();
        prop_assert!(p.iter().all(|&q| q > 0.0 && q <= 1.0), "{p:?}");
        assert_relative_eq!(p.iter().sum::<f64>(), 1.0, epsilon = 1e-14);
        assert_relative_eq!(value, -p[label].ln(), epsilon = 1e-12, max_relative = 1e-12);
    }

    #[test]
    fn the_dense_backward_pass_matches_central_differences((input, weights, bias, r) in layer()) {
        let (m, n) = (input.len(), bias.len());
        let (mut gw, mut gb, mut gx) = (vec![0.0; m * n], vec![0.0; n], vec![0.0; m]);
        dense_backward(&input, &weights, &r, &mut gw, &mut gb, Some(&mut gx));
        assert_close(&gw, &central(|w| projected_output(&input, w, &bias, &r), &weights), "∂/∂W");
        assert_close(&gb, &central(|b| projected_output(&input, &weights, b, &r), &bias), "∂/∂b");
        assert_close(&gx, &central(|x| projected_output(x, &weights, &bias, &r), &input), "∂/∂x");
    }

    #[test]
    fn the_dense_backward_pass_adds_into_the_gradient_buffers((input, weights, bias, r) in layer()) {
        // Two calls from zero give twice one call: a batch sums its samples.
        let (m, n) = (input.len(), bias.len());
        let (mut once_w, mut once_b) = (vec![0.0; m * n], vec![0.0; n]);
        dense_backward(&input, &weights, &r, &mut once_w, &mut once_b, None);
        let (mut twice_w, mut twice_b) = (vec![0.0; m * n], vec![0.0; n]);
        dense_backward(&input, &weights, &r, &mut twice_w, &mut twice_b, None);
        dense_backward(&input, &weights, &r, &mut twice_w, &mut twice_b, None);
        // x + x = 2x exactly in floating point.
        prop_assert_eq!(twice_w, once_w.iter().map(|g| 2.0 * g).collect::<Vec<_>>());
        prop_assert_eq!(twice_b, once_b.iter().map(|g| 2.0 * g).collect::<Vec<_>>());
    }
}

#[test]
fn softmax_cross_entropy_of_large_logits_is_finite_and_exact() {
    let mut delta = [0.0; 3];
    // e^{1000} overflows: the largest logit must be subtracted first.
    let value = softmax_cross_entropy(&[1000.0, 0.0, -1000.0], 2, &mut delta);
    assert_eq!(value, 2000.0);
    assert_eq!(delta, [1.0, 0.0, -1.0]);
    let value = softmax_cross_entropy(&[-1000.0, -1000.0], 0, &mut [0.0; 2]);
    assert_relative_eq!(value, 2f64.ln(), max_relative = 1e-15);
}

#[test]
fn equal_logits_give_one_over_k_minus_the_label() {
    let mut delta = [9.0; 4];
    let value = softmax_cross_entropy(&[0.5; 4], 3, &mut delta);
    // log 4 and 1/4 − [c = 3]: exact up to the rounding of exp, ln and a division.
    assert_relative_eq!(value, 4f64.ln(), max_relative = 1e-15);
    assert_relative_eq!(
        delta.as_slice(),
        [0.25, 0.25, 0.25, -0.75].as_slice(),
        max_relative = 1e-15
    );
}

/// A small network on six samples with every class present.
fn small_network() -> Classifier {
    let shape = Shape::new(5, 4, 3).expect("a valid shape");
    let inputs: Vec<f64> = (0..30).map(|k| ((k * 37) % 11) as f64 / 11.0 - 0.3).collect();
    Classifier::new(shape, inputs, vec![0, 2, 1, 1, 0, 2], 0.1).expect("valid data")
}

#[test]
fn the_network_gradient_matches_central_differences() {
    let problem = small_network();
    for seed in 0..3 {
        let w = problem.shape().initialize(seed);
        let mut g = vec![0.0; w.len()];
        problem.gradient(&w, &mut g);
        assert_close(&g, &central(|w| problem.value(w), &w), "∇J of the network");
    }
}

#[test]
fn a_batch_gradient_is_the_mean_of_its_samples_gradients() {
    let problem = small_network();
    let w = problem.shape().initialize(5);
    let gradient = |batch: &[usize]| {
        let mut g = vec![0.0; w.len()];
        problem.batch_gradient(&w, batch, &mut g);
        g
    };
    let (a, b, both) = (gradient(&[1]), gradient(&[4]), gradient(&[1, 4]));
    // Per sample, sums of the same terms: equal up to a few roundings of terms
    // of order 1 (the ridge, λ·w, is added once to each side).
    let mean: Vec<f64> = a.iter().zip(&b).map(|(a, b)| (a + b) / 2.0).collect();
    assert_relative_eq!(both.as_slice(), mean.as_slice(), epsilon = 1e-14, max_relative = 1e-12);
    // An epoch of equal batches averages to the full gradient.
    let full = gradient(&[0, 1, 2, 3, 4, 5]);
    let batches = [gradient(&[3, 0]), gradient(&[5, 1]), gradient(&[2, 4])];
    let epoch: Vec<f64> =
        (0..w.len()).map(|j| batches.iter().map(|g| g[j]).sum::<f64>() / 3.0).collect();
    assert_relative_eq!(epoch.as_slice(), full.as_slice(), epsilon = 1e-14, max_relative = 1e-12);
}

/// The message a call panicked with (the grader runs the tests in one process,
/// so a panic is caught here and its message compared).
fn panic_message(call: impl FnOnce()) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .expect_err("the call should panic, naming both lengths");
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast::<&str>().map(|m| m.to_string()).unwrap_or_default(),
    }
}

#[test]
fn the_backward_pass_refuses_an_input_gradient_of_the_wrong_length_naming_both() {
    let message = panic_message(|| {
        let mut gx = [0.0; 1];
        dense_backward(
            &[1.0, 2.0],
            &[0.0; 6],
            &[1.0; 3],
            &mut [0.0; 6],
            &mut [0.0; 3],
            Some(&mut gx),
        );
    });
    assert_eq!(message, "the input gradient has 1 elements, expected 2 (the input)");
}

#[test]
fn the_backward_pass_refuses_a_weight_gradient_of_the_wrong_shape_naming_both() {
    let message = panic_message(|| {
        dense_backward(&[1.0, 2.0], &[0.0; 6], &[1.0; 3], &mut [0.0; 5], &mut [0.0; 3], None);
    });
    assert_eq!(message, "the weight gradient has 5 elements, expected 6 (inputs × outputs)");
}

#[test]
fn the_softmax_refuses_a_delta_of_the_wrong_length_naming_both() {
    let message = panic_message(|| {
        softmax_cross_entropy(&[0.0; 3], 0, &mut [0.0; 2]);
    });
    assert_eq!(message, "delta has 2 elements, expected 3 (the logits)");
}

//! The pieces of backpropagation, one function each: a dense layer forward and
//! backward, tanh, and the softmax cross-entropy with its gradient.
//!
//! A dense layer maps an input x ∈ ℝᵐ to z ∈ ℝⁿ by
//!
//! > zⱼ = bⱼ + Σₖ xₖ·Wₖⱼ,
//!
//! with W stored row by row *per input*: row k holds the n weights that leave input
//! k. Given δ = ∂ℓ/∂z, the chain rule gives its three gradients
//!
//! > ∂ℓ/∂Wₖⱼ = xₖ·δⱼ,   ∂ℓ/∂bⱼ = δⱼ,   ∂ℓ/∂xₖ = Σⱼ Wₖⱼ·δⱼ,
//!
//! the first two *added* into buffers (a batch sums over its samples), the last
//! written (it is the δ of the layer below, before its activation's derivative).
//! The softmax cross-entropy of logits z and the true class y is
//!
//! > ℓ = log Σ_c e^{z_c} − z_y,   ∂ℓ/∂z_c = p_c − [c = y],   p_c = e^{z_c}/Σ e^{z},
//!
//! computed with the largest logit subtracted first, so that no exponential
//! overflows. tanh's derivative is 1 − tanh², read from the activation itself.
//!
//! Every function panics naming both lengths when its slices do not fit: a wrong
//! shape is a bug, never a silently shorter loop.

/// Panics with both lengths unless `a == b`: `a` is what `what_a` has, `b` what
/// `what_b` asks for.
#[track_caller]
pub fn assert_fits(what_a: &str, a: usize, what_b: &str, b: usize) {
    assert!(a == b, "{what_a} has {a} elements, expected {b} ({what_b})");
}

/// z = b + xᵀW for one sample: `weights` is m × n row-major (row k: the weights
/// leaving input k), `bias` and `output` have n elements, `input` m.
///
/// # Panics
/// If the lengths do not fit, naming both.
// ANCHOR: dense_forward
pub fn dense_forward(input: &[f64], weights: &[f64], bias: &[f64], output: &mut [f64]) {
    let n = bias.len();
    assert_fits("output", output.len(), "the bias", n);
    assert_fits("weights", weights.len(), "inputs × outputs", input.len() * n);
    output.copy_from_slice(bias);
    for (&x, row) in input.iter().zip(weights.chunks_exact(n)) {
        // Digit images are half blank: a zero input adds nothing.
        if x != 0.0 {
            for (z, w) in output.iter_mut().zip(row) {
                *z += x * w;
            }
        }
    }
}
// ANCHOR_END: dense_forward

/// The backward pass of a dense layer for one sample: adds ∂ℓ/∂Wₖⱼ = xₖ·δⱼ into
/// `weight_gradient` and ∂ℓ/∂bⱼ = δⱼ into `bias_gradient`, and, if given, writes
/// ∂ℓ/∂xₖ = Σⱼ Wₖⱼ·δⱼ into `input_gradient`.
///
/// # Panics
/// If the lengths do not fit, naming both.
// ANCHOR: dense_backward
pub fn dense_backward(
    input: &[f64],
    weights: &[f64],
    delta: &[f64],
    weight_gradient: &mut [f64],
    bias_gradient: &mut [f64],
    input_gradient: Option<&mut [f64]>,
) {
    let (m, n) = (input.len(), delta.len());
    assert_fits("weights", weights.len(), "inputs × outputs", m * n);
    assert_fits("the weight gradient", weight_gradient.len(), "inputs × outputs", m * n);
    assert_fits("the bias gradient", bias_gradient.len(), "delta", n);
    // ANCHOR: solution_dense_backward
    for (gb, d) in bias_gradient.iter_mut().zip(delta) {
        *gb += d;
    }
    for (&x, row) in input.iter().zip(weight_gradient.chunks_exact_mut(n)) {
        if x != 0.0 {
            for (gw, d) in row.iter_mut().zip(delta) {
                *gw += x * d;
            }
        }
    }
    if let Some(input_gradient) = input_gradient {
        assert_fits("the input gradient", input_gradient.len(), "the input", m);
        for (gx, row) in input_gradient.iter_mut().zip(weights.chunks_exact(n)) {
            *gx = row.iter().zip(delta).map(|(w, d)| w * d).sum();
        }
    }
    // ANCHOR_END: solution_dense_backward
}
// ANCHOR_END: dense_backward

/// Applies tanh to every element in place.
pub fn tanh_in_place(values: &mut [f64]) {
    for v in values {
        *v = v.tanh();
    }
}

/// The softmax cross-entropy ℓ = log Σ_c e^{z_c} − z_y of `logits` z and the true
/// class `label`; writes its gradient p − e_y into `delta` and returns ℓ.
///
/// # Panics
/// If `delta` and `logits` differ in length (naming both), or `label` is not a
/// class.
// ANCHOR: softmax_cross_entropy
pub fn softmax_cross_entropy(logits: &[f64], label: usize, delta: &mut [f64]) -> f64 {
    assert_fits("delta", delta.len(), "the logits", logits.len());
    assert!(label < logits.len(), "class {label} of {} classes", logits.len());
    // ANCHOR: solution_softmax_cross_entropy
    let largest = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut exponentials = 0.0;
    for (d, z) in delta.iter_mut().zip(logits) {
        *d = (z - largest).exp();
        exponentials += *d;
    }
    for d in delta.iter_mut() {
        *d /= exponentials;
    }
    delta[label] -= 1.0;
    // The two logits first: their difference is exact where it matters, and
    // adding a large one to log Σ would round its digits away.
    exponentials.ln() + (largest - logits[label])
    // ANCHOR_END: solution_softmax_cross_entropy
}
// ANCHOR_END: softmax_cross_entropy

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn softmax_cross_entropy_of_equal_logits_is_log_of_the_classes() {
        let mut delta = [0.0; 4];
        let loss = softmax_cross_entropy(&[2.0; 4], 1, &mut delta);
        // log 4 and 1/4 − [c = 1]: exact up to the rounding of exp, ln and /.
        assert_relative_eq!(loss, 4f64.ln(), max_relative = 1e-15);
        assert_relative_eq!(
            delta.as_slice(),
            [0.25, -0.75, 0.25, 0.25].as_slice(),
            max_relative = 1e-15
        );
    }

    #[test]
    fn softmax_cross_entropy_does_not_overflow_on_large_logits() {
        let mut delta = [0.0; 3];
        let loss = softmax_cross_entropy(&[1000.0, 0.0, -1000.0], 0, &mut delta);
        assert_eq!(loss, 0.0);
        assert_eq!(delta, [0.0, 0.0, 0.0]);
        let loss = softmax_cross_entropy(&[1000.0, 0.0, -1000.0], 2, &mut delta);
        assert_eq!(loss, 2000.0);
    }

    #[test]
    fn the_softmax_gradient_sums_to_zero_and_matches_central_differences() {
        let logits = [0.3, -1.2, 2.5, 0.0, 0.7];
        let mut delta = [0.0; 5];
        softmax_cross_entropy(&logits, 3, &mut delta);
        // The probabilities sum to 1 and one 1 is taken away: a sum of five
        // numbers below 1 rounds to within a few 1e-16.
        assert!(delta.iter().sum::<f64>().abs() < 1e-15);
        let h = 1e-6;
        for c in 0..5 {
            let (mut plus, mut minus) = (logits, logits);
            plus[c] += h;
            minus[c] -= h;
            let mut scratch = [0.0; 5];
            let numeric = (softmax_cross_entropy(&plus, 3, &mut scratch)
                - softmax_cross_entropy(&minus, 3, &mut scratch))
                / (2.0 * h);
            // Truncation O(h²) ≈ 1e-12 and rounding ≈ 1e-16/h = 1e-10.
            assert!((numeric - delta[c]).abs() < 1e-9, "class {c}: {numeric} vs {}", delta[c]);
        }
    }

    #[test]
    fn a_dense_layer_is_bias_plus_input_times_weights() {
        // Two inputs, three outputs; row k holds the weights leaving input k.
        let weights = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut z = [0.0; 3];
        dense_forward(&[1.0, -1.0], &weights, &[0.5, 0.0, -0.5], &mut z);
        assert_eq!(z, [-2.5, -3.0, -3.5]);
    }

    #[test]
    fn the_dense_backward_pass_adds_outer_products_and_returns_w_delta() {
        let weights = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let (mut gw, mut gb, mut gx) = ([1.0; 6], [1.0; 3], [0.0; 2]);
        dense_backward(&[2.0, 0.0], &weights, &[1.0, -1.0, 0.5], &mut gw, &mut gb, Some(&mut gx));
        assert_eq!(gw, [3.0, -1.0, 2.0, 1.0, 1.0, 1.0]);
        assert_eq!(gb, [2.0, 0.0, 1.5]);
        assert_eq!(gx, [1.0 - 2.0 + 1.5, 4.0 - 5.0 + 3.0]);
    }

    #[test]
    #[should_panic(expected = "weights has 5 elements, expected 6 (inputs × outputs)")]
    fn a_dense_layer_refuses_weights_of_the_wrong_shape() {
        dense_forward(&[1.0, 2.0], &[0.0; 5], &[0.0; 3], &mut [0.0; 3]);
    }

    #[test]
    #[should_panic(expected = "delta has 3 elements, expected 4 (the logits)")]
    fn the_softmax_refuses_a_delta_of_the_wrong_length() {
        softmax_cross_entropy(&[0.0; 4], 0, &mut [0.0; 3]);
    }
}

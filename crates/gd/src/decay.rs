//! Weight decay, two ways: added to the gradient (L2), or applied to the weights
//! (decoupled).
//!
//! Both pull every weight towards 0 by a factor λ, and for gradient descent they
//! are the same method: w − η·(g + λ·w) = (1 − η·λ)·w − η·g. For an adaptive
//! method they are not. **L2** adds λ·w to the gradient before the optimizer sees
//! it (PyTorch's `weight_decay` on `SGD`, `Adagrad`, `RMSprop` and `Adam`), so the
//! pull is scaled like the gradient: divided by √G, weakest on the weights whose
//! gradients are largest. **Decoupled** decay (Loshchilov and Hutter, 2019: AdamW)
//! shrinks the weights by (1 − η·λ) apart from the optimizer's step, the same
//! fraction for every weight (PyTorch's `AdamW`, optax's `add_decayed_weights`
//! before the learning rate, Keras 3's `weight_decay`).
//!
//! [`L2`] and [`Decoupled`] wrap any optimizer, so every method of the course can
//! have either; each keeps a buffer of its own and allocates nothing per step.

use crate::{HyperParameterError, LearningRate, Optimizer, assert_same_length};

/// L2 weight decay: the wrapped optimizer steps on g + λ·w.
#[derive(Debug, Clone, PartialEq)]
pub struct L2<O> {
    inner: O,
    decay: f64,
    gradient: Vec<f64>,
}

impl<O> L2<O> {
    /// `inner` stepping on g + λ·w for `dimension` weights, λ = `decay`.
    ///
    /// # Errors
    /// If λ is not finite and ≥ 0.
    pub fn new(inner: O, decay: f64, dimension: usize) -> Result<Self, HyperParameterError> {
        let decay = HyperParameterError::check_non_negative("weight decay", decay)?;
        Ok(Self { inner, decay, gradient: vec![0.0; dimension] })
    }

    /// λ.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// The optimizer inside.
    pub fn inner(&self) -> &O {
        &self.inner
    }
}

impl<O: Optimizer> Optimizer for L2<O> {
    fn name(&self) -> String {
        format!("{}, L2 λ={}", self.inner.name(), self.decay)
    }

    // ANCHOR: l2_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the decayed gradient", self.gradient.len());
        // ANCHOR: solution_l2
        for ((d, &g), &w) in self.gradient.iter_mut().zip(grads).zip(params.iter()) {
            *d = g + self.decay * w;
        }
        self.inner.step(params, &self.gradient);
        // ANCHOR_END: solution_l2
    }
    // ANCHOR_END: l2_step

    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        self.inner.effective_learning_rates()
    }
}

impl<O: LearningRate> LearningRate for L2<O> {
    fn learning_rate(&self) -> f64 {
        self.inner.learning_rate()
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.inner.set_learning_rate(learning_rate)
    }
}

/// Decoupled weight decay: w ← (1 − η·λ)·w, then the wrapped optimizer's step,
/// with η the optimizer's current learning rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoupled<O> {
    inner: O,
    decay: f64,
}

impl<O: LearningRate> Decoupled<O> {
    /// `inner` with decoupled decay λ = `decay`.
    ///
    /// # Errors
    /// If λ is not finite and ≥ 0.
    pub fn new(inner: O, decay: f64) -> Result<Self, HyperParameterError> {
        Ok(Self { inner, decay: HyperParameterError::check_non_negative("weight decay", decay)? })
    }

    /// λ.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// The optimizer inside.
    pub fn inner(&self) -> &O {
        &self.inner
    }
}

impl<O: Optimizer + LearningRate> Optimizer for Decoupled<O> {
    fn name(&self) -> String {
        format!("{}, decoupled decay λ={}", self.inner.name(), self.decay)
    }

    // ANCHOR: decoupled_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        // ANCHOR: solution_decoupled_decay
        let keep = 1.0 - self.inner.learning_rate() * self.decay;
        for w in params.iter_mut() {
            *w *= keep;
        }
        self.inner.step(params, grads);
        // ANCHOR_END: solution_decoupled_decay
    }
    // ANCHOR_END: decoupled_step

    fn effective_learning_rates(&self) -> Option<Vec<f64>> {
        self.inner.effective_learning_rates()
    }
}

impl<O: LearningRate> LearningRate for Decoupled<O> {
    fn learning_rate(&self) -> f64 {
        self.inner.learning_rate()
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.inner.set_learning_rate(learning_rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GradientDescent;

    #[test]
    fn for_gradient_descent_the_two_decays_agree_up_to_rounding() {
        let mut l2 = L2::new(GradientDescent::new(0.1).unwrap(), 0.5, 2).unwrap();
        let mut decoupled = Decoupled::new(GradientDescent::new(0.1).unwrap(), 0.5).unwrap();
        let (mut a, mut b) = ([1.0, -2.0], [1.0, -2.0]);
        l2.step(&mut a, &[0.3, 0.4]);
        decoupled.step(&mut b, &[0.3, 0.4]);
        // Both (1 − 0.05)·w − 0.1·g, in two orders of rounding.
        approx::assert_relative_eq!(a.as_slice(), b.as_slice(), max_relative = 4.0 * f64::EPSILON);
        approx::assert_relative_eq!(a.as_slice(), [0.92, -1.94].as_slice(), max_relative = 1e-15);
    }

    #[test]
    fn a_negative_decay_is_refused_with_its_value() {
        let error = Decoupled::new(GradientDescent::new(0.1).unwrap(), -0.01).unwrap_err();
        assert_eq!(error.to_string(), "weight decay must be finite and >= 0, got -0.01");
    }

    #[test]
    #[should_panic(expected = "params has 3 elements but the decayed gradient has 2")]
    fn l2_refuses_params_of_another_length() {
        L2::new(GradientDescent::new(0.1).unwrap(), 0.1, 2).unwrap().step(&mut [0.0; 3], &[0.0; 3]);
    }
}

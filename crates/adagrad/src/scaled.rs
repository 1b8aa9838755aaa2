//! The scaled step Δw = η·g / √(G + ε), shared by Adagrad and RMSprop.
//!
//! Both methods divide the gradient by the root of an accumulator G of squared
//! gradients; they differ only in how G is kept. This module is that common part,
//! written once: the `rmsprop` crate calls it rather than copying it.

use gd::HyperParameterError;

/// Where ε goes in the denominator of the scaled step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EpsilonPlacement {
    /// √(G + ε): the course's form, and Keras's and optax's.
    #[default]
    InsideRoot,
    /// √G + ε: PyTorch's form.
    OutsideRoot,
}

/// The step η·g / √(G + ε), with its hyper-parameters validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaledStep {
    learning_rate: f64,
    epsilon: f64,
    placement: EpsilonPlacement,
}

impl ScaledStep {
    /// The step with learning rate η and ε placed as given.
    ///
    /// # Errors
    /// If η is not finite and > 0 or ε is not finite and ≥ 0.
    pub fn new(
        learning_rate: f64,
        epsilon: f64,
        placement: EpsilonPlacement,
    ) -> Result<Self, HyperParameterError> {
        Ok(Self {
            learning_rate: HyperParameterError::check_learning_rate(learning_rate)?,
            epsilon: HyperParameterError::check_non_negative("epsilon", epsilon)?,
            placement,
        })
    }

    /// η.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Sets η (a schedule changes it between steps).
    ///
    /// # Errors
    /// If η is not finite and > 0; then η stays as it was.
    pub fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), HyperParameterError> {
        self.learning_rate = HyperParameterError::check_learning_rate(learning_rate)?;
        Ok(())
    }

    /// ε.
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    /// The same step with another ε (Keras's Adam, seen in the course's form,
    /// has an ε that changes with the step).
    ///
    /// # Errors
    /// If ε is not finite and ≥ 0; then nothing changes.
    pub fn set_epsilon(&mut self, epsilon: f64) -> Result<(), HyperParameterError> {
        self.epsilon = HyperParameterError::check_non_negative("epsilon", epsilon)?;
        Ok(())
    }

    /// Where ε goes.
    pub fn placement(&self) -> EpsilonPlacement {
        self.placement
    }

    /// √(G + ε), or √G + ε with ε outside the root.
    #[inline]
    pub fn denominator(&self, accumulated: f64) -> f64 {
        // ANCHOR: solution_denominator
        match self.placement {
            EpsilonPlacement::InsideRoot => (accumulated + self.epsilon).sqrt(),
            EpsilonPlacement::OutsideRoot => accumulated.sqrt() + self.epsilon,
        }
        // ANCHOR_END: solution_denominator
    }

    /// The amount Δ = η·g / √(G + ε) to subtract from a weight with gradient g and
    /// accumulator G.
    ///
    /// A zero denominator happens only when G = 0 and ε = 0, and then g = 0 too
    /// (G ≥ g², or G ≥ (1 − γ)·g² for RMSprop, as long as g² does not underflow):
    /// the step is 0 there, as in optax, instead of 0/0 = NaN.
    // ANCHOR: scaled_step
    #[inline]
    pub fn delta(&self, g: f64, accumulated: f64) -> f64 {
        // ANCHOR: solution_delta
        let denominator = self.denominator(accumulated);
        if denominator > 0.0 { self.learning_rate * g / denominator } else { 0.0 }
        // ANCHOR_END: solution_delta
    }
    // ANCHOR_END: scaled_step

    /// The gradient divided by the denominator, g / √(G + ε), without η: the term
    /// that PyTorch's RMSprop adds to its momentum buffer (0 where the denominator
    /// is 0, as in [`delta`](Self::delta)).
    #[inline]
    pub fn scaled_gradient(&self, g: f64, accumulated: f64) -> f64 {
        // ANCHOR: solution_scaled_gradient
        let denominator = self.denominator(accumulated);
        if denominator > 0.0 { g / denominator } else { 0.0 }
        // ANCHOR_END: solution_scaled_gradient
    }

    /// The effective learning rate η / √(G + ε) of a weight with accumulator G
    /// (infinite where the denominator is 0, though the step there is 0).
    pub fn effective_learning_rate(&self, accumulated: f64) -> f64 {
        // ANCHOR: solution_effective_learning_rate
        self.learning_rate / self.denominator(accumulated)
        // ANCHOR_END: solution_effective_learning_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epsilon_inside_and_outside_the_root_differ_as_the_formulas_say() {
        let inside = ScaledStep::new(1.0, 0.25, EpsilonPlacement::InsideRoot).unwrap();
        let outside = ScaledStep::new(1.0, 0.25, EpsilonPlacement::OutsideRoot).unwrap();
        // √(2 + 0.25) = 1.5 exactly; √2 + 0.25 is not.
        assert_eq!(inside.denominator(2.0), 1.5);
        assert_eq!(outside.denominator(2.0), 2f64.sqrt() + 0.25);
        assert_eq!(inside.delta(3.0, 2.0), 2.0);
        assert_eq!(inside.scaled_gradient(3.0, 2.0), 2.0);
    }

    #[test]
    fn a_zero_denominator_gives_a_zero_step_not_nan() {
        for placement in [EpsilonPlacement::InsideRoot, EpsilonPlacement::OutsideRoot] {
            let step = ScaledStep::new(0.1, 0.0, placement).unwrap();
            assert_eq!(step.delta(0.0, 0.0), 0.0);
            assert_eq!(step.scaled_gradient(0.0, 0.0), 0.0);
        }
    }
}

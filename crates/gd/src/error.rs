//! The error every optimizer's constructor returns for a hyper-parameter out of range.

use std::fmt;

/// A hyper-parameter outside its valid range, such as a learning rate of −1.
///
/// Its message names the parameter, the valid range and the value:
/// `learning rate must be finite and > 0, got -1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HyperParameterError {
    /// The parameter's name, that of the setting which takes it ("learning rate",
    /// "epsilon", "decay", "momentum", "beta1", …).
    pub parameter: &'static str,
    /// The valid range, in words ("finite and > 0", "in [0, 1)", …).
    pub valid_range: &'static str,
    /// The value that was given.
    pub value: f64,
}

impl fmt::Display for HyperParameterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} must be {}, got {}", self.parameter, self.valid_range, self.value)
    }
}

impl std::error::Error for HyperParameterError {}

impl HyperParameterError {
    /// Returns `value` if `is_valid(value)`, else an error naming the parameter.
    pub fn check(
        parameter: &'static str,
        valid_range: &'static str,
        value: f64,
        is_valid: impl FnOnce(f64) -> bool,
    ) -> Result<f64, Self> {
        if is_valid(value) { Ok(value) } else { Err(Self { parameter, valid_range, value }) }
    }

    /// A learning rate η must be finite and > 0.
    pub fn check_learning_rate(value: f64) -> Result<f64, Self> {
        Self::check("learning rate", "finite and > 0", value, |x| x.is_finite() && x > 0.0)
    }

    /// A quantity such as ε or an initial accumulator must be finite and ≥ 0.
    pub fn check_non_negative(parameter: &'static str, value: f64) -> Result<f64, Self> {
        Self::check(parameter, "finite and >= 0", value, |x| x.is_finite() && x >= 0.0)
    }

    /// A decay rate such as RMSprop's γ (its setting `decay`) must lie in [0, 1).
    pub fn check_decay(parameter: &'static str, value: f64) -> Result<f64, Self> {
        Self::check(parameter, "in [0, 1)", value, |x| (0.0..1.0).contains(&x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_rates_outside_zero_one_are_rejected_with_the_range() {
        for gamma in [-0.1, 1.0, 1.5, f64::NAN] {
            let err = HyperParameterError::check_decay("decay", gamma).unwrap_err();
            assert_eq!(err.to_string(), format!("decay must be in [0, 1), got {gamma}"));
        }
        assert_eq!(HyperParameterError::check_decay("decay", 0.0), Ok(0.0));
    }

    #[test]
    fn negative_or_non_finite_epsilons_are_rejected_with_the_range() {
        for eps in [-1e-8, f64::INFINITY, f64::NAN] {
            let err = HyperParameterError::check_non_negative("epsilon", eps).unwrap_err();
            assert_eq!(err.to_string(), format!("epsilon must be finite and >= 0, got {eps}"));
        }
        assert_eq!(HyperParameterError::check_non_negative("epsilon", 0.0), Ok(0.0));
    }
}

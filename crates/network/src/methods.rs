//! The seven methods of the course, built the same way for the network: each
//! from its learning rate η and, where it has one, its second setting.
//!
//! | method   | update (g the batch gradient)                         | second setting |
//! |----------|-------------------------------------------------------|----------------|
//! | SGD      | w ← w − η·g                                           | none           |
//! | momentum | v ← β·v + g, w ← w − η·v                              | β              |
//! | Nesterov | v ← β·v + g, w ← w − η·(g + β·v)                      | β              |
//! | Adagrad  | G ← G + g², w ← w − η·g/(√G + ε)                      | none           |
//! | RMSprop  | G ← γ·G + (1 − γ)·g², w ← w − η·g/(√G + ε)            | γ              |
//! | Adam     | bias-corrected averages of g and g² (β₁, β₂ = 0.999)  | β₁             |
//! | AdamW    | Adam, the weights shrunk by (1 − η·λ) first, λ = 0.01 | β₁             |
//!
//! Each is PyTorch's optimizer of the same name with its defaults
//! (`AdagradConfig::pytorch`, `RmsPropConfig::pytorch`, `AdamConfig::pytorch`,
//! `torch.optim.SGD(momentum=β)`), so that a learner can take a setting found here
//! to PyTorch. Only η and the one setting in the last column are searched.

use std::fmt;

use adagrad::AdagradConfig;
use gd::{GradientDescent, HyperParameterError, Optimizer};
use momentum::{AdamConfig, MomentumConfig, PYTORCH_ADAMW_DECAY, adamw};
use rmsprop::RmsPropConfig;

/// One of the course's seven methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// Gradient descent on minibatches.
    Sgd,
    /// Heavy-ball momentum.
    Momentum,
    /// Nesterov momentum.
    Nesterov,
    /// Adagrad.
    Adagrad,
    /// RMSprop.
    RmsProp,
    /// Adam.
    Adam,
    /// AdamW.
    AdamW,
}

/// A method's settings: η and, for a method that has one, its second setting
/// (β, γ or β₁; see the module).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting {
    /// η.
    pub learning_rate: f64,
    /// β, γ or β₁; ignored by SGD and Adagrad.
    pub second: f64,
}

impl Method {
    /// All seven, in the course's order.
    pub const ALL: [Self; 7] = [
        Self::Sgd,
        Self::Momentum,
        Self::Nesterov,
        Self::Adagrad,
        Self::RmsProp,
        Self::Adam,
        Self::AdamW,
    ];

    /// Its name in tables and legends.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sgd => "SGD",
            Self::Momentum => "momentum",
            Self::Nesterov => "Nesterov",
            Self::Adagrad => "Adagrad",
            Self::RmsProp => "RMSprop",
            Self::Adam => "Adam",
            Self::AdamW => "AdamW",
        }
    }

    /// The symbol of its second setting, if it has one.
    pub fn second_setting(self) -> Option<&'static str> {
        match self {
            Self::Sgd | Self::Adagrad => None,
            Self::Momentum | Self::Nesterov => Some("β"),
            Self::RmsProp => Some("γ"),
            Self::Adam | Self::AdamW => Some("β₁"),
        }
    }

    /// Its default second setting: β = 0.9 for the momenta, PyTorch's γ = 0.99
    /// for RMSprop, β₁ = 0.9 for Adam and AdamW (0 where there is none).
    pub fn default_second(self) -> f64 {
        match self {
            Self::Sgd | Self::Adagrad => 0.0,
            Self::Momentum | Self::Nesterov | Self::Adam | Self::AdamW => 0.9,
            Self::RmsProp => 0.99,
        }
    }

    /// Whether it divides by a running root of squared gradients.
    pub fn is_adaptive(self) -> bool {
        matches!(self, Self::Adagrad | Self::RmsProp | Self::Adam | Self::AdamW)
    }

    /// The optimizer for `dimension` weights with these settings.
    ///
    /// # Errors
    /// If η or the second setting is out of its range (the optimizer's own check).
    pub fn build(
        self,
        setting: Setting,
        dimension: usize,
    ) -> Result<Box<dyn Optimizer + Send>, HyperParameterError> {
        let Setting { learning_rate: eta, second } = setting;
        Ok(match self {
            Self::Sgd => Box::new(GradientDescent::new(eta)?),
            Self::Momentum => Box::new(MomentumConfig::pytorch(eta, second).build(dimension)?),
            Self::Nesterov => {
                Box::new(MomentumConfig::pytorch(eta, second).nesterov(true).build(dimension)?)
            }
            Self::Adagrad => Box::new(AdagradConfig::pytorch(eta).build(dimension)?),
            Self::RmsProp => Box::new(RmsPropConfig::pytorch(eta).decay(second).build(dimension)?),
            Self::Adam => Box::new(AdamConfig::pytorch(eta).beta1(second).build(dimension)?),
            Self::AdamW => Box::new(adamw(
                AdamConfig::pytorch(eta).beta1(second),
                PYTORCH_ADAMW_DECAY,
                dimension,
            )?),
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_builds_and_refuses_a_negative_learning_rate() {
        for method in Method::ALL {
            let good = Setting { learning_rate: 0.01, second: method.default_second() };
            assert!(method.build(good, 10).is_ok(), "{method}");
            let bad = Setting { learning_rate: -1.0, ..good };
            let error = method.build(bad, 10).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains("-1"), "{method}: {error}");
        }
    }

    #[test]
    fn a_second_setting_out_of_range_is_refused_where_there_is_one() {
        for method in Method::ALL {
            let setting = Setting { learning_rate: 0.01, second: 1.5 };
            assert_eq!(
                method.build(setting, 10).is_err(),
                method.second_setting().is_some(),
                "{method}"
            );
        }
    }

    #[test]
    fn one_sgd_step_is_minus_eta_g() {
        let mut optimizer =
            Method::Sgd.build(Setting { learning_rate: 0.5, second: 0.0 }, 2).unwrap();
        let mut w = [1.0, 2.0];
        optimizer.step(&mut w, &[2.0, -4.0]);
        assert_eq!(w, [0.0, 4.0]);
    }
}

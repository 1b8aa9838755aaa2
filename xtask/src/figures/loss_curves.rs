//! The last figure of the RMSprop chapter: the loss against the step for gradient
//! descent, Adagrad and RMSprop on every objective of the course, on a log scale.

use adagrad::Adagrad;
use anyhow::Result;
use gd::{GradientDescent, Optimizer};
use rmsprop::RmsProp;

use super::compare::{Method, every_objective, floor_note, loss_grid};
use super::plot::{ADAGRAD, GD, RMSPROP};

/// Gradient descent, Adagrad and the course's RMSprop (γ = 0.9).
pub const METHODS: [Method; 3] = [
    Method {
        label: "gradient descent",
        color: GD,
        build: |eta, _| Ok(Box::new(GradientDescent::new(eta)?) as Box<dyn Optimizer>),
    },
    Method {
        label: "Adagrad",
        color: ADAGRAD,
        build: |eta, n| Ok(Box::new(Adagrad::new(eta, n)?) as Box<dyn Optimizer>),
    },
    Method {
        label: "RMSprop, γ = 0.9",
        color: RMSPROP,
        build: |eta, n| Ok(Box::new(RmsProp::new(eta, n)?) as Box<dyn Optimizer>),
    },
];

/// J(wₜ) − J* against t for GD, Adagrad and RMSprop on each objective, each η
/// below its method's limit of stability on that problem.
pub fn loss_curves() -> Result<String> {
    let problems = every_objective([
        vec![0.2, 1.0, 0.05],
        vec![0.4, 0.4, 0.05],
        vec![0.4, 0.4, 0.05],
        vec![0.001, 0.5, 0.003],
        vec![0.3, 1.0, 0.05],
    ]);
    let mut notes =
        vec!["η fixed by hand, in each title:".to_owned(), "GD / Adagrad / RMSprop.".to_owned()];
    notes.extend(floor_note());
    loss_grid(&problems, &METHODS, &[0, 1, 2], &notes)
}

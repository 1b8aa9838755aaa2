//! The last figure of the RMSprop chapter: the loss against the step for gradient
//! descent, Adagrad and RMSprop on every objective of the course, on a log scale.

use anyhow::Result;

use super::compare::{METHODS, every_objective, floor_note, loss_grid};

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

//! Beyond the diagonal: preconditioners that see more than one weight at a time.
//!
//! Every optimizer of the earlier crates divides each weight's step by a number
//! of its own: a *diagonal* preconditioner. The course's sweeps found its limit:
//! on the rotated valley, the ellipse turned by 30°, Adagrad needs many more
//! steps than on the ellipse itself, because a diagonal cannot undo a rotation.
//!
//! [`FullMatrixAdagrad`] keeps the whole matrix of gradient outer products and
//! divides by its square root: it is rotation equivariant and pays n² memory and
//! n³ work per step. The methods practitioners use on a network's weight
//! matrices keep the matrix view and drop that cost, each in its own way, and
//! each needs to know which part of the flat parameter slice is a matrix: the
//! [`Layout`] of blocks, which [`Blockwise`] uses to step each matrix with a
//! matrix method and each vector (a bias) with a diagonal one.
//!
//! The methods, each a [`gd::Optimizer`] validated when it is built:
//!
//! | method | state per weight of a rows × cols matrix | library presets |
//! |---|---|---|
//! | [`FullMatrixAdagrad`] | n = rows·cols (G is n × n) | none |
//! | [`Shampoo`] | (rows² + cols²)/(rows·cols) | none |
//! | [`Muon`] | 1 (the momentum) | `torch.optim.Muon`, `optax.contrib.muon` |
//! | [`Adafactor`] | (rows + cols)/(rows·cols) | `torch.optim.Adafactor`, `optax.adafactor` |
//! | [`Lion`] | 1 (the momentum) | `optax.lion` |
//!
//! [`Nadam`] is the diagonal method `optax.contrib.muon` steps the vectors with
//! (Adam with Nesterov's look ahead). The dense linear algebra the matrix
//! methods share is in [`matrix`].

mod adafactor;
mod full_matrix;
mod layout;
mod lion;
pub mod matrix;
mod muon;
mod nadam;
mod shampoo;

pub use adafactor::{Adafactor, AdafactorConfig, DecaySchedule, Floor};
pub use full_matrix::{FullMatrixAdagrad, FullMatrixAdagradConfig};
pub use layout::{Blockwise, Layout, Shape};
pub use lion::{Lion, LionConfig, sign};
pub use muon::{
    Muon, MuonConfig, NEWTON_SCHULZ_COEFFICIENTS, NewtonSchulzScratch, Normalization, ShapeScale,
    newton_schulz, newton_schulz_band,
};
pub use nadam::{Nadam, NadamConfig};
pub use shampoo::{Shampoo, ShampooConfig};

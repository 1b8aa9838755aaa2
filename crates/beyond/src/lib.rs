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
//! each needs to know which part of the flat parameter slice is a matrix.
//! matrix method and each vector (a bias) with a diagonal one.
//!
//! The dense linear algebra they share is in [`matrix`].

mod full_matrix;
pub mod matrix;

pub use full_matrix::{FullMatrixAdagrad, FullMatrixAdagradConfig};

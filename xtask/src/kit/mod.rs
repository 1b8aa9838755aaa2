//! The course kit's shared parts: the rubric, the solution regions in the crates,
//! the workspaces that student copies and gradings are built in, and the jail
//! that student code runs in.
//!
//! `cargo xtask student`, `cargo xtask grade` and `cargo xtask assignments check`
//! are built on these.

pub mod fixtures;
pub mod jail;
pub mod regions;
pub mod rubric;
pub mod sandbox;

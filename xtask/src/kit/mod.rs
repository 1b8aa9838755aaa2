//! The course kit's shared parts: the rubric, the solution regions in the crates,
//! and the sandboxed workspaces that student copies and gradings are built in.
//!
//! `cargo xtask student`, `cargo xtask grade` and `cargo xtask assignments check`
//! are built on these.

pub mod regions;
pub mod rubric;
pub mod sandbox;

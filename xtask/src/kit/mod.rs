//! The course kit's shared parts: the rubric, the solution regions in the crates,
//! the workspaces that student copies and gradings are built in, and the jail
//! that student code runs in.
//!
//! `cargo xtask student`, `cargo xtask grade` and `cargo xtask assignments check`
//! are built on these.

// The comment above each line keeps rustfmt from sorting them: the order is the
// stair of the imports (a module uses only those below it).
//
// The wrong submissions of `xtask/fixtures/wrong.toml`.
pub mod fixtures;
// The solution regions marked in the crates.
pub mod regions;
// The rubric: assignments, regions, tests and points.
pub mod rubric;
// The kit's own build folder, and cargo commands that build into it (a
// submission's build jailed).
pub mod sandbox;
// The locked-down run of student code.
pub mod jail;
// The grading workspace's manifest.
pub mod manifest;
// One build at a time in a kit target folder.
pub mod lock;
// Folders copied and kept in step.
pub mod trees;
// Child processes with a time limit.
pub mod process;

//! The rubric: which assignments the course hands out, which code regions each
//! asks for, and which graded tests earn how many points. It is read by
//! `descent_feedback::rubric`, which the student's checker (`cargo learn`) shares,
//! so that both count the same tests for the same points.

pub use descent_feedback::rubric::{ExtraRubric, RUBRIC, RegionSpec, Rubric};

//! What a student reads about their work, shared by the two programs that grade
//! it: the instructor's grader (`cargo xtask grade`) and the student's own checker
//! (`cargo learn`, in the student copy).
//!
//! Both must say the same thing about the same code: the same points from the same
//! rubric, the same one message for a failing test, and the same known mistake
//! named with the same section to read. So the pieces that decide what is said
//! live here, once, and each program only runs the tests its own way (the grader
//! jailed, one process per test; the checker on the student's machine).
//!
//! - [`rubric`]: the assignments, the regions each cuts out, and the points of
//!   each graded test (`tests/rubric.toml`);
//! - [`message`]: a failed test's captured output condensed to one readable
//!   message (the last panic, no counters, no `thread … panicked at` lines);
//! - [`mistakes`]: the known wrong submissions (named without their code in a
//!   student copy) and the diagnosis probe's results that recognise them;
//! - [`pool`]: the tests run a few at once, each by the first free worker.

pub mod message;
pub mod mistakes;
pub mod pool;
pub mod rubric;

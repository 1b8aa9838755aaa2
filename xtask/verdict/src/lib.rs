//! The grader's verdict of one graded test, written where the code under test
//! cannot reach it.
//!
//! A test process runs the student's code, and that code can print anything on
//! the process's standard output (libtest's own `test … ok` lines and summary
//! included) and end the process with any status. So the grader never takes a
//! test's result from its output or exit status alone. It starts each test with
//! the write end of a pipe as the process's standard input, and the graded
//! suite's `#[test]` (see `descent-verdict-macros`) does this around the test:
//!
//! 1. before the body runs, and so before any of the student's code in this
//!    process, [`Verdict::take`] moves that pipe to a new descriptor that is
//!    closed on `exec`, and puts `/dev/null` in its place;
//! 2. after the body returns, and only then, [`Verdict::returned`] writes
//!    `pass NAME` to the pipe (for a `#[should_panic]` test: when it unwinds).
//!
//! The student's code, which runs in between, cannot write to the pipe: the
//! crates forbid `unsafe`, without which safe Rust cannot name a descriptor
//! other than 0, 1 and 2; the jail mounts no `/proc` (so no `/proc/self/fd/N`,
//! no `/dev/fd/N`); and a process it starts does not inherit the descriptor. If
//! it exits the process early, aborts, or loops, no verdict is written, and the
//! grader scores the test 0 whatever the output says.

use std::fs::File;
use std::io::Write as _;
use std::os::fd::{FromRawFd as _, IntoRawFd as _, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};

pub use descent_verdict_macros::test;

/// Set once the channel has been taken: a process has one verdict channel.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// The verdict of the one test this process runs.
#[derive(Debug)]
pub struct Verdict {
    /// The test's path, `crate::module::name`.
    name: &'static str,
    /// The pipe to the grader, if this process was started with one.
    channel: Option<File>,
    /// True for a `#[should_panic]` test: it passes by unwinding.
    should_panic: bool,
}

impl Verdict {
    /// Takes the verdict channel (the standard input) for the test `name`,
    /// before any code under test runs. Only the first call in a process gets
    /// it; later ones, and a process started without a pipe, write nothing.
    #[allow(unsafe_code)]
    pub fn take(name: &'static str, should_panic: bool) -> Self {
        let channel = if TAKEN.swap(true, Ordering::SeqCst) {
            None
        } else {
            // SAFETY: descriptor 0 is open in every process the grader starts
            // (Rust's runtime reopens /dev/null in its place if it was closed),
            // and no other code of this process owns it: std's `Stdin` only
            // borrows it, and the test's body, the only other code here, has
            // not started. It is closed once, when `stdin` drops below.
            let stdin = unsafe { OwnedFd::from_raw_fd(0) };
            // A copy above 2 that is closed on exec; then descriptor 0 is
            // closed and the lowest free descriptor, 0, is /dev/null again.
            let channel = stdin.try_clone().ok().map(File::from);
            drop(stdin);
            if let Ok(null) = File::open("/dev/null") {
                let _kept_as_descriptor_0 = null.into_raw_fd();
            }
            channel
        };
        Self { name, channel, should_panic }
    }

    /// The test's body returned `result`: it passed if the result is a pass
    /// (and the test was not to panic).
    pub fn returned<R: Passing>(mut self, result: &R) {
        if result.passed() && !self.should_panic {
            self.write_pass();
        }
        self.channel = None;
    }

    /// Writes `pass NAME` and closes the channel.
    fn write_pass(&mut self) {
        if let Some(mut channel) = self.channel.take() {
            let _ = writeln!(channel, "pass {}", self.name);
        }
    }
}

impl Drop for Verdict {
    /// Reached with the channel still open only when the body did not return:
    /// it unwound, which passes a `#[should_panic]` test and fails any other.
    fn drop(&mut self) {
        if self.should_panic && std::thread::panicking() {
            self.write_pass();
        }
    }
}

/// What a test function may return, and whether that is a pass (libtest's
/// `Termination` for the types a test returns).
pub trait Passing {
    /// True if the test passed.
    fn passed(&self) -> bool;
}

impl Passing for () {
    fn passed(&self) -> bool {
        true
    }
}

impl<T, E> Passing for Result<T, E> {
    fn passed(&self) -> bool {
        self.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::Passing;

    #[test]
    fn only_a_returned_body_that_passed_writes_a_pass() {
        assert!(().passed());
        assert!(Ok::<(), ()>(()).passed());
        assert!(!Err::<(), &str>("no").passed());
    }
}

//! How a step runs: on which lanes, and on how many threads.
//!
//! A large step is cut into contiguous pieces, one per thread, at the same indices
//! in every array, and each thread runs the same kernel on its piece. Weight j is
//! still updated from g_j and its own state only, by the same operations, so which
//! thread does it, and in which order the pieces finish, cannot change a bit.

use std::sync::OnceLock;

use crate::dispatch::{Isa, kernel};
use crate::rules::Rule;

/// A piece given to a thread starts at a multiple of this many elements (64
/// bytes, a cache line), so that no two threads write to one line.
const PIECE_ALIGN: usize = 8;

/// The execution plan of a fast optimizer: its instruction set and its threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    isa: Isa,
    max_threads: usize,
    min_per_thread: usize,
}

impl Default for Plan {
    /// The widest instruction set of this CPU, every core it offers, and a
    /// thread for every [`MIN_PER_THREAD`] elements.
    fn default() -> Self {
        Self { isa: Isa::best(), max_threads: cores(), min_per_thread: MIN_PER_THREAD }
    }
}

// ANCHOR: threshold
/// A thread is worth starting for at least this many elements: measured on a
/// 2-core AMD EPYC (Zen 3, AVX2) with `cargo bench -p bench --bench step`, where
/// the slowest method (RMSprop) gains from two threads above about 6·10⁴
/// elements and the fastest (gradient descent) above about 2·10⁵. Spawning and
/// joining a thread costs some 20–50 µs, the time of 4·10⁴–10⁵ element updates
/// on one core.
pub const MIN_PER_THREAD: usize = 50_000;
// ANCHOR_END: threshold

/// The number of cores this process may use, asked once.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

impl Plan {
    /// This plan on `isa`, or `None` if this CPU cannot run it.
    pub fn with_isa(self, isa: Isa) -> Option<Self> {
        isa.is_available().then_some(Self { isa, ..self })
    }

    /// This plan with at most `max_threads` threads (at least 1), each given at
    /// least `min_per_thread` elements (at least 1): a step of n elements runs on
    /// min(max_threads, n / min_per_thread) threads, or one.
    pub fn with_threads(self, max_threads: usize, min_per_thread: usize) -> Self {
        Self { max_threads: max_threads.max(1), min_per_thread: min_per_thread.max(1), ..self }
    }

    /// One thread, whatever the size.
    pub fn single_threaded(self) -> Self {
        self.with_threads(1, self.min_per_thread)
    }

    /// The instruction set.
    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// The most threads a step uses.
    pub fn max_threads(&self) -> usize {
        self.max_threads
    }

    /// The fewest elements a thread is given.
    pub fn min_per_thread(&self) -> usize {
        self.min_per_thread
    }

    /// How many threads a step of `n` elements uses.
    pub fn threads_for(&self, n: usize) -> usize {
        (n / self.min_per_thread).clamp(1, self.max_threads)
    }

    /// Runs `rule` over the arrays, split across threads when they are large.
    pub(crate) fn run<R: Rule<S>, const S: usize>(
        &self,
        rule: &R,
        w: &mut [f64],
        g: &[f64],
        state: [&mut [f64]; S],
    ) {
        let threads = self.threads_for(w.len());
        if threads == 1 {
            kernel(self.isa, rule, w, g, state);
        } else {
            split(threads, w, g, state, &|w, g, state| kernel(self.isa, rule, w, g, state));
        }
    }
}

// ANCHOR: split
/// Cuts every array at the same indices into `threads` pieces and runs `work` on
/// each piece, one in this thread and the others in scoped threads.
fn split<const S: usize>(
    threads: usize,
    mut w: &mut [f64],
    mut g: &[f64],
    mut state: [&mut [f64]; S],
    work: &(impl Fn(&mut [f64], &[f64], [&mut [f64]; S]) + Sync),
) {
    let piece = w.len().div_ceil(threads).next_multiple_of(PIECE_ALIGN);
    std::thread::scope(|scope| {
        while w.len() > piece {
            let (w_head, w_rest) = std::mem::take(&mut w).split_at_mut(piece);
            let (g_head, g_rest) = g.split_at(piece);
            let s_head: [&mut [f64]; S] = std::array::from_fn(|k| {
                let (head, rest) = std::mem::take(&mut state[k]).split_at_mut(piece);
                state[k] = rest;
                head
            });
            scope.spawn(move || work(w_head, g_head, s_head));
            (w, g) = (w_rest, g_rest);
        }
        work(w, g, state);
    });
}
// ANCHOR_END: split

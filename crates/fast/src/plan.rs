//! How a step runs: on which lanes, and on how many threads.
//!
//! A large step is cut into contiguous pieces at the same indices in every array,
//! and threads take the pieces one after another, each running the same kernel. Weight j is
//! still updated from g_j and its own state only, by the same operations, so which
//! thread does it, and in which order the pieces finish, cannot change a bit.

use std::sync::{Mutex, OnceLock, PoisonError};

use crate::dispatch::{Isa, kernel};
use crate::rules::Rule;

/// Pieces start at a multiple of this many elements (64 bytes, a cache line), so
/// that no two threads write into one line of an array whose start is so aligned.
const PIECE_ALIGN: usize = 8;

/// The execution plan of a fast optimizer: its instruction set and its threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    isa: Isa,
    max_threads: usize,
    /// `None`: each optimizer's own measured threshold.
    min_per_thread: Option<usize>,
    /// `None`: one piece per thread.
    piece: Option<usize>,
}

impl Default for Plan {
    /// The widest instruction set of this CPU, every core it offers, and a thread
    /// for every [`MIN_PER_THREAD_DIVIDING`] elements of a step that divides
    /// (Adagrad, RMSprop, RMSprop with momentum, Adam), for every
    /// [`MIN_PER_THREAD_LIGHT`] elements of one that does not (gradient descent,
    /// momentum).
    fn default() -> Self {
        Self { isa: Isa::best(), max_threads: cores(), min_per_thread: None, piece: None }
    }
}

// ANCHOR: threshold
/// A thread is worth starting for at least this many elements of a step that
/// divides and takes a root per element (Adagrad, RMSprop, RMSprop with
/// momentum, Adam). Measured with `cargo bench -p bench --bench step --
/// --threads` on a 2-core AMD EPYC (Zen 3, AVX2): starting and joining a scoped
/// thread costs about 30 µs, the time one core takes for about 2.5·10⁴ of these
/// element updates in cache, so a second thread, which saves half the step,
/// pays from some 6·10⁴ elements; measured, from 10⁵ on (`crates/bench/results/threads.csv`).
pub const MIN_PER_THREAD_DIVIDING: usize = 50_000;

/// The same for a step without divisions (gradient descent, momentum), whose
/// element updates take a fifth of the time in cache or less: measured, two
/// threads pay only from 5·10⁵ elements.
pub const MIN_PER_THREAD_LIGHT: usize = 250_000;
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
        Self {
            max_threads: max_threads.max(1),
            min_per_thread: Some(min_per_thread.max(1)),
            ..self
        }
    }

    /// This plan with threads taking `piece` elements at a time (at least 1),
    /// rather than one piece each (the default). Small pieces are for tests,
    /// which must meet every cut.
    pub fn with_pieces(self, piece: usize) -> Self {
        Self { piece: Some(piece.max(1)), ..self }
    }

    /// One thread, whatever the size.
    pub fn single_threaded(self) -> Self {
        Self { max_threads: 1, ..self }
    }

    /// The instruction set.
    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// The most threads a step uses.
    pub fn max_threads(&self) -> usize {
        self.max_threads
    }

    /// The fewest elements a thread is given, if set; else each optimizer uses
    /// its own ([`MIN_PER_THREAD_DIVIDING`] or [`MIN_PER_THREAD_LIGHT`]).
    pub fn min_per_thread(&self) -> Option<usize> {
        self.min_per_thread
    }

    /// How many threads a step of `n` elements uses, for an optimizer whose own
    /// threshold is `default_min_per_thread`.
    pub(crate) fn threads(&self, n: usize, default_min_per_thread: usize) -> usize {
        let min = self.min_per_thread.unwrap_or(default_min_per_thread);
        (n / min).clamp(1, self.max_threads)
    }

    /// Runs `rule` over the arrays, split across threads when they are large.
    pub(crate) fn run<R: Rule<S>, const S: usize>(
        &self,
        rule: &R,
        w: &mut [f64],
        g: &[f64],
        state: [&mut [f64]; S],
    ) {
        let threads = self.threads(w.len(), R::MIN_PER_THREAD);
        if threads == 1 {
            kernel(self.isa, rule, w, g, state);
        } else {
            let work = |w: &mut [f64], g: &[f64], state: [&mut [f64]; S]| {
                kernel(self.isa, rule, w, g, state);
            };
            let piece = self
                .piece
                .unwrap_or_else(|| w.len().div_ceil(threads).next_multiple_of(PIECE_ALIGN));
            split(threads, piece, w, g, state, &work);
        }
    }
}

// ANCHOR: split
/// Cuts every array at the same indices into pieces of `piece` elements, and runs
/// `work` on every piece, on `threads` threads: this one and `threads − 1` scoped
/// threads, each taking the next piece left until none is. With one piece per
/// thread, this thread takes the first piece at once and each other thread, once
/// it runs, the next; a thread that starts late may find its piece taken.
fn split<const S: usize>(
    threads: usize,
    piece: usize,
    w: &mut [f64],
    g: &[f64],
    state: [&mut [f64]; S],
    work: &(impl Fn(&mut [f64], &[f64], [&mut [f64]; S]) + Sync),
) {
    let mut pieces = Vec::with_capacity(w.len().div_ceil(piece));
    let mut state = state.map(|s| s.chunks_mut(piece));
    for (w, g) in w.chunks_mut(piece).zip(g.chunks(piece)) {
        let s: [&mut [f64]; S] = std::array::from_fn(|k| state[k].next().unwrap_or_default());
        pieces.push((w, g, s));
    }
    let queue = Mutex::new(pieces.into_iter());
    let next = || queue.lock().unwrap_or_else(PoisonError::into_inner).next();
    let run = || {
        while let Some((w, g, s)) = next() {
            work(w, g, s);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(run);
        }
        run();
    });
}
// ANCHOR_END: split

//! How fast is a step? Each optimizer's `step` against a baseline that moves the
//! same bytes, timed in the same run (`cargo bench -p bench`).
//!
//! An element-wise update is limited by memory traffic once its arrays leave the
//! cache: gradient descent reads w and g and writes w (3 words an element);
//! Adagrad and RMSprop also read and write G (5 words), and so does momentum with
//! its velocity v; RMSprop with momentum (G and b) and Adam (m and G) read and
//! write two state arrays (7 words), as does centered RMSprop (G and ḡ); centered
//! RMSprop with momentum (G, ḡ and b) and AMSGrad (m, G and its maximum) three
//! (9 words). The wrappers of "What the libraries add" (L2 and decoupled weight
//! decay, schedules) are timed against the words of the method they wrap, so
//! their ratio shows what the wrapper costs: L2 writes and reads a buffer of
//! g + λ·w, decoupled decay reads and writes w once more. The baselines here do the
//! least arithmetic that moves exactly those words, so the ratio
//! optimizer / baseline says how much of the machine's memory speed the plain,
//! readable loop reaches. Both are timed interleaved, best of several runs, so the
//! ratio holds on a noisy machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Reads w and g, writes w: the bytes gradient descent moves.
pub fn baseline_three_words(params: &mut [f64], grads: &[f64]) {
    gd::assert_same_length("params", params.len(), "grads", grads.len());
    for (w, g) in params.iter_mut().zip(grads) {
        *w += g;
    }
}

/// Reads w, g and G, writes w and G: the bytes Adagrad and RMSprop move.
pub fn baseline_five_words(params: &mut [f64], grads: &[f64], state: &mut [f64]) {
    gd::assert_same_length("params", params.len(), "grads", grads.len());
    gd::assert_same_length("params", params.len(), "state", state.len());
    for ((w, g), s) in params.iter_mut().zip(grads).zip(state) {
        *s += g;
        *w -= *s;
    }
}

/// Reads w, g and two state arrays, writes w and both states: the bytes RMSprop
/// with momentum and Adam move.
pub fn baseline_seven_words(
    params: &mut [f64],
    grads: &[f64],
    first: &mut [f64],
    second: &mut [f64],
) {
    gd::assert_same_length("params", params.len(), "grads", grads.len());
    gd::assert_same_length("params", params.len(), "the first state", first.len());
    gd::assert_same_length("params", params.len(), "the second state", second.len());
    for ((w, g), (a, b)) in params.iter_mut().zip(grads).zip(first.iter_mut().zip(second)) {
        *a += g;
        *b += *a;
        *w -= *b;
    }
}

/// Reads w, g and three state arrays, writes w and the three states: the bytes
/// centered RMSprop with momentum and AMSGrad move.
pub fn baseline_nine_words(params: &mut [f64], grads: &[f64], states: [&mut [f64]; 3]) {
    gd::assert_same_length("params", params.len(), "grads", grads.len());
    let [first, second, third] = states;
    gd::assert_same_length("params", params.len(), "the first state", first.len());
    gd::assert_same_length("params", params.len(), "the second state", second.len());
    gd::assert_same_length("params", params.len(), "the third state", third.len());
    let states = first.iter_mut().zip(second.iter_mut()).zip(third.iter_mut());
    for ((w, g), ((a, b), c)) in params.iter_mut().zip(grads).zip(states) {
        *a += g;
        *b += *a;
        *c += *b;
        *w -= *c;
    }
}

/// The best (shortest) time of `runs` calls of `f`.
pub fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            black_box(());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Gigabytes (10⁹ bytes) per second for `words` f64 words an element.
pub fn gigabytes_per_second(n: usize, words: usize, time: Duration) -> f64 {
    (n * words * 8) as f64 / time.as_secs_f64() / 1e9
}

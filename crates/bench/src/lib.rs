//! How fast is a step? Each optimizer's `step` against a baseline that moves the
//! same bytes, timed in the same run (`cargo bench -p bench`).
//!
//! An element-wise update is limited by memory traffic once its arrays leave the
//! cache: gradient descent reads w and g and writes w (3 words an element);
//! Adagrad and RMSprop also read and write G (5 words), and so does momentum with
//! its velocity v; RMSprop with momentum (G and b) and Adam (m and G) read and
//! write two state arrays (7 words). The baselines here do the
//! least arithmetic that moves exactly those words, so the ratio
//! optimizer / baseline says how much of the machine's memory speed the plain,
//! readable loop reaches. Both are timed interleaved, best of several runs, so the
//! ratio holds on a noisy machine.
//!
//! The same baselines run on several threads ([`baseline_in_threads`]), each
//! thread on its own contiguous piece of the arrays, as the `fast` crate splits a
//! large step: the speed a step could reach on every core.

use std::hint::black_box;
use std::time::{Duration, Instant};

use adagrad::AdagradConfig;
use fast::{
    Fast, FastAdagrad, FastAdam, FastGradientDescent, FastMomentum, FastRmsProp,
    FastRmsPropMomentum, Plan,
};
use gd::{GradientDescent, Optimizer};
use momentum::{AdamConfig, MomentumConfig, RmsPropMomentumConfig};
use rmsprop::RmsPropConfig;

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

/// The same-bytes baseline of `words` words an element (3, 5 or 7: see the three
/// functions above), on `threads` threads that each take one contiguous piece of
/// every array (one thread runs in the caller, the others are scoped threads).
///
/// # Panics
/// If `words` is not 3, 5 or 7, or the arrays differ in length.
pub fn baseline_in_threads(
    threads: usize,
    words: usize,
    params: &mut [f64],
    grads: &[f64],
    first: &mut [f64],
    second: &mut [f64],
) {
    gd::assert_same_length("params", params.len(), "grads", grads.len());
    let baseline = |w: &mut [f64], g: &[f64], a: &mut [f64], b: &mut [f64]| match words {
        3 => baseline_three_words(w, g),
        5 => baseline_five_words(w, g, a),
        7 => baseline_seven_words(w, g, a, b),
        _ => panic!("a baseline moves 3, 5 or 7 words an element, not {words}"),
    };
    gd::assert_same_length("params", params.len(), "the first state", first.len());
    gd::assert_same_length("params", params.len(), "the second state", second.len());
    let n = params.len();
    if threads <= 1 {
        return baseline(params, grads, first, second);
    }
    let piece = n.div_ceil(threads).next_multiple_of(8);
    std::thread::scope(|scope| {
        let (mut w, mut g, mut a, mut b) = (params, grads, first, second);
        while w.len() > piece {
            let (w_head, w_rest) = w.split_at_mut(piece);
            let (g_head, g_rest) = g.split_at(piece);
            let (a_head, a_rest) = a.split_at_mut(piece);
            let (b_head, b_rest) = b.split_at_mut(piece);
            scope.spawn(move || baseline(w_head, g_head, a_head, b_head));
            (w, g, a, b) = (w_rest, g_rest, a_rest, b_rest);
        }
        baseline(w, g, a, b);
    });
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

/// One optimizer of the benchmark: what it moves and computes per element, and
/// how to build its readable and its fast step for n weights.
pub struct Method {
    /// Its name in tables and in the CSV.
    pub name: &'static str,
    /// f64 words read or written per element (3, 5 or 7).
    pub words: usize,
    /// Floating-point operations per element (+, −, ×, ÷ and √ each count one;
    /// the comparison that guards a division does not).
    pub flops: usize,
    /// Divisions and square roots per element: the work of the divider.
    pub divider_ops: usize,
    /// The course crate's optimizer, for n weights.
    pub readable: fn(usize) -> Box<dyn Optimizer>,
    /// The `fast` crate's, for n weights, on a plan.
    pub fast: fn(usize, Plan) -> Box<dyn Fast>,
}

/// The learning rate of every benchmark run: small, so that the weights stay
/// finite for thousands of steps.
pub const ETA: f64 = 1e-3;

/// The seven steps of the course, with their default settings.
pub fn methods() -> [Method; 7] {
    [
        Method {
            name: "GD",
            words: 3,
            flops: 2,
            divider_ops: 0,
            readable: |_| Box::new(GradientDescent::new(ETA).expect("valid")),
            fast: |_, plan| Box::new(FastGradientDescent::new(ETA).expect("valid").with_plan(plan)),
        },
        Method {
            name: "Adagrad",
            words: 5,
            flops: 7,
            divider_ops: 2,
            readable: |n| Box::new(AdagradConfig::new(ETA).build(n).expect("valid")),
            fast: |n, p| {
                Box::new(FastAdagrad::new(AdagradConfig::new(ETA), n).expect("valid").with_plan(p))
            },
        },
        Method {
            name: "RMSprop",
            words: 5,
            flops: 9,
            divider_ops: 2,
            readable: |n| Box::new(RmsPropConfig::new(ETA).build(n).expect("valid")),
            fast: |n, p| {
                Box::new(FastRmsProp::new(RmsPropConfig::new(ETA), n).expect("valid").with_plan(p))
            },
        },
        Method {
            name: "Momentum",
            words: 5,
            flops: 4,
            divider_ops: 0,
            readable: |n| Box::new(MomentumConfig::new(ETA).build(n).expect("valid")),
            fast: |n, p| {
                Box::new(
                    FastMomentum::new(MomentumConfig::new(ETA), n).expect("valid").with_plan(p),
                )
            },
        },
        Method {
            name: "Nesterov",
            words: 5,
            flops: 6,
            divider_ops: 0,
            readable: |n| {
                Box::new(MomentumConfig::new(ETA).nesterov(true).build(n).expect("valid"))
            },
            fast: |n, p| {
                let config = MomentumConfig::new(ETA).nesterov(true);
                Box::new(FastMomentum::new(config, n).expect("valid").with_plan(p))
            },
        },
        Method {
            name: "RMSprop+momentum",
            words: 7,
            flops: 11,
            divider_ops: 2,
            readable: |n| Box::new(RmsPropMomentumConfig::new(ETA).build(n).expect("valid")),
            fast: |n, p| {
                let config = RmsPropMomentumConfig::new(ETA);
                Box::new(FastRmsPropMomentum::new(config, n).expect("valid").with_plan(p))
            },
        },
        Method {
            name: "Adam",
            words: 7,
            flops: 14,
            divider_ops: 2,
            readable: |n| Box::new(AdamConfig::new(ETA).build(n).expect("valid")),
            fast: |n, p| {
                Box::new(FastAdam::new(AdamConfig::new(ETA), n).expect("valid").with_plan(p))
            },
        },
    ]
}

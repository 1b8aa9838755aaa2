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
//!
//! The same baselines run on several threads ([`baseline_in_threads`]), each
//! thread on its own contiguous piece of the arrays, as the `fast` crate splits a
//! large step: the speed a step could reach on every core.

pub mod machine;

use std::hint::black_box;
use std::time::{Duration, Instant};

use adagrad::AdagradConfig;
use fast::{
    Fast, FastAdagrad, FastAdam, FastCenteredRmsProp, FastGradientDescent, FastMomentum,
    FastRmsProp, FastRmsPropMomentum, Plan,
};
use gd::{Decoupled, GradientDescent, L2, Optimizer, Schedule, Scheduled};
use momentum::{AdamConfig, MomentumConfig, RmsPropMomentumConfig};
use rmsprop::{CenteredRmsPropConfig, RmsPropConfig};

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

/// The same-bytes baseline of `words` words an element (3, 5, 7 or 9: see the
/// four functions above), on `threads` threads that each take one contiguous
/// piece of every array (one thread runs in the caller, the others are scoped
/// threads). `states` holds the state arrays the baseline needs, and more.
///
/// # Panics
/// If `words` is not 3, 5, 7 or 9, or the arrays differ in length.
pub fn baseline_in_threads(
    threads: usize,
    words: usize,
    params: &mut [f64],
    grads: &[f64],
    states: [&mut [f64]; 3],
) {
    gd::assert_same_length("params", params.len(), "grads", grads.len());
    for state in &states {
        gd::assert_same_length("params", params.len(), "a state", state.len());
    }
    let baseline = |w: &mut [f64], g: &[f64], [a, b, c]: [&mut [f64]; 3]| match words {
        3 => baseline_three_words(w, g),
        5 => baseline_five_words(w, g, a),
        7 => baseline_seven_words(w, g, a, b),
        9 => baseline_nine_words(w, g, [a, b, c]),
        _ => panic!("a baseline moves 3, 5, 7 or 9 words an element, not {words}"),
    };
    let n = params.len();
    if threads <= 1 {
        return baseline(params, grads, states);
    }
    let piece = n.div_ceil(threads).next_multiple_of(8);
    std::thread::scope(|scope| {
        let (mut w, mut g, mut rest) = (params, grads, states);
        while w.len() > piece {
            let (w_head, w_rest) = w.split_at_mut(piece);
            let (g_head, g_rest) = g.split_at(piece);
            let [a, b, c] = rest;
            let ((a_head, a_rest), (b_head, b_rest), (c_head, c_rest)) =
                (a.split_at_mut(piece), b.split_at_mut(piece), c.split_at_mut(piece));
            scope.spawn(move || baseline(w_head, g_head, [a_head, b_head, c_head]));
            (w, g, rest) = (w_rest, g_rest, [a_rest, b_rest, c_rest]);
        }
        baseline(w, g, rest);
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
    /// f64 words read or written per element (3, 5, 7 or 9; for a wrapper, the
    /// words of the method it wraps).
    pub words: usize,
    /// Floating-point operations per element (+, −, ×, ÷ and √ each count one;
    /// the comparison that guards a division does not, nor does a maximum).
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

/// The weight decay λ of the benchmark's L2 and AdamW rows.
pub const DECAY: f64 = 1e-2;

/// The cosine schedule of the benchmark's scheduled row: T = 1000 steps down to
/// 0.1·η, then flat (α > 0 keeps η > 0 for every run, however long).
pub fn cosine() -> Schedule {
    Schedule::Cosine { steps: 1_000, floor: 0.1 }
}

/// The seven steps of the course, with their default settings, then the six of
/// "What the libraries add".
pub fn methods() -> [Method; 13] {
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
        Method {
            name: "RMSprop centered",
            words: 7,
            flops: 14,
            divider_ops: 2,
            readable: |n| Box::new(CenteredRmsPropConfig::new(ETA).build(n).expect("valid")),
            fast: |n, p| {
                let config = CenteredRmsPropConfig::new(ETA);
                Box::new(FastCenteredRmsProp::new(config, n).expect("valid").with_plan(p))
            },
        },
        Method {
            name: "centered+momentum",
            words: 9,
            flops: 16,
            divider_ops: 2,
            readable: |n| {
                Box::new(CenteredRmsPropConfig::pytorch(ETA, 0.9).build(n).expect("valid"))
            },
            fast: |n, p| {
                let config = CenteredRmsPropConfig::pytorch(ETA, 0.9);
                Box::new(FastCenteredRmsProp::new(config, n).expect("valid").with_plan(p))
            },
        },
        Method {
            name: "AMSGrad",
            words: 9,
            flops: 14,
            divider_ops: 2,
            readable: |n| Box::new(AdamConfig::pytorch_amsgrad(ETA).build(n).expect("valid")),
            fast: |n, p| {
                let config = AdamConfig::pytorch_amsgrad(ETA);
                Box::new(FastAdam::new(config, n).expect("valid").with_plan(p))
            },
        },
        Method {
            name: "RMSprop+L2",
            words: 5,
            flops: 11,
            divider_ops: 2,
            readable: |n| {
                let rmsprop = RmsPropConfig::new(ETA).build(n).expect("valid");
                Box::new(L2::new(rmsprop, DECAY, n).expect("valid"))
            },
            fast: |n, p| {
                let rmsprop = FastRmsProp::new(RmsPropConfig::new(ETA), n).expect("valid");
                Box::new(L2::new(rmsprop.with_plan(p), DECAY, n).expect("valid"))
            },
        },
        Method {
            name: "AdamW",
            words: 7,
            flops: 15,
            divider_ops: 2,
            readable: |n| {
                let adam = AdamConfig::new(ETA).build(n).expect("valid");
                Box::new(Decoupled::new(adam, DECAY).expect("valid"))
            },
            fast: |n, p| {
                let adam = FastAdam::new(AdamConfig::new(ETA), n).expect("valid");
                Box::new(Decoupled::new(adam.with_plan(p), DECAY).expect("valid"))
            },
        },
        Method {
            name: "RMSprop cosine",
            words: 5,
            flops: 9,
            divider_ops: 2,
            readable: |n| {
                let rmsprop = RmsPropConfig::new(ETA).build(n).expect("valid");
                Box::new(Scheduled::new(rmsprop, cosine()).expect("valid"))
            },
            fast: |n, p| {
                let rmsprop = FastRmsProp::new(RmsPropConfig::new(ETA), n).expect("valid");
                Box::new(Scheduled::new(rmsprop.with_plan(p), cosine()).expect("valid"))
            },
        },
    ]
}

//! The probe the grader runs on a submission that lost points: it calls the
//! student's functions on fixed inputs and prints what they return, one line per
//! probe (`KEY<TAB>numbers`, or `KEY<TAB>panic`). The grader compares the lines
//! with those of the solution and of each known wrong submission
//! (`xtask/fixtures/probes.json`) to name the mistake.
//!
//! It is an example of the student's checker (`cargo learn`), which builds and
//! runs it on the student's machine the same way; the grader compiles it in its
//! workspace as an example of the graded suite's package. It holds no solution:
//! it only calls the functions.

use adagrad::{AdagradConfig, EpsilonPlacement};
use beyond::{NEWTON_SCHULZ_COEFFICIENTS, NewtonSchulzScratch, Normalization, newton_schulz};
use gd::{Decoupled, GradientDescent, L2, Optimizer, Schedule};
use momentum::{AdamConfig, MomentumConfig, RmsPropMomentum, bias_correction};
use network::layers::{dense_backward, softmax_cross_entropy};
use objectives::{FiniteSum, LogisticRegression, Objective};
use rmsprop::{CenteredRmsPropConfig, RmsPropConfig, centered_variance, running_average};

/// The gradients every optimizer probe steps through, from w = (1, −2).
const GRADIENTS: [[f64; 2]; 3] = [[0.5, 3.0], [-1.0, 0.25], [2.0, -0.5]];

/// The weights after each step (and the effective rates, where there are some).
fn steps(optimizer: &mut dyn Optimizer) -> Vec<f64> {
    let mut w = [1.0, -2.0];
    let mut out = Vec::new();
    for g in &GRADIENTS {
        optimizer.step(&mut w, g);
        out.extend(w);
        if let Some(rates) = optimizer.effective_learning_rates() {
            out.extend(rates);
        }
    }
    out
}

/// NS_k(M) with the libraries' coefficients, for a rows × cols matrix.
fn newton_schulz_probe(
    m: &[f64],
    rows: usize,
    cols: usize,
    steps: usize,
    epsilon: f64,
    normalization: Normalization,
) -> Vec<f64> {
    let mut out = vec![f64::NAN; rows * cols];
    let mut scratch = NewtonSchulzScratch::new(rows, cols);
    let coefficients = NEWTON_SCHULZ_COEFFICIENTS;
    newton_schulz(m, &mut out, coefficients, steps, epsilon, normalization, &mut scratch);
    out
}

fn logistic() -> LogisticRegression {
    let rows = vec![vec![1.0, 2.0], vec![-1.0, 0.5], vec![0.5, -1.5], vec![2.0, 1.0]];
    LogisticRegression::new(rows, vec![1.0, 0.0, 0.0, 1.0], 0.1).expect("a valid data set")
}

/// η(t) for t = 1 … 5 from η = 1 under `schedule`.
fn rates(schedule: &Schedule) -> Vec<f64> {
    (1..=5).map(|t| schedule.learning_rate(1.0, t)).collect()
}

/// A probe: its key, and the numbers it computes.
type Probe = (&'static str, fn() -> Vec<f64>);

fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    let probes: Vec<Probe> = vec![
        ("gd.steps", || steps(&mut GradientDescent::new(0.1).expect("η in range"))),
        ("adagrad.steps", || steps(&mut AdagradConfig::new(0.4).build(2).expect("in range"))),
        ("adagrad.eps_inside", || {
            steps(&mut AdagradConfig::new(0.4).epsilon(0.5).build(2).expect("in range"))
        }),
        ("adagrad.eps_outside", || {
            let config = AdagradConfig::new(0.4)
                .epsilon(0.5)
                .epsilon_placement(EpsilonPlacement::OutsideRoot);
            steps(&mut config.build(2).expect("in range"))
        }),
        ("rmsprop.average", || {
            vec![
                running_average(0.9, 2.0, 3.0),
                running_average(0.5, 1.0, -2.0),
                running_average(0.0, 4.0, 1.5),
            ]
        }),
        ("rmsprop.steps", || {
            steps(&mut RmsPropConfig::new(0.1).epsilon(0.01).build(2).expect("in range"))
        }),
        ("momentum.heavy_ball", || {
            steps(&mut MomentumConfig::new(0.1).momentum(0.9).build(2).expect("in range"))
        }),
        ("momentum.nesterov", || {
            let config = MomentumConfig::new(0.1).momentum(0.9).nesterov(true);
            steps(&mut config.build(2).expect("in range"))
        }),
        ("momentum.rmsprop_momentum", || {
            steps(&mut RmsPropMomentum::new(0.01, 2).expect("in range"))
        }),
        // ε = 0 and a weight without gradient: its scaled gradient is 0/0.
        ("momentum.rmsprop_momentum_zero_denominator", || {
            let rmsprop = RmsPropConfig::new(0.01).epsilon(0.0);
            let config = momentum::RmsPropMomentumConfig::from_rmsprop(rmsprop, 0.9);
            let mut optimizer = config.build(2).expect("in range");
            let mut w = [1.0, -2.0];
            let mut out = Vec::new();
            for g in &GRADIENTS {
                optimizer.step(&mut w, &[0.0, g[1]]);
                out.extend(w);
            }
            out
        }),
        ("adam.bias_correction", || (1..=4).map(|t| bias_correction(0.9, t)).collect()),
        ("adam.steps", || steps(&mut AdamConfig::new(0.1).build(2).expect("in range"))),
        ("libraries.centered_variance", || {
            vec![
                centered_variance(2.0, 1.0),
                centered_variance(0.5, -0.5),
                centered_variance(1.0, 1.0),
                // ḡ² > G, as rounding can leave it: the variance is 0, not < 0.
                centered_variance(1.0, 1.5),
            ]
        }),
        ("libraries.centered", || {
            let config = CenteredRmsPropConfig::new(0.1).decay(0.5);
            steps(&mut config.build(2).expect("in range"))
        }),
        ("libraries.centered_momentum", || {
            steps(&mut CenteredRmsPropConfig::pytorch(0.1, 0.9).build(2).expect("in range"))
        }),
        // β₂ = 0.5 lets G fall from one step to the next, so the maximum matters.
        ("libraries.amsgrad_pytorch", || {
            steps(&mut AdamConfig::pytorch_amsgrad(0.1).beta2(0.5).build(2).expect("in range"))
        }),
        ("libraries.amsgrad_optax", || {
            steps(&mut AdamConfig::optax_amsgrad(0.1).beta2(0.5).build(2).expect("in range"))
        }),
        ("libraries.l2", || {
            let adam = AdamConfig::new(0.1).build(2).expect("in range");
            steps(&mut L2::new(adam, 0.5, 2).expect("in range"))
        }),
        ("libraries.decoupled", || {
            let adam = AdamConfig::new(0.1).build(2).expect("in range");
            steps(&mut Decoupled::new(adam, 0.5).expect("in range"))
        }),
        ("libraries.schedules", || {
            let cosine = Schedule::Cosine { steps: 4, floor: 0.1 };
            let mut out = rates(&Schedule::InverseTime { decay: 0.5 });
            out.extend(rates(&Schedule::InverseSqrt));
            out.extend(rates(&Schedule::StepDecay { every: 2, factor: 0.5 }));
            out.extend(rates(&cosine));
            out.extend(rates(&Schedule::Warmup { steps: 2, start: 0.5, then: Box::new(cosine) }));
            out
        }),
        ("logistic.full", || {
            let mut g = vec![0.0; 3];
            logistic().gradient(&[0.3, -0.2, 0.1], &mut g);
            g
        }),
        ("logistic.reused_buffer", || {
            let mut g = vec![9.0, -9.0, 9.0];
            logistic().batch_gradient(&[0.3, -0.2, 0.1], &[0, 2], &mut g);
            g
        }),
        ("logistic.batches", || {
            let problem = logistic();
            let mut out = Vec::new();
            for batch in [&[0, 2][..], &[1, 1, 3][..]] {
                let mut g = vec![0.0; 3];
                problem.batch_gradient(&[0.3, -0.2, 0.1], batch, &mut g);
                out.extend(g);
            }
            out
        }),
        ("network.softmax", || {
            let mut delta = vec![0.0; 4];
            let loss = softmax_cross_entropy(&[0.3, -1.2, 2.5, 0.0], 1, &mut delta);
            delta.push(loss);
            delta
        }),
        ("network.softmax_large", || {
            let mut delta = vec![0.0; 3];
            let loss = softmax_cross_entropy(&[1000.0, 0.0, -1000.0], 2, &mut delta);
            delta.push(loss);
            delta
        }),
        ("network.dense_backward", || {
            // Two samples added into buffers that start at 1, then the input gradient.
            let weights = [1.0, 2.0, 3.0, -1.0, 0.5, 0.25];
            let (mut gw, mut gb, mut gx) = (vec![1.0; 6], vec![1.0; 3], vec![0.0; 2]);
            dense_backward(&[2.0, 0.5], &weights, &[1.0, -1.0, 0.5], &mut gw, &mut gb, None);
            dense_backward(
                &[-1.0, 3.0],
                &weights,
                &[0.25, 2.0, -0.5],
                &mut gw,
                &mut gb,
                Some(&mut gx),
            );
            gw.extend(gb);
            gw.extend(gx);
            gw
        }),
        ("beyond.newton_schulz_tall", || {
            // A 3 × 2 matrix: iterated as its 2 × 3 transpose, turned back. Two
            // rounds, so that wrong coefficients give finite numbers to compare.
            let m = [2.0, -1.0, 0.5, 3.0, -1.5, 1.0];
            newton_schulz_probe(&m, 3, 2, 2, 1e-7, Normalization::ClampedNorm)
        }),
        ("beyond.newton_schulz_wide", || {
            let m = [0.2, -0.1, 0.4, 0.3, 0.0, -0.25];
            newton_schulz_probe(&m, 2, 3, 2, 1e-8, Normalization::NormPlusEpsilon)
        }),
        ("beyond.newton_schulz_epsilon", || {
            // No rounds: the normalization alone, where ε matters (‖M‖ = 5e-9).
            let m = [3e-9, 4e-9];
            let mut out = newton_schulz_probe(&m, 1, 2, 0, 1e-8, Normalization::ClampedNorm);
            out.extend(newton_schulz_probe(&m, 1, 2, 0, 1e-8, Normalization::NormPlusEpsilon));
            out
        }),
        ("beyond.newton_schulz_zero", || {
            newton_schulz_probe(&[0.0; 4], 2, 2, 5, 0.0, Normalization::ClampedNorm)
        }),
    ];
    for (key, probe) in probes {
        match std::panic::catch_unwind(probe) {
            Ok(values) => {
                let shown: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                println!("{key}\t{}", shown.join(" "));
            }
            Err(_) => println!("{key}\tpanic"),
        }
    }
}

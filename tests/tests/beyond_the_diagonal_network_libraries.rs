//! The matrix methods' presets against the libraries' own runs on the network.
//!
//! `tests/references/beyond_network.rs` holds what PyTorch and optax computed,
//! in their own code, for the first [`NETWORK_STEPS`] steps of training the
//! digits network 64 → 32 tanh → 10 softmax (written by
//! `tests/references/generate_beyond_network.py`; no test calls Python): the
//! network written in each library with the course's layout and shapes, W₁ kept
//! as 64 × 32 (not PyTorch's (out, in)) so that Muon's shape scale is compared on
//! the course's shapes; batch k the rows 32·k to 32·k + 31 of `digits.csv` in
//! file order; W₀ written into the file. Each preset of the course runs the same
//! steps, with the gradient of [`Classifier::batch_loss_and_gradient`], and
//! must stay within the tolerance its library's arithmetic allows:
//!
//! - float64 throughout (optax's Muon with and without Nesterov, Adafactor and Lion,
//!   PyTorch's Adafactor): [`FLOAT64_TOLERANCE`] relative to the size of W
//!   after the last step.
//! - PyTorch's Muon runs its Newton–Schulz iteration in bfloat16: compared step
//!   by step, from each of PyTorch's iterates, the matrices to
//!   [`TORCH_MUON_STEP_TOLERANCE`] of the step and the biases (PyTorch's AdamW,
//!   float64) to [`FLOAT64_TOLERANCE`] of theirs.
//! - `optax.contrib.muon` with its defaults steps the biases with an Adam of its
//!   own that takes Nesterov's mix (`optax.adamw(…, nesterov=True)`, NAdam as
//!   optax writes it): the course's [`NadamConfig::optax`] on the biases, in
//!   float64 like the rest.

use beyond::{
    AdafactorConfig, Blockwise, Layout, LionConfig, MuonConfig, NadamConfig, Shape, ShapeScale,
};
use gd::Optimizer;
use momentum::{AdamConfig, PYTORCH_ADAMW_DECAY, adamw};
use network::Classifier;

include!("../references/beyond_network.rs");

/// The weights of the network, 64·32 + 32 + 32·10 + 10.
const DIMENSION: usize = 2410;

/// Samples per step: the reference runs' batches.
const BATCH: usize = 32;

/// The race's best η (`book/src/figures/beyond-network.json`), which the
/// reference runs use: Muon and Adafactor 0.1, Lion 0.01, and PyTorch's AdamW
/// on the biases under PyTorch's Muon 10^−1.5.
const MUON_LR: f64 = 0.1;
const ADAFACTOR_LR: f64 = 0.1;
const LION_LR: f64 = 0.01;
const BIAS_LR: f64 = 0.03162277660168379;

/// The tolerance of a float64 library run after the last step, relative to the
/// largest |W| entry (0.42 to 0.52 here).
///
/// Each library sums a batch's 32 per-sample gradients in its own order (XLA's
/// and torch's matrix products against the course's loop over samples), so the
/// gradients agree to a few ulps, not bit for bit; each step then divides by a
/// second moment or orthogonalizes, which can scale the rounding of a small
/// gradient entry up to the size of a step. Measured after 4 steps, relative:
/// 0 for optax's Lion (a sign step, insensitive to the last bits), 2.1e-16 and
/// 2.5e-16 for optax's Adafactor factored and not, 2.7e-16 for PyTorch's
/// Adafactor, 3.3e-15 and 3.6e-15 for optax's Muon with Nesterov (NAdam on the
/// biases) and without. 1e-12 allows more than
/// two decades over the worst, as the matrix test does, and is more than three
/// decades below the smallest miss of a wrong preset (2.9e-9, see
/// [`a_wrong_preset_misses_by_far_more_than_the_tolerance`]).
const FLOAT64_TOLERANCE: f64 = 1e-12;

/// How far one step of the course's float64 `MuonConfig::pytorch`, taken from
/// PyTorch's iterate with the gradient there, may land from PyTorch's
/// bfloat16 step on a weight matrix: the error's Frobenius norm over the norm
/// of PyTorch's step.
///
/// PyTorch runs the Newton–Schulz iteration in bfloat16 (8 bits of mantissa, a
/// rounding of 2⁻⁹ ≈ 2e-3). On the network the momentum's singular values are
/// spread far apart (W₁'s gradient has rows of zeros: some pixels, the corners
/// among them, are 0 in every image of a batch), and the five iterations multiply a change of a small singular value by the slope of p⁵
/// there, up to 3.4445⁵ ≈ 485: the roundings of bfloat16 come out as 10 to 15 %
/// of the step. Measured over the 4 steps, on W₁ and W₂: 0.128, 0.101; 0.110,
/// 0.151; 0.099, 0.135; 0.101, 0.113. 0.2 is allowed. That it is bfloat16 alone
/// was checked once, outside the suite: with PyTorch's own
/// `_zeropower_via_newtonschulz` copied into float64 (the cast to bfloat16 the
/// only change), PyTorch's run and the course's agree to 2.5e-15 in W over the
/// 4 steps.
///
/// The biases, stepped by PyTorch's AdamW in float64 from the same iterate
/// with the same gradient, must agree to [`FLOAT64_TOLERANCE`] of their step
/// (measured: 1.5e-16 to 7.0e-16).
///
/// A wrong preset is caught (measured): optax's Muon (`MuonConfig::optax`) in
/// place of PyTorch's misses the matrices' steps by 0.32 to 0.46 at every step,
/// optax's shape scale alone by 0.30 to 0.47, Muon without Nesterov's mix by
/// 0.27 to 0.36 from step 2 (the first step is the same either way), and AdamW
/// without its decay λ = 0.01 misses the biases' steps by 3.9e-4 to 2.6e-3 from
/// step 2. A Muon without its own weight decay λ = 0.1 misses by 0.14 to 0.17,
/// inside the tolerance: the decay ηλW is about as large as bfloat16's noise
/// here, so PyTorch's decay of the matrices is checked by the matrix test (30
/// steps on a 3 × 2 W, where it misses by 4.7e-3 against a bound of 2e-3), not here.
const TORCH_MUON_STEP_TOLERANCE: f64 = 0.2;

/// The network on the first [`NETWORK_STEPS`] batches of digits.csv, in file
/// order, no ridge: batch k is samples 32·k to 32·k + 31.
fn network() -> Classifier {
    let data = datasets::digits().expect("digits.csv is in the repository");
    let samples = NETWORK_STEPS * BATCH;
    let width = network::Shape::DIGITS.inputs();
    let inputs = data.inputs()[..samples * width].to_vec();
    let labels = data.labels()[..samples].to_vec();
    Classifier::new(network::Shape::DIGITS, inputs, labels, 0.0).expect("a valid network")
}

/// The gradient of the mean cross-entropy over batch `k` at `w`.
fn gradient(network: &Classifier, w: &[f64], k: usize) -> Vec<f64> {
    let batch: Vec<usize> = (k * BATCH..(k + 1) * BATCH).collect();
    let mut g = vec![0.0; DIMENSION];
    network.batch_loss_and_gradient(w, &batch, &mut g);
    g
}

/// The blocks of the network's flat weights: W₁, b₁, W₂, b₂.
fn layout() -> Layout {
    let shape = network::Shape::DIGITS;
    let (inputs, hidden, classes) = (shape.inputs(), shape.hidden(), shape.classes());
    Layout::new(vec![
        Shape::Matrix { rows: inputs, cols: hidden },
        Shape::Vector(hidden),
        Shape::Matrix { rows: hidden, cols: classes },
        Shape::Vector(classes),
    ])
}

type Built = Result<Box<dyn Optimizer>, gd::HyperParameterError>;

/// One optimizer per block: `matrix` for W₁ and W₂, `vector` for the biases.
fn blockwise(
    matrix: impl FnMut(usize, usize) -> Built,
    vector: impl FnMut(usize) -> Built,
) -> Box<dyn Optimizer> {
    Box::new(Blockwise::new(layout(), matrix, vector).expect("the presets' settings are valid"))
}

/// The course's optimizer for a reference run, as the library's users run it:
/// a [`Blockwise`] where the library splits matrices from vectors.
fn course_preset(name: &str) -> Box<dyn Optimizer> {
    match name {
        // torch.optim.Muon on W₁, W₂ and torch.optim.AdamW on b₁, b₂.
        "torch-muon" => blockwise(
            |rows, cols| Ok(Box::new(MuonConfig::pytorch(MUON_LR).build(rows, cols)?)),
            |n| Ok(Box::new(adamw(AdamConfig::pytorch(BIAS_LR), PYTORCH_ADAMW_DECAY, n)?)),
        ),
        "torch-adafactor" => blockwise(
            |rows, cols| Ok(Box::new(AdafactorConfig::pytorch(ADAFACTOR_LR).build(rows, cols)?)),
            |n| Ok(Box::new(AdafactorConfig::pytorch(ADAFACTOR_LR).build_vector(n)?)),
        ),
        // Without Nesterov, optax's Adam of the biases is plain Adam (its
        // `adamw` with weight_decay 0 and optax's ε = 1e-8).
        "optax-muon-plain-momentum" => blockwise(
            |rows, cols| {
                Ok(Box::new(MuonConfig::optax(MUON_LR).nesterov(false).build(rows, cols)?))
            },
            |n| Ok(Box::new(AdamConfig::optax(MUON_LR).build(n)?)),
        ),
        // With Nesterov (its default), optax's Adam of the biases is NAdam.
        "optax-muon" => blockwise(
            |rows, cols| Ok(Box::new(MuonConfig::optax(MUON_LR).build(rows, cols)?)),
            |n| Ok(Box::new(NadamConfig::optax(MUON_LR).build(n)?)),
        ),
        "optax-adafactor" => blockwise(
            |rows, cols| Ok(Box::new(AdafactorConfig::optax(ADAFACTOR_LR).build(rows, cols)?)),
            |n| Ok(Box::new(AdafactorConfig::optax(ADAFACTOR_LR).build_vector(n)?)),
        ),
        "optax-adafactor-factored" => {
            let config = AdafactorConfig::optax(ADAFACTOR_LR).min_dim_size_to_factor(1);
            blockwise(
                move |rows, cols| Ok(Box::new(config.build(rows, cols)?)),
                move |n| Ok(Box::new(config.build_vector(n)?)),
            )
        }
        // Element-wise, one optimizer over the whole slice is the same as one
        // per block: optax.lion decays the biases too.
        "optax-lion" => Box::new(LionConfig::optax(LION_LR).build(DIMENSION).expect("valid")),
        other => panic!("no course preset reproduces the reference run `{other}`"),
    }
}

/// W after [`NETWORK_STEPS`] steps of `optimizer` from W₀.
fn course_run(optimizer: &mut dyn Optimizer) -> Vec<f64> {
    let network = network();
    let mut w = NETWORK_START.to_vec();
    for k in 0..NETWORK_STEPS {
        let g = gradient(&network, &w, k);
        optimizer.step(&mut w, &g);
    }
    w
}

/// The largest |a − b| entry.
fn largest_difference(a: &[f64], b: &[f64]) -> f64 {
    gd::assert_same_length("one W", a.len(), "the other", b.len());
    a.iter().zip(b).map(|(p, q)| (p - q).abs()).fold(0.0, f64::max)
}

/// The largest |w| entry, at least 1e-300.
fn size(w: &[f64]) -> f64 {
    w.iter().fold(1e-300f64, |m, x| m.max(x.abs()))
}

/// The run of the library call `name` in the reference file.
fn reference(name: &str) -> &'static [[f64; DIMENSION]] {
    NETWORK_RUNS
        .iter()
        .find(|(run, _, _)| *run == name)
        .map(|(_, _, iterates)| *iterates)
        .unwrap_or_else(|| panic!("the reference run `{name}` was not generated"))
}

/// The runs compared after the last step, in float64.
const FLOAT64_RUNS: [&str; 6] = [
    "optax-adafactor",
    "optax-adafactor-factored",
    "optax-lion",
    "optax-muon",
    "optax-muon-plain-momentum",
    "torch-adafactor",
];

/// How far the course's run of `name` lands from the library's after the last
/// step, relative to the size of the library's W.
fn relative_miss(name: &str, optimizer: &mut dyn Optimizer) -> f64 {
    let last = reference(name).last().expect("a run has steps");
    largest_difference(&course_run(optimizer), last) / size(last)
}

#[test]
fn every_float64_preset_reproduces_its_librarys_run_on_the_network() {
    let mut failures = Vec::new();
    for name in FLOAT64_RUNS {
        let miss = relative_miss(name, course_preset(name).as_mut());
        if miss > FLOAT64_TOLERANCE {
            let call = NETWORK_RUNS.iter().find(|(run, _, _)| *run == name).map_or("", |r| r.1);
            failures.push(format!(
                "{call}: off by {miss:e} of the largest weight (allowed {FLOAT64_TOLERANCE:e})"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The misses of `optimizer` at each step of PyTorch's Muon run, each step
/// taken from PyTorch's previous iterate with the gradient there: per block,
/// |ours − PyTorch's|₂ / |PyTorch's step|₂.
fn torch_muon_step_misses(optimizer: &mut dyn Optimizer) -> Vec<Vec<(Shape, f64)>> {
    let network = network();
    let norm = |v: &mut dyn Iterator<Item = f64>| v.map(|x| x * x).sum::<f64>().sqrt();
    let mut previous: &[f64] = &NETWORK_START;
    let mut misses = Vec::new();
    for (k, next) in reference("torch-muon").iter().enumerate() {
        let mut w = previous.to_vec();
        optimizer.step(&mut w, &gradient(&network, previous, k));
        let step = layout()
            .blocks()
            .map(|(start, shape)| {
                let block = start..start + shape.len();
                let (ours, theirs, before) =
                    (&w[block.clone()], &next[block.clone()], &previous[block]);
                let error = norm(&mut ours.iter().zip(theirs).map(|(p, q)| p - q));
                let size = norm(&mut theirs.iter().zip(before).map(|(p, q)| p - q));
                (shape, error / size)
            })
            .collect();
        misses.push(step);
        previous = next;
    }
    misses
}

/// The steps of PyTorch's Muon run that `optimizer` misses, one line each:
/// a matrix by more than [`TORCH_MUON_STEP_TOLERANCE`] (bfloat16), a bias
/// (PyTorch's AdamW, float64) by more than [`FLOAT64_TOLERANCE`].
fn torch_muon_failures(optimizer: &mut dyn Optimizer) -> Vec<String> {
    let mut failures = Vec::new();
    for (k, step) in torch_muon_step_misses(optimizer).into_iter().enumerate() {
        for (shape, miss) in step {
            let tolerance = match shape {
                Shape::Matrix { .. } => TORCH_MUON_STEP_TOLERANCE,
                Shape::Vector(_) => FLOAT64_TOLERANCE,
            };
            if miss > tolerance {
                failures.push(format!(
                    "step {}, block {shape:?}: off by {miss:e} of the step (allowed {tolerance:e})",
                    k + 1
                ));
            }
        }
    }
    failures
}

#[test]
fn the_pytorch_muon_preset_takes_pytorchs_network_steps_to_bfloat16() {
    let failures = torch_muon_failures(course_preset("torch-muon").as_mut());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_wrong_preset_misses_by_far_more_than_the_tolerance() {
    // The checks above would pass a preset that agrees with anything: each of
    // these is a plausible mistake, and each must fail them. PyTorch's Muon,
    // step by step (measured misses in TORCH_MUON_STEP_TOLERANCE's comment):
    let torch_bias =
        |n| -> Built { Ok(Box::new(adamw(AdamConfig::pytorch(BIAS_LR), PYTORCH_ADAMW_DECAY, n)?)) };
    let optax_scale = MuonConfig::pytorch(MUON_LR).shape_scale(ShapeScale::ColsOverRows);
    let wrong_steps: [(&str, Box<dyn Optimizer>); 3] = [
        (
            "optax's shape scale",
            blockwise(|rows, cols| Ok(Box::new(optax_scale.build(rows, cols)?)), torch_bias),
        ),
        (
            "no Nesterov mix",
            blockwise(
                |rows, cols| {
                    Ok(Box::new(MuonConfig::pytorch(MUON_LR).nesterov(false).build(rows, cols)?))
                },
                torch_bias,
            ),
        ),
        // Measured: 3.9e-4 of the step at step 2, 1.8e-3 and 2.6e-3 at step 4.
        (
            "AdamW's decay left off the biases",
            blockwise(
                |rows, cols| Ok(Box::new(MuonConfig::pytorch(MUON_LR).build(rows, cols)?)),
                |n| Ok(Box::new(AdamConfig::pytorch(BIAS_LR).build(n)?)),
            ),
        ),
    ];
    for (mistake, mut optimizer) in wrong_steps {
        let failures = torch_muon_failures(optimizer.as_mut());
        assert!(!failures.is_empty(), "PyTorch's Muon with {mistake} was not caught");
    }
    // The float64 runs (measured misses, relative to the largest weight).
    let wrong_runs: [(&str, &str, Box<dyn Optimizer>); 5] = [
        (
            // 2.7e-1
            "optax-muon-plain-momentum",
            "PyTorch's Muon settings",
            blockwise(
                |rows, cols| {
                    Ok(Box::new(MuonConfig::pytorch(MUON_LR).nesterov(false).build(rows, cols)?))
                },
                |n| Ok(Box::new(AdamConfig::optax(MUON_LR).build(n)?)),
            ),
        ),
        (
            // 3.9e-9: PyTorch's decay β₂ₜ in float64, where optax's is float32.
            "optax-adafactor",
            "PyTorch's Adafactor, not factored",
            blockwise(
                |rows, cols| {
                    let config = AdafactorConfig::pytorch(ADAFACTOR_LR).min_dim_size_to_factor(128);
                    Ok(Box::new(config.build(rows, cols)?))
                },
                |n| Ok(Box::new(AdafactorConfig::pytorch(ADAFACTOR_LR).build_vector(n)?)),
            ),
        ),
        (
            // 2.9e-9: the float32 rounding of optax's β₂ₜ.
            "torch-adafactor",
            "optax's Adafactor, factored",
            blockwise(
                |rows, cols| {
                    let config = AdafactorConfig::optax(ADAFACTOR_LR).min_dim_size_to_factor(1);
                    Ok(Box::new(config.build(rows, cols)?))
                },
                |n| Ok(Box::new(AdafactorConfig::optax(ADAFACTOR_LR).build_vector(n)?)),
            ),
        ),
        (
            // 2.0e-1: the biases by AdamW, as under Muon, where PyTorch's
            // Adafactor steps them itself.
            "torch-adafactor",
            "AdamW on the biases",
            blockwise(
                |rows, cols| {
                    Ok(Box::new(AdafactorConfig::pytorch(ADAFACTOR_LR).build(rows, cols)?))
                },
                torch_bias,
            ),
        ),
        (
            // 1.4e-6: optax.lion decays every leaf, the biases too.
            "optax-lion",
            "no decay of the biases",
            blockwise(
                |rows, cols| Ok(Box::new(LionConfig::optax(LION_LR).build(rows * cols)?)),
                |n| Ok(Box::new(LionConfig::new(LION_LR).build(n)?)),
            ),
        ),
    ];
    for (name, mistake, mut optimizer) in wrong_runs {
        let miss = relative_miss(name, optimizer.as_mut());
        assert!(
            miss > 1e3 * FLOAT64_TOLERANCE,
            "{name} with {mistake}: a wrong preset missed by only {miss:e}"
        );
    }
}

#[test]
fn optax_muons_biases_take_nadam_and_plain_adam_misses_them() {
    // optax.contrib.muon sends every parameter that is not 2-D to
    // optax.adamw(learning_rate, eps=1e-8, weight_decay=0, nesterov=True): the
    // bias-corrected look ahead β₁·m/(1 − β₁ᵗ⁺¹) + (1 − β₁)·g/(1 − β₁ᵗ) in place
    // of Adam's m̂. The course's NAdam reproduces it (the float64 test above);
    // plain Adam on the biases, the mistake of reading "Adam" in optax's
    // documentation as the Adam of the earlier chapters, misses the library's
    // run first in the biases, then, through the gradients, in W₁ and W₂.
    let last = reference("optax-muon").last().expect("a run has steps");
    let mut plain_adam = blockwise(
        |rows, cols| Ok(Box::new(MuonConfig::optax(MUON_LR).build(rows, cols)?)),
        |n| Ok(Box::new(AdamConfig::optax(MUON_LR).build(n)?)),
    );
    let ours = course_run(plain_adam.as_mut());
    let (mut bias_gap, mut matrix_gap) = (0.0f64, 0.0f64);
    for (start, shape) in layout().blocks() {
        let block = start..start + shape.len();
        let gap = largest_difference(&ours[block.clone()], &last[block]);
        match shape {
            Shape::Vector(_) => bias_gap = bias_gap.max(gap),
            Shape::Matrix { .. } => matrix_gap = matrix_gap.max(gap),
        }
    }
    // A difference of two runs that each agree with optax's to 1e-14: 1e-6
    // relative is ample. The chapter quotes the first gap.
    approx::assert_relative_eq!(bias_gap, PLAIN_ADAM_GAPS[0], max_relative = 1e-6);
    approx::assert_relative_eq!(matrix_gap, PLAIN_ADAM_GAPS[1], max_relative = 1e-6);
    assert!(matrix_gap > 1e3 * FLOAT64_TOLERANCE * size(last), "a wrong preset must be caught");
}

/// The largest |W_course − W_optax| entry after the last step of
/// `optax.contrib.muon(0.1)` against the course's Muon with plain Adam, not
/// NAdam, on the biases: in the biases, and in the matrices.
const PLAIN_ADAM_GAPS: [f64; 2] = [0.10761373095253325, 0.017133623188386543];

#[test]
fn every_network_run_the_chapter_reproduces_has_a_reference() {
    let expected = [
        "optax-adafactor",
        "optax-adafactor-factored",
        "optax-lion",
        "optax-muon",
        "optax-muon-plain-momentum",
        "torch-adafactor",
        "torch-muon",
    ];
    let names: Vec<&str> = NETWORK_RUNS.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names, expected);
    assert_eq!(DIMENSION, network::Shape::DIGITS.dimension());
    for (name, _, iterates) in NETWORK_RUNS {
        let kept = if *name == "torch-muon" { NETWORK_STEPS } else { 1 };
        assert_eq!(iterates.len(), kept, "{name}: the steps kept");
    }
}

#[test]
fn every_network_reference_run_moves_the_weights_visibly() {
    // A rate too small to move W in 4 steps would make any preset agree.
    for (name, _, iterates) in NETWORK_RUNS {
        let moved = largest_difference(iterates.last().expect("steps"), &NETWORK_START);
        assert!(moved > 1e-3, "{name}: W moved by only {moved:e} in {NETWORK_STEPS} steps");
    }
}

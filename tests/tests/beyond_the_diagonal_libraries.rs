//! The matrix methods' presets against the libraries' own runs.
//!
//! `tests/references/beyond.rs` holds what PyTorch and optax computed, in their own
//! code, for 30 steps on J(W) = ½·‖A·W − B‖², W a 3 × 2 matrix (written by
//! `tests/references/generate_beyond.py`; no test calls Python). Each preset of the
//! course runs the same 30 steps and must stay within the tolerance its library's
//! arithmetic allows:
//!
//! - float64 throughout (optax's Muon, Lion and Adafactor, PyTorch's Adafactor):
//!   1e-12 relative to the size of W. Each step is a few dozen roundings; the
//!   libraries order their sums differently (XLA's reductions, torch's norms), so
//!   the iterates agree to a few hundred ulps, not bit for bit.
//! - optax's Adafactor computes its decay β₂ₜ = 1 − t^(−0.8) in float32 even with
//!   x64 on; the presets compute it the same way, rounded to float32, so the
//!   runs agree to float64 rounding all the same.
//! - PyTorch's Muon runs its Newton–Schulz iteration in bfloat16 (8 bits of
//!   mantissa, a rounding of 2⁻⁹ ≈ 2e-3) whatever the parameters' type, and the
//!   course computes it in float64. The two runs drift apart (by 5.7e-2 in an
//!   entry over the 30 steps), so this run is compared step by step instead:
//!   from each of PyTorch's iterates, with the gradient there, the course's step
//!   must land near PyTorch's next iterate (the momentum, kept in float64 by
//!   PyTorch too, then matches). [`torch_muon_step_tolerance`] states how near.

use beyond::{AdafactorConfig, LionConfig, MuonConfig};
use gd::Optimizer;

include!("../references/beyond.rs");

/// How far one step of the course's float64 Muon, from PyTorch's iterate, may
/// land from PyTorch's bfloat16 step, in the largest entry of W.
///
/// A step moves W by η·s·O, η = 0.05, s = √1.5: an error δ in an entry of O is
/// 0.061·δ in W. bfloat16 rounds the normalized X₀ by up to 2⁻⁹ of its norm, and
/// the five iterations of p multiply a change of a singular value σ by the slope
/// of p⁵ at σ: about 1 for σ in the band, up to 3.4445⁵ ≈ 485 for a small σ.
/// While the momentum's singular values are close (the first 10 steps here)
/// δ stays near a few bfloat16 roundings; the measured worst step is 1.3e-3 in
/// W (δ ≈ 0.02), and 2e-3 is allowed. Later, as the run nears the minimum, the
/// momentum's smaller singular value falls towards a few hundredths of the
/// larger one and δ grows: measured worst 2.1e-2 in W (δ ≈ 0.35, at step 29);
/// 3e-2 is allowed. A wrong preset is caught in the first 10 steps, where it
/// misses by (measured) 9.7e-3 with optax's shape scale in place of PyTorch's,
/// 4.7e-3 without PyTorch's weight decay, and 1.2e-2 without Nesterov's mix.
fn torch_muon_step_tolerance(step: usize) -> f64 {
    if step <= 10 { 2e-3 } else { 3e-2 }
}

/// The tolerance of a float64 library run, relative to the largest |W| entry.
const FLOAT64_TOLERANCE: f64 = 1e-12;

/// ∇J(W) = Aᵀ·(A·W − B), for the 5 × 3 A, 3 × 2 W and 5 × 2 B of the references.
fn gradient(w: &[f64]) -> Vec<f64> {
    let residual: Vec<f64> = (0..5)
        .flat_map(|i| {
            (0..2).map(move |j| {
                (0..3).map(|k| BEYOND_A[i * 3 + k] * w[k * 2 + j]).sum::<f64>()
                    - BEYOND_B[i * 2 + j]
            })
        })
        .collect();
    (0..3)
        .flat_map(|k| {
            let residual = &residual;
            (0..2).map(move |j| (0..5).map(|i| BEYOND_A[i * 3 + k] * residual[i * 2 + j]).sum())
        })
        .collect()
}

/// The course's optimizer for a reference run, and the tolerance of that run.
fn course_preset(name: &str) -> (Box<dyn Optimizer>, f64) {
    let valid = "the presets' settings are valid";
    match name {
        "torch-muon" => {
            // Compared step by step (torch_muon_step_tolerance), not as a run.
            (Box::new(MuonConfig::pytorch(0.05).build(3, 2).expect(valid)), f64::NAN)
        }
        "optax-muon" => {
            (Box::new(MuonConfig::optax(0.05).build(3, 2).expect(valid)), FLOAT64_TOLERANCE)
        }
        "torch-adafactor" => {
            (Box::new(AdafactorConfig::pytorch(0.01).build(3, 2).expect(valid)), FLOAT64_TOLERANCE)
        }
        "optax-adafactor" => {
            (Box::new(AdafactorConfig::optax(0.01).build(3, 2).expect(valid)), FLOAT64_TOLERANCE)
        }
        "optax-adafactor-factored" => (
            Box::new(
                AdafactorConfig::optax(0.01).min_dim_size_to_factor(1).build(3, 2).expect(valid),
            ),
            FLOAT64_TOLERANCE,
        ),
        "optax-lion" => {
            (Box::new(LionConfig::optax(0.01).build(6).expect(valid)), FLOAT64_TOLERANCE)
        }
        other => panic!("no course preset reproduces the reference run `{other}`"),
    }
}

/// The iterates of `optimizer` from W₀ for as many steps as `reference` has.
fn course_run(optimizer: &mut dyn Optimizer, steps: usize) -> Vec<[f64; 6]> {
    let mut w = BEYOND_START;
    (0..steps)
        .map(|_| {
            let g = gradient(&w);
            optimizer.step(&mut w, &g);
            w
        })
        .collect()
}

/// The largest |a − b| over every entry of every step.
fn largest_difference(a: &[[f64; 6]], b: &[[f64; 6]]) -> f64 {
    gd::assert_same_length("one run", a.len(), "the other", b.len());
    a.iter()
        .zip(b)
        .flat_map(|(x, y)| x.iter().zip(y).map(|(p, q)| (p - q).abs()))
        .fold(0.0, f64::max)
}

/// The run of the library call `name` in the reference file.
fn reference(name: &str) -> &'static [[f64; 6]] {
    BEYOND_RUNS
        .iter()
        .find(|(run, _, _)| *run == name)
        .map(|(_, _, iterates)| *iterates)
        .unwrap_or_else(|| panic!("the reference run `{name}` was not generated"))
}

#[test]
fn every_matrix_preset_reproduces_its_librarys_own_run() {
    let mut failures = Vec::new();
    for (name, call, iterates) in BEYOND_RUNS.iter().filter(|(name, _, _)| *name != "torch-muon") {
        let (mut optimizer, tolerance) = course_preset(name);
        let ours = course_run(optimizer.as_mut(), iterates.len());
        let size = iterates.iter().flatten().fold(1.0f64, |m, x| m.max(x.abs()));
        let difference = largest_difference(&ours, iterates);
        if difference > tolerance * size {
            failures
                .push(format!("{call}: off by {difference:e} (allowed {:e})", tolerance * size));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_library_call_the_chapter_reproduces_has_a_reference_run() {
    let expected = [
        "optax-adafactor",
        "optax-adafactor-factored",
        "optax-lion",
        "optax-muon",
        "torch-adafactor",
        "torch-muon",
    ];
    let names: Vec<&str> = BEYOND_RUNS.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names, expected);
    assert!(BEYOND_RUNS.iter().all(|(_, _, iterates)| iterates.len() == 30));
}

#[test]
fn the_pytorch_muon_preset_takes_pytorchs_steps_to_bfloat16() {
    let (mut optimizer, _) = course_preset("torch-muon");
    let mut previous = BEYOND_START;
    let mut failures = Vec::new();
    for (index, next) in reference("torch-muon").iter().enumerate() {
        let mut w = previous;
        optimizer.step(&mut w, &gradient(&previous));
        let difference = largest_difference(&[w], &[*next]);
        let tolerance = torch_muon_step_tolerance(index + 1);
        if difference > tolerance {
            failures
                .push(format!("step {}: off by {difference:e} (allowed {tolerance:e})", index + 1));
        }
        previous = *next;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pytorch_and_optax_muon_part_by_the_shape_scale_bias_correction_and_decay() {
    // On a 3 × 2 W, PyTorch scales the step by √(3/2) and optax by 1 (the same
    // rule under two conventions of which side is the output); PyTorch decays W
    // by η·0.1·W per step and optax not at all; optax bias-corrects the momentum.
    // The libraries' own runs part by this much (the largest entry difference
    // over 30 steps), about 3 times the drift of PyTorch's bfloat16.
    let gap = largest_difference(reference("torch-muon"), reference("optax-muon"));
    approx::assert_relative_eq!(gap, MUON_GAP, max_relative = 1e-12);
}

/// The largest |W_torch − W_optax| entry over 30 steps of Muon, from the references.
const MUON_GAP: f64 = 0.17893082073374939;

#[test]
fn pytorch_and_optax_adafactor_differ_only_in_factoring_small_matrices() {
    // With lr = 0.01 ≤ 1/√t for the 30 steps, PyTorch's relative step is
    // optax's constant rate, and both clip at d = 1 and scale by max(1e-3, RMS(W)).
    // PyTorch factors every matrix; optax factors only from 128 × 128, so on a
    // 3 × 2 W its default keeps a full second moment. Factored, the two agree to
    // the float32 rounding of optax's decay β₂ₜ; unfactored, they part by this.
    let factored =
        largest_difference(reference("torch-adafactor"), reference("optax-adafactor-factored"));
    let unfactored = largest_difference(reference("torch-adafactor"), reference("optax-adafactor"));
    // A difference of two runs that agree to 1e-10: its own rounding is about
    // 1e-16/1e-10 of it, so 1e-5 relative is ample.
    approx::assert_relative_eq!(factored, ADAFACTOR_GAPS[0], max_relative = 1e-5);
    approx::assert_relative_eq!(unfactored, ADAFACTOR_GAPS[1], max_relative = 1e-12);
}

/// The largest |W_torch − W_optax| entry over 30 steps of Adafactor: with optax
/// factoring (`min_dim_size_to_factor=1`), and with its default (not factored).
const ADAFACTOR_GAPS: [f64; 2] = [1.197447696554832e-10, 0.054950297298599904];

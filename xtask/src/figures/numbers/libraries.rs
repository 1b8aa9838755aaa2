//! The numbers of libraries.md: a start of G at 0.1 that never washes out, and
//! what the libraries' own runs showed (optax's float32 rates, Keras's ε, a
//! warm-up from 0).

use adagrad::{AdagradConfig, EpsilonPlacement};
use anyhow::{Context, Result, anyhow, ensure};
use descent_tests::references::{base_rate, largest_difference_of, reference};
use gd::{Optimizer, Schedule, Scheduled};
use momentum::{AdamConfig, EpsilonTiming, MomentumConfig, epsilon_for_step};
use rmsprop::RmsPropConfig;

use super::book::Book;
use crate::figures::format::{fixed, percent, scientific};
use crate::figures::scene::ellipse_run;

/// Keras's and optax's Adagrad start G at 0.1. On the ellipse that is not a detail
/// of the first steps: the gap to the course's Adagrad grows for ever.
pub(super) fn numbers(book: &mut Book) -> Result<()> {
    let steps = 1000;
    let mut course = AdagradConfig::new(0.4).build(2)?;
    let mut keras = AdagradConfig::keras(0.4).build(2)?;
    let a = ellipse_run(&mut course, steps);
    let b = ellipse_run(&mut keras, steps);
    ensure!(a.steps() == steps && b.steps() == steps, "both runs take {steps} steps");
    let gap = |t: usize| {
        let (x, y) = (&a.iterates[t], &b.iterates[t]);
        (x[0] - y[0]).hypot(x[1] - y[1]) / x[0].hypot(x[1])
    };
    let checkpoints = [1usize, 20, 200, 1000];
    let gaps: Vec<f64> = checkpoints.iter().map(|&t| gap(t)).collect();
    ensure!(gaps.windows(2).all(|w| w[1] > w[0]), "the gap should keep growing: {gaps:?}");
    ensure!(
        gaps[gaps.len() - 1] > 0.1,
        "the gap after {steps} steps is only {}",
        gaps[gaps.len() - 1]
    );
    let names = ["keras-gap-1", "keras-gap-20", "keras-gap-200", "keras-gap-1000"];
    for (name, g) in names.into_iter().zip(&gaps) {
        book.add(
            "libraries",
            name,
            percent(*g),
            "|w_course − w_keras| / |w_course| on the ellipse, η = 0.4, at that step",
        );
    }
    let (ga, gb) = (course.accumulator()[0], keras.accumulator()[0]);
    let (ra, rb) = (course.effective_learning_rates(), keras.effective_learning_rates());
    let (ra, rb) = (ra.context("Adagrad has rates")?[0], rb.context("Adagrad has rates")?[0]);
    ensure!(
        gb - ga > 0.1 * 0.9 && gb - ga < 1.0,
        "G₁'s limits should differ by about G₀ = 0.1 or more: {ga} and {gb}"
    );
    book.add(
        "libraries",
        "course-g1-limit",
        fixed(ga, 2),
        "G₁ of the course's Adagrad after 1000 steps on the ellipse (converged)",
    );
    book.add(
        "libraries",
        "keras-g1-limit",
        fixed(gb, 2),
        "G₁ of AdagradConfig::keras after 1000 steps on the ellipse (converged)",
    );
    book.add("libraries", "course-rate1-limit", fixed(ra, 4), "w₁'s frozen rate, course");
    book.add("libraries", "keras-rate1-limit", fixed(rb, 4), "w₁'s frozen rate, Keras preset");
    own_runs(book)
}

/// A construction of the course's optimizer from the base rate η.
type Make = fn(f64) -> Result<Box<dyn Optimizer>>;

/// The largest relative difference on `problem` between the library's run `name`
/// and the course's optimizer that `make` builds from η.
fn gap(name: &str, problem: &str, make: impl Fn(f64) -> Result<Box<dyn Optimizer>>) -> Result<f64> {
    let iterates = reference(name, problem).with_context(|| format!("no run of {name}"))?;
    let mut optimizer = make(base_rate(problem))?;
    largest_difference_of(optimizer.as_mut(), problem, iterates).map_err(|error| anyhow!(error))
}

/// The warm-up and cosine of optax's `warmup_cosine_decay_schedule(s·η, η, 10, 50, η/10)`.
fn warmup_cosine(start: f64) -> Schedule {
    Schedule::Warmup {
        steps: 10,
        start,
        then: Box::new(Schedule::Cosine { steps: 40, floor: 0.1 }),
    }
}

/// What the libraries' own runs showed, each claim checked against them.
fn own_runs(book: &mut Book) -> Result<()> {
    // 1. optax's float32 rates: its exponential_decay at count 0, and how far the
    // same schedules computed in float64 land from optax's own runs.
    let step = Schedule::StepDecay { every: 10, factor: 0.5 };
    let rate = step.optax_learning_rate(0.4, 1);
    ensure!(rate != 0.4 && rate == f64::from(0.4f32), "optax's rate is float32(0.4): {rate}");
    book.add(
        "libraries",
        "optax-rate-0-4",
        format!("{rate}"),
        "optax's exponential_decay(0.4) at count 0, float32",
    );
    let float64 = |name: &str, make: Make| -> Result<(f64, f64)> {
        let ours = [gap(name, "ellipse", make)?, gap(name, "rosenbrock", make)?];
        Ok((ours[0], ours[1]))
    };
    let cases: [(&str, &str, Make); 4] = [
        ("optax-adam-step-decay", "adam-step-decay", |eta| {
            let adam = AdamConfig::optax(eta).build(2)?;
            Ok(Box::new(Scheduled::new(adam, Schedule::StepDecay { every: 10, factor: 0.5 })?))
        }),
        ("optax-adam-warmup-cosine", "adam-warmup-cosine", |eta| {
            Ok(Box::new(Scheduled::new(AdamConfig::optax(eta).build(2)?, warmup_cosine(0.1))?))
        }),
        ("optax-rmsprop-step-decay", "rmsprop-step-decay", |eta| {
            let rmsprop = RmsPropConfig::optax(eta).build(2)?;
            Ok(Box::new(Scheduled::new(rmsprop, Schedule::StepDecay { every: 10, factor: 0.5 })?))
        }),
        ("optax-sgd-momentum-warmup-cosine", "sgd-warmup-cosine", |eta| {
            let sgd = MomentumConfig::optax(eta / 2.0, 0.9).build(2)?;
            Ok(Box::new(Scheduled::new(sgd, warmup_cosine(0.1))?))
        }),
    ];
    for (call, name, make) in cases {
        let (ellipse, rosenbrock) = float64(call, make)?;
        ensure!(
            ellipse.max(rosenbrock) > 1e-9,
            "{call}: float64 rates should land visibly off optax's run, not {ellipse:e}"
        );
        book.add(
            "libraries",
            format!("float64-{name}-ellipse"),
            scientific(ellipse, 1),
            "float64 schedule against optax's own run, ellipse, largest relative difference",
        );
        book.add(
            "libraries",
            format!("float64-{name}-rosenbrock"),
            scientific(rosenbrock, 1),
            "float64 schedule against optax's own run, Rosenbrock, largest relative difference",
        );
    }

    // 3. A warm-up from 0: optax's first step does not move, and the course's
    // reproduction does not either.
    for problem in ["ellipse", "rosenbrock"] {
        let iterates = reference("optax-adam-warmup-cosine-from-zero", problem).context("run")?;
        let start = if problem == "ellipse" { [-5.0, -2.0] } else { [-1.5, 2.0] };
        ensure!(iterates[0] == start, "optax's first step from 0 moved on {problem}");
        ensure!(iterates[1] != start, "optax's second step stood still on {problem}");
    }

    // 4. Keras's ε: ε/√(1 − β₂ᵗ) in the course's form, and the nearest setting
    // that adds ε after the correction.
    let factor = |t| {
        let keras = EpsilonTiming::BeforeCorrection;
        epsilon_for_step(1.0, keras, EpsilonPlacement::OutsideRoot, 0.999, t)
    };
    ensure!(factor(1) > 31.0 && factor(1000) < 1.3, "Keras's ε shrinks from ~32ε to ~ε");
    book.add(
        "libraries",
        "keras-epsilon-factor-1",
        fixed(factor(1), 1),
        "1/√(1 − 0.999), Keras's ε seen after the correction at t = 1",
    );
    book.add(
        "libraries",
        "keras-epsilon-factor-60",
        fixed(factor(60), 2),
        "1/√(1 − 0.999⁶⁰), the same at t = 60",
    );
    let nearest = |eta| -> Result<Box<dyn Optimizer>> {
        Ok(Box::new(AdamConfig::new(eta).epsilon(1e-7).build(2)?))
    };
    let keras =
        |eta| -> Result<Box<dyn Optimizer>> { Ok(Box::new(AdamConfig::keras(eta).build(2)?)) };
    let (off, on) = (gap("keras-adam", "ellipse", nearest)?, gap("keras-adam", "ellipse", keras)?);
    let off_rosenbrock = gap("keras-adam", "rosenbrock", nearest)?;
    ensure!(
        off > 1e-9 && on <= 1e-12,
        "Keras's Adam: ε after the correction is off by {off:e}, the preset by {on:e}"
    );
    book.add(
        "libraries",
        "keras-adam-nearest-ellipse",
        scientific(off, 1),
        "AdamConfig::new(η).epsilon(1e-7) against Keras's Adam, ellipse",
    );
    book.add(
        "libraries",
        "keras-adam-nearest-rosenbrock",
        scientific(off_rosenbrock, 1),
        "AdamConfig::new(η).epsilon(1e-7) against Keras's Adam, Rosenbrock",
    );
    Ok(())
}

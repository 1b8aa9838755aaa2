//! The numbers of libraries.md: a start of G at 0.1 that never washes out.

use adagrad::AdagradConfig;
use anyhow::{Context, Result, ensure};
use gd::Optimizer;

use super::book::Book;
use crate::figures::format::{fixed, percent};
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
    Ok(())
}

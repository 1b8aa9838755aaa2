//! The numbers of when-adapting-pays.md, from the learning-rate sweeps and a few
//! runs at chosen learning rates.

use anyhow::{Context, Result, ensure};
use objectives::DiagonalQuadratic;
use sweep::{ADAGRAD, Budget, GRADIENT_DESCENT, METHODS, Outcome, race};

use super::{Book, fixed};
use crate::figures::gradient_descent::ELLIPSE_START;
use crate::figures::windows::{Swept, eta_text, scaled_sweeps, swept};

const CHAPTER: &str = "when-adapting-pays";

/// The index of a method in [`METHODS`].
fn index(name: &str) -> Result<usize> {
    METHODS.iter().position(|m| m.name == name).with_context(|| format!("no method {name}"))
}

/// A method's best η and steps on a swept problem.
fn best(swept: &Swept, method: &str) -> Result<(f64, usize)> {
    swept
        .best(index(method)?)
        .with_context(|| format!("{method} never reaches the target on {}", swept.problem.key))
}

/// How many decades a method's window spans: log₁₀(largest/smallest η that reached).
fn decades(swept: &Swept, method: &str) -> Result<f64> {
    let (low, high, _) = swept
        .window(index(method)?)
        .with_context(|| format!("{method} has no window on {}", swept.problem.key))?;
    Ok((high / low).log10())
}

/// Steps to the summary target for `method` at `eta` on the ellipse.
fn ellipse_steps(method: sweep::Method, eta: f64) -> Result<Outcome> {
    let ellipse = DiagonalQuadratic::ellipse();
    let mut optimizer = (method.build)(eta, 2)?;
    Ok(race(&ellipse, optimizer.as_mut(), &ELLIPSE_START, 0.0, Budget::SUMMARY).outcome)
}

pub(super) fn numbers(book: &mut Book) -> Result<()> {
    window_numbers(book)?;
    scale_numbers(book)?;
    limit_numbers(book)?;
    Ok(())
}

/// The window on the ellipse: gradient descent's closes at 2/L, Adagrad's is wide.
fn window_numbers(book: &mut Book) -> Result<()> {
    let ellipse = swept("ellipse")?;
    let (gd_eta, gd_steps) = best(ellipse, "gradient descent")?;
    let (ada_eta, ada_steps) = best(ellipse, "Adagrad")?;
    ensure!(ada_steps < gd_steps, "Adagrad at its best should beat GD at its best on the ellipse");
    book.add(
        CHAPTER,
        "ellipse-gd-best-eta",
        eta_text(gd_eta),
        "GD's best η of the grid on the ellipse",
    );
    book.add(CHAPTER, "ellipse-gd-best-steps", gd_steps.to_string(), "its steps");
    book.add(
        CHAPTER,
        "ellipse-adagrad-best-eta",
        eta_text(ada_eta),
        "Adagrad's best η of the grid on the ellipse",
    );
    book.add(CHAPTER, "ellipse-adagrad-best-steps", ada_steps.to_string(), "its steps");
    // Off the grid: GD at its optimal η = 2/(μ + L), and at 2/L exactly.
    let optimal = 2.0 / (0.2 + 4.0);
    let at_optimal =
        ellipse_steps(GRADIENT_DESCENT, optimal)?.steps().context("GD at 2/(μ + L) arrives")?;
    ensure!(at_optimal <= gd_steps, "2/(μ + L) should be at least as fast as the grid's best");
    book.add(CHAPTER, "ellipse-gd-optimal-eta", fixed(optimal, 3), "2/(μ + L) on the ellipse");
    book.add(
        CHAPTER,
        "ellipse-gd-optimal-steps",
        at_optimal.to_string(),
        "GD's steps at η = 2/(μ + L)",
    );
    let at_edge = ellipse_steps(GRADIENT_DESCENT, 0.5)?;
    ensure!(
        matches!(at_edge, Outcome::Stalled { .. }),
        "GD at η = 2/L = 0.5 should bounce for ever: {at_edge}"
    );
    for (eta, name) in [
        (2.0, "ellipse-adagrad-steps-at-2"),
        (4.0, "ellipse-adagrad-steps-at-4"),
        (8.0, "ellipse-adagrad-steps-at-8"),
    ] {
        let steps = ellipse_steps(ADAGRAD, eta)?.steps().context("Adagrad arrives")?;
        book.add(CHAPTER, name, steps.to_string(), "Adagrad's steps on the ellipse at this η");
    }
    let at_fixed = ellipse_steps(ADAGRAD, 0.4)?.steps().context("Adagrad at 0.4 arrives")?;
    ensure!(
        at_fixed > gd_steps,
        "at the course's fixed η = 0.4 Adagrad should be slower than GD's best"
    );
    book.add(
        CHAPTER,
        "ellipse-adagrad-steps-at-04",
        at_fixed.to_string(),
        "Adagrad's steps on the ellipse at the course's η = 0.4",
    );
    for (method, name) in [
        ("gradient descent", "ellipse-gd-decades"),
        ("Adagrad", "ellipse-adagrad-decades"),
        ("RMSprop", "ellipse-rmsprop-decades"),
        ("momentum", "ellipse-momentum-decades"),
        ("Adam", "ellipse-adam-decades"),
    ] {
        book.add(
            CHAPTER,
            name,
            fixed(decades(ellipse, method)?, 1),
            "decades of η that reach the target on the ellipse",
        );
    }
    ensure!(
        decades(ellipse, "Adagrad")? > decades(ellipse, "gradient descent")?,
        "Adagrad's window on the ellipse should be wider than GD's"
    );
    Ok(())
}

/// c·J: gradient descent's best η moves by 1/c, Adagrad's stays.
fn scale_numbers(book: &mut Book) -> Result<()> {
    let (grid, outcomes) = scaled_sweeps()?;
    let bests: Vec<Vec<(f64, usize)>> = outcomes
        .iter()
        .map(|method| {
            method
                .iter()
                .map(|o| sweep::best(&grid, o).context("a best η"))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<_>>()?;
    let [gd, adagrad] = [&bests[0], &bests[1]];
    // c = 0.01, 1, 100: GD's best η is 100 times larger, then 100 times smaller.
    ensure!(
        (gd[0].0 / gd[1].0 - 100.0).abs() < 1e-6 * 100.0
            && (gd[1].0 / gd[2].0 - 100.0).abs() < 1e-6 * 100.0,
        "GD's best η should move by 1/c: {gd:?}"
    );
    ensure!(
        adagrad[0] == adagrad[1] && adagrad[1] == adagrad[2],
        "Adagrad's best should not move: {adagrad:?}"
    );
    // With the course's ε = 1e-10 and factors that are not powers of two, the
    // steps on c·J could differ from J's by rounding; on this grid none does.
    for scale in [&outcomes[1][0], &outcomes[1][2]] {
        for (a, b) in scale.iter().zip(&outcomes[1][1]) {
            // Gaps scale with c; what must agree is the kind of outcome and the steps.
            let same = match (a, b) {
                (Outcome::Reached { step: x }, Outcome::Reached { step: y })
                | (Outcome::Diverged { step: x }, Outcome::Diverged { step: y }) => x == y,
                (Outcome::Stalled { .. }, Outcome::Stalled { .. })
                | (Outcome::BudgetSpent { .. }, Outcome::BudgetSpent { .. }) => true,
                _ => false,
            };
            ensure!(same, "Adagrad on c·J and on J should end alike: {a} against {b}");
        }
    }
    book.add(
        CHAPTER,
        "scaled-grid-points",
        grid.len().to_string(),
        "the points of the scaled figure's grid",
    );
    book.add(CHAPTER, "scaled-gd-best-001", eta_text(gd[0].0), "GD's best η on 0.01·J");
    book.add(CHAPTER, "scaled-gd-best-1", eta_text(gd[1].0), "GD's best η on J");
    book.add(CHAPTER, "scaled-gd-best-100", eta_text(gd[2].0), "GD's best η on 100·J");
    Ok(())
}

/// Where a per-weight rate does not help: the rotated valley, the bowl,
/// Rosenbrock; and the rates Adagrad learns against the ideal 1/λⱼ.
fn limit_numbers(book: &mut Book) -> Result<()> {
    let (valley, ellipse, bowl, rosenbrock) =
        (swept("valley")?, swept("ellipse")?, swept("bowl")?, swept("rosenbrock")?);
    let (_, valley_gd) = best(valley, "gradient descent")?;
    let (_, valley_adagrad) = best(valley, "Adagrad")?;
    let (_, ellipse_gd) = best(ellipse, "gradient descent")?;
    let (_, ellipse_adagrad) = best(ellipse, "Adagrad")?;
    ensure!(valley_adagrad > 4 * ellipse_adagrad, "the rotation should cost Adagrad dearly");
    ensure!(
        valley_gd.abs_diff(ellipse_gd) * 10 < ellipse_gd,
        "the rotation should not matter to GD"
    );
    book.add(
        CHAPTER,
        "valley-gd-best-steps",
        valley_gd.to_string(),
        "GD's best steps on the rotated valley",
    );
    book.add(
        CHAPTER,
        "valley-adagrad-best-steps",
        valley_adagrad.to_string(),
        "Adagrad's best steps on the rotated valley",
    );
    let (bowl_gd_eta, bowl_gd) = best(bowl, "gradient descent")?;
    let (_, bowl_adagrad) = best(bowl, "Adagrad")?;
    let (_, bowl_adam) = best(bowl, "Adam")?;
    ensure!(bowl_gd < bowl_adagrad && bowl_gd < bowl_adam, "tuned GD should win on the bowl");
    book.add(CHAPTER, "bowl-gd-best-eta", eta_text(bowl_gd_eta), "GD's best η on the bowl");
    book.add(CHAPTER, "bowl-gd-best-steps", bowl_gd.to_string(), "its steps");
    book.add(
        CHAPTER,
        "bowl-adagrad-best-steps",
        bowl_adagrad.to_string(),
        "Adagrad's best steps on the bowl",
    );
    book.add(
        CHAPTER,
        "bowl-adam-best-steps",
        bowl_adam.to_string(),
        "Adam's best steps on the bowl",
    );
    let adagrad = index("Adagrad")?;
    ensure!(
        rosenbrock.window(adagrad).is_none(),
        "Adagrad should never reach the target on Rosenbrock"
    );
    let (rosen_adam_eta, rosen_adam) = best(rosenbrock, "Adam")?;
    book.add(
        CHAPTER,
        "rosenbrock-adam-best-eta",
        eta_text(rosen_adam_eta),
        "Adam's best η on Rosenbrock",
    );
    book.add(CHAPTER, "rosenbrock-adam-best-steps", rosen_adam.to_string(), "its steps");
    book.add(
        CHAPTER,
        "rosenbrock-adam-decades",
        fixed(decades(rosenbrock, "Adam")?, 1),
        "decades of η that reach the target",
    );
    book.add(
        CHAPTER,
        "rosenbrock-gd-decades",
        fixed(decades(rosenbrock, "gradient descent")?, 1),
        "decades of η that reach the target",
    );
    // Adagrad's frozen rates on the ellipse (η = 0.4) against Newton's 1/λⱼ.
    let mut optimizer = (ADAGRAD.build)(0.4, 2)?;
    let trace = gd::minimize(
        &DiagonalQuadratic::ellipse(),
        optimizer.as_mut(),
        &ELLIPSE_START,
        gd::Stop::after(2000),
    );
    let rates = trace.effective_learning_rates.last().context("a run with steps")?;
    let ratio = rates[0] / rates[1];
    ensure!(
        ratio > 1.0 && ratio < 20.0,
        "Adagrad's rates should favour w₁, less than Newton does: {ratio}"
    );
    book.add(
        CHAPTER,
        "adagrad-rate-ratio",
        fixed(ratio, 1),
        "w₁'s frozen Adagrad rate over w₂'s on the ellipse (η = 0.4)",
    );
    Ok(())
}

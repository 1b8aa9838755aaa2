//! The numbers the book's prose states, computed from the crates.
//!
//! A chapter writes `{{#number chapter.name}}` wherever it states a number that a
//! run, a formula or a data set decides (a step count, a limit, a gap). This module
//! computes every such number with the course's own code, and `cargo xtask figures`
//! writes them to `book/src/figures/numbers.toml`, which the book's preprocessor
//! reads; `--check` fails when that file is stale, like a figure.
//!
//! A number is only as good as the sentence around it, so each function here also
//! checks the claim that sentence makes ("the gap keeps growing", "the rates
//! freeze", "Polyak's pair contracts faster") and fails, naming the claim, when the
//! code no longer bears it out. Then `cargo xtask figures` fails, and so does CI.

use std::fmt::Write as _;

use adagrad::{Adagrad, AdagradConfig};
use anyhow::{Context, Result, bail, ensure};
use gd::{GradientDescent, Optimizer, Stop, StopReason, Trace, minimize};
use momentum::{AdamConfig, MomentumConfig, bias_correction};
use objectives::DiagonalQuadratic;
use rmsprop::RmsProp;

use super::gradient_descent::ELLIPSE_START;

/// The file the numbers go to, beside the figures.
pub const FILE: &str = "numbers.toml";

/// One number of the book: its chapter, its name there, its value as printed, and
/// what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The chapter's file stem, such as `adagrad` (the TOML table).
    pub chapter: &'static str,
    /// The name within the chapter, such as `frozen-rate-shallow`.
    pub name: &'static str,
    /// The value exactly as the book prints it.
    pub value: String,
    /// One line on what it is and how it is computed.
    pub about: &'static str,
}

/// The numbers of the book, collected chapter by chapter.
#[derive(Debug, Default)]
struct Book {
    numbers: Vec<Number>,
}

impl Book {
    fn add(
        &mut self,
        chapter: &'static str,
        name: &'static str,
        value: String,
        about: &'static str,
    ) {
        self.numbers.push(Number { chapter, name, value, about });
    }
}

/// Every number of the book, computed and checked.
pub fn all() -> Result<Vec<Number>> {
    let mut book = Book::default();
    adagrad_chapter(&mut book).context("the numbers of adagrad.md")?;
    momentum_chapter(&mut book).context("the numbers of momentum.md")?;
    libraries_chapter(&mut book).context("the numbers of libraries.md")?;
    invariants_chapter(&mut book).context("the numbers of invariants.md")?;
    let mut keys: Vec<(&str, &str)> = book.numbers.iter().map(|n| (n.chapter, n.name)).collect();
    keys.sort_unstable();
    if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
        bail!("the number {}.{} is defined twice", pair[0].0, pair[0].1);
    }
    Ok(book.numbers)
}

/// The numbers as the TOML file the book reads: one table per chapter, each value
/// a string with a comment saying what it is.
pub fn to_toml(numbers: &[Number]) -> String {
    let mut out = String::from(
        "# Every number the book's prose takes from code, as `{{#number chapter.name}}`.\n\
         # Written by `cargo xtask figures` from xtask/src/figures/numbers.rs: do not edit.\n",
    );
    let mut chapters: Vec<&str> = numbers.iter().map(|n| n.chapter).collect();
    chapters.sort_unstable();
    chapters.dedup();
    for chapter in chapters {
        let _ = write!(out, "\n[{chapter}]\n");
        let mut in_chapter: Vec<&Number> =
            numbers.iter().filter(|n| n.chapter == chapter).collect();
        in_chapter.sort_by_key(|n| n.name);
        for number in in_chapter {
            let _ = writeln!(out, "# {}", number.about);
            let _ = writeln!(out, "{} = {:?}", number.name, number.value);
        }
    }
    out
}

/// `x` with `decimals` digits after the point, and a true minus sign.
pub fn fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('-', "−")
}

/// `x` as a percentage with two significant digits ("0.38 %", "8.1 %", "44 %").
pub fn percent(x: f64) -> String {
    let p = 100.0 * x;
    let decimals = if p < 1.0 {
        2
    } else if p < 10.0 {
        1
    } else {
        0
    };
    format!("{} %", fixed(p, decimals))
}

/// `x` as m·10ᵏ with `decimals` digits after the mantissa's point ("1.3·10⁻³").
pub fn scientific(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = format!("{}·10", mantissa.replace('-', "−"));
    for c in exponent.chars() {
        match c {
            '-' => out.push('⁻'),
            d => out.push(d.to_digit(10).map_or(d, |k| DIGITS[k as usize])),
        }
    }
    out
}

/// A run on the ellipse from (−5, −2) with no gradient tolerance, for `steps` steps.
fn ellipse_run(optimizer: &mut dyn Optimizer, steps: usize) -> Trace {
    let stop = Stop::after(steps).or_when_gradient_below(0.0);
    minimize(&DiagonalQuadratic::ellipse(), optimizer, &ELLIPSE_START, stop)
}

/// Adagrad's rates on the ellipse freeze rather than vanish: the gradients shrink
/// geometrically, so Σg² converges and so does each rate η/√(G + ε).
fn adagrad_chapter(book: &mut Book) -> Result<()> {
    let eta = 0.4;
    let mut adagrad = Adagrad::new(eta, 2)?;
    let trace =
        minimize(&DiagonalQuadratic::ellipse(), &mut adagrad, &ELLIPSE_START, Stop::after(100_000));
    ensure!(
        matches!(trace.stop, StopReason::Converged { .. }),
        "Adagrad (η = {eta}) on the ellipse should converge, but {:?}",
        trace.stop
    );
    let rates = &trace.effective_learning_rates;
    let last = rates.last().context("a run with steps")?;
    // Frozen: from step 200 on, no rate moves in its third significant digit.
    let from = 200;
    for (t, step_rates) in rates.iter().enumerate().skip(from - 1) {
        for j in 0..2 {
            ensure!(
                (step_rates[j] - last[j]).abs() <= 5e-3 * last[j],
                "the rate of w{} at step {} is {}, not yet frozen at {}",
                j + 1,
                t + 1,
                step_rates[j],
                last[j]
            );
        }
    }
    // …and frozen well above zero: the shallow rate is still a quarter of η.
    ensure!(last[0] > 0.25 * eta, "the shallow weight's rate {} has nearly vanished", last[0]);
    book.add(
        "adagrad",
        "frozen-rate-shallow",
        fixed(last[0], 3),
        "Adagrad η = 0.4 on the ellipse: w₁'s effective rate once it has frozen",
    );
    book.add(
        "adagrad",
        "frozen-rate-steep",
        fixed(last[1], 3),
        "Adagrad η = 0.4 on the ellipse: w₂'s effective rate once it has frozen",
    );
    book.add(
        "adagrad",
        "frozen-from",
        from.to_string(),
        "the step from which neither rate moves in its third significant digit",
    );
    let factor = 1.0 - 0.2 * last[0];
    ensure!(
        factor > 1.0 - 0.2 * eta,
        "Adagrad's frozen factor on w₁ should be slower than GD's 0.92"
    );
    book.add(
        "adagrad",
        "frozen-factor-shallow",
        fixed(factor, 3),
        "1 − λ₁·(frozen rate of w₁): Adagrad's factor on w₁'s error per step, late in the run",
    );
    // With η = 0.05 (the stall figure) the first phase, rates falling like 1/√t,
    // lasts longer, the rates freeze lower, and the run takes far longer.
    let small = 0.05;
    let mut slow = Adagrad::new(small, 2)?;
    let stall =
        minimize(&DiagonalQuadratic::ellipse(), &mut slow, &ELLIPSE_START, Stop::after(100_000));
    let rmsprop = ellipse_run(&mut RmsProp::new(small, 2)?, 1000);
    let (stall_gap, rmsprop_gap) = (stall.losses[1000], rmsprop.losses[1000]);
    ensure!(
        stall_gap > 100.0 * rmsprop_gap,
        "after 1000 steps Adagrad (η = 0.05) should be far behind RMSprop: {stall_gap} against {rmsprop_gap}"
    );
    let slow_rate = *stall
        .effective_learning_rates
        .last()
        .context("a run with steps")?
        .first()
        .context("two weights")?;
    let reached =
        stall.steps_to_reach(1e-6).context("Adagrad η = 0.05 should reach J < 1e-6 in the end")?;
    let fast_reached = trace.steps_to_reach(1e-6).context("Adagrad η = 0.4 reaches J < 1e-6")?;
    ensure!(
        reached > 10 * fast_reached,
        "η = 0.05 should take far longer than η = 0.4: {reached} against {fast_reached}"
    );
    book.add(
        "adagrad",
        "stall-gap-1000",
        fixed(stall_gap, 2),
        "J after 1000 steps of Adagrad η = 0.05 on the ellipse (the stall figure)",
    );
    book.add(
        "adagrad",
        "stall-rmsprop-gap-1000",
        scientific(rmsprop_gap, 1),
        "J after 1000 steps of RMSprop η = 0.05 on the ellipse",
    );
    book.add(
        "adagrad",
        "stall-frozen-rate",
        format!("{slow_rate:.4}"),
        "w₁'s rate once frozen, Adagrad η = 0.05 on the ellipse",
    );
    book.add(
        "adagrad",
        "stall-rate-ratio",
        format!("{:.0}", last[0] / slow_rate),
        "how many times lower w₁'s frozen rate is with η = 0.05 than with η = 0.4",
    );
    book.add(
        "adagrad",
        "stall-steps",
        reached.to_string(),
        "steps until J < 1e-6 for Adagrad η = 0.05 on the ellipse",
    );
    book.add(
        "adagrad",
        "fast-steps",
        fast_reached.to_string(),
        "steps until J < 1e-6 for Adagrad η = 0.4 on the ellipse",
    );
    Ok(())
}

/// The spectral radius of heavy-ball momentum on the 1-D quadratic ½·λ·w², from
/// the crate's own steps: the state x = (w, v) evolves as xₜ₊₁ = M·xₜ, so three
/// states x₀, x₁, x₂ of a run give M = [x₁ x₂]·[x₀ x₁]⁻¹, and the larger modulus of
/// M's eigenvalues is the factor by which the error shrinks per step in the long run.
fn measured_contraction(eta: f64, beta: f64, lambda: f64) -> Result<f64> {
    let mut momentum = MomentumConfig::new(eta).momentum(beta).build(1)?;
    let mut w = [1.0];
    let mut states = [(w[0], 0.0); 3];
    for state in states.iter_mut().skip(1) {
        let g = [lambda * w[0]];
        momentum.step(&mut w, &g);
        *state = (w[0], momentum.velocity()[0]);
    }
    let [(a, c), (b, d), (e, f)] = states;
    // [x₀ x₁] = [[a, b], [c, d]]; M = [[b, e], [d, f]]·[[a, b], [c, d]]⁻¹.
    let det = a * d - b * c;
    ensure!(
        det.abs() > 1e-12,
        "η = {eta}, β = {beta}, λ = {lambda}: the states do not span the plane"
    );
    let m = [
        [(b * d - e * c) / det, (e * a - b * b) / det],
        [(d * d - f * c) / det, (f * a - d * b) / det],
    ];
    let (trace, determinant) = (m[0][0] + m[1][1], m[0][0] * m[1][1] - m[0][1] * m[1][0]);
    let discriminant = trace * trace - 4.0 * determinant;
    Ok(if discriminant < 0.0 {
        determinant.sqrt()
    } else {
        (trace.abs() + discriminant.sqrt()) / 2.0
    })
}

/// The rates that the momentum chapter compares on the ellipse (κ = 20), each
/// measured on the crates' own momentum and checked against its formula.
fn momentum_chapter(book: &mut Book) -> Result<()> {
    let (mu, l) = (0.2, 4.0);
    let kappa: f64 = l / mu;
    // Gradient descent at its best η = 2/(μ + L): both axes contract by (κ − 1)/(κ + 1).
    let gd_best = (kappa - 1.0) / (kappa + 1.0);
    let gd_eta = 2.0 / (mu + l);
    let gd_measured = [mu, l]
        .iter()
        .map(|&lambda| measured_contraction(gd_eta, 0.0, lambda))
        .collect::<Result<Vec<_>>>()?;
    for rate in &gd_measured {
        ensure!(
            (rate - gd_best).abs() < 1e-3,
            "GD at η = 2/(μ + L) contracts by {rate}, not (κ − 1)/(κ + 1) = {gd_best}"
        );
    }
    // Polyak's pair: every axis at √β* = (√κ − 1)/(√κ + 1).
    let beta_star = ((kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0)).powi(2);
    let eta_star = 4.0 / (l.sqrt() + mu.sqrt()).powi(2);
    let polyak = (kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0);
    for lambda in [mu, l] {
        let rate = measured_contraction(eta_star, beta_star, lambda)?;
        ensure!(
            (rate - polyak).abs() < 1e-2,
            "Polyak's pair contracts by {rate} on λ = {lambda}, not {polyak}"
        );
    }
    // β = 0.9 at any stable η (η·L < 2·(1 + β) = 3.8): no choice makes both axes
    // contract faster than √β, the modulus of complex roots.
    let beta = 0.9f64;
    let best_at_beta = (1..190)
        .map(|k| f64::from(k) * 0.005)
        .map(|eta| {
            let rates = [mu, l].map(|lambda| measured_contraction(eta, beta, lambda));
            match rates {
                [Ok(a), Ok(b)] => Ok(a.max(b)),
                [Err(e), _] | [_, Err(e)] => Err(e),
            }
        })
        .collect::<Result<Vec<f64>>>()?
        .into_iter()
        .fold(f64::INFINITY, f64::min);
    ensure!(
        best_at_beta >= beta.sqrt() - 1e-3 && best_at_beta > gd_best,
        "momentum with β = 0.9 should contract no faster than √0.9 ≈ 0.949 (and slower than GD's best {gd_best}), but reaches {best_at_beta}"
    );
    book.add("momentum", "gd-best-rate", fixed(gd_best, 3), "(κ − 1)/(κ + 1) for the ellipse, κ = 20: GD's factor per step at its best η = 2/(μ + L), measured");
    book.add("momentum", "polyak-rate", fixed(polyak, 2), "(√κ − 1)/(√κ + 1) for κ = 20: heavy ball's factor per step with Polyak's β* and η*, measured on both axes");
    book.add("momentum", "polyak-beta", fixed(beta_star, 3), "Polyak's β* for the ellipse");
    book.add("momentum", "polyak-eta", fixed(eta_star, 3), "Polyak's η* for the ellipse");
    book.add("momentum", "beta-09-rate", fixed(best_at_beta, 3), "the best factor per step heavy ball with β = 0.9 reaches on the ellipse over its stable η: √0.9");
    // Adam's defaults: how little its second moment is corrected after 1000 steps,
    // and the limit of the true (Cauchy–Schwarz) bound on its step, in units of η.
    let adam = AdamConfig::new(0.1);
    let (beta1, beta2) = (adam.beta1, adam.beta2);
    let corrected = bias_correction(beta2, 1000);
    ensure!(
        corrected < 0.7,
        "1 − β₂ᵗ after 1000 steps should still be well below 1, is {corrected}"
    );
    book.add(
        "momentum",
        "adam-correction-1000",
        fixed(corrected, 2),
        "1 − β₂ᵗ at t = 1000 for Adam's default β₂, by the crate's bias_correction",
    );
    let bound = (1.0 - beta1) / ((1.0 - beta2) * (1.0 - beta1 * beta1 / beta2)).sqrt();
    ensure!(
        bound > 1.0 / (1.0 - beta2).sqrt() * (1.0 - beta1),
        "the true bound exceeds the folklore one"
    );
    book.add("momentum", "adam-bound-limit", fixed(bound, 2), "(1 − β₁)/√((1 − β₂)(1 − β₁²/β₂)) for Adam's defaults: the limit of the true bound on |Δw|/η");
    // The top panel of momentum-paths: η = 0.48, β = 0 (GD) against β = 0.3.
    let arrival = |beta: f64| -> Result<usize> {
        let mut optimizer = MomentumConfig::new(0.48).momentum(beta).build(2)?;
        let trace = minimize(
            &DiagonalQuadratic::ellipse(),
            &mut optimizer,
            &ELLIPSE_START,
            Stop::after(1000),
        );
        trace.steps_to_reach(1e-6).context("the run does not reach J < 1e-6")
    };
    let (gd_steps, damped_steps) = (arrival(0.0)?, arrival(0.3)?);
    ensure!(
        (damped_steps as f64) < 0.6 * gd_steps as f64,
        "β = 0.3 should arrive in about half GD's steps: {damped_steps} against {gd_steps}"
    );
    book.add(
        "momentum",
        "paths-gd-steps",
        gd_steps.to_string(),
        "steps to J < 1e-6 of GD at η = 0.48 on the ellipse (momentum-paths, top)",
    );
    book.add(
        "momentum",
        "paths-damped-steps",
        damped_steps.to_string(),
        "steps to J < 1e-6 of heavy ball β = 0.3 at η = 0.48 (momentum-paths, top)",
    );
    Ok(())
}

/// Keras's and optax's Adagrad start G at 0.1. On the ellipse that is not a detail
/// of the first steps: the gap to the course's Adagrad grows for ever.
fn libraries_chapter(book: &mut Book) -> Result<()> {
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

/// The line of `tests/tests/gradient_descent.proptest-regressions` that
/// invariants.md includes (`{{#include …:7}}`).
const QUOTED_LINE: usize = 7;

/// The regression line that the invariants chapter quotes, and what it does.
fn invariants_chapter(book: &mut Book) -> Result<()> {
    let root = crate::workspace_root();
    let file = root.join("tests/tests/gradient_descent.proptest-regressions");
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let test_file = root.join("tests/tests/gradient_descent.rs");
    let test_source = std::fs::read_to_string(&test_file)
        .with_context(|| format!("reading {}", test_file.display()))?;
    // The quoted line is the one whose curvatures the named regression test uses.
    let line_regex = regex::Regex::new(
        r"curvatures, start\) = \(\[([0-9.e-]+), ([0-9.e-]+)\], \[1\.0, 1\.0\]\), theta = ([0-9.]+)",
    )?;
    let mut quoted = None;
    for (index, line) in text.lines().enumerate() {
        if let Some(c) = line_regex.captures(line)
            && test_source.contains(&format!("let curvatures = [{}, {}];", &c[1], &c[2]))
        {
            quoted =
                Some((index + 1, c[1].parse::<f64>()?, c[2].parse::<f64>()?, c[3].parse::<f64>()?));
        }
    }
    let Some((line, lambda1, lambda2, theta)) = quoted else {
        bail!("no line of {} has the curvatures of the named regression test", file.display());
    };
    ensure!(
        line == QUOTED_LINE,
        "invariants.md includes line {QUOTED_LINE} of {}, but the named test's case is on line \
         {line}: update the include and QUOTED_LINE",
        file.display()
    );
    let eta = theta * 2.0 / lambda2;
    let factor = 1.0 - eta * lambda1;
    let objective = DiagonalQuadratic::new("regression", vec![lambda1 / 2.0, lambda2 / 2.0]);
    let trace =
        minimize(&objective, &mut GradientDescent::new(eta)?, &[1.0, 1.0], Stop::after(100_000));
    let StopReason::Diverged { step, .. } = trace.stop else {
        bail!("the regression case should diverge, but {:?}", trace.stop);
    };
    ensure!(factor.abs() < 0.05, "the shrinking coordinate's factor {factor} is not small");
    book.add(
        "invariants",
        "regression-line",
        line.to_string(),
        "the line of gradient_descent.proptest-regressions that the chapter quotes",
    );
    book.add(
        "invariants",
        "regression-factor",
        fixed(factor, 2),
        "1 − η·λ₁ of the quoted regression case: the factor w₁ shrinks by a step",
    );
    book.add(
        "invariants",
        "regression-overflow-step",
        format!("{}", (step as f64 / 100.0).round() as usize * 100),
        "the step (to the hundred) at which w₂ of the quoted case overflows the loss",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_two_significant_digits() {
        assert_eq!(percent(0.003822), "0.38 %");
        assert_eq!(percent(0.0811), "8.1 %");
        assert_eq!(percent(0.439), "44 %");
    }

    #[test]
    fn scientific_notation_uses_superscripts_and_a_true_minus() {
        assert_eq!(scientific(0.0013125, 1), "1.3·10⁻³");
        assert_eq!(scientific(-25000.0, 2), "−2.50·10⁴");
    }

    #[test]
    fn the_toml_groups_numbers_by_chapter_with_their_description() {
        let numbers = [
            Number { chapter: "b", name: "y", value: "2".into(), about: "why" },
            Number { chapter: "a", name: "x", value: "−1.5".into(), about: "ex" },
        ];
        let text = to_toml(&numbers);
        assert!(text.find("[a]").unwrap() < text.find("[b]").unwrap(), "{text}");
        assert!(text.contains("# ex\nx = \"−1.5\"\n"), "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["b"]["y"].as_str(), Some("2"));
    }
}

//! The numbers of when-adapting-pays.md, from the learning-rate sweeps and a few
//! runs at chosen learning rates.

use anyhow::{Context, Result, ensure};
use objectives::{DiagonalQuadratic, FiniteSum, Objective, SymmetricMatrix};
use sweep::{ADAGRAD, Budget, GRADIENT_DESCENT, METHODS, Outcome, race};

use super::book::Book;
use crate::figures::data::{Reruns, minibatch_reruns, noise_measures, reruns};
use crate::figures::format::{eta_text, fixed, scientific};
use crate::figures::scene::ELLIPSE_START;
use crate::figures::swept::{Swept, swept};
use crate::figures::windows::scaled_sweeps;
use crate::sweeps::problems::{self, EPOCHS};

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

/// A sweep's best steps, which `sweep::best` counts by `Outcome`'s rule.
fn reached(step: usize) -> Outcome {
    Outcome::Reached { step }
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
    data_numbers(book)?;
    rare_numbers(book)?;
    noise_numbers(book)?;
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
    book.reached(CHAPTER, "ellipse-gd-best-steps", reached(gd_steps), "its steps")?;
    book.add(
        CHAPTER,
        "ellipse-adagrad-best-eta",
        eta_text(ada_eta),
        "Adagrad's best η of the grid on the ellipse",
    );
    book.reached(CHAPTER, "ellipse-adagrad-best-steps", reached(ada_steps), "its steps")?;
    // Off the grid: GD at its optimal η = 2/(μ + L), and at 2/L exactly.
    let optimal = 2.0 / (0.2 + 4.0);
    let optimal_outcome = ellipse_steps(GRADIENT_DESCENT, optimal)?;
    let at_optimal = optimal_outcome.steps().context("GD at 2/(μ + L) arrives")?;
    ensure!(at_optimal <= gd_steps, "2/(μ + L) should be at least as fast as the grid's best");
    book.add(CHAPTER, "ellipse-gd-optimal-eta", fixed(optimal, 3), "2/(μ + L) on the ellipse");
    book.reached(
        CHAPTER,
        "ellipse-gd-optimal-steps",
        optimal_outcome,
        "GD's steps at η = 2/(μ + L)",
    )?;
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
        book.reached(
            CHAPTER,
            name,
            ellipse_steps(ADAGRAD, eta)?,
            "Adagrad's steps on the ellipse at this η",
        )?;
    }
    book.reached(
        CHAPTER,
        "summary-gd-steps",
        ellipse_steps(GRADIENT_DESCENT, 0.4)?,
        "GD's steps on the ellipse at the course's η = 0.4 (the summary table's)",
    )?;
    let fixed_outcome = ellipse_steps(ADAGRAD, 0.4)?;
    let at_fixed = fixed_outcome.steps().context("Adagrad at 0.4 arrives")?;
    ensure!(
        at_fixed > gd_steps,
        "at the course's fixed η = 0.4 Adagrad should be slower than GD's best"
    );
    book.reached(
        CHAPTER,
        "ellipse-adagrad-steps-at-04",
        fixed_outcome,
        "Adagrad's steps on the ellipse at the course's η = 0.4",
    )?;
    // Adagrad's best η is a distance: its first step overshoots far up the walls.
    let mut optimizer = (ADAGRAD.build)(ada_eta, 2)?;
    let first = gd::minimize(
        &DiagonalQuadratic::ellipse(),
        optimizer.as_mut(),
        &ELLIPSE_START,
        gd::Stop::after(1),
    );
    let (j0, j1) = (first.losses[0], first.losses[1]);
    ensure!(j1 > 100.0 * j0, "Adagrad's best η should overshoot on its first step: {j0} → {j1}");
    book.add(CHAPTER, "ellipse-start-j", fixed(j0, 1), "J at the ellipse's start (−5, −2)");
    book.add(
        CHAPTER,
        "ellipse-adagrad-best-first-j",
        format!("{j1:.0}"),
        "J after the first step of Adagrad at its best η on the ellipse",
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
    book.reached(
        CHAPTER,
        "valley-gd-best-steps",
        reached(valley_gd),
        "GD's best steps on the rotated valley",
    )?;
    book.reached(
        CHAPTER,
        "valley-adagrad-best-steps",
        reached(valley_adagrad),
        "Adagrad's best steps on the rotated valley",
    )?;
    let (bowl_gd_eta, bowl_gd) = best(bowl, "gradient descent")?;
    let (_, bowl_adagrad) = best(bowl, "Adagrad")?;
    let (_, bowl_adam) = best(bowl, "Adam")?;
    ensure!(bowl_gd < bowl_adagrad && bowl_gd < bowl_adam, "tuned GD should win on the bowl");
    book.add(CHAPTER, "bowl-gd-best-eta", eta_text(bowl_gd_eta), "GD's best η on the bowl");
    book.reached(CHAPTER, "bowl-gd-best-steps", reached(bowl_gd), "its steps")?;
    book.reached(
        CHAPTER,
        "bowl-adagrad-best-steps",
        reached(bowl_adagrad),
        "Adagrad's best steps on the bowl",
    )?;
    book.reached(
        CHAPTER,
        "bowl-adam-best-steps",
        reached(bowl_adam),
        "Adam's best steps on the bowl",
    )?;
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
    book.reached(CHAPTER, "rosenbrock-adam-best-steps", reached(rosen_adam), "its steps")?;
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

/// The breast-cancer data: its scales, its conditioning, and what each method
/// reaches on it at its best η.
pub(super) fn data_numbers(book: &mut Book) -> Result<()> {
    let data = datasets::breast_cancer()?;
    let means = data.means();
    let (low, high) = means.iter().enumerate().fold((0, 0), |(lo, hi), (j, &m)| {
        (if m < means[lo] { j } else { lo }, if m > means[hi] { j } else { hi })
    });
    book.add(
        CHAPTER,
        "cancer-samples",
        data.samples().to_string(),
        "samples of the breast-cancer data",
    );
    book.add(CHAPTER, "cancer-features", data.features().to_string(), "its features");
    book.add(
        CHAPTER,
        "cancer-smallest-mean",
        scientific(means[low], 1),
        "the smallest feature mean",
    );
    book.add(
        CHAPTER,
        "cancer-smallest-mean-name",
        data.feature_names()[low].clone(),
        "its feature",
    );
    book.add(
        CHAPTER,
        "cancer-largest-mean",
        scientific(means[high], 1),
        "the largest feature mean",
    );
    book.add(
        CHAPTER,
        "cancer-largest-mean-name",
        data.feature_names()[high].clone(),
        "its feature",
    );
    book.add(CHAPTER, "cancer-ridge", scientific(problems::RIDGE, 0), "the ridge λ");
    let (raw, standardized) = (reruns("breast-cancer-raw")?, reruns("breast-cancer-standardized")?);
    for (key, problem, reruns) in [
        ("raw", problems::breast_cancer(false)?, raw),
        ("standardized", problems::breast_cancer(true)?, standardized),
    ] {
        let kappa = problem.hessian(&reruns.minimizer).condition_number();
        let name = |what: &str| format!("cancer-{key}-{what}");
        book.add(
            CHAPTER,
            name("kappa"),
            scientific(kappa, 1),
            "the condition number of the Hessian at w*",
        );
        book.add(CHAPTER, name("minimum"), fixed(reruns.minimum, 4), "J*");
        book.add(
            CHAPTER,
            name("accuracy"),
            format!("{:.1} %", 100.0 * problem.accuracy(&reruns.minimizer)),
            "the training accuracy at w*",
        );
    }
    conditioning_numbers(book, &data)?;
    let raw_sweep = crate::sweeps::load()?.budgeted("breast-cancer-raw")?;
    let raw_best = (0..raw_sweep.methods.len())
        .filter_map(|k| raw_sweep.best(k).map(|(_, gap)| gap))
        .fold(f64::INFINITY, f64::min);
    ensure!(raw_best > 1e-3, "some method gets near J* on raw features: {raw_best}");
    book.add(
        CHAPTER,
        "cancer-raw-best-gap",
        scientific(raw_best, 1),
        "the smallest J − J* any method reaches in 1000 steps at any η on raw features",
    );
    let std_sweep = crate::sweeps::load()?.budgeted("breast-cancer-standardized")?;
    let std_worst = (0..std_sweep.methods.len())
        .filter_map(|k| std_sweep.best(k).map(|(_, gap)| gap))
        .fold(0.0f64, f64::max);
    ensure!(
        std_worst < 1e-4,
        "every method should end near J* on standardized features: {std_worst}"
    );
    book.add(
        CHAPTER,
        "cancer-standardized-worst-gap",
        scientific(std_worst, 1),
        "the largest best-η J − J* of any method on standardized features",
    );
    let final_gap = |reruns: &Reruns, method: &str| -> Result<f64> {
        let run = reruns.runs.iter().find(|r| r.method.name == method).context("a run")?;
        run.gaps.last().copied().context("a gap")
    };
    let (gd_raw, adagrad_raw, adam_raw) =
        (final_gap(raw, "gradient descent")?, final_gap(raw, "Adagrad")?, final_gap(raw, "Adam")?);
    ensure!(
        adagrad_raw < gd_raw && adam_raw < adagrad_raw,
        "on raw features Adagrad and Adam should end nearer J* than GD"
    );
    ensure!(
        raw.runs.iter().all(|r| r.gaps.last().is_some_and(|&g| g > 1e-3)),
        "no method should reach J* on raw features in 1000 steps"
    );
    book.add(
        CHAPTER,
        "cancer-raw-gd-over-adam",
        format!("{:.0}", gd_raw / adam_raw),
        "GD's final gap on raw features over Adam's",
    );
    book.add(
        CHAPTER,
        "cancer-raw-gd-over-adagrad",
        format!("{:.1}", gd_raw / adagrad_raw),
        "GD's final gap on raw features over Adagrad's",
    );
    let gd_std =
        standardized.runs.iter().find(|r| r.method.name == "gradient descent").context("GD")?;
    book.reached(
        CHAPTER,
        "cancer-standardized-gd-steps",
        crate::figures::arrival::of_gaps(&gd_std.gaps, 1e-6),
        "the step from which GD (best η) holds J − J* < 1e-6 on standardized features",
    )?;
    book.add(
        CHAPTER,
        "cancer-standardized-gd-eta",
        eta_text(gd_std.eta),
        "GD's best η on standardized features",
    );
    Ok(())
}

/// κ of D^(−1/2)·H·D^(−1/2), D = diag(H): the Hessian after the Jacobi rescaling,
/// which gives every weight the curvature 1 (the diagonal rescaling a per-weight
/// rate can at best imitate).
fn jacobi_kappa(hessian: &SymmetricMatrix) -> f64 {
    let n = hessian.dimension();
    let root: Vec<f64> = (0..n).map(|j| hessian.get(j, j).sqrt()).collect();
    // Each entry from the upper triangle, so that the rows are exactly symmetric.
    let entry = |i: usize, j: usize| hessian.get(i.min(j), i.max(j)) / (root[i] * root[j]);
    let rows: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| entry(i, j)).collect()).collect();
    SymmetricMatrix::from_rows(&rows).condition_number()
}

/// The correlation of features `j` and `k` of `data` over its samples.
fn correlation(data: &datasets::Dataset, j: usize, k: usize) -> f64 {
    let (means, sds) = (data.means(), data.standard_deviations());
    let n = data.samples() as f64;
    data.rows().map(|row| (row[j] - means[j]) * (row[k] - means[k])).sum::<f64>()
        / (n * sds[j] * sds[k])
}

/// What standardizing does to the breast-cancer problem, step by step: κ of the
/// Hessian at w* raw, after the Jacobi rescaling, with each feature divided by its
/// standard deviation but not centred, and standardized; and the correlations that
/// no diagonal rescaling removes.
fn conditioning_numbers(book: &mut Book, data: &datasets::Dataset) -> Result<()> {
    let kappa_at_minimum = |problem: &objectives::LogisticRegression| -> Result<SymmetricMatrix> {
        let w = problem.minimizer().context("the problem has a minimizer")?;
        Ok(problem.hessian(&w))
    };
    let raw = kappa_at_minimum(&problems::breast_cancer(false)?)?;
    let sds = data.standard_deviations();
    let rows: Vec<Vec<f64>> =
        data.rows().map(|row| row.iter().zip(&sds).map(|(x, s)| x / s).collect()).collect();
    let scaled =
        objectives::LogisticRegression::new(rows, data.labels().to_vec(), problems::RIDGE)?;
    let scaled = kappa_at_minimum(&scaled)?.condition_number();
    let standardized = kappa_at_minimum(&problems::breast_cancer(true)?)?.condition_number();
    let (raw_kappa, jacobi) = (raw.condition_number(), jacobi_kappa(&raw));
    ensure!(
        raw_kappa > 100.0 * jacobi
            && jacobi > 100.0 * standardized
            && scaled > 100.0 * standardized,
        "centring should do most of the work: raw {raw_kappa:e}, Jacobi {jacobi:e}, scaled \
         {scaled:e}, standardized {standardized:e}"
    );
    book.add(
        CHAPTER,
        "cancer-jacobi-kappa",
        scientific(jacobi, 1),
        "κ of the raw Hessian at w* after the Jacobi rescaling D^(−1/2)·H·D^(−1/2)",
    );
    book.add(
        CHAPTER,
        "cancer-scaled-kappa",
        scientific(scaled, 1),
        "κ at w* with each feature divided by its standard deviation, not centred",
    );
    let names = data.feature_names();
    let find = |name: &str| names.iter().position(|n| n == name).context("a feature");
    let size = [find("mean radius")?, find("mean perimeter")?, find("mean area")?];
    let least = [(0, 1), (0, 2), (1, 2)]
        .iter()
        .map(|&(a, b)| correlation(data, size[a], size[b]))
        .fold(1.0f64, f64::min);
    ensure!(least > 0.95, "radius, perimeter and area should be strongly correlated: {least}");
    book.add(
        CHAPTER,
        "cancer-size-correlation",
        fixed(least, 2),
        "the least correlation among mean radius, mean perimeter and mean area",
    );
    Ok(())
}

/// Rare features: Adagrad's rates against Newton's 1/λⱼ, and the errors left.
pub(super) fn rare_numbers(book: &mut Book) -> Result<()> {
    let rare = datasets::RareFeatures::course();
    let (frequencies, curvatures) = (rare.frequencies(), rare.curvatures());
    book.add(
        CHAPTER,
        "rare-samples",
        rare.config().samples.to_string(),
        "samples of the rare-features problem",
    );
    book.add(CHAPTER, "rare-features", rare.config().features.to_string(), "its features");
    book.add(
        CHAPTER,
        "rare-most-common",
        format!("{}", rare.config().most_common),
        "the largest pⱼ",
    );
    book.add(CHAPTER, "rare-rarest", scientific(rare.config().rarest, 0), "the smallest pⱼ");
    let counts = rare.counts();
    book.add(
        CHAPTER,
        "rare-rarest-count",
        counts.last().context("features")?.to_string(),
        "the samples in which the rarest feature is not 0",
    );
    let reruns = reruns("rare-features")?;
    let run = |name: &str| reruns.runs.iter().find(|r| r.method.name == name).context("a run");
    let adagrad = run("Adagrad")?;
    let rates = adagrad.rates.as_ref().context("Adagrad has rates")?;
    let deviation =
        rates.iter().zip(&curvatures).map(|(r, l)| (r * l).ln().abs()).fold(0.0f64, f64::max).exp();
    ensure!(
        deviation < 3.0,
        "Adagrad's rates should follow 1/λⱼ within a small factor, not {deviation}"
    );
    book.add(
        CHAPTER,
        "rare-adagrad-vs-newton",
        format!("{deviation:.1}"),
        "the largest factor between Adagrad's rate ηⱼ and Newton's 1/λⱼ",
    );
    let error =
        |r: &crate::figures::data::BestRun, j: usize| (r.last[j] - reruns.minimizer[j]).abs();
    let rarest = frequencies.len() - 1;
    let gd = run("gradient descent")?;
    ensure!(
        error(gd, rarest) > 1e3 * error(adagrad, rarest),
        "GD should leave the rarest weight far behind Adagrad"
    );
    book.add(
        CHAPTER,
        "rare-gd-error-rarest",
        scientific(error(gd, rarest), 1),
        "GD's error on the rarest weight after 1000 steps",
    );
    book.add(
        CHAPTER,
        "rare-gd-error-common",
        scientific(error(gd, 0), 1),
        "GD's error on the most common weight after 1000 steps",
    );
    let worst_adagrad = (0..frequencies.len()).map(|j| error(adagrad, j)).fold(0.0f64, f64::max);
    book.add(
        CHAPTER,
        "rare-adagrad-worst-error",
        scientific(worst_adagrad.max(f64::MIN_POSITIVE), 0),
        "Adagrad's largest error on any weight after 1000 steps",
    );
    // Which regime: the full-batch rates against pⱼ, and a true stochastic run's.
    let full_slope = crate::figures::data::log_slope(&frequencies, rates);
    let slope = |noise: f64| -> Result<f64> {
        let run = crate::figures::data::rare_stochastic(noise)?;
        Ok(crate::figures::data::log_slope(&frequencies, &run.rates))
    };
    let (clean_slope, noisy_slope) =
        (slope(0.0)?, slope(crate::figures::data::RARE_STOCHASTIC_NOISE)?);
    ensure!(
        (full_slope + 1.0).abs() < 0.1 && (noisy_slope + 0.5).abs() < 0.1,
        "full-batch rates should go like 1/pⱼ ({full_slope}), online ones like 1/√pⱼ ({noisy_slope})"
    );
    ensure!(
        clean_slope > noisy_slope,
        "without noise the online rates should freeze flatter: {clean_slope}"
    );
    book.add(
        CHAPTER,
        "rare-full-slope",
        fixed(full_slope, 2),
        "k of Adagrad's full-batch rates ∝ pⱼᵏ after 1000 steps (least squares in log–log)",
    );
    book.add(
        CHAPTER,
        "rare-online-slope",
        fixed(noisy_slope, 2),
        "k of Adagrad's rates ∝ pⱼᵏ, one sample a step for 20 epochs, noisy targets",
    );
    book.add(
        CHAPTER,
        "rare-online-clean-slope",
        fixed(clean_slope, 2),
        "k of Adagrad's rates ∝ pⱼᵏ, one sample a step for 20 epochs, the course's exact targets",
    );
    book.add(
        CHAPTER,
        "rare-online-epochs",
        crate::figures::data::RARE_STOCHASTIC_EPOCHS.to_string(),
        "epochs of the one-sample runs",
    );
    book.add(
        CHAPTER,
        "rare-online-noise",
        crate::figures::data::RARE_STOCHASTIC_NOISE.to_string(),
        "σ of the noisy targets",
    );
    let kappa = curvatures.iter().copied().fold(0.0f64, f64::max)
        / curvatures.iter().copied().fold(f64::INFINITY, f64::min);
    book.add(
        CHAPTER,
        "rare-kappa",
        format!("{kappa:.0}"),
        "the condition number of the rare-features problem",
    );
    Ok(())
}

/// Noisy gradients: the floor of a constant η, and what √G measures.
pub(super) fn noise_numbers(book: &mut Book) -> Result<()> {
    let runs = minibatch_reruns()?;
    let final_gaps =
        |b: usize| -> Vec<f64> { runs[b].iter().filter_map(|r| r.gaps.last().copied()).collect() };
    let (one, sixteen, full) = (final_gaps(0), final_gaps(1), final_gaps(2));
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    ensure!(
        best(&sixteen) < best(&full) && best(&one) < best(&full),
        "per epoch, minibatches should beat the full batch"
    );
    book.add(CHAPTER, "noise-epochs", EPOCHS.to_string(), "epochs of the minibatch runs");
    book.add(
        CHAPTER,
        "noise-best-1",
        scientific(best(&one), 1),
        "the best J − J* after 20 epochs, batches of 1",
    );
    book.add(
        CHAPTER,
        "noise-best-16",
        scientific(best(&sixteen), 1),
        "the best J − J* after 20 epochs, batches of 16",
    );
    book.add(
        CHAPTER,
        "noise-best-full",
        scientific(best(&full), 1),
        "the best J − J* after 20 epochs of the full batch",
    );
    let rmsprop_one = runs[0].iter().find(|r| r.method.name == "RMSprop").context("RMSprop")?;
    let rmsprop_gap = *rmsprop_one.gaps.last().context("a gap")?;
    ensure!(rmsprop_gap > 3.0 * best(&one), "RMSprop should hover highest with batches of one");
    book.add(
        CHAPTER,
        "noise-rmsprop-1",
        scientific(rmsprop_gap, 1),
        "RMSprop's J − J* after 20 epochs of batches of 1",
    );
    let (problem, _) = problems::minibatch_problem()?;
    let (noise, curvature, root_g) = noise_measures(&problem)?;
    let spread = |a: &[f64], b: &[f64]| -> f64 {
        let ratios: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
        ratios.iter().copied().fold(0.0f64, f64::max)
            / ratios.iter().copied().fold(f64::INFINITY, f64::min)
    };
    // Units: √G (like the gradient) scales like √H, not like H. Measured
    // properly, the noise's RMS follows √Hⱼⱼ, and the curvature Hⱼⱼ much less.
    let root_h: Vec<f64> = curvature.iter().map(|h| h.sqrt()).collect();
    let (to_noise, to_root_h, to_curvature) =
        (spread(&root_g, &noise), spread(&noise, &root_h), spread(&noise, &curvature));
    ensure!(
        to_curvature > 2.0 * to_root_h,
        "the noise should follow √H much more closely than H: {to_root_h} against {to_curvature}"
    );
    book.add(
        CHAPTER,
        "noise-sqrtg-spread-noise",
        format!("{to_noise:.2}"),
        "max/min over weights of √Gⱼ / RMSⱼ",
    );
    book.add(
        CHAPTER,
        "noise-rms-spread-root-curvature",
        format!("{to_root_h:.2}"),
        "max/min over weights of RMSⱼ / √Hⱼⱼ",
    );
    book.add(
        CHAPTER,
        "noise-rms-spread-curvature",
        format!("{to_curvature:.1}"),
        "max/min over weights of RMSⱼ / Hⱼⱼ",
    );
    // Why: at w*, the one-sample gradient's second moment (the empirical Fisher)
    // weighs xᵢⱼ² by (σᵢ − yᵢ)², the Hessian by σᵢ(1 − σᵢ), whose expectation is
    // the same when the model is right.
    let w_star = problem.minimizer().context("the standardized problem has a minimizer")?;
    let n = problem.samples() as f64;
    let (residual, variance) = (0..problem.samples()).fold((0.0, 0.0), |(r, v), i| {
        let p = objectives::sigmoid(problem.logit(&w_star, i));
        let y = problem.labels()[i];
        (r + (p - y) * (p - y) / n, v + p * (1.0 - p) / n)
    });
    ensure!(
        residual < variance && residual > 0.25 * variance,
        "the Fisher's weights should be of the Hessian's order: {residual} against {variance}"
    );
    book.add(
        CHAPTER,
        "fisher-mean-residual",
        fixed(residual, 3),
        "mean (σᵢ − yᵢ)² at w*, standardized problem: the empirical Fisher's weight",
    );
    book.add(
        CHAPTER,
        "fisher-mean-variance",
        fixed(variance, 3),
        "mean σᵢ(1 − σᵢ) at w*, standardized problem: the Hessian's weight",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jacobi_rescaling_of_a_diagonal_hessian_has_condition_number_one() {
        let h = SymmetricMatrix::from_rows(&[vec![4.0, 0.0], vec![0.0, 0.01]]);
        assert!((jacobi_kappa(&h) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_jacobi_rescaling_leaves_the_correlation_it_cannot_undo() {
        // Unit curvatures with correlation ρ = 0.9: eigenvalues 1 ± ρ, κ = 19.
        let h = SymmetricMatrix::from_rows(&[vec![100.0, 9.0], vec![9.0, 1.0]]);
        assert!((jacobi_kappa(&h) - 19.0).abs() < 1e-9, "{}", jacobi_kappa(&h));
    }
}

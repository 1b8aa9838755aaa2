//! The figures of "When adapting pays" that run on data: the breast-cancer
//! logistic regression on raw and standardized features, rare features, and
//! noisy minibatch gradients. The sweeps come from `cargo xtask sweeps`; the few
//! runs each figure draws (every method at its best η) run here.

use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow, bail, ensure};
use datasets::RareFeatures;
use objectives::{FiniteSum, Objective};
use sweep::{METHODS, Method};

use super::format::{eta_text, scientific};
use super::plot::{
    ADAGRAD, Axes, COLORS, Entry, GD, INK, MUTED, Mark, Panel, RMSPROP, Stroke, draw_entry, svg,
};
use super::swept::best_eta;
use crate::sweeps::problems::{self, BATCH_SIZES, EPOCHS};
use crate::sweeps::record::Final;
use crate::sweeps::{self, parallel};

/// One method's run at its best η: the η, the gap J(wₜ) − J* at each step (or at
/// the end of each epoch), the last iterate, and its per-weight rates at the end.
pub struct BestRun {
    /// The method.
    pub method: Method,
    /// Its best η on the grid: the smallest final gap.
    pub eta: f64,
    /// J(wₜ) − J* for t = 0, 1, … (steps, or epochs for a minibatch run).
    pub gaps: Vec<f64>,
    /// The last iterate.
    pub last: Vec<f64>,
    /// η/√(G + ε) per weight at the end, for the methods that have one.
    pub rates: Option<Vec<f64>>,
}

/// A full-batch sweep of the record, J(w*), and each method rerun at its best η.
pub struct Reruns {
    /// The problem's key.
    pub key: &'static str,
    /// J(w*).
    pub minimum: f64,
    /// The minimizer w*.
    pub minimizer: Vec<f64>,
    /// Each method at its best η.
    pub runs: Vec<BestRun>,
}

/// Every full-batch problem of the record, each method rerun at its best η.
fn rerun_all() -> Result<Vec<Reruns>> {
    let record = sweeps::load()?;
    let problems = problems::budgeted()?;
    let jobs: Vec<(usize, usize)> = problems
        .iter()
        .enumerate()
        .flat_map(|(p, problem)| (0..problem.methods.len()).map(move |k| (p, k)))
        .collect();
    let runs = parallel::map(jobs.len(), |j| -> Result<BestRun> {
        let (p, k) = jobs[j];
        let problem = &problems[p];
        let sweep = record.budgeted(problem.key)?;
        if problem.grid != sweep.grid || problem.steps != sweep.length {
            bail!(
                "the sweep of {} in {} is stale: run `cargo xtask sweeps`",
                problem.key,
                sweeps::FILE
            );
        }
        let method = problem.methods[k];
        let eta = best_eta(sweep, k)?;
        let objective = problem.objective.as_ref();
        let mut optimizer = (method.build)(eta, objective.dimension())?;
        let start = vec![0.0; objective.dimension()];
        let stop = gd::Stop::after(problem.steps).or_when_gradient_below(0.0);
        let trace = gd::minimize(objective, optimizer.as_mut(), &start, stop);
        Ok(BestRun {
            method,
            eta,
            gaps: trace.losses.iter().map(|loss| loss - problem.minimum).collect(),
            last: trace.last().map(<[f64]>::to_vec).unwrap_or_default(),
            rates: optimizer.effective_learning_rates(),
        })
    });
    let mut runs = runs.into_iter();
    problems
        .iter()
        .map(|problem| {
            let mine = (0..problem.methods.len())
                .map(|_| runs.next().unwrap_or_else(|| Err(anyhow!("a rerun is missing"))))
                .collect::<Result<Vec<_>>>()?;
            let minimizer = problem.objective.minimizer().context("a minimizer")?;
            Ok(Reruns { key: problem.key, minimum: problem.minimum, minimizer, runs: mine })
        })
        .collect()
}

/// The reruns of the full-batch problem `key`, computed once for all figures.
pub fn reruns(key: &str) -> Result<&'static Reruns> {
    static RERUNS: OnceLock<Result<Vec<Reruns>, String>> = OnceLock::new();
    RERUNS
        .get_or_init(|| rerun_all().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))?
        .iter()
        .find(|r| r.key == key)
        .with_context(|| format!("no reruns of {key}"))
}

/// The minibatch runs at each method's best η, for each batch size.
pub fn minibatch_reruns() -> Result<&'static [Vec<BestRun>]> {
    static RERUNS: OnceLock<Result<Vec<Vec<BestRun>>, String>> = OnceLock::new();
    let computed = RERUNS.get_or_init(|| {
        let compute = || -> Result<Vec<Vec<BestRun>>> {
            let record = sweeps::load()?;
            let (problem, minimum) = problems::minibatch_problem()?;
            BATCH_SIZES
                .iter()
                .map(|&batch| {
                    let sweep = record.budgeted(&sweeps::minibatch_key(batch))?;
                    if sweep.grid != problems::minibatch_grid() || sweep.length != EPOCHS {
                        bail!(
                            "the minibatch sweeps in {} are stale: run `cargo xtask sweeps`",
                            sweeps::FILE
                        );
                    }
                    METHODS
                        .iter()
                        .enumerate()
                        .map(|(k, &method)| {
                            let eta = best_eta(sweep, k)?;
                            let run =
                                problems::minibatch_run(&problem, minimum, method, eta, batch)?;
                            Ok(BestRun {
                                method,
                                eta,
                                rates: run.optimizer.effective_learning_rates(),
                                gaps: run.gaps,
                                last: Vec::new(),
                            })
                        })
                        .collect()
                })
                .collect()
        };
        compute().map_err(|e| format!("{e:#}"))
    });
    computed.as_deref().map_err(|e| anyhow!("{e}"))
}

/// Draws `points` on a panel as a line cut at the frame (values at or below 0 on a
/// log axis drop out of it, as a run that reached J* to rounding does).
fn curve(panel: &mut Panel, points: &[(f64, f64)], color: plotters::style::RGBColor) -> Result<()> {
    let shown: Vec<(f64, f64)> =
        points.iter().map(|&(x, y)| (x, y.max(f64::MIN_POSITIVE))).collect();
    panel.run(&shown, Stroke::solid(color), None)
}

/// The legend of the methods `methods`, in their colours.
fn legend(methods: &[Method]) -> Vec<Entry> {
    methods
        .iter()
        .map(|m| {
            let k = METHODS.iter().position(|n| n.name == m.name).unwrap_or(0);
            Entry::new(m.name, COLORS[k], Mark::Line)
        })
        .collect()
}

/// Draws `entries` in one row across the top of `area`, from the left.
fn legend_row(area: &super::plot::Area, entries: &[Entry]) -> Result<()> {
    let mut x = 70;
    for entry in entries {
        draw_entry(area, (x, 14), entry)?;
        x += 26 + 6 + super::plot::text_width(&entry.label, super::plot::TEXT_PX) + 22;
    }
    Ok(())
}

/// The colour of a method of [`METHODS`].
fn color(method: Method) -> plotters::style::RGBColor {
    COLORS[METHODS.iter().position(|m| m.name == method.name).unwrap_or(0)]
}

/// Final gap after 1000 steps against η, raw features above, standardized below.
pub fn cancer_window() -> Result<String> {
    let panels = ["breast-cancer-raw", "breast-cancer-standardized"];
    let titles =
        ["raw features: J − J* after 1000 steps, against η", "standardized features: the same"];
    svg(2 * 330 + 40, |root| {
        let (top, bottom) = root.split_vertically(330 + 40);
        for ((area, key), title) in [top, bottom].iter().zip(panels).zip(titles) {
            let sweep = sweeps::load()?.budgeted(key)?;
            let (low, high) = (sweep.grid[0], sweep.grid[sweep.grid.len() - 1]);
            let axes = Axes::new((low, high), (1e-12, 1e4), "learning rate η", "J − J*")
                .log_x()
                .log_y()
                .ticks(11, 6);
            let legend = if key.ends_with("raw") { legend(&METHODS) } else { Vec::new() };
            let mut panel = Panel::new(area, Some(title), &legend, axes)?;
            for (k, row) in sweep.ended.iter().enumerate() {
                let mut points = Vec::new();
                for (&eta, ended) in sweep.grid.iter().zip(row) {
                    match ended {
                        Final::Gap(gap) => points.push((eta, *gap)),
                        Final::Diverged(_) => {
                            curve(&mut panel, &points, COLORS[k])?;
                            points.clear();
                        }
                    }
                }
                curve(&mut panel, &points, COLORS[k])?;
            }
        }
        Ok(())
    })
}

/// J − J* against the step at each method's best η, raw and standardized.
pub fn cancer_loss() -> Result<String> {
    let panels = ["breast-cancer-raw", "breast-cancer-standardized"];
    svg(350, |root| {
        let (head, body) = root.split_vertically(30);
        legend_row(&head, &legend(&METHODS))?;
        let areas = body.split_evenly((1, 2));
        for (area, key) in areas.iter().zip(panels) {
            let reruns = reruns(key)?;
            let title = if key.ends_with("raw") {
                "raw features, each at its best η"
            } else {
                "standardized, each at its best η"
            };
            let axes = Axes::new((1.0, 1001.0), (1e-12, 10.0), "1 + step t", "J(wₜ) − J*")
                .log_x()
                .log_y()
                .ticks(4, 5)
                .y_label_area(68);
            let mut panel = Panel::new(area, Some(title), &[], axes)?;
            for run in &reruns.runs {
                let points: Vec<(f64, f64)> =
                    run.gaps.iter().enumerate().map(|(t, &g)| (1.0 + t as f64, g)).collect();
                curve(&mut panel, &points, color(run.method))?;
            }
        }
        Ok(())
    })
}

/// The table of the chapter: each method at its best η on raw and standardized
/// features, with J − J* and the training accuracy after 1000 steps.
pub fn cancer_table() -> Result<String> {
    let raw = reruns("breast-cancer-raw")?;
    let standardized = reruns("breast-cancer-standardized")?;
    let raw_problem = problems::breast_cancer(false)?;
    let std_problem = problems::breast_cancer(true)?;
    let mut out = String::from(
        "| method | raw: best η | raw: J − J* | raw: accuracy | standardized: best η | standardized: J − J* | standardized: accuracy |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for (a, b) in raw.runs.iter().zip(&standardized.runs) {
        let gap = |g: f64| if g <= 1e-12 { "< 10⁻¹²".to_owned() } else { scientific(g, 1) };
        out.push_str(&format!(
            "| {} | {} | {} | {:.1} % | {} | {} | {:.1} % |\n",
            a.method.name,
            eta_text(a.eta),
            gap(*a.gaps.last().unwrap_or(&f64::NAN)),
            100.0 * raw_problem.accuracy(&a.last),
            eta_text(b.eta),
            gap(*b.gaps.last().unwrap_or(&f64::NAN)),
            100.0 * std_problem.accuracy(&b.last),
        ));
    }
    out.push_str(&format!(
        "| the minimum w* | | J* = {:.4} | {:.1} % | | J* = {:.4} | {:.1} % |\n",
        raw.minimum,
        100.0 * raw_problem.accuracy(&raw.minimizer),
        standardized.minimum,
        100.0 * std_problem.accuracy(&standardized.minimizer),
    ));
    Ok(out)
}

/// Rare features: each weight's effective learning rate (top) and its error
/// |wⱼ − w*ⱼ| (bottom) after 1000 steps at each method's best η, against the
/// fraction pⱼ of samples in which feature j is not zero.
pub fn rare_features() -> Result<String> {
    let reruns = reruns("rare-features")?;
    let rare = RareFeatures::course();
    let frequencies = rare.frequencies();
    let curvatures = rare.curvatures();
    let stochastic = rare_stochastic(RARE_STOCHASTIC_NOISE)?;
    let mut entries = legend(&reruns.runs.iter().map(|r| r.method).collect::<Vec<_>>());
    entries.push(Entry::new("1/λⱼ: Newton's rate", MUTED, Mark::Dashed));
    let adagrad = color(sweep::ADAGRAD);
    entries.push(Entry::new(
        format!("Adagrad, one sample a step, noisy targets (σ = {RARE_STOCHASTIC_NOISE})"),
        adagrad,
        Mark::Dashed,
    ));
    svg(2 * 310 + 40, |root| {
        let (top, bottom) = root.split_vertically(310 + 40);
        let x = (frequencies.iter().copied().fold(f64::INFINITY, f64::min) / 1.5, 1.0);
        let axes = Axes::new(
            x,
            (1e-3, 1e5),
            "pⱼ: the fraction of samples where feature j is not 0",
            "rate",
        )
        .log_x()
        .log_y()
        .ticks(5, 5);
        let title =
            "each weight's rate: full batch after 1000 steps; one sample a step after 20 epochs";
        let mut panel = Panel::new(&top, Some(title), &entries, axes)?;
        let points: Vec<(f64, f64)> =
            frequencies.iter().copied().zip(stochastic.rates.iter().copied()).collect();
        panel.line(&points, Stroke::dashed(adagrad))?;
        panel.dots(&points, adagrad, 3)?;
        let newton: Vec<(f64, f64)> =
            frequencies.iter().zip(&curvatures).map(|(&p, &l)| (p, 1.0 / l)).collect();
        panel.line(&newton, Stroke::dashed(MUTED))?;
        for run in &reruns.runs {
            let rates: Vec<f64> = match &run.rates {
                Some(rates) => rates.clone(),
                None => vec![run.eta; frequencies.len()],
            };
            let points: Vec<(f64, f64)> = frequencies.iter().copied().zip(rates).collect();
            panel.line(&points, Stroke::solid(color(run.method)))?;
            panel.dots(&points, color(run.method), 3)?;
        }
        let axes = Axes::new(x, (1e-16, 10.0), "pⱼ", "|wⱼ − w*ⱼ|").log_x().log_y().ticks(5, 5);
        let mut panel =
            Panel::new(&bottom, Some("each weight's error after 1000 steps"), &[], axes)?;
        for run in &reruns.runs {
            let points: Vec<(f64, f64)> = frequencies
                .iter()
                .zip(run.last.iter().zip(&reruns.minimizer))
                .map(|(&p, (w, w_star))| (p, (w - w_star).abs().max(f64::MIN_POSITIVE)))
                .collect();
            panel.run(&points, Stroke::solid(color(run.method)), None)?;
            panel.dots(&points, color(run.method), 3)?;
        }
        Ok(())
    })
}

/// The epochs of the stochastic rare-features run.
pub const RARE_STOCHASTIC_EPOCHS: usize = 20;

/// Adagrad on the rare-features problem in Duchi et al.'s online setting: one
/// sample a step, drawn without replacement from the stream of seed 11, for
/// [`RARE_STOCHASTIC_EPOCHS`] epochs from w = 0, at the full-batch run's best η. A
/// weight sees a non-zero gradient only in the steps whose sample has its feature.
pub struct StochasticRare {
    /// Each weight's rate η/√(Gⱼ + ε) at the end.
    pub rates: Vec<f64>,
}

/// σ, the noise of the targets in the noisy stochastic run: with σ = 0 every
/// residual vanishes as the run converges and each Gⱼ freezes; with noise the
/// gradients keep their size, as in Duchi et al.'s online setting.
pub const RARE_STOCHASTIC_NOISE: f64 = 0.5;

/// Runs [`StochasticRare`] on the rare-features problem whose targets have noise
/// `noise` (0: the course's problem).
pub fn rare_stochastic(noise: f64) -> Result<StochasticRare> {
    let full = reruns("rare-features")?;
    let adagrad = full.runs.iter().find(|r| r.method.name == "Adagrad").context("Adagrad")?;
    let config = datasets::RareFeaturesConfig { noise, ..Default::default() };
    let rare = RareFeatures::generate(&config).map_err(|e| anyhow!("{e}"))?;
    let problem = rare.problem();
    let n = problem.dimension();
    let mut optimizer = (sweep::ADAGRAD.build)(adagrad.eta, n)?;
    let mut sampler = datasets::BatchSampler::new(
        problem.samples(),
        1,
        datasets::Sampling::WithoutReplacement,
        11,
    )
    .map_err(|e| anyhow!("{e}"))?;
    let (mut w, mut g) = (vec![0.0; n], vec![0.0; n]);
    let steps = RARE_STOCHASTIC_EPOCHS * problem.samples();
    for _ in 0..steps {
        problem.batch_gradient(&w, sampler.next_batch(), &mut g);
        optimizer.step(&mut w, &g);
    }
    ensure!(w.iter().all(|x| x.is_finite()), "the stochastic Adagrad run diverged");
    let rates = optimizer.effective_learning_rates().context("Adagrad has rates")?;
    Ok(StochasticRare { rates })
}

/// The slope of the least-squares line through (ln x, ln y): the exponent k of
/// y ∝ xᵏ.
pub fn log_slope(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (lx, ly): (Vec<f64>, Vec<f64>) = x.iter().zip(y).map(|(a, b)| (a.ln(), b.ln())).unzip();
    let (mx, my) = (lx.iter().sum::<f64>() / n, ly.iter().sum::<f64>() / n);
    let cov: f64 = lx.iter().zip(&ly).map(|(a, b)| (a - mx) * (b - my)).sum();
    let var: f64 = lx.iter().map(|a| (a - mx) * (a - mx)).sum();
    cov / var
}

/// J − J* against the epoch for batches of 1, 16 and all 569 samples, each method
/// at its best η for that batch size.
pub fn noise_epochs() -> Result<String> {
    let runs = minibatch_reruns()?;
    svg(330, |root| {
        let (head, body) = root.split_vertically(30);
        legend_row(&head, &legend(&METHODS))?;
        let areas = body.split_evenly((1, 3));
        for ((area, batch), methods) in areas.iter().zip(BATCH_SIZES).zip(runs) {
            let title = if batch == 569 {
                "the full batch".to_owned()
            } else {
                format!("batches of {batch}")
            };
            let axes =
                Axes::new((0.0, EPOCHS as f64), (1e-5, 1.0), "epoch", "J − J*").log_y().ticks(4, 5);
            let mut panel = Panel::new(area, Some(&title), &[], axes)?;
            for run in methods {
                let points: Vec<(f64, f64)> =
                    run.gaps.iter().enumerate().map(|(e, &g)| (e as f64, g)).collect();
                curve(&mut panel, &points, color(run.method))?;
            }
        }
        Ok(())
    })
}

/// The noise floor of a constant η, and what √G measures under noise.
///
/// Top: gradient descent with batches of one sample at three learning rates,
/// J − J* at the end of each of many epochs: each levels off at a floor that
/// shrinks with η. Bottom: at the minimum w* of the standardized problem, for
/// each weight, the root mean square of the one-sample gradients (the noise), the
/// √G that RMSprop builds there from one-sample gradients, the root of the
/// curvature √Hⱼⱼ and the curvature Hⱼⱼ itself, each divided by its own geometric
/// mean: √G follows √H (the gradients' second moment is about the Fisher, which is
/// about the Hessian at the minimum), not H.
pub fn noise_floor() -> Result<String> {
    let (problem, minimum) = problems::minibatch_problem()?;
    let sweep = sweeps::load()?.budgeted(&sweeps::minibatch_key(1))?;
    let best = best_eta(sweep, 0)?;
    let etas = [best / 4.0, best, best * 4.0];
    let floors = parallel::map(etas.len(), |i| {
        problems::minibatch_run_for(&problem, minimum, METHODS[0], etas[i], 1, FLOOR_EPOCHS)
            .map(|run| run.gaps)
    });
    let floors: Vec<Vec<f64>> = floors.into_iter().collect::<Result<_>>()?;
    let (noise, curvature, root_g) = noise_measures(&problem)?;
    let normalize = |v: &[f64]| -> Vec<f64> {
        let mean = (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp();
        v.iter().map(|x| x / mean).collect()
    };
    let root_h: Vec<f64> = curvature.iter().map(|h| h.sqrt()).collect();
    let series = [
        (normalize(&noise), INK_NOISE, "RMS of one-sample gradients"),
        (normalize(&root_g), RMSPROP, "RMSprop's √Gⱼ"),
        (normalize(&root_h), INK, "√Hⱼⱼ"),
        (normalize(&curvature), MUTED, "curvature Hⱼⱼ"),
    ];
    let (low, high) = (0.2, 5.0);
    ensure!(
        series.iter().flat_map(|(v, _, _)| v).all(|&x| x > low && x < high),
        "a series of the bottom panel leaves its range ({low}, {high}): widen it"
    );
    let shades =
        [plotters::style::RGBColor(240, 160, 120), GD, plotters::style::RGBColor(120, 40, 0)];
    svg(2 * 300 + 40, |root| {
        let (top, bottom) = root.split_vertically(300 + 20);
        let entries: Vec<Entry> = etas
            .iter()
            .zip(shades)
            .map(|(&eta, shade)| Entry::new(format!("η = {}", eta_text(eta)), shade, Mark::Line))
            .collect();
        let axes = Axes::new((0.0, FLOOR_EPOCHS as f64), (1e-5, 1.0), "epoch", "J − J*")
            .log_y()
            .ticks(5, 5);
        let title = "gradient descent, batches of one sample: a floor that shrinks with η";
        let mut panel = Panel::new(&top, Some(title), &entries, axes)?;
        for (gaps, shade) in floors.iter().zip(shades) {
            let points: Vec<(f64, f64)> =
                gaps.iter().enumerate().map(|(e, &g)| (e as f64, g)).collect();
            curve(&mut panel, &points, shade)?;
        }
        let entries: Vec<Entry> =
            series.iter().map(|(_, c, label)| Entry::new(*label, *c, Mark::Path)).collect();
        let n = noise.len() as f64;
        let axes = Axes::new(
            (0.5, n + 0.5),
            (low, high),
            "weight j (the last is the intercept)",
            "÷ geometric mean",
        )
        .log_y()
        .ticks(8, 5);
        let title = "at the minimum: √G follows √H, the root of the curvature";
        let mut panel = Panel::new(&bottom, Some(title), &entries, axes)?;
        for (values, c, _) in &series {
            let points: Vec<(f64, f64)> =
                values.iter().enumerate().map(|(j, &v)| (j as f64 + 1.0, v)).collect();
            panel.line(&points, Stroke::solid(*c))?;
            panel.dots(&points, *c, 3)?;
        }
        Ok(())
    })
}

/// The epochs of the noise-floor runs: long enough for each η to reach its floor.
pub const FLOOR_EPOCHS: usize = 200;

/// The colour of the noise series.
const INK_NOISE: plotters::style::RGBColor = ADAGRAD;

/// At the minimum w* of `problem`: per weight, the root mean square of the
/// one-sample gradients, the curvature Hⱼⱼ, and the √Gⱼ RMSprop (γ = 0.99) builds
/// from one epoch of one-sample gradients there, with η so small that w stays put.
pub fn noise_measures(
    problem: &objectives::LogisticRegression,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let w_star = problem.minimizer().context("the standardized problem has a minimizer")?;
    let n = problem.dimension();
    let mut squares = vec![0.0; n];
    let mut g = vec![0.0; n];
    let mut rmsprop = rmsprop::RmsPropConfig::new(1e-300).decay(0.99).build(n)?;
    let mut w = w_star.clone();
    for i in 0..problem.samples() {
        problem.batch_gradient(&w_star, &[i], &mut g);
        for (s, gj) in squares.iter_mut().zip(&g) {
            *s += gj * gj;
        }
        gd::Optimizer::step(&mut rmsprop, &mut w, &g);
    }
    let noise: Vec<f64> = squares.iter().map(|s| (s / problem.samples() as f64).sqrt()).collect();
    let hessian = problem.hessian(&w_star);
    let curvature: Vec<f64> = (0..n).map(|j| hessian.get(j, j)).collect();
    let root_g: Vec<f64> = rmsprop.accumulator().iter().map(|x| x.sqrt()).collect();
    Ok((noise, curvature, root_g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_slope_of_a_power_law_is_its_exponent() {
        let x = [0.001, 0.01, 0.1, 1.0];
        let y: Vec<f64> = x.iter().map(|p: &f64| 3.0 * p.powf(-0.5)).collect();
        assert!((log_slope(&x, &y) + 0.5).abs() < 1e-12);
    }
}

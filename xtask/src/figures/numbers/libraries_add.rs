//! The numbers of what-the-libraries-add.md: the runs of its figures, read off
//! and checked against what the chapter says about them.

use anyhow::{Context, Result, ensure};
use gd::Optimizer;
use momentum::AmsGrad;
use rmsprop::RmsPropConfig;

use super::book::Book;
use crate::figures::arrival;
use crate::figures::format::{fixed, scientific};
use crate::figures::libraries_add::{
    self as figures, AMSGRAD_ETA, BOX_DECAY, PULL_DECAYS, PULL_ETA, PULL_STEPS, SCHEDULE_GAMMAS,
};

const CHAPTER: &str = "what-the-libraries-add";

/// The first step t at which the variance G − ḡ² of a centred RMSprop with decay
/// `gamma` rounds below zero under the constant gradient `g`, within 1000 steps.
fn first_negative_variance(gamma: f64, g: f64) -> Result<Option<usize>> {
    let config = RmsPropConfig::new(0.01).decay(gamma).epsilon(0.0);
    let mut centered = rmsprop::CenteredRmsPropConfig::from_rmsprop(config, 0.0).build(1)?;
    let mut w = [0.0];
    for t in 1..=1000 {
        centered.step(&mut w, &[g]);
        let (big_g, mean) = (centered.accumulator()[0], centered.mean()[0]);
        if big_g - mean * mean < 0.0 {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

fn centered(book: &mut Book) -> Result<()> {
    let runs = figures::centered_runs()?;
    let least = 0.0;
    let (target, steps) = (1e-6, figures::CENTERED_STEPS);
    let crossing = |trace: &gd::Trace| arrival::first_crossing(trace, least, target);
    let plain = crossing(&runs.plain).context("PyTorch's RMSprop goes below 10⁻⁶")?;
    let centered = crossing(&runs.centered).context("the centred RMSprop goes below 10⁻⁶")?;
    ensure!(centered < plain, "centring should get there sooner: {centered} against {plain}");
    // Neither holds it: at a constant η RMSprop hovers, and both climb back.
    for trace in [&runs.plain, &runs.centered] {
        ensure!(
            arrival::held(trace, least, target).is_none(),
            "a constant-η RMSprop on the ellipse should not hold 10⁻⁶ for {steps} steps"
        );
    }
    let climb = |trace: &gd::Trace, from: usize| -> Result<usize> {
        trace.losses[from..]
            .iter()
            .position(|loss| loss - least >= target)
            .map(|k| from + k)
            .context("the run climbs back above 10⁻⁶")
    };
    let (plain_climb, centered_climb) =
        (climb(&runs.plain, plain)?, climb(&runs.centered, centered)?);
    let end = |trace: &gd::Trace| trace.losses.last().map_or(f64::NAN, |l| l - least);
    book.first_crossing(
        CHAPTER,
        "centered-plain-steps",
        plain,
        "first step with J − J* < 1e-6, PyTorch RMSprop η = 0.01, ellipse",
    );
    book.first_crossing(CHAPTER, "centered-steps", centered, "the same, centered=True");
    book.add(
        CHAPTER,
        "centered-plain-climb",
        plain_climb.to_string(),
        "the step at which the plain run is back above 1e-6",
    );
    book.add(
        CHAPTER,
        "centered-climb",
        centered_climb.to_string(),
        "the step at which the centred run is back above 1e-6",
    );
    book.add(
        CHAPTER,
        "centered-figure-steps",
        steps.to_string(),
        "the steps of the centring figure",
    );
    book.add(
        CHAPTER,
        "centered-plain-end",
        scientific(end(&runs.plain), 1),
        "J − J* of the plain run at the figure's last step",
    );
    book.add(
        CHAPTER,
        "centered-end",
        scientific(end(&runs.centered), 1),
        "J − J* of the centred run at the figure's last step",
    );
    let (peak_step, peak) = runs
        .enlargement
        .iter()
        .enumerate()
        .map(|(t, f)| (t + 1, f[0]))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .context("the centred run took steps")?;
    let steep_peak = runs.enlargement.iter().map(|f| f[1]).fold(1.0, f64::max);
    ensure!(peak > steep_peak, "centring should enlarge w₁'s step more than w₂'s");
    book.add(CHAPTER, "centered-peak", fixed(peak, 1), "largest √(G/(G − ḡ²)) of w₁ in that run");
    book.add(CHAPTER, "centered-peak-step", peak_step.to_string(), "the step at which it peaks");
    book.add(CHAPTER, "centered-steep-peak", fixed(steep_peak, 1), "largest √(G/(G − ḡ²)) of w₂");
    for (name, gamma) in [("alternating-limit-90", 0.9f64), ("alternating-limit-99", 0.99)] {
        let limit = (1.0 + gamma) / (2.0 * gamma.sqrt());
        book.add(
            CHAPTER,
            name,
            fixed(limit, 6),
            "(1 + γ)/(2√γ), the ratio of centred to plain steps on ±c",
        );
    }
    let step = first_negative_variance(0.5, 0.7)?.context("the variance never rounds below 0")?;
    book.add(
        CHAPTER,
        "negative-variance-step",
        step.to_string(),
        "first step at which G − ḡ² < 0, g = 0.7, γ = 0.5",
    );
    Ok(())
}

fn amsgrad(book: &mut Book) -> Result<()> {
    let runs = figures::amsgrad_ellipse_runs()?;
    let w1 = |k: usize, t: usize| runs[k].0.iterates[t][0];
    let names = ["adam-w1-50", "pytorch-amsgrad-w1-50", "optax-amsgrad-w1-50"];
    for (k, name) in names.into_iter().enumerate() {
        book.add(CHAPTER, name, fixed(w1(k, 50), 2), "w₁ at step 50 on the ellipse, η = 0.1");
    }
    ensure!(w1(2, 50) < w1(1, 50) - 0.5, "optax's AMSGrad should lag PyTorch's on the ellipse");
    // The first step at which PyTorch's AMSGrad moves weight j differently from
    // Adam: where G first falls below its running maximum.
    let parting = |j: usize| {
        (1..runs[0].0.iterates.len())
            .find(|&t| runs[0].0.iterates[t][j] != runs[1].0.iterates[t][j])
    };
    let (w1_parts, w2_parts) = (parting(0), parting(1));
    let w2_parts = w2_parts.context("PyTorch's AMSGrad should part from Adam on w₂")?;
    ensure!(
        w1_parts.is_none_or(|t| t > w2_parts),
        "w₂, whose gradient shrinks faster, should part first: {w1_parts:?}, {w2_parts}"
    );
    book.add(
        CHAPTER,
        "pytorch-amsgrad-parts-w2",
        w2_parts.to_string(),
        "first step at which PyTorch's AMSGrad moves w₂ unlike Adam",
    );
    let w1_parts =
        w1_parts.context("PyTorch's AMSGrad should part from Adam on w₁ within the run")?;
    book.add(CHAPTER, "pytorch-amsgrad-parts-w1", w1_parts.to_string(), "the same for w₁");
    let rates = &runs[2].0.effective_learning_rates;
    ensure!(
        rates.iter().all(|r| (r[0] - rates[0][0]).abs() <= 1e-12 * rates[0][0]),
        "optax's AMSGrad should keep w₁'s rate at its first value on the ellipse"
    );
    book.add(
        CHAPTER,
        "optax-amsgrad-rate",
        fixed(rates[0][0], 3),
        "w₁'s rate, constant in optax's AMSGrad",
    );
    book.add(CHAPTER, "amsgrad-eta", AMSGRAD_ETA.to_string(), "η of the ellipse runs");
    let ends: Vec<f64> =
        [AmsGrad::Off, AmsGrad::MaximumBeforeCorrection, AmsGrad::MaximumAfterCorrection]
            .into_iter()
            .map(|a| figures::reddi_run(a).map(|path| path[path.len() - 1]))
            .collect::<Result<_>>()?;
    ensure!(ends[0] > 0.9 && ends[1] < -0.9 && ends[2] < -0.9, "Reddi: {ends:?}");
    book.add(
        CHAPTER,
        "reddi-adam-end",
        fixed(ends[0], 2),
        "x after 3000 steps, Adam, Reddi's problem",
    );
    book.add(
        CHAPTER,
        "reddi-amsgrad-end",
        fixed(ends[1].max(ends[2]), 2),
        "x after 3000 steps, AMSGrad (either)",
    );
    Ok(())
}

fn weight_decay(book: &mut Book) -> Result<()> {
    let (with_l2, decoupled) = figures::box_runs()?;
    let ridge = figures::ridge_point();
    let end = |trace: &gd::Trace| trace.iterates[trace.iterates.len() - 1].clone();
    let (a, b) = (end(&with_l2), end(&decoupled));
    ensure!(
        (a[0] - ridge[0]).abs() < 1e-6 && (a[1] - ridge[1]).abs() < 1e-6,
        "Adam + L2 ends at {a:?}"
    );
    let bound = 1.0 / BOX_DECAY;
    ensure!((b[0] - bound).abs() < 0.01 && (b[1] - 1.0).abs() < 0.01, "AdamW ends at {b:?}");
    book.add(CHAPTER, "ridge-w1", fixed(ridge[0], 3), "the ridge point's w₁");
    book.add(CHAPTER, "ridge-w2", fixed(ridge[1], 3), "the ridge point's w₂");
    book.add(CHAPTER, "adamw-end-w1", fixed(b[0], 3), "AdamW's w₁ after 20 000 steps");
    book.add(CHAPTER, "adamw-end-w2", fixed(b[1], 3), "AdamW's w₂ after 20 000 steps");
    book.add(CHAPTER, "box-bound", bound.to_string(), "1/λ");
    let l2 = PULL_DECAYS.map(|lambda| figures::pull_runs(false, lambda));
    let [l2_strong, l2_weak] = l2;
    let (l2_strong, l2_weak) = (l2_strong?, l2_weak?);
    let adamw = figures::pull_runs(true, PULL_DECAYS[0])?;
    let untouched = [l2_strong[0][50], l2_weak[0][50]];
    ensure!(
        (untouched[0] - untouched[1]).abs() < 1e-3,
        "λ should not matter to an untouched weight under Adam + L2: {untouched:?}"
    );
    book.add(
        CHAPTER,
        "untouched-l2-50",
        fixed(untouched[0], 2),
        "untouched weight, Adam + L2, step 50, either λ",
    );
    let zero = l2_strong[0].iter().position(|w| w.abs() < 0.01).context("reaches 0")?;
    book.add(CHAPTER, "untouched-l2-zero", zero.to_string(), "first step with |w| < 0.01");
    let expected = (1.0 - PULL_ETA * PULL_DECAYS[0]).powi(PULL_STEPS as i32);
    let shrunk = adamw[0][PULL_STEPS];
    ensure!((shrunk - expected).abs() < 1e-12, "AdamW: {shrunk} against (1 − ηλ)ᵗ = {expected}");
    book.add(
        CHAPTER,
        "untouched-adamw-end",
        fixed(shrunk, 3),
        "untouched weight, AdamW λ = 0.1, step 1000 = 0.999¹⁰⁰⁰",
    );
    let noisy = [l2_strong[1][PULL_STEPS], adamw[1][PULL_STEPS]];
    ensure!(
        noisy[0] > 2.0 * noisy[1],
        "L2's pull on the noisy weight should be much weaker: {noisy:?}"
    );
    book.add(
        CHAPTER,
        "noisy-l2-end",
        fixed(noisy[0], 2),
        "noisy weight, Adam + L2 λ = 0.1, step 1000",
    );
    book.add(
        CHAPTER,
        "noisy-adamw-end",
        fixed(noisy[1], 2),
        "noisy weight, AdamW λ = 0.1, step 1000",
    );
    Ok(())
}

fn schedules(book: &mut Book) -> Result<()> {
    let (steps, floor) = figures::example_schedules()
        .into_iter()
        .find_map(|(schedule, _, _)| match schedule {
            gd::Schedule::Cosine { steps, floor } => Some((steps, floor)),
            _ => None,
        })
        .context("the figure draws a cosine")?;
    book.add(CHAPTER, "cosine-steps", steps.to_string(), "T of the figure's cosine");
    book.add(CHAPTER, "cosine-floor", floor.to_string(), "α of the figure's cosine");
    let runs = figures::schedule_runs()?;
    let end = |method: &str, cosine: bool, gamma: Option<f64>| -> Result<f64> {
        runs.iter()
            .find(|r| r.method == method && r.cosine == cosine && r.gamma == gamma)
            .and_then(|r| r.gaps.last().copied())
            .with_context(|| format!("no run of {method}"))
    };
    for (method, key) in [("gradient descent", "gd"), ("Adam", "adam")] {
        let (constant, cosine) = (end(method, false, None)?, end(method, true, None)?);
        ensure!(
            cosine < constant / 10.0,
            "{method}: the cosine ends at {cosine}, constant η at {constant}"
        );
        book.add(
            CHAPTER,
            format!("{key}-constant-end"),
            scientific(constant, 1),
            "J − J* after 200 epochs, constant η",
        );
        book.add(
            CHAPTER,
            format!("{key}-cosine-end"),
            scientific(cosine, 1),
            "J − J* after 200 epochs, cosine to 0",
        );
    }
    let gaps: Vec<f64> =
        SCHEDULE_GAMMAS.iter().map(|&g| end("RMSprop", true, Some(g))).collect::<Result<_>>()?;
    ensure!(
        gaps.windows(2).all(|w| w[1] < w[0] / 2.0),
        "RMSprop's floor should fall with γ: {gaps:?}"
    );
    for (gamma, gap) in SCHEDULE_GAMMAS.iter().zip(&gaps) {
        // TOML keys cannot hold a dot: γ = 0.99 is named by its digits, "99".
        let digits = gamma.to_string().trim_start_matches("0.").to_owned();
        book.add(
            CHAPTER,
            format!("rmsprop-cosine-end-{digits}"),
            scientific(*gap, 1),
            "J − J* after 200 epochs, RMSprop with a cosine",
        );
    }
    Ok(())
}

/// The numbers of the chapter "What the libraries add".
pub(super) fn numbers(book: &mut Book) -> Result<()> {
    centered(book).context("centred RMSprop")?;
    amsgrad(book).context("AMSGrad")?;
    weight_decay(book).context("weight decay")?;
    schedules(book).context("schedules")?;
    Ok(())
}

//! The numbers of beyond-the-diagonal.md: what a preconditioner that sees every
//! weight buys on the rotated valley, the band of Muon's Newton–Schulz
//! iteration, and the memory each method keeps, read off the `beyond` crate.

use anyhow::{Context, Result, ensure};
use beyond::matrix::rotation;
use beyond::{
    AdafactorConfig, FullMatrixAdagrad, FullMatrixAdagradConfig, LionConfig, MuonConfig,
    NEWTON_SCHULZ_COEFFICIENTS, ShampooConfig, newton_schulz_band,
};
use gd::Optimizer;
use sweep::{ADAGRAD, Method, Outcome, best, sweep};

use super::book::Book;
use crate::figures::format::{fixed, scientific};
use crate::sweeps::problems::{self, WindowProblem};

const CHAPTER: &str = "beyond-the-diagonal";

/// Full-matrix Adagrad with the course's defaults, as a sweep's method.
const FULL_MATRIX_ADAGRAD: Method = Method {
    name: "full-matrix Adagrad",
    build: |eta, n| Ok(Box::new(FullMatrixAdagradConfig::new(eta).build(n)?)),
};

/// The layer whose memory the chapter counts: 256 × 128 weights.
const LAYER: (usize, usize) = (256, 128);

pub(super) fn numbers(book: &mut Book) -> Result<()> {
    valley_numbers(book)?;
    equivariance_numbers(book)?;
    band_numbers(book)?;
    memory_numbers(book)?;
    network_numbers(book)?;
    time_numbers(book)
}

/// The chapter "Making it fast", where the matrix methods' steps are timed.
const FAST: &str = "making-it-fast";

/// What the matrix methods cost in time (`crates/bench/results/matrix_steps.csv`),
/// in this chapter and in "Making it fast", and the claims both make of it.
fn time_numbers(book: &mut Book) -> Result<()> {
    let measured = crate::figures::measurements::matrix_steps()?;
    let step = |method: &str| -> Result<f64> { Ok(measured.at("Rust", method, "step")?.median_us) };
    let (adam, muon, adafactor) = (step("Adam")?, step("Muon")?, step("Adafactor")?);
    let (lion, shampoo, fast_adam) = (step("Lion")?, step("Shampoo")?, step("Adam (fast)")?);
    let gradient = measured.at("Rust", "gradient", "gradient")?.median_us;
    let peer = |library: &str, method: &str| -> Result<f64> {
        Ok(measured.at(library, method, "step")?.median_us)
    };
    let (torch_muon, optax_muon) = (peer("PyTorch", "Muon")?, peer("optax", "Muon")?);
    let (torch_adam, optax_adam) = (peer("PyTorch", "Adam")?, peer("optax", "Adam")?);
    let micros = |us: f64| if us < 10.0 { fixed(us, 1) } else { fixed(us, 0) };
    book.add(FAST, "matrix-gradient-us", micros(gradient), "the batch's gradient, median µs");
    book.add(FAST, "matrix-adam-us", micros(adam), "Adam's step on the network, median µs");
    book.add(FAST, "matrix-fast-adam-us", micros(fast_adam), "the fast Adam step, median µs");
    book.add(FAST, "matrix-muon-us", micros(muon), "Muon's step on the network, median µs");
    book.add(FAST, "matrix-lion-us", micros(lion), "Lion's step on the network, median µs");
    book.add(FAST, "matrix-shampoo-us", micros(shampoo), "Shampoo's step, median µs");
    book.add(FAST, "matrix-adafactor-us", micros(adafactor), "Adafactor's step, median µs");
    book.add(
        FAST,
        "matrix-torch-adam-us",
        micros(torch_adam),
        "torch.optim.Adam's step, median µs",
    );
    book.add(FAST, "matrix-optax-adam-us", micros(optax_adam), "optax.adam's step, median µs");
    ensure!(
        torch_adam > 5.0 * adam && optax_adam > 5.0 * adam,
        "the chapter says a library's step here is mostly the cost of calling it"
    );
    book.add(
        FAST,
        "matrix-torch-muon-us",
        micros(torch_muon),
        "torch.optim.Muon's step, median µs",
    );
    book.add(FAST, "matrix-optax-muon-us", micros(optax_muon), "optax's Muon step, median µs");
    let times = |a: f64, b: f64| fixed(a / b, 0);
    book.add(FAST, "matrix-muon-over-adam", times(muon, adam), "Muon's step over Adam's");
    book.add(FAST, "matrix-shampoo-over-adam", times(shampoo, adam), "Shampoo's step over Adam's");
    book.add(
        FAST,
        "matrix-shampoo-over-gradient",
        times(shampoo, gradient),
        "Shampoo's step over the batch's gradient",
    );
    ensure!(
        muon > gradient && shampoo > muon,
        "the chapter says a Muon step costs more than the batch's gradient and Shampoo's most"
    );
    ensure!(
        adam < gradient && adafactor < gradient && lion < gradient,
        "the chapter says the diagonal steps, Adafactor's and Lion's cost less than the gradient"
    );
    ensure!(muon < torch_muon, "the chapter says the course's Muon step is faster than PyTorch's");
    book.add(
        FAST,
        "matrix-torch-muon-over-ours",
        fixed(torch_muon / muon, 1),
        "torch.optim.Muon's step over the course's",
    );
    book.add(
        FAST,
        "matrix-optax-muon-over-ours",
        fixed(optax_muon / muon, 1),
        "optax's Muon step over the course's",
    );

    // The wall time to the race's target.
    let walls = crate::figures::matrix_speed::wall_times()?;
    let wall = |name: &str| -> Result<&crate::figures::matrix_speed::WallTime> {
        walls.iter().find(|w| w.name == name).with_context(|| format!("no wall time of {name}"))
    };
    let (adamw, muon) = (wall("AdamW")?, wall("Muon")?);
    let to_target = |w: &crate::figures::matrix_speed::WallTime| -> Result<f64> {
        w.to_target_ms().with_context(|| format!("{} was not raced", w.name))
    };
    let (adamw_ms, muon_ms) = (to_target(adamw)?, to_target(muon)?);
    book.add(
        CHAPTER,
        "muon-epoch-over-adamw",
        fixed(muon.epoch_ms / adamw.epoch_ms, 1),
        "Muon's epoch over AdamW's",
    );
    book.add(CHAPTER, "muon-wall-ms", fixed(muon_ms, 0), "Muon's mean wall time to the target, ms");
    book.add(
        CHAPTER,
        "adamw-wall-ms",
        fixed(adamw_ms, 0),
        "AdamW's mean wall time to the target, ms",
    );
    let shampoo = wall("Shampoo")?;
    let shampoo_ms = to_target(shampoo)?;
    book.add(CHAPTER, "shampoo-epoch-ms", fixed(shampoo.epoch_ms, 0), "Shampoo's epoch, ms");
    book.add(
        CHAPTER,
        "shampoo-wall-ms",
        fixed(shampoo_ms, 0),
        "Shampoo's mean wall time to the target, ms",
    );
    book.add(
        CHAPTER,
        "shampoo-wall-over-adamw",
        fixed(shampoo_ms / adamw_ms, 0),
        "Shampoo's wall time to the target over AdamW's",
    );
    ensure!(
        walls.iter().all(|w| w.epochs >= shampoo.epochs)
            && walls.iter().all(|w| w.to_target_ms().is_some_and(|t| t <= shampoo_ms)),
        "the chapter says Shampoo needs the fewest epochs and the most wall time"
    );
    // Muon's rounds against the batch's gradient, in multiply-adds: per n × m
    // matrix (n ≤ m) k rounds of X·Xᵀ, A² and B·X; the gradient 3·B·m·n per layer.
    let shape = network::Shape::DIGITS;
    let layers = [(shape.inputs(), shape.hidden()), (shape.hidden(), shape.classes())];
    let rounds = MuonConfig::optax(0.1).steps as f64;
    let batch = crate::sweeps::network::BATCH_SIZE as f64;
    let (mut newton_schulz, mut gradient_operations) = (0.0, 0.0);
    for (rows, cols) in layers {
        let (n, m) = (rows.min(cols) as f64, rows.max(cols) as f64);
        newton_schulz += rounds * (2.0 * n * n * m + n * n * n);
        gradient_operations += 3.0 * batch * m * n;
    }
    let operations_ratio = newton_schulz / gradient_operations;
    let time_ratio = step("Muon")? / gradient;
    book.add(
        CHAPTER,
        "muon-operations-ratio",
        fixed(operations_ratio, 1),
        "Muon's rounds over the batch's gradient, in multiply-adds",
    );
    book.add(
        CHAPTER,
        "muon-time-ratio",
        fixed(time_ratio, 1),
        "Muon's measured step over the measured gradient",
    );
    ensure!(
        (0.5..2.0).contains(&(time_ratio / operations_ratio)),
        "the chapter says the count of operations accounts for Muon's step against the gradient"
    );
    ensure!(
        muon.epochs < adamw.epochs && muon_ms > adamw_ms,
        "the chapter says Muon needs fewer epochs than AdamW but more wall time"
    );
    Ok(())
}

/// The race on the digits network (`book/src/figures/beyond-network.json`), and
/// the claims the chapter makes of it.
fn network_numbers(book: &mut Book) -> Result<()> {
    let record = crate::sweeps::beyond::load()?;
    book.add(
        CHAPTER,
        "network-weights",
        network::Shape::DIGITS.dimension().to_string(),
        "the digit network's weights",
    );
    book.add(
        CHAPTER,
        "network-target",
        fixed(100.0 * record.target_accuracy, 0),
        "the validation accuracy raced to, %",
    );
    book.add(CHAPTER, "network-epochs", record.epochs.to_string(), "epochs of every run");
    book.add(
        CHAPTER,
        "network-steps-per-epoch",
        record.steps_per_epoch.to_string(),
        "optimizer steps per epoch",
    );
    book.add(
        CHAPTER,
        "network-grid-seeds",
        record.search_seeds.len().to_string(),
        "seeds per η of the grid",
    );
    book.add(
        CHAPTER,
        "network-final-seeds",
        record.final_seeds.len().to_string(),
        "seeds at the best η",
    );
    book.add(
        CHAPTER,
        "network-window",
        crate::sweeps::beyond::WINDOW.to_string(),
        "η per method on the grid",
    );
    book.add(
        CHAPTER,
        "network-bias-eta",
        crate::figures::format::eta_text(record.bias_learning_rate),
        "AdamW's η on the biases",
    );
    let steps = |name: &str| -> Result<Vec<usize>> {
        let method = record
            .methods
            .iter()
            .find(|m| m.name == name)
            .with_context(|| format!("no {name} in beyond-network.json"))?;
        method
            .best
            .iter()
            .map(|r| {
                r.steps_to_target.with_context(|| {
                    format!("{name} never reached the target from seed {}", r.seed)
                })
            })
            .collect()
    };
    let (adamw, muon, adafactor) = (steps("AdamW")?, steps("Muon")?, steps("Adafactor")?);
    let (lion, shampoo) = (steps("Lion")?, steps("Shampoo")?);
    ensure!(
        muon.iter().zip(&adamw).all(|(m, a)| m <= a),
        "the chapter says Muon reached the target in at most AdamW's steps from every seed"
    );
    ensure!(
        [&adamw, &muon, &adafactor, &lion]
            .iter()
            .all(|other| shampoo.iter().zip(other.iter()).all(|(s, o)| s <= o)),
        "the chapter says Shampoo reached the target in no more steps than any other method from every seed"
    );
    let total = |v: &[usize]| v.iter().sum::<usize>();
    ensure!(
        total(&adafactor) > total(&adamw)
            && total(&adafactor) > total(&muon)
            && total(&adafactor) > total(&lion)
            && total(&adafactor) > total(&shampoo),
        "the chapter says Adafactor took the most steps"
    );
    let mean = |name: &str, value: &dyn Fn(&crate::sweeps::beyond::BestRace) -> f64| {
        let runs = &record.methods.iter().find(|m| m.name == name).map(|m| &m.best);
        runs.map_or(f64::NAN, |runs| runs.iter().map(value).sum::<f64>() / runs.len() as f64)
    };
    for value in [
        &(|r: &crate::sweeps::beyond::BestRace| r.race.validation_accuracy)
            as &dyn Fn(&crate::sweeps::beyond::BestRace) -> f64,
        &|r: &crate::sweeps::beyond::BestRace| r.test_accuracy,
    ] {
        let adamw = mean("AdamW", value);
        ensure!(
            ["Muon", "Adafactor", "Lion"].iter().all(|name| mean(name, value) < adamw),
            "the chapter says AdamW ends ahead of Muon, Adafactor and Lion on validation and test"
        );
        ensure!(
            mean("Shampoo", value) > adamw,
            "the chapter says Shampoo ends ahead of AdamW on validation and test"
        );
    }
    Ok(())
}

/// A method's best η and steps over the book's grid on one of its problems.
fn best_steps(problem: &WindowProblem, method: Method) -> Result<(f64, usize)> {
    let raced = sweep(
        problem.objective.as_ref(),
        &problem.start,
        problem.minimum,
        method,
        &problem.grid,
        problem.budget,
    )?;
    let outcomes: Vec<Outcome> = raced.into_iter().map(|r| r.outcome).collect();
    best(&problem.grid, &outcomes)
        .with_context(|| format!("{} never reaches the target on {}", method.name, problem.key))
}

/// Diagonal and full-matrix Adagrad on the ellipse and on the rotated valley.
fn valley_numbers(book: &mut Book) -> Result<()> {
    let windows = problems::windows()?;
    let problem = |key: &str| {
        windows.iter().find(|p| p.key == key).with_context(|| format!("no window problem {key}"))
    };
    let (ellipse, valley) = (problem("ellipse")?, problem("valley")?);
    let (_, diagonal_ellipse) = best_steps(ellipse, ADAGRAD)?;
    let (_, diagonal_valley) = best_steps(valley, ADAGRAD)?;
    let (_, full_ellipse) = best_steps(ellipse, FULL_MATRIX_ADAGRAD)?;
    let (_, full_valley) = best_steps(valley, FULL_MATRIX_ADAGRAD)?;
    ensure!(
        full_valley == full_ellipse,
        "full-matrix Adagrad should not care about the turn: {full_valley} against {full_ellipse}"
    );
    ensure!(
        diagonal_valley > 4 * full_valley,
        "on the valley full-matrix Adagrad should win by far: {full_valley} against {diagonal_valley}"
    );
    ensure!(
        diagonal_ellipse < full_ellipse,
        "on the unturned ellipse the diagonal should win: {diagonal_ellipse} against {full_ellipse}"
    );
    let steps = [
        ("adagrad-ellipse-best-steps", diagonal_ellipse, "Adagrad's best steps on the ellipse"),
        ("adagrad-valley-best-steps", diagonal_valley, "Adagrad's best steps on the valley"),
        (
            "full-matrix-ellipse-best-steps",
            full_ellipse,
            "full-matrix Adagrad's best steps on the ellipse",
        ),
        (
            "full-matrix-valley-best-steps",
            full_valley,
            "full-matrix Adagrad's best steps on the valley",
        ),
    ];
    for (name, step, about) in steps {
        book.reached(CHAPTER, name, Outcome::Reached { step }, about)?;
    }
    Ok(())
}

/// The iterates of 20 steps of `optimizer` from `start` on ½·(w − c)ᵀ·D·(w − c)
/// turned by the rotation `r` (gradient R·D·(Rᵀw − c)), or unturned.
fn iterates(optimizer: &mut dyn Optimizer, start: &[f64], r: Option<&[f64]>) -> Vec<[f64; 2]> {
    let curvatures = [0.2, 4.0];
    let apply = |m: &[f64], v: [f64; 2], transposed: bool| -> [f64; 2] {
        let at = |i: usize, j: usize| if transposed { m[j * 2 + i] } else { m[i * 2 + j] };
        [at(0, 0) * v[0] + at(0, 1) * v[1], at(1, 0) * v[0] + at(1, 1) * v[1]]
    };
    let mut w = [start[0], start[1]];
    (0..20)
        .map(|_| {
            let g = match r {
                None => [curvatures[0] * w[0], curvatures[1] * w[1]],
                Some(r) => {
                    let u = apply(r, w, true);
                    apply(r, [curvatures[0] * u[0], curvatures[1] * u[1]], false)
                }
            };
            optimizer.step(&mut w, &g);
            w
        })
        .collect()
}

/// How far each Adagrad is from rotation equivariance on the ellipse turned by
/// 30° from (−5, −2) at η = 0.4: the largest |R·wₜ − w_R,t| over 20 steps.
fn equivariance_numbers(book: &mut Book) -> Result<()> {
    let r = rotation(2, &[std::f64::consts::FRAC_PI_6]);
    let start = [-5.0, -2.0];
    let rotated_start = [r[0] * start[0] + r[1] * start[1], r[2] * start[0] + r[3] * start[1]];
    let gap = |build: &dyn Fn() -> Result<Box<dyn Optimizer>>| -> Result<f64> {
        let plain = iterates(build()?.as_mut(), &start, None);
        let turned = iterates(build()?.as_mut(), &rotated_start, Some(&r));
        Ok(plain
            .iter()
            .zip(&turned)
            .flat_map(|(w, t)| {
                let rw = [r[0] * w[0] + r[1] * w[1], r[2] * w[0] + r[3] * w[1]];
                [(rw[0] - t[0]).abs(), (rw[1] - t[1]).abs()]
            })
            .fold(0.0, f64::max))
    };
    let diagonal = gap(&|| Ok(Box::new(adagrad::Adagrad::new(0.4, 2)?)))?;
    let full = gap(&|| Ok(Box::new(FullMatrixAdagrad::new(0.4, 2)?)))?;
    ensure!(diagonal > 0.5, "diagonal Adagrad should miss equivariance by far: {diagonal}");
    ensure!(full < 1e-9, "full-matrix Adagrad should be equivariant to rounding: {full}");
    book.add(
        CHAPTER,
        "diagonal-equivariance-gap",
        fixed(diagonal, 2),
        "the largest |R·wₜ − w_R,t| of Adagrad on the ellipse turned by 30°, 20 steps",
    );
    book.add(
        CHAPTER,
        "full-matrix-equivariance-gap",
        scientific(full.max(f64::MIN_POSITIVE), 0),
        "the same for full-matrix Adagrad",
    );
    Ok(())
}

/// p(σ) = a·σ + b·σ³ + c·σ⁵ with Muon's coefficients, applied `k` times.
fn p_iterated(mut x: f64, k: usize) -> f64 {
    let [a, b, c] = NEWTON_SCHULZ_COEFFICIENTS;
    for _ in 0..k {
        x = a * x + b * x.powi(3) + c * x.powi(5);
    }
    x
}

/// The band of the Newton–Schulz quintic, and the least normalized singular value
/// that five iterations carry into it.
fn band_numbers(book: &mut Book) -> Result<()> {
    let (low, high) =
        newton_schulz_band(NEWTON_SCHULZ_COEFFICIENTS).context("the quintic has a band")?;
    // p⁵ rises on [0, τ]: bisect for p⁵(τ) = low.
    let (mut below, mut above) = (0.0, 0.3);
    ensure!(p_iterated(above, 5) >= low, "p⁵(0.3) should be in the band");
    for _ in 0..100 {
        let mid = 0.5 * (below + above);
        if p_iterated(mid, 5) < low { below = mid } else { above = mid }
    }
    let slope = NEWTON_SCHULZ_COEFFICIENTS[0].powi(5);
    book.add(CHAPTER, "band-low", fixed(low, 4), "the bottom of the band, p at its local minimum");
    book.add(CHAPTER, "band-high", fixed(high, 4), "the top of the band, p at its local maximum");
    book.add(
        CHAPTER,
        "band-entry",
        scientific(above, 1),
        "the least σ/‖M‖ that p⁵ carries into the band",
    );
    book.add(CHAPTER, "slope-five", fixed(slope, 0), "a⁵, the slope of p⁵ at 0");
    Ok(())
}

/// The state each method keeps for one 256 × 128 layer, per weight.
fn memory_numbers(book: &mut Book) -> Result<()> {
    let (rows, cols) = LAYER;
    let n = rows * cols;
    let per_weight = |state: usize| state as f64 / n as f64;
    let full = FullMatrixAdagrad::state_len_for(n);
    let shampoo = ShampooConfig::new(0.1).build(rows, cols)?.state_len();
    let adafactor = AdafactorConfig::pytorch(0.01).build(rows, cols)?.state_len();
    let muon = MuonConfig::pytorch(0.01).build(rows, cols)?.state_len();
    let lion = LionConfig::new(0.01).build(n)?.state_len();
    ensure!(muon == n && lion == n, "Muon and Lion keep one momentum per weight");
    book.add(CHAPTER, "layer-rows", rows.to_string(), "the rows of the layer counted");
    book.add(CHAPTER, "layer-cols", cols.to_string(), "its columns");
    book.add(CHAPTER, "layer-weights", n.to_string(), "its weights");
    book.add(
        CHAPTER,
        "full-matrix-per-weight",
        fixed(per_weight(full), 0),
        "full-matrix Adagrad's state per weight",
    );
    book.add(
        CHAPTER,
        "full-matrix-gib",
        fixed(full as f64 * 8.0 / f64::from(1u32 << 30), 0),
        "GiB of G in f64 for the layer",
    );
    book.add(
        CHAPTER,
        "shampoo-per-weight",
        fixed(per_weight(shampoo), 2),
        "Shampoo's state per weight",
    );
    book.add(
        CHAPTER,
        "adafactor-per-weight",
        fixed(per_weight(adafactor), 4),
        "Adafactor's state per weight",
    );
    book.add(CHAPTER, "muon-per-weight", fixed(per_weight(muon), 0), "Muon's state per weight");
    book.add(CHAPTER, "lion-per-weight", fixed(per_weight(lion), 0), "Lion's state per weight");
    Ok(())
}

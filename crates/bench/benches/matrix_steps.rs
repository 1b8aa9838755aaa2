//! `cargo bench -p bench --bench matrix_steps -- [--python PYTHON] [--csv FILE]`:
//! what a step of each method of the chapter "Beyond the diagonal" costs on the
//! digit network, against an Adam step, and the same libraries' steps in PyTorch
//! and optax in the same run.
//!
//! The parameters are the network's: W₁ (64 × 32), b₁ (32), W₂ (32 × 10), b₂ (10),
//! 2410 weights in one flat slice, float64. Each matrix method steps the two
//! matrices through a [`Blockwise`] layout and the biases with AdamW, as in the
//! chapter's race; Adam and AdamW step the whole slice. Three kinds of rows:
//!
//! - **step**: one `step` on one thread with the gradient of the first batch of
//!   32 training images, the best and median of [`STEPS`] steps after
//!   [`WARM_UP`], in µs;
//! - **gradient**: the forward and backward pass of that batch, what every method
//!   pays before its step;
//! - **epoch**: one epoch of `network::train` (34 batches of 32) with the
//!   method, the best and median of [`EPOCHS`] epochs after 2 of warm-up, in µs:
//!   what the chapter multiplies by the epochs each method needed to reach its
//!   validation target, for the wall time to it.
//!
//! With `--python`, `crates/bench/peers/matrix_steps.py` then times the steps of
//! `torch.optim` (Adam, AdamW, Muon with AdamW on the biases, Adafactor) and
//! optax (adam, adamw, contrib.muon, adafactor, lion) on the same shapes, on one
//! thread, as the course's step runs.

use std::fmt::Write as _;
use std::time::Instant;

use bench::machine::{Fields, cpu_model, load_average};

use beyond::{AdafactorConfig, Blockwise, Layout, LionConfig, MuonConfig, ShampooConfig, Shape};
use gd::{HyperParameterError, Optimizer};
use momentum::{AdamConfig, PYTORCH_ADAMW_DECAY, adamw};
use network::{Classifier, Training, train};

/// Timed steps per row, and the steps before them.
const STEPS: usize = 400;
const WARM_UP: usize = 20;
/// Timed epochs per row.
const EPOCHS: usize = 10;
const BATCH: usize = 32;

/// The learning rates of the race's best runs (`book/src/figures/beyond-network.json`).
/// A step's cost does not depend on η; these only keep the epochs' weights where
/// the race's runs had them.
const ADAMW_ETA: f64 = 0.0316;
const MUON_ETA: f64 = 0.1;
const ADAFACTOR_ETA: f64 = 0.1;
const LION_ETA: f64 = 0.01;
const SHAMPOO_ETA: f64 = 1.0;

/// The methods timed, each as the chapter builds it.
#[derive(Debug, Clone, Copy)]
enum Method {
    Adam,
    FastAdam,
    AdamW,
    Muon,
    Adafactor,
    Lion,
    Shampoo,
}

impl Method {
    const ALL: [Self; 7] = [
        Self::Adam,
        Self::FastAdam,
        Self::AdamW,
        Self::Muon,
        Self::Adafactor,
        Self::Lion,
        Self::Shampoo,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Adam => "Adam",
            Self::FastAdam => "Adam (fast)",
            Self::AdamW => "AdamW",
            Self::Muon => "Muon",
            Self::Adafactor => "Adafactor",
            Self::Lion => "Lion",
            Self::Shampoo => "Shampoo",
        }
    }

    /// What the course runs, as the CSV's `call` column says it.
    fn call(self) -> &'static str {
        match self {
            Self::Adam => "momentum::Adam (AdamConfig::pytorch)",
            Self::FastAdam => "fast::FastAdam (AdamConfig::pytorch)",
            Self::AdamW => "momentum::adamw (AdamConfig::pytorch, λ = 0.01)",
            Self::Muon => "beyond::Muon (MuonConfig::optax) + AdamW (biases)",
            Self::Adafactor => "beyond::Adafactor (AdafactorConfig::pytorch) + AdamW (biases)",
            Self::Lion => "beyond::Lion (LionConfig::optax) + AdamW (biases)",
            Self::Shampoo => "beyond::Shampoo (ShampooConfig::new) + AdamW (biases)",
        }
    }

    fn build(self, shape: network::Shape) -> Result<Box<dyn Optimizer>, HyperParameterError> {
        let n = shape.dimension();
        let adamw_of = |eta: f64, n: usize| -> Result<Box<dyn Optimizer>, HyperParameterError> {
            Ok(Box::new(adamw(AdamConfig::pytorch(eta), PYTORCH_ADAMW_DECAY, n)?))
        };
        let matrix: fn(usize, usize) -> Result<Box<dyn Optimizer>, HyperParameterError> = match self
        {
            Self::Adam => return Ok(Box::new(AdamConfig::pytorch(ADAMW_ETA).build(n)?)),
            Self::FastAdam => {
                return Ok(Box::new(fast::FastAdam::new(AdamConfig::pytorch(ADAMW_ETA), n)?));
            }
            Self::AdamW => return adamw_of(ADAMW_ETA, n),
            Self::Muon => |r, c| Ok(Box::new(MuonConfig::optax(MUON_ETA).build(r, c)?)),
            Self::Adafactor => {
                |r, c| Ok(Box::new(AdafactorConfig::pytorch(ADAFACTOR_ETA).build(r, c)?))
            }
            Self::Lion => |r, c| Ok(Box::new(LionConfig::optax(LION_ETA).build(r * c)?)),
            Self::Shampoo => |r, c| Ok(Box::new(ShampooConfig::new(SHAMPOO_ETA).build(r, c)?)),
        };
        let layout = Layout::new(vec![
            Shape::Matrix { rows: shape.inputs(), cols: shape.hidden() },
            Shape::Vector(shape.hidden()),
            Shape::Matrix { rows: shape.hidden(), cols: shape.classes() },
            Shape::Vector(shape.classes()),
        ]);
        Ok(Box::new(Blockwise::new(layout, matrix, |n| adamw_of(ADAMW_ETA, n))?))
    }
}

/// One row of the results.
struct Row {
    implementation: String,
    optimizer: String,
    call: String,
    threads: usize,
    what: &'static str,
    /// Best and median, in µs.
    times: (f64, f64),
}

/// Best and median of timings in seconds, in µs.
fn summarize(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (1e6 * times[0], 1e6 * times[times.len() / 2])
}

/// Times `run` [`STEPS`] times after [`WARM_UP`].
fn time_each(mut run: impl FnMut()) -> (f64, f64) {
    let mut times = Vec::with_capacity(STEPS);
    for i in 0..WARM_UP + STEPS {
        let started = Instant::now();
        run();
        if i >= WARM_UP {
            times.push(started.elapsed().as_secs_f64());
        }
    }
    summarize(times)
}

fn rust_rows(train_set: &Classifier) -> Result<Vec<Row>, Box<dyn std::error::Error>> {
    let shape = train_set.shape();
    let start = shape.initialize(0);
    let batch: Vec<usize> = (0..BATCH).collect();
    let mut gradient = vec![0.0; shape.dimension()];
    let mut rows = Vec::new();
    let row = |method: &str, call: &str, what, times| Row {
        implementation: "Rust".to_owned(),
        optimizer: method.to_owned(),
        call: call.to_owned(),
        threads: 1,
        what,
        times,
    };
    let times = time_each(|| {
        std::hint::black_box(train_set.batch_loss_and_gradient(&start, &batch, &mut gradient));
    });
    rows.push(row("gradient", "Classifier::batch_loss_and_gradient, 32 images", "gradient", times));
    for method in Method::ALL {
        let mut optimizer = method.build(shape)?;
        let mut w = start.clone();
        let times = time_each(|| optimizer.step(std::hint::black_box(&mut w), &gradient));
        rows.push(row(method.name(), method.call(), "step", times));
    }
    for method in Method::ALL {
        let mut optimizer = method.build(shape)?;
        let mut w = start.clone();
        let mut times = Vec::new();
        for epoch in 0..EPOCHS + 2 {
            let run = Training { batch_size: BATCH, epochs: 1, seed: epoch as u64 };
            let started = Instant::now();
            train(train_set, optimizer.as_mut(), &mut w, run, |_, _| {})?;
            if epoch >= 2 {
                times.push(started.elapsed().as_secs_f64());
            }
        }
        rows.push(row(method.name(), method.call(), "epoch", summarize(times)));
    }
    Ok(rows)
}

/// The peers' rows and the versions they ran, from one run of the script.
fn peer_rows(
    python: &str,
    threads: usize,
) -> Result<(Vec<Row>, String), Box<dyn std::error::Error>> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/matrix_steps.py");
    let output = std::process::Command::new(python)
        .arg(script)
        .args(["--steps", &STEPS.to_string(), "--threads", &threads.to_string()])
        .output()?;
    if !output.status.success() {
        return Err(format!("{python} failed: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    let mut rows = Vec::new();
    let mut versions = String::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let fields = Fields::parse(line);
        if line.contains("\"versions\"") {
            versions = format!("python {}, numpy {}", fields.get("python"), fields.get("numpy"));
            continue;
        }
        rows.push(Row {
            implementation: fields.get("library").to_owned(),
            optimizer: fields.get("optimizer").to_owned(),
            call: fields.get("call").to_owned(),
            threads,
            what: "step",
            times: (fields.seconds_in("best", 1e6), fields.seconds_in("median", 1e6)),
        });
    }
    Ok((rows, versions))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let load = load_average();
    let split = datasets::digits()?.split(datasets::DIGITS_SPLIT_SEED)?;
    let train_set = Classifier::digits(&split.train, 0.0)?;

    let mut rows = rust_rows(&train_set)?;
    let mut versions = String::new();
    if let Some(python) = option("--python") {
        // One thread, as the course's step runs.
        let (peers, found) = peer_rows(python, 1)?;
        rows.extend(peers);
        versions = found;
    }
    let libraries: Vec<&str> = {
        let mut names: Vec<&str> =
            rows.iter().map(|r| r.implementation.as_str()).filter(|i| *i != "Rust").collect();
        names.dedup();
        names
    };
    if !libraries.is_empty() {
        versions = format!("{versions}, {}", libraries.join(", "));
    }

    let mut csv = String::new();
    let _ = writeln!(
        csv,
        "# command: cargo bench -p bench --bench matrix_steps -- --python PYTHON --csv FILE"
    );
    let _ = writeln!(
        csv,
        "# machine: {}, {} cores",
        cpu_model(),
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    let _ = writeln!(csv, "# versions: {versions}");
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let _ = writeln!(csv, "# date: {}", &now[..10]);
    let _ = writeln!(csv, "# load average at the start: {load}");
    let _ = writeln!(
        csv,
        "# times: µs on one thread; a step or a gradient: best and median of {STEPS} after {WARM_UP}; an epoch ({} images; batches of {BATCH}): best and median of {EPOCHS} after 2",
        split.train.samples()
    );
    let _ = writeln!(csv, "implementation,optimizer,call,threads,what,best_us,median_us");
    println!(
        "{:<14} {:<12} {:>7} {:>9} {:>11} {:>11}",
        "library", "optimizer", "threads", "what", "best µs", "median µs"
    );
    for r in &rows {
        let (best, median) = r.times;
        println!(
            "{:<14} {:<12} {:>7} {:>9} {best:>11.2} {median:>11.2}",
            r.implementation, r.optimizer, r.threads, r.what
        );
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{best:.3},{median:.3}",
            r.implementation,
            r.optimizer,
            r.call.replace(',', ";"),
            r.threads,
            r.what
        );
    }
    if let Some(path) = option("--csv") {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        std::fs::write(root.join(path), csv)?;
    }
    Ok(())
}

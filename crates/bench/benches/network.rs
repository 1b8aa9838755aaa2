//! `cargo bench -p bench --bench network -- --python PYTHON [--csv FILE]`: one
//! training epoch of the digit network, in Rust and in PyTorch, in the same run.
//!
//! The epoch is the course's: the 1077 training images of the seeded split
//! (pixels / 16), the 64 → 32 tanh → 10 network with softmax cross-entropy, float64,
//! batches of 32 from a fresh shuffle, one plain gradient-descent step (η = 0.1)
//! per batch. The Rust side is `network::train` with `gd::GradientDescent` on one
//! thread; then the training images are written to a temporary CSV and
//! `crates/bench/peers/network_epoch.py` times the same epoch with `torch.nn` and
//! `torch.optim.SGD`, on one thread and on the machine's default threads. Each
//! time is the best and the median of 40 epochs after 3 of warm-up, in ms.
//!
//! Without `--python`, only the Rust epoch is timed.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

use bench::machine::{Fields, cpu_model, load_average};

use network::{Classifier, Training, train};

const EPOCHS: usize = 40;
const BATCH: usize = 32;
const LEARNING_RATE: f64 = 0.1;

/// Best and median of the timings, in ms.
fn summarize(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (1e3 * times[0], 1e3 * times[times.len() / 2])
}

fn rust_epochs(train_set: &Classifier) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let mut w = train_set.shape().initialize(0);
    let mut optimizer = gd::GradientDescent::new(LEARNING_RATE)?;
    let mut times = Vec::new();
    for epoch in 0..EPOCHS + 3 {
        let run = Training { batch_size: BATCH, epochs: 1, seed: epoch as u64 };
        let started = Instant::now();
        train(train_set, &mut optimizer, &mut w, run, |_, _| {})?;
        if epoch >= 3 {
            times.push(started.elapsed().as_secs_f64());
        }
    }
    Ok(summarize(times))
}

fn torch_epochs(
    python: &str,
    data: &std::path::Path,
    threads: usize,
) -> Result<Fields, Box<dyn std::error::Error>> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/network_epoch.py");
    let output = std::process::Command::new(python)
        .arg(script)
        .args(["--data", &data.to_string_lossy(), "--batch", &BATCH.to_string()])
        .args(["--epochs", &EPOCHS.to_string(), "--threads", &threads.to_string()])
        .args(["--lr", &LEARNING_RATE.to_string()])
        .output()?;
    if !output.status.success() {
        return Err(format!("{python} failed: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    Ok(Fields::parse(&String::from_utf8_lossy(&output.stdout)))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let split = datasets::digits()?.split(datasets::DIGITS_SPLIT_SEED)?;
    let train_set = Classifier::digits(&split.train, 0.0)?;
    let load = load_average();

    let mut rows = vec![("Rust (network::train)".to_owned(), 1, rust_epochs(&train_set)?)];
    let mut versions = String::new();
    if let Some(python) = option("--python") {
        let file = tempfile_path();
        {
            let mut out = std::fs::File::create(&file)?;
            let inputs = split.train.inputs();
            for (i, label) in split.train.labels().iter().enumerate() {
                let row = &inputs[i * 64..(i + 1) * 64];
                let text: Vec<String> = row.iter().map(|x| format!("{x:?}")).collect();
                writeln!(out, "{},{label}", text.join(","))?;
            }
        }
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        for threads in [1, cores] {
            let fields = torch_epochs(python, &file, threads)?;
            let name = format!("PyTorch {} (torch.nn and torch.optim.SGD)", fields.get("torch"));
            rows.push((
                name,
                threads,
                (fields.seconds_in("best", 1e3), fields.seconds_in("median", 1e3)),
            ));
            versions = format!(
                "python {}, numpy {}, torch {}",
                fields.get("python"),
                fields.get("numpy"),
                fields.get("torch")
            );
        }
        std::fs::remove_file(&file)?;
    }
    let rust_best = rows[0].2.0;
    println!("one epoch: {} images, batches of {BATCH}, f64, 64 → 32 → 10", split.train.samples());
    println!(
        "{:<48} {:>7} {:>9} {:>10} {:>8}",
        "implementation", "threads", "best ms", "median ms", "× Rust"
    );
    let mut csv = String::new();
    let _ = writeln!(
        csv,
        "# command: cargo bench -p bench --bench network -- --python PYTHON --csv FILE"
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
        "# times: ms per epoch of {} images, batches of {BATCH}, best and median of {EPOCHS} epochs",
        split.train.samples()
    );
    let _ = writeln!(csv, "implementation,threads,best_ms,median_ms");
    for (name, threads, (best, median)) in &rows {
        println!("{name:<48} {threads:>7} {best:>9.3} {median:>10.3} {:>8.1}", best / rust_best);
        let _ = writeln!(csv, "{name},{threads},{best:.4},{median:.4}");
    }
    if let Some(path) = option("--csv") {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        std::fs::write(root.join(path), csv)?;
    }
    Ok(())
}

fn tempfile_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("descent-digits-{}.csv", std::process::id()))
}

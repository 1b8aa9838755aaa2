//! What the matrix methods of "Beyond the diagonal" cost in time: their steps on
//! the digit network against Adam's, in Rust, PyTorch and optax
//! (`crates/bench/results/matrix_steps.csv`), and the wall time each took to
//! the race's validation target (the race's epochs, from
//! `book/src/figures/beyond-network.json`, times the measured epoch).

use anyhow::{Context, Result};

use super::format::fixed;
use super::measurements::{self, MatrixStepRow, Measured};

/// The methods of the step table, in its order.
pub const STEP_METHODS: [&str; 7] =
    ["Adam", "Adam (fast)", "AdamW", "Muon", "Adafactor", "Lion", "Shampoo"];

/// The libraries compared, as the CSV names them (by prefix), and their columns.
const PEERS: [(&str, &str); 2] = [("PyTorch", "PyTorch"), ("optax", "optax (jitted)")];

/// The median time of a row, in µs, written for a table.
fn micros(row: Option<&MatrixStepRow>) -> String {
    row.map_or_else(|| "—".to_owned(), |r| format!("{:.1}", r.median_us))
}

/// The step table of "Making it fast": each method's step on the network's 2410
/// weights, one thread, median µs, in Rust and in the libraries that have it.
pub fn steps_table() -> Result<String> {
    let measured = measurements::matrix_steps()?;
    let adam = measured.at("Rust", "Adam", "step")?.median_us;
    let mut out = String::from("| method | Descent, µs per step | × Adam's step |");
    for (_, title) in PEERS {
        out.push_str(&format!(" {title}, µs |"));
    }
    out.push_str("\n|---|---|---|");
    out.push_str(&"---|".repeat(PEERS.len()));
    out.push('\n');
    for method in STEP_METHODS {
        let ours = measured.at("Rust", method, "step")?;
        out.push_str(&format!(
            "| {method} | {:.1} | {:.1} |",
            ours.median_us,
            ours.median_us / adam
        ));
        for (library, _) in PEERS {
            // The fast step has no peer of its own: the libraries' Adam is in the
            // row above.
            let row =
                if method == "Adam (fast)" { None } else { measured.find(library, method, "step") };
            out.push_str(&format!(" {} |", micros(row)));
        }
        out.push('\n');
    }
    let gradient = measured.at("Rust", "gradient", "gradient")?;
    out.push_str(&format!(
        "\nThe gradient of the batch (32 images, forward and backward) takes {:.1} µs in Rust: every method pays it before its step. {}\n",
        gradient.median_us,
        provenance(&measured)
    ));
    Ok(out)
}

/// Where the numbers come from, in one sentence.
pub fn provenance(measured: &Measured<MatrixStepRow>) -> String {
    format!(
        "Measured by `cargo bench -p bench --bench matrix_steps` on {}, {} ({}); {}; the tables give the medians.",
        measured.about("machine"),
        measured.about("date"),
        measured.about("versions"),
        measured.about("times")
    )
}

/// The race's methods with their mean epochs to the target and the wall time
/// that is, from the measured epoch.
pub struct WallTime {
    /// The method's name.
    pub name: String,
    /// Its step, median µs.
    pub step_us: f64,
    /// Its epoch, median ms.
    pub epoch_ms: f64,
    /// Mean epochs to the target over the final seeds (`None`: not raced).
    pub epochs: Option<f64>,
}

impl WallTime {
    /// The wall time to the target, in ms.
    pub fn to_target_ms(&self) -> Option<f64> {
        self.epochs.map(|e| e * self.epoch_ms)
    }
}

/// Every method of the chapter's time table, in its order.
pub fn wall_times() -> Result<Vec<WallTime>> {
    let measured = measurements::matrix_steps()?;
    let record = crate::sweeps::beyond::load()?;
    ["AdamW", "Muon", "Adafactor", "Lion", "Shampoo"]
        .into_iter()
        .map(|name| {
            let epochs = match record.methods.iter().find(|m| m.name == name) {
                None => None,
                Some(m) => {
                    let epochs = m
                        .best
                        .iter()
                        .map(|r| {
                            r.race.epochs_to_target.map(|e| e as f64).with_context(|| {
                                format!("{name} never reached the target from seed {}", r.seed)
                            })
                        })
                        .collect::<Result<Vec<f64>>>()?;
                    Some(epochs.iter().sum::<f64>() / epochs.len() as f64)
                }
            };
            Ok(WallTime {
                name: name.to_owned(),
                step_us: measured.at("Rust", name, "step")?.median_us,
                epoch_ms: measured.at("Rust", name, "epoch")?.median_us / 1e3,
                epochs,
            })
        })
        .collect()
}

/// The chapter's table: step, epoch, epochs to the target and the wall time.
pub fn wall_time_table() -> Result<String> {
    let record = crate::sweeps::beyond::load()?;
    let target = fixed(100.0 * record.target_accuracy, 0);
    let mut out = format!(
        "| method (weight matrices) | step, µs | epoch, ms | epochs to {target} % (mean) | wall time to {target} %, ms |\n|---|---|---|---|---|\n"
    );
    for w in wall_times()? {
        let (epochs, wall) = match (w.epochs, w.to_target_ms()) {
            (Some(e), Some(t)) => (fixed(e, 2), fixed(t, 1)),
            _ => ("not raced".to_owned(), "—".to_owned()),
        };
        out.push_str(&format!(
            "| {} | {:.1} | {:.2} | {epochs} | {wall} |\n",
            w.name, w.step_us, w.epoch_ms
        ));
    }
    out.push_str(&format!("\n{}\n", provenance(&measurements::matrix_steps()?)));
    Ok(out)
}

//! The committed measurements of `crates/bench/results/`, read for the chapter
//! "Making it fast".
//!
//! Speed depends on the machine, so the book's roofline, tables and numbers are
//! not measured when the figures are drawn: they are read from CSV files that
//! `cargo bench -p bench --bench step -- --csv …` and
//! `crates/bench/peers/peers.py --out …` wrote on one machine and that are
//! committed, so that `cargo xtask figures --check` stays deterministic. Each file
//! opens with `# key: value` lines that say where its numbers come from.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};

/// Where the measurements live, from the workspace root.
pub const RESULTS: &str = "crates/bench/results";

/// A CSV file of measurements: its `# key: value` lines and its rows.
#[derive(Debug, Clone)]
pub struct Measured<T> {
    /// Where the numbers come from: command, machine, compiler or versions, date.
    pub provenance: BTreeMap<String, String>,
    /// The rows, in file order.
    pub rows: Vec<T>,
}

impl<T> Measured<T> {
    /// The value of a `# key: value` line, or "unknown".
    pub fn about(&self, key: &str) -> &str {
        self.provenance.get(key).map_or("unknown", String::as_str)
    }
}

/// One row of `step.csv`: an optimizer at one size, times in ns per element.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRow {
    /// The number of parameters.
    pub n: usize,
    /// The optimizer's name ("RMSprop").
    pub optimizer: String,
    /// f64 words moved per element.
    pub words: usize,
    /// Floating-point operations per element.
    pub flops: usize,
    /// Divisions and square roots per element.
    pub divider_ops: usize,
    /// The course crate's readable step.
    pub readable: f64,
    /// The `fast` crate's step.
    pub fast: f64,
    /// The threads the fast step used.
    pub fast_threads: usize,
    /// The same-bytes baseline on one thread.
    pub baseline_1t: f64,
    /// The same-bytes baseline on two threads.
    pub baseline_2t: f64,
}

impl StepRow {
    /// Bytes moved per element.
    pub fn bytes(&self) -> f64 {
        8.0 * self.words as f64
    }

    /// Floating-point operations per byte moved.
    pub fn intensity(&self) -> f64 {
        self.flops as f64 / self.bytes()
    }
}

/// One row of `threads.csv`: the fast step on one thread and on two.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadsRow {
    /// The optimizer's name.
    pub optimizer: String,
    /// The number of parameters.
    pub n: usize,
    /// ns per element on one thread.
    pub one: f64,
    /// ns per element on two threads.
    pub two: f64,
}

/// One row of `peers.csv`: a library's step, in ns per element.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerRow {
    /// "numpy", "optax" (XLA on every core), "optax 1T" (one core), "torch".
    pub library: String,
    /// The optimizer's name, as in `step.csv`.
    pub optimizer: String,
    /// The number of parameters.
    pub n: usize,
    /// ns per element.
    pub ns: f64,
}

/// Reads `RESULTS/name`: the provenance lines and the rows as maps from column
/// name to text.
fn read(name: &str) -> Result<Measured<BTreeMap<String, String>>> {
    let path = crate::workspace::root().join(RESULTS).join(name);
    parse(&std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading {} (measure with `cargo bench -p bench --bench step -- --csv` or the peers \
             script, see crates/bench/results/README.md)",
            path.display()
        )
    })?)
    .with_context(|| format!("in {}", Path::new(RESULTS).join(name).display()))
}

/// Parses a measurement CSV (no quoting: the fields hold no commas).
fn parse(text: &str) -> Result<Measured<BTreeMap<String, String>>> {
    let mut provenance = BTreeMap::new();
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if let Some(comment) = line.strip_prefix('#') {
            if let Some((key, value)) = comment.split_once(':') {
                provenance.insert(key.trim().to_owned(), value.trim().to_owned());
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split(',').map(|f| f.trim().to_owned()).collect();
        match &header {
            None => header = Some(fields),
            Some(names) => {
                ensure!(
                    fields.len() == names.len(),
                    "line {}: {} fields, the header has {}",
                    number + 1,
                    fields.len(),
                    names.len()
                );
                rows.push(names.iter().cloned().zip(fields).collect());
            }
        }
    }
    ensure!(!rows.is_empty(), "no rows");
    Ok(Measured { provenance, rows })
}

/// The field `name` of `row`, parsed.
fn field<T: std::str::FromStr>(row: &BTreeMap<String, String>, name: &str) -> Result<T> {
    let text = row.get(name).with_context(|| format!("no column {name}"))?;
    match text.parse() {
        Ok(value) => Ok(value),
        Err(_) => bail!("column {name}: cannot read `{text}`"),
    }
}

/// `step.csv`: every optimizer, readable and fast, beside the baselines.
pub fn steps() -> Result<Measured<StepRow>> {
    let raw = read("step.csv")?;
    let rows = raw
        .rows
        .iter()
        .map(|r| {
            Ok(StepRow {
                n: field(r, "n")?,
                optimizer: field(r, "optimizer")?,
                words: field(r, "words")?,
                flops: field(r, "flops")?,
                divider_ops: field(r, "divider_ops")?,
                readable: field(r, "readable_ns")?,
                fast: field(r, "fast_ns")?,
                fast_threads: field(r, "fast_threads")?,
                baseline_1t: field(r, "baseline_1t_ns")?,
                baseline_2t: field(r, "baseline_2t_ns")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Measured { provenance: raw.provenance, rows })
}

/// `threads.csv`: the fast step on one thread and on two, on a finer grid.
pub fn threads() -> Result<Measured<ThreadsRow>> {
    let raw = read("threads.csv")?;
    let rows = raw
        .rows
        .iter()
        .map(|r| {
            Ok(ThreadsRow {
                optimizer: field(r, "optimizer")?,
                n: field(r, "n")?,
                one: field(r, "one_thread_ns")?,
                two: field(r, "two_threads_ns")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Measured { provenance: raw.provenance, rows })
}

/// `peers.csv`: numpy, optax (and torch, if it was installed).
pub fn peers() -> Result<Measured<PeerRow>> {
    let raw = read("peers.csv")?;
    let rows = raw
        .rows
        .iter()
        .map(|r| {
            Ok(PeerRow {
                library: field(r, "library")?,
                optimizer: field(r, "optimizer")?,
                n: field(r, "n")?,
                ns: field(r, "ns")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Measured { provenance: raw.provenance, rows })
}

/// One row of `network.csv`: one training epoch of the digit network.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochRow {
    /// What ran it ("Rust (network::train)", "PyTorch 2.15.0 (…)").
    pub implementation: String,
    /// The threads it ran on.
    pub threads: usize,
    /// The best epoch, in ms.
    pub best_ms: f64,
    /// The median epoch, in ms.
    pub median_ms: f64,
}

/// `network.csv`: one epoch of the digit network in Rust and in PyTorch.
pub fn epochs() -> Result<Measured<EpochRow>> {
    let raw = read("network.csv")?;
    let rows = raw
        .rows
        .iter()
        .map(|r| {
            Ok(EpochRow {
                implementation: field(r, "implementation")?,
                threads: field(r, "threads")?,
                best_ms: field(r, "best_ms")?,
                median_ms: field(r, "median_ms")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Measured { provenance: raw.provenance, rows })
}

impl Measured<StepRow> {
    /// The row of `optimizer` at `n`.
    pub fn at(&self, optimizer: &str, n: usize) -> Result<&StepRow> {
        self.rows
            .iter()
            .find(|r| r.optimizer == optimizer && r.n == n)
            .with_context(|| format!("step.csv has no row for {optimizer} at n = {n}"))
    }
}

impl Measured<PeerRow> {
    /// ns per element of `library`'s `optimizer` at `n`.
    pub fn at(&self, library: &str, optimizer: &str, n: usize) -> Result<f64> {
        self.rows
            .iter()
            .find(|r| r.library == library && r.optimizer == optimizer && r.n == n)
            .map(|r| r.ns)
            .with_context(|| format!("peers.csv has no {library} {optimizer} at n = {n}"))
    }

    /// The libraries measured, in file order.
    pub fn libraries(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for row in &self.rows {
            if !seen.contains(&row.library.as_str()) {
                seen.push(&row.library);
            }
        }
        seen
    }
}

impl Measured<ThreadsRow> {
    /// The smallest n of the grid from which two threads beat one at every
    /// larger n of the grid, for `optimizer`; `None` if they never do.
    pub fn pays_from(&self, optimizer: &str) -> Option<usize> {
        let rows: Vec<&ThreadsRow> =
            self.rows.iter().filter(|r| r.optimizer == optimizer).collect();
        let mut from = None;
        for row in rows {
            if row.two < row.one {
                from.get_or_insert(row.n);
            } else {
                from = None;
            }
        }
        from
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_lines_and_rows_are_read_apart() {
        let text = "# machine: AMD EPYC, 2 cores\n# date: 2026-01-01\nn,ns\n10,1.5\n100,0.25\n";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.about("machine"), "AMD EPYC, 2 cores");
        assert_eq!(parsed.about("compiler"), "unknown");
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(field::<f64>(&parsed.rows[1], "ns").unwrap(), 0.25);
    }

    #[test]
    fn a_short_row_is_an_error_naming_its_line() {
        let error = parse("n,ns\n10\n").unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
    }

    #[test]
    fn the_committed_measurements_hold_every_optimizer_at_every_size() {
        let steps = steps().unwrap();
        for name in ["GD", "Adagrad", "RMSprop", "Momentum", "Nesterov", "RMSprop+momentum", "Adam"]
        {
            for n in [1_000, 10_000, 100_000, 1_000_000, 10_000_000] {
                steps.at(name, n).unwrap();
            }
        }
        assert!(peers().unwrap().libraries().contains(&"numpy"));
        assert!(threads().unwrap().pays_from("RMSprop").is_some());
    }
}

/// One row of `matrix_steps.csv`: a step, a gradient or an epoch of the digit
/// network with one method, in Rust or in a library.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixStepRow {
    /// "Rust", or the library and its version ("PyTorch 2.15.0", "optax 0.2.8").
    pub implementation: String,
    /// The method ("Muon", "Adam (fast)", or "gradient" for the batch's gradient).
    pub optimizer: String,
    /// What ran, as its user writes it.
    pub call: String,
    /// The threads it ran on.
    pub threads: usize,
    /// "step", "gradient" or "epoch".
    pub what: String,
    /// The best time, in µs.
    pub best_us: f64,
    /// The median time, in µs.
    pub median_us: f64,
}

/// `matrix_steps.csv`: the matrix methods' steps on the digit network, against
/// Adam's, in Rust, PyTorch and optax.
pub fn matrix_steps() -> Result<Measured<MatrixStepRow>> {
    let raw = read("matrix_steps.csv")?;
    let rows = raw
        .rows
        .iter()
        .map(|r| {
            Ok(MatrixStepRow {
                implementation: field(r, "implementation")?,
                optimizer: field(r, "optimizer")?,
                call: field(r, "call")?,
                threads: field(r, "threads")?,
                what: field(r, "what")?,
                best_us: field(r, "best_us")?,
                median_us: field(r, "median_us")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Measured { provenance: raw.provenance, rows })
}

impl Measured<MatrixStepRow> {
    /// The row of `what` ("step", "epoch") for `optimizer` in the implementation
    /// whose name starts with `implementation`, on one thread, if it was measured.
    pub fn find(
        &self,
        implementation: &str,
        optimizer: &str,
        what: &str,
    ) -> Option<&MatrixStepRow> {
        self.rows.iter().find(|r| {
            r.implementation.starts_with(implementation)
                && r.optimizer == optimizer
                && r.what == what
                && r.threads == 1
        })
    }

    /// As [`find`](Self::find), failing with the row's name if it is missing.
    pub fn at(&self, implementation: &str, optimizer: &str, what: &str) -> Result<&MatrixStepRow> {
        self.find(implementation, optimizer, what).with_context(|| {
            format!("matrix_steps.csv has no one-thread {what} of {optimizer} in {implementation}")
        })
    }
}

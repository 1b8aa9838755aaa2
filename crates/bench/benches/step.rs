//! `cargo bench -p bench --bench step`: each optimizer's readable step and its
//! fast step (the `fast` crate) beside the same-bytes baselines on one and on two
//! threads, for n = 10³ … 10⁷ parameters, in ns per element.
//!
//! - `-- --csv FILE` also writes the table as CSV, with the machine, the compiler
//!   and the date in `#` lines at its top (the book's roofline and tables read
//!   `crates/bench/results/step.csv`, made so).
//! - `-- --threads` instead times the fast step on one thread against two, on a
//!   finer grid of n, and prints where the second thread starts to pay
//!   (`-- --threads --csv FILE` writes that table).
//!   `-- --threads --pieces P` has the two threads take pieces of P elements from
//!   a shared queue instead of one piece each.
//! - `-- --quick` times fewer runs (a rough table in a few seconds).

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use bench::{Method, baseline_in_threads, best_of, methods};
use fast::{Isa, Plan};

/// The timings of one optimizer at one size, in ns per element.
struct Row {
    n: usize,
    method: &'static str,
    words: usize,
    flops: usize,
    divider_ops: usize,
    readable: f64,
    fast: f64,
    fast_threads: usize,
    baseline_one: f64,
    baseline_two: f64,
}

/// The arrays of a measurement: parameters, gradients and three state arrays for
/// the baselines (the optimizers keep their own).
struct Arrays {
    params: Vec<f64>,
    grads: Vec<f64>,
    first: Vec<f64>,
    second: Vec<f64>,
    third: Vec<f64>,
}

impl Arrays {
    fn new(n: usize) -> Self {
        Self {
            params: vec![0.5; n],
            // No gradient is exactly 0: a weight whose gradient is 0 under L2
            // decays into subnormal numbers, which the CPU computes with 10 to
            // 100 times slower microcode, and the timing would measure that.
            grads: (0..n).map(|i| 1e-3 * ((i % 17) as f64 - 8.5)).collect(),
            first: vec![0.0; n],
            second: vec![0.0; n],
            third: vec![0.0; n],
        }
    }

    /// The same-bytes baseline of `words` words on `threads` threads.
    fn baseline(&mut self, threads: usize, words: usize) {
        baseline_in_threads(
            threads,
            words,
            black_box(&mut self.params),
            black_box(&self.grads),
            [&mut self.first, &mut self.second, &mut self.third],
        );
    }
}

/// ns per element of the best of `runs` calls of `f`, best of three rounds.
fn ns_per_element(n: usize, time: Duration) -> f64 {
    time.as_secs_f64() * 1e9 / n as f64
}

/// How many calls make one measurement: about `budget` element updates, at
/// least 4 calls.
fn runs_for(n: usize, budget: usize) -> usize {
    (budget / n).clamp(4, 7_000)
}

/// Times `method` at size `n`: readable and fast steps and both baselines,
/// interleaved over three rounds so that all see the same machine.
fn measure(method: &Method, n: usize, budget: usize) -> Row {
    let runs = runs_for(n, budget);
    let mut arrays = Arrays::new(n);
    let mut readable = (method.readable)(n);
    let mut fast = (method.fast)(n, Plan::default());
    let mut times = [Duration::MAX; 4];
    for _ in 0..3 {
        let Arrays { params, grads, .. } = &mut arrays;
        let round = [
            best_of(runs, || readable.step(black_box(params), black_box(grads))),
            best_of(runs, || fast.step(black_box(params), black_box(grads))),
        ];
        let baselines = [
            best_of(runs, || arrays.baseline(1, method.words)),
            best_of(runs, || arrays.baseline(2, method.words)),
        ];
        for (time, new) in times.iter_mut().zip(round.into_iter().chain(baselines)) {
            *time = (*time).min(new);
        }
    }
    black_box(&arrays.params);
    let fast_threads = fast.threads_for(n);
    let [readable, fast, baseline_one, baseline_two] = times.map(|t| ns_per_element(n, t));
    Row {
        n,
        method: method.name,
        words: method.words,
        flops: method.flops,
        divider_ops: method.divider_ops,
        readable,
        fast,
        fast_threads,
        baseline_one,
        baseline_two,
    }
}

/// `part` as a percentage of `whole`'s speed: how close a step comes to a
/// baseline (100 % = as fast).
fn percent(baseline: f64, step: f64) -> f64 {
    100.0 * baseline / step
}

fn print_table(rows: &[Row]) {
    println!(
        "{:>9}  {:<17} {:>9} {:>9} {:>3} {:>9} {:>9}   {:>9} {:>9} {:>9}",
        "n",
        "optimizer",
        "readable",
        "fast",
        "thr",
        "base 1T",
        "base 2T",
        "read %1T",
        "fast %1T",
        "fast %2T"
    );
    println!(
        "{:>9}  {:<17} {:>9} {:>9} {:>3} {:>9} {:>9}",
        "", "", "ns/elem", "ns/elem", "", "ns/elem", "ns/elem"
    );
    for row in rows {
        println!(
            "{:>9}  {:<17} {:>9.3} {:>9.3} {:>3} {:>9.3} {:>9.3}   {:>8.0}% {:>8.0}% {:>8.0}%",
            row.n,
            row.method,
            row.readable,
            row.fast,
            row.fast_threads,
            row.baseline_one,
            row.baseline_two,
            percent(row.baseline_one, row.readable),
            percent(row.baseline_one, row.fast),
            percent(row.baseline_two, row.fast),
        );
    }
}

/// Where the numbers come from, as `#` lines for the top of a CSV file.
fn provenance(command: &str) -> String {
    let cpu = bench::machine::cpu_model();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = bench::machine::load_average();
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let mut out = String::new();
    let _ = writeln!(out, "# command: {command}");
    let _ = writeln!(out, "# machine: {cpu}, {cores} cores, fast path {}", Isa::best().name());
    let _ = writeln!(out, "# compiler: {rustc}, cargo bench profile (release)");
    let _ = writeln!(out, "# date: {}", today());
    let _ = writeln!(out, "# load average at the start: {load}");
    let _ =
        writeln!(out, "# times: ns per element, best of 3 interleaved rounds of best-of-k calls");
    out
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    now[..10].to_string()
}

/// Where `--csv FILE` writes: cargo runs a benchmark in its package's folder, so a
/// relative FILE is taken from the workspace's root, where `cargo bench` is typed.
fn csv_path(file: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.join(file)
}

fn write_csv(path: &str, header: &str, rows: &[Row]) -> std::io::Result<()> {
    let mut out = header.to_owned();
    out.push_str(
        "n,optimizer,words,flops,divider_ops,readable_ns,fast_ns,fast_threads,baseline_1t_ns,baseline_2t_ns\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{:.4},{:.4},{},{:.4},{:.4}",
            r.n,
            r.method,
            r.words,
            r.flops,
            r.divider_ops,
            r.readable,
            r.fast,
            r.fast_threads,
            r.baseline_one,
            r.baseline_two
        );
    }
    std::fs::write(csv_path(path), out)
}

/// The fast step on one thread and on two, on a finer grid of n: the size from
/// which the second thread pays.
fn threads_scan(csv: Option<&str>, budget: usize, pieces: Option<usize>) -> std::io::Result<()> {
    const SIZES: [usize; 12] = [
        10_000, 20_000, 30_000, 50_000, 70_000, 100_000, 150_000, 200_000, 300_000, 500_000,
        1_000_000, 3_000_000,
    ];
    println!("{:<16} {:>9} {:>11} {:>11} {:>7}", "optimizer", "n", "1 thread", "2 threads", "gain");
    let mut out = provenance("cargo bench -p bench --bench step -- --threads");
    out.push_str("optimizer,n,one_thread_ns,two_threads_ns\n");
    // The course's seven rules: the wrappers of "What the libraries add" split as
    // the rule they wrap does.
    for method in methods().into_iter().take(7) {
        let mut pays_from = None;
        for n in SIZES {
            let runs = runs_for(n, budget);
            let mut arrays = Arrays::new(n);
            let one = Plan::default().single_threaded();
            let two = Plan::default().with_threads(2, 1);
            let two = pieces.map_or(two, |p| two.with_pieces(p));
            let (mut fast_one, mut fast_two) = ((method.fast)(n, one), (method.fast)(n, two));
            let mut times = [Duration::MAX; 2];
            for _ in 0..3 {
                let Arrays { params, grads, .. } = &mut arrays;
                times[0] = times[0].min(best_of(runs, || fast_one.step(params, grads)));
                times[1] = times[1].min(best_of(runs, || fast_two.step(params, grads)));
            }
            let [t1, t2] = times.map(|t| ns_per_element(n, t));
            let gain = t1 / t2;
            if gain > 1.0 {
                pays_from.get_or_insert(n);
            } else {
                pays_from = None;
            }
            println!("{:<16} {n:>9} {t1:>11.3} {t2:>11.3} {gain:>6.2}×", method.name);
            let _ = writeln!(out, "{},{n},{t1:.4},{t2:.4}", method.name);
        }
        match pays_from {
            Some(n) => println!("{}: two threads are faster from n = {n} on\n", method.name),
            None => println!("{}: two threads never pay up to n = 3·10⁶\n", method.name),
        }
    }
    if let Some(path) = csv {
        std::fs::write(csv_path(path), out)?;
        println!("wrote {path}");
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let csv =
        args.iter().position(|a| a == "--csv").and_then(|i| args.get(i + 1)).map(String::as_str);
    // About 7·10⁷ element updates per measurement (a tenth with --quick).
    let budget = if args.iter().any(|a| a == "--quick") { 7_000_000 } else { 70_000_000 };
    println!("fast path: {}, {} cores", Isa::best().name(), Plan::default().max_threads());
    if args.iter().any(|a| a == "--threads") {
        let pieces = args
            .iter()
            .position(|a| a == "--pieces")
            .and_then(|i| args.get(i + 1))
            .and_then(|p| p.parse().ok());
        return threads_scan(csv, budget, pieces);
    }
    let header = provenance("cargo bench -p bench --bench step -- --csv FILE");
    let mut rows = Vec::new();
    for exponent in 3..=7 {
        let n = 10usize.pow(exponent);
        for method in methods() {
            rows.push(measure(&method, n, budget));
        }
    }
    print_table(&rows);
    if let Some(path) = csv {
        write_csv(path, &header, &rows)?;
        println!("wrote {path}");
    }
    Ok(())
}

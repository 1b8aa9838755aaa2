//! The figure and tables of "Making it fast", drawn from the committed
//! measurements (see [`super::measurements`]), never from a run of the clock.

use anyhow::{Context, Result, ensure};
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use super::measurements::{self, Measured, StepRow};
use super::plot::{
    ADAGRAD, Axes, Entry, GD, INK, MUTED, Mark, Marker, ORANGE, PURPLE, Panel, RMSPROP, Stroke,
    TICK_PX, font, svg,
};

/// The optimizers of the benchmark, in its order.
pub const OPTIMIZERS: [&str; 7] =
    ["GD", "Adagrad", "RMSprop", "Momentum", "Nesterov", "RMSprop+momentum", "Adam"];

/// The rows of "What the libraries add", in the benchmark's order after
/// [`OPTIMIZERS`]: in the full table, not in the roofline.
pub const LIBRARY_ROWS: [&str; 6] =
    ["RMSprop centered", "centered+momentum", "AMSGrad", "RMSprop+L2", "AdamW", "RMSprop cosine"];

/// The sizes of the benchmark.
pub const SIZES: [usize; 5] = [1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/// The colour of each optimizer in the roofline, in the order of [`OPTIMIZERS`]:
/// the course's colours where it has one (gradient descent, Adagrad, RMSprop,
/// momentum and Adam as in the other chapters).
const COLORS: [RGBColor; 7] = [GD, ADAGRAD, RMSPROP, ORANGE, PURPLE, INK, RGBColor(86, 180, 233)];

/// The size at which the arrays of a step sit in a core's L2 cache.
pub const IN_CACHE: usize = 10_000;

/// The size at which they are far larger than every cache.
pub const IN_MEMORY: usize = 10_000_000;

/// n as the tables write it: 10³ … 10⁷.
pub fn size_text(n: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let exponent = (n as f64).log10().round() as usize;
    format!("10{}", DIGITS[exponent % 10])
}

/// Bytes per ns (= GB/s) that the same-bytes baseline of `row` moved on one
/// thread and on two.
pub fn bandwidths(row: &StepRow) -> (f64, f64) {
    (row.bytes() / row.baseline_1t, row.bytes() / row.baseline_2t)
}

/// Divisions and square roots per ns on one core: RMSprop's two per element
/// over the fast step's time in cache, where nothing else limits it.
pub fn divider_rate(steps: &Measured<StepRow>) -> Result<f64> {
    let row = steps.at("RMSprop", IN_CACHE)?;
    ensure!(row.fast_threads == 1, "RMSprop in cache should run on one thread");
    Ok(row.divider_ops as f64 / row.fast)
}

/// The roofline of this machine: the bandwidth roofs measured by the same-bytes
/// baselines (in cache and in memory, on one core and on two), the divider's
/// ceiling for RMSprop, and every optimizer's fast step in cache and in memory.
pub fn roofline() -> Result<String> {
    let steps = measurements::steps()?;
    let five_words_cache = steps.at("RMSprop", IN_CACHE)?;
    let five_words_memory = steps.at("RMSprop", IN_MEMORY)?;
    let (cache_1t, _) = bandwidths(five_words_cache);
    let (memory_1t, memory_2t) = bandwidths(five_words_memory);
    let rmsprop_flops_per_divide =
        five_words_cache.flops as f64 / five_words_cache.divider_ops as f64;
    let divider_ceiling = divider_rate(&steps)? * rmsprop_flops_per_divide;
    let (x0, x1) = (0.05, 2.0);
    let (y0, y1) = (0.5, 200.0);
    let point = |row: &StepRow, ns: f64| (row.intensity(), row.flops as f64 / ns);
    let mut cache = Vec::new();
    let mut memory = Vec::new();
    for name in OPTIMIZERS {
        let (small, large) = (steps.at(name, IN_CACHE)?, steps.at(name, IN_MEMORY)?);
        cache.push((name, point(small, small.fast)));
        memory.push(point(large, large.fast));
    }
    let readable = point(five_words_cache, five_words_cache.readable);
    let mut legend: Vec<Entry> = OPTIMIZERS
        .iter()
        .zip(COLORS)
        .map(|(name, color)| Entry::new(name.replace('+', " with "), color, Mark::Ring))
        .collect();
    legend.push(Entry::new("in cache (n = 10⁴), 1 thread", INK, Mark::Ring));
    legend.push(Entry::new("in memory (n = 10⁷), 2 threads", INK, Mark::Cross));
    legend.push(Entry::new("memory bandwidth, 1 core", MUTED, Mark::Line));
    let axes = Axes::new((x0, x1), (y0, y1), "flops per byte moved", "GFLOP/s")
        .log_x()
        .log_y()
        .ticks(6, 6);
    let small = |color| font(TICK_PX).color(color);
    svg(520, |root| {
        let mut panel = Panel::new(root, None, &legend, axes)?;
        // y = bandwidth · x, cut where it leaves the frame.
        let roof = |bandwidth: f64| {
            let end = x1.min(y1 / bandwidth);
            [(x0, bandwidth * x0), (end, bandwidth * end)]
        };
        panel.line(&roof(cache_1t), Stroke::solid(INK))?;
        let label = "bandwidth in cache, 1 core";
        panel.text(roof(cache_1t)[0], (4, -6), label, small(&INK), (HPos::Left, VPos::Bottom))?;
        panel.line(&roof(memory_2t), Stroke::solid(INK))?;
        let label = "memory bandwidth, 2 cores";
        panel.text(
            roof(memory_2t)[1],
            (-4, -8),
            label,
            small(&INK),
            (HPos::Right, VPos::Bottom),
        )?;
        panel.line(&roof(memory_1t), Stroke::solid(MUTED))?;
        for (ceiling, label) in [
            (divider_ceiling, "divider (÷ and √), 1 core"),
            (2.0 * divider_ceiling, "divider (÷ and √), 2 cores"),
        ] {
            panel.line(&[(x0, ceiling), (x1, ceiling)], Stroke::dashed(MUTED))?;
            panel.text(
                (x1, ceiling),
                (-4, -4),
                label,
                small(&MUTED),
                (HPos::Right, VPos::Bottom),
            )?;
        }
        for ((_, at), (color, large)) in cache.iter().zip(COLORS.iter().zip(&memory)) {
            panel.markers(&[*at], *color, Marker::Ring, 5)?;
            panel.markers(&[*large], *color, Marker::Cross, 5)?;
        }
        panel.markers(&[readable], COLORS[2], Marker::Ring, 5)?;
        let label = "RMSprop, readable step";
        panel.text(readable, (9, 0), label, small(&COLORS[2]), (HPos::Left, VPos::Center))?;
        Ok(())
    })
}

/// ns per element with three significant digits at most.
fn ns(x: f64) -> String {
    if x >= 10.0 { format!("{x:.1}") } else { format!("{x:.2}") }
}

/// The full benchmark: every optimizer at every size, readable and fast, as a
/// share of the same-bytes baselines' speed.
pub fn speed_table() -> Result<String> {
    let steps = measurements::steps()?;
    let mut out = String::from(
        "| n | optimizer | readable, ns/element | fast, ns/element | threads | readable, % of 1-thread baseline | fast, % of 1-thread baseline | fast, % of 2-thread baseline |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for n in SIZES {
        for name in OPTIMIZERS.into_iter().chain(LIBRARY_ROWS) {
            let r = steps.at(name, n)?;
            let percent = |base: f64, step: f64| format!("{:.0} %", 100.0 * base / step);
            out.push_str(&format!(
                "| {} | {name} | {} | {} | {} | {} | {} | {} |\n",
                size_text(n),
                ns(r.readable),
                ns(r.fast),
                r.fast_threads,
                percent(r.baseline_1t, r.readable),
                percent(r.baseline_1t, r.fast),
                percent(r.baseline_2t, r.fast),
            ));
        }
    }
    out.push_str(&format!(
        "\nMeasured by `{}` on {}; {}, {}.\n",
        steps.about("command"),
        steps.about("machine"),
        steps.about("compiler"),
        steps.about("date"),
    ));
    Ok(out)
}

/// The peers' column for `library` ("optax 1T" reads as "optax, 1 core").
fn peer_title(library: &str) -> String {
    match library {
        "optax" => "optax (XLA, every core)".into(),
        "optax 1T" => "optax (1 core)".into(),
        other => other.into(),
    }
}

/// RMSprop here and in the peers, as in the issue that asked for the fast path;
/// then each optimizer's fast step against the fastest peer.
pub fn peers_table() -> Result<String> {
    let steps = measurements::steps()?;
    let peers = measurements::peers()?;
    let libraries = peers.libraries();
    let mut out = String::from("| n | Descent, readable | Descent, fast |");
    for library in &libraries {
        out.push_str(&format!(" {} |", peer_title(library)));
    }
    out.push_str("\n|---|---|---|");
    out.push_str(&"---|".repeat(libraries.len()));
    out.push('\n');
    for n in SIZES {
        let r = steps.at("RMSprop", n)?;
        out.push_str(&format!("| {} | {} | {} |", size_text(n), ns(r.readable), ns(r.fast)));
        for library in &libraries {
            out.push_str(&format!(" {} |", ns(peers.at(library, "RMSprop", n)?)));
        }
        out.push('\n');
    }
    out.push_str("\nThe fast step's speed-up over the fastest peer at each size, every optimizer:\n\n| optimizer |");
    for n in SIZES {
        out.push_str(&format!(" n = {} |", size_text(n)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(SIZES.len()));
    out.push('\n');
    for name in OPTIMIZERS {
        out.push_str(&format!("| {name} |"));
        for n in SIZES {
            let fastest = libraries
                .iter()
                .map(|l| peers.at(l, name, n))
                .collect::<Result<Vec<f64>>>()?
                .into_iter()
                .fold(f64::INFINITY, f64::min);
            let ours = steps.at(name, n)?.fast;
            out.push_str(&format!(" {:.1}× |", fastest / ours));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\nns per element, f64. Descent: `{}`, {}, {}. Peers: `{}`, {}, {}, {}.\n",
        steps.about("command"),
        steps.about("compiler"),
        steps.about("date"),
        peers.about("command"),
        peers.about("machine"),
        peers.about("versions"),
        peers.about("date"),
    ));
    Ok(out)
}

/// The fastest peer's ns per element for `optimizer` at `n`, and its name.
pub fn fastest_peer(optimizer: &str, n: usize) -> Result<(f64, String)> {
    let peers = measurements::peers()?;
    peers
        .libraries()
        .into_iter()
        .map(|l| Ok((peers.at(l, optimizer, n)?, l.to_owned())))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .context("no peer was measured")
}

//! The numbers of making-it-fast.md, read from the committed measurements of
//! `crates/bench/results/` (speed depends on the machine: these are one
//! machine's, said where).

use anyhow::{Context, Result, ensure};

use super::book::Book;
use crate::figures::format::fixed;
use crate::figures::measurements::{self, StepRow};
use crate::figures::speed::{
    IN_CACHE, IN_MEMORY, OPTIMIZERS, SIZES, bandwidths, divider_rate, fastest_peer, size_text,
};

const CHAPTER: &str = "making-it-fast";

/// ns per element as the prose writes it: two decimals.
fn ns(x: f64) -> String {
    fixed(x, 2)
}

/// How much of `base`'s speed `step` reaches, in whole percent.
fn percent(base: f64, step: f64) -> String {
    format!("{:.0}", 100.0 * base / step)
}

pub(super) fn numbers(book: &mut Book) -> Result<()> {
    let steps = measurements::steps()?;
    let rms = |n| steps.at("RMSprop", n);
    let (cache, memory) = (rms(IN_CACHE)?, rms(IN_MEMORY)?);

    // The readable loop in cache: far below its own baseline.
    ensure!(
        cache.readable > 2.0 * cache.baseline_1t,
        "the readable RMSprop should be divider-bound"
    );
    book.add(CHAPTER, "readable-rmsprop-cache", ns(cache.readable), "readable RMSprop, n = 10⁴");
    book.add(
        CHAPTER,
        "baseline-5-cache",
        ns(cache.baseline_1t),
        "5-word baseline, 1 thread, n = 10⁴",
    );
    book.add(
        CHAPTER,
        "readable-rmsprop-cache-percent",
        percent(cache.baseline_1t, cache.readable),
        "readable RMSprop as % of the 1-thread baseline's speed, n = 10⁴",
    );
    ensure!(cache.fast < cache.readable, "the fast RMSprop should beat the readable one in cache");
    book.add(CHAPTER, "fast-rmsprop-cache", ns(cache.fast), "fast RMSprop, 1 thread, n = 10⁴");
    book.add(
        CHAPTER,
        "fast-rmsprop-cache-speedup",
        fixed(cache.readable / cache.fast, 1),
        "readable / fast, RMSprop, n = 10⁴",
    );
    book.add(
        CHAPTER,
        "divider-rate",
        fixed(divider_rate(&steps)?, 1),
        "divisions and square roots per ns on one core (fast RMSprop in cache)",
    );

    // Memory: the bandwidths the baselines reach.
    let (one, two) = bandwidths(memory);
    ensure!(two > one, "two threads should move more bytes than one at n = 10⁷");
    book.add(CHAPTER, "memory-gbs-1t", fixed(one, 1), "GB/s of the 5-word baseline, 1 thread, 10⁷");
    book.add(
        CHAPTER,
        "memory-gbs-2t",
        fixed(two, 1),
        "GB/s of the 5-word baseline, 2 threads, 10⁷",
    );
    let (cache_one, _) = bandwidths(cache);
    book.add(
        CHAPTER,
        "cache-gbs-1t",
        fixed(cache_one, 0),
        "GB/s of the 5-word baseline, 1 thread, 10⁴",
    );
    book.add(CHAPTER, "readable-rmsprop-memory", ns(memory.readable), "readable RMSprop, n = 10⁷");
    book.add(
        CHAPTER,
        "baseline-5-memory-1t",
        ns(memory.baseline_1t),
        "5-word baseline, 1 thread, 10⁷",
    );
    book.add(
        CHAPTER,
        "baseline-5-memory-2t",
        ns(memory.baseline_2t),
        "5-word baseline, 2 threads, 10⁷",
    );

    // The targets, as measured.
    let at_1e5 = rms(100_000)?;
    book.add(CHAPTER, "fast-rmsprop-1e5", ns(at_1e5.fast), "fast RMSprop, n = 10⁵ (target ≤ 0.8)");
    book.add(CHAPTER, "fast-rmsprop-1e5-threads", at_1e5.fast_threads.to_string(), "its threads");
    book.add(CHAPTER, "fast-rmsprop-1e7", ns(memory.fast), "fast RMSprop, n = 10⁷ (target ≤ 1.5)");
    // Every measured step (the seven optimizers and the library switches, 13 rows),
    // not only the seven of the roofline: a share is only "lowest" over all of them.
    let share = |r: &StepRow| r.baseline_2t / r.fast;
    let at = |n: usize| -> Vec<&StepRow> { steps.rows.iter().filter(|r| r.n == n).collect() };
    let (at_1e6, at_1e7) = (at(1_000_000), at(IN_MEMORY));
    ensure!(
        at_1e6.len() == at_1e7.len() && at_1e6.len() > OPTIMIZERS.len(),
        "step.csv should time every step, switches included, at 10⁶ and 10⁷"
    );
    book.add(
        CHAPTER,
        "measured-steps",
        at_1e7.len().to_string(),
        "the steps step.csv times at each n",
    );
    let lowest = |rows: &[&StepRow]| -> Result<StepRow> {
        rows.iter()
            .min_by(|a, b| share(a).total_cmp(&share(b)))
            .map(|r| (*r).clone())
            .context("rows")
    };
    let highest = |rows: &[&StepRow]| -> Result<StepRow> {
        rows.iter()
            .max_by(|a, b| share(a).total_cmp(&share(b)))
            .map(|r| (*r).clone())
            .context("rows")
    };
    let (worst_1e6, worst_1e7) = (lowest(&at_1e6)?, lowest(&at_1e7)?);
    let below_90 = at_1e6.iter().filter(|r| share(r) < 0.9).count();
    book.add(
        CHAPTER,
        "large-worst-percent",
        percent(worst_1e6.baseline_2t, worst_1e6.fast),
        "lowest % of the 2-thread baseline over every measured step at n = 10⁶",
    );
    book.add(CHAPTER, "large-worst-name", worst_1e6.optimizer.clone(), "whose");
    book.add(
        CHAPTER,
        "large-below-90",
        below_90.to_string(),
        "how many measured steps are below 90 % of the 2-thread baseline at n = 10⁶",
    );
    book.add(
        CHAPTER,
        "memory-worst-percent",
        percent(worst_1e7.baseline_2t, worst_1e7.fast),
        "lowest % of the 2-thread baseline over every measured step at n = 10⁷",
    );
    book.add(CHAPTER, "memory-worst-name", worst_1e7.optimizer.clone(), "whose");
    let seven: Vec<&StepRow> =
        at_1e7.iter().copied().filter(|r| OPTIMIZERS.contains(&r.optimizer.as_str())).collect();
    let (seven_worst, seven_best) = (lowest(&seven)?, highest(&seven)?);
    ensure!(
        seven.len() == OPTIMIZERS.len() && share(&seven_worst) > share(&worst_1e7),
        "at 10⁷ the lowest share should be a wrapper's, not one of the seven optimizers'"
    );
    book.add(
        CHAPTER,
        "memory-seven-worst-percent",
        percent(seven_worst.baseline_2t, seven_worst.fast),
        "lowest % of the 2-thread baseline over the seven optimizers at n = 10⁷",
    );
    book.add(CHAPTER, "memory-seven-worst-name", seven_worst.optimizer.clone(), "whose");
    book.add(
        CHAPTER,
        "memory-best-percent",
        percent(seven_best.baseline_2t, seven_best.fast),
        "highest % of the 2-thread baseline over the seven optimizers at n = 10⁷",
    );
    // RMSprop's memory at n = 10⁷: three arrays (w, g, G) held, five words moved.
    let arrays = 3.0;
    ensure!(memory.words == 5, "RMSprop should move 5 words per element");
    let mb = |words: f64| format!("{:.0}", words * 8.0 * IN_MEMORY as f64 / 1e6);
    book.add(CHAPTER, "rmsprop-arrays-mb", mb(arrays), "MB that w, g and G hold at n = 10⁷");
    book.add(
        CHAPTER,
        "rmsprop-traffic-mb",
        mb(memory.words as f64),
        "MB one RMSprop step moves at n = 10⁷ (5 words an element)",
    );

    // What the wrappers of "What the libraries add" cost the fast step.
    let cost = |wrapped: &str, plain: &str, n| -> Result<f64> {
        Ok(steps.at(wrapped, n)?.fast / steps.at(plain, n)?.fast)
    };
    let (l2, adamw) =
        (cost("RMSprop+L2", "RMSprop", IN_MEMORY)?, cost("AdamW", "Adam", IN_MEMORY)?);
    ensure!(l2 > 1.0 && adamw > 1.0, "an extra pass over the arrays should cost time in memory");
    book.add(CHAPTER, "l2-cost", fixed(l2, 2), "fast RMSprop+L2 / fast RMSprop, n = 10⁷");
    book.add(CHAPTER, "adamw-cost", fixed(adamw, 2), "fast AdamW / fast Adam, n = 10⁷");
    // In cache, on one thread: the steadiest place to see a per-step cost.
    let scheduled = steps.at("RMSprop cosine", IN_CACHE)?.fast;
    ensure!(
        scheduled < 1.15 * cache.fast,
        "a schedule should add no work per element: {scheduled} ns against {} ns in cache",
        cache.fast
    );
    book.add(
        CHAPTER,
        "scheduled-rmsprop-cache",
        ns(scheduled),
        "fast RMSprop on a cosine schedule, n = 10⁴",
    );

    // Why RMSprop misses 0.8 ns at n = 10⁵: half the one-thread time plus the start
    // of the second thread (µs × 1000 / n ns per element).
    let threads = measurements::threads()?;
    let tiny = rms(1_000)?;
    // ns per element × 1000 elements = µs a call; half the elements run here.
    let spawn_us = tiny.baseline_2t - 0.5 * tiny.baseline_1t;
    let one_thread_1e5 = threads
        .rows
        .iter()
        .find(|r| r.optimizer == "RMSprop" && r.n == 100_000)
        .map(|r| r.one)
        .ok_or_else(|| anyhow::anyhow!("threads.csv has no RMSprop row at n = 10⁵"))?;
    let start_per_element = spawn_us * 1000.0 / 100_000.0;
    let predicted = one_thread_1e5 / 2.0 + start_per_element;
    ensure!(
        (predicted - at_1e5.fast).abs() < 0.25 * at_1e5.fast,
        "half the one-thread time plus a thread start ({predicted:.2} ns) should explain the \
         two-thread RMSprop at 10⁵ ({:.2} ns)",
        at_1e5.fast
    );
    book.add(CHAPTER, "one-thread-rmsprop-1e5", ns(one_thread_1e5), "fast RMSprop, 1 thread, 10⁵");
    book.add(CHAPTER, "half-one-thread-rmsprop-1e5", ns(one_thread_1e5 / 2.0), "its half");
    book.add(
        CHAPTER,
        "start-per-element-1e5",
        ns(start_per_element),
        "a thread start per element at 10⁵",
    );
    book.add(CHAPTER, "predicted-rmsprop-1e5", ns(predicted), "half + start, 10⁵");
    // Why the dividing steps miss 90 % at 10⁶: two dividers' floor against the
    // two-thread baseline.
    let floor = 1.0 / divider_rate(&steps)?;
    let at_1e6 = rms(1_000_000)?;
    ensure!(
        floor > 0.9 * at_1e6.baseline_2t,
        "the divider's floor ({floor:.2} ns) should be near the 2-thread baseline at 10⁶ ({:.2} ns)",
        at_1e6.baseline_2t
    );
    book.add(
        CHAPTER,
        "divider-floor-2t",
        ns(floor),
        "RMSprop's 2 divider ops per element on 2 cores, ns",
    );
    book.add(
        CHAPTER,
        "baseline-5-1e6-2t",
        ns(at_1e6.baseline_2t),
        "5-word baseline, 2 threads, 10⁶",
    );
    book.add(CHAPTER, "fast-rmsprop-1e6", ns(at_1e6.fast), "fast RMSprop, 10⁶");

    // Threads: what one costs, where a second pays.
    ensure!(spawn_us > 1.0, "starting a thread should cost microseconds, not {spawn_us} µs");
    book.add(
        CHAPTER,
        "spawn-us",
        fixed(spawn_us, 0),
        "µs to start and join a scoped thread (2-thread baseline at n = 10³)",
    );
    for (name, key) in [("RMSprop", "threads-pay-rmsprop"), ("GD", "threads-pay-gd")] {
        let from = threads.pays_from(name);
        ensure!(from.is_some(), "two threads should pay for {name} somewhere on the grid");
        book.add(
            CHAPTER,
            key,
            from.unwrap_or(0).to_string(),
            "smallest n from which 2 threads beat 1",
        );
    }

    // The peers: the (numpy, optax) and PyTorch, where it was measured.
    let peers = measurements::peers()?;
    let mut least = f64::INFINITY;
    let mut torch_wins = Vec::new();
    for name in OPTIMIZERS {
        for n in SIZES {
            let fast = steps.at(name, n)?;
            for library in peers.libraries() {
                let peer = peers.at(library, name, n)?;
                if library == "torch" {
                    if peer < fast.fast {
                        ensure!(
                            peer < fast.baseline_2t,
                            "where PyTorch beats the fast step it should beat the baseline too"
                        );
                        torch_wins.push(format!("{name} at n = {}", size_text(n)));
                    }
                } else {
                    least = least.min(peer / fast.fast);
                }
            }
        }
    }
    ensure!(least > 1.0, "the fast step should beat numpy and optax everywhere, not {least:.2}×");
    book.add(CHAPTER, "peers-least-gain", fixed(least, 2), "least speed-up over numpy and optax");
    let wins = match torch_wins.as_slice() {
        [] => "nowhere".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    book.add(CHAPTER, "torch-wins", wins, "where PyTorch is faster than the fast step");
    for n in [1_000, 100_000, IN_MEMORY] {
        let (peer, library) = fastest_peer("RMSprop", n)?;
        let exponent = (n as f64).log10().round();
        book.add(
            CHAPTER,
            format!("rmsprop-peer-1e{exponent}"),
            ns(peer),
            "the fastest peer's RMSprop",
        );
        book.add(CHAPTER, format!("rmsprop-peer-1e{exponent}-name"), library, "which peer");
    }
    Ok(())
}

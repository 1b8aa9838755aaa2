//! `cargo xtask sweeps [--check]`: every learning-rate sweep of the book.
//!
//! Each method of the course runs at every learning rate of a log grid on each
//! problem of the chapter "When adapting pays": raced to a target on the small
//! problems, for a fixed number of steps on the breast-cancer data and on rare
//! features, for a fixed number of epochs of minibatches. That is about two
//! thousand runs and a few million optimizer steps, spread over every core, which
//! takes seconds rather than the instant a figure takes, so the results are kept
//! in `book/src/figures/sweeps.json`, committed like the figures: `cargo xtask
//! figures` draws from it, and `--check` recomputes it and fails, naming the file,
//! if the committed one differs (CI runs it). The numbers do not depend on the
//! number of cores: each run is computed from its own settings alone.

use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use sweep::METHODS;

use record::{Budgeted, Ended, Final, Record, Window, to_json};
pub use record::{FILE, load, minibatch_key};

// The problems swept, then what the sweeps write and the job list they run on. The
// order is the stair of the imports (a module uses only the modules below it); the
// comment above each line keeps rustfmt from sorting them.
//
// The problems the book sweeps, and how one run on each is made.
pub mod problems;
// What `cargo xtask sweeps` writes and the figures read back.
pub mod record;
// The chapter "Beyond the diagonal"'s network sweeps, kept in their own file.
pub mod beyond;
// The network chapter's sweeps, kept in their own file.
pub mod network;
// Shared: a job list run on every core.
pub mod parallel;

/// The command line of `cargo xtask sweeps`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Recompute the sweeps in memory and fail if the committed file differs.
    #[arg(long)]
    check: bool,
}

/// Runs `cargo xtask sweeps`.
pub fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let record = compute()?;
    let seconds = started.elapsed().as_secs_f64();
    let text = to_json(&record)?;
    let path = crate::workspace::root().join(FILE);
    let network_started = Instant::now();
    let network_record = network::compute()?;
    let network_seconds = network_started.elapsed().as_secs_f64();
    let network_text = network::to_json(&network_record)?;
    let network_path = crate::workspace::root().join(network::FILE);
    let network_summary = format!(
        "{} epochs of the digit network in {network_seconds:.1} s",
        network_record.epochs_run
    );
    let beyond_started = Instant::now();
    let adamw = network_record
        .methods
        .iter()
        .find(|m| m.name == "AdamW")
        .ok_or_else(|| anyhow!("the network sweeps have no AdamW"))?;
    let beyond_record = beyond::compute(adamw.best_learning_rate)?;
    let beyond_seconds = beyond_started.elapsed().as_secs_f64();
    let beyond_text = beyond::to_json(&beyond_record)?;
    let beyond_path = crate::workspace::root().join(beyond::FILE);
    let beyond_summary = format!(
        "{} epochs of the matrix methods on the digit network in {beyond_seconds:.1} s",
        beyond_record.epochs_run
    );
    let rate = record.steps as f64 / seconds;
    let summary = format!(
        "{} optimizer steps in {seconds:.1} s on {} threads: {:.1} million steps per second",
        record.steps,
        std::thread::available_parallelism().map_or(1, usize::from),
        rate / 1e6
    );
    if args.check {
        let committed = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {} (run `cargo xtask sweeps`)", path.display()))?;
        if committed != text {
            bail!(
                "{} is out of date: run `cargo xtask sweeps` and commit ({summary})",
                path.display()
            );
        }
        println!("{} is up to date ({summary})", path.display());
        let committed = std::fs::read_to_string(&network_path).with_context(|| {
            format!("reading {} (run `cargo xtask sweeps`)", network_path.display())
        })?;
        if committed != network_text {
            bail!(
                "{} is out of date: run `cargo xtask sweeps` and commit ({network_summary})",
                network_path.display()
            );
        }
        println!("{} is up to date ({network_summary})", network_path.display());
        let committed = std::fs::read_to_string(&beyond_path).with_context(|| {
            format!("reading {} (run `cargo xtask sweeps`)", beyond_path.display())
        })?;
        if committed != beyond_text {
            bail!(
                "{} is out of date: run `cargo xtask sweeps` and commit ({beyond_summary})",
                beyond_path.display()
            );
        }
        println!("{} is up to date ({beyond_summary})", beyond_path.display());
    } else {
        crate::generated::write_atomically(&path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {} ({summary})", path.display());
        crate::generated::write_atomically(&network_path, network_text.as_bytes())
            .with_context(|| format!("writing {}", network_path.display()))?;
        println!("wrote {} ({network_summary})", network_path.display());
        crate::generated::write_atomically(&beyond_path, beyond_text.as_bytes())
            .with_context(|| format!("writing {}", beyond_path.display()))?;
        println!("wrote {} ({beyond_summary})", beyond_path.display());
    }
    Ok(())
}

/// Every sweep, computed on every core.
pub fn compute() -> Result<Record> {
    let windows = problems::windows()?;
    let jobs: Vec<(usize, usize)> =
        (0..windows.len()).flat_map(|p| (0..METHODS.len()).map(move |m| (p, m))).collect();
    let raced = parallel::map(jobs.len(), |j| {
        let (p, m) = jobs[j];
        let problem = &windows[p];
        sweep::sweep(
            problem.objective.as_ref(),
            &problem.start,
            problem.minimum,
            METHODS[m],
            &problem.grid,
            problem.budget,
        )
    });
    let mut steps = 0u64;
    let mut raced = raced.into_iter();
    let mut window_records = Vec::new();
    for problem in &windows {
        let mut ended = Vec::new();
        for _ in METHODS {
            let runs = raced.next().ok_or_else(|| anyhow!("a sweep did not run"))??;
            steps += runs.iter().map(|r| r.steps as u64).sum::<u64>();
            ended.push(runs.into_iter().map(|r| Ended::from(r.outcome)).collect());
        }
        window_records.push(Window {
            key: problem.key.to_owned(),
            grid: problem.grid.clone(),
            max_steps: problem.budget.max_steps,
            target: problem.budget.target,
            methods: METHODS.iter().map(|m| m.name.to_owned()).collect(),
            ended,
        });
    }

    let budgeted = problems::budgeted()?;
    let jobs: Vec<(usize, usize, usize)> = budgeted
        .iter()
        .enumerate()
        .flat_map(|(p, problem)| {
            (0..problem.methods.len())
                .flat_map(move |m| (0..problem.grid.len()).map(move |i| (p, m, i)))
        })
        .collect();
    let finals = parallel::map(jobs.len(), |j| {
        let (p, m, i) = jobs[j];
        let problem = &budgeted[p];
        problems::budgeted_run(
            problem.objective.as_ref(),
            problem.minimum,
            problem.methods[m],
            problem.grid[i],
            problem.steps,
        )
        .map(|(trace, ended)| (trace.steps(), ended))
    });
    let mut finals = finals.into_iter();
    let mut budgeted_records = Vec::new();
    for problem in &budgeted {
        let mut ended = Vec::new();
        for _ in &problem.methods {
            let mut row = Vec::new();
            for _ in &problem.grid {
                let (taken, end) = finals.next().ok_or_else(|| anyhow!("a run did not run"))??;
                steps += taken as u64;
                row.push(end);
            }
            ended.push(row);
        }
        budgeted_records.push(Budgeted {
            key: problem.key.to_owned(),
            grid: problem.grid.clone(),
            length: problem.steps,
            methods: problem.methods.iter().map(|m| m.name.to_owned()).collect(),
            ended,
        });
    }

    let (problem, minimum) = problems::minibatch_problem()?;
    let grid = problems::minibatch_grid();
    let points = grid.len();
    let jobs: Vec<(usize, usize, usize)> = (0..problems::BATCH_SIZES.len())
        .flat_map(|b| (0..METHODS.len()).flat_map(move |m| (0..points).map(move |i| (b, m, i))))
        .collect();
    let finals = parallel::map(jobs.len(), |j| {
        let (b, m, i) = jobs[j];
        problems::minibatch_run(&problem, minimum, METHODS[m], grid[i], problems::BATCH_SIZES[b])
            .map(|run| (run.steps, run.ended))
    });
    let mut finals = finals.into_iter();
    let mut minibatch_records = Vec::new();
    for batch_size in problems::BATCH_SIZES {
        let mut ended: Vec<Vec<Final>> = Vec::new();
        for _ in METHODS {
            let mut row = Vec::new();
            for _ in &grid {
                let (taken, end) = finals.next().ok_or_else(|| anyhow!("a run did not run"))??;
                steps += taken as u64;
                row.push(end);
            }
            ended.push(row);
        }
        minibatch_records.push(Budgeted {
            key: minibatch_key(batch_size),
            grid: grid.clone(),
            length: problems::EPOCHS,
            methods: METHODS.iter().map(|m| m.name.to_owned()).collect(),
            ended,
        });
    }
    Ok(Record {
        windows: window_records,
        budgeted: budgeted_records,
        minibatch: minibatch_records,
        steps,
    })
}

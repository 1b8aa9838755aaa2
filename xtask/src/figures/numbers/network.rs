//! The numbers of network.md (and the network's epoch in making-it-fast.md), from
//! the committed network sweeps and the epoch measurement of
//! `crates/bench/results/network.csv`.

use anyhow::{Context, Result, ensure};

use super::book::Book;
use crate::figures::format::fixed;
use crate::figures::measurements;
use crate::figures::network::groups;
use crate::sweeps::network::load;

const CHAPTER: &str = "network";
const FAST: &str = "making-it-fast";

fn percent(x: f64) -> String {
    fixed(100.0 * x, 1)
}

pub(super) fn numbers(book: &mut Book) -> Result<()> {
    let record = load()?;
    let (train, validation, test) = record.split;
    book.add(
        CHAPTER,
        "images",
        datasets::digits()?.samples().to_string(),
        "images in the digits file",
    );
    book.add(CHAPTER, "train-images", train.to_string(), "training images of the split");
    book.add(CHAPTER, "validation-images", validation.to_string(), "validation images");
    book.add(CHAPTER, "test-images", test.to_string(), "test images");
    book.add(
        CHAPTER,
        "weights",
        network::Shape::DIGITS.dimension().to_string(),
        "weights of the 64 → 32 → 10 network",
    );
    book.add(CHAPTER, "epochs", record.epochs.to_string(), "epochs of every sweep run");
    book.add(
        CHAPTER,
        "grid-seeds",
        record.search_seeds.len().to_string(),
        "seeds per η of the grid",
    );
    book.add(CHAPTER, "final-seeds", record.final_seeds.len().to_string(), "seeds at the best η");

    // What a budget buys: SGD and Adam after 1 and 8 trials.
    let method = |name: &str| {
        record
            .methods
            .iter()
            .find(|m| m.name == name)
            .with_context(|| format!("no {name} in network.json"))
    };
    let (sgd, adam) = (method("SGD")?, method("Adam")?);
    for (m, key) in [(sgd, "sgd"), (adam, "adam")] {
        book.add(
            CHAPTER,
            format!("budget-{key}-1"),
            percent(m.expected_best[0]),
            "expected best validation accuracy of 1 random trial, %",
        );
        book.add(
            CHAPTER,
            format!("budget-{key}-8"),
            percent(m.expected_best[7]),
            "expected best validation accuracy of 8 random trials, %",
        );
    }
    ensure!(
        adam.expected_best[0] > sgd.expected_best[0] + 0.1,
        "the chapter says one random trial of Adam is worth far more than one of SGD"
    );
    ensure!(
        (adam.expected_best[31] - sgd.expected_best[31]).abs() < 0.02,
        "the chapter says that with 32 trials SGD and Adam end within 2 points"
    );

    // Wilson et al.: adaptive methods against SGD with momentum (heavy ball and
    // Nesterov), pooled over methods and seeds.
    let groups = groups()?;
    let (adaptive_test, momentum_test) = (groups.adaptive_test, groups.momentum_test);
    let (adaptive_loss, momentum_loss) = (groups.adaptive_loss, groups.momentum_loss);
    book.add(
        CHAPTER,
        "adaptive-test",
        percent(adaptive_test.0),
        "adaptive methods' mean test accuracy, %",
    );
    book.add(
        CHAPTER,
        "adaptive-test-sd",
        percent(adaptive_test.1),
        "its standard deviation, points",
    );
    book.add(
        CHAPTER,
        "momentum-test",
        percent(momentum_test.0),
        "momentum methods' mean test accuracy, %",
    );
    book.add(
        CHAPTER,
        "momentum-test-sd",
        percent(momentum_test.1),
        "its standard deviation, points",
    );
    book.add(
        CHAPTER,
        "adaptive-loss",
        fixed(adaptive_loss.0, 3),
        "adaptive methods' mean final training loss",
    );
    book.add(
        CHAPTER,
        "momentum-loss",
        fixed(momentum_loss.0, 3),
        "momentum methods' mean final training loss",
    );
    let gap = momentum_test.0 - adaptive_test.0;
    book.add(
        CHAPTER,
        "test-gap",
        percent(gap),
        "momentum minus adaptive mean test accuracy, points",
    );
    book.add(
        CHAPTER,
        "test-gap-images",
        format!("{:.0}", gap * test as f64),
        "the gap in test images",
    );
    ensure!(gap > 0.0, "the chapter says tuned momentum tests better than the adaptive methods");
    ensure!(
        gap < adaptive_test.1 + momentum_test.1,
        "the chapter says the gap is within the spread of the seeds"
    );
    ensure!(
        adaptive_loss.0 > momentum_loss.0,
        "the chapter says the adaptive methods did not reach a lower training loss"
    );

    // One epoch against PyTorch.
    let epochs = measurements::epochs()?;
    let rust = epochs
        .rows
        .iter()
        .find(|r| r.implementation.starts_with("Rust"))
        .context("network.csv has no Rust row")?;
    let torch = epochs
        .rows
        .iter()
        .find(|r| r.implementation.starts_with("PyTorch") && r.threads == 1)
        .context("network.csv has no one-thread PyTorch row")?;
    ensure!(rust.best_ms < 10.0, "the issue asks for an epoch well under 10 ms");
    let digits = datasets::digits()?;
    let blank =
        digits.pixels().iter().filter(|&&p| p == 0.0).count() as f64 / digits.pixels().len() as f64;
    book.add(
        FAST,
        "blank-percent",
        format!("{:.0}", 100.0 * blank),
        "blank pixels of the digits, %",
    );
    book.add(FAST, "train-images", train.to_string(), "training images of the digits' split");
    for chapter in [CHAPTER, FAST] {
        book.add(chapter, "epoch-rust-ms", fixed(rust.best_ms, 1), "best Rust epoch, ms");
        book.add(
            chapter,
            "epoch-torch-ms",
            fixed(torch.best_ms, 1),
            "best PyTorch epoch on one thread, ms",
        );
        book.add(
            chapter,
            "epoch-ratio",
            format!("{:.0}", torch.best_ms / rust.best_ms),
            "PyTorch's epoch over Rust's",
        );
    }
    Ok(())
}

//! Trains the 64 → 32 → 10 network on the handwritten digits with every method of
//! the course and prints, per epoch, the training loss and the validation
//! accuracy; at the end, each method's test accuracy and the time of one epoch.
//!
//! ```sh
//! cargo run --release -p network --example digits
//! cargo run --release -p network --example digits -- 30   # epochs (default 12)
//! ```
//!
//! The learning rates are the best of `cargo xtask sweeps` on the validation set
//! (book/src/figures/network.json); change one and run again.

use std::time::Instant;

use network::{Classifier, Method, Setting, Training, train};
use objectives::Objective;

/// Each method's η: the best of the validation sweep's half-decade grid (see
/// `cargo xtask sweeps` and the chapter's table).
fn learning_rate(method: Method) -> f64 {
    match method {
        Method::Sgd => 1.0,
        Method::Momentum => 0.1,
        Method::Nesterov => 0.316,
        Method::Adagrad => 0.1,
        Method::RmsProp => 0.01,
        Method::Adam => 0.01,
        Method::AdamW => 0.0316,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let epochs = match std::env::args().nth(1) {
        Some(text) => {
            text.parse().map_err(|_| format!("epochs must be a whole number, got {text:?}"))?
        }
        None => 12,
    };
    let split = datasets::digits()?.split(datasets::DIGITS_SPLIT_SEED)?;
    let train_set = Classifier::digits(&split.train, 0.0)?;
    let validation = Classifier::digits(&split.validation, 0.0)?;
    let test = Classifier::digits(&split.test, 0.0)?;
    println!(
        "digits: {} training, {} validation, {} test images; network 64 → 32 → 10, {} weights; batches of 32",
        split.train.samples(),
        split.validation.samples(),
        split.test.samples(),
        train_set.dimension()
    );
    let mut summary = Vec::new();
    for method in Method::ALL {
        let setting =
            Setting { learning_rate: learning_rate(method), second: method.default_second() };
        let mut optimizer = method.build(setting, train_set.dimension())?;
        let mut w = train_set.shape().initialize(0);
        println!("\n{}:", optimizer.name());
        println!("  epoch  training loss  validation accuracy");
        let mut training_time = 0.0;
        let mut last = Instant::now();
        let run = Training { batch_size: 32, epochs, seed: 0 };
        let result = train(&train_set, optimizer.as_mut(), &mut w, run, |epoch, w| {
            training_time += last.elapsed().as_secs_f64();
            println!(
                "  {epoch:5}  {:13.4}  {:18.1}%",
                train_set.value(w),
                100.0 * validation.accuracy(w)
            );
            last = Instant::now();
        });
        if let Err(error) = result {
            println!("  stopped: {error}");
            continue;
        }
        summary.push((method, test.accuracy(&w), training_time / epochs as f64));
    }
    println!("\nmethod     test accuracy  ms per epoch (training only)");
    for (method, accuracy, seconds) in summary {
        println!("{:9}  {:12.1}%  {:8.2}", method.name(), 100.0 * accuracy, 1e3 * seconds);
    }
    Ok(())
}

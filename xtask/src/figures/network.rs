//! Chapter "From the bowl to a network": the training curves, what a tuning
//! budget buys, and the generalization table, all from the committed
//! `book/src/figures/network.json` of `cargo xtask sweeps`.

use anyhow::{Result, ensure};
use plotters::style::RGBColor;

use super::format::{eta_text, fixed};
use super::plot::{
    ADAGRAD, ADAM, Axes, Entry, GD, INK, Mark, ORANGE, PURPLE, Panel, RMSPROP, Stroke, svg,
};
use crate::sweeps::network::{BestRun, MethodRecord, load, mean_and_deviation};

/// Each method's colour and stroke: the course's colours where the method has
/// one (SGD vermilion, Adagrad blue, RMSprop green, Adam sky blue), momentum
/// orange, Nesterov purple, AdamW Adam's colour dashed.
fn stroke(name: &str) -> (RGBColor, bool) {
    match name {
        "SGD" => (GD, false),
        "momentum" => (ORANGE, false),
        "Nesterov" => (PURPLE, false),
        "Adagrad" => (ADAGRAD, false),
        "RMSprop" => (RMSPROP, false),
        "Adam" => (ADAM, false),
        "AdamW" => (ADAM, true),
        _ => (INK, true),
    }
}

fn entry(method: &MethodRecord, label: String) -> Entry {
    let (color, dashed) = stroke(&method.name);
    Entry::new(label, color, if dashed { Mark::Dashed } else { Mark::Line })
}

fn line(panel: &mut Panel, method: &MethodRecord, points: &[(f64, f64)]) -> Result<()> {
    let (color, dashed) = stroke(&method.name);
    let stroke = if dashed { Stroke::dashed(color) } else { Stroke::solid(color) };
    panel.line(points, stroke.width(2))
}

/// The mean over the final seeds of `series` after each epoch, from epoch 1.
fn mean_curve(method: &MethodRecord, series: impl Fn(&BestRun) -> &[f64]) -> Vec<(f64, f64)> {
    let epochs = method.best.first().map_or(0, |run| series(run).len());
    (0..epochs)
        .map(|e| {
            let values: Vec<f64> = method.best.iter().map(|run| series(run)[e]).collect();
            ((e + 1) as f64, mean_and_deviation(&values).0)
        })
        .collect()
}

/// Top: the training loss J(w) after each epoch; bottom: the validation
/// accuracy; each method at its best η, the mean over the final seeds.
pub fn curves() -> Result<String> {
    let record = load()?;
    let epochs = record.epochs as f64;
    let entries: Vec<Entry> = record
        .methods
        .iter()
        .map(|m| entry(m, format!("{} η = {}", m.name, eta_text(m.best_learning_rate))))
        .collect();
    let losses: Vec<Vec<(f64, f64)>> =
        record.methods.iter().map(|m| mean_curve(m, |r| &r.training_loss)).collect();
    let accuracies: Vec<Vec<(f64, f64)>> =
        record.methods.iter().map(|m| mean_curve(m, |r| &r.validation_accuracy)).collect();
    let (loss_range, accuracy_range) = ((1e-3, 2.0), (0.8, 1.0));
    ensure!(
        losses.iter().flatten().all(|&(_, y)| y > loss_range.0 && y < loss_range.1),
        "a mean training loss leaves {loss_range:?}: widen the range"
    );
    svg(2 * 300 + 70, |root| {
        let (top, bottom) = root.split_vertically(300 + 70);
        let axes =
            Axes::new((1.0, epochs), loss_range, "epoch", "training loss J(w)").log_y().ticks(6, 4);
        let title = "the training loss, each method at its best η (mean of the seeds)";
        let mut panel = Panel::new(&top, Some(title), &entries, axes)?;
        for (method, points) in record.methods.iter().zip(&losses) {
            line(&mut panel, method, points)?;
        }
        let axes =
            Axes::new((1.0, epochs), accuracy_range, "epoch", "validation accuracy").ticks(6, 5);
        let title = "the validation accuracy (below 80 % at the bottom edge)";
        let mut panel = Panel::new(&bottom, Some(title), &[], axes)?;
        for (method, points) in record.methods.iter().zip(&accuracies) {
            line(&mut panel, method, points)?;
        }
        Ok(())
    })
}

/// The expected best validation accuracy after k random-search trials, k = 1 …
/// 32, for each method.
pub fn budget() -> Result<String> {
    let record = load()?;
    let entries: Vec<Entry> = record.methods.iter().map(|m| entry(m, m.name.clone())).collect();
    let low =
        record.methods.iter().flat_map(|m| m.expected_best.iter().copied()).fold(1.0f64, f64::min);
    ensure!(low > 0.4, "an expected best accuracy is below 0.4 ({low}): widen the range");
    svg(400, |root| {
        let axes = Axes::new(
            (1.0, 32.0),
            (0.4, 1.0),
            "k: random-search trials",
            "expected best validation accuracy",
        )
        .log_x()
        .ticks(6, 7);
        let title = "what a budget of k trials buys (η, and β, γ or β₁, drawn at random)";
        let mut panel = Panel::new(root, Some(title), &entries, axes)?;
        for method in &record.methods {
            let points: Vec<(f64, f64)> = method
                .expected_best
                .iter()
                .enumerate()
                .map(|(k, &v)| ((k + 1) as f64, v))
                .collect();
            line(&mut panel, method, &points)?;
        }
        Ok(())
    })
}

/// A mean ± standard deviation as the table prints it, in percent or as a loss.
fn spread_percent((mean, deviation): (f64, f64)) -> String {
    format!("{} ± {} %", fixed(100.0 * mean, 1), fixed(100.0 * deviation, 1))
}

fn spread_loss((mean, deviation): (f64, f64)) -> String {
    format!("{} ± {}", fixed(mean, 4), fixed(deviation, 4))
}

/// The generalization table: each method at its best η on the validation set,
/// over the final seeds, its training loss, validation and test accuracy.
pub fn table() -> Result<String> {
    let record = load()?;
    let mut out = format!(
        "| method | best η (validation) | training loss | validation accuracy | test accuracy | best of {} random trials (validation) |\n|---|---|---|---|---|---|\n",
        record.methods.first().map_or(0, |m| m.trials.len())
    );
    for m in &record.methods {
        let best_trial = m.trials.iter().map(|t| t.2).fold(0.0f64, f64::max);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} % |\n",
            m.name,
            eta_text(m.best_learning_rate),
            spread_loss(m.spread(|r| r.training_loss.last().copied().unwrap_or(f64::NAN))),
            spread_percent(m.spread(|r| r.validation_accuracy.last().copied().unwrap_or(f64::NAN))),
            spread_percent(m.spread(|r| r.test_accuracy)),
            fixed(100.0 * best_trial, 1),
        ));
    }
    Ok(out)
}

/// The adaptive methods against SGD with momentum (heavy ball and Nesterov):
/// each a mean and a standard deviation, pooled over the group's methods and the
/// final seeds.
#[derive(Debug, Clone, Copy)]
pub struct Groups {
    /// The adaptive methods' test accuracy.
    pub adaptive_test: (f64, f64),
    /// The momentum methods' test accuracy.
    pub momentum_test: (f64, f64),
    /// The adaptive methods' final training loss.
    pub adaptive_loss: (f64, f64),
    /// The momentum methods' final training loss.
    pub momentum_loss: (f64, f64),
}

/// Adaptive methods against tuned SGD with momentum (Wilson et al. 2017).
pub fn groups() -> Result<Groups> {
    let record = load()?;
    let pool = |adaptive: bool, value: &dyn Fn(&BestRun) -> f64| {
        let values: Vec<f64> = record
            .methods
            .iter()
            .filter(|m| m.adaptive == adaptive && m.name != "SGD")
            .flat_map(|m| m.best.iter().map(value))
            .collect();
        mean_and_deviation(&values)
    };
    let test = |r: &BestRun| r.test_accuracy;
    let loss = |r: &BestRun| r.training_loss.last().copied().unwrap_or(f64::NAN);
    Ok(Groups {
        adaptive_test: pool(true, &test),
        momentum_test: pool(false, &test),
        adaptive_loss: pool(true, &loss),
        momentum_loss: pool(false, &loss),
    })
}

/// The chapter "Beyond the diagonal"'s race on the network: AdamW, and each
/// matrix method on the weight matrices with AdamW on the biases, at its best η
/// on the validation set, over the final seeds.
pub fn matrix_methods_table() -> Result<String> {
    let record = crate::sweeps::beyond::load()?;
    let target = fixed(100.0 * record.target_accuracy, 0);
    let mut out = format!(
        "| method (weight matrices) | best η (validation) | steps to {target} % validation, per seed | validation accuracy at the end | test accuracy at the end |\n|---|---|---|---|---|\n"
    );
    for m in &record.methods {
        let steps: Vec<String> = m
            .best
            .iter()
            .map(|r| r.steps_to_target.map_or_else(|| "never".to_owned(), |s| s.to_string()))
            .collect();
        let validation: Vec<f64> = m.best.iter().map(|r| r.race.validation_accuracy).collect();
        let test: Vec<f64> = m.best.iter().map(|r| r.test_accuracy).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            m.name,
            eta_text(m.best_learning_rate),
            steps.join(", "),
            spread_percent(mean_and_deviation(&validation)),
            spread_percent(mean_and_deviation(&test)),
        ));
    }
    Ok(out)
}

//! The breast-cancer data's scales, and what they do to logistic regression's
//! Hessian: `cargo run --release -p datasets --example breast_cancer`.
//!
//! For raw and standardized features and a few ridge coefficients λ, it prints the
//! minimum J* found by Newton's method, the training accuracy there, the gradient
//! norm left, and the condition number κ = λ_max/λ_min of the Hessian at w* (and
//! at w = 0, where every run starts).

use datasets::{BREAST_CANCER_FEATURES, Dataset, breast_cancer};
use objectives::Objective;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let raw = breast_cancer()?;
    let means = raw.means();
    let by_mean = |pick: fn(f64, f64) -> bool| {
        (0..means.len()).reduce(|a, b| if pick(means[b], means[a]) { b } else { a }).unwrap_or(0)
    };
    let (low, high) = (by_mean(|a, b| a < b), by_mean(|a, b| a > b));
    println!(
        "{} samples x {} features; feature means from {:.4e} ({}) to {:.4e} ({})",
        raw.samples(),
        raw.features(),
        means[low],
        BREAST_CANCER_FEATURES[low],
        means[high],
        BREAST_CANCER_FEATURES[high],
    );
    let standardized = raw.standardized();
    println!(
        "\n{:<32} {:>7} {:>14} {:>9} {:>10} {:>11} {:>11}",
        "data", "ridge", "J*", "accuracy", "|grad J*|", "kappa(w*)", "kappa(0)"
    );
    for data in [&raw, &standardized] {
        for ridge in [0.0, 1e-4, 1e-3, 1e-2, 1e-1] {
            report(data, ridge)?;
        }
    }
    Ok(())
}

fn report(data: &Dataset, ridge: f64) -> Result<(), Box<dyn std::error::Error>> {
    let problem = data.logistic_regression(ridge)?;
    let kappa_start = problem.hessian(&vec![0.0; problem.dimension()]).condition_number();
    let Some(w) = problem.minimizer() else {
        println!(
            "{:<32} {ridge:>7} {:>14} {:>9} {:>10} {:>11} {kappa_start:>11.3e}",
            data.name(),
            "none",
            "",
            "",
            ""
        );
        return Ok(());
    };
    let mut g = vec![0.0; problem.dimension()];
    problem.gradient(&w, &mut g);
    let norm = g.iter().map(|g| g * g).sum::<f64>().sqrt();
    println!(
        "{:<32} {ridge:>7} {:>14.8e} {:>9.4} {norm:>10.2e} {:>11.3e} {kappa_start:>11.3e}",
        data.name(),
        problem.value(&w),
        problem.accuracy(&w),
        problem.hessian(&w).condition_number(),
    );
    Ok(())
}

//! The numbers of momentum.md: contraction rates measured on the crate's steps.

use anyhow::{Context, Result, ensure};
use gd::{Optimizer, Stop, minimize};
use momentum::{AdamConfig, MomentumConfig, bias_correction};
use objectives::DiagonalQuadratic;
use sweep::Outcome;

use super::book::Book;
use crate::figures::format::fixed;
use crate::figures::scene::ELLIPSE_START;

/// The spectral radius of heavy-ball momentum on the 1-D quadratic ½·λ·w², from
/// the crate's own steps: the state x = (w, v) evolves as xₜ₊₁ = M·xₜ, so three
/// states x₀, x₁, x₂ of a run give M = [x₁ x₂]·[x₀ x₁]⁻¹, and the larger modulus of
/// M's eigenvalues is the factor by which the error shrinks per step in the long run.
fn measured_contraction(eta: f64, beta: f64, lambda: f64) -> Result<f64> {
    let mut momentum = MomentumConfig::new(eta).momentum(beta).build(1)?;
    let mut w = [1.0];
    let mut states = [(w[0], 0.0); 3];
    for state in states.iter_mut().skip(1) {
        let g = [lambda * w[0]];
        momentum.step(&mut w, &g);
        *state = (w[0], momentum.velocity()[0]);
    }
    let [(a, c), (b, d), (e, f)] = states;
    // [x₀ x₁] = [[a, b], [c, d]]; M = [[b, e], [d, f]]·[[a, b], [c, d]]⁻¹.
    let det = a * d - b * c;
    ensure!(
        det.abs() > 1e-12,
        "η = {eta}, β = {beta}, λ = {lambda}: the states do not span the plane"
    );
    let m = [
        [(b * d - e * c) / det, (e * a - b * b) / det],
        [(d * d - f * c) / det, (f * a - d * b) / det],
    ];
    let (trace, determinant) = (m[0][0] + m[1][1], m[0][0] * m[1][1] - m[0][1] * m[1][0]);
    let discriminant = trace * trace - 4.0 * determinant;
    Ok(if discriminant < 0.0 {
        determinant.sqrt()
    } else {
        (trace.abs() + discriminant.sqrt()) / 2.0
    })
}

/// The rates that the momentum chapter compares on the ellipse (κ = 20), each
/// measured on the crates' own momentum and checked against its formula.
pub(super) fn numbers(book: &mut Book) -> Result<()> {
    let (mu, l) = (0.2, 4.0);
    let kappa: f64 = l / mu;
    // Gradient descent at its best η = 2/(μ + L): both axes contract by (κ − 1)/(κ + 1).
    let gd_best = (kappa - 1.0) / (kappa + 1.0);
    let gd_eta = 2.0 / (mu + l);
    let gd_measured = [mu, l]
        .iter()
        .map(|&lambda| measured_contraction(gd_eta, 0.0, lambda))
        .collect::<Result<Vec<_>>>()?;
    for rate in &gd_measured {
        ensure!(
            (rate - gd_best).abs() < 1e-3,
            "GD at η = 2/(μ + L) contracts by {rate}, not (κ − 1)/(κ + 1) = {gd_best}"
        );
    }
    // Polyak's pair: every axis at √β* = (√κ − 1)/(√κ + 1).
    let beta_star = ((kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0)).powi(2);
    let eta_star = 4.0 / (l.sqrt() + mu.sqrt()).powi(2);
    let polyak = (kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0);
    for lambda in [mu, l] {
        let rate = measured_contraction(eta_star, beta_star, lambda)?;
        ensure!(
            (rate - polyak).abs() < 1e-2,
            "Polyak's pair contracts by {rate} on λ = {lambda}, not {polyak}"
        );
    }
    // β = 0.9 at any stable η (η·L < 2·(1 + β) = 3.8): no choice makes both axes
    // contract faster than √β, the modulus of complex roots.
    let beta = 0.9f64;
    let best_at_beta = (1..190)
        .map(|k| f64::from(k) * 0.005)
        .map(|eta| {
            let rates = [mu, l].map(|lambda| measured_contraction(eta, beta, lambda));
            match rates {
                [Ok(a), Ok(b)] => Ok(a.max(b)),
                [Err(e), _] | [_, Err(e)] => Err(e),
            }
        })
        .collect::<Result<Vec<f64>>>()?
        .into_iter()
        .fold(f64::INFINITY, f64::min);
    ensure!(
        best_at_beta >= beta.sqrt() - 1e-3 && best_at_beta > gd_best,
        "momentum with β = 0.9 should contract no faster than √0.9 ≈ 0.949 (and slower than GD's best {gd_best}), but reaches {best_at_beta}"
    );
    book.add("momentum", "gd-best-rate", fixed(gd_best, 3), "(κ − 1)/(κ + 1) for the ellipse, κ = 20: GD's factor per step at its best η = 2/(μ + L), measured");
    book.add("momentum", "polyak-rate", fixed(polyak, 2), "(√κ − 1)/(√κ + 1) for κ = 20: heavy ball's factor per step with Polyak's β* and η*, measured on both axes");
    book.add("momentum", "polyak-beta", fixed(beta_star, 3), "Polyak's β* for the ellipse");
    book.add("momentum", "polyak-eta", fixed(eta_star, 3), "Polyak's η* for the ellipse");
    book.add("momentum", "beta-09-rate", fixed(best_at_beta, 3), "the best factor per step heavy ball with β = 0.9 reaches on the ellipse over its stable η: √0.9");
    // Adam's defaults: how little its second moment is corrected after 1000 steps,
    // and the limit of the true (Cauchy–Schwarz) bound on its step, in units of η.
    let adam = AdamConfig::new(0.1);
    let (beta1, beta2) = (adam.beta1, adam.beta2);
    let corrected = bias_correction(beta2, 1000);
    ensure!(
        corrected < 0.7,
        "1 − β₂ᵗ after 1000 steps should still be well below 1, is {corrected}"
    );
    book.add(
        "momentum",
        "adam-correction-1000",
        fixed(corrected, 2),
        "1 − β₂ᵗ at t = 1000 for Adam's default β₂, by the crate's bias_correction",
    );
    let bound = (1.0 - beta1) / ((1.0 - beta2) * (1.0 - beta1 * beta1 / beta2)).sqrt();
    ensure!(
        bound > 1.0 / (1.0 - beta2).sqrt() * (1.0 - beta1),
        "the true bound exceeds the folklore one"
    );
    book.add("momentum", "adam-bound-limit", fixed(bound, 2), "(1 − β₁)/√((1 − β₂)(1 − β₁²/β₂)) for Adam's defaults: the limit of the true bound on |Δw|/η");
    // The top panel of momentum-paths: η = 0.48, β = 0 (GD) against β = 0.3.
    let arrival = |beta: f64| -> Result<Outcome> {
        let mut optimizer = MomentumConfig::new(0.48).momentum(beta).build(2)?;
        let trace = minimize(
            &DiagonalQuadratic::ellipse(),
            &mut optimizer,
            &ELLIPSE_START,
            Stop::after(1000),
        );
        Ok(Outcome::of(&trace, 0.0, 1e-6))
    };
    let (gd_outcome, damped_outcome) = (arrival(0.0)?, arrival(0.3)?);
    let gd_steps = gd_outcome.steps().context("GD at η = 0.48 reaches J < 1e-6")?;
    let damped_steps = damped_outcome.steps().context("β = 0.3 at η = 0.48 reaches J < 1e-6")?;
    ensure!(
        (damped_steps as f64) < 0.6 * gd_steps as f64,
        "β = 0.3 should arrive in about half GD's steps: {damped_steps} against {gd_steps}"
    );
    book.reached(
        "momentum",
        "paths-gd-steps",
        gd_outcome,
        "steps to J < 1e-6 of GD at η = 0.48 on the ellipse (momentum-paths, top)",
    )?;
    book.reached(
        "momentum",
        "paths-damped-steps",
        damped_outcome,
        "steps to J < 1e-6 of heavy ball β = 0.3 at η = 0.48 (momentum-paths, top)",
    )?;
    // The loss figure draws GD at η = 0.4 on the ellipse: its factor per step is
    // max(|1 − 0.4·0.2|, |1 − 0.4·4|), measured on the crate's step.
    let drawn = [mu, l]
        .iter()
        .map(|&lambda| measured_contraction(0.4, 0.0, lambda))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .fold(0.0f64, f64::max);
    ensure!(
        drawn > gd_best && drawn < best_at_beta,
        "GD at η = 0.4 should contract more slowly than at its best, faster than β = 0.9"
    );
    book.add(
        "momentum",
        "gd-drawn-rate",
        fixed(drawn, 2),
        "GD's factor per step at η = 0.4 on the ellipse, the η of the loss figure, measured",
    );
    Ok(())
}

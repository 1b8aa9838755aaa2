//! The tables of "Same name, different numbers", generated from the crates: what
//! every preset of every configuration type sets (read from the configuration it
//! builds), and how close the course's construction of every library call comes
//! to that library's own run (measured against the committed reference runs).

use adagrad::{AdagradConfig, EpsilonPlacement};
use anyhow::{Context, Result, bail};
use descent_tests::references::{PRESETS, PROBLEMS, RUNS, largest_difference};
use momentum::{
    AdamConfig, AmsGrad, EpsilonTiming, KERAS_ADAMW_DECAY, MomentumConfig, OPTAX_ADAMW_DECAY,
    PYTORCH_ADAMW_DECAY, RmsPropMomentumConfig,
};
use rmsprop::{CenteredRmsPropConfig, RmsPropConfig};

use super::format::scientific;

/// The learning rate the presets are read at (every preset takes it as given).
const ETA: f64 = 0.1;
/// The momentum given to the presets that take one.
const MU: f64 = 0.9;

/// ε as math, `$10^{-8}$`, so that a table cell does not wrap it.
fn epsilon(value: f64) -> Result<String> {
    let exponent = value.log10().round();
    if (10f64.powf(exponent) - value).abs() > 1e-3 * value {
        bail!("ε = {value} is not a power of ten");
    }
    Ok(format!("$10^{{{exponent}}}$"))
}

fn placement(placement: EpsilonPlacement) -> &'static str {
    match placement {
        EpsilonPlacement::InsideRoot => "inside",
        EpsilonPlacement::OutsideRoot => "outside",
    }
}

/// One row of the RMSprop-family table: the settings an RMSprop-like preset
/// builds, read from its configuration.
fn rmsprop_row(
    library: &str,
    preset: &str,
    rmsprop: RmsPropConfig,
    centered: bool,
    momentum: &str,
) -> Result<String> {
    Ok(format!(
        "| {library} | `{preset}` | {} | {} | {} | {} | {} | {} |",
        rmsprop.decay,
        epsilon(rmsprop.epsilon)?,
        placement(rmsprop.epsilon_placement),
        rmsprop.initial_accumulator,
        if centered { "yes" } else { "no" },
        momentum,
    ))
}

/// The momentum a preset sets, or "μ" where the caller gives it.
fn momentum_cell(preset: &str, momentum: f64) -> String {
    if preset.ends_with("μ)") { "μ".to_owned() } else { momentum.to_string() }
}

fn adagrad_row(library: &str, preset: &str, config: AdagradConfig) -> Result<String> {
    Ok(format!(
        "| {library} | `{preset}` | — | {} | {} | {} | no | 0 |",
        epsilon(config.epsilon)?,
        placement(config.epsilon_placement),
        config.initial_accumulator,
    ))
}

/// The table of every Adagrad and RMSprop preset.
fn adaptive_table() -> Result<String> {
    let mut rows = vec![
        "| library | course preset | γ | ε | ε sits | G₀ | centred | μ |".to_owned(),
        "|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    for (library, preset, config) in [
        ("this course", "AdagradConfig::new(η)", AdagradConfig::new(ETA)),
        ("`torch.optim.Adagrad`", "AdagradConfig::pytorch(η)", AdagradConfig::pytorch(ETA)),
        ("Keras 3 `Adagrad`", "AdagradConfig::keras(η)", AdagradConfig::keras(ETA)),
        ("`optax.adagrad`", "AdagradConfig::optax(η)", AdagradConfig::optax(ETA)),
    ] {
        rows.push(adagrad_row(library, preset, config)?);
    }
    for (library, preset, config) in [
        ("this course", "RmsPropConfig::new(η)", RmsPropConfig::new(ETA)),
        ("`torch.optim.RMSprop`", "RmsPropConfig::pytorch(η)", RmsPropConfig::pytorch(ETA)),
        ("Keras 3 `RMSprop`", "RmsPropConfig::keras(η)", RmsPropConfig::keras(ETA)),
        ("`optax.rmsprop`", "RmsPropConfig::optax(η)", RmsPropConfig::optax(ETA)),
    ] {
        rows.push(rmsprop_row(library, preset, config, false, "0")?);
    }
    for (library, preset, config) in [
        ("this course", "RmsPropMomentumConfig::new(η)", RmsPropMomentumConfig::new(ETA)),
        (
            "`torch.optim.RMSprop`, `momentum=μ`",
            "RmsPropMomentumConfig::pytorch(η, μ)",
            RmsPropMomentumConfig::pytorch(ETA, MU),
        ),
        (
            "Keras 3 `RMSprop`, `momentum=μ`",
            "RmsPropMomentumConfig::keras(η, μ)",
            RmsPropMomentumConfig::keras(ETA, MU),
        ),
        (
            "`optax.rmsprop`, `momentum=μ`",
            "RmsPropMomentumConfig::optax(η, μ)",
            RmsPropMomentumConfig::optax(ETA, MU),
        ),
    ] {
        let momentum = momentum_cell(preset, config.momentum);
        rows.push(rmsprop_row(library, preset, config.rmsprop, false, &momentum)?);
    }
    for (library, preset, config) in [
        ("this course", "CenteredRmsPropConfig::new(η)", CenteredRmsPropConfig::new(ETA)),
        (
            "`torch.optim.RMSprop`, `centered=True`",
            "CenteredRmsPropConfig::pytorch(η, μ)",
            CenteredRmsPropConfig::pytorch(ETA, MU),
        ),
        (
            "Keras 3 `RMSprop`, `centered=True`",
            "CenteredRmsPropConfig::keras(η, μ)",
            CenteredRmsPropConfig::keras(ETA, MU),
        ),
        (
            "`optax.rmsprop`, `centered=True`",
            "CenteredRmsPropConfig::optax(η, μ)",
            CenteredRmsPropConfig::optax(ETA, MU),
        ),
    ] {
        let momentum = momentum_cell(preset, config.momentum);
        rows.push(rmsprop_row(library, preset, config.rmsprop, true, &momentum)?);
    }
    Ok(rows.join("\n") + "\n")
}

fn amsgrad(amsgrad: AmsGrad) -> &'static str {
    match amsgrad {
        AmsGrad::Off => "no",
        AmsGrad::MaximumBeforeCorrection => "max of G",
        AmsGrad::MaximumAfterCorrection => "max of Ĝ",
    }
}

/// The table of every momentum and Adam preset.
fn momentum_table() -> Result<String> {
    let mut rows = vec![
        "| library | course preset | β₁ (β) | β₂ | ε | ε sits | AMSGrad | Nesterov |".to_owned(),
        "|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    for (library, preset, config) in [
        ("this course", "MomentumConfig::new(η)", MomentumConfig::new(ETA)),
        (
            "`torch.optim.SGD`, `momentum=β`",
            "MomentumConfig::pytorch(η, β)",
            MomentumConfig::pytorch(ETA, MU),
        ),
        (
            "Keras 3 `SGD`, `momentum=β`",
            "MomentumConfig::keras(η, β)",
            MomentumConfig::keras(ETA, MU),
        ),
        (
            "`optax.sgd`, `momentum=β`",
            "MomentumConfig::optax(η, β)",
            MomentumConfig::optax(ETA, MU),
        ),
    ] {
        let beta =
            if preset.ends_with("β)") { "β".to_owned() } else { config.momentum.to_string() };
        let nesterov = if config.nesterov { "yes" } else { "no" };
        rows.push(format!("| {library} | `{preset}` | {beta} | — | — | — | — | {nesterov} |"));
    }
    for (library, preset, config) in [
        ("this course", "AdamConfig::new(η)", AdamConfig::new(ETA)),
        ("`torch.optim.Adam`", "AdamConfig::pytorch(η)", AdamConfig::pytorch(ETA)),
        ("`optax.adam`", "AdamConfig::optax(η)", AdamConfig::optax(ETA)),
        (
            "`torch.optim.Adam`, `amsgrad=True`",
            "AdamConfig::pytorch_amsgrad(η)",
            AdamConfig::pytorch_amsgrad(ETA),
        ),
        ("`optax.amsgrad`", "AdamConfig::optax_amsgrad(η)", AdamConfig::optax_amsgrad(ETA)),
        ("Keras 3 `Adam`", "AdamConfig::keras(η)", AdamConfig::keras(ETA)),
        (
            "Keras 3 `Adam`, `amsgrad=True`",
            "AdamConfig::keras_amsgrad(η)",
            AdamConfig::keras_amsgrad(ETA),
        ),
    ] {
        let timing = match config.epsilon_timing {
            EpsilonTiming::AfterCorrection => "",
            EpsilonTiming::BeforeCorrection => ", before the correction",
        };
        rows.push(format!(
            "| {library} | `{preset}` | {} | {} | {} | {}{timing} | {} | — |",
            config.beta1,
            config.beta2,
            epsilon(config.epsilon)?,
            placement(config.epsilon_placement),
            amsgrad(config.amsgrad),
        ));
    }
    Ok(rows.join("\n") + "\n")
}

/// The table of AdamW's default decays.
fn adamw_table() -> String {
    let mut rows = vec![
        "| library | course | λ, the library's default |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    for (library, preset, decay) in [
        (
            "`torch.optim.AdamW`",
            "adamw(AdamConfig::pytorch(η), PYTORCH_ADAMW_DECAY, n)",
            PYTORCH_ADAMW_DECAY,
        ),
        ("`optax.adamw`", "adamw(AdamConfig::optax(η), OPTAX_ADAMW_DECAY, n)", OPTAX_ADAMW_DECAY),
        ("Keras 3 `AdamW`", "adamw(AdamConfig::keras(η), KERAS_ADAMW_DECAY, n)", KERAS_ADAMW_DECAY),
    ] {
        rows.push(format!("| {library} | `{preset}` | {decay} |"));
    }
    rows.join("\n") + "\n"
}

/// Every preset's settings, as three Markdown tables.
///
/// # Errors
/// Besides a setting that cannot be shown, if a library's preset in the tables
/// has no reference run: every row but the course's own must be checked against
/// its library by the parity test.
pub fn settings() -> Result<String> {
    let tables = format!("{}\n{}\n{}", adaptive_table()?, momentum_table()?, adamw_table());
    for row in tables.lines().filter(|row| row.starts_with("| ") && !row.starts_with("| library")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        if cells[0] == "| this course" {
            continue;
        }
        let preset = cells.get(1).context("a preset cell")?.trim_matches('`');
        let constructor = preset.split("(η").next().unwrap_or(preset);
        let called = format!("{constructor}(");
        if !PRESETS.iter().any(|checked| checked.course.contains(&called)) {
            bail!("the presets table lists {preset}, which no reference run checks");
        }
    }
    Ok(tables)
}

/// Keyword arguments that change what a library computes in, not what it computes.
const FORBIDDEN_KEYWORDS: [&str; 6] =
    ["dtype", "device", "foreach", "fused", "capturable", "differentiable"];

/// Checks that the recorded call `call` of the reference run `name` is a plain
/// call of its library, as `generate.py`'s `check_plain_call` requires before it
/// runs one: every name is the library's own (`optax.…` for an `optax-…` run), a
/// keyword argument, η, the parameters `p` or the optimizer `opt`; no keyword
/// changes the dtype or the kernel. A reference file written another way, by
/// hand or by a wrapper, fails here.
fn check_plain_call(name: &str, call: &str) -> Result<()> {
    let library = name.split('-').next().unwrap_or(name);
    let mut chars = call.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_alphabetic() || c == '_' {
            let mut end = start + c.len_utf8();
            while let Some(&(i, next)) = chars.peek() {
                if !(next.is_alphanumeric() || next == '_' || next == '.') {
                    break;
                }
                end = i + next.len_utf8();
                chars.next();
            }
            let word = &call[start..end];
            let keyword = call[end..].trim_start().starts_with('=')
                && !call[end..].trim_start().starts_with("==");
            let own = word.starts_with(&format!("{library}."));
            if keyword && FORBIDDEN_KEYWORDS.contains(&word) {
                bail!("{name}: `{call}` sets {word}=, which changes the library's arithmetic");
            }
            if !(own || keyword || ["η", "p", "opt", "True", "False"].contains(&word)) {
                bail!("{name}: `{call}` uses {word}, which is not {library}'s own");
            }
        } else if !(c.is_ascii_digit() || " .,;=()+-*/".contains(c)) {
            bail!("{name}: `{call}` has {c:?}, which a plain call does not");
        }
    }
    Ok(())
}

/// Every library call with the course's construction of it and the largest
/// relative difference, over 60 steps and both weights, from the library's own
/// run on the ellipse and on Rosenbrock's function.
pub fn parity() -> Result<String> {
    let mut rows = vec![
        "| library call (Python) | the course (Rust) | ellipse | Rosenbrock |".to_owned(),
        "|---|---|---|---|".to_owned(),
    ];
    let mut largest: f64 = 0.0;
    for preset in PRESETS {
        let call = preset.library_call().with_context(|| format!("{} has no call", preset.call))?;
        check_plain_call(preset.call, call)?;
        let mut cells = Vec::new();
        for (problem, _) in PROBLEMS {
            let (_, _, iterates) = RUNS
                .iter()
                .find(|(name, p, _)| *name == preset.call && *p == problem)
                .with_context(|| format!("no reference run of {} on {problem}", preset.call))?;
            let difference = largest_difference(preset, problem, iterates)
                .map_err(|error| anyhow::anyhow!(error))?;
            largest = largest.max(difference);
            cells.push(if difference == 0.0 { "0".to_owned() } else { scientific(difference, 0) });
        }
        let course = preset.course.split_whitespace().collect::<Vec<_>>().join(" ");
        let course = course.replace(", }", " }").replace('|', "\\|");
        rows.push(format!("| `{call}` | `{course}` | {} | {} |", cells[0], cells[1]));
    }
    if largest > 1e-12 {
        bail!("a preset differs from its library's run by {largest:e} (more than 1e-12)");
    }
    Ok(rows.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::check_plain_call;

    #[test]
    fn a_plain_call_passes_and_a_wrapper_is_refused() {
        let plain = "optax.adam(optax.exponential_decay(η, transition_steps=10, decay_rate=0.5))";
        assert!(check_plain_call("optax-adam-step-decay", plain).is_ok());
        let torch = "torch.optim.Adam(p, η); torch.optim.lr_scheduler.StepLR(opt, step_size=10)";
        assert!(check_plain_call("torch-adam-step-lr", torch).is_ok());
        for (name, call) in [
            ("optax-adam", "optax.adam(in_float64(optax.cosine_decay_schedule(η, 40)))"),
            ("optax-adam", "optax.adam(lambda count: η)"),
            ("optax-adam", "optax.adam(jnp.float64(η))"),
            ("torch-adam", "torch.optim.Adam(p, η, foreach=True)"),
            ("keras-adam", "keras.optimizers.Adam(η, dtype='float32')"),
            ("keras-adam", "optax.adam(η)"),
        ] {
            assert!(check_plain_call(name, call).is_err(), "{call} passed");
        }
    }
}

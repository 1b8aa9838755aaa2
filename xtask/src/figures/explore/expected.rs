//! What the browser check expects an explorer to draw, from fresh runs.
//!
//! For each sample setting of an explorer, every method shown is run again with
//! `gd::minimize`, and its whole trace goes into `explore/{id}.expected.json` in
//! f64 (shortest round-trip decimals): the iterates, the losses, the effective
//! rates and how `minimize` stopped. Nothing here reads the packed data file or
//! its cut: the check drives the page to the setting, reads the points the page
//! drew, and compares them with these, so a bug in the packing, the lookup or the
//! cut shows up as a difference. The escape box is written too, for the check to
//! apply the cut rule itself.

use anyhow::Result;
use gd::StopReason;
use serde_json::json;

use super::run::trace;
use super::spec::Explorer;

/// The expected file of `explorer`, as pretty JSON.
pub fn expected(explorer: &Explorer) -> Result<String> {
    explorer.validate()?;
    let mut samples = Vec::new();
    for sample in explorer.samples {
        let mut methods = serde_json::Map::new();
        for key in sample.methods {
            let method = explorer.method(key)?;
            let values = explorer.sample_values(method, sample)?;
            let run = trace(explorer, method, sample.eta, &values, sample.start)?;
            let stop = match run.stop {
                StopReason::BudgetSpent { steps } => json!({ "kind": "budget", "step": steps }),
                StopReason::Converged { step } => json!({ "kind": "converged", "step": step }),
                StopReason::Diverged { step, .. } => json!({ "kind": "diverged", "step": step }),
            };
            methods.insert(
                (*key).to_owned(),
                json!({
                    "optimizer": run.optimizer,
                    "iterates": run.iterates,
                    "losses": run.losses,
                    "rates": run.effective_learning_rates,
                    "stop": stop,
                }),
            );
        }
        let params: serde_json::Map<String, serde_json::Value> =
            sample.params.iter().map(|&(k, v)| (k.to_owned(), json!(v))).collect();
        samples.push(json!({
            "eta": sample.eta,
            "params": params,
            "start": sample.start,
            "t": sample.t,
            "methods": methods,
        }));
    }
    let [(x0, x1), (y0, y1)] = explorer.escape_box();
    let file = json!({
        "id": explorer.id,
        "escape": { "w1": [x0, x1], "w2": [y0, y1] },
        "steps": explorer.steps,
        "samples": samples,
    });
    Ok(serde_json::to_string_pretty(&file)? + "\n")
}

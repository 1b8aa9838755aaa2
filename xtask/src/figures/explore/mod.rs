//! The data of the explorable figures: every path a reader can call up, computed
//! ahead of time by the course's crates.
//!
//! The browser cannot run the crates (this toolchain has no wasm32 target), so an
//! explorer's page only looks runs up and draws them. For each explorer
//! ([`explorers::all`]) this module runs `gd::minimize` with the real optimizers on
//! the real objective at every point of its grid (method × parameter values × η ×
//! start), keeps each run as [`run::keep`] says, and packs them ([`mod@pack`]) into
//! `explore/{id}.js`, which `book/theme/explore.js` loads. Beside it,
//! `explore/{id}.expected.json` holds fresh f64 runs of a few sample settings
//! ([`mod@expected`]), which the browser check compares with what the page draws.
//!
//! Both are registered in `FIGURES`, so `cargo xtask figures` writes them and
//! `--check` fails when they are stale, like the SVGs. They are deterministic: the
//! runs are, and the file's text is built in a fixed order.

use anyhow::{Context, Result, bail};

// The two files of each explorer, then what they are built from. The order is the
// stair of the imports (a module uses only the modules below it); the comment above
// each line keeps rustfmt from sorting them.
//
// What the browser check expects an explorer to draw.
mod expected;
// The explorable figures of the book, one per chapter.
mod explorers;
// The data file of an explorer: every run of its grid, packed.
mod pack;
// One run of an explorer, as the data file keeps it.
mod run;
// What an explorer is made of.
mod spec;

/// The largest data file an explorer may have: a chapter page with its fonts,
/// figures and scripts stays under 2 MB as served.
pub const MAX_BYTES: usize = 1_000_000;

fn explorer(id: &str) -> Result<spec::Explorer> {
    explorers::all()?.into_iter().find(|e| e.id == id).with_context(|| format!("no explorer {id}"))
}

/// The data file `explore/{id}.js`: every run of the explorer, packed.
pub fn data(id: &str) -> Result<String> {
    let script = pack::to_script(&pack::pack(&explorer(id)?)?)?;
    if script.len() > MAX_BYTES {
        bail!(
            "the data of explorer {id} takes {} bytes, more than {MAX_BYTES}: use a coarser grid",
            script.len()
        );
    }
    Ok(script)
}

/// The file `explore/{id}.expected.json`: fresh runs of the explorer's samples.
pub fn expected(id: &str) -> Result<String> {
    expected::expected(&explorer(id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the packed payload back, as the viewer does, into runs of floats.
    fn unpack(index: &serde_json::Value, bytes: &[u8]) -> Vec<(u16, u16, u16, Vec<f32>)> {
        let runs = index["runs"].as_u64().unwrap() as usize;
        let table = index["tableBytes"].as_u64().unwrap() as usize;
        let u16_at = |k: usize| u16::from_le_bytes([bytes[2 * k], bytes[2 * k + 1]]);
        let floats: Vec<f32> = bytes[table..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let mut offset: usize = index["contours"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| 2 * n.as_u64().unwrap() as usize)
            .sum();
        let mut out = Vec::new();
        let methods = index["methods"].as_array().unwrap();
        let per_method = runs / methods.len(); // equal in the test explorer below
        for k in 0..runs {
            let (count, code, step) = (u16_at(3 * k), u16_at(3 * k + 1), u16_at(3 * k + 2));
            let rates = methods[k / per_method]["rates"].as_bool().unwrap();
            let n = usize::from(count);
            let size = 3 * n + if rates { 2 * (n - 1) } else { 0 };
            out.push((count, code, step, floats[offset..offset + size].to_vec()));
            offset += size;
        }
        assert_eq!(offset, floats.len(), "every float belongs to a run");
        out
    }

    #[test]
    fn every_explorer_is_valid_and_its_samples_lie_on_its_grids() {
        for explorer in explorers::all().unwrap() {
            explorer.validate().unwrap();
        }
    }

    #[test]
    fn the_packed_runs_read_back_as_the_crates_computed_them() {
        let explorer = explorer("gd-ellipse").unwrap();
        let packed = pack::pack(&explorer).unwrap();
        let runs = unpack(&packed.index, &packed.bytes);
        let starts = explorer.start_points();
        assert_eq!(runs.len(), explorer.etas.len() * starts.len());
        let method = explorer.method("gd").unwrap();
        for (i, &eta) in explorer.etas.iter().enumerate().step_by(3) {
            for (s, &start) in starts.iter().enumerate().step_by(4) {
                let trace = run::trace(&explorer, method, eta, &[], start).unwrap();
                let kept = run::keep(&trace, &explorer.escape_box()).unwrap();
                let (count, code, _, floats) = &runs[i * starts.len() + s];
                assert_eq!(usize::from(*count), kept.iterates.len());
                assert_eq!(*code, kept.end.code());
                for (t, w) in kept.iterates.iter().enumerate() {
                    assert_eq!(floats[2 * t], w[0] as f32);
                    assert_eq!(floats[2 * t + 1], w[1] as f32);
                    assert_eq!(floats[2 * kept.iterates.len() + t], kept.losses[t] as f32);
                }
            }
        }
    }

    #[test]
    fn gradient_descent_past_two_over_l_leaves_and_below_it_stays() {
        let explorer = explorer("gd-ellipse").unwrap();
        let method = explorer.method("gd").unwrap();
        let end = |eta| {
            let trace = run::trace(&explorer, method, eta, &[], [-5.0, -2.0]).unwrap();
            run::keep(&trace, &explorer.escape_box()).unwrap().end
        };
        assert_eq!(end(0.4), run::End::BudgetSpent);
        assert_eq!(end(0.5), run::End::BudgetSpent, "at 2/L the steep weight bounces");
        assert_eq!(end(0.63), run::End::Leaves);
    }

    #[test]
    fn every_data_file_fits_its_budget_and_is_a_single_load_call() {
        for explorer in explorers::all().unwrap() {
            let script = data(explorer.id).unwrap();
            assert!(script.len() <= MAX_BYTES, "{}: {} bytes", explorer.id, script.len());
            let last = script.lines().last().unwrap();
            let json = last.strip_prefix("DescentExplore.load(").and_then(|r| r.strip_suffix(");"));
            let mut object: serde_json::Value = serde_json::from_str(json.unwrap()).unwrap();
            let data = object.as_object_mut().unwrap().remove("data").unwrap();
            assert!(data.as_str().is_some_and(|d| d.len() % 4 == 0), "{}", explorer.id);
            // serde_json writes a non-finite f64 as null: the index must have none.
            assert!(!object.to_string().contains("null"), "{}", explorer.id);
        }
    }
}

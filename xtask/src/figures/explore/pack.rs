//! The data file of an explorer: every run of its grid, packed.
//!
//! The file is JavaScript, `DescentExplore.load({…});`, so that a page opened from
//! the disk (`file://`, where a browser refuses `fetch`) can load it with a
//! `<script>` element. The object is JSON: an index (the grids, the methods, the
//! frame, the contour lines' lengths, the sizes and a checksum) and `data`, the
//! payload in base64:
//!
//! 1. the run table: for every run, three little-endian u16 (iterates kept, how
//!    it ends as [`super::run::End::code`], and the step `minimize` stopped at), in the order
//!    method, combination of its parameters, η, start; zero bytes up to a multiple
//!    of four;
//! 2. little-endian f32: the contour lines' points (w₁, w₂), then every run's
//!    iterates (w₁, w₂), its losses J, and, for a method with a rate per weight,
//!    the two effective rates of each step.
//!
//! f32 keeps seven significant digits: far below a pixel, and the browser check
//! compares what the page draws with a fresh f64 run of the crates. Every number
//! is finite; a value that would not be is an error here, never a NaN in the file.

use anyhow::{Context, Result, bail};
use serde_json::json;

use super::run::{Kept, keep, trace};
use super::spec::Explorer;
use crate::figures::contour::Samples;

/// The version of the format, which the viewer checks.
pub const FORMAT: u32 = 1;

/// The payload and its index, ready to be written as a data file.
pub struct Packed {
    /// The index (without the payload).
    pub index: serde_json::Value,
    /// The payload.
    pub bytes: Vec<u8>,
}

/// Appends `v` as a little-endian f32, failing if it is not finite there.
fn push_f32(floats: &mut Vec<u8>, v: f64, what: &str) -> Result<()> {
    let single = v as f32;
    if !single.is_finite() {
        bail!("{what} = {v} is not a finite f32");
    }
    floats.extend_from_slice(&single.to_le_bytes());
    Ok(())
}

/// Appends `v` as a little-endian u16, failing if it does not fit.
fn push_u16(table: &mut Vec<u8>, v: usize) -> Result<()> {
    let v = u16::try_from(v).with_context(|| format!("{v} does not fit a u16"))?;
    table.extend_from_slice(&v.to_le_bytes());
    Ok(())
}

/// The contour lines of the explorer's levels over its frame, by marching squares
/// on a grid of 240 cells across (about one cell per 3 pixels, as the static
/// figures draw them).
fn contours(explorer: &Explorer) -> Vec<Vec<(f64, f64)>> {
    let [(x0, x1), (y0, y1)] = explorer.frame;
    let across = 240;
    let down = ((across as f64) * (y1 - y0) / (x1 - x0)).round().max(1.0) as usize;
    let objective = explorer.objective.as_ref();
    let samples = Samples::new(|x, y| objective.value(&[x, y]), x0..x1, y0..y1, (across, down));
    explorer.levels.iter().flat_map(|&level| samples.lines(level)).collect()
}

/// Every run of `explorer`'s grid, packed with its index.
pub fn pack(explorer: &Explorer) -> Result<Packed> {
    explorer.validate()?;
    let escape = explorer.escape_box();
    let starts = explorer.start_points();
    let mut table = Vec::new();
    let mut floats = Vec::new();
    let lines = contours(explorer);
    for line in &lines {
        for &(x, y) in line {
            push_f32(&mut floats, x, "a contour point")?;
            push_f32(&mut floats, y, "a contour point")?;
        }
    }
    let mut methods = Vec::new();
    let mut runs = 0usize;
    for method in explorer.methods {
        let combinations = explorer.combinations(method)?;
        let first = combinations.first().context("a method needs a combination")?;
        let has_rates =
            (method.build)(explorer.etas[0], first, 2)?.effective_learning_rates().is_some();
        for values in &combinations {
            for &eta in &explorer.etas {
                for &start in &starts {
                    let trace = trace(explorer, method, eta, values, start)?;
                    let kept = keep(&trace, &escape)?;
                    let what = format!("{} from {start:?}", trace.optimizer);
                    push_run(&mut table, &mut floats, &kept, has_rates, &what)?;
                    runs += 1;
                }
            }
        }
        let [r, g, b] = [method.color.0, method.color.1, method.color.2];
        methods.push(json!({
            "key": method.key,
            "label": method.label,
            "color": format!("#{r:02x}{g:02x}{b:02x}"),
            "params": method.params,
            "rates": has_rates,
        }));
    }
    while table.len() % 4 != 0 {
        table.push(0);
    }
    let table_bytes = table.len();
    let float_count = floats.len() / 4;
    let mut bytes = table;
    bytes.extend_from_slice(&floats);
    let params: Vec<serde_json::Value> = explorer
        .params
        .iter()
        .map(|p| {
            json!({
                "key": p.key, "symbol": p.symbol, "name": p.name,
                "values": p.values, "default": p.default,
            })
        })
        .collect();
    let [(x0, x1), (y0, y1)] = explorer.frame;
    let minimum = explorer.objective.minimizer().context("the objective needs a minimizer")?;
    let index = json!({
        "format": FORMAT,
        "id": explorer.id,
        "title": explorer.title,
        "frame": { "w1": [x0, x1], "w2": [y0, y1] },
        "minimum": minimum,
        "eta": { "values": explorer.etas, "default": explorer.eta_default },
        "params": params,
        "methods": methods,
        "starts": {
            "w1": explorer.starts[0], "w2": explorer.starts[1],
            "default": explorer.start_default,
        },
        "steps": explorer.steps,
        "t": explorer.t_default,
        "contours": lines.iter().map(Vec::len).collect::<Vec<_>>(),
        "runs": runs,
        "tableBytes": table_bytes,
        "floats": float_count,
        "bytes": bytes.len(),
        "fnv1a": format!("{:08x}", fnv1a(&bytes)),
    });
    Ok(Packed { index, bytes })
}

/// Appends one run: its row of the table and its floats.
fn push_run(
    table: &mut Vec<u8>,
    floats: &mut Vec<u8>,
    kept: &Kept,
    has_rates: bool,
    what: &str,
) -> Result<()> {
    let count = kept.iterates.len();
    if has_rates && kept.rates.len() != count - 1 {
        bail!("{what}: {} rates for {} steps", kept.rates.len(), count - 1);
    }
    push_u16(table, count)?;
    push_u16(table, usize::from(kept.end.code()))?;
    push_u16(table, kept.end.step())?;
    for w in &kept.iterates {
        push_f32(floats, w[0], &format!("{what}: w₁"))?;
        push_f32(floats, w[1], &format!("{what}: w₂"))?;
    }
    for &loss in &kept.losses {
        push_f32(floats, loss, &format!("{what}: J"))?;
    }
    if has_rates {
        for r in &kept.rates {
            push_f32(floats, r[0], &format!("{what}: a rate"))?;
            push_f32(floats, r[1], &format!("{what}: a rate"))?;
        }
    }
    Ok(())
}

/// The 32-bit FNV-1a hash of `bytes`: the viewer recomputes it to refuse a corrupt
/// file.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |hash, &b| (hash ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// `bytes` in standard base64, with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The data file's text: a comment, then `DescentExplore.load({…});` on one line.
pub fn to_script(packed: &Packed) -> Result<String> {
    let mut object = packed.index.clone();
    let map = object.as_object_mut().context("the index is an object")?;
    map.insert("data".into(), serde_json::Value::String(base64(&packed.bytes)));
    let json = serde_json::to_string(&object)?;
    Ok(format!(
        "// Generated by `cargo xtask figures` from the course's crates: do not edit.\n\
         // The runs of one explorable figure, read by book/theme/explore.js.\n\
         DescentExplore.load({json});\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn fnv1a_matches_its_published_values() {
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn a_value_too_large_for_f32_is_an_error_not_an_infinity() {
        let mut floats = Vec::new();
        assert!(push_f32(&mut floats, 1e300, "w").is_err());
        assert!(push_f32(&mut floats, f64::NAN, "w").is_err());
        push_f32(&mut floats, 0.4, "w").unwrap();
        assert_eq!(floats, 0.4f32.to_le_bytes());
    }
}

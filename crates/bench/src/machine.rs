//! What the benches write at the top of their results: the machine they ran on
//! and how busy it was, and the one-line JSON objects the Python peers print.

/// The CPU's model name from `/proc/cpuinfo`, or "unknown".
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The load averages over 1, 5 and 15 minutes from `/proc/loadavg`, or "unknown".
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The `"key": value` pairs of a one-line JSON object that the peers' scripts
/// print, read without a JSON crate: values are numbers or strings without
/// `", "` in them, and one nested object is read as if its pairs were the
/// outer object's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The pairs of `line`.
    pub fn parse(line: &str) -> Self {
        let body = line.trim().trim_start_matches('{').trim_end_matches('}');
        let body = body.split_once(": {").map_or(body, |(_, inner)| inner);
        Self(
            body.split(", \"")
                .filter_map(|pair| pair.split_once("\": "))
                .map(|(k, v)| (k.trim_matches('"').to_owned(), v.trim_matches('"').to_owned()))
                .collect(),
        )
    }

    /// The value of `key`, or "?".
    pub fn get(&self, key: &str) -> &str {
        self.0.iter().find(|(k, _)| k == key).map_or("?", |(_, v)| v.as_str())
    }

    /// The value of `key`, a time in seconds, in `unit`s per second (1e3 for
    /// ms, 1e6 for µs); NaN if it is not a number.
    pub fn seconds_in(&self, key: &str, unit: f64) -> f64 {
        self.get(key).parse::<f64>().map_or(f64::NAN, |s| unit * s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_object_and_a_nested_one_read_as_pairs() {
        let row = Fields::parse(r#"{"library": "optax 0.2.8", "best": 0.000125, "median": 2e-4}"#);
        assert_eq!(row.get("library"), "optax 0.2.8");
        assert!((row.seconds_in("best", 1e6) - 125.0).abs() < 1e-9);
        assert_eq!(row.get("missing"), "?");
        let versions = Fields::parse(r#"{"versions": {"python": "3.11.7", "numpy": "2.4.6"}}"#);
        assert_eq!((versions.get("python"), versions.get("numpy")), ("3.11.7", "2.4.6"));
    }
}

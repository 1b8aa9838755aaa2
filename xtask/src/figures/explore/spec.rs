//! What an explorer is made of: an objective and its frame, a grid of learning
//! rates, a few values of each other hyper-parameter, the methods, a grid of starts
//! and a step budget. The data file holds one run for every point of that product.

use anyhow::{Context, Result, bail};
use gd::Optimizer;
use objectives::Objective;
use plotters::style::RGBColor;

/// A hyper-parameter other than η that a slider sets (γ, β, β₁, β₂).
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Its key in the data and in the page ("gamma").
    pub key: &'static str,
    /// How the page writes it ("γ").
    pub symbol: &'static str,
    /// What it is, for the slider's label ("RMSprop's decay").
    pub name: &'static str,
    /// The values the slider takes, increasing.
    pub values: &'static [f64],
    /// The value the explorer opens with (one of `values`).
    pub default: f64,
}

/// Builds an optimizer for n weights from η and the values of its parameters.
pub type Build = fn(f64, &[f64], usize) -> Result<Box<dyn Optimizer>>;

/// A method of an explorer: how to build it from η and its parameters' values.
#[derive(Clone, Copy)]
pub struct Method {
    /// Its key in the data and in the page ("rmsprop").
    pub key: &'static str,
    /// Its name in the legend ("RMSprop").
    pub label: &'static str,
    /// Its colour, as in the static figures.
    pub color: RGBColor,
    /// The keys of the parameters it takes, in the order `build` reads them.
    pub params: &'static [&'static str],
    /// Builds the optimizer for n weights from η and the values of `params`.
    pub build: Build,
}

/// A setting the browser check drives the explorer to, and compares with a fresh
/// run of the crates.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// η (a point of the grid).
    pub eta: f64,
    /// The value of each parameter that differs from its default.
    pub params: &'static [(&'static str, f64)],
    /// The start (a point of the start grid).
    pub start: [f64; 2],
    /// The step the scrubber is set to.
    pub t: usize,
    /// The methods shown (the others are switched off).
    pub methods: &'static [&'static str],
}

/// An explorable figure.
pub struct Explorer {
    /// Its key: the data file is `explore/{id}.js`.
    pub id: &'static str,
    /// The objective, as the figure's title names it.
    pub title: &'static str,
    /// The objective.
    pub objective: Box<dyn Objective>,
    /// The visible frame (w₁ range, w₂ range), as in the static figure.
    pub frame: [(f64, f64); 2],
    /// The contour levels of the static figure.
    pub levels: Vec<f64>,
    /// The learning rates, increasing and evenly spread on a log scale.
    pub etas: Vec<f64>,
    /// The η the explorer opens with.
    pub eta_default: f64,
    /// The parameters the methods take.
    pub params: &'static [Param],
    /// The methods, in the order of the legend.
    pub methods: &'static [Method],
    /// The start grid: every (w₁, w₂) of `starts[0] × starts[1]`.
    pub starts: [&'static [f64]; 2],
    /// The start the explorer opens with.
    pub start_default: [f64; 2],
    /// The step budget of every run.
    pub steps: usize,
    /// The step the scrubber opens at.
    pub t_default: usize,
    /// The settings the browser check compares with the crates.
    pub samples: &'static [Sample],
}

/// How far a run may go before it counts as gone for good: the frame grown
/// `ESCAPE` times about its centre.
pub const ESCAPE: f64 = 10.0;

impl Explorer {
    /// The box outside which a run that never comes back is cut (see [`ESCAPE`]).
    pub fn escape_box(&self) -> [(f64, f64); 2] {
        self.frame.map(|(low, high)| {
            let (centre, half) = ((low + high) / 2.0, (high - low) / 2.0);
            (centre - ESCAPE * half, centre + ESCAPE * half)
        })
    }

    /// The parameter `key`.
    pub fn param(&self, key: &str) -> Result<&Param> {
        self.params
            .iter()
            .find(|p| p.key == key)
            .with_context(|| format!("explorer {}: no parameter {key}", self.id))
    }

    /// Every combination of the values of `method`'s parameters, the first
    /// parameter varying slowest (the order of the data file).
    pub fn combinations(&self, method: &Method) -> Result<Vec<Vec<f64>>> {
        let mut combinations = vec![Vec::new()];
        for key in method.params {
            let param = self.param(key)?;
            combinations = combinations
                .into_iter()
                .flat_map(|prefix| {
                    param.values.iter().map(move |&v| {
                        let mut next = prefix.clone();
                        next.push(v);
                        next
                    })
                })
                .collect();
        }
        Ok(combinations)
    }

    /// Every start, w₁ varying fastest (the order of the data file).
    pub fn start_points(&self) -> Vec<[f64; 2]> {
        let [xs, ys] = self.starts;
        ys.iter().flat_map(|&y| xs.iter().map(move |&x| [x, y])).collect()
    }

    /// The method `key`.
    pub fn method(&self, key: &str) -> Result<&Method> {
        self.methods
            .iter()
            .find(|m| m.key == key)
            .with_context(|| format!("explorer {}: no method {key}", self.id))
    }

    /// The values of `method`'s parameters in `sample`: the sample's where it sets
    /// them, the defaults elsewhere.
    pub fn sample_values(&self, method: &Method, sample: &Sample) -> Result<Vec<f64>> {
        method
            .params
            .iter()
            .map(|key| {
                let param = self.param(key)?;
                Ok(sample.params.iter().find(|(k, _)| k == key).map_or(param.default, |&(_, v)| v))
            })
            .collect()
    }

    /// Fails, naming the problem, unless every default and sample lies on its grid.
    pub fn validate(&self) -> Result<()> {
        let on = |grid: &[f64], v: f64| grid.contains(&v);
        let id = self.id;
        if !on(&self.etas, self.eta_default) {
            bail!("explorer {id}: the default η {} is not on the grid", self.eta_default);
        }
        if !self.etas.windows(2).all(|w| w[0] < w[1]) {
            bail!("explorer {id}: the η grid must increase");
        }
        for param in self.params {
            if !on(param.values, param.default) {
                bail!("explorer {id}: the default {} is not one of its values", param.key);
            }
        }
        for method in self.methods {
            self.combinations(method)?;
        }
        let on_starts = |w: [f64; 2]| on(self.starts[0], w[0]) && on(self.starts[1], w[1]);
        if !on_starts(self.start_default) {
            bail!("explorer {id}: the default start is not on the start grid");
        }
        if self.t_default > self.steps {
            bail!("explorer {id}: the default step is past the budget");
        }
        for sample in self.samples {
            if !on(&self.etas, sample.eta) || !on_starts(sample.start) || sample.t > self.steps {
                bail!("explorer {id}: a sample is off the grid: {sample:?}");
            }
            for &(key, value) in sample.params {
                if !on(self.param(key)?.values, value) {
                    bail!("explorer {id}: a sample sets {key} off its values: {sample:?}");
                }
            }
            for key in sample.methods {
                self.method(key)?;
            }
        }
        Ok(())
    }
}

/// Learning rates from `low` to `high` (both on the series) taken from a series
/// of preferred numbers, such as Renard's R10 (1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5,
/// 6.3, 8): evenly spread on a log scale to within 1.3 %, and round, so that the
/// η of the static figures (0.4, 0.05, …) are points of the grid.
pub fn preferred_numbers(series: &[f64], low: f64, high: f64) -> Result<Vec<f64>> {
    let mut grid = Vec::new();
    for decade in -6..=3 {
        for mantissa in series {
            // Parse the decimal so that 4 × 10⁻¹ is the double nearest 0.4.
            let eta: f64 = format!("{mantissa}e{decade}").parse()?;
            if (low..=high).contains(&eta) {
                grid.push(eta);
            }
        }
    }
    if grid.first() != Some(&low) || grid.last() != Some(&high) {
        bail!("{low} and {high} must both be on the series {series:?}");
    }
    Ok(grid)
}

/// Renard's R10 series: ten preferred numbers a decade.
pub const R10: [f64; 10] = [1.0, 1.25, 1.6, 2.0, 2.5, 3.15, 4.0, 5.0, 6.3, 8.0];
/// Renard's R5 series: five preferred numbers a decade.
pub const R5: [f64; 5] = [1.0, 1.6, 2.5, 4.0, 6.3];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_holds_round_rates_from_low_to_high() {
        let grid = preferred_numbers(&R10, 0.1, 0.8).unwrap();
        assert_eq!(grid, vec![0.1, 0.125, 0.16, 0.2, 0.25, 0.315, 0.4, 0.5, 0.63, 0.8]);
        let grid = preferred_numbers(&R5, 0.01, 1.0).unwrap();
        assert_eq!(grid.len(), 11);
        assert!(preferred_numbers(&R5, 0.01, 0.5).is_err(), "0.5 is not on R5");
    }

    #[test]
    fn the_series_are_even_on_a_log_scale_to_within_a_few_percent() {
        for series in [&R10[..], &R5[..]] {
            let n = series.len() as f64;
            for (k, m) in series.iter().enumerate() {
                let exact = 10f64.powf(k as f64 / n);
                assert!((m / exact - 1.0).abs() < 0.013, "{m} against {exact}");
            }
        }
    }
}

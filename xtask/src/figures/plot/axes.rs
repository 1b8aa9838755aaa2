//! The axes of a panel: their ranges, linear or log scales, tick labels and axis
//! labels, and the height that keeps one unit as long on y as on x.
//!
//! A log axis is a linear axis in log₁₀ units with ticks labelled 10ᵏ, so lines are
//! cut in the coordinates they are drawn in.

use super::style::{BOTTOM_MARGIN, RIGHT_MARGIN, X_LABEL_AREA, Y_LABEL_AREA};
use crate::figures::clip::Frame;

/// How an axis maps data to the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// v ↦ v.
    Linear,
    /// v ↦ log₁₀ v; v ≤ 0 has no place on it (−∞).
    Log,
}

impl Scale {
    pub(super) fn to_chart(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log if v > 0.0 => v.log10(),
            Scale::Log => f64::NEG_INFINITY,
        }
    }

    pub(super) fn tick(self, v: f64) -> String {
        match self {
            Scale::Linear => number(v),
            Scale::Log => {
                let k = v.round();
                if (v - k).abs() > 1e-9 { String::new() } else { power_of_ten(k as i32) }
            }
        }
    }
}

/// A tick value with at most six decimals, no trailing zeros and a true minus sign.
pub fn number(v: f64) -> String {
    if v.abs() < 1e-12 {
        return "0".into();
    }
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('-', "−")
}

/// 10ᵏ as a reader writes it: 1, 10, 100, 1000, else 10 with a superscript.
pub fn power_of_ten(k: i32) -> String {
    if (0..=3).contains(&k) {
        return 10i32.pow(k as u32).to_string();
    }
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut text = String::from("10");
    if k < 0 {
        text.push('⁻');
    }
    for digit in k.unsigned_abs().to_string().bytes() {
        text.push(DIGITS[usize::from(digit - b'0')]);
    }
    text
}

/// The ranges, scales and labels of a panel's axes.
#[derive(Debug, Clone)]
pub struct Axes {
    /// x₀..x₁ in data units.
    pub x: (f64, f64),
    /// y₀..y₁ in data units.
    pub y: (f64, f64),
    /// The x scale.
    pub x_scale: Scale,
    /// The y scale.
    pub y_scale: Scale,
    /// The x-axis label.
    pub x_label: String,
    /// The y-axis label.
    pub y_label: String,
    /// About how many ticks on x and y.
    pub ticks: (usize, usize),
    /// Light grid lines at the ticks (off for contour plots).
    pub grid: bool,
    /// Pixels left of the plot for the y ticks and label.
    pub y_label_area: u32,
}

impl Axes {
    /// Linear axes over x × y.
    pub fn new(x: (f64, f64), y: (f64, f64), x_label: &str, y_label: &str) -> Self {
        Self {
            x,
            y,
            x_scale: Scale::Linear,
            y_scale: Scale::Linear,
            x_label: x_label.into(),
            y_label: y_label.into(),
            ticks: (8, 6),
            grid: true,
            y_label_area: Y_LABEL_AREA,
        }
    }

    /// The same axes with y on a log scale.
    pub fn log_y(self) -> Self {
        Self { y_scale: Scale::Log, ..self }
    }

    /// The same axes with x on a log scale.
    pub fn log_x(self) -> Self {
        Self { x_scale: Scale::Log, ..self }
    }

    /// The same axes without grid lines.
    pub fn no_grid(self) -> Self {
        Self { grid: false, ..self }
    }

    /// The same axes with about `x` and `y` ticks.
    pub fn ticks(self, x: usize, y: usize) -> Self {
        Self { ticks: (x, y), ..self }
    }

    /// The same axes with `pixels` left of the plot for the y ticks and label.
    pub fn y_label_area(self, pixels: u32) -> Self {
        Self { y_label_area: pixels, ..self }
    }

    pub(super) fn frame(&self) -> Frame {
        let x = (self.x_scale.to_chart(self.x.0), self.x_scale.to_chart(self.x.1));
        let y = (self.y_scale.to_chart(self.y.0), self.y_scale.to_chart(self.y.1));
        Frame { x, y }
    }
}

/// The height a panel of width `width` needs so that one unit is as long on y as on
/// x: circles stay round and the zig-zag keeps its true angles.
pub fn equal_aspect_height(width: u32, header: u32, axes: &Axes) -> u32 {
    let plot_width = f64::from(width - axes.y_label_area - RIGHT_MARGIN);
    let plot_height = plot_width * (axes.y.1 - axes.y.0) / (axes.x.1 - axes.x.0);
    header + plot_height.round() as u32 + X_LABEL_AREA + BOTTOM_MARGIN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_of_ten_read_as_a_reader_writes_them() {
        assert_eq!(power_of_ten(0), "1");
        assert_eq!(power_of_ten(3), "1000");
        assert_eq!(power_of_ten(4), "10⁴");
        assert_eq!(power_of_ten(-16), "10⁻¹⁶");
    }

    #[test]
    fn tick_numbers_drop_trailing_zeros_and_use_a_true_minus() {
        assert_eq!(number(0.30000000000000004), "0.3");
        assert_eq!(number(-2.0), "−2");
        assert_eq!(number(-1e-17), "0");
        assert_eq!(number(12.5), "12.5");
    }

    #[test]
    fn a_log_axis_labels_only_whole_powers() {
        assert_eq!(Scale::Log.tick(-8.0), "10⁻⁸");
        assert_eq!(Scale::Log.tick(-7.5), "");
    }
}

//! The house style: the palette, the fonts and the sizes every figure shares.
//!
//! The colours are the Okabe–Ito palette, which stays distinct for colour-blind
//! readers, and each method keeps its colour in every figure. Text is 13–15 px,
//! read at its own size in a figure as wide as the book's text column.

use plotters::prelude::*;

/// The width of every figure, in pixels.
pub const WIDTH: u32 = 720;

/// Gradient descent's colour (vermilion).
pub const GD: RGBColor = RGBColor(213, 94, 0);
/// Adagrad's colour (blue).
pub const ADAGRAD: RGBColor = RGBColor(0, 114, 178);
/// RMSprop's colour (bluish green).
pub const RMSPROP: RGBColor = RGBColor(0, 158, 115);
/// A fourth colour (orange).
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// A fifth colour (reddish purple).
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Text and axes.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Reference lines and secondary notes.
pub const MUTED: RGBColor = RGBColor(110, 110, 110);
/// Contour lines.
pub const CONTOUR: RGBColor = RGBColor(196, 196, 196);
/// Grid lines.
pub(super) const GRID: RGBColor = RGBColor(232, 232, 232);
/// Adam's colour (sky blue, the Okabe–Ito palette's sixth), as in the momentum chapter.
pub const ADAM: RGBColor = RGBColor(86, 180, 233);
/// The colour of each method of the sweeps, in the order of [`sweep::METHODS`].
pub const COLORS: [RGBColor; 5] = [GD, ADAGRAD, RMSPROP, ORANGE, ADAM];

/// Tick labels.
pub const TICK_PX: f64 = 13.0;
/// Axis labels, legends and notes.
pub const TEXT_PX: f64 = 14.0;
/// Panel titles.
pub const TITLE_PX: f64 = 15.0;

/// Room for the y tick labels and the rotated y-axis label.
pub const Y_LABEL_AREA: u32 = 64;
/// Room for the x tick labels and the x-axis label.
pub const X_LABEL_AREA: u32 = 46;
/// The margin right of the plot.
pub const RIGHT_MARGIN: u32 = 18;
/// The margin below the x-axis label.
pub const BOTTOM_MARGIN: u32 = 4;

/// Text of `px` pixels in the SVG (plotters writes a font size of size / 1.24).
pub fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", px * 1.24).into_font()).color(&INK)
}

/// Bold text of `px` pixels.
pub fn bold(px: f64) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", px * 1.24).into_font().style(FontStyle::Bold)).color(&INK)
}

/// The estimated width of a text of `px` pixels (about 0.56 em a character in a
/// sans-serif font; the SVG backend cannot measure).
pub fn text_width(text: &str, px: f64) -> i32 {
    (text.chars().count() as f64 * 0.56 * px).ceil() as i32
}

//! The house style of the figures, and the drawing helpers they share.
//!
//! Every figure is an SVG [`WIDTH`] pixels wide, about the width of the book's text
//! column, so that its text (13–15 px) is read at its own size. The colours are the
//! Okabe–Ito palette, which stays distinct for colour-blind readers, and each method
//! keeps its colour in every figure: gradient descent vermilion, Adagrad blue,
//! RMSprop green. Legends sit in a header above the plot, never on the data.
//!
//! The figures use the names re-exported here; each part lives in its own module,
//! declared in the order of the stair (a part uses only the parts below it).

// A chart with its header and axes, on which lines are cut at the frame.
mod panel;
// The header: legend entries, their samples, and the layout of title and rows.
mod legend;
// The axes: ranges, scales, ticks and the equal-aspect height.
mod axes;
// The canvas: an SVG of the course's width.
mod canvas;
// The house style: palette, fonts and sizes.
mod style;

pub use axes::{Axes, equal_aspect_height, number, power_of_ten};
pub use canvas::{Area, svg};
pub use legend::{Entry, Mark, Marker, draw_entry, header_height};
pub use panel::{Panel, Stroke};
pub use style::{
    ADAGRAD, ADAM, COLORS, CONTOUR, GD, INK, MUTED, ORANGE, PURPLE, RIGHT_MARGIN, RMSPROP, TEXT_PX,
    TICK_PX, WIDTH, Y_LABEL_AREA, bold, font, text_width,
};

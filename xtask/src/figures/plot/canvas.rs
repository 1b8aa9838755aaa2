//! The canvas of a figure: an SVG of the course's width, drawn into a string.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::WIDTH;

/// The whole figure, in pixels from its top-left corner.
pub type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;

/// Renders a figure of the course width and `height` pixels into an SVG string.
pub fn svg(height: u32, draw: impl FnOnce(&Area) -> Result<()>) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    Ok(out)
}

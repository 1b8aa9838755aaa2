//! The header above a plot: the legend entries, the samples drawn before their
//! text, and how the title and the rows of entries are laid out.
//!
//! Legends sit in a header above the plot, never on the data.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::Area;
use super::style::{TEXT_PX, font, text_width};

/// The height of a panel's title.
pub(super) const TITLE_HEIGHT: u32 = 24;
/// The height of a row of legend entries.
pub(super) const LEGEND_ROW: u32 = 22;
/// The gap between the header and the plot.
const HEADER_GAP: u32 = 8;

/// How a legend entry and its line look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A solid line.
    Line,
    /// A solid line through dots (the iterates of a run).
    Path,
    /// A dashed line (a reference, not a run).
    Dashed,
    /// A cross alone (see [`Marker::Cross`]).
    Cross,
    /// A ring alone (see [`Marker::Ring`]).
    Ring,
}

/// A marker for a point that is not on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// ×: a run that diverged.
    Cross,
    /// ○: a run that ended short of its target.
    Ring,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The text.
    pub label: String,
    /// The colour.
    pub color: RGBColor,
    /// The sample drawn before the text.
    pub mark: Mark,
}

impl Entry {
    /// An entry `label` drawn as `mark` in `color`.
    pub fn new(label: impl Into<String>, color: RGBColor, mark: Mark) -> Self {
        Self { label: label.into(), color, mark }
    }
}

const SAMPLE_WIDTH: i32 = 26;

/// Where each legend entry goes, as (x, row), within `width` pixels.
pub(super) fn legend_layout(entries: &[Entry], width: i32) -> Vec<(i32, u32)> {
    let mut places = Vec::with_capacity(entries.len());
    let (mut x, mut row) = (0, 0);
    for entry in entries {
        let w = SAMPLE_WIDTH + 6 + text_width(&entry.label, TEXT_PX) + 20;
        if x > 0 && x + w > width {
            x = 0;
            row += 1;
        }
        places.push((x, row));
        x += w;
    }
    places
}

/// The height of a panel's header: its title and legend rows.
pub fn header_height(title: Option<&str>, legend: &[Entry], plot_width: i32) -> u32 {
    if title.is_none() && legend.is_empty() {
        return HEADER_GAP;
    }
    let rows = legend_layout(legend, plot_width).last().map_or(0, |&(_, row)| row + 1);
    title.map_or(0, |_| TITLE_HEIGHT) + rows * LEGEND_ROW + HEADER_GAP
}

/// Draws a sample of `mark` from (x, y) to (x + SAMPLE_WIDTH, y) on `area`.
fn draw_sample(area: &Area, (x, y): (i32, i32), color: RGBColor, mark: Mark) -> Result<()> {
    let style = color.stroke_width(2);
    match mark {
        Mark::Line => area.draw(&PathElement::new(vec![(x, y), (x + SAMPLE_WIDTH, y)], style))?,
        Mark::Path => {
            area.draw(&PathElement::new(vec![(x, y), (x + SAMPLE_WIDTH, y)], style))?;
            area.draw(&Circle::new((x + SAMPLE_WIDTH / 2, y), 3, color.filled()))?;
        }
        Mark::Dashed => {
            for start in [0, 10, 20] {
                area.draw(&PathElement::new(vec![(x + start, y), (x + start + 6, y)], style))?;
            }
        }
        Mark::Cross => area.draw(&Cross::new((x + SAMPLE_WIDTH / 2, y), 5, style))?,
        Mark::Ring => area.draw(&Circle::new((x + SAMPLE_WIDTH / 2, y), 5, style))?,
    }
    Ok(())
}

/// Draws a legend entry with its sample starting at `at` (the middle of its row).
pub fn draw_entry(area: &Area, at: (i32, i32), entry: &Entry) -> Result<()> {
    draw_sample(area, at, entry.color, entry.mark)?;
    let style = font(TEXT_PX).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw(&Text::new(entry.label.clone(), (at.0 + SAMPLE_WIDTH + 6, at.1), style))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::plot::style::INK;

    #[test]
    fn legend_entries_wrap_to_a_new_row_when_the_width_is_spent() {
        let entry = |label: &str| Entry::new(label, INK, Mark::Line);
        let entries = [entry("GD η=0.4"), entry("Adagrad η=0.4"), entry("RMSprop η=0.05 γ=0.9")];
        let wide = legend_layout(&entries, 700);
        assert!(wide.iter().all(|&(_, row)| row == 0));
        let narrow = legend_layout(&entries, 300);
        assert_eq!(narrow.iter().map(|&(_, row)| row).collect::<Vec<_>>(), vec![0, 0, 1]);
    }
}

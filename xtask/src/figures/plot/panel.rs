//! A panel: a chart with its header and axes, on which lines are cut at the frame.
//!
//! plotters moves a point outside the chart's range onto its edge; [`Panel::line`]
//! cuts every line at the frame first ([`crate::figures::clip`]), so the chart never
//! sees such a point, and marks each place where a line leaves the frame with an
//! arrowhead (and, for a diverging run, a note).

use anyhow::Result;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::Axes;
use super::canvas::Area;
use super::legend::{
    Entry, LEGEND_ROW, Marker, TITLE_HEIGHT, draw_entry, header_height, legend_layout,
};
use super::style::{
    BOTTOM_MARGIN, CONTOUR, GRID, INK, RIGHT_MARGIN, TEXT_PX, TICK_PX, TITLE_PX, WIDTH,
    X_LABEL_AREA, bold, font, text_width,
};
use crate::figures::clip::Frame;
use crate::figures::contour::Samples;

/// A chart in chart coordinates (log₁₀ units on a log axis).
pub type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart with its frame, ready for lines that are cut at the frame.
pub struct Panel<'a, 'b> {
    /// The plotters chart, in chart coordinates.
    pub chart: Chart<'a, 'b>,
    axes: Axes,
    frame: Frame,
    /// The plotting area in pixels, for arrowheads and notes.
    pixels: Area<'b>,
}

/// How a line is stroked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    /// The colour.
    pub color: RGBColor,
    /// The width in pixels.
    pub width: u32,
    /// Dashed (a reference) or solid (data).
    pub dashed: bool,
}

impl Stroke {
    /// A solid line of width 2.
    pub fn solid(color: RGBColor) -> Self {
        Self { color, width: 2, dashed: false }
    }

    /// A dashed line of width 2.
    pub fn dashed(color: RGBColor) -> Self {
        Self { color, width: 2, dashed: true }
    }

    /// The same stroke, `width` pixels wide.
    pub fn width(self, width: u32) -> Self {
        Self { width, ..self }
    }
}

impl<'a, 'b> Panel<'a, 'b> {
    /// Draws the header (title and legend) and the axes of a panel on `area`.
    pub fn new(
        area: &'a Area<'b>,
        title: Option<&str>,
        legend: &[Entry],
        axes: Axes,
    ) -> Result<Self> {
        let (width, _) = area.dim_in_pixel();
        let plot_width = width as i32 - (axes.y_label_area + RIGHT_MARGIN) as i32;
        let header = header_height(title, legend, plot_width);
        let left = axes.y_label_area as i32;
        let mut y = 4;
        if let Some(title) = title {
            // Aligned with the plot in a full-width panel; in a grid of narrow
            // panels every title starts at the panel's edge, where it has room.
            let narrow = width < WIDTH || text_width(title, TITLE_PX) > plot_width;
            let x = if narrow { 8 } else { left };
            area.draw(&Text::new(title.to_owned(), (x, y), bold(TITLE_PX)))?;
            y += TITLE_HEIGHT as i32;
        }
        for (entry, (x, row)) in legend.iter().zip(legend_layout(legend, plot_width)) {
            draw_entry(area, (left + x, y + row as i32 * LEGEND_ROW as i32 + 8), entry)?;
        }
        let frame = axes.frame();
        let mut chart = ChartBuilder::on(area)
            .margin_top(header)
            .margin_right(RIGHT_MARGIN)
            .margin_bottom(BOTTOM_MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(axes.y_label_area)
            .build_cartesian_2d(frame.x.0..frame.x.1, frame.y.0..frame.y.1)?;
        let (x_scale, y_scale) = (axes.x_scale, axes.y_scale);
        let x_format = move |v: &f64| x_scale.tick(*v);
        let y_format = move |v: &f64| y_scale.tick(*v);
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(axes.x_label.as_str())
            .y_desc(axes.y_label.as_str())
            .x_labels(axes.ticks.0)
            .y_labels(axes.ticks.1)
            .x_label_formatter(&x_format)
            .y_label_formatter(&y_format)
            .label_style(font(TICK_PX))
            .axis_desc_style(font(TEXT_PX))
            .axis_style(INK.stroke_width(1))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT);
        if !axes.grid {
            mesh.disable_mesh();
        }
        mesh.draw()?;
        let pixels = chart.plotting_area().strip_coord_spec();
        Ok(Self { chart, axes, frame, pixels })
    }

    /// Data coordinates to chart coordinates.
    fn to_chart(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (self.axes.x_scale.to_chart(x), self.axes.y_scale.to_chart(y))
    }

    /// Chart coordinates to pixels of the plotting area.
    fn pixel(&self, p: (f64, f64)) -> (i32, i32) {
        let (x, y) = self.chart.backend_coord(&p);
        let (base_x, base_y) = self.pixels.get_base_pixel();
        (x - base_x, y - base_y)
    }

    /// Pixels per chart unit along x and y (y grows downwards on screen).
    fn pixels_per_unit(&self) -> (f64, f64) {
        let (w, h) = self.pixels.dim_in_pixel();
        (
            f64::from(w) / (self.frame.x.1 - self.frame.x.0),
            f64::from(h) / (self.frame.y.1 - self.frame.y.0),
        )
    }

    /// Drops points that land on the same pixel as the one before (keeping the
    /// last): the SVG shrinks and nothing visible changes.
    fn thin(&self, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let mut kept: Vec<(f64, f64)> = Vec::with_capacity(points.len());
        let mut last_pixel = None;
        for (k, &p) in points.iter().enumerate() {
            let pixel = self.pixel(p);
            if Some(pixel) != last_pixel || k + 1 == points.len() {
                kept.push(p);
                last_pixel = Some(pixel);
            }
        }
        kept
    }

    /// Draws the polyline `data` cut at the frame (a curve or a reference line).
    pub fn line(&mut self, data: &[(f64, f64)], stroke: Stroke) -> Result<()> {
        self.draw_cut(data, stroke, false, None)
    }

    /// Draws a run's polyline `data` cut at the frame, with an arrowhead where it
    /// leaves the frame for good and `exit_note` (such as "diverges") beside it.
    pub fn run(
        &mut self,
        data: &[(f64, f64)],
        stroke: Stroke,
        exit_note: Option<&str>,
    ) -> Result<()> {
        self.draw_cut(data, stroke, true, exit_note)
    }

    fn draw_cut(
        &mut self,
        data: &[(f64, f64)],
        stroke: Stroke,
        mark_exits: bool,
        exit_note: Option<&str>,
    ) -> Result<()> {
        let points: Vec<(f64, f64)> = data.iter().map(|&p| self.to_chart(p)).collect();
        let pieces = self.frame.clip_polyline(&points);
        let style = stroke.color.stroke_width(stroke.width);
        for (k, piece) in pieces.iter().enumerate() {
            let thinned = self.thin(&piece.points);
            if stroke.dashed {
                self.chart.draw_series(DashedLineSeries::new(thinned, 7, 5, style))?;
            } else {
                self.chart.draw_series(LineSeries::new(thinned, style))?;
            }
            // Only the exit of the last piece is marked: the line leaves for good
            // there. A line that comes back shows its gap by itself.
            let last = k + 1 == pieces.len();
            if let Some(exit) = piece.exit.filter(|_| mark_exits && last) {
                let tip = self.pixel(exit.at);
                let (sx, sy) = self.pixels_per_unit();
                let direction = (exit.direction.0 * sx, -exit.direction.1 * sy);
                self.arrowhead(tip, direction, stroke.color)?;
                if let Some(note) = exit_note {
                    self.exit_note(tip, note, stroke.color)?;
                }
            }
        }
        Ok(())
    }

    /// A filled arrowhead with its tip at `tip`, pointing along `direction`.
    fn arrowhead(&self, tip: (i32, i32), direction: (f64, f64), color: RGBColor) -> Result<()> {
        let length = direction.0.hypot(direction.1);
        if length == 0.0 {
            return Ok(());
        }
        let (ux, uy) = (direction.0 / length, direction.1 / length);
        let (tx, ty) = (f64::from(tip.0), f64::from(tip.1));
        let corner = |side: f64| {
            (
                (tx - 11.0 * ux - side * 4.5 * uy).round() as i32,
                (ty - 11.0 * uy + side * 4.5 * ux).round() as i32,
            )
        };
        self.pixels.draw(&Polygon::new(vec![tip, corner(1.0), corner(-1.0)], color.filled()))?;
        Ok(())
    }

    /// A note written inside the frame next to the point `tip` on its border.
    fn exit_note(&self, tip: (i32, i32), note: &str, color: RGBColor) -> Result<()> {
        let (w, h) = self.pixels.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let h_pos = if tip.0 > w / 2 { HPos::Right } else { HPos::Left };
        let x = if tip.0 > w / 2 { tip.0 - 14 } else { tip.0 + 14 };
        let y = if tip.1 <= 2 {
            tip.1 + 16
        } else if tip.1 >= h - 2 {
            tip.1 - 16
        } else {
            tip.1 - 14
        };
        let style = bold(TEXT_PX).color(&color).pos(Pos::new(h_pos, VPos::Center));
        self.pixels.draw(&Text::new(note.to_owned(), (x, y), style))?;
        Ok(())
    }

    /// Dots of `radius` pixels at the points of `data` inside the frame (the
    /// others are left out, never moved to the edge).
    pub fn dots(&mut self, data: &[(f64, f64)], color: RGBColor, radius: u32) -> Result<()> {
        let inside: Vec<(f64, f64)> =
            data.iter().map(|&p| self.to_chart(p)).filter(|&p| self.frame.contains(p)).collect();
        self.chart
            .draw_series(inside.into_iter().map(|p| Circle::new(p, radius, color.filled())))?;
        Ok(())
    }

    /// A marker of `size` pixels at each point of `data` inside the frame (the
    /// others are left out, never moved to the edge).
    pub fn markers(
        &mut self,
        data: &[(f64, f64)],
        color: RGBColor,
        marker: Marker,
        size: u32,
    ) -> Result<()> {
        let inside: Vec<(f64, f64)> =
            data.iter().map(|&p| self.to_chart(p)).filter(|&p| self.frame.contains(p)).collect();
        let style = color.stroke_width(2);
        match marker {
            Marker::Cross => {
                let size = size as i32;
                self.chart.draw_series(inside.into_iter().map(|p| Cross::new(p, size, style)))?;
            }
            Marker::Ring => {
                self.chart.draw_series(inside.into_iter().map(|p| Circle::new(p, size, style)))?;
            }
        }
        Ok(())
    }

    /// Writes `text` at the data point `at`, moved by `offset` pixels, anchored at
    /// `anchor` of the text.
    pub fn text(
        &mut self,
        at: (f64, f64),
        offset: (i32, i32),
        text: &str,
        style: TextStyle,
        anchor: (HPos, VPos),
    ) -> Result<()> {
        let (x, y) = self.pixel(self.to_chart(at));
        let style = style.pos(Pos::new(anchor.0, anchor.1));
        self.pixels.draw(&Text::new(text.to_owned(), (x + offset.0, y + offset.1), style))?;
        Ok(())
    }

    /// Contour lines of `f` (a function of data coordinates, on linear axes) at
    /// each of `levels`, computed by marching squares on a grid of about one cell
    /// per 3 pixels.
    pub fn contours(&mut self, f: impl Fn(f64, f64) -> f64, levels: &[f64]) -> Result<()> {
        let (w, h) = self.pixels.dim_in_pixel();
        let cells = ((w / 3).max(1) as usize, (h / 3).max(1) as usize);
        let frame = self.frame;
        let samples = Samples::new(f, frame.x.0..frame.x.1, frame.y.0..frame.y.1, cells);
        for &level in levels {
            for line in samples.lines(level) {
                self.line(&line, Stroke::solid(CONTOUR).width(1))?;
            }
        }
        Ok(())
    }
}

//! The house style of the figures, and the drawing helpers they share.
//!
//! Every figure is an SVG [`WIDTH`] pixels wide, about the width of the book's text
//! column, so that its text (13–15 px) is read at its own size. The colours are the
//! Okabe–Ito palette, which stays distinct for colour-blind readers, and each method
//! keeps its colour in every figure: gradient descent vermilion, Adagrad blue,
//! RMSprop green. Legends sit in a header above the plot, never on the data.
//!
//! plotters moves a point outside the chart's range onto its edge; [`Panel::line`]
//! cuts every line at the frame first ([`super::clip`]), so the chart never sees such
//! a point, and marks each place where a line leaves the frame with an arrowhead
//! (and, for a diverging run, a note). A log axis is a linear axis in log₁₀ units
//! with ticks labelled 10ᵏ, so lines are cut in the coordinates they are drawn in.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::clip::Frame;
use super::contour::Samples;

/// The whole figure, in pixels from its top-left corner.
pub type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
/// A chart in chart coordinates (log₁₀ units on a log axis).
pub type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

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
const GRID: RGBColor = RGBColor(232, 232, 232);

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
const TITLE_HEIGHT: u32 = 24;
const LEGEND_ROW: u32 = 22;
const HEADER_GAP: u32 = 8;

/// Text of `px` pixels in the SVG (plotters writes a font size of size / 1.24).
pub fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", px * 1.24).into_font()).color(&INK)
}

/// Bold text of `px` pixels.
pub fn bold(px: f64) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", px * 1.24).into_font().style(FontStyle::Bold)).color(&INK)
}

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

/// How an axis maps data to the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// v ↦ v.
    Linear,
    /// v ↦ log₁₀ v; v ≤ 0 has no place on it (−∞).
    Log,
}

impl Scale {
    fn to_chart(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log if v > 0.0 => v.log10(),
            Scale::Log => f64::NEG_INFINITY,
        }
    }

    fn tick(self, v: f64) -> String {
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

    fn frame(&self) -> Frame {
        let x = (self.x_scale.to_chart(self.x.0), self.x_scale.to_chart(self.x.1));
        let y = (self.y_scale.to_chart(self.y.0), self.y_scale.to_chart(self.y.1));
        Frame { x, y }
    }
}

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

/// The estimated width of a text of `px` pixels (about 0.56 em a character in a
/// sans-serif font; the SVG backend cannot measure).
pub fn text_width(text: &str, px: f64) -> i32 {
    (text.chars().count() as f64 * 0.56 * px).ceil() as i32
}

/// Where each legend entry goes, as (x, row), within `width` pixels.
fn legend_layout(entries: &[Entry], width: i32) -> Vec<(i32, u32)> {
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

/// The height a panel of width `width` needs so that one unit is as long on y as on
/// x: circles stay round and the zig-zag keeps its true angles.
pub fn equal_aspect_height(width: u32, header: u32, axes: &Axes) -> u32 {
    let plot_width = f64::from(width - axes.y_label_area - RIGHT_MARGIN);
    let plot_height = plot_width * (axes.y.1 - axes.y.0) / (axes.x.1 - axes.x.0);
    header + plot_height.round() as u32 + X_LABEL_AREA + BOTTOM_MARGIN
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

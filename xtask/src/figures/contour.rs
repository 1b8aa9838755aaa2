//! Contour lines by marching squares.
//!
//! To draw the level set {w : J(w) = c} of a cost J, sample J on a regular grid and
//! look at each cell of four samples. A corner is *above* when J ≥ c. When a cell's
//! corners are not all on one side, the level line crosses the cell: it enters and
//! leaves through the edges whose two ends differ, at the point found by linear
//! interpolation along the edge, t = (c − J₀)/(J₁ − J₀). The 16 above/below patterns
//! give 0, 1 or 2 segments per cell; in the two ambiguous *saddle* patterns the value
//! at the cell's centre (the mean of its corners) decides which corners are joined.
//! Segments that share an edge point are then chained into polylines, so that each
//! contour is one path, closed when it comes back to where it started.
//!
//! Where J is linear along an edge the crossing point is exact; for a smooth J the
//! error is O(h²) in the grid step h.

use std::ops::Range;

/// An empty slot: no segment at this edge (yet).
const NONE: usize = usize::MAX;

/// A cost sampled on a regular grid, ready to give its level lines.
pub struct Samples {
    x: Range<f64>,
    y: Range<f64>,
    /// Cells along x and y; there are one more samples than cells each way.
    cells: (usize, usize),
    /// values[j * (cells.0 + 1) + i] = f(x_i, y_j).
    values: Vec<f64>,
}

/// Which grid edge a level line crosses: each edge is shared by two cells, which is
/// how their segments are chained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// From sample (i, j) to (i + 1, j).
    Horizontal(usize, usize),
    /// From sample (i, j) to (i, j + 1).
    Vertical(usize, usize),
}

impl Samples {
    /// Samples `f` on `cells.0 × cells.1` cells covering `x × y`.
    ///
    /// # Panics
    /// If a count of cells is zero: a grid needs at least one cell.
    pub fn new(
        f: impl Fn(f64, f64) -> f64,
        x: Range<f64>,
        y: Range<f64>,
        cells: (usize, usize),
    ) -> Self {
        assert!(
            cells.0 > 0 && cells.1 > 0,
            "a contour grid needs at least one cell, got {cells:?}"
        );
        let mut values = Vec::with_capacity((cells.0 + 1) * (cells.1 + 1));
        for j in 0..=cells.1 {
            for i in 0..=cells.0 {
                let (px, py) = Self::position(&x, &y, cells, i, j);
                values.push(f(px, py));
            }
        }
        Self { x, y, cells, values }
    }

    fn position(
        x: &Range<f64>,
        y: &Range<f64>,
        cells: (usize, usize),
        i: usize,
        j: usize,
    ) -> (f64, f64) {
        let fx = i as f64 / cells.0 as f64;
        let fy = j as f64 / cells.1 as f64;
        (x.start + fx * (x.end - x.start), y.start + fy * (y.end - y.start))
    }

    fn value(&self, i: usize, j: usize) -> f64 {
        self.values[j * (self.cells.0 + 1) + i]
    }

    fn index(&self, edge: Edge) -> usize {
        let (nx, ny) = self.cells;
        match edge {
            Edge::Horizontal(i, j) => j * nx + i,
            Edge::Vertical(i, j) => nx * (ny + 1) + j * (nx + 1) + i,
        }
    }

    fn edge_count(&self) -> usize {
        let (nx, ny) = self.cells;
        nx * (ny + 1) + (nx + 1) * ny
    }

    /// Where the level `c` crosses `edge`, by linear interpolation between its ends.
    fn crossing(&self, edge: Edge, c: f64) -> (f64, f64) {
        let ((i0, j0), (i1, j1)) = match edge {
            Edge::Horizontal(i, j) => ((i, j), (i + 1, j)),
            Edge::Vertical(i, j) => ((i, j), (i, j + 1)),
        };
        let (v0, v1) = (self.value(i0, j0), self.value(i1, j1));
        // The ends lie on opposite sides of c, so v1 ≠ v0 and t ∈ [0, 1].
        let t = (c - v0) / (v1 - v0);
        let p0 = Self::position(&self.x, &self.y, self.cells, i0, j0);
        let p1 = Self::position(&self.x, &self.y, self.cells, i1, j1);
        (p0.0 + t * (p1.0 - p0.0), p0.1 + t * (p1.1 - p0.1))
    }

    /// The segments of level `c`, cell by cell, each as the two edges it joins.
    ///
    /// Written with plain loops and arrays: the xtask runs as a debug build, where
    /// iterator adapters in this innermost loop cost more than the rest of a figure.
    fn segments(&self, c: f64) -> Vec<(Edge, Edge)> {
        let mut segments = Vec::new();
        for j in 0..self.cells.1 {
            for i in 0..self.cells.0 {
                // Corners 00, 10, 11, 01, counter-clockwise.
                let v = [
                    self.value(i, j),
                    self.value(i + 1, j),
                    self.value(i + 1, j + 1),
                    self.value(i, j + 1),
                ];
                let above = [v[0] >= c, v[1] >= c, v[2] >= c, v[3] >= c];
                if above[0] == above[1] && above[1] == above[2] && above[2] == above[3] {
                    continue; // The level does not cross this cell.
                }
                // The cell's edges, each between corners k and k + 1 (mod 4):
                // bottom (00–10), right (10–11), top (11–01), left (01–00).
                let edges = [
                    Edge::Horizontal(i, j),
                    Edge::Vertical(i + 1, j),
                    Edge::Horizontal(i, j + 1),
                    Edge::Vertical(i, j),
                ];
                let mut crossed = [edges[0]; 4];
                let mut count = 0;
                for k in 0..4 {
                    if above[k] != above[(k + 1) % 4] {
                        crossed[count] = edges[k];
                        count += 1;
                    }
                }
                if count == 2 {
                    segments.push((crossed[0], crossed[1]));
                } else {
                    // A saddle (count 4): corners 00 and 11 on one side, 10 and 01 on
                    // the other.
                    let centre_above = (v[0] + v[1] + v[2] + v[3]) / 4.0 >= c;
                    let [bottom, right, top, left] = edges;
                    if centre_above == above[0] {
                        // 00 and 11 are joined through the centre: cut off 10 and 01.
                        segments.push((bottom, right));
                        segments.push((top, left));
                    } else {
                        // 10 and 01 are joined: cut off 00 and 11.
                        segments.push((left, bottom));
                        segments.push((right, top));
                    }
                }
            }
        }
        segments
    }

    /// The level lines J = `c` as polylines; a closed line ends at its first point.
    pub fn lines(&self, c: f64) -> Vec<Vec<(f64, f64)>> {
        let segments = self.segments(c);
        // Every edge point belongs to at most two segments (one per cell beside it).
        let mut at_edge: Vec<[usize; 2]> = vec![[NONE; 2]; self.edge_count()];
        for (s, &(a, b)) in segments.iter().enumerate() {
            for edge in [a, b] {
                let slots = &mut at_edge[self.index(edge)];
                if slots[0] == NONE {
                    slots[0] = s;
                } else {
                    slots[1] = s;
                }
            }
        }
        let mut used = vec![false; segments.len()];
        let mut lines = Vec::new();
        for first in 0..segments.len() {
            if used[first] {
                continue;
            }
            used[first] = true;
            let (a, b) = segments[first];
            let mut forward = vec![a, b];
            self.extend(&mut forward, &segments, &at_edge, &mut used);
            let mut backward = vec![a];
            self.extend(&mut backward, &segments, &at_edge, &mut used);
            backward.reverse();
            backward.pop(); // `a` is the first point of `forward`.
            backward.extend(forward);
            lines.push(backward.into_iter().map(|edge| self.crossing(edge, c)).collect());
        }
        lines
    }

    /// Follows unused segments from the last edge of `chain` until none is left.
    fn extend(
        &self,
        chain: &mut Vec<Edge>,
        segments: &[(Edge, Edge)],
        at_edge: &[[usize; 2]],
        used: &mut [bool],
    ) {
        while let Some(&end) = chain.last() {
            let slots = at_edge[self.index(end)];
            let next = if slots[0] != NONE && !used[slots[0]] {
                slots[0]
            } else if slots[1] != NONE && !used[slots[1]] {
                slots[1]
            } else {
                break;
            };
            used[next] = true;
            let (a, b) = segments[next];
            chain.push(if a == end { b } else { a });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circle_grid(h_cells: usize) -> Samples {
        Samples::new(|x, y| x * x + y * y, -3.0..3.0, -3.0..3.0, (h_cells, h_cells))
    }

    #[test]
    fn a_linear_function_gives_its_exact_level_line() {
        let samples = Samples::new(|x, y| x + 2.0 * y, -2.0..2.0, -1.0..1.5, (17, 11));
        let lines = samples.lines(1.0);
        assert_eq!(lines.len(), 1);
        for (x, y) in &lines[0] {
            // Interpolation is exact for a linear function; only rounding remains.
            approx::assert_abs_diff_eq!(x + 2.0 * y, 1.0, epsilon = 1e-12);
        }
    }

    #[test]
    fn an_open_line_starts_and_ends_on_the_border_of_the_grid() {
        let samples = Samples::new(|x, y| x + 2.0 * y, -2.0..2.0, -1.0..1.5, (17, 11));
        let line = &samples.lines(1.0)[0];
        let on_border = |&(x, y): &(f64, f64)| {
            [x + 2.0, x - 2.0, y + 1.0, y - 1.5].iter().any(|d: &f64| d.abs() < 1e-12)
        };
        assert!(on_border(&line[0]) && on_border(&line[line.len() - 1]), "{line:?}");
        assert!(line.len() > 10, "one chained line, not loose segments: {line:?}");
    }

    #[test]
    fn a_circle_is_one_closed_line_close_to_the_true_radius() {
        let h = 6.0 / 60.0;
        let lines = circle_grid(60).lines(4.0);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.first(), line.last(), "a closed contour ends where it starts");
        for (x, y) in line {
            // Interpolating r² linearly along an edge of length h errs by at most
            // h²/4 in r², that is h²/(8r) = h²/16 in r at r = 2.
            approx::assert_abs_diff_eq!((x * x + y * y).sqrt(), 2.0, epsilon = h * h / 16.0);
        }
    }

    #[test]
    fn a_finer_grid_gives_a_closer_contour() {
        let worst = |cells| {
            let lines = circle_grid(cells).lines(4.0);
            lines[0].iter().map(|(x, y)| ((x * x + y * y).sqrt() - 2.0).abs()).fold(0.0, f64::max)
        };
        assert!(worst(80) < worst(20) / 4.0, "O(h²): {} vs {}", worst(80), worst(20));
    }

    #[test]
    fn a_level_outside_the_values_gives_no_line() {
        assert!(circle_grid(30).lines(100.0).is_empty());
        assert!(circle_grid(30).lines(-1.0).is_empty());
    }

    #[test]
    fn two_separate_minima_give_two_closed_lines() {
        let f = |x: f64, y: f64| ((x - 1.5).powi(2) + y * y).min((x + 1.5).powi(2) + y * y);
        let lines = Samples::new(f, -3.0..3.0, -2.0..2.0, (60, 40)).lines(0.5);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| line.first() == line.last()));
    }

    #[test]
    fn a_saddle_cell_is_split_by_its_centre_value() {
        // One cell with corners f = x·y: 00 and 11 are +1, 10 and 01 are −1; the
        // centre is 0. At level 0.5 the centre is below, so the two corners above are
        // cut off separately; at level −0.5 the centre is above, so the corners
        // below (10 and 01) are cut off instead.
        let samples = Samples::new(|x, y| x * y, -1.0..1.0, -1.0..1.0, (1, 1));
        let mut above = samples.lines(0.5);
        above.sort_by(|a, b| a[0].0.total_cmp(&b[0].0));
        assert_eq!(above, vec![vec![(-1.0, -0.5), (-0.5, -1.0)], vec![(1.0, 0.5), (0.5, 1.0)]]);
        let below = samples.lines(-0.5);
        assert_eq!(below.len(), 2);
        for line in below {
            // Each segment cuts off a corner where x·y = −1: x and y of opposite sign.
            assert!(line.iter().all(|(x, y)| x * y <= 0.0), "{line:?}");
        }
    }
}

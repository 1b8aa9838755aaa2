//! Cutting a polyline at the frame of a chart, so that a run that leaves it is drawn
//! honestly.
//!
//! plotters moves a point outside the chart's range onto the edge, which would draw
//! a diverging run as if it crawled along the border. Instead, each segment p → q is
//! cut to the frame first, with the Liang–Barsky parametrisation p + t·(q − p),
//! t ∈ [0, 1]: every side of the frame bounds t from below (where the segment comes
//! in) or from above (where it goes out), and the segment is visible for
//! t₀ = max(lower bounds) ≤ t ≤ t₁ = min(upper bounds). A polyline becomes pieces
//! that lie wholly inside the frame; a piece that ends where the line goes out
//! records that exit, so the figure can mark it.

/// The visible rectangle x₀ ≤ x ≤ x₁, y₀ ≤ y ≤ y₁, in chart coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// x₀..x₁.
    pub x: (f64, f64),
    /// y₀..y₁.
    pub y: (f64, f64),
}

/// Where a line leaves the frame, and the direction it was going.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exit {
    /// The point on the frame's border.
    pub at: (f64, f64),
    /// q − p of the segment that goes out.
    pub direction: (f64, f64),
}

/// A run of points inside the frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The points, every one inside the frame (on its border at a cut).
    pub points: Vec<(f64, f64)>,
    /// Set when the piece ends because the line goes out of the frame.
    pub exit: Option<Exit>,
}

impl Frame {
    /// Whether `p` is inside the frame or on its border.
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        self.x.0 <= x && x <= self.x.1 && self.y.0 <= y && y <= self.y.1
    }

    /// The visible part t₀..t₁ of the segment p → q, if any (Liang–Barsky).
    pub fn clip_segment(&self, p: (f64, f64), q: (f64, f64)) -> Option<(f64, f64)> {
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        // Each side as (−rate at which the segment approaches it, room left at p).
        for (rate, room) in [
            (-dx, p.0 - self.x.0),
            (dx, self.x.1 - p.0),
            (-dy, p.1 - self.y.0),
            (dy, self.y.1 - p.1),
        ] {
            if rate == 0.0 {
                if room < 0.0 {
                    return None; // Parallel to this side and outside it.
                }
            } else {
                let t = room / rate;
                if rate < 0.0 {
                    t0 = t0.max(t); // Coming in through this side.
                } else {
                    t1 = t1.min(t); // Going out through this side.
                }
            }
        }
        (t0 <= t1).then_some((t0, t1))
    }

    /// The point p + t·(q − p), exactly p at t = 0 and q at t = 1.
    ///
    /// A cut point lies on the border in exact arithmetic; a coordinate within a
    /// rounding error (1e-12 of the frame's size) of a side is put on it, so that
    /// an ulp never leaves a cut a hair inside or outside the frame.
    fn point_at(&self, p: (f64, f64), q: (f64, f64), t: f64) -> (f64, f64) {
        if t == 0.0 {
            return p;
        }
        if t == 1.0 {
            return q;
        }
        let snap = |v: f64, (lo, hi): (f64, f64)| {
            let tolerance = 1e-12 * (hi - lo);
            if (v - lo).abs() <= tolerance {
                lo
            } else if (v - hi).abs() <= tolerance {
                hi
            } else {
                v.clamp(lo, hi)
            }
        };
        (snap(p.0 + t * (q.0 - p.0), self.x), snap(p.1 + t * (q.1 - p.1), self.y))
    }

    /// The pieces of the polyline `points` that lie inside the frame.
    ///
    /// A non-finite point breaks the line there (without an exit): nothing is drawn
    /// to or from it.
    pub fn clip_polyline(&self, points: &[(f64, f64)]) -> Vec<Piece> {
        let finite = |(x, y): (f64, f64)| x.is_finite() && y.is_finite();
        let mut pieces = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        let mut finish = |current: &mut Vec<(f64, f64)>, exit| {
            if !current.is_empty() {
                pieces.push(Piece { points: std::mem::take(current), exit });
            }
        };
        if let [only] = points
            && finite(*only)
            && self.contains(*only)
        {
            current.push(*only);
        }
        for pair in points.windows(2) {
            let (p, q) = (pair[0], pair[1]);
            if !finite(p) || !finite(q) {
                finish(&mut current, None);
                continue;
            }
            let Some((t0, t1)) = self.clip_segment(p, q) else {
                finish(&mut current, None);
                continue;
            };
            if t0 > 0.0 || current.is_empty() {
                // The segment comes in from outside (or starts the line).
                finish(&mut current, None);
                current.push(self.point_at(p, q, t0));
            }
            current.push(self.point_at(p, q, t1));
            if t1 < 1.0 {
                let exit = Exit { at: self.point_at(p, q, t1), direction: (q.0 - p.0, q.1 - p.1) };
                finish(&mut current, Some(exit));
            }
        }
        finish(&mut current, None);
        pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: Frame = Frame { x: (0.0, 1.0), y: (0.0, 1.0) };

    #[test]
    fn a_line_inside_the_frame_is_kept_whole() {
        let line = [(0.1, 0.1), (0.5, 0.9), (0.9, 0.2)];
        assert_eq!(UNIT.clip_polyline(&line), vec![Piece { points: line.to_vec(), exit: None }]);
    }

    #[test]
    fn a_line_that_leaves_is_cut_on_the_border_and_records_its_exit() {
        let pieces = UNIT.clip_polyline(&[(0.5, 0.5), (0.5, 0.75), (0.5, 3.0)]);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].points, vec![(0.5, 0.5), (0.5, 0.75), (0.5, 1.0)]);
        assert_eq!(pieces[0].exit, Some(Exit { at: (0.5, 1.0), direction: (0.0, 2.25) }));
    }

    #[test]
    fn a_cut_lies_where_the_segment_meets_the_border() {
        // From (0.5, 0.5) to (2.5, 1.0): it meets x = 1 at t = 0.25, y = 0.625.
        let pieces = UNIT.clip_polyline(&[(0.5, 0.5), (2.5, 1.0)]);
        assert_eq!(pieces[0].points, vec![(0.5, 0.5), (1.0, 0.625)]);
    }

    #[test]
    fn a_line_that_comes_back_gives_two_pieces() {
        let pieces = UNIT.clip_polyline(&[(0.5, 0.5), (0.5, 1.5), (0.25, 0.5)]);
        assert_eq!(pieces.len(), 2);
        assert!(pieces[0].exit.is_some());
        assert_eq!(pieces[1].points, vec![(0.375, 1.0), (0.25, 0.5)]);
        assert_eq!(pieces[1].exit, None);
    }

    #[test]
    fn a_segment_that_only_crosses_the_frame_is_cut_at_both_ends() {
        let pieces = UNIT.clip_polyline(&[(-1.0, 0.5), (2.0, 0.5)]);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].points, vec![(0.0, 0.5), (1.0, 0.5)]);
        assert_eq!(pieces[0].exit.map(|e| e.at), Some((1.0, 0.5)));
    }

    #[test]
    fn a_line_wholly_outside_gives_nothing() {
        assert!(UNIT.clip_polyline(&[(2.0, 2.0), (3.0, 5.0), (-1.0, 2.0)]).is_empty());
        assert!(UNIT.clip_polyline(&[(2.0, 0.5)]).is_empty());
    }

    #[test]
    fn every_point_of_every_piece_is_inside_the_frame() {
        let frame = Frame { x: (-2.0, 3.0), y: (-1.0, 1e4) };
        // A diverging oscillation w_t = (−1.5)^t against t.
        let line: Vec<(f64, f64)> = (0..40).map(|t| (t as f64 / 10.0, (-1.5f64).powi(t))).collect();
        let pieces = frame.clip_polyline(&line);
        assert!(!pieces.is_empty());
        assert!(pieces.iter().flat_map(|p| &p.points).all(|&p| frame.contains(p)));
    }

    #[test]
    fn a_non_finite_point_breaks_the_line_without_an_exit() {
        let pieces =
            UNIT.clip_polyline(&[(0.1, 0.1), (0.2, 0.2), (0.3, f64::NAN), (0.4, 0.4), (0.5, 0.5)]);
        assert_eq!(
            pieces,
            vec![
                Piece { points: vec![(0.1, 0.1), (0.2, 0.2)], exit: None },
                Piece { points: vec![(0.4, 0.4), (0.5, 0.5)], exit: None },
            ]
        );
    }
}

//! Matrix-shaped parameters: a layout of blocks over the flat slice.
//!
//! Every optimizer of the course steps a flat `&mut [f64]`, and a model keeps its
//! weights in one: a network's layers one after the other, each weight matrix
//! row after row, each bias after it. The matrix methods need to know where each
//! matrix is and what shape it has. The smallest addition that tells them is a
//! [`Layout`]: the list of blocks, in order, that tile the slice, each a
//! [`Shape::Matrix`] of `rows × cols` (row-major) or a [`Shape::Vector`].
//!
//! [`Blockwise`] steps each block with its own optimizer: a matrix method for the
//! matrices, and a diagonal method for the vectors, as Muon's users do with AdamW
//! for biases. It is itself a [`gd::Optimizer`] over the whole slice, so the run
//! loop, the objectives and every existing optimizer stay as they are; an
//! optimizer built for one block sees only that block, and a matrix method learns
//! its shape when it is built.

use gd::{Optimizer, assert_same_length};

/// The shape of one block of parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A vector of this many weights, such as a bias.
    Vector(usize),
    /// A `rows × cols` matrix, stored row after row.
    Matrix {
        /// The number of rows.
        rows: usize,
        /// The number of columns.
        cols: usize,
    },
}

impl Shape {
    /// The number of weights the block holds.
    pub fn len(self) -> usize {
        match self {
            Self::Vector(n) => n,
            Self::Matrix { rows, cols } => rows * cols,
        }
    }

    /// Whether the block holds no weight.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// The blocks that tile a flat parameter slice, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    shapes: Vec<Shape>,
}

impl Layout {
    /// The blocks `shapes`, one after the other from index 0.
    pub fn new(shapes: Vec<Shape>) -> Self {
        Self { shapes }
    }

    /// The number of weights of all the blocks together.
    pub fn len(&self) -> usize {
        self.shapes.iter().map(|s| s.len()).sum()
    }

    /// Whether the layout covers no weight.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The blocks, each with the index of its first weight in the slice.
    pub fn blocks(&self) -> impl Iterator<Item = (usize, Shape)> + '_ {
        self.shapes.iter().scan(0, |offset, &shape| {
            let start = *offset;
            *offset += shape.len();
            Some((start, shape))
        })
    }
}

/// One optimizer per block of a [`Layout`], stepping the whole slice.
pub struct Blockwise {
    layout: Layout,
    optimizers: Vec<Box<dyn Optimizer>>,
}

impl std::fmt::Debug for Blockwise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.optimizers.iter().map(|o| o.name()).collect();
        f.debug_struct("Blockwise")
            .field("layout", &self.layout)
            .field("optimizers", &names)
            .finish()
    }
}

impl Blockwise {
    /// Builds `matrix(rows, cols)` for each matrix block and `vector(n)` for each
    /// vector block.
    ///
    /// # Errors
    /// The first error a builder returns (a hyper-parameter out of range).
    pub fn new<E>(
        layout: Layout,
        mut matrix: impl FnMut(usize, usize) -> Result<Box<dyn Optimizer>, E>,
        mut vector: impl FnMut(usize) -> Result<Box<dyn Optimizer>, E>,
    ) -> Result<Self, E> {
        let optimizers = layout
            .blocks()
            .map(|(_, shape)| match shape {
                Shape::Matrix { rows, cols } => matrix(rows, cols),
                Shape::Vector(n) => vector(n),
            })
            .collect::<Result<_, E>>()?;
        Ok(Self { layout, optimizers })
    }

    /// The layout it steps.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}

impl Optimizer for Blockwise {
    /// The names of its optimizers, each once, in the order of the blocks.
    fn name(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        for name in self.optimizers.iter().map(|o| o.name()) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names.join(" + ")
    }

    // ANCHOR: blockwise_step
    fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        assert_same_length("params", params.len(), "grads", grads.len());
        assert_same_length("params", params.len(), "the layout", self.layout.len());
        for ((start, shape), optimizer) in self.layout.blocks().zip(&mut self.optimizers) {
            let block = start..start + shape.len();
            optimizer.step(&mut params[block.clone()], &grads[block]);
        }
    }
    // ANCHOR_END: blockwise_step
}

#[cfg(test)]
mod tests {
    use gd::{GradientDescent, HyperParameterError};

    use super::*;

    fn layout() -> Layout {
        Layout::new(vec![Shape::Matrix { rows: 2, cols: 3 }, Shape::Vector(2)])
    }

    #[test]
    fn blocks_tile_the_slice_in_order() {
        let blocks: Vec<_> = layout().blocks().collect();
        assert_eq!(blocks, [(0, Shape::Matrix { rows: 2, cols: 3 }), (6, Shape::Vector(2))]);
        assert_eq!(layout().len(), 8);
    }

    #[test]
    fn each_block_is_stepped_by_its_own_optimizer() {
        // η = 1 on the matrix, η = 0.5 on the vector: w − η·g per block.
        let mut opt = Blockwise::new(
            layout(),
            |_, _| Ok::<_, HyperParameterError>(Box::new(GradientDescent::new(1.0)?)),
            |_| Ok(Box::new(GradientDescent::new(0.5)?)),
        )
        .unwrap();
        let mut w = [0.0; 8];
        opt.step(&mut w, &[1.0; 8]);
        assert_eq!(w, [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -0.5, -0.5]);
        assert_eq!(opt.name(), "GD η=1 + GD η=0.5");
    }

    #[test]
    fn a_builder_error_is_returned() {
        let err = Blockwise::new(
            layout(),
            |_, _| Ok::<_, HyperParameterError>(Box::new(GradientDescent::new(1.0)?)),
            |_| Ok(Box::new(GradientDescent::new(-1.0)?)),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "learning rate must be finite and > 0, got -1");
    }

    #[test]
    #[should_panic(expected = "params has 7 elements but the layout has 8")]
    fn a_slice_of_another_length_than_the_layout_panics_with_both_lengths() {
        let mut opt = Blockwise::new(
            layout(),
            |_, _| Ok::<_, HyperParameterError>(Box::new(GradientDescent::new(1.0)?)),
            |_| Ok(Box::new(GradientDescent::new(1.0)?)),
        )
        .unwrap();
        opt.step(&mut [0.0; 7], &[0.0; 7]);
    }
}

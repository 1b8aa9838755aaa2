//! A multilayer perceptron as an objective: inputs → tanh hidden layer → softmax,
//! its mean cross-entropy J(w), and ∇J(w) by backpropagation.
//!
//! For an input x ∈ ℝᵐ with class y the network computes
//!
//! > h = tanh(b₁ + xᵀW₁),   z = b₂ + hᵀW₂,   ℓ(w; x, y) = log Σ_c e^{z_c} − z_y,
//!
//! and the objective is the mean over the N samples plus a ridge on the two weight
//! matrices (not on the biases):
//!
//! > J(w) = (1/N)·Σᵢ ℓ(w; xᵢ, yᵢ) + ½·λ·(|W₁|² + |W₂|²).
//!
//! Backpropagation is the chain rule run from the loss down, reusing the forward
//! pass's h: δ₂ = p − e_y (the softmax's gradient), then W₂'s and b₂'s gradients
//! from h and δ₂, then δ₁ = (1 − h²) ⊙ (W₂δ₂), then W₁'s and b₁'s from x and δ₁.
//! One sample costs about three times its forward pass, whatever the number of
//! weights: that is why a network with thousands of weights can be trained by the
//! same first-order methods as the two-weight problems of the earlier chapters.
//!
//! All the weights live in one flat vector w, which every optimizer of the course
//! steps unchanged, laid out as [W₁ (m × n), b₁ (n), W₂ (n × k), b₂ (k)] with each
//! matrix row-major, one row per input of its layer ([`Shape::parts`]).
//!
//! Unlike every earlier objective, J is not convex: swapping two hidden units
//! gives another w with the same loss, so there are many minimizers, and the
//! start matters. [`Shape::initialize`] draws it from a seed (Glorot and Bengio's
//! uniform range, biases at 0).
//!
//! ## References
//! Rumelhart, Hinton and Williams, *Learning representations by back-propagating
//! errors*, Nature 323, 1986; Glorot and Bengio, *Understanding the difficulty of
//! training deep feedforward neural networks*, AISTATS 2010; Goodfellow, Bengio
//! and Courville, *Deep Learning* (2016), §6.5.

use std::cell::RefCell;
use std::fmt;

use chacha20::ChaCha8Rng;
use objectives::{FiniteSum, Objective, check_batch, check_dimension};
use rand_core::{Rng, SeedableRng};

use crate::layers::{dense_backward, dense_forward, softmax_cross_entropy, tanh_in_place};

/// The sizes of the three layers: m inputs, n hidden units, k classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    inputs: usize,
    hidden: usize,
    classes: usize,
}

/// The weights of a network, cut out of the flat vector.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    /// W₁, m × n, row k: the weights leaving input k.
    pub hidden_weights: &'a [f64],
    /// b₁, n.
    pub hidden_bias: &'a [f64],
    /// W₂, n × k, row j: the weights leaving hidden unit j.
    pub output_weights: &'a [f64],
    /// b₂, k.
    pub output_bias: &'a [f64],
}

/// The same cut of a mutable vector (a gradient).
#[derive(Debug)]
pub struct PartsMut<'a> {
    /// W₁'s part.
    pub hidden_weights: &'a mut [f64],
    /// b₁'s part.
    pub hidden_bias: &'a mut [f64],
    /// W₂'s part.
    pub output_weights: &'a mut [f64],
    /// b₂'s part.
    pub output_bias: &'a mut [f64],
}

impl Shape {
    /// The course's network on 8×8 digits: 64 → 32 → 10.
    pub const DIGITS: Self = Self { inputs: 64, hidden: 32, classes: 10 };

    /// A network with `inputs` inputs, `hidden` tanh units and `classes` classes.
    ///
    /// # Errors
    /// If a layer is empty or there are fewer than 2 classes.
    pub fn new(inputs: usize, hidden: usize, classes: usize) -> Result<Self, NetworkError> {
        if inputs == 0 || hidden == 0 || classes < 2 {
            return Err(NetworkError::Shape { inputs, hidden, classes });
        }
        Ok(Self { inputs, hidden, classes })
    }

    /// The inputs m.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// The hidden units n.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// The classes k.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// The number of weights, m·n + n + n·k + k (2410 for 64 → 32 → 10).
    pub fn dimension(&self) -> usize {
        self.inputs * self.hidden + self.hidden + self.hidden * self.classes + self.classes
    }

    /// W₁, b₁, W₂ and b₂ cut out of `w`.
    ///
    /// # Panics
    /// If `w` does not hold [`dimension`](Self::dimension) elements, naming both.
    pub fn parts<'a>(&self, w: &'a [f64]) -> Parts<'a> {
        check_dimension("the weights", w.len(), self.dimension());
        let (hidden_weights, rest) = w.split_at(self.inputs * self.hidden);
        let (hidden_bias, rest) = rest.split_at(self.hidden);
        let (output_weights, output_bias) = rest.split_at(self.hidden * self.classes);
        Parts { hidden_weights, hidden_bias, output_weights, output_bias }
    }

    /// The same cut of a mutable vector.
    ///
    /// # Panics
    /// If `w` does not hold [`dimension`](Self::dimension) elements, naming both.
    pub fn parts_mut<'a>(&self, w: &'a mut [f64]) -> PartsMut<'a> {
        check_dimension("the gradient", w.len(), self.dimension());
        let (hidden_weights, rest) = w.split_at_mut(self.inputs * self.hidden);
        let (hidden_bias, rest) = rest.split_at_mut(self.hidden);
        let (output_weights, output_bias) = rest.split_at_mut(self.hidden * self.classes);
        PartsMut { hidden_weights, hidden_bias, output_weights, output_bias }
    }

    /// A starting point drawn from `seed`: every weight of a layer with `fan_in`
    /// inputs and `fan_out` outputs uniform in [−a, a), a = √(6/(fan_in + fan_out))
    /// (Glorot and Bengio 2010, made for tanh), every bias 0.
    ///
    /// A uniform draw is u = (top 53 bits of a ChaCha8 word)·2⁻⁵³ ∈ [0, 1), then
    /// a·(2u − 1): the same numbers on every machine.
    // ANCHOR: initialize
    pub fn initialize(&self, seed: u64) -> Vec<f64> {
        let mut stream = ChaCha8Rng::seed_from_u64(seed);
        let mut uniform = |a: f64| {
            let u = (stream.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            a * (2.0 * u - 1.0)
        };
        let mut w = vec![0.0; self.dimension()];
        let parts = self.parts_mut(&mut w);
        let a1 = (6.0 / (self.inputs + self.hidden) as f64).sqrt();
        parts.hidden_weights.iter_mut().for_each(|x| *x = uniform(a1));
        let a2 = (6.0 / (self.hidden + self.classes) as f64).sqrt();
        parts.output_weights.iter_mut().for_each(|x| *x = uniform(a2));
        w
    }
    // ANCHOR_END: initialize
}

/// Why a network cannot be built on these data.
#[derive(Debug, Clone, PartialEq)]
pub enum NetworkError {
    /// A layer is empty, or there are fewer than 2 classes.
    Shape {
        /// The inputs asked for.
        inputs: usize,
        /// The hidden units asked for.
        hidden: usize,
        /// The classes asked for.
        classes: usize,
    },
    /// There are no samples.
    NoSamples,
    /// The inputs are not a whole number of samples of the network's width.
    InputLength {
        /// The number of input values.
        values: usize,
        /// The network's inputs per sample.
        width: usize,
    },
    /// The numbers of samples and of labels differ.
    LabelCount {
        /// The samples in the inputs.
        samples: usize,
        /// The labels.
        labels: usize,
    },
    /// A label is not one of the classes.
    Label {
        /// Its sample.
        sample: usize,
        /// Its value.
        label: usize,
        /// The number of classes.
        classes: usize,
    },
    /// An input is NaN or infinite.
    NotFinite {
        /// Its sample.
        sample: usize,
        /// Its input.
        input: usize,
        /// Its value.
        value: f64,
    },
    /// The ridge coefficient λ is negative or not finite.
    Ridge {
        /// Its value.
        value: f64,
    },
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape { inputs, hidden, classes } => write!(
                f,
                "a network needs at least 1 input, 1 hidden unit and 2 classes, got {inputs} → {hidden} → {classes}"
            ),
            Self::NoSamples => write!(f, "a data set needs at least one sample"),
            Self::InputLength { values, width } => write!(
                f,
                "{values} input values are not a whole number of samples of {width} inputs"
            ),
            Self::LabelCount { samples, labels } => {
                write!(f, "there are {samples} samples but {labels} labels")
            }
            Self::Label { sample, label, classes } => {
                write!(f, "the label of sample {sample} is {label}; labels must be in 0..{classes}")
            }
            Self::NotFinite { sample, input, value } => {
                write!(f, "input {input} of sample {sample} is {value}; inputs must be finite")
            }
            Self::Ridge { value } => write!(f, "ridge λ must be finite and >= 0, got {value}"),
        }
    }
}

impl std::error::Error for NetworkError {}

/// The working memory of one sample's forward and backward pass.
#[derive(Debug, Clone)]
struct Scratch {
    hidden: Vec<f64>,
    logits: Vec<f64>,
    output_delta: Vec<f64>,
    hidden_delta: Vec<f64>,
}

/// A network of a given [`Shape`] on a fixed data set: the objective
/// J(w) = mean cross-entropy + ½·λ·(|W₁|² + |W₂|²) (see the module).
///
/// It keeps the working memory of a pass inside, so that a gradient allocates
/// nothing: it is `Send` but not `Sync`, and each thread builds its own.
#[derive(Debug, Clone)]
pub struct Classifier {
    name: String,
    shape: Shape,
    /// Row-major, N × m.
    inputs: Vec<f64>,
    labels: Vec<usize>,
    ridge: f64,
    scratch: RefCell<Scratch>,
}

impl Classifier {
    /// The network `shape` on `inputs` (row-major, m per sample) with `labels` in
    /// 0..k and ridge coefficient λ = `ridge`.
    ///
    /// # Errors
    /// A [`NetworkError`] naming the first sample, input or count that is wrong.
    pub fn new(
        shape: Shape,
        inputs: Vec<f64>,
        labels: Vec<usize>,
        ridge: f64,
    ) -> Result<Self, NetworkError> {
        let width = shape.inputs;
        if !inputs.len().is_multiple_of(width) {
            return Err(NetworkError::InputLength { values: inputs.len(), width });
        }
        let samples = inputs.len() / width;
        if samples == 0 {
            return Err(NetworkError::NoSamples);
        }
        if labels.len() != samples {
            return Err(NetworkError::LabelCount { samples, labels: labels.len() });
        }
        if let Some((sample, &label)) =
            labels.iter().enumerate().find(|(_, y)| **y >= shape.classes)
        {
            return Err(NetworkError::Label { sample, label, classes: shape.classes });
        }
        if let Some((at, &value)) = inputs.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(NetworkError::NotFinite { sample: at / width, input: at % width, value });
        }
        if !(ridge.is_finite() && ridge >= 0.0) {
            return Err(NetworkError::Ridge { value: ridge });
        }
        let scratch = Scratch {
            hidden: vec![0.0; shape.hidden],
            logits: vec![0.0; shape.classes],
            output_delta: vec![0.0; shape.classes],
            hidden_delta: vec![0.0; shape.hidden],
        };
        Ok(Self {
            name: format!("network {}→{}→{}", shape.inputs, shape.hidden, shape.classes),
            shape,
            inputs,
            labels,
            ridge,
            scratch: RefCell::new(scratch),
        })
    }

    /// The 64 → 32 → 10 network on digit images, their pixels divided by 16.
    ///
    /// # Errors
    /// If λ is not finite and ≥ 0 (the images were checked on loading).
    pub fn digits(data: &datasets::Digits, ridge: f64) -> Result<Self, NetworkError> {
        Self::new(Shape::DIGITS, data.inputs(), data.labels().to_vec(), ridge)
    }

    /// The same objective under another name.
    pub fn named(self, name: impl Into<String>) -> Self {
        Self { name: name.into(), ..self }
    }

    /// The network's shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The ridge coefficient λ.
    pub fn ridge(&self) -> f64 {
        self.ridge
    }

    /// The inputs of sample i.
    pub fn input(&self, i: usize) -> &[f64] {
        &self.inputs[i * self.shape.inputs..(i + 1) * self.shape.inputs]
    }

    /// The labels.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The network's forward pass for sample i: fills the scratch's hidden
    /// activations h and logits z.
    fn forward(&self, parts: &Parts<'_>, i: usize, scratch: &mut Scratch) {
        dense_forward(self.input(i), parts.hidden_weights, parts.hidden_bias, &mut scratch.hidden);
        tanh_in_place(&mut scratch.hidden);
        dense_forward(
            &scratch.hidden,
            parts.output_weights,
            parts.output_bias,
            &mut scratch.logits,
        );
    }

    /// The class the network gives sample i: the largest logit (the first, on a
    /// tie).
    ///
    /// # Panics
    /// If `w` has the wrong length, naming both, or i is not a sample.
    pub fn predict(&self, w: &[f64], i: usize) -> usize {
        let parts = self.shape.parts(w);
        let scratch = &mut *self.scratch.borrow_mut();
        self.forward(&parts, i, scratch);
        argmax(&scratch.logits)
    }

    /// The fraction of samples whose predicted class is their label.
    ///
    /// # Panics
    /// If `w` has the wrong length, naming both.
    pub fn accuracy(&self, w: &[f64]) -> f64 {
        let parts = self.shape.parts(w);
        let scratch = &mut *self.scratch.borrow_mut();
        let correct = (0..self.labels.len())
            .filter(|&i| {
                self.forward(&parts, i, scratch);
                argmax(&scratch.logits) == self.labels[i]
            })
            .count();
        correct as f64 / self.labels.len() as f64
    }

    /// ½·λ·(|W₁|² + |W₂|²).
    fn penalty(&self, parts: &Parts<'_>) -> f64 {
        let squares: f64 =
            parts.hidden_weights.iter().chain(parts.output_weights).map(|x| x * x).sum();
        0.5 * self.ridge * squares
    }

    /// The mean loss over `batch` plus the ridge, and its gradient written into
    /// `gradient`: one forward and one backward pass per sample.
    ///
    /// # Panics
    /// If `w` or `gradient` has the wrong length (naming both), the batch is
    /// empty or names a sample that does not exist.
    pub fn batch_loss_and_gradient(&self, w: &[f64], batch: &[usize], gradient: &mut [f64]) -> f64 {
        check_batch(batch, self.labels.len());
        self.mean_loss_and_gradient(w, batch.iter().copied(), gradient)
    }

    /// The mean loss over `samples` plus the ridge, and its gradient: the body of
    /// [`batch_loss_and_gradient`](Self::batch_loss_and_gradient), for any
    /// non-empty sequence of valid sample indices.
    // ANCHOR: backpropagation
    fn mean_loss_and_gradient(
        &self,
        w: &[f64],
        samples: impl Iterator<Item = usize>,
        gradient: &mut [f64],
    ) -> f64 {
        let parts = self.shape.parts(w);
        let grads = self.shape.parts_mut(gradient);
        grads.hidden_weights.fill(0.0);
        grads.hidden_bias.fill(0.0);
        grads.output_weights.fill(0.0);
        grads.output_bias.fill(0.0);
        let scratch = &mut *self.scratch.borrow_mut();
        let (mut total, mut count) = (0.0, 0usize);
        for i in samples {
            self.forward(&parts, i, scratch);
            // δ₂ = p − e_y, and the loss.
            let loss =
                softmax_cross_entropy(&scratch.logits, self.labels[i], &mut scratch.output_delta);
            total += loss;
            count += 1;
            // W₂'s and b₂'s gradients from h and δ₂, and W₂δ₂ into the hidden delta.
            dense_backward(
                &scratch.hidden,
                parts.output_weights,
                &scratch.output_delta,
                grads.output_weights,
                grads.output_bias,
                Some(&mut scratch.hidden_delta),
            );
            // δ₁ = (1 − h²) ⊙ W₂δ₂: tanh' read from the activation.
            for (d, h) in scratch.hidden_delta.iter_mut().zip(&scratch.hidden) {
                *d *= 1.0 - h * h;
            }
            // W₁'s and b₁'s gradients from x and δ₁; the inputs need none.
            dense_backward(
                self.input(i),
                parts.hidden_weights,
                &scratch.hidden_delta,
                grads.hidden_weights,
                grads.hidden_bias,
                None,
            );
        }
        // The mean over the samples, then the ridge's λ·W on the weights only.
        let scale = 1.0 / count as f64;
        for g in [grads.hidden_weights, grads.hidden_bias, grads.output_weights, grads.output_bias]
        {
            g.iter_mut().for_each(|g| *g *= scale);
        }
        let grads = self.shape.parts_mut(gradient);
        let weights = parts.hidden_weights.iter().chain(parts.output_weights);
        for (g, x) in
            grads.hidden_weights.iter_mut().chain(grads.output_weights.iter_mut()).zip(weights)
        {
            *g += self.ridge * x;
        }
        total * scale + self.penalty(&parts)
    }
    // ANCHOR_END: backpropagation
}

/// The index of the largest element (the first, on a tie).
fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (c, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = c;
        }
    }
    best
}

impl Objective for Classifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn dimension(&self) -> usize {
        self.shape.dimension()
    }

    fn value(&self, w: &[f64]) -> f64 {
        let parts = self.shape.parts(w);
        let scratch = &mut *self.scratch.borrow_mut();
        let mut total = 0.0;
        for i in 0..self.labels.len() {
            self.forward(&parts, i, scratch);
            total +=
                softmax_cross_entropy(&scratch.logits, self.labels[i], &mut scratch.output_delta);
        }
        total / self.labels.len() as f64 + self.penalty(&parts)
    }

    fn gradient(&self, w: &[f64], gradient: &mut [f64]) {
        self.mean_loss_and_gradient(w, 0..self.labels.len(), gradient);
    }
}

impl FiniteSum for Classifier {
    fn samples(&self) -> usize {
        self.labels.len()
    }

    fn batch_value(&self, w: &[f64], batch: &[usize]) -> f64 {
        check_batch(batch, self.labels.len());
        let parts = self.shape.parts(w);
        let scratch = &mut *self.scratch.borrow_mut();
        let mut total = 0.0;
        for &i in batch {
            self.forward(&parts, i, scratch);
            total +=
                softmax_cross_entropy(&scratch.logits, self.labels[i], &mut scratch.output_delta);
        }
        total / batch.len() as f64 + self.penalty(&parts)
    }

    fn batch_gradient(&self, w: &[f64], batch: &[usize], gradient: &mut [f64]) {
        self.batch_loss_and_gradient(w, batch, gradient);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// A small network on a few samples with varied inputs (some zero, as in the
    /// digits) and every class present.
    fn small(ridge: f64) -> Classifier {
        let shape = Shape::new(5, 4, 3).unwrap();
        let inputs: Vec<f64> = (0..6 * 5)
            .map(|k| if k % 4 == 1 { 0.0 } else { ((k * 37) % 11) as f64 / 11.0 - 0.3 })
            .collect();
        Classifier::new(shape, inputs, vec![0, 2, 1, 1, 0, 2], ridge).unwrap()
    }

    fn central_differences(problem: &Classifier, w: &[f64], h: f64) -> Vec<f64> {
        (0..w.len())
            .map(|j| {
                let (mut plus, mut minus) = (w.to_vec(), w.to_vec());
                plus[j] += h;
                minus[j] -= h;
                (problem.value(&plus) - problem.value(&minus)) / (2.0 * h)
            })
            .collect()
    }

    #[test]
    fn backpropagation_matches_central_differences() {
        for ridge in [0.0, 0.3] {
            let problem = small(ridge);
            for seed in 0..3 {
                let w = problem.shape().initialize(seed);
                let mut gradient = vec![0.0; w.len()];
                problem.gradient(&w, &mut gradient);
                let numeric = central_differences(&problem, &w, 1e-5);
                // J is smooth with third derivatives of order 1 here: truncation
                // h² ≈ 1e-10, rounding ≈ 1e-16·J/h ≈ 1e-11.
                for (j, (a, n)) in gradient.iter().zip(&numeric).enumerate() {
                    assert!((a - n).abs() < 1e-8, "λ={ridge}, seed {seed}, weight {j}: {a} vs {n}");
                }
            }
        }
    }

    #[test]
    fn the_digit_network_gradient_matches_central_differences_on_a_batch() {
        let data = datasets::digits().unwrap();
        let problem = Classifier::digits(&data, 1e-3).unwrap();
        let w = problem.shape().initialize(7);
        let batch = [3, 14, 15, 92, 653, 1796];
        let mut gradient = vec![0.0; w.len()];
        let loss = problem.batch_loss_and_gradient(&w, &batch, &mut gradient);
        assert_relative_eq!(loss, problem.batch_value(&w, &batch), max_relative = 1e-15);
        let h = 1e-5;
        // Every 7th weight of the 2410, and the last (a bias of b₂).
        for j in (0..w.len()).step_by(7).chain([w.len() - 1]) {
            let (mut plus, mut minus) = (w.clone(), w.clone());
            plus[j] += h;
            minus[j] -= h;
            let numeric = (problem.batch_value(&plus, &batch)
                - problem.batch_value(&minus, &batch))
                / (2.0 * h);
            // As above: truncation ≈ 1e-10, rounding ≈ 1e-11.
            assert!(
                (gradient[j] - numeric).abs() < 1e-8,
                "weight {j}: {} vs {numeric}",
                gradient[j]
            );
        }
    }

    #[test]
    fn an_epoch_of_equal_batches_averages_to_the_full_gradient() {
        let problem = small(0.2);
        let w = problem.shape().initialize(1);
        let mut full = vec![0.0; w.len()];
        problem.gradient(&w, &mut full);
        // A shuffle of the 6 samples cut into 3 batches of 2.
        let batches = [[4, 1], [0, 5], [3, 2]];
        let mut mean = vec![0.0; w.len()];
        let mut g = vec![0.0; w.len()];
        for batch in &batches {
            problem.batch_gradient(&w, batch, &mut g);
            mean.iter_mut().zip(&g).for_each(|(m, g)| *m += g / 3.0);
        }
        // Equal in real arithmetic; sums of six terms of order 1 in another
        // order, and the ridge added three times over thirds: a few ulps.
        assert_relative_eq!(
            mean.as_slice(),
            full.as_slice(),
            epsilon = 1e-15,
            max_relative = 1e-13
        );
        // The batch value is the mean loss over the batch as well.
        let value = batches.iter().map(|b| problem.batch_value(&w, b)).sum::<f64>() / 3.0;
        assert_relative_eq!(value, problem.value(&w), max_relative = 1e-14);
    }

    #[test]
    fn a_repeated_sample_counts_as_often_as_it_appears() {
        let problem = small(0.0);
        let w = problem.shape().initialize(2);
        let (mut once, mut twice) = (vec![0.0; w.len()], vec![0.0; w.len()]);
        problem.batch_gradient(&w, &[3], &mut once);
        problem.batch_gradient(&w, &[3, 3], &mut twice);
        assert_relative_eq!(once.as_slice(), twice.as_slice(), max_relative = 1e-15);
    }

    #[test]
    fn the_ridge_adds_lambda_w_on_weights_and_nothing_on_biases() {
        let (plain, ridged) = (small(0.0), small(0.5));
        let w = plain.shape().initialize(3);
        let (mut g0, mut g1) = (vec![0.0; w.len()], vec![0.0; w.len()]);
        plain.gradient(&w, &mut g0);
        ridged.gradient(&w, &mut g1);
        let shape = plain.shape();
        let (a, b) = (shape.parts(&g0), shape.parts(&g1));
        let p = shape.parts(&w);
        for ((x, y), w) in a.hidden_weights.iter().zip(b.hidden_weights).zip(p.hidden_weights) {
            assert_relative_eq!(y - x, 0.5 * w, epsilon = 1e-15);
        }
        assert_eq!(a.hidden_bias, b.hidden_bias);
        assert_eq!(a.output_bias, b.output_bias);
    }

    #[test]
    fn the_digit_network_has_2410_weights_in_four_parts() {
        let shape = Shape::DIGITS;
        assert_eq!(shape.dimension(), 64 * 32 + 32 + 32 * 10 + 10);
        assert_eq!(shape.dimension(), 2410);
        let w: Vec<f64> = (0..2410).map(f64::from).collect();
        let parts = shape.parts(&w);
        assert_eq!(parts.hidden_bias[0], 2048.0);
        assert_eq!(parts.output_weights[0], 2080.0);
        assert_eq!(parts.output_bias, (2400..2410).map(f64::from).collect::<Vec<_>>().as_slice());
    }

    #[test]
    fn initialization_is_seeded_within_the_glorot_range_with_zero_biases() {
        let shape = Shape::DIGITS;
        let w = shape.initialize(0);
        assert_eq!(w, shape.initialize(0));
        assert_ne!(w, shape.initialize(1));
        let parts = shape.parts(&w);
        let (a1, a2) = ((6.0f64 / 96.0).sqrt(), (6.0f64 / 42.0).sqrt());
        assert!(parts.hidden_weights.iter().all(|x| x.abs() <= a1));
        assert!(parts.output_weights.iter().all(|x| x.abs() <= a2));
        assert!(parts.hidden_bias.iter().chain(parts.output_bias).all(|&b| b == 0.0));
        // The draws fill their range: the largest of 2048 uniform draws is within
        // 1% of a₁ with probability 1 − 0.99²⁰⁴⁸ > 1 − 1e-8.
        let largest = parts.hidden_weights.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        assert!(largest > 0.99 * a1, "{largest}");
    }

    #[test]
    fn an_untrained_network_guesses_and_its_loss_is_near_log_10() {
        let data = datasets::digits().unwrap();
        let problem = Classifier::digits(&data, 0.0).unwrap();
        let w = problem.shape().initialize(0);
        // Small random weights give logits of order 1: the loss is within a unit
        // of log 10 ≈ 2.30 and the accuracy far from what training reaches.
        let loss = problem.value(&w);
        assert!((loss - 10f64.ln()).abs() < 1.0, "{loss}");
        assert!(problem.accuracy(&w) < 0.5);
    }

    #[test]
    fn impossible_networks_and_data_are_errors_naming_the_numbers() {
        let shape = Shape::new(2, 2, 2).unwrap();
        let check = |result: Result<Classifier, NetworkError>, expected: &str| {
            assert_eq!(result.unwrap_err().to_string(), expected);
        };
        assert_eq!(
            Shape::new(2, 0, 2).unwrap_err().to_string(),
            "a network needs at least 1 input, 1 hidden unit and 2 classes, got 2 → 0 → 2"
        );
        check(
            Classifier::new(shape, vec![0.0; 5], vec![0, 1], 0.0),
            "5 input values are not a whole number of samples of 2 inputs",
        );
        check(Classifier::new(shape, vec![], vec![], 0.0), "a data set needs at least one sample");
        check(
            Classifier::new(shape, vec![0.0; 4], vec![0], 0.0),
            "there are 2 samples but 1 labels",
        );
        check(
            Classifier::new(shape, vec![0.0; 4], vec![0, 2], 0.0),
            "the label of sample 1 is 2; labels must be in 0..2",
        );
        check(
            Classifier::new(shape, vec![0.0, 0.0, f64::NAN, 0.0], vec![0, 1], 0.0),
            "input 0 of sample 1 is NaN; inputs must be finite",
        );
        check(
            Classifier::new(shape, vec![0.0; 4], vec![0, 1], -1.0),
            "ridge λ must be finite and >= 0, got -1",
        );
    }

    #[test]
    #[should_panic(expected = "the weights has 2409 elements but the objective has dimension 2410")]
    fn weights_of_the_wrong_length_are_refused_with_both_lengths() {
        let data = datasets::digits().unwrap();
        let problem = Classifier::digits(&data, 0.0).unwrap();
        let _ = problem.value(&[0.0; 2409]);
    }
}

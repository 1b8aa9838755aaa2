//! From the bowl to a network: a small neural network on handwritten digits, the
//! first objective of the course that is not convex and the kind of problem most
//! learners will use these optimizers for.
//!
//! Every earlier problem was a function of a few weights written down in code, or
//! a convex model of real data. This crate turns a multilayer perceptron into an
//! [`objectives::Objective`] and [`objectives::FiniteSum`] like any other:
//! a [`Classifier`] holds the 8×8 digit images of `datasets::digits`, and its
//! 2410 weights (64 → 32 tanh units → 10 classes) are one flat `&[f64]`, which
//! every optimizer of the course steps unchanged. Its gradient comes from
//! backpropagation written by hand in [`layers`] (a dense layer forward and
//! backward, tanh, softmax cross-entropy), checked against central differences;
//! its minibatch gradient is the exact mean over the batch, so that an epoch of
//! equal batches averages to the full gradient, as for logistic regression.
//!
//! The one design decision: **plain loops over row-major slices, one sample at a
//! time**. At this size a sample's forward and backward pass are a few thousand
//! multiply-adds whose inner loops run along contiguous rows (the weights leaving
//! one input), which the compiler can vectorize, and a blank pixel is skipped. No
//! matrix crate is built for it: an epoch of the training images already takes a
//! few milliseconds on one core, several times less than the same epoch in
//! PyTorch (the measurement is in the book's chapter "Making it fast"; a matrix
//! crate was not measured). [`train`] runs epochs of seeded minibatches with any
//! `gd::Optimizer` and stops with a reason when a loss or a weight stops being a
//! number; [`Method`] builds the course's seven optimizers (SGD, momentum,
//! Nesterov, Adagrad, RMSprop, Adam, AdamW) from their settings.

pub mod layers;
pub mod tuning;

mod classifier;
mod methods;
mod train;

pub use classifier::{Classifier, NetworkError, Parts, PartsMut, Shape};
pub use methods::{Method, Setting};
pub use train::{Training, TrainingError, train};

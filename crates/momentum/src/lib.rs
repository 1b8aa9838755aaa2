//! Momentum and Adam: a memory of past gradients, on its own and on top of RMSprop.
//!
//! Adagrad and RMSprop give every weight a learning rate of its own, but each step
//! still looks only at the current gradient g. On the ellipse 0.1·w₁² + 2·w₂² the
//! steep weight w₂ still overshoots and flips sign from step to step. This crate
//! adds the idea that the practice of deep learning added next: *momentum*. Keep a
//! velocity, a running sum of past gradients, and step along it. Gradients that
//! agree from step to step add up, so the step lengthens along the valley;
//! gradients that flip sign cancel, so the zig-zag across it is damped.
//!
//! ## The update rules, in the book's symbols
//! Heavy-ball momentum ([`Momentum`]), β ∈ [0, 1):
//!
//! > v ← β·v + g,   w ← w − η·v
//!
//! Nesterov's variant ([`MomentumConfig::nesterov`]), in PyTorch's form, steps
//! along the gradient plus the velocity it is about to have:
//!
//! > v ← β·v + g,   w ← w − η·(g + β·v)
//!
//! RMSprop with momentum ([`RmsPropMomentum`]), μ ∈ [0, 1): the velocity collects
//! the gradients RMSprop has already scaled,
//!
//! > G ← γ·G + (1 − γ)·g²,   b ← μ·b + g/√(G + ε),   w ← w − η·b
//!
//! Adam ([`Adam`]) is momentum plus RMSprop, with both averages corrected for
//! starting at 0:
//!
//! > m ← β₁·m + (1 − β₁)·g,   G ← β₂·G + (1 − β₂)·g²
//! >
//! > w ← w − η·m̂/(√Ĝ + ε),   m̂ = m/(1 − β₁ᵗ),   Ĝ = G/(1 − β₂ᵗ)
//!
//! On a quadratic with curvature λ, heavy-ball momentum converges if and only if
//! 0 < η·λ < 2·(1 + β): momentum almost doubles the largest stable learning rate
//! of gradient descent (2/λ) as β approaches 1. The graded tests check that edge
//! from both sides.
//!
//! The accumulator G and the division by √(G + ε) are RMSprop's and Adagrad's,
//! called here ([`rmsprop::running_average`], [`adagrad::ScaledStep`]), not copied.
//!
//! ## Defaults
//! - Momentum: β = 0.9, Nesterov off. PyTorch's `SGD(momentum=β, nesterov=…)` is
//!   the same rule ([`MomentumConfig::pytorch`]).
//! - RMSprop with momentum: the course's RMSprop (γ = 0.9, ε = 1e-10 inside the
//!   root) and μ = 0.9; [`RmsPropMomentumConfig::pytorch`] for `torch.optim.RMSprop`.
//! - Adam: β₁ = 0.9, β₂ = 0.999, ε = 1e-8 **outside** the root (√Ĝ + ε), as in the
//!   paper, PyTorch and optax. This differs from the course's other optimizers,
//!   which keep ε inside: Adam's ε was defined and tuned for the outside, where it
//!   is a floor of 1e-8 on the denominator; inside, 1e-8 would act as a floor of
//!   1e-4 and damp every small gradient. See [`AdamConfig`].
//!
//! Every hyper-parameter is validated when an optimizer is built (the error names
//! the parameter, its range and the value), every step allocates nothing, and a
//! step with slices of different lengths panics with both lengths.
//!
//! ## Requirements on the problem
//! Gradients must be finite; `gd::minimize` stops a run otherwise.
//!
//! ## References
//! - B. T. Polyak, *Some methods of speeding up the convergence of iteration
//!   methods*, USSR Computational Mathematics and Mathematical Physics 4(5)
//!   (1964), 1–17.
//! - Y. Nesterov, *A method of solving a convex programming problem with
//!   convergence rate O(1/k²)*, Soviet Mathematics Doklady 27 (1983), 372–376.
//! - I. Sutskever, J. Martens, G. Dahl and G. Hinton, *On the importance of
//!   initialization and momentum in deep learning*, ICML 2013.
//! - D. P. Kingma and J. Ba, *Adam: A Method for Stochastic Optimization*,
//!   ICLR 2015 (arXiv:1412.6980).
//! - T. Tieleman and G. Hinton, lecture 6.5 (slides 6e), Coursera, *Neural
//!   Networks for Machine Learning* (2012): RMSprop, and ways of combining it with
//!   momentum.

mod adam;
mod heavy_ball;
mod rmsprop_momentum;

pub use adam::{
    Adam, AdamConfig, AmsGrad, EpsilonTiming, KERAS_ADAMW_DECAY, OPTAX_ADAMW_DECAY,
    PYTORCH_ADAMW_DECAY, adamw, bias_correction, epsilon_for_step, last_second_moment,
    running_maximum, second_moment_for_step,
};
pub use heavy_ball::{Momentum, MomentumConfig};
pub use rmsprop_momentum::{RmsPropMomentum, RmsPropMomentumConfig};

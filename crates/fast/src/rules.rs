//! The update rules, written once for any [`Lanes`]: the readable loops' bodies.
//!
//! Each rule takes one weight w, its gradient g and the optimizer's state at that
//! weight (none for gradient descent, one array for Adagrad, RMSprop and momentum,
//! two for RMSprop with momentum and Adam) and returns the new w and state. The
//! operations are those of the course crates, in the same order, so that with
//! `V = f64` a rule computes the same bits as the readable `step`, and with a
//! SIMD `V` it computes them in every lane. Where the readable code calls a helper
//! (`running_average`, `ScaledStep::delta`), the helper is written out here with
//! the same operations.
//!
//! Settings that choose between two formulas (ε inside or outside the root,
//! Nesterov or not, where AMSGrad takes its maximum) are `const` parameters, so each variant is its own loop with
//! no branch inside.

use crate::lanes::Lanes;
use crate::plan::{MIN_PER_THREAD_DIVIDING, MIN_PER_THREAD_LIGHT};

/// An element-wise update with `S` state arrays: (w, g, state) ↦ (w, state).
pub(crate) trait Rule<const S: usize>: Sync {
    /// The fewest elements worth a thread of their own (see `plan`).
    const MIN_PER_THREAD: usize;

    /// The update of `V::WIDTH` weights at once.
    fn apply<V: Lanes>(&self, w: V, g: V, state: [V; S]) -> (V, [V; S]);
}

// ANCHOR: scaled
/// √(G + ε), or √G + ε with ε outside the root: `ScaledStep::denominator`.
#[inline(always)]
fn denominator<V: Lanes, const INSIDE: bool>(big_g: V, epsilon: V) -> V {
    if INSIDE { (big_g + epsilon).sqrt() } else { big_g.sqrt() + epsilon }
}

/// η·g / d where d > 0, else 0: `ScaledStep::delta`.
#[inline(always)]
fn delta<V: Lanes, const INSIDE: bool>(eta: V, epsilon: V, g: V, big_g: V) -> V {
    let d = denominator::<V, INSIDE>(big_g, epsilon);
    (eta * g / d).where_positive(d)
}

/// g / d where d > 0, else 0: `ScaledStep::scaled_gradient`.
#[inline(always)]
fn scaled_gradient<V: Lanes, const INSIDE: bool>(epsilon: V, g: V, big_g: V) -> V {
    let d = denominator::<V, INSIDE>(big_g, epsilon);
    (g / d).where_positive(d)
}

/// γ·G + (1 − γ)·g², with 1 − γ computed once: `rmsprop::running_average`.
#[inline(always)]
fn running_average<V: Lanes>(gamma: V, one_minus_gamma: V, big_g: V, g: V) -> V {
    gamma * big_g + one_minus_gamma * g * g
}
// ANCHOR_END: scaled

/// Gradient descent: w ← w − η·g.
pub(crate) struct GdRule {
    pub eta: f64,
}

impl Rule<0> for GdRule {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_LIGHT;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, _: [V; 0]) -> (V, [V; 0]) {
        (w - V::splat(self.eta) * g, [])
    }
}

/// Adagrad: G ← G + g², w ← w − η·g/√(G + ε).
pub(crate) struct AdagradRule<const INSIDE: bool> {
    pub eta: f64,
    pub epsilon: f64,
}

impl<const INSIDE: bool> Rule<1> for AdagradRule<INSIDE> {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_DIVIDING;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, [big_g]: [V; 1]) -> (V, [V; 1]) {
        let (eta, epsilon) = (V::splat(self.eta), V::splat(self.epsilon));
        let big_g = big_g + g * g;
        (w - delta::<V, INSIDE>(eta, epsilon, g, big_g), [big_g])
    }
}

// ANCHOR: rmsprop_rule
/// RMSprop: G ← γ·G + (1 − γ)·g², w ← w − η·g/√(G + ε).
pub(crate) struct RmsPropRule<const INSIDE: bool> {
    pub eta: f64,
    pub epsilon: f64,
    pub gamma: f64,
}

impl<const INSIDE: bool> Rule<1> for RmsPropRule<INSIDE> {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_DIVIDING;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, [big_g]: [V; 1]) -> (V, [V; 1]) {
        let (eta, epsilon) = (V::splat(self.eta), V::splat(self.epsilon));
        let (gamma, one_minus_gamma) = (V::splat(self.gamma), V::splat(1.0 - self.gamma));
        let big_g = running_average(gamma, one_minus_gamma, big_g, g);
        (w - delta::<V, INSIDE>(eta, epsilon, g, big_g), [big_g])
    }
}
// ANCHOR_END: rmsprop_rule

/// Heavy ball, v ← β·v + g, w ← w − η·v; or Nesterov's w ← w − η·(g + β·v).
pub(crate) struct MomentumRule<const NESTEROV: bool> {
    pub eta: f64,
    pub beta: f64,
}

impl<const NESTEROV: bool> Rule<1> for MomentumRule<NESTEROV> {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_LIGHT;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, [v]: [V; 1]) -> (V, [V; 1]) {
        let (eta, beta) = (V::splat(self.eta), V::splat(self.beta));
        let v = beta * v + g;
        let direction = if NESTEROV { g + beta * v } else { v };
        (w - eta * direction, [v])
    }
}

/// RMSprop with momentum: G as RMSprop, b ← μ·b + g/√(G + ε), w ← w − η·b.
pub(crate) struct RmsPropMomentumRule<const INSIDE: bool> {
    pub eta: f64,
    pub epsilon: f64,
    pub gamma: f64,
    pub mu: f64,
}

impl<const INSIDE: bool> Rule<2> for RmsPropMomentumRule<INSIDE> {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_DIVIDING;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, [big_g, b]: [V; 2]) -> (V, [V; 2]) {
        let (eta, epsilon, mu) = (V::splat(self.eta), V::splat(self.epsilon), V::splat(self.mu));
        let (gamma, one_minus_gamma) = (V::splat(self.gamma), V::splat(1.0 - self.gamma));
        let big_g = running_average(gamma, one_minus_gamma, big_g, g);
        let b = mu * b + scaled_gradient::<V, INSIDE>(epsilon, g, big_g);
        (w - eta * b, [big_g, b])
    }
}

/// Adam: m ← β₁·m + (1 − β₁)·g, G as RMSprop with γ = β₂, and the scaled step of
/// m̂ = m·(1/(1 − β₁ᵗ)) and Ĝ = G·(1/(1 − β₂ᵗ)), the reciprocals computed once a
/// step by the caller, as the readable step does.
pub(crate) struct AdamRule<const INSIDE: bool> {
    pub eta: f64,
    pub epsilon: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub unbias1: f64,
    pub unbias2: f64,
}

impl<const INSIDE: bool> Rule<2> for AdamRule<INSIDE> {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_DIVIDING;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, [m, big_g]: [V; 2]) -> (V, [V; 2]) {
        let (eta, epsilon) = (V::splat(self.eta), V::splat(self.epsilon));
        let (beta1, one_minus_beta1) = (V::splat(self.beta1), V::splat(1.0 - self.beta1));
        let (beta2, one_minus_beta2) = (V::splat(self.beta2), V::splat(1.0 - self.beta2));
        let m = beta1 * m + one_minus_beta1 * g;
        let big_g = running_average(beta2, one_minus_beta2, big_g, g);
        let (m_hat, big_g_hat) = (m * V::splat(self.unbias1), big_g * V::splat(self.unbias2));
        (w - delta::<V, INSIDE>(eta, epsilon, m_hat, big_g_hat), [m, big_g])
    }
}

/// AMSGrad: Adam with a running maximum of the second moment, taken of G and
/// then corrected (PyTorch, `AFTER = false`) or of the corrected Ĝ (optax,
/// `AFTER = true`): `momentum::running_maximum`.
pub(crate) struct AmsGradRule<const INSIDE: bool, const AFTER: bool> {
    pub adam: AdamRule<INSIDE>,
}

impl<const INSIDE: bool, const AFTER: bool> Rule<3> for AmsGradRule<INSIDE, AFTER> {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_DIVIDING;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, [m, big_g, maximum]: [V; 3]) -> (V, [V; 3]) {
        let adam = &self.adam;
        let (eta, epsilon) = (V::splat(adam.eta), V::splat(adam.epsilon));
        let (beta1, one_minus_beta1) = (V::splat(adam.beta1), V::splat(1.0 - adam.beta1));
        let (beta2, one_minus_beta2) = (V::splat(adam.beta2), V::splat(1.0 - adam.beta2));
        let unbias2 = V::splat(adam.unbias2);
        let m = beta1 * m + one_minus_beta1 * g;
        let big_g = running_average(beta2, one_minus_beta2, big_g, g);
        let (maximum, big_g_hat) = if AFTER {
            let maximum = maximum.max(big_g * unbias2);
            (maximum, maximum)
        } else {
            let maximum = maximum.max(big_g);
            (maximum, maximum * unbias2)
        };
        let m_hat = m * V::splat(adam.unbias1);
        (w - delta::<V, INSIDE>(eta, epsilon, m_hat, big_g_hat), [m, big_g, maximum])
    }
}

/// The running variance G − ḡ², never below 0: `rmsprop::centered_variance`.
#[inline(always)]
fn centered_variance<V: Lanes>(big_g: V, mean: V) -> V {
    (big_g - mean * mean).max(V::splat(0.0))
}

/// Centered RMSprop without momentum: G and ḡ as running averages of g² and g,
/// w ← w − η·g/√(G − ḡ² + ε).
pub(crate) struct CenteredRule<const INSIDE: bool> {
    pub eta: f64,
    pub epsilon: f64,
    pub gamma: f64,
}

impl<const INSIDE: bool> Rule<2> for CenteredRule<INSIDE> {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_DIVIDING;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, [big_g, mean]: [V; 2]) -> (V, [V; 2]) {
        let (eta, epsilon) = (V::splat(self.eta), V::splat(self.epsilon));
        let (gamma, one_minus_gamma) = (V::splat(self.gamma), V::splat(1.0 - self.gamma));
        let big_g = running_average(gamma, one_minus_gamma, big_g, g);
        let mean = gamma * mean + one_minus_gamma * g;
        let variance = centered_variance(big_g, mean);
        (w - delta::<V, INSIDE>(eta, epsilon, g, variance), [big_g, mean])
    }
}

/// Centered RMSprop with momentum: b ← μ·b + g/√(G − ḡ² + ε), w ← w − η·b.
pub(crate) struct CenteredMomentumRule<const INSIDE: bool> {
    pub eta: f64,
    pub epsilon: f64,
    pub gamma: f64,
    pub mu: f64,
}

impl<const INSIDE: bool> Rule<3> for CenteredMomentumRule<INSIDE> {
    const MIN_PER_THREAD: usize = MIN_PER_THREAD_DIVIDING;

    #[inline(always)]
    fn apply<V: Lanes>(&self, w: V, g: V, [big_g, mean, b]: [V; 3]) -> (V, [V; 3]) {
        let (eta, epsilon, mu) = (V::splat(self.eta), V::splat(self.epsilon), V::splat(self.mu));
        let (gamma, one_minus_gamma) = (V::splat(self.gamma), V::splat(1.0 - self.gamma));
        let big_g = running_average(gamma, one_minus_gamma, big_g, g);
        let mean = gamma * mean + one_minus_gamma * g;
        let variance = centered_variance(big_g, mean);
        let b = mu * b + scaled_gradient::<V, INSIDE>(epsilon, g, variance);
        (w - eta * b, [big_g, mean, b])
    }
}

//! The course's optimizers, bit for bit, at the speed of the machine.
//!
//! The course crates keep each optimizer's `step` as the book shows it: one loop,
//! one weight at a time, in the order the formula reads. That loop is the
//! reference, and it is not slow, but it leaves most of a modern CPU idle: the
//! compiler vectorizes it only as wide as the oldest x86-64 CPU allows (two f64
//! per instruction), and it runs on one core. This crate gives each optimizer a
//! second `step` that computes **the same bits** faster:
//!
//! - the update rule is written once for any number of SIMD lanes ([`Isa`]), and
//!   the widest instruction set the CPU has (AVX on most x86-64 CPUs since 2011)
//!   is chosen when the program runs, not when it is compiled;
//! - each array is read once and written once, in one fused pass;
//! - a large step is split across cores with scoped threads ([`Plan`]); a small
//!   one stays on one thread, where starting a thread would cost more than it saves.
//!
//! None of this changes a result. A step updates each weight from its own
//! gradient and state only; a SIMD lane adds, multiplies, divides and takes square
//! roots exactly as scalar code does (IEEE 754, correctly rounded); and nothing
//! here fuses a multiply into an add, approximates a reciprocal root or reorders a
//! sum. The property tests in `tests/` check it: every optimizer, preset and ε
//! placement, on every instruction set and thread count, against the readable
//! step, bit for bit.
//!
//! ```
//! use gd::Optimizer;
//! use rmsprop::RmsPropConfig;
//!
//! let mut readable = RmsPropConfig::pytorch(0.01).build(3)?;
//! let mut fast = fast::FastRmsProp::new(RmsPropConfig::pytorch(0.01), 3)?;
//! let (mut w, mut v) = (vec![1.0, -2.0, 3.0], vec![1.0, -2.0, 3.0]);
//! readable.step(&mut w, &[0.5, 1e-300, -4.0]);
//! fast.step(&mut v, &[0.5, 1e-300, -4.0]);
//! assert_eq!(w, v);
//! # Ok::<(), gd::HyperParameterError>(())
//! ```
//!
//! Every type takes the settings of its course crate (`RmsPropConfig`, …), or
//! converts from a readable optimizer with its state (`FastRmsProp::from(rmsprop)`),
//! and implements `gd::Optimizer`, so it runs in `gd::minimize` like any other.
//!
//! There is no AVX-512 loop: the machine this was written on has no AVX-512 and
//! its bits could not be checked there. A 512-bit lane type is one more `impl`
//! in `lanes.rs` and one more arm in `dispatch::kernel`; the property tests
//! would then check it on every CPU that has it.
//!
//! ## Requirements
//! Nothing beyond the course crates' own: finite gradients. The crate is std-only.
//! It uses `unsafe` in two modules, for SIMD loads and stores and for calling the
//! AVX loop after the CPU said it has AVX; each block says why it holds.

mod dispatch;
mod lanes;
mod optimizers;
mod plan;
mod rules;

pub use dispatch::Isa;
pub use optimizers::Fast;
pub use optimizers::{
    FastAdagrad, FastAdam, FastCenteredRmsProp, FastGradientDescent, FastMomentum, FastRmsProp,
    FastRmsPropMomentum,
};
pub use plan::{MIN_PER_THREAD_DIVIDING, MIN_PER_THREAD_LIGHT, Plan};

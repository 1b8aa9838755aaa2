//! The loop over the arrays, and the choice of its instruction set at run time.
//!
//! [`sweep`] runs a [`Rule`] over every weight: `V::WIDTH` weights at a time
//! while a whole group is left, then the rest one at a time with `V = f64`. Each
//! array is read once and written once, in one pass. [`kernel`] picks the widest
//! lanes the CPU has: the same generic loop is compiled three times, once for
//! plain f64, once for SSE2 (every x86-64 CPU) and once inside a function marked
//! `#[target_feature(enable = "avx")]`, where the compiler may use AVX
//! instructions, and which may be called only after the CPU said it has them.
#![allow(unsafe_code)]

use crate::lanes::Lanes;
use crate::rules::Rule;

/// An instruction set the fast loops can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Isa {
    /// Plain f64, one weight at a time, on any CPU (the compiler may still
    /// vectorize it for the target's baseline).
    Portable,
    /// SSE2: two f64 per instruction; part of every x86-64 CPU.
    Sse2,
    /// AVX: four f64 per instruction, when the CPU has it.
    Avx,
}

impl Isa {
    /// Every instruction set this CPU can run, narrowest first.
    pub fn available() -> Vec<Isa> {
        [Isa::Portable, Isa::Sse2, Isa::Avx].into_iter().filter(|isa| isa.is_available()).collect()
    }

    /// The widest instruction set this CPU can run.
    pub fn best() -> Isa {
        *Self::available().last().unwrap_or(&Isa::Portable)
    }

    /// Whether this CPU can run `self`.
    pub fn is_available(self) -> bool {
        match self {
            Isa::Portable => true,
            Isa::Sse2 => cfg!(target_arch = "x86_64"),
            Isa::Avx => has_avx(),
        }
    }

    /// A short name: "portable", "SSE2", "AVX".
    pub fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            Isa::Sse2 => "SSE2",
            Isa::Avx => "AVX",
        }
    }
}

// ANCHOR: detect
/// Whether the CPU has AVX. The standard library asks the CPU (`cpuid`) once and
/// caches the answer, so this costs a load and a test.
#[inline]
fn has_avx() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}
// ANCHOR_END: detect

// ANCHOR: sweep
/// Applies `rule` to every weight, `V::WIDTH` at a time, then the tail one by one.
///
/// The caller has checked that `w`, `g` and every state array have one length.
#[inline(always)]
fn sweep<V: Lanes, R: Rule<S>, const S: usize>(
    rule: &R,
    w: &mut [f64],
    g: &[f64],
    mut state: [&mut [f64]; S],
) {
    let n = w.len();
    let body = n - n % V::WIDTH;
    let (w_at, g_at) = (w.as_mut_ptr(), g.as_ptr());
    let state_at: [*mut f64; S] = std::array::from_fn(|k| state[k].as_mut_ptr());
    let mut i = 0;
    while i < body {
        // SAFETY: i + WIDTH ≤ body ≤ n, and every array holds n elements, so each
        // access reads or writes inside its array; the arrays are distinct
        // borrows, so no write lands in another array.
        unsafe {
            let (w_i, g_i) = (V::load(w_at.add(i)), V::load(g_at.add(i)));
            let s_i = state_at.map(|s| V::load(s.add(i)));
            let (w_i, s_i) = rule.apply(w_i, g_i, s_i);
            w_i.store(w_at.add(i));
            for (s, value) in state_at.iter().zip(s_i) {
                value.store(s.add(i));
            }
        }
        i += V::WIDTH;
    }
    for i in body..n {
        let (w_i, s_i) = rule.apply::<f64>(w[i], g[i], std::array::from_fn(|k| state[k][i]));
        w[i] = w_i;
        for (s, value) in state.iter_mut().zip(s_i) {
            s[i] = value;
        }
    }
}
// ANCHOR_END: sweep

// ANCHOR: kernel
/// Runs `rule` over the arrays with the lanes of `isa`, or plain f64 where this
/// CPU cannot run `isa`.
pub(crate) fn kernel<R: Rule<S>, const S: usize>(
    isa: Isa,
    rule: &R,
    w: &mut [f64],
    g: &[f64],
    state: [&mut [f64]; S],
) {
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx if has_avx() => {
            // SAFETY: the guard just checked that the CPU has AVX.
            unsafe { sweep_avx(rule, w, g, state) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Sse2 => sweep::<crate::lanes::Sse2, R, S>(rule, w, g, state),
        _ => sweep::<f64, R, S>(rule, w, g, state),
    }
}

/// [`sweep`] with four AVX lanes, compiled with AVX enabled.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn sweep_avx<R: Rule<S>, const S: usize>(
    rule: &R,
    w: &mut [f64],
    g: &[f64],
    state: [&mut [f64]; S],
) {
    sweep::<crate::lanes::Avx, R, S>(rule, w, g, state);
}
// ANCHOR_END: kernel

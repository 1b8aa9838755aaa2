//! Lanes: one f64, or several side by side in a SIMD register.
//!
//! Every update rule of this crate is written once, for any type `V: Lanes`, with
//! the same operators as the course's readable loops (`+`, `-`, `*`, `/`, `sqrt`).
//! With `V = f64` a rule *is* the readable loop's body; with `V = Avx` the same
//! text does the same operations on four weights at once. Each lane of a SIMD add,
//! multiply, divide or square root is the IEEE-754 operation, correctly rounded,
//! that the scalar instruction does: no lane sees its neighbours, so nothing is
//! reordered and every lane's bits are the scalar bits. What this module must not
//! do is as important: no fused multiply-add (one rounding where the readable loop
//! has two) and no reciprocal-square-root estimate (12 bits, not 53).
//!
//! ## Safety
//! A value of an x86 lane type ([`Sse2`], [`Avx`]) is only ever made inside a
//! function that runs with that instruction set enabled, after the CPU was asked
//! (see `dispatch`): SSE2 is part of every x86-64 CPU, and the `Avx` kernel is only
//! entered after `is_x86_feature_detected!("avx")`. The types are private to this
//! crate, so no one else can make one. Each operation below relies on that.
#![allow(unsafe_code)]

use std::ops::{Add, Div, Mul, Sub};

// ANCHOR: lanes
/// A number of f64 lanes that add, subtract, multiply, divide and take square
/// roots lane by lane, each lane exactly as scalar f64 arithmetic does.
pub(crate) trait Lanes:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// How many f64 lanes.
    const WIDTH: usize;

    /// `x` in every lane.
    fn splat(x: f64) -> Self;

    /// The correctly rounded square root of each lane.
    fn sqrt(self) -> Self;

    /// Each lane of `self` where that lane of `test` is > 0, and +0 where it is
    /// not (≤ 0 or NaN): `if test > 0.0 { self } else { 0.0 }`.
    fn where_positive(self, test: Self) -> Self;

    /// The larger of each pair of lanes, as `f64::max`: where one lane of the pair
    /// is NaN, the other. (A pair of +0 and −0 may give either zero, as
    /// `f64::max` may; the rules take maxima of running averages of squares,
    /// which are never −0.)
    fn max(self, other: Self) -> Self;

    /// Reads `WIDTH` consecutive f64 from `from`.
    ///
    /// # Safety
    /// `from .. from + WIDTH` must be valid for reads.
    unsafe fn load(from: *const f64) -> Self;

    /// Writes the lanes to `WIDTH` consecutive f64 at `to`.
    ///
    /// # Safety
    /// `to .. to + WIDTH` must be valid for writes.
    unsafe fn store(self, to: *mut f64);
}
// ANCHOR_END: lanes

/// One lane: plain f64, the readable loop's own arithmetic.
impl Lanes for f64 {
    const WIDTH: usize = 1;

    #[inline(always)]
    fn splat(x: f64) -> Self {
        x
    }

    #[inline(always)]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }

    #[inline(always)]
    fn where_positive(self, test: Self) -> Self {
        if test > 0.0 { self } else { 0.0 }
    }

    #[inline(always)]
    fn max(self, other: Self) -> Self {
        f64::max(self, other)
    }

    #[inline(always)]
    unsafe fn load(from: *const f64) -> Self {
        // SAFETY: the caller promises that `from` is valid for reads.
        unsafe { from.read() }
    }

    #[inline(always)]
    unsafe fn store(self, to: *mut f64) {
        // SAFETY: the caller promises that `to` is valid for writes.
        unsafe { to.write(self) }
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::{Avx, Sse2};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;
    use std::ops::{Add, Div, Mul, Sub};

    use super::Lanes;

    /// Two f64 lanes in an SSE2 register: every x86-64 CPU has them.
    #[derive(Clone, Copy)]
    pub(crate) struct Sse2(__m128d);

    impl Lanes for Sse2 {
        const WIDTH: usize = 2;

        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: every x86-64 CPU has SSE2.
            Self(unsafe { _mm_set1_pd(x) })
        }

        #[inline(always)]
        fn sqrt(self) -> Self {
            // SAFETY: every x86-64 CPU has SSE2.
            Self(unsafe { _mm_sqrt_pd(self.0) })
        }

        #[inline(always)]
        fn where_positive(self, test: Self) -> Self {
            // SAFETY: every x86-64 CPU has SSE2. `cmpgt` is false for NaN, and an
            // all-zero mask gives +0.
            Self(unsafe { _mm_and_pd(_mm_cmpgt_pd(test.0, _mm_setzero_pd()), self.0) })
        }

        #[inline(always)]
        fn max(self, other: Self) -> Self {
            // SAFETY: every x86-64 CPU has SSE2. `max(other, self)` gives `self` where
            // either is NaN; where `self` is NaN, `other` is taken instead.
            Self(unsafe {
                let larger = _mm_max_pd(other.0, self.0);
                let self_is_nan = _mm_cmpunord_pd(self.0, self.0);
                _mm_or_pd(_mm_and_pd(self_is_nan, other.0), _mm_andnot_pd(self_is_nan, larger))
            })
        }

        #[inline(always)]
        unsafe fn load(from: *const f64) -> Self {
            // SAFETY: the caller promises two readable f64 at `from`; `loadu` needs
            // no alignment.
            Self(unsafe { _mm_loadu_pd(from) })
        }

        #[inline(always)]
        unsafe fn store(self, to: *mut f64) {
            // SAFETY: the caller promises two writable f64 at `to`; `storeu` needs
            // no alignment.
            unsafe { _mm_storeu_pd(to, self.0) }
        }
    }

    impl Add for Sse2 {
        type Output = Self;
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            // SAFETY: every x86-64 CPU has SSE2.
            Self(unsafe { _mm_add_pd(self.0, other.0) })
        }
    }

    impl Sub for Sse2 {
        type Output = Self;
        #[inline(always)]
        fn sub(self, other: Self) -> Self {
            // SAFETY: every x86-64 CPU has SSE2.
            Self(unsafe { _mm_sub_pd(self.0, other.0) })
        }
    }

    impl Mul for Sse2 {
        type Output = Self;
        #[inline(always)]
        fn mul(self, other: Self) -> Self {
            // SAFETY: every x86-64 CPU has SSE2.
            Self(unsafe { _mm_mul_pd(self.0, other.0) })
        }
    }

    impl Div for Sse2 {
        type Output = Self;
        #[inline(always)]
        fn div(self, other: Self) -> Self {
            // SAFETY: every x86-64 CPU has SSE2.
            Self(unsafe { _mm_div_pd(self.0, other.0) })
        }
    }

    // ANCHOR: avx
    /// Four f64 lanes in an AVX register. A value of this type exists only in
    /// code that runs after `is_x86_feature_detected!("avx")` said yes.
    #[derive(Clone, Copy)]
    pub(crate) struct Avx(__m256d);

    impl Add for Avx {
        type Output = Self;
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            // SAFETY: an `Avx` exists only where the CPU has AVX (module doc).
            Self(unsafe { _mm256_add_pd(self.0, other.0) })
        }
    }
    // ANCHOR_END: avx

    impl Sub for Avx {
        type Output = Self;
        #[inline(always)]
        fn sub(self, other: Self) -> Self {
            // SAFETY: an `Avx` exists only where the CPU has AVX (module doc).
            Self(unsafe { _mm256_sub_pd(self.0, other.0) })
        }
    }

    impl Mul for Avx {
        type Output = Self;
        #[inline(always)]
        fn mul(self, other: Self) -> Self {
            // SAFETY: an `Avx` exists only where the CPU has AVX (module doc).
            Self(unsafe { _mm256_mul_pd(self.0, other.0) })
        }
    }

    impl Div for Avx {
        type Output = Self;
        #[inline(always)]
        fn div(self, other: Self) -> Self {
            // SAFETY: an `Avx` exists only where the CPU has AVX (module doc).
            Self(unsafe { _mm256_div_pd(self.0, other.0) })
        }
    }

    impl Lanes for Avx {
        const WIDTH: usize = 4;

        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: called only by the AVX kernel, which runs only where the CPU
            // has AVX (module doc).
            Self(unsafe { _mm256_set1_pd(x) })
        }

        #[inline(always)]
        fn sqrt(self) -> Self {
            // SAFETY: an `Avx` exists only where the CPU has AVX (module doc).
            Self(unsafe { _mm256_sqrt_pd(self.0) })
        }

        #[inline(always)]
        fn where_positive(self, test: Self) -> Self {
            // SAFETY: an `Avx` exists only where the CPU has AVX (module doc).
            // Ordered, quiet "greater than": false for NaN, like `test > 0.0`.
            Self(unsafe {
                _mm256_and_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(test.0, _mm256_setzero_pd()), self.0)
            })
        }

        #[inline(always)]
        fn max(self, other: Self) -> Self {
            // SAFETY: an `Avx` exists only where the CPU has AVX (module doc).
            // `max(other, self)` gives `self` where either is NaN; where `self` is
            // NaN, `other` is taken instead.
            Self(unsafe {
                let larger = _mm256_max_pd(other.0, self.0);
                let self_is_nan = _mm256_cmp_pd::<_CMP_UNORD_Q>(self.0, self.0);
                _mm256_blendv_pd(larger, other.0, self_is_nan)
            })
        }

        #[inline(always)]
        unsafe fn load(from: *const f64) -> Self {
            // SAFETY: the caller promises four readable f64 at `from` and calls this
            // only in the AVX kernel; `loadu` needs no alignment.
            Self(unsafe { _mm256_loadu_pd(from) })
        }

        #[inline(always)]
        unsafe fn store(self, to: *mut f64) {
            // SAFETY: the caller promises four writable f64 at `to`; `self` exists
            // only where the CPU has AVX; `storeu` needs no alignment.
            unsafe { _mm256_storeu_pd(to, self.0) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lanes;
    use crate::dispatch::{Isa, kernel};
    use crate::rules::Rule;

    /// w ← max(w, g), lane by lane.
    struct Larger;

    impl Rule<0> for Larger {
        const MIN_PER_THREAD: usize = 1;

        fn apply<V: Lanes>(&self, w: V, g: V, _: [V; 0]) -> (V, [V; 0]) {
            (w.max(g), [])
        }
    }

    #[test]
    fn every_instruction_sets_max_is_f64_max_nan_included() {
        let values = [0.0, 1.0, -1.0, 2.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e-310];
        let pairs: Vec<(f64, f64)> =
            values.iter().flat_map(|&a| values.iter().map(move |&b| (a, b))).collect();
        let expected: Vec<u64> = pairs.iter().map(|&(a, b)| f64::max(a, b).to_bits()).collect();
        for isa in Isa::available() {
            let mut w: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let g: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            kernel(isa, &Larger, &mut w, &g, []);
            let got: Vec<u64> = w.iter().map(|x| x.to_bits()).collect();
            assert_eq!(got, expected, "{isa:?}: max differs from f64::max");
        }
    }
}

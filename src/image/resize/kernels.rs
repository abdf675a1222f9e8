//! The two convolution passes over interleaved RGB8 rows, in Pillow's 22-bit fixed point.
//!
//! Each kernel is written once as an `#[inline(always)]` generic body and instantiated per
//! instruction set behind one runtime dispatch ([`Backend`]): the scalar instantiation is
//! the portable baseline, the AVX2 one is the same source compiled with AVX2 enabled (LLVM
//! vectorises the fixed-width inner loops). Wheels therefore stay portable (no
//! `target-cpu=native`) while modern x86 CPUs get the wide code paths.

use super::coeffs::{Coeffs, HALF, PRECISION_BITS};

/// Pillow's `clip8`: arithmetic shift, then clamp into 0..=255.
#[inline(always)]
fn clip8(acc: i32) -> u8 {
    (acc >> PRECISION_BITS).clamp(0, 255) as u8
}

/// Instruction set chosen once per process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl Backend {
    pub(crate) fn detect() -> Backend {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") {
                return Backend::Avx2;
            }
        }
        Backend::Scalar
    }
}

/// Bytes of one row processed per block of the vertical pass (accumulators stay in
/// registers across all taps of a block).
const VBLOCK: usize = 32;

/// Vertical pass for output rows `rows` of `dst` (tightly packed, `row_len` bytes each).
/// `src` holds the source rows (same `row_len`); `row_offset` is subtracted from the
/// coefficient start rows (Pillow's `ybox_first` shift).
#[inline(always)]
fn vertical_body(src: &[u8], row_len: usize, row_offset: usize, c: &Coeffs, dst: &mut [u8]) {
    for (yy, out) in dst.chunks_exact_mut(row_len).enumerate() {
        let k = c.taps(yy);
        let first = (c.start[yy] - row_offset) * row_len;
        let window = &src[first..first + c.ksize * row_len];
        let mut x = 0;
        while x + VBLOCK <= row_len {
            let mut acc = [HALF; VBLOCK];
            for (t, &w) in k.iter().enumerate() {
                let s: &[u8; VBLOCK] = window[t * row_len + x..][..VBLOCK].try_into().unwrap();
                for i in 0..VBLOCK {
                    acc[i] += i32::from(s[i]) * w;
                }
            }
            for i in 0..VBLOCK {
                out[x + i] = clip8(acc[i]);
            }
            x += VBLOCK;
        }
        for (xi, o) in out.iter_mut().enumerate().skip(x) {
            let mut acc = HALF;
            for (t, &w) in k.iter().enumerate() {
                acc += i32::from(window[t * row_len + xi]) * w;
            }
            *o = clip8(acc);
        }
    }
}

/// Horizontal pass: each row of `src` (`in_w` RGB pixels) becomes a row of `dst`
/// (`c.out_size` pixels).
#[inline(always)]
fn horizontal_body(src: &[u8], in_w: usize, c: &Coeffs, dst: &mut [u8]) {
    let in_len = in_w * 3;
    let out_len = c.out_size * 3;
    for (row, out) in src.chunks_exact(in_len).zip(dst.chunks_exact_mut(out_len)) {
        for (xx, o) in out.chunks_exact_mut(3).enumerate() {
            let k = c.taps(xx);
            let px = &row[c.start[xx] * 3..][..c.ksize * 3];
            let (mut r, mut g, mut b) = (HALF, HALF, HALF);
            for (p, &w) in px.chunks_exact(3).zip(k) {
                r += i32::from(p[0]) * w;
                g += i32::from(p[1]) * w;
                b += i32::from(p[2]) * w;
            }
            o[0] = clip8(r);
            o[1] = clip8(g);
            o[2] = clip8(b);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;

    /// # Safety
    /// The CPU must support AVX2 (checked by `Backend::detect`).
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn vertical(
        src: &[u8],
        row_len: usize,
        row_offset: usize,
        c: &Coeffs,
        dst: &mut [u8],
    ) {
        vertical_body(src, row_len, row_offset, c, dst)
    }

    /// # Safety
    /// The CPU must support AVX2 (checked by `Backend::detect`).
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn horizontal(src: &[u8], in_w: usize, c: &Coeffs, dst: &mut [u8]) {
        horizontal_body(src, in_w, c, dst)
    }
}

pub(crate) fn vertical(
    backend: Backend,
    src: &[u8],
    row_len: usize,
    row_offset: usize,
    c: &Coeffs,
    dst: &mut [u8],
) {
    match backend {
        Backend::Scalar => vertical_body(src, row_len, row_offset, c, dst),
        // SAFETY: `Backend::Avx2` is only constructed after runtime AVX2 detection.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2 => unsafe { avx2::vertical(src, row_len, row_offset, c, dst) },
    }
}

pub(crate) fn horizontal(backend: Backend, src: &[u8], in_w: usize, c: &Coeffs, dst: &mut [u8]) {
    match backend {
        Backend::Scalar => horizontal_body(src, in_w, c, dst),
        // SAFETY: `Backend::Avx2` is only constructed after runtime AVX2 detection.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2 => unsafe { avx2::horizontal(src, in_w, c, dst) },
    }
}

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

    /// Vertical pass: 32 bytes of a row at a time, zero-extended to i32 and multiplied by
    /// the full 22-bit weight (`pmulld`), so the sums are Pillow's exactly; the four
    /// accumulators stay in registers across all taps.
    ///
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
        use std::arch::x86_64::*;
        let half = _mm256_set1_epi32(HALF);
        // packs/packus work within 128-bit lanes; this restores byte order.
        let order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        for (yy, out) in dst.chunks_exact_mut(row_len).enumerate() {
            let k = c.taps(yy);
            let first = (c.start[yy] - row_offset) * row_len;
            let window = &src[first..first + c.ksize * row_len];
            let mut x = 0;
            while x + 32 <= row_len {
                let mut acc = [half; 4];
                for (t, &w) in k.iter().enumerate() {
                    let wv = _mm256_set1_epi32(w);
                    let line = &window[t * row_len + x..][..32];
                    for (j, a) in acc.iter_mut().enumerate() {
                        // SAFETY: `line` has 32 bytes; this reads bytes 8j..8j+8.
                        let p = _mm_loadl_epi64(line.as_ptr().add(8 * j) as *const __m128i);
                        let p = _mm256_cvtepu8_epi32(p);
                        *a = _mm256_add_epi32(*a, _mm256_mullo_epi32(p, wv));
                    }
                }
                let s: [__m256i; 4] =
                    acc.map(|a| _mm256_srai_epi32::<{ PRECISION_BITS as i32 }>(a));
                // Saturating packs i32 -> i16 -> u8 clamp to 0..=255 like Pillow's clip8.
                let w01 = _mm256_packs_epi32(s[0], s[1]);
                let w23 = _mm256_packs_epi32(s[2], s[3]);
                let b = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(w01, w23), order);
                // SAFETY: out[x..x + 32] is in bounds (x + 32 <= row_len); unaligned store.
                _mm256_storeu_si256(out[x..x + 32].as_mut_ptr() as *mut __m256i, b);
                x += 32;
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

    /// Horizontal pass with `pmaddwd`. Pillow's weights have 22 fractional bits, too wide
    /// for 16-bit multiplies, so each weight is split exactly as `k = kh * 2^11 + kl` with
    /// `0 <= kl < 2^11`; `sum(p * kh) * 2^11 + sum(p * kl)` is the same integer as Pillow's
    /// `sum(p * k)` (no intermediate can overflow: |p * kh| < 2^20 per term). Each 256-bit
    /// step covers four taps of one output pixel: two taps (R,G,B interleaved pairs) per
    /// 128-bit lane.
    ///
    /// # Safety
    /// The CPU must support AVX2 (checked by `Backend::detect`).
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn horizontal(src: &[u8], in_w: usize, c: &Coeffs, dst: &mut [u8]) {
        use std::arch::x86_64::*;
        let groups = c.ksize.div_ceil(4);
        let table = split_table(c, groups);
        let in_len = in_w * 3;
        let out_len = c.out_size * 3;
        // Lane 0 gathers taps 0,1 of the group as i16 pairs (R0,R1,G0,G1,B0,B1,0,0),
        // lane 1 taps 2,3 (bytes 6..12 of the same 16-byte load); -1 bytes read as zero.
        let shuf = _mm256_setr_epi8(
            0, -1, 3, -1, 1, -1, 4, -1, 2, -1, 5, -1, -1, -1, -1, -1, //
            6, -1, 9, -1, 7, -1, 10, -1, 8, -1, 11, -1, -1, -1, -1, -1,
        );
        // Bytes a pixel's loads touch past its window start.
        let reach = (groups - 1) * 12 + 16;
        let rows = dst.len() / out_len;
        let mut y = 0;
        // Four rows share each coefficient load and give four independent dependency chains.
        while y + 4 <= rows {
            horizontal_rows::<4>(src, y, in_len, c, &table, groups, reach, shuf, dst);
            y += 4;
        }
        while y < rows {
            horizontal_rows::<1>(src, y, in_len, c, &table, groups, reach, shuf, dst);
            y += 1;
        }
    }

    /// Rows `y0 .. y0 + R` of the horizontal pass.
    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    unsafe fn horizontal_rows<const R: usize>(
        src: &[u8],
        y0: usize,
        in_len: usize,
        c: &Coeffs,
        table: &[[[i16; 16]; 2]],
        groups: usize,
        reach: usize,
        shuf: std::arch::x86_64::__m256i,
        dst: &mut [u8],
    ) {
        use std::arch::x86_64::*;
        let out_len = c.out_size * 3;
        let half = _mm_set1_epi32(HALF);
        let last_base = (y0 + R - 1) * in_len;
        for xx in 0..c.out_size {
            let off = c.start[xx] * 3;
            if last_base + off + reach > src.len() {
                // Only the last pixels of the last rows: their 16-byte loads would run past
                // the buffer.
                for r in 0..R {
                    let base = (y0 + r) * in_len + off;
                    let px = scalar_pixel(&src[base..], c.taps(xx));
                    dst[(y0 + r) * out_len + xx * 3..][..3].copy_from_slice(&px);
                }
                continue;
            }
            let k = &table[xx * groups..][..groups];
            let mut acc_h = [_mm256_setzero_si256(); R];
            let mut acc_l = [_mm256_setzero_si256(); R];
            for (g, kg) in k.iter().enumerate() {
                // SAFETY: each table entry is 2 x 32 bytes; unaligned loads.
                let kh = _mm256_loadu_si256(kg[0].as_ptr() as *const __m256i);
                let kl = _mm256_loadu_si256(kg[1].as_ptr() as *const __m256i);
                for r in 0..R {
                    let at = (y0 + r) * in_len + off + g * 12;
                    // SAFETY: at + 16 <= last_base + off + reach <= src.len(), checked above.
                    let p = _mm_loadu_si128(src.as_ptr().add(at) as *const __m128i);
                    let px = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(p), shuf);
                    acc_h[r] = _mm256_add_epi32(acc_h[r], _mm256_madd_epi16(px, kh));
                    acc_l[r] = _mm256_add_epi32(acc_l[r], _mm256_madd_epi16(px, kl));
                }
            }
            for r in 0..R {
                let h = _mm_add_epi32(
                    _mm256_castsi256_si128(acc_h[r]),
                    _mm256_extracti128_si256::<1>(acc_h[r]),
                );
                let l = _mm_add_epi32(
                    _mm256_castsi256_si128(acc_l[r]),
                    _mm256_extracti128_si256::<1>(acc_l[r]),
                );
                let s = _mm_add_epi32(_mm_add_epi32(_mm_slli_epi32::<11>(h), l), half);
                let s = _mm_srai_epi32::<{ PRECISION_BITS as i32 }>(s);
                // Saturating packs i32 -> i16 -> u8 clamp to 0..=255 like Pillow's clip8.
                let b = _mm_packus_epi16(_mm_packs_epi32(s, s), s);
                let v = (_mm_cvtsi128_si32(b) as u32).to_le_bytes();
                dst[(y0 + r) * out_len + xx * 3..][..3].copy_from_slice(&v[..3]);
            }
        }
    }

    /// Per output pixel and group of four taps: `[kh lanes, kl lanes]` as i16, laid out to
    /// match the pixel shuffle in `horizontal` (zero for taps past `ksize`).
    fn split_table(c: &Coeffs, groups: usize) -> Vec<[[i16; 16]; 2]> {
        let mut table = Vec::with_capacity(c.out_size * groups);
        for xx in 0..c.out_size {
            let k = c.taps(xx);
            for g in 0..groups {
                let mut e = [[0i16; 16]; 2];
                for lane in 0..2 {
                    for p in 0..2 {
                        let w = k.get(4 * g + 2 * lane + p).copied().unwrap_or(0);
                        // |w| < 2^23 for every filter, so w >> 11 fits in i16.
                        let (hi, lo) = ((w >> 11) as i16, (w & 0x7ff) as i16);
                        for ch in 0..3 {
                            e[0][lane * 8 + ch * 2 + p] = hi;
                            e[1][lane * 8 + ch * 2 + p] = lo;
                        }
                    }
                }
                table.push(e);
            }
        }
        table
    }

    fn scalar_pixel(px: &[u8], k: &[i32]) -> [u8; 3] {
        let mut acc = [HALF; 3];
        for (p, &w) in px.chunks_exact(3).zip(k) {
            for ch in 0..3 {
                acc[ch] += i32::from(p[ch]) * w;
            }
        }
        acc.map(clip8)
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

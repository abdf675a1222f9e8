//! AVX-512 kernels (F, BW, VL, VBMI, VNNI): both passes as `vpdpbusd` dot products of
//! unsigned pixel bytes with signed 8-bit weight digits.
//!
//! Pillow's 22-bit weights are split exactly into balanced base-256 digits,
//! `k = d0 + d1 * 2^8 + d2 * 2^16` with every digit in `-128..=127`, so
//! `sum(p * k) = S0 + (S1 << 8) + (S2 << 16)` where `Sd = sum(p * d)`. `vpdpbusd` multiplies
//! four u8 x i8 pairs per 32-bit lane and adds them without saturation; every step (products,
//! sums, shifts) is exact modulo 2^32, and Pillow's own sum fits in an i32, so the
//! recombined value is Pillow's accumulator bit for bit even where a partial sum wraps.
//! Three instructions thus cover four taps of sixteen lanes: a third of the work of the
//! 16-bit (hi/lo split, two taps per lane) kernels, with no widening of the pixels.

use super::super::coeffs::{Coeffs, HALF, PRECISION_BITS};
use super::Out;
use std::arch::x86_64::*;

/// Balanced base-256 digits of a weight, least significant first.
fn digits(w: i32) -> [i8; 3] {
    let d0 = ((w + 128) & 0xff) - 128;
    let r = (w - d0) >> 8;
    let d1 = ((r + 128) & 0xff) - 128;
    let d2 = (r - d1) >> 8;
    // |w| <= 2^22 (+ the lobes' overshoot) for every Pillow filter, far inside 2^23 - 2^15.
    assert!(
        (-128..=127).contains(&d2),
        "weight {w} out of the 8-bit digit range"
    );
    [d0 as i8, d1 as i8, d2 as i8]
}

/// `S0 + (S1 << 8) + (S2 << 16)` from the three digit sums (wrapping, see the module docs).
#[inline(always)]
unsafe fn combine(a: [__m512i; 3]) -> __m512i {
    let hi = _mm512_add_epi32(_mm512_slli_epi32::<8>(a[2]), a[1]);
    _mm512_add_epi32(_mm512_slli_epi32::<8>(hi), a[0])
}

/// Loads 64 bytes at `src[at..]`; bytes past the end of `src` read as zero (masked load,
/// which suppresses faults on the masked-off bytes).
#[inline(always)]
unsafe fn load64(src: &[u8], at: usize) -> __m512i {
    debug_assert!(at <= src.len());
    let p = src.as_ptr().add(at);
    if at + 64 <= src.len() {
        // SAFETY: 64 bytes from `at` are inside `src`.
        _mm512_loadu_si512(p as *const _)
    } else {
        let n = src.len() - at;
        // SAFETY: only the first n (< 64) bytes are read; they are inside `src`.
        _mm512_maskz_loadu_epi8((1u64 << n) - 1, p as *const i8)
    }
}

/// Taps per 512-bit chunk of the horizontal pass: four 128-bit lanes of four taps, each
/// lane holding (R, G, B, unused) 32-bit lanes of four bytes.
const CHUNK_TAPS: usize = 16;

/// Horizontal pass. Per output pixel and chunk of 16 taps, one 64-byte load covers the
/// 48 source bytes and `vpermb` gathers them so that 32-bit lane `4 * g + ch` holds channel
/// `ch` of taps `4g .. 4g + 4`; three `vpdpbusd` with the digit weights give per-lane sums,
/// and the four 128-bit lanes of four output pixels are summed together by one shared
/// transpose-and-add, leaving (R, G, B, 0) of four consecutive pixels. Small tap counts
/// pack two or four output pixels into each vector instead (see [`Mode`]).
///
/// # Safety
/// The CPU must support AVX-512 F, BW, VL, VBMI and VNNI (checked by `Backend::detect`).
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vnni")]
pub(in super::super) unsafe fn horizontal(
    src: &[u8],
    in_w: usize,
    c: &Coeffs,
    table: &HTable,
    dst: &mut [Out],
) {
    let chunks = table.chunks;
    let h = Horizontal {
        src,
        in_len: in_w * 3,
        c,
        table: &table.w,
        chunks,
        idx: &table.idx,
    };
    // Up to 32 taps (bicubic down to 1/8, bilinear to 1/16) the chunk count is a constant,
    // so each pixel's loads and products unroll into straight-line code.
    match (table.mode, chunks) {
        (Mode::Pair, _) => h.all_rows::<1, PAIR>(dst),
        (Mode::Penta, 1) => h.all_rows::<1, PENTA>(dst),
        (Mode::Penta, 2) => h.all_rows::<2, PENTA>(dst),
        (Mode::Penta, 3) => h.all_rows::<3, PENTA>(dst),
        (Mode::Penta, 4) => h.all_rows::<4, PENTA>(dst),
        (Mode::Penta, _) => h.all_rows::<0, PENTA>(dst),
        (Mode::Quad, 2) => h.all_rows::<2, QUAD>(dst),
        (Mode::Quad, 3) => h.all_rows::<3, QUAD>(dst),
        (Mode::Quad, 5) => h.all_rows::<5, QUAD>(dst),
        (Mode::Quad, 6) => h.all_rows::<6, QUAD>(dst),
        (Mode::Quad, _) => h.all_rows::<0, QUAD>(dst),
        (Mode::Single, 1) => h.all_rows::<1, SINGLE>(dst),
        (Mode::Single, 2) => h.all_rows::<2, SINGLE>(dst),
        (Mode::Single, _) => h.all_rows::<0, SINGLE>(dst),
    }
}

/// How output pixels share the 512-bit vectors of the horizontal pass.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One output pixel per vector, 16 taps per chunk (four lanes of four taps), the four
    /// lanes summed by [`reduce4`].
    Single,
    /// Two output pixels per vector (lanes 0-1 and 2-3, up to 8 taps each): the fallback
    /// for few taps that are spread too far apart for [`Mode::Quad`] (BOX at large scales).
    Pair,
    /// Four output pixels per vector, one per 128-bit lane, four taps each: chunk `j` holds
    /// taps `4j .. 4j + 4` of all four pixels, so the chunks' sums add up lane by lane with
    /// no cross-lane reduction, and no tap slot is wasted beyond `ksize` rounded up to 4
    /// (12 taps: 3 vectors per four pixels instead of 4, and no transpose; 4 taps, as in
    /// bicubic upscaling: 1 vector instead of 2). Used where four windows fit one load
    /// but five do not.
    Quad,
    /// [`Mode::Quad`] with a fifth pixel in the fourth 32-bit lanes of lanes 0-2: five
    /// output pixels per vector set (12 taps: 3 vectors per five pixels), where five
    /// consecutive windows fit one load.
    Penta,
}

// `Mode` as const generic parameters of the kernel body.
const SINGLE: u8 = 0;
const PAIR: u8 = 1;
const QUAD: u8 = 2;
const PENTA: u8 = 3;

/// Horizontal weights in the lane layout of the `vpermb` gather.
pub(in super::super) struct HTable {
    mode: Mode,
    chunks: usize,
    /// Per slot (output pixel, pixel pair or pixel quad) and chunk: the three digit weight
    /// vectors (zero for taps past `ksize` and for the unused fourth channel).
    w: Vec<[[i8; 64]; 3]>,
    /// Pair and quad modes, per slot: the gather index, whose lanes are offset to each
    /// pixel's window (all windows lie within one 64-byte load per chunk).
    idx: Vec<[i8; 64]>,
}

/// `vpermb` index: byte 16L + 4ch + b <- source byte 3 * (first tap of lane L + b) + ch;
/// the unused fourth channel reads byte 0 (its weights are zero).
/// Quad and penta modes: the (pixel of the slot, channel) whose four taps 32-bit lane
/// `dword` sums. Lane `4L + ch` holds channel `ch` of pixel `L`; in penta mode the fourth
/// dword of lanes 0-2 holds the fifth pixel's channels, otherwise it is unused (`None`:
/// gathers byte 0 with zero weights).
fn packed_dword(per: usize, dword: usize) -> Option<(usize, usize)> {
    let (lane, ch) = (dword / 4, dword % 4);
    match (ch, per) {
        (0..=2, _) => Some((lane, ch)),
        (3, 5) if lane < 3 => Some((4, lane)),
        _ => None,
    }
}

fn gather_index(lane_tap: impl Fn(usize) -> usize) -> [i8; 64] {
    let mut idx = [0i8; 64];
    for lane in 0..4 {
        for ch in 0..3 {
            for b in 0..4 {
                idx[lane * 16 + ch * 4 + b] = (3 * (lane_tap(lane) + b) + ch) as i8;
            }
        }
    }
    idx
}

pub(in super::super) fn h_table(c: &Coeffs) -> HTable {
    let n = c.out_size;
    let pair = c.ksize <= 8 && (0..n / 2).all(|j| c.start[2 * j + 1] - c.start[2 * j] + 8 <= 21);
    // Quad / penta chunk j of pixels per * q .. per * (q + 1) loads 64 bytes from tap 4j of
    // the slot's first pixel; the last pixel's four taps must end inside it:
    // 3 * (diff + 4) <= 64.
    let fits = |per: usize| {
        (0..n.div_ceil(per))
            .all(|q| c.start[(per * q + per - 1).min(n - 1)] - c.start[per * q] + 4 <= 21)
    };
    for (mode, per) in [(Mode::Penta, 5), (Mode::Quad, 4)] {
        if !fits(per) {
            continue;
        }
        let chunks = c.ksize.div_ceil(4);
        let slots = n.div_ceil(per);
        let mut w = vec![[[0i8; 64]; 3]; slots * chunks];
        let mut idx = Vec::with_capacity(slots);
        for (q, wq) in w.chunks_exact_mut(chunks).enumerate() {
            let px = |p: usize| (per * q + p).min(n - 1);
            let mut ix = [0i8; 64];
            for (dword, (p, ch)) in (0..16).filter_map(|i| Some((i, packed_dword(per, i)?))) {
                let (x, tap0) = (px(p), c.start[px(0)]);
                for b in 0..4 {
                    ix[4 * dword + b] = (3 * (c.start[x] - tap0 + b) + ch) as i8;
                }
                for (t, &k) in c.taps(x).iter().enumerate() {
                    for (dd, v) in digits(k).into_iter().enumerate() {
                        wq[t / 4][dd][4 * dword + t % 4] = v;
                    }
                }
            }
            idx.push(ix);
        }
        return HTable {
            mode,
            chunks,
            w,
            idx,
        };
    }
    if pair {
        let slots = n.div_ceil(2);
        let mut w = vec![[[0i8; 64]; 3]; slots];
        let mut idx = Vec::with_capacity(slots);
        for (j, wj) in w.iter_mut().enumerate() {
            let px = [2 * j, (2 * j + 1).min(n - 1)];
            let diff = c.start[px[1]] - c.start[px[0]];
            idx.push(gather_index(|lane| (lane / 2) * diff + (lane % 2) * 4));
            for (q, &x) in px.iter().enumerate() {
                for (t, &k) in c.taps(x).iter().enumerate() {
                    let lane = 2 * q + t / 4;
                    for (dd, v) in digits(k).into_iter().enumerate() {
                        for ch in 0..3 {
                            wj[dd][lane * 16 + ch * 4 + t % 4] = v;
                        }
                    }
                }
            }
        }
        return HTable {
            mode: Mode::Pair,
            chunks: 1,
            w,
            idx,
        };
    }
    let chunks = c.ksize.div_ceil(CHUNK_TAPS);
    let mut w = vec![[[0i8; 64]; 3]; n * chunks];
    for (xx, px) in w.chunks_exact_mut(chunks).enumerate() {
        for (t, &k) in c.taps(xx).iter().enumerate() {
            let (chunk, g, b) = (t / CHUNK_TAPS, t % CHUNK_TAPS / 4, t % 4);
            for (dd, v) in digits(k).into_iter().enumerate() {
                for ch in 0..3 {
                    px[chunk][dd][g * 16 + ch * 4 + b] = v;
                }
            }
        }
    }
    HTable {
        mode: Mode::Single,
        chunks,
        w,
        idx: Vec::new(),
    }
}

struct Horizontal<'a> {
    src: &'a [u8],
    in_len: usize,
    c: &'a Coeffs,
    table: &'a [[[i8; 64]; 3]],
    chunks: usize,
    idx: &'a [[i8; 64]],
}

impl Horizontal<'_> {
    /// Every row of `dst`, four at a time (sharing each weight load and the per-pixel
    /// bookkeeping), then the rest one by one. A function of its own per layout (not
    /// inlined into the dispatch), so each instantiation stays small enough for LLVM to
    /// inline the intrinsics and array helpers into it.
    ///
    /// # Safety
    /// As [`horizontal`].
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vnni")]
    #[inline(never)]
    unsafe fn all_rows<const CH: usize, const MODE: u8>(&self, dst: &mut [Out]) {
        let rows = dst.len() / (self.c.out_size * 3);
        let mut y = 0;
        while y + 4 <= rows {
            self.rows::<4, CH, MODE>(y, dst);
            y += 4;
        }
        while y < rows {
            self.rows::<1, CH, MODE>(y, dst);
            y += 1;
        }
    }

    /// Per-lane sums of table slot `slot` (window at byte `off` of each row) for rows
    /// `y0 .. y0 + R`, before the lane reduction and rounding. `CH` is the chunk count, or
    /// 0 for "`self.chunks`, looped"; chunk j is loaded from byte `off + j * STEP`.
    #[inline(always)]
    unsafe fn pixel<const R: usize, const CH: usize, const STEP: usize>(
        &self,
        y0: usize,
        slot: usize,
        off: usize,
        gather: __m512i,
    ) -> [__m512i; R] {
        let zero = _mm512_setzero_si512();
        let k = &self.table[slot * self.chunks..][..self.chunks];
        // Inside the row: start + ksize <= in_w and chunk j starts at tap STEP / 3 * j <
        // ksize of the slot's first pixel, so every `at` is within `src`.
        let at = |r: usize, j: usize| (y0 + r) * self.in_len + off + j * STEP;
        // SAFETY (both closures): 64-byte unaligned loads from 64-byte arrays / `load64`.
        let weight = |j: usize, d: usize| _mm512_loadu_si512(k[j][d].as_ptr() as *const _);
        let gathered =
            |r: usize, j: usize| _mm512_permutexvar_epi8(gather, load64(self.src, at(r, j)));
        let mut out = [zero; R];
        if CH > 0 {
            // Horner over the digits, `((S2 << 8) + S1) << 8 + S0`, accumulating straight
            // into one register per row.
            // Plain loops rather than `array::from_fn`, which LLVM may leave out of line.
            let mut w = [[zero; 3]; CH];
            for (j, w) in w.iter_mut().enumerate() {
                *w = [0, 1, 2].map(|d| weight(j, d));
            }
            for (r, o) in out.iter_mut().enumerate() {
                let mut px = [zero; CH];
                for (j, p) in px.iter_mut().enumerate() {
                    *p = gathered(r, j);
                }
                let mut a = zero;
                for d in (0..3).rev() {
                    if d < 2 {
                        a = _mm512_slli_epi32::<8>(a);
                    }
                    for j in 0..CH {
                        a = _mm512_dpbusd_epi32(a, px[j], w[j][d]);
                    }
                }
                *o = a;
            }
        } else {
            let mut acc = [[zero; 3]; R];
            for j in 0..self.chunks {
                let w = [0, 1, 2].map(|d| weight(j, d));
                for (r, acc) in acc.iter_mut().enumerate() {
                    let px = gathered(r, j);
                    for (a, &wd) in acc.iter_mut().zip(&w) {
                        *a = _mm512_dpbusd_epi32(*a, px, wd);
                    }
                }
            }
            for (o, a) in out.iter_mut().zip(acc) {
                *o = combine(a);
            }
        }
        out
    }

    /// Rows `y0 .. y0 + R`, four output pixels at a time.
    // Inlined into the `#[target_feature]` entry point, which enables AVX-512 for it.
    #[inline(always)]
    unsafe fn rows<const R: usize, const CH: usize, const MODE: u8>(
        &self,
        y0: usize,
        dst: &mut [Out],
    ) {
        // SAFETY: 64-byte unaligned loads from 64-byte arrays.
        let load_idx = |idx: &[i8; 64]| _mm512_loadu_si512(idx.as_ptr() as *const _);
        let gather = load_idx(&gather_index(|lane| 4 * lane));
        // (R G B 0) x 4 -> 12 packed bytes; penta: (R G B x) x 4 with the fifth pixel's
        // channels in the x bytes -> 15 packed bytes.
        let compact = if MODE == PENTA {
            _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 3, 7, 11, -1)
        } else {
            _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1)
        };
        let per = if MODE == PENTA { 5 } else { 4 };
        let half = _mm512_set1_epi32(HALF);
        let zero = _mm512_setzero_si512();
        let out_w = self.c.out_size;
        let out_len = out_w * 3;
        let mut xx = 0;
        while xx < out_w {
            let n = (out_w - xx).min(per);
            // Lane i of v[r]: (R, G, B, 0) sums of pixel xx + i. Missing pixels at the row
            // end repeat the last one; they are not stored.
            let v: [__m512i; R] = if MODE == QUAD || MODE == PENTA {
                let slot = xx / per;
                let off = self.c.start[xx] * 3;
                self.pixel::<R, CH, 12>(y0, slot, off, load_idx(&self.idx[slot]))
            } else if MODE == PAIR {
                let [a, b]: [[__m512i; R]; 2] = std::array::from_fn(|q| {
                    let slot = (xx / 2 + q).min(self.idx.len() - 1);
                    let off = self.c.start[2 * slot] * 3;
                    self.pixel::<R, 1, { CHUNK_TAPS * 3 }>(y0, slot, off, load_idx(&self.idx[slot]))
                });
                // [a0 + a1, a2 + a3, b0 + b1, b2 + b3].
                std::array::from_fn(|r| {
                    _mm512_add_epi32(
                        _mm512_shuffle_i32x4::<0x88>(a[r], b[r]),
                        _mm512_shuffle_i32x4::<0xDD>(a[r], b[r]),
                    )
                })
            } else {
                let [p0, p1, p2, p3]: [[__m512i; R]; 4] = std::array::from_fn(|p| {
                    let x = (xx + p).min(out_w - 1);
                    self.pixel::<R, CH, { CHUNK_TAPS * 3 }>(y0, x, self.c.start[x] * 3, gather)
                });
                std::array::from_fn(|r| reduce4([p0[r], p1[r], p2[r], p3[r]]))
            };
            for (r, v) in v.into_iter().enumerate() {
                let s = _mm512_srai_epi32::<PRECISION_BITS>(_mm512_add_epi32(v, half));
                // Clamp below at 0, then unsigned saturation to 255: Pillow's clip8.
                let b = _mm512_cvtusepi32_epi8(_mm512_max_epi32(s, zero));
                let b = _mm_shuffle_epi8(b, compact);
                let at = (y0 + r) * out_len + xx * 3;
                let out = &mut dst[at..at + n * 3];
                // SAFETY: stores exactly n * 3 bytes, the length of `out`.
                _mm_mask_storeu_epi8(out.as_mut_ptr() as *mut i8, (1u16 << (n * 3)) - 1, b);
            }
            xx += per;
        }
    }
}

/// Sums the four 128-bit lanes of each of `v[0..4]`: lane i of the result is the sum of
/// the lanes of `v[i]`.
#[inline(always)]
unsafe fn reduce4(v: [__m512i; 4]) -> __m512i {
    // [a0+a2, a1+a3, b0+b2, b1+b3] and the same for c, d.
    let ab = _mm512_add_epi32(
        _mm512_shuffle_i32x4::<0x44>(v[0], v[1]),
        _mm512_shuffle_i32x4::<0xEE>(v[0], v[1]),
    );
    let cd = _mm512_add_epi32(
        _mm512_shuffle_i32x4::<0x44>(v[2], v[3]),
        _mm512_shuffle_i32x4::<0xEE>(v[2], v[3]),
    );
    _mm512_add_epi32(
        _mm512_shuffle_i32x4::<0x88>(ab, cd),
        _mm512_shuffle_i32x4::<0xDD>(ab, cd),
    )
}

/// Vertical pass for output rows `y0 ..` (one per `row_len` bytes of `dst`). Four source
/// rows are byte-interleaved (two unpack levels) so each 32-bit lane holds one column of
/// four taps; 64 columns take 4 loads, 8 unpacks and 12 `vpdpbusd` per four taps. The
/// unpacks and the final saturating packs permute within 128-bit lanes in mirror order, so
/// the bytes come out in place.
///
/// # Safety
/// The CPU must support AVX-512 F, BW, VL, VBMI and VNNI (checked by `Backend::detect`).
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vnni")]
pub(in super::super) unsafe fn vertical(
    src: &[u8],
    row_len: usize,
    row_offset: usize,
    c: &Coeffs,
    y0: usize,
    dst: &mut [Out],
) {
    let groups = c.ksize.div_ceil(4);
    // Per group of four taps: the source rows' byte offsets and the digit weights as
    // broadcast dwords (four i8 taps each). Taps past `ksize` read the first row with
    // weight zero.
    let mut rows = vec![[0usize; 4]; groups];
    let mut wts = vec![[0i32; 3]; groups];
    let half = _mm512_set1_epi32(HALF);
    let zero = _mm512_setzero_si512();
    for (yy, out) in dst.chunks_exact_mut(row_len).enumerate() {
        let y = y0 + yy;
        let first = c.start[y] - row_offset;
        let k = c.taps(y);
        for g in 0..groups {
            let mut d = [[0i8; 4]; 3];
            for b in 0..4 {
                let t = 4 * g + b;
                rows[g][b] = (first + if t < k.len() { t } else { 0 }) * row_len;
                if let Some(&w) = k.get(t) {
                    for (dd, v) in digits(w).into_iter().enumerate() {
                        d[dd][b] = v;
                    }
                }
            }
            wts[g] = d.map(|b| i32::from_le_bytes(b.map(|v| v as u8)));
        }
        debug_assert!((first + c.ksize) * row_len <= src.len());
        let mut x = 0;
        while x < row_len {
            let n = (row_len - x).min(64);
            let mask = if n == 64 { !0 } else { (1u64 << n) - 1 };
            let mut acc = [[zero; 3]; 4];
            for (r, w) in rows.iter().zip(&wts) {
                // SAFETY: rows[b] + x + n <= src.len() (rows inside the window); masked
                // loads read only the first n bytes.
                let l =
                    r.map(|o| _mm512_maskz_loadu_epi8(mask, src.as_ptr().add(o + x) as *const i8));
                let lo01 = _mm512_unpacklo_epi8(l[0], l[1]);
                let hi01 = _mm512_unpackhi_epi8(l[0], l[1]);
                let lo23 = _mm512_unpacklo_epi8(l[2], l[3]);
                let hi23 = _mm512_unpackhi_epi8(l[2], l[3]);
                // Per 128-bit lane, column bytes 0-3, 4-7, 8-11, 12-15.
                let q = [
                    _mm512_unpacklo_epi16(lo01, lo23),
                    _mm512_unpackhi_epi16(lo01, lo23),
                    _mm512_unpacklo_epi16(hi01, hi23),
                    _mm512_unpackhi_epi16(hi01, hi23),
                ];
                let w = w.map(|v| _mm512_set1_epi32(v));
                for (a, q) in acc.iter_mut().zip(q) {
                    for (a, &wd) in a.iter_mut().zip(&w) {
                        *a = _mm512_dpbusd_epi32(*a, q, wd);
                    }
                }
            }
            let s = acc
                .map(|a| _mm512_srai_epi32::<PRECISION_BITS>(_mm512_add_epi32(combine(a), half)));
            // Saturating packs i32 -> i16 -> u8 clamp to 0..=255 like Pillow's clip8.
            let b = _mm512_packus_epi16(
                _mm512_packs_epi32(s[0], s[1]),
                _mm512_packs_epi32(s[2], s[3]),
            );
            // SAFETY: out[x..x + n] is in bounds; the masked store writes only n bytes.
            _mm512_mask_storeu_epi8(out.as_mut_ptr().add(x) as *mut i8, mask, b);
            x += 64;
        }
    }
}

//! The two convolution passes over interleaved RGB8 rows, in Pillow's 22-bit fixed point.
//!
//! Each kernel is written once as an `#[inline(always)]` generic body and instantiated per
//! instruction set behind one runtime dispatch ([`Backend`]): the scalar instantiation is
//! the portable baseline, the AVX2 one is the same source compiled with AVX2 enabled (LLVM
//! vectorises the fixed-width inner loops). Wheels therefore stay portable (no
//! `target-cpu=native`) while modern x86 CPUs get the wide code paths.

use super::coeffs::{Coeffs, HALF, PRECISION_BITS};
use std::mem::MaybeUninit;

/// An output byte. The passes write into possibly uninitialized buffers (the final image
/// is not zeroed first) and never read what they write; every writer in this module
/// stores initialized bytes only.
pub(crate) type Out = MaybeUninit<u8>;

/// `dst.copy_from_slice(src)` for output bytes.
#[inline(always)]
pub(crate) fn put(dst: &mut [Out], src: &[u8]) {
    assert_eq!(dst.len(), src.len());
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = MaybeUninit::new(s);
    }
}

/// An initialized buffer as output bytes, for a pass that writes into it.
pub(crate) fn as_out(b: &mut [u8]) -> &mut [Out] {
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`. The one hazard of viewing
    // initialized bytes as `MaybeUninit` is writing `MaybeUninit::uninit()` through the
    // view, which no writer here does (see [`Out`]), so `b` stays initialized.
    unsafe { std::slice::from_raw_parts_mut(b.as_mut_ptr() as *mut Out, b.len()) }
}

#[cfg(target_arch = "x86_64")]
mod avx512;

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
    /// AVX2 plus AVX-VNNI's fused 16-bit dot product (Alder Lake, Sapphire Rapids, Zen 5).
    #[cfg(target_arch = "x86_64")]
    AvxVnni,
    /// AVX-512 F/BW/VL/VBMI/VNNI (Ice Lake and later Xeons, Zen 4+): byte-digit kernels.
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Backend {
    pub(crate) fn detect() -> Backend {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("avx512vl")
                && std::is_x86_feature_detected!("avx512vbmi")
                && std::is_x86_feature_detected!("avx512vnni")
            {
                return Backend::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") {
                // CPUID leaf 7 sub-leaf 1, EAX bit 4: AVX-VNNI (VEX-encoded). The OS saving
                // YMM state is already implied by the AVX2 detection above.
                // SAFETY: CPUID leaf 7 exists on every CPU with AVX2.
                #[allow(unused_unsafe)] // safe to call from Rust 1.94 on
                let leaf = unsafe { std::arch::x86_64::__cpuid_count(7, 1) };
                if leaf.eax & (1 << 4) != 0 {
                    return Backend::AvxVnni;
                }
                return Backend::Avx2;
            }
        }
        Backend::Scalar
    }

    /// Every backend this CPU can run, best last (for tests).
    #[cfg(test)]
    pub(crate) fn available() -> Vec<Backend> {
        let mut all = vec![Backend::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            let best = Backend::detect();
            if best != Backend::Scalar {
                all.push(Backend::Avx2);
            }
            // AVX-VNNI is independent of AVX-512 (Zen 4 has only the latter).
            // SAFETY: CPUID leaf 7 exists on every CPU with AVX2.
            #[allow(unused_unsafe)]
            let vnni = best != Backend::Scalar
                && unsafe { std::arch::x86_64::__cpuid_count(7, 1) }.eax & (1 << 4) != 0;
            if vnni {
                all.push(Backend::AvxVnni);
            }
            if best == Backend::Avx512 {
                all.push(Backend::Avx512);
            }
        }
        all
    }
}

/// Bytes of one row processed per block of the vertical pass (accumulators stay in
/// registers across all taps of a block).
const VBLOCK: usize = 32;

/// Vertical pass for output rows `y0 ..` (one per `row_len` bytes of `dst`).
/// `src` holds the source rows (same `row_len`); `row_offset` is subtracted from the
/// coefficient start rows (Pillow's `ybox_first` shift).
#[inline(always)]
fn vertical_body(
    src: &[u8],
    row_len: usize,
    row_offset: usize,
    c: &Coeffs,
    y0: usize,
    dst: &mut [Out],
) {
    for (yy, out) in dst.chunks_exact_mut(row_len).enumerate() {
        let k = c.taps(y0 + yy);
        let first = (c.start[y0 + yy] - row_offset) * row_len;
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
                out[x + i] = MaybeUninit::new(clip8(acc[i]));
            }
            x += VBLOCK;
        }
        for (xi, o) in out.iter_mut().enumerate().skip(x) {
            let mut acc = HALF;
            for (t, &w) in k.iter().enumerate() {
                acc += i32::from(window[t * row_len + xi]) * w;
            }
            *o = MaybeUninit::new(clip8(acc));
        }
    }
}

/// Horizontal pass: each row of `src` (`in_w` RGB pixels) becomes a row of `dst`
/// (`c.out_size` pixels).
#[inline(always)]
fn horizontal_body(src: &[u8], in_w: usize, c: &Coeffs, dst: &mut [Out]) {
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
            put(o, &[clip8(r), clip8(g), clip8(b)]);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
    use std::arch::x86_64::*;

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
        y0: usize,
        dst: &mut [Out],
    ) {
        let half = _mm256_set1_epi32(HALF);
        // packs/packus work within 128-bit lanes; this restores byte order.
        let order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        for (yy, out) in dst.chunks_exact_mut(row_len).enumerate() {
            let k = c.taps(y0 + yy);
            let first = (c.start[y0 + yy] - row_offset) * row_len;
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
                *o = MaybeUninit::new(clip8(acc));
            }
        }
    }

    /// 16-bit dot product accumulated into i32 lanes: `acc + pmaddwd(a, b)`. Two
    /// instantiations of the same horizontal kernel differ only here.
    pub(super) trait Dot {
        /// # Safety
        /// The CPU must support the instructions of the implementation.
        unsafe fn dot(acc: __m256i, a: __m256i, b: __m256i) -> __m256i;
    }

    /// AVX2: `vpmaddwd` then `vpaddd`.
    pub(super) struct Madd;

    impl Dot for Madd {
        #[inline]
        #[target_feature(enable = "avx2")]
        unsafe fn dot(acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
            _mm256_add_epi32(acc, _mm256_madd_epi16(a, b))
        }
    }

    /// AVX-VNNI: the fused `vpdpwssd` (same integer result, one instruction).
    pub(super) struct Vnni;

    impl Dot for Vnni {
        #[inline]
        #[target_feature(enable = "avx2")]
        unsafe fn dot(mut acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: register-only instruction; `Backend::AvxVnni` (the only user) is
            // constructed after CPUID reports AVX-VNNI. Written as asm because the
            // intrinsic needs a newer compiler than the crate's MSRV.
            std::arch::asm!(
                "{{vex}} vpdpwssd {acc}, {a}, {b}",
                acc = inout(ymm_reg) acc,
                a = in(ymm_reg) a,
                b = in(ymm_reg) b,
                options(pure, nomem, nostack, preserves_flags),
            );
            acc
        }
    }

    /// Horizontal pass with 16-bit dot products. Pillow's weights have 22 fractional
    /// bits, too wide for 16-bit multiplies, so each weight is split exactly as
    /// `k = kh * 2^11 + kl` with `0 <= kl < 2^11`; `sum(p * kh) * 2^11 + sum(p * kl)` is the
    /// same integer as Pillow's `sum(p * k)` (no intermediate can overflow: |p * kh| < 2^20
    /// per term). Each 256-bit step covers four taps of one output pixel: two taps (R,G,B
    /// interleaved pairs) per 128-bit lane. Output pixels go in pairs so the final
    /// cross-lane sums, rounding and packing are shared.
    ///
    /// # Safety
    /// The CPU must support AVX2 (checked by `Backend::detect`) and whatever `D` uses.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn horizontal<D: Dot>(
        src: &[u8],
        in_w: usize,
        c: &Coeffs,
        table: &[[[i16; 16]; 2]],
        dst: &mut [Out],
    ) {
        let groups = c.ksize.div_ceil(4);
        let in_len = in_w * 3;
        let out_len = c.out_size * 3;
        // Bytes a pixel's loads touch past its window start.
        let reach = (groups - 1) * 12 + 16;
        let h = Horizontal {
            src,
            in_len,
            c,
            table,
            groups,
            reach,
        };
        let rows = dst.len() / out_len;
        let mut y = 0;
        // Four rows share each coefficient load and give four independent dependency chains.
        while y + 4 <= rows {
            h.rows::<D, 4>(y, dst);
            y += 4;
        }
        while y < rows {
            h.rows::<D, 1>(y, dst);
            y += 1;
        }
    }

    struct Horizontal<'a> {
        src: &'a [u8],
        in_len: usize,
        c: &'a Coeffs,
        table: &'a [[[i16; 16]; 2]],
        groups: usize,
        reach: usize,
    }

    impl Horizontal<'_> {
        /// For rows `y0 .. y0 + R`: output pixel `xx`'s sums before the cross-lane add,
        /// `sum(p * kh) * 2^11 + sum(p * kl)` per lane, with the rounding half in lane 0.
        // Inlined into the `#[target_feature]` entry point, which enables AVX2 for it.
        #[inline(always)]
        unsafe fn pixel<D: Dot, const R: usize>(&self, y0: usize, xx: usize) -> [__m256i; R] {
            // Lane 0 gathers taps 0,1 of the group as i16 pairs (R0,R1,G0,G1,B0,B1,0,0),
            // lane 1 taps 2,3 (bytes 6..12 of the same 16-byte load); -1 bytes read as zero.
            let shuf = _mm256_setr_epi8(
                0, -1, 3, -1, 1, -1, 4, -1, 2, -1, 5, -1, -1, -1, -1, -1, //
                6, -1, 9, -1, 7, -1, 10, -1, 8, -1, 11, -1, -1, -1, -1, -1,
            );
            let off = self.c.start[xx] * 3;
            let k = &self.table[xx * self.groups..][..self.groups];
            let mut acc_h = [_mm256_setzero_si256(); R];
            let mut acc_l = [_mm256_setr_epi32(HALF, HALF, HALF, 0, 0, 0, 0, 0); R];
            for (g, kg) in k.iter().enumerate() {
                // SAFETY: each table entry is 2 x 32 bytes; unaligned loads.
                let kh = _mm256_loadu_si256(kg[0].as_ptr() as *const __m256i);
                let kl = _mm256_loadu_si256(kg[1].as_ptr() as *const __m256i);
                for r in 0..R {
                    let at = (y0 + r) * self.in_len + off + g * 12;
                    debug_assert!(at + 16 <= self.src.len());
                    // SAFETY: at + 16 <= src.len(), checked by the caller (`reach`).
                    let p = _mm_loadu_si128(self.src.as_ptr().add(at) as *const __m128i);
                    let px = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(p), shuf);
                    acc_h[r] = D::dot(acc_h[r], px, kh);
                    acc_l[r] = D::dot(acc_l[r], px, kl);
                }
            }
            let mut s = [_mm256_setzero_si256(); R];
            for r in 0..R {
                s[r] = _mm256_add_epi32(_mm256_slli_epi32::<11>(acc_h[r]), acc_l[r]);
            }
            s
        }

        /// Rows `y0 .. y0 + R` of the horizontal pass.
        // Inlined into the `#[target_feature]` entry point, which enables AVX2 for it.
        #[inline(always)]
        unsafe fn rows<D: Dot, const R: usize>(&self, y0: usize, dst: &mut [Out]) {
            let out_w = self.c.out_size;
            let out_len = out_w * 3;
            let last_base = (y0 + R - 1) * self.in_len;
            // Per row, (R G B 0 R' G' B' 0) -> (R G B R' G' B') in the low 8 bytes and the
            // next row's in the high 8 bytes.
            let compact = _mm256_setr_epi8(
                0, 1, 2, 4, 5, 6, -1, -1, 8, 9, 10, 12, 13, 14, -1, -1, //
                0, 1, 2, 4, 5, 6, -1, -1, 8, 9, 10, 12, 13, 14, -1, -1,
            );
            let order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
            let mut xx = 0;
            while xx < out_w {
                let n = (out_w - xx).min(2);
                let x1 = xx + n - 1;
                let off = (self.c.start[xx].max(self.c.start[x1])) * 3;
                if last_base + off + self.reach > self.src.len() {
                    // Only the last pixels of the last rows: their 16-byte loads would run
                    // past the buffer.
                    for r in 0..R {
                        for x in xx..xx + n {
                            let base = (y0 + r) * self.in_len + self.c.start[x] * 3;
                            let px = scalar_pixel(&self.src[base..], self.c.taps(x));
                            put(&mut dst[(y0 + r) * out_len + x * 3..][..3], &px);
                        }
                    }
                    xx += 2;
                    continue;
                }
                let a = self.pixel::<D, R>(y0, xx);
                let b = self.pixel::<D, R>(y0, x1);
                let mut s = [_mm256_setzero_si256(); R];
                for r in 0..R {
                    // [xx lane 0, x1 lane 0] + [xx lane 1, x1 lane 1].
                    let lo = _mm256_permute2x128_si256::<0x20>(a[r], b[r]);
                    let hi = _mm256_permute2x128_si256::<0x31>(a[r], b[r]);
                    s[r] = _mm256_srai_epi32::<{ PRECISION_BITS as i32 }>(_mm256_add_epi32(lo, hi));
                }
                // Rows as 8 bytes each: RGB of xx, RGB of x1, two spare bytes.
                let mut out = [[0u8; 8]; R];
                if R == 4 {
                    // Saturating packs i32 -> i16 -> u8 clamp to 0..=255 like Pillow's clip8.
                    let p01 = _mm256_packs_epi32(s[0], s[1]);
                    let p23 = _mm256_packs_epi32(s[2 % R], s[3 % R]);
                    let b = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(p01, p23), order);
                    let b = _mm256_shuffle_epi8(b, compact);
                    let mut bytes = [0u8; 32];
                    // SAFETY: 32-byte unaligned store into a 32-byte array.
                    _mm256_storeu_si256(bytes.as_mut_ptr() as *mut __m256i, b);
                    for (r, o) in out.iter_mut().enumerate() {
                        o.copy_from_slice(&bytes[r * 8..][..8]);
                    }
                } else {
                    for (r, o) in out.iter_mut().enumerate() {
                        let p = _mm256_packs_epi32(s[r], s[r]);
                        let b = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(p, p), order);
                        let b = _mm256_shuffle_epi8(b, compact);
                        *o = (_mm_cvtsi128_si64(_mm256_castsi256_si128(b)) as u64).to_le_bytes();
                    }
                }
                for (r, o) in out.iter().enumerate() {
                    let at = (y0 + r) * out_len + xx * 3;
                    if xx + 2 < out_w {
                        // The spare bytes land on pixel xx + 2, written after this.
                        put(&mut dst[at..at + 8], o);
                    } else {
                        put(&mut dst[at..at + n * 3], &o[..n * 3]);
                    }
                }
                xx += 2;
            }
        }
    }

    /// Per output pixel and group of four taps: `[kh lanes, kl lanes]` as i16, laid out to
    /// match the pixel shuffle in `horizontal` (zero for taps past `ksize`).
    pub(super) fn split_table(c: &Coeffs) -> Vec<[[i16; 16]; 2]> {
        let groups = c.ksize.div_ceil(4);
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
    y0: usize,
    dst: &mut [Out],
) {
    match backend {
        Backend::Scalar => vertical_body(src, row_len, row_offset, c, y0, dst),
        // SAFETY: both are only constructed after runtime AVX2 detection.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2 | Backend::AvxVnni => unsafe {
            avx2::vertical(src, row_len, row_offset, c, y0, dst)
        },
        // SAFETY: `Backend::Avx512` is only constructed after detecting its features.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512 => unsafe { avx512::vertical(src, row_len, row_offset, c, y0, dst) },
    }
}

/// The horizontal pass of one resize, with the backend's weight table built once (the
/// pass then runs once per strip of rows).
pub(crate) struct HorizontalPass<'a> {
    backend: Backend,
    c: &'a Coeffs,
    table: Table,
}

/// Weights re-laid-out for a SIMD horizontal kernel.
enum Table {
    None,
    #[cfg(target_arch = "x86_64")]
    Split(Vec<[[i16; 16]; 2]>),
    #[cfg(target_arch = "x86_64")]
    Digits(avx512::HTable),
}

impl<'a> HorizontalPass<'a> {
    pub(crate) fn new(backend: Backend, c: &'a Coeffs) -> Self {
        let table = match backend {
            Backend::Scalar => Table::None,
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 | Backend::AvxVnni => Table::Split(avx2::split_table(c)),
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => Table::Digits(avx512::h_table(c)),
        };
        HorizontalPass { backend, c, table }
    }

    /// Each row of `src` (`in_w` RGB pixels) becomes a row of `dst` (`c.out_size` pixels).
    pub(crate) fn run(&self, src: &[u8], in_w: usize, dst: &mut [Out]) {
        let c = self.c;
        match (self.backend, &self.table) {
            (Backend::Scalar, _) => horizontal_body(src, in_w, c, dst),
            // SAFETY: `Backend::Avx2` is only constructed after runtime AVX2 detection.
            #[cfg(target_arch = "x86_64")]
            (Backend::Avx2, Table::Split(t)) => unsafe {
                avx2::horizontal::<avx2::Madd>(src, in_w, c, t, dst)
            },
            // SAFETY: `Backend::AvxVnni` is only constructed after detecting AVX2 and AVX-VNNI.
            #[cfg(target_arch = "x86_64")]
            (Backend::AvxVnni, Table::Split(t)) => unsafe {
                avx2::horizontal::<avx2::Vnni>(src, in_w, c, t, dst)
            },
            // SAFETY: `Backend::Avx512` is only constructed after detecting its features.
            #[cfg(target_arch = "x86_64")]
            (Backend::Avx512, Table::Digits(t)) => unsafe {
                avx512::horizontal(src, in_w, c, t, dst)
            },
            #[cfg(target_arch = "x86_64")]
            _ => unreachable!("the table is built for the backend in `new`"),
        }
    }
}

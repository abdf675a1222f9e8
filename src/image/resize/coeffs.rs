//! Pillow's filter kernels and its `precompute_coeffs` + `normalize_coeffs_8bpc`, reproduced
//! operation for operation in f64 so that the 22-bit fixed-point weights come out identical.

use super::Filter;

/// `PRECISION_BITS` of Pillow's 8-bit path: 32 - 8 - 2.
pub(crate) const PRECISION_BITS: u32 = 22;
/// Accumulators start at one half (rounding bias), as in Pillow.
pub(crate) const HALF: i32 = 1 << (PRECISION_BITS - 1);

fn box_filter(x: f64) -> f64 {
    // Half-open interval (-0.5, 0.5]: exactly one of two touching pixels gets the weight.
    if x > -0.5 && x <= 0.5 {
        1.0
    } else {
        0.0
    }
}

fn bilinear_filter(x: f64) -> f64 {
    let x = x.abs();
    if x < 1.0 {
        1.0 - x
    } else {
        0.0
    }
}

fn hamming_filter(x: f64) -> f64 {
    let x = x.abs();
    if x == 0.0 {
        return 1.0;
    }
    if x >= 1.0 {
        return 0.0;
    }
    let x = x * std::f64::consts::PI;
    // Pillow writes `0.54f + 0.46f * cos(x)`: float literals widened to double.
    x.sin() / x * (f64::from(0.54f32) + f64::from(0.46f32) * x.cos())
}

fn bicubic_filter(x: f64) -> f64 {
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        (((x - 5.0) * x + 8.0) * x - 4.0) * A
    } else {
        0.0
    }
}

fn sinc(x: f64) -> f64 {
    if x == 0.0 {
        return 1.0;
    }
    let x = x * std::f64::consts::PI;
    x.sin() / x
}

fn lanczos_filter(x: f64) -> f64 {
    if (-3.0..3.0).contains(&x) {
        sinc(x) * sinc(x / 3.0)
    } else {
        0.0
    }
}

/// Kernel function and support radius of a convolution filter.
fn kernel(filter: Filter) -> (fn(f64) -> f64, f64) {
    match filter {
        Filter::Box => (box_filter, 0.5),
        Filter::Bilinear => (bilinear_filter, 1.0),
        Filter::Hamming => (hamming_filter, 1.0),
        Filter::Bicubic => (bicubic_filter, 2.0),
        Filter::Lanczos => (lanczos_filter, 3.0),
        Filter::Nearest => unreachable!("NEAREST does not use convolution coefficients"),
    }
}

/// Fixed-point weights for resampling one axis from `in_size` to `out_size` samples.
///
/// Output sample `i` reads source samples `start[i] .. start[i] + ksize`, with weights
/// `weights[i * ksize ..][..ksize]`. Where Pillow's window (`xmin`, `xmax`) is shorter than
/// `ksize`, the window is shifted to stay inside the source and padded with zero weights;
/// zero terms add exactly nothing to the integer sums, so results are unchanged while every
/// output gets the same fixed tap count (what the SIMD kernels want).
#[derive(Clone, Debug)]
pub struct Coeffs {
    pub(crate) out_size: usize,
    pub(crate) ksize: usize,
    pub(crate) start: Vec<usize>,
    pub(crate) weights: Vec<i32>,
    /// Pillow's own (xmin, xmax - xmin) per output sample, before padding/shifting (kept
    /// for the reference port in the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) bounds: Vec<(usize, usize)>,
}

impl Coeffs {
    pub(crate) fn new(in_size: usize, out_size: usize, filter: Filter) -> Coeffs {
        let (func, filter_support) = kernel(filter);
        // Pillow passes the box edges as C floats; `in1 - in0` is computed in float.
        let in0 = 0.0f32;
        let in1 = in_size as f32;
        let scale = f64::from(in1 - in0) / out_size as f64;
        let filterscale = if scale < 1.0 { 1.0 } else { scale };
        let support = filter_support * filterscale;
        let pillow_ksize = support.ceil() as usize * 2 + 1;
        let inv_filterscale = 1.0 / filterscale;

        let mut bounds = Vec::with_capacity(out_size);
        let mut raw = vec![0.0f64; out_size * pillow_ksize];
        for xx in 0..out_size {
            let center = f64::from(in0) + (xx as f64 + 0.5) * scale;
            // C's (int) cast truncates toward zero, like Rust's `as`.
            let xmin = ((center - support + 0.5) as i64).max(0);
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64);
            let len = (xmax - xmin).max(0) as usize;
            let xmin = xmin as usize;
            let k = &mut raw[xx * pillow_ksize..][..len];
            let mut ww = 0.0f64;
            for (x, w) in k.iter_mut().enumerate() {
                *w = func((((x + xmin) as f64) - center + 0.5) * inv_filterscale);
                ww += *w;
            }
            if ww != 0.0 {
                for w in k.iter_mut() {
                    *w /= ww;
                }
            }
            bounds.push((xmin, len));
        }

        // Same tap count for every output; cannot exceed the source length.
        let ksize = bounds.iter().map(|b| b.1).max().unwrap_or(0).max(1);
        let scale_fixed = f64::from(1u32 << PRECISION_BITS);
        let mut start = Vec::with_capacity(out_size);
        let mut weights = vec![0i32; out_size * ksize];
        for (xx, &(xmin, len)) in bounds.iter().enumerate() {
            let s = xmin.min(in_size.saturating_sub(ksize));
            start.push(s);
            let dst = &mut weights[xx * ksize + (xmin - s)..][..len];
            for (d, &w) in dst.iter_mut().zip(&raw[xx * pillow_ksize..][..len]) {
                // Round half away from zero, then truncate: `(int)(±0.5 + k * 2^22)`.
                *d = if w < 0.0 {
                    (-0.5 + w * scale_fixed) as i32
                } else {
                    (0.5 + w * scale_fixed) as i32
                };
            }
        }
        Coeffs {
            out_size,
            ksize,
            start,
            weights,
            bounds,
        }
    }

    /// Taps of output sample `i`.
    #[inline]
    pub(crate) fn taps(&self, i: usize) -> &[i32] {
        &self.weights[i * self.ksize..][..self.ksize]
    }
}

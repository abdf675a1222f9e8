//! Pillow-exact resampling of RGB8 images.
//!
//! Hand-written rather than taken from a crate: no resize crate reproduces Pillow's
//! coefficient computation, its 22-bit fixed-point rounding, its choice of which source rows
//! the first pass covers, or Pillow 13.0's pass order, and each of those moves output
//! pixels. Everything here follows `src/libImaging/Resample.c` (convolution filters) and
//! `ImagingScaleAffine` in `src/libImaging/Geometry.c` (NEAREST) of Pillow 13.0, with the
//! arithmetic kept integer-exact so SIMD kernels give the same bytes as the scalar code.

mod coeffs;
mod kernels;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::image::{RgbImage, RgbRef};

pub use coeffs::Coeffs;
use kernels::{as_out, put, Backend, Out};
use std::mem::MaybeUninit;

/// Pillow's resampling filters (`PIL.Image.Resampling`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Filter {
    Nearest,
    Box,
    Bilinear,
    Hamming,
    Bicubic,
    Lanczos,
}

/// `Image.resize((width, height), filter)` of Pillow 13.0 on an RGB image, bit-exact.
pub fn resize(src: RgbRef<'_>, width: usize, height: usize, filter: Filter) -> Result<RgbImage> {
    check_sizes(&src, width, height)?;
    let len = width * height * 3;
    // Not zeroed first: the passes write every byte.
    let mut pixels = Vec::with_capacity(len);
    resize_impl(
        Backend::detect(),
        src,
        width,
        height,
        filter,
        &mut pixels.spare_capacity_mut()[..len],
    );
    // SAFETY: `resize_impl` writes all of `dst`: the copy and NEAREST write every pixel of
    // every row, and the convolution passes every byte of every output row (each row is in
    // exactly one strip, each pass stores every pixel of a row). Tested against buffers of
    // different prior contents by `writes_every_byte`.
    unsafe { pixels.set_len(len) };
    Ok(RgbImage::new(width, height, pixels))
}

/// [`resize`] into a caller-owned buffer of exactly `width * height * 3` bytes (tightly
/// packed RGB rows), so repeated resizes can reuse one allocation.
pub fn resize_into(
    src: RgbRef<'_>,
    dst: &mut [u8],
    width: usize,
    height: usize,
    filter: Filter,
) -> Result<()> {
    check_sizes(&src, width, height)?;
    if dst.len() != width * height * 3 {
        return Err(Error::invalid_argument(format!(
            "resize_into buffer holds {} bytes but {width}x{height} RGB needs {}; size it as width * height * 3",
            dst.len(),
            width * height * 3
        )));
    }
    resize_impl(Backend::detect(), src, width, height, filter, as_out(dst));
    Ok(())
}

fn check_sizes(src: &RgbRef<'_>, width: usize, height: usize) -> Result<()> {
    if src.width == 0 || src.height == 0 {
        return Err(Error::invalid_argument(format!(
            "cannot resize an empty {}x{} image; pass an image with at least one pixel",
            src.width, src.height
        )));
    }
    if width == 0 || height == 0 {
        return Err(Error::invalid_argument(format!(
            "resize target {width}x{height} is empty; width and height must both be at least 1"
        )));
    }
    // Pillow keeps sizes in C ints; beyond that its results are not defined.
    let limit = i32::MAX as usize / 3;
    if src.width > limit || src.height > limit || width > limit || height > limit {
        return Err(Error::invalid_argument(format!(
            "resize {}x{} -> {width}x{height} exceeds the supported size; keep each side below {limit}",
            src.width, src.height
        )));
    }
    Ok(())
}

/// Pillow 13.0 runs the vertical pass first when it shrinks the height much more than the
/// width; otherwise horizontal first (and then only over the source rows the vertical pass
/// reads). The order changes the intermediate rounding, hence the output.
fn vertical_first(in_w: usize, in_h: usize, out_w: usize, out_h: usize) -> bool {
    out_h < in_h && (in_h - out_h) as i64 > 2 * (in_w as i64 - out_w as i64)
}

fn resize_impl(
    backend: Backend,
    src: RgbRef<'_>,
    width: usize,
    height: usize,
    filter: Filter,
    dst: &mut [Out],
) {
    let (in_w, in_h) = (src.width, src.height);
    if in_w == width && in_h == height {
        // Pillow returns a copy.
        put(dst, src.pixels);
        return;
    }
    if filter == Filter::Nearest {
        nearest(src, width, height, dst);
        return;
    }
    let need_h = width != in_w;
    let need_v = height != in_h;
    if !need_h {
        let vc = Coeffs::new(in_h, height, filter);
        kernels::vertical(backend, src.pixels, in_w * 3, 0, &vc, 0, dst);
        return;
    }
    let hc = Coeffs::new(in_w, width, filter);
    if !need_v {
        kernels::HorizontalPass::new(backend, &hc).run(src.pixels, in_w, dst);
        return;
    }
    let vc = Coeffs::new(in_h, height, filter);
    if vertical_first(in_w, in_h, width, height) {
        vertical_then_horizontal(backend, src, &vc, &hc, dst);
    } else {
        horizontal_then_vertical(backend, src, &vc, &hc, dst);
    }
}

/// Target size of the intermediate buffer of a two-pass resize: the passes run in strips
/// of output rows so the intermediate rows stay in L2 between being written by one pass
/// and read by the other, instead of a whole intermediate image going through DRAM.
const STRIP_BYTES: usize = 256 << 10;

/// Vertical pass first: each strip of output rows is resampled vertically at full width,
/// then horizontally into `dst`. Strips share no intermediate rows.
fn vertical_then_horizontal(
    backend: Backend,
    src: RgbRef<'_>,
    vc: &Coeffs,
    hc: &Coeffs,
    dst: &mut [Out],
) {
    let in_len = src.width * 3;
    let out_len = hc.out_size * 3;
    let strip = (STRIP_BYTES / in_len).max(1);
    let hpass = kernels::HorizontalPass::new(backend, hc);
    let mut tmp = vec![0u8; in_len * strip.min(vc.out_size)];
    for (i, out) in dst.chunks_mut(out_len * strip).enumerate() {
        let rows = out.len() / out_len;
        let tmp = &mut tmp[..rows * in_len];
        kernels::vertical(backend, src.pixels, in_len, 0, vc, i * strip, as_out(tmp));
        hpass.run(tmp, src.width, out);
    }
}

/// Horizontal pass first, over the source rows the vertical pass reads. Pillow covers
/// exactly [ybox_first, ybox_last); the padded tap windows may reach a few rows further,
/// which only adds rows whose values are never weighted by a non-zero tap. Each strip of
/// output rows needs the intermediate rows `start[y0] .. start[y1 - 1] + ksize`; rows
/// shared with the previous strip are moved to the front of the buffer, not recomputed.
fn horizontal_then_vertical(
    backend: Backend,
    src: RgbRef<'_>,
    vc: &Coeffs,
    hc: &Coeffs,
    dst: &mut [Out],
) {
    let in_len = src.width * 3;
    let out_len = hc.out_size * 3;
    let ks = vc.ksize;
    let hpass = kernels::HorizontalPass::new(backend, hc);
    // Intermediate rows per strip: at least one output row's window.
    let cap = (STRIP_BYTES / out_len).max(ks);
    let mut tmp = vec![0u8; out_len * cap.min(src.height)];
    // Intermediate rows held in `tmp`, as source row numbers.
    let (mut held0, mut held1) = (0, 0);
    let mut y0 = 0;
    while y0 < vc.out_size {
        let lo = vc.start[y0];
        // Window starts never decrease, so the strip ends where a window leaves `cap`.
        let mut y1 = y0 + 1;
        while y1 < vc.out_size && vc.start[y1] + ks - lo <= cap {
            y1 += 1;
        }
        let hi = vc.start[y1 - 1] + ks;
        let keep = if lo >= held0 && lo < held1 {
            tmp.copy_within((lo - held0) * out_len..(held1 - held0) * out_len, 0);
            held1 - lo
        } else {
            0
        };
        let fresh = lo + keep..hi;
        hpass.run(
            &src.pixels[fresh.start * in_len..fresh.end * in_len],
            src.width,
            as_out(&mut tmp[keep * out_len..(hi - lo) * out_len]),
        );
        (held0, held1) = (lo, hi);
        kernels::vertical(
            backend,
            &tmp[..(hi - lo) * out_len],
            out_len,
            lo,
            vc,
            y0,
            &mut dst[y0 * out_len..y1 * out_len],
        );
        y0 = y1;
    }
}

/// NEAREST: Pillow's `resize` routes it through `ImagingScaleAffine`, which steps the source
/// coordinate by repeated f64 addition (not multiplication) and truncates; the accumulated
/// rounding decides which pixel is picked, so it is reproduced step for step.
fn nearest(src: RgbRef<'_>, width: usize, height: usize, dst: &mut [Out]) {
    let (in_w, in_h) = (src.width, src.height);
    // `a[0] = (double)(box[2] - box[0]) / xsize` with float box edges.
    let ax = f64::from(in_w as f32) / width as f64;
    let ay = f64::from(in_h as f32) / height as f64;
    let coord = |v: f64| -> i64 {
        if v < 0.0 {
            -1
        } else {
            v as i64
        }
    };
    let mut xtab = Vec::with_capacity(width);
    let mut xo = 0.0 + ax * 0.5;
    for _ in 0..width {
        let xi = coord(xo);
        xtab.push((xi >= 0 && (xi as usize) < in_w).then_some(xi as usize));
        xo += ax;
    }
    let mut yo = 0.0 + ay * 0.5;
    for out in dst.chunks_exact_mut(width * 3) {
        let yi = coord(yo);
        yo += ay;
        if yi < 0 || yi as usize >= in_h {
            // Pillow fills rows without a source with zeros.
            out.fill(MaybeUninit::new(0));
            continue;
        }
        let row = src.row(yi as usize);
        for (o, xi) in out.chunks_exact_mut(3).zip(&xtab) {
            match xi {
                Some(xi) => put(o, &row[xi * 3..xi * 3 + 3]),
                None => o.fill(MaybeUninit::new(0)),
            }
        }
    }
}

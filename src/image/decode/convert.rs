//! Pixel conversions with Pillow's integer formulas, and EXIF-orientation transposes.
use super::AlphaMode;
use crate::image::RgbImage;

/// Pillow's `MULDIV255(a, b)`: `a * b / 255`, rounded, in integers.
#[inline(always)]
fn muldiv255(a: u32, b: u32) -> u32 {
    let t = a * b + 128;
    ((t >> 8) + t) >> 8
}

/// One channel of `Image.alpha_composite(white, rgba)` (see the module docs of `decode`).
#[inline(always)]
pub(super) fn over_white(c: u8, a: u8) -> u8 {
    let (c, a) = (u32::from(c), u32::from(a));
    let t = 128 * (c * a + 255 * (255 - a)) + (0x80 << 7);
    ((((t >> 8) + t) >> 8) >> 7) as u8
}

/// Interleaved 8-bit L / LA / RGB / RGBA to RGB8.
pub(super) fn to_rgb8(data: &[u8], channels: usize, alpha: AlphaMode) -> Vec<u8> {
    let n = data.len() / channels;
    let mut out = Vec::with_capacity(n * 3);
    match (channels, alpha) {
        (1, _) => out.extend(data.iter().flat_map(|&l| [l, l, l])),
        (2, AlphaMode::Drop) => out.extend(data.chunks_exact(2).flat_map(|p| [p[0]; 3])),
        (2, AlphaMode::White) => out.extend(
            data.chunks_exact(2)
                .flat_map(|p| [over_white(p[0], p[1]); 3]),
        ),
        (3, _) => out.extend_from_slice(data),
        (4, AlphaMode::Drop) => {
            out.extend(data.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]));
        }
        (4, AlphaMode::White) => out.extend(data.chunks_exact(4).flat_map(|p| {
            [
                over_white(p[0], p[3]),
                over_white(p[1], p[3]),
                over_white(p[2], p[3]),
            ]
        })),
        _ => unreachable!("channels checked by callers"),
    }
    out
}

/// CMYK (ink amounts, 255 = full ink) to RGB with Pillow's `cmyk2rgb`.
pub(super) fn cmyk_to_rgb(cmyk: &[u8], out: &mut [u8]) {
    for (p, o) in cmyk.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        let nk = 255 - u32::from(p[3]);
        o[0] = (nk - muldiv255(u32::from(p[0]), nk)) as u8;
        o[1] = (nk - muldiv255(u32::from(p[1]), nk)) as u8;
        o[2] = (nk - muldiv255(u32::from(p[2]), nk)) as u8;
    }
}

/// Adobe-inverted CMYK as libjpeg returns it, through Pillow's "CMYK;I" unpacker
/// (`255 - x`) then `cmyk2rgb`.
pub(super) fn inverted_cmyk_to_rgb(cmyk: &[u8], out: &mut [u8]) {
    for (p, o) in cmyk.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        // nk = 255 - (255 - k) = k
        let nk = u32::from(p[3]);
        o[0] = (nk - muldiv255(255 - u32::from(p[0]), nk)) as u8;
        o[1] = (nk - muldiv255(255 - u32::from(p[1]), nk)) as u8;
        o[2] = (nk - muldiv255(255 - u32::from(p[2]), nk)) as u8;
    }
}

/// `ImageOps.exif_transpose` for orientation 2..=8 (anything else is returned unchanged).
/// Flips and the 180-degree turn work in place; the 90-degree cases need a second buffer.
pub(super) fn orient(mut img: RgbImage, orientation: u8) -> RgbImage {
    let (w, h) = (img.width, img.height);
    match orientation {
        2 => {
            for row in img.pixels.chunks_exact_mut(w * 3) {
                row.reverse(); // reverses bytes: BGR per pixel, fixed below
                for p in row.chunks_exact_mut(3) {
                    p.swap(0, 2);
                }
            }
            img
        }
        3 => {
            img.pixels.reverse();
            for p in img.pixels.chunks_exact_mut(3) {
                p.swap(0, 2);
            }
            img
        }
        4 => {
            let stride = w * 3;
            for y in 0..h / 2 {
                let (top, bottom) = img.pixels.split_at_mut((h - 1 - y) * stride);
                top[y * stride..(y + 1) * stride].swap_with_slice(&mut bottom[..stride]);
            }
            img
        }
        5..=8 => {
            // Output is h wide and w tall; out(x, y) = in(sx, sy) with the source pixel index
            // linear in x and y: base + x * dx + y * dy.
            let (ow, oh) = (h, w);
            let (wi, hi) = (w as isize, h as isize);
            let (base, dx, dy) = match orientation {
                5 => (0, wi, 1),                        // TRANSPOSE: (y, x)
                6 => ((hi - 1) * wi, -wi, 1),           // ROTATE_270: (y, h-1-x)
                7 => ((hi - 1) * wi + wi - 1, -wi, -1), // TRANSVERSE: (w-1-y, h-1-x)
                _ => (wi - 1, wi, -1),                  // ROTATE_90: (w-1-y, x)
            };
            let src = &img.pixels;
            let mut out = vec![0u8; src.len()];
            const B: usize = 64;
            for by in (0..oh).step_by(B) {
                for bx in (0..ow).step_by(B) {
                    let xe = (bx + B).min(ow);
                    for y in by..(by + B).min(oh) {
                        let mut si = base + bx as isize * dx + y as isize * dy;
                        let row = &mut out[(y * ow + bx) * 3..(y * ow + xe) * 3];
                        for o in row.chunks_exact_mut(3) {
                            let i = si as usize * 3;
                            // `si` stays inside the source image by construction of base/dx/dy.
                            let p: &[u8; 3] = src[i..i + 3].try_into().unwrap();
                            o.copy_from_slice(p);
                            si += dx;
                        }
                    }
                }
            }
            RgbImage::new(ow, oh, out)
        }
        _ => img,
    }
}

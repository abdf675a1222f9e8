//! PNG / BMP / WebP through the `image` crate, TIFF through the `tiff` crate, then Pillow's
//! `convert("RGB")` rules: 16-bit grayscale clips to 255 (Pillow's I;16 -> RGB), other 16-bit
//! samples keep their high byte (Pillow's ";16B" unpackers).
use super::convert::{self, cmyk_to_rgb};
use super::meta::Header;
use super::{DecodeOptions, Format, SUPPORTED};
use crate::error::{Error, Result};
use crate::image::RgbImage;
use image::{ColorType, ImageDecoder};
use std::io::Cursor;

fn image_err(fmt: Format, e: image::ImageError) -> Error {
    match e {
        image::ImageError::Unsupported(u) => Error::unsupported(format!(
            "unsupported {fmt:?} variant: {u}; {SUPPORTED} (common variants only)"
        )),
        other => Error::invalid_image(format!("corrupt or truncated {fmt:?} image: {other}")),
    }
}

pub(super) fn decode_image_crate(
    bytes: &[u8],
    h: &Header,
    opts: &DecodeOptions,
) -> Result<RgbImage> {
    let fmt = h.format;
    let c = Cursor::new(bytes);
    let err = |e| image_err(fmt, e);
    let (w, ht, ct, buf) = match fmt {
        Format::Png => read(image::codecs::png::PngDecoder::new(c).map_err(err)?),
        Format::Bmp => read(image::codecs::bmp::BmpDecoder::new(c).map_err(err)?),
        _ => read(image::codecs::webp::WebPDecoder::new(c).map_err(err)?),
    }
    .map_err(err)?;
    // PNG 16-bit grayscale (colour type 0) is Pillow's "I;16": values clip at 255. With a tRNS
    // chunk the image crate hands it over as LA16, so decide from IHDR, not the output type.
    let gray16_clip = fmt == Format::Png && h.color == 0 && h.depth == 16;
    let pixels = match ct {
        ColorType::L8 => convert::to_rgb8(&buf, 1, opts.alpha),
        ColorType::La8 => convert::to_rgb8(&buf, 2, opts.alpha),
        ColorType::Rgb8 => buf,
        ColorType::Rgba8 => convert::to_rgb8(&buf, 4, opts.alpha),
        ColorType::L16 | ColorType::La16 | ColorType::Rgb16 | ColorType::Rgba16 => {
            let ch = usize::from(ct.channel_count());
            let v16: Vec<u16> = buf
                .chunks_exact(2)
                .map(|b| u16::from_ne_bytes([b[0], b[1]]))
                .collect();
            let v8 = narrow16(&v16, ch, gray16_clip);
            convert::to_rgb8(&v8, ch, opts.alpha)
        }
        other => {
            return Err(Error::unsupported(format!(
                "{fmt:?} with {other:?} pixels is not supported"
            )))
        }
    };
    Ok(RgbImage::new(w, ht, pixels))
}

/// 16-bit samples to 8-bit: high byte, except channel 0 of clipped grayscale.
fn narrow16(v: &[u16], ch: usize, gray_clip: bool) -> Vec<u8> {
    v.iter()
        .enumerate()
        .map(|(i, &s)| {
            if gray_clip && i % ch == 0 {
                s.min(255) as u8
            } else {
                (s >> 8) as u8
            }
        })
        .collect()
}

type Decoded = (usize, usize, ColorType, Vec<u8>);

fn read<D: ImageDecoder>(mut dec: D) -> image::ImageResult<Decoded> {
    // The pixel count was already checked against max_pixels from the header.
    dec.set_limits(image::Limits::no_limits())?;
    let (w, h) = dec.dimensions();
    let ct = dec.color_type();
    let mut buf = vec![0u8; dec.total_bytes() as usize];
    dec.read_image(&mut buf)?;
    Ok((w as usize, h as usize, ct, buf))
}

pub(super) fn decode_tiff(bytes: &[u8], h: &Header, opts: &DecodeOptions) -> Result<RgbImage> {
    use tiff::decoder::{Decoder, DecodingResult, Limits};
    use tiff::ColorType as T;
    let bad = |e: tiff::TiffError| {
        match e {
        tiff::TiffError::UnsupportedError(u) => Error::unsupported(format!(
            "unsupported TIFF variant: {u}; {SUPPORTED} (TIFF: 1/2/4/8/16-bit gray, 8-bit gray+alpha, 8/16-bit RGB(A), 8-bit CMYK)"
        )),
        other => Error::invalid_image(format!("corrupt or truncated TIFF image: {other}")),
    }
    };
    let mut dec = Decoder::new(Cursor::new(bytes))
        .map_err(bad)?
        .with_limits(Limits::unlimited());
    let ct = dec.colortype().map_err(bad)?;
    // ExtraSamples = 1 is associated (premultiplied) alpha: Pillow's "RGBa" unpacker.
    let premultiplied = dec
        .find_tag_unsigned_vec::<u16>(tiff::tags::Tag::ExtraSamples)
        .ok()
        .flatten()
        .is_some_and(|v| v.first() == Some(&1));
    let (w, ht) = (h.width, h.height);
    let n = w * ht;
    let img = dec.read_image().map_err(bad)?;
    let unsupported = || {
        Error::unsupported(format!(
            "TIFF with {ct:?} samples is not supported; {SUPPORTED}"
        ))
    };
    let px = match (ct, img) {
        (T::Gray(b @ (1 | 2 | 4)), DecodingResult::U8(v)) => {
            let l = unpack_bits(&v, w, ht, b)?;
            convert::to_rgb8(&l, 1, opts.alpha)
        }
        (T::Gray(8), DecodingResult::U8(v)) => convert::to_rgb8(sized(&v, n)?, 1, opts.alpha),
        (T::Gray(16), DecodingResult::U16(v)) => {
            convert::to_rgb8(&narrow16(sized(&v, n)?, 1, true), 1, opts.alpha)
        }
        (
            T::Multiband {
                bit_depth: 8,
                num_samples: 2,
            },
            DecodingResult::U8(v),
        ) => convert::to_rgb8(sized(&v, n * 2)?, 2, opts.alpha),
        (T::RGB(8), DecodingResult::U8(v)) => sized(&v, n * 3)?.to_vec(),
        (T::RGB(16), DecodingResult::U16(v)) => narrow16(sized(&v, n * 3)?, 3, false),
        (T::RGBA(8), DecodingResult::U8(mut v)) => {
            if premultiplied {
                unpremultiply(&mut v);
            }
            convert::to_rgb8(sized(&v, n * 4)?, 4, opts.alpha)
        }
        (T::RGBA(16), DecodingResult::U16(v)) => {
            let mut v = narrow16(sized(&v, n * 4)?, 4, false);
            if premultiplied {
                unpremultiply(&mut v);
            }
            convert::to_rgb8(&v, 4, opts.alpha)
        }
        (T::CMYK(8), DecodingResult::U8(v)) => {
            let mut out = vec![0u8; n * 3];
            cmyk_to_rgb(sized(&v, n * 4)?, &mut out);
            out
        }
        _ => return Err(unsupported()),
    };
    Ok(RgbImage::new(w, ht, px))
}

fn sized<T>(v: &[T], n: usize) -> Result<&[T]> {
    v.get(..n)
        .ok_or_else(|| Error::invalid_image("TIFF image data is shorter than its header says"))
}

/// Packed 1/2/4-bit gray rows (each row byte-aligned) to 8-bit, scaled like Pillow's L;n.
fn unpack_bits(v: &[u8], w: usize, h: usize, bits: u8) -> Result<Vec<u8>> {
    let row_bytes = (w * usize::from(bits)).div_ceil(8);
    let max = (1u16 << bits) - 1;
    let scale = 255 / max;
    let per = 8 / usize::from(bits);
    let mut out = Vec::with_capacity(w * h);
    for row in sized(v, row_bytes * h)?.chunks_exact(row_bytes) {
        for x in 0..w {
            let byte = row[x / per];
            let shift = 8 - usize::from(bits) * (x % per + 1);
            out.push((u16::from(byte >> shift) & max) as u8 * scale as u8);
        }
    }
    Ok(out)
}

/// Pillow's "RGBa" unpacker: un-premultiply, fully transparent pixels become 0.
fn unpremultiply(v: &mut [u8]) {
    for p in v.chunks_exact_mut(4) {
        let a = u32::from(p[3]);
        if a == 0 {
            p.fill(0);
        } else if a != 255 {
            for c in &mut p[..3] {
                *c = (u32::from(*c) * 255 / a).min(255) as u8;
            }
        }
    }
}

//! Decoding to RGB8 the way Pillow's `Image.open(..).convert("RGB")` does (OWNER: decode helper).
//!
//! Pipeline: sniff the format from magic bytes, parse the header (size, EXIF/XMP orientation)
//! without touching pixel data, check the pixel limit, decode (JPEG through libjpeg-turbo, TIFF
//! through the `tiff` crate, PNG/BMP/WebP through the `image` crate), convert to RGB8 with
//! Pillow's integer formulas, then apply the EXIF orientation like `ImageOps.exif_transpose`.
//!
//! Alpha handling: [`AlphaMode::Drop`] discards alpha exactly like `convert("RGB")`.
//! [`AlphaMode::White`] gives what `Image.alpha_composite(white, im.convert("RGBA"))` gives,
//! i.e. per channel `out = S(128 * (c * a + 255 * (255 - a)) + 128 * 128) >> 7` with
//! `S(x) = ((x >> 8) + x) >> 8` (Pillow's 7-bit-precision integer compositing).
use crate::error::{Error, Result};
use crate::image::RgbImage;

mod convert;
mod jpeg;
mod meta;
mod other;
#[cfg(test)]
mod tests;

/// Pillow's default decompression-bomb limit (`Image.MAX_IMAGE_PIXELS`).
pub const DEFAULT_MAX_PIXELS: u64 = 89_478_485;

/// What to do with an alpha channel when converting to RGB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AlphaMode {
    /// Drop alpha, as Pillow's `convert("RGB")` and the HF processors do (reference parity).
    #[default]
    Drop,
    /// Composite on a white background.
    White,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Tiff,
    Bmp,
    WebP,
}

#[derive(Clone, Debug)]
pub struct DecodeOptions {
    pub max_pixels: u64,
    pub alpha: AlphaMode,
    pub apply_exif_orientation: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_pixels: DEFAULT_MAX_PIXELS,
            alpha: AlphaMode::Drop,
            apply_exif_orientation: true,
        }
    }
}

/// Header facts, read without decoding pixels. `width`/`height` are after EXIF orientation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    pub format: Format,
    pub width: usize,
    pub height: usize,
    /// EXIF orientation tag 1..=8 (1 when absent).
    pub orientation: u8,
}

pub(crate) const SUPPORTED: &str = "supported formats are JPEG, PNG, TIFF, BMP and WebP";

pub fn probe(bytes: &[u8]) -> Result<ImageInfo> {
    guard(|| {
        let h = meta::parse_header(bytes)?;
        let (width, height) = if h.orientation >= 5 {
            (h.height, h.width)
        } else {
            (h.width, h.height)
        };
        Ok(ImageInfo {
            format: h.format,
            width,
            height,
            orientation: h.orientation,
        })
    })
}

pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<RgbImage> {
    guard(|| {
        let h = meta::parse_header(bytes)?;
        check_pixels(h.width, h.height, opts.max_pixels)?;
        let img = match h.format {
            Format::Jpeg => jpeg::decode(bytes, &h)?,
            Format::Tiff => other::decode_tiff(bytes, &h, opts)?,
            Format::Png | Format::Bmp | Format::WebP => other::decode_image_crate(bytes, &h, opts)?,
        };
        if img.width != h.width || img.height != h.height {
            return Err(Error::invalid_image(format!(
                "decoded {:?} is {}x{} but its header says {}x{}",
                h.format, img.width, img.height, h.width, h.height
            )));
        }
        if opts.apply_exif_orientation && h.orientation != 1 {
            Ok(convert::orient(img, h.orientation))
        } else {
            Ok(img)
        }
    })
}

/// Interleaved uint8 pixels with 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels to RGB8.
pub fn from_interleaved(
    data: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    alpha: AlphaMode,
) -> Result<RgbImage> {
    if !(1..=4).contains(&channels) {
        return Err(Error::invalid_argument(format!(
            "expected 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels, got {channels}"
        )));
    }
    let expected = width
        .checked_mul(height)
        .and_then(|n| n.checked_mul(channels))
        .ok_or_else(|| Error::invalid_argument("image dimensions overflow"))?;
    if data.len() != expected {
        return Err(Error::invalid_argument(format!(
            "pixel buffer has {} bytes, expected {width}x{height}x{channels} = {expected}",
            data.len()
        )));
    }
    let pixels = convert::to_rgb8(data, channels, alpha);
    Ok(RgbImage::new(width, height, pixels))
}

fn check_pixels(width: usize, height: usize, max_pixels: u64) -> Result<()> {
    let pixels = (width as u64).saturating_mul(height as u64);
    if pixels > max_pixels {
        return Err(Error::ImageTooLarge {
            width: width as u64,
            height: height as u64,
            pixels,
            max_pixels,
        });
    }
    if width == 0 || height == 0 {
        return Err(Error::invalid_image(format!(
            "image header declares an empty {width}x{height} image"
        )));
    }
    Ok(())
}

/// Last line of defence: a panic inside a third-party decoder becomes `InvalidImage`.
fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(Error::invalid_image(format!(
                "image decoder failed on malformed input: {msg}"
            )))
        }
    }
}

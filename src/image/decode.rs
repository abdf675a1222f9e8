//! Decoding to RGB8 the way Pillow's `Image.open(..).convert("RGB")` does (OWNER: decode helper).
use crate::error::Result;
use crate::image::RgbImage;

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

pub fn probe(bytes: &[u8]) -> Result<ImageInfo> {
    let _ = bytes;
    todo!()
}

pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<RgbImage> {
    let _ = (bytes, opts);
    todo!()
}

/// Interleaved uint8 pixels with 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels to RGB8.
pub fn from_interleaved(
    data: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    alpha: AlphaMode,
) -> Result<RgbImage> {
    let _ = (data, width, height, channels, alpha);
    todo!()
}

//! From whatever the caller handed over to RGB8 pixels, in two steps: `open` reads the
//! bytes and the header (enough to plan tiles and to size output buffers), `pixels`
//! decodes. Pixels already in memory (numpy arrays) are borrowed, not copied, when RGB.

use crate::error::{Error, Result};
use crate::image::decode::{self, DecodeOptions, ImageInfo};
use crate::image::source::{read_source, ImageSource, SourcePolicy};
use crate::image::{RgbImage, RgbRef};

/// An image handed to a pipeline.
#[derive(Clone, Debug)]
pub enum ImageInput<'a> {
    /// Encoded bytes, or where to get them.
    Source(&'a ImageSource),
    /// Interleaved uint8 pixels, 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels.
    Pixels {
        data: &'a [u8],
        width: usize,
        height: usize,
        channels: usize,
    },
}

/// An input whose size is known and whose bytes are in memory.
pub enum Opened<'a> {
    Encoded {
        bytes: Vec<u8>,
        info: ImageInfo,
    },
    Pixels {
        data: &'a [u8],
        width: usize,
        height: usize,
        channels: usize,
    },
}

/// Decoded RGB8 pixels, owned or borrowed from the caller.
pub enum Pixels<'a> {
    Owned(RgbImage),
    Borrowed(RgbRef<'a>),
}

impl Pixels<'_> {
    pub fn into_owned(self) -> RgbImage {
        match self {
            Pixels::Owned(img) => img,
            Pixels::Borrowed(view) => view.to_owned(),
        }
    }

    pub fn view(&self) -> RgbRef<'_> {
        match self {
            Pixels::Owned(img) => img.view(),
            Pixels::Borrowed(view) => *view,
        }
    }
}

impl Opened<'_> {
    /// `(width, height)` after EXIF orientation.
    pub fn size(&self) -> (usize, usize) {
        match self {
            Opened::Encoded { info, .. } => (info.width, info.height),
            Opened::Pixels { width, height, .. } => (*width, *height),
        }
    }
}

/// The source policy and decode options every input of a pipeline goes through.
#[derive(Clone, Debug, Default)]
pub struct Loader {
    pub policy: SourcePolicy,
    pub decode: DecodeOptions,
}

impl Loader {
    pub fn open<'a>(&self, input: &ImageInput<'a>) -> Result<Opened<'a>> {
        match *input {
            ImageInput::Source(source) => {
                let bytes = read_source(source, &self.policy)?;
                let info = decode::probe(&bytes)?;
                self.check_pixels(info.width, info.height)?;
                Ok(Opened::Encoded { bytes, info })
            }
            ImageInput::Pixels {
                data,
                width,
                height,
                channels,
            } => {
                check_array(data.len(), width, height, channels)?;
                Ok(Opened::Pixels {
                    data,
                    width,
                    height,
                    channels,
                })
            }
        }
    }

    pub fn pixels<'a>(&self, opened: &Opened<'a>) -> Result<Pixels<'a>> {
        match *opened {
            Opened::Encoded { ref bytes, .. } => {
                Ok(Pixels::Owned(decode::decode(bytes, &self.decode)?))
            }
            Opened::Pixels {
                data,
                width,
                height,
                channels: 3,
            } => Ok(Pixels::Borrowed(RgbRef::new(width, height, data))),
            Opened::Pixels {
                data,
                width,
                height,
                channels,
            } => Ok(Pixels::Owned(decode::from_interleaved(
                data,
                width,
                height,
                channels,
                self.decode.alpha,
            )?)),
        }
    }

    fn check_pixels(&self, width: usize, height: usize) -> Result<()> {
        let pixels = width as u64 * height as u64;
        if pixels > self.decode.max_pixels {
            return Err(Error::ImageTooLarge {
                width: width as u64,
                height: height as u64,
                pixels,
                max_pixels: self.decode.max_pixels,
            });
        }
        Ok(())
    }
}

fn check_array(len: usize, width: usize, height: usize, channels: usize) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::invalid_image(format!(
            "array is {height}x{width}; pass an image with at least one pixel"
        )));
    }
    if !(1..=4).contains(&channels) {
        return Err(Error::invalid_argument(format!(
            "array has {channels} channels; pass HxW (L), HxWx2 (LA), HxWx3 (RGB) or HxWx4 (RGBA)"
        )));
    }
    if len != width * height * channels {
        return Err(Error::invalid_argument(format!(
            "array buffer holds {len} bytes, expected {height}x{width}x{channels}; pass a C-contiguous uint8 array"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_arrays_are_borrowed() {
        let data = vec![7u8; 2 * 3 * 3];
        let loader = Loader::default();
        let input = ImageInput::Pixels {
            data: &data,
            width: 3,
            height: 2,
            channels: 3,
        };
        let opened = loader.open(&input).unwrap();
        assert_eq!(opened.size(), (3, 2));
        let px = loader.pixels(&opened).unwrap();
        assert!(matches!(px, Pixels::Borrowed(_)));
        assert_eq!(px.view().pixels.as_ptr(), data.as_ptr());
    }

    #[test]
    fn bad_arrays_are_rejected() {
        let loader = Loader::default();
        let data = [0u8; 10];
        let bad = |w, h, c| ImageInput::Pixels {
            data: &data,
            width: w,
            height: h,
            channels: c,
        };
        assert!(matches!(
            loader.open(&bad(0, 5, 1)),
            Err(Error::InvalidImage(_))
        ));
        assert!(matches!(
            loader.open(&bad(2, 1, 5)),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            loader.open(&bad(3, 3, 1)),
            Err(Error::InvalidArgument(_))
        ));
    }
}

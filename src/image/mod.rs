//! Image sources, decoding, orientation, colour conversion and Pillow-exact resampling.
//! Everything here works on interleaved RGB8 buffers; no Python types.

pub mod decode;
pub mod load;
pub mod resize;
pub mod source;

/// An owned, tightly packed, interleaved RGB8 image (row stride = 3 * width).
#[derive(Clone, PartialEq, Eq)]
pub struct RgbImage {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// A borrowed, tightly packed, interleaved RGB8 image (e.g. a numpy array's buffer).
#[derive(Clone, Copy)]
pub struct RgbRef<'a> {
    pub width: usize,
    pub height: usize,
    pub pixels: &'a [u8],
}

impl RgbImage {
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Self {
        assert_eq!(pixels.len(), width * height * 3, "RGB8 buffer size");
        RgbImage {
            width,
            height,
            pixels,
        }
    }

    /// This image in the top-left corner of a zero (black) `width x height` canvas.
    /// Takes `self` so an image that already fills the canvas is returned as it is.
    pub fn padded_to(self, width: usize, height: usize) -> RgbImage {
        if (width, height) == (self.width, self.height) {
            return self;
        }
        let mut pixels = vec![0u8; width * height * 3];
        let (src_w, dst_w) = (self.width * 3, width * 3);
        for (dst, src) in pixels
            .chunks_exact_mut(dst_w)
            .zip(self.pixels.chunks_exact(src_w))
        {
            dst[..src_w].copy_from_slice(src);
        }
        RgbImage::new(width, height, pixels)
    }

    pub fn view(&self) -> RgbRef<'_> {
        RgbRef {
            width: self.width,
            height: self.height,
            pixels: &self.pixels,
        }
    }
}

impl<'a> RgbRef<'a> {
    pub fn new(width: usize, height: usize, pixels: &'a [u8]) -> Self {
        assert_eq!(pixels.len(), width * height * 3, "RGB8 buffer size");
        RgbRef {
            width,
            height,
            pixels,
        }
    }

    pub fn to_owned(&self) -> RgbImage {
        RgbImage::new(self.width, self.height, self.pixels.to_vec())
    }

    /// One row of `3 * width` bytes.
    pub fn row(&self, y: usize) -> &'a [u8] {
        &self.pixels[y * self.width * 3..(y + 1) * self.width * 3]
    }
}

impl std::fmt::Debug for RgbImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RgbImage({}x{})", self.width, self.height)
    }
}

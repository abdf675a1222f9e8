//! Tile plans and tile extraction for the two model pipelines.
//!
//! A [`TilePlan`] is computed from the image size alone, so a request's cost (tiles, vision
//! tokens) is known before any pixel is decoded; the batcher packs requests by it.

pub mod batch;
pub mod internvl3;
pub mod mllama;
pub mod normalize;

pub use internvl3::InternVl3Config;
pub use mllama::MllamaConfig;
pub use normalize::{Element, Normalizer};

use crate::error::{Error, Result};
use crate::image::RgbRef;

/// How one image will be cut into model tiles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TilePlan {
    /// Source size (after EXIF orientation).
    pub image_width: usize,
    pub image_height: usize,
    /// Tile grid chosen for the image.
    pub grid_cols: usize,
    pub grid_rows: usize,
    /// Size the image is resized to before it is cut (Mllama pads the rest of the canvas).
    pub resized_width: usize,
    pub resized_height: usize,
    pub tile_size: usize,
    /// Tiles the model sees for this image, thumbnail included.
    pub num_tiles: usize,
    pub thumbnail: bool,
    /// Vision tokens the tiles expand to in the language model.
    pub vision_tokens: usize,
    /// Mllama's 1-based aspect-ratio id (index of the grid among the supported ones); 0 for InternVL3.
    pub aspect_ratio_id: usize,
}

impl TilePlan {
    /// Elements one image occupies in the output (tiles x 3 x tile x tile).
    pub fn output_len(&self) -> usize {
        self.num_tiles * 3 * self.tile_size * self.tile_size
    }
}

/// What the Python layer needs from a model pipeline, so one generic driver serves both.
pub trait TilingPipeline: Sync {
    /// Whether `process` writes every element of its `output_len` slice (so a caller may
    /// hand it uninitialised memory); false when some elements must stay zero.
    const WRITES_EVERY_ELEMENT: bool;

    /// The plan for an image of this size (no pixels needed).
    fn plan(&self, width: usize, height: usize) -> Result<TilePlan>;
    /// Elements this image occupies in the output array.
    fn output_len(&self, plan: &TilePlan) -> usize;
    /// Writes the image's normalised tiles into `out` (`output_len` elements, zeroed).
    fn process<T: Element>(&self, image: RgbRef<'_>, plan: &TilePlan, out: &mut [T]) -> Result<()>;
}

pub(crate) fn check_image_size(width: usize, height: usize) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::invalid_image(format!(
            "image is {width}x{height}; both sides must be at least 1 pixel"
        )));
    }
    Ok(())
}

pub(crate) fn check_positive(name: &str, value: usize) -> Result<()> {
    if value == 0 {
        return Err(Error::invalid_argument(format!(
            "{name} must be at least 1, got 0"
        )));
    }
    Ok(())
}

/// Cuts the first `count` row-major `tile x tile` tiles of a grid `cols` wide out of `image`
/// and writes each, normalised and channel-planar, into consecutive chunks of `out`.
pub(crate) fn write_tiles<T: Element>(
    image: RgbRef<'_>,
    cols: usize,
    count: usize,
    tile: usize,
    norm: &Normalizer<T>,
    out: &mut [T],
) {
    for (i, chunk) in out
        .chunks_exact_mut(3 * tile * tile)
        .take(count)
        .enumerate()
    {
        let (x0, y0) = ((i % cols) * tile, (i / cols) * tile);
        let rows = (y0..y0 + tile).map(|y| &image.row(y)[x0 * 3..(x0 + tile) * 3]);
        norm.write_planar(rows, chunk, tile * tile, tile);
    }
}

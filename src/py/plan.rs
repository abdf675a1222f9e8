//! `TilePlan` as seen from Python (read-only).

use pyo3::prelude::*;

use crate::tiling::TilePlan;

/// How one image is cut into model tiles; `cost` is what the batcher budgets by.
#[pyclass(name = "TilePlan", module = "vlmserve._core", frozen)]
pub struct PyTilePlan(TilePlan);

impl From<TilePlan> for PyTilePlan {
    fn from(plan: TilePlan) -> Self {
        PyTilePlan(plan)
    }
}

#[pymethods]
impl PyTilePlan {
    /// Source `(width, height)`, after EXIF orientation.
    #[getter]
    fn image_size(&self) -> (usize, usize) {
        (self.0.image_width, self.0.image_height)
    }
    /// Tile grid `(columns, rows)`.
    #[getter]
    fn grid(&self) -> (usize, usize) {
        (self.0.grid_cols, self.0.grid_rows)
    }
    /// `(width, height)` the image is resized to before tiling.
    #[getter]
    fn resized_size(&self) -> (usize, usize) {
        (self.0.resized_width, self.0.resized_height)
    }
    #[getter]
    fn tile_size(&self) -> usize {
        self.0.tile_size
    }
    /// Tiles the model sees, thumbnail included.
    #[getter]
    fn num_tiles(&self) -> usize {
        self.0.num_tiles
    }
    #[getter]
    fn thumbnail(&self) -> bool {
        self.0.thumbnail
    }
    #[getter]
    fn vision_tokens(&self) -> usize {
        self.0.vision_tokens
    }
    /// Mllama's aspect-ratio id (1-based); 0 for InternVL3.
    #[getter]
    fn aspect_ratio_id(&self) -> usize {
        self.0.aspect_ratio_id
    }
    /// The request's cost for cost-budget batching: its tile count.
    #[getter]
    fn cost(&self) -> usize {
        self.0.num_tiles
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.0 == other.0
    }

    fn __repr__(&self) -> String {
        let p = &self.0;
        format!(
            "TilePlan(image_size=({}, {}), grid=({}, {}), resized_size=({}, {}), num_tiles={}, thumbnail={}, vision_tokens={})",
            p.image_width, p.image_height, p.grid_cols, p.grid_rows, p.resized_width,
            p.resized_height, p.num_tiles, if p.thumbnail { "True" } else { "False" }, p.vision_tokens
        )
    }
}

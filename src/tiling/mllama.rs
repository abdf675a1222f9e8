//! Llama-3.2-Vision (Mllama) tiling: choose the tile canvas that needs the least scaling
//! (upscale preferred, then the smallest area), resize keeping the aspect ratio to fit it,
//! pad bottom/right with zeros *before* normalising, and cut row-major tiles. Tiles past
//! the image's own count stay exactly zero. Mirrors HF `MllamaImageProcessor`.

use crate::error::{Error, Result};
use crate::image::resize::{resize, Filter};
use crate::image::RgbRef;
use crate::tiling::normalize::{Element, Normalizer, CLIP_MEAN, CLIP_STD};
use crate::tiling::{check_image_size, check_positive, write_tiles, TilePlan, TilingPipeline};

#[derive(Clone, Debug)]
pub struct MllamaConfig {
    pub tile_size: usize,
    pub max_image_tiles: usize,
    pub filter: Filter,
    pub mean: [f32; 3],
    pub std: [f32; 3],
    /// Vision tokens per 560-px tile: (560/14)^2 patches + 1 class token.
    pub tokens_per_tile: usize,
}

impl Default for MllamaConfig {
    fn default() -> Self {
        MllamaConfig {
            tile_size: 560,
            max_image_tiles: 4,
            filter: Filter::Bilinear,
            mean: CLIP_MEAN,
            std: CLIP_STD,
            tokens_per_tile: 1601,
        }
    }
}

impl MllamaConfig {
    pub fn validate(&self) -> Result<()> {
        check_positive("tile_size", self.tile_size)?;
        check_positive("max_image_tiles", self.max_image_tiles)
    }

    pub fn normalizer<T: Element>(&self) -> Normalizer<T> {
        Normalizer::new(self.mean, self.std, 1.0 / 255.0)
    }

    /// Supported `(a, b)` arrangements in HF's order; the canvas is `a` tiles high, `b` wide,
    /// and the aspect-ratio id of an image is its arrangement's index + 1.
    pub fn arrangements(&self) -> Vec<(usize, usize)> {
        let n = self.max_image_tiles;
        (1..=n)
            .flat_map(|a| (1..=n).map(move |b| (a, b)))
            .filter(|&(a, b)| a * b <= n)
            .collect()
    }

    /// `(tiles_high, tiles_wide)`: the smallest upscale if any canvas allows one, else the
    /// mildest downscale; ties go to the smallest canvas (first on equal area).
    fn choose_canvas(&self, width: usize, height: usize) -> (usize, usize) {
        let ts = self.tile_size as f64;
        let scale_of = |(a, b): (usize, usize)| {
            let scale_h = a as f64 * ts / height as f64;
            let scale_w = b as f64 * ts / width as f64;
            if scale_w > scale_h {
                scale_h
            } else {
                scale_w
            }
        };
        let options = self.arrangements();
        let scales: Vec<f64> = options.iter().map(|&o| scale_of(o)).collect();
        let up = scales
            .iter()
            .copied()
            .filter(|&s| s >= 1.0)
            .reduce(f64::min);
        let selected = up.unwrap_or_else(|| scales.iter().copied().reduce(f64::max).unwrap_or(1.0));
        let mut best: Option<(usize, usize)> = None;
        for (&o, &s) in options.iter().zip(&scales) {
            if s == selected && best.is_none_or(|b| o.0 * o.1 < b.0 * b.1) {
                best = Some(o);
            }
        }
        best.unwrap_or((1, 1))
    }

    /// The resized `(height, width)` inside a canvas, never below one tile per side unless
    /// the canvas is, keeping the aspect ratio (HF `get_image_size_fit_to_canvas`).
    fn fit_to_canvas(
        &self,
        width: usize,
        height: usize,
        canvas_h: usize,
        canvas_w: usize,
    ) -> (usize, usize) {
        let ts = self.tile_size;
        let target_w = width.clamp(ts, canvas_w);
        let target_h = height.clamp(ts, canvas_h);
        let scale_h = target_h as f64 / height as f64;
        let scale_w = target_w as f64 / width as f64;
        if scale_w < scale_h {
            let h = ((height as f64 * scale_w).floor() as usize).max(1);
            (h.min(target_h), target_w)
        } else {
            let w = ((width as f64 * scale_h).floor() as usize).max(1);
            (target_h, w.min(target_w))
        }
    }

    pub fn plan(&self, width: usize, height: usize) -> Result<TilePlan> {
        self.validate()?;
        check_image_size(width, height)?;
        let (rows, cols) = self.choose_canvas(width, height);
        let ts = self.tile_size;
        let (resized_h, resized_w) = self.fit_to_canvas(width, height, rows * ts, cols * ts);
        let id = self
            .arrangements()
            .iter()
            .position(|&o| o == (rows, cols))
            .unwrap_or(0)
            + 1;
        Ok(TilePlan {
            image_width: width,
            image_height: height,
            grid_cols: cols,
            grid_rows: rows,
            resized_width: resized_w,
            resized_height: resized_h,
            tile_size: ts,
            num_tiles: rows * cols,
            thumbnail: false,
            vision_tokens: rows * cols * self.tokens_per_tile,
            aspect_ratio_id: id,
        })
    }

    /// Elements for one image slot: `max_image_tiles x 3 x tile x tile`.
    pub fn slot_len(&self) -> usize {
        self.max_image_tiles * 3 * self.tile_size * self.tile_size
    }

    /// Fills one image slot. Used tiles get normalised pixels (padding becomes the normalised
    /// value of 0); unused tiles are left as they are, so pass a zeroed slot.
    pub fn fill<T: Element>(
        &self,
        image: RgbRef<'_>,
        plan: &TilePlan,
        norm: &Normalizer<T>,
        slot: &mut [T],
    ) -> Result<()> {
        if slot.len() != self.slot_len() {
            return Err(Error::invalid_argument(format!(
                "output slot holds {} elements, Mllama needs {}",
                slot.len(),
                self.slot_len()
            )));
        }
        let ts = self.tile_size;
        let resized = resize(image, plan.resized_width, plan.resized_height, self.filter)?;
        // Zero-padding in u8 then normalising gives padded pixels HF's value, `(0 - mean) / std`.
        let canvas = resized.padded_to(plan.grid_cols * ts, plan.grid_rows * ts);
        write_tiles(
            canvas.view(),
            plan.grid_cols,
            plan.num_tiles,
            ts,
            norm,
            slot,
        );
        Ok(())
    }
}

impl TilingPipeline for MllamaConfig {
    // Tiles past the image's own count stay zero, as HF leaves them.
    const WRITES_EVERY_ELEMENT: bool = false;

    fn plan(&self, width: usize, height: usize) -> Result<TilePlan> {
        MllamaConfig::plan(self, width, height)
    }

    fn output_len(&self, _plan: &TilePlan) -> usize {
        self.slot_len()
    }

    fn process<T: Element>(&self, image: RgbRef<'_>, plan: &TilePlan, out: &mut [T]) -> Result<()> {
        self.fill(image, plan, &self.normalizer(), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(w: usize, h: usize) -> TilePlan {
        MllamaConfig::default().plan(w, h).unwrap()
    }

    #[test]
    fn arrangements_in_hf_order() {
        let a = MllamaConfig::default().arrangements();
        assert_eq!(
            a,
            [
                (1, 1),
                (1, 2),
                (1, 3),
                (1, 4),
                (2, 1),
                (2, 2),
                (3, 1),
                (4, 1)
            ]
        );
    }

    #[test]
    fn small_image_upscales_to_one_tile() {
        let p = plan(300, 200);
        assert_eq!((p.grid_rows, p.grid_cols), (1, 1));
        assert_eq!((p.resized_width, p.resized_height), (560, 373));
        assert_eq!(p.aspect_ratio_id, 1);
    }

    #[test]
    fn a4_page_downscales_to_two_by_two() {
        let p = plan(2480, 3508);
        assert_eq!((p.grid_rows, p.grid_cols), (2, 2));
        assert_eq!(p.resized_height, 1120);
        assert_eq!(p.aspect_ratio_id, 6);
    }

    #[test]
    fn tall_strip_uses_four_rows() {
        let p = plan(500, 3000);
        assert_eq!((p.grid_rows, p.grid_cols), (4, 1));
        assert_eq!(p.aspect_ratio_id, 8);
    }
}

//! InternVL3 dynamic tiling: the grid whose aspect ratio is closest to the image's, a bicubic
//! resize to that grid, the tiles row-major, then a whole-image thumbnail when there is more
//! than one tile (InternVL's `dynamic_preprocess`, HF `GotOcr2ImageProcessor` with
//! `crop_to_patches=True`).

use crate::error::{Error, Result};
use crate::image::resize::{resize, Filter};
use crate::image::RgbRef;
use crate::tiling::normalize::{Element, Normalizer, IMAGENET_MEAN, IMAGENET_STD};
use crate::tiling::{check_image_size, check_positive, write_tiles, TilePlan, TilingPipeline};

#[derive(Clone, Debug)]
pub struct InternVl3Config {
    pub tile_size: usize,
    pub min_tiles: usize,
    pub max_tiles: usize,
    pub use_thumbnail: bool,
    pub filter: Filter,
    pub mean: [f32; 3],
    pub std: [f32; 3],
    /// Vision tokens per 448-px tile after InternVL3's pixel shuffle (32x32 patches / 4).
    pub tokens_per_tile: usize,
}

impl Default for InternVl3Config {
    fn default() -> Self {
        InternVl3Config {
            tile_size: 448,
            min_tiles: 1,
            max_tiles: 12,
            use_thumbnail: true,
            filter: Filter::Bicubic,
            mean: IMAGENET_MEAN,
            std: IMAGENET_STD,
            tokens_per_tile: 256,
        }
    }
}

impl InternVl3Config {
    pub fn validate(&self) -> Result<()> {
        check_positive("tile_size", self.tile_size)?;
        check_positive("min_tiles", self.min_tiles)?;
        if self.max_tiles < self.min_tiles {
            return Err(Error::invalid_argument(format!(
                "max_tiles ({}) must be >= min_tiles ({})",
                self.max_tiles, self.min_tiles
            )));
        }
        Ok(())
    }

    pub fn normalizer<T: Element>(&self) -> Normalizer<T> {
        Normalizer::new(self.mean, self.std, 1.0 / 255.0)
    }

    /// Candidate grids `(cols, rows)`, ordered by tile count, then cols-major — HF's order.
    /// InternVL's original sorts a `set` instead, which orders equal-count grids differently;
    /// that only matters for a tie between `(i, j)` and `(j, i)`, which happens at aspect
    /// `(i/j + j/i) / 2`, where the 1x1 grid is always strictly closer. So both orders choose
    /// the same grid whenever `min_tiles == 1`.
    fn candidate_grids(&self) -> Vec<(usize, usize)> {
        let mut grids = Vec::new();
        for cols in 1..=self.max_tiles {
            for rows in 1..=self.max_tiles {
                let n = cols * rows;
                if n >= self.min_tiles && n <= self.max_tiles {
                    grids.push((cols, rows));
                }
            }
        }
        grids.sort_by_key(|&(c, r)| c * r); // stable, like Python's sorted
        grids
    }

    /// Closest aspect ratio; on an exact tie the later (larger) grid wins while the image
    /// area exceeds half the grid's area — the reference's tie-break, float for float.
    fn choose_grid(&self, width: usize, height: usize) -> (usize, usize) {
        let aspect = width as f64 / height as f64;
        let area = (width * height) as f64;
        let tile_area = (self.tile_size * self.tile_size) as f64;
        let mut best_diff = f64::INFINITY;
        let mut best = (1, 1);
        for (cols, rows) in self.candidate_grids() {
            let diff = (aspect - cols as f64 / rows as f64).abs();
            if diff < best_diff {
                best_diff = diff;
                best = (cols, rows);
            } else if diff == best_diff && area > 0.5 * tile_area * (cols * rows) as f64 {
                best = (cols, rows);
            }
        }
        best
    }

    pub fn plan(&self, width: usize, height: usize) -> Result<TilePlan> {
        self.validate()?;
        check_image_size(width, height)?;
        let (cols, rows) = self.choose_grid(width, height);
        let thumbnail = self.use_thumbnail && cols * rows != 1;
        let num_tiles = cols * rows + thumbnail as usize;
        Ok(TilePlan {
            image_width: width,
            image_height: height,
            grid_cols: cols,
            grid_rows: rows,
            resized_width: cols * self.tile_size,
            resized_height: rows * self.tile_size,
            tile_size: self.tile_size,
            num_tiles,
            thumbnail,
            vision_tokens: num_tiles * self.tokens_per_tile,
            aspect_ratio_id: 0,
        })
    }

    /// Writes `plan.num_tiles` normalised tiles, each `3 x tile x tile`, into `out`.
    pub fn fill<T: Element>(
        &self,
        image: RgbRef<'_>,
        plan: &TilePlan,
        norm: &Normalizer<T>,
        out: &mut [T],
    ) -> Result<()> {
        let ts = self.tile_size;
        let tile_len = 3 * ts * ts;
        if out.len() != plan.output_len() {
            return Err(Error::invalid_argument(format!(
                "output holds {} elements, the plan needs {}",
                out.len(),
                plan.output_len()
            )));
        }
        let grid = plan.grid_cols * plan.grid_rows;
        let (tiles_out, thumb_out) = out.split_at_mut(grid * tile_len);
        // The grid and the thumbnail are independent resizes of the same source: run them
        // side by side (rayon runs both on the calling thread when no other is free).
        let (tiles, thumb) = rayon::join(
            || -> Result<()> {
                let resized = resize(image, plan.resized_width, plan.resized_height, self.filter)?;
                write_tiles(resized.view(), plan.grid_cols, grid, ts, norm, tiles_out);
                Ok(())
            },
            || -> Result<()> {
                if plan.thumbnail {
                    let thumb = resize(image, ts, ts, self.filter)?;
                    write_tiles(thumb.view(), 1, 1, ts, norm, thumb_out);
                }
                Ok(())
            },
        );
        tiles.and(thumb)
    }
}

impl TilingPipeline for InternVl3Config {
    // Every grid tile and the thumbnail are written in full.
    const WRITES_EVERY_ELEMENT: bool = true;

    fn plan(&self, width: usize, height: usize) -> Result<TilePlan> {
        InternVl3Config::plan(self, width, height)
    }

    fn output_len(&self, plan: &TilePlan) -> usize {
        plan.output_len()
    }

    fn process<T: Element>(&self, image: RgbRef<'_>, plan: &TilePlan, out: &mut [T]) -> Result<()> {
        self.fill(image, plan, &self.normalizer(), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(w: usize, h: usize) -> (usize, usize) {
        let p = InternVl3Config::default().plan(w, h).unwrap();
        (p.grid_cols, p.grid_rows)
    }

    #[test]
    fn a4_portrait_page_gets_2x3_plus_thumbnail() {
        let p = InternVl3Config::default().plan(2480, 3508).unwrap();
        assert_eq!((p.grid_cols, p.grid_rows), (2, 3));
        assert_eq!(p.num_tiles, 7);
        assert_eq!((p.resized_width, p.resized_height), (896, 1344));
        assert_eq!(p.vision_tokens, 7 * 256);
    }

    #[test]
    fn square_image_tie_prefers_more_tiles_while_area_allows() {
        // 1x1, 2x2 and 3x3 all have diff 0: a 2000x2000 image (4M px) beats 0.5*9*448^2.
        assert_eq!(grid(2000, 2000), (3, 3));
        assert_eq!(grid(448, 448), (1, 1));
        assert_eq!(grid(700, 700), (2, 2));
    }

    #[test]
    fn extreme_strips_use_max_tiles_in_one_line() {
        assert_eq!(grid(4000, 1), (12, 1));
        assert_eq!(grid(1, 4000), (1, 12));
    }

    #[test]
    fn single_tile_has_no_thumbnail() {
        let p = InternVl3Config::default().plan(448, 448).unwrap();
        assert_eq!(p.num_tiles, 1);
        assert!(!p.thumbnail);
    }

    #[test]
    fn bad_arguments_are_errors() {
        let cfg = InternVl3Config {
            max_tiles: 0,
            ..Default::default()
        };
        assert!(matches!(cfg.plan(10, 10), Err(Error::InvalidArgument(_))));
        assert!(matches!(
            InternVl3Config::default().plan(0, 10),
            Err(Error::InvalidImage(_))
        ));
    }
}

//! Rescale + normalise through a lookup table.
//!
//! HF's processors compute `f32(f64(u8) * (1/255))`, then `(x - f32(mean)) / f32(std)` in f32.
//! An 8-bit channel has only 256 inputs, so one table per channel reproduces that arithmetic
//! bit for bit and turns the per-pixel work into a load.

use half::{bf16, f16};

/// ImageNet mean/std (InternVL3).
pub const IMAGENET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
pub const IMAGENET_STD: [f32; 3] = [0.229, 0.224, 0.225];
/// OpenAI CLIP mean/std (Llama-3.2-Vision).
/// Written as HF writes them (`OPENAI_CLIP_MEAN`/`STD`), so they round to the same f32.
#[allow(clippy::excessive_precision)]
pub const CLIP_MEAN: [f32; 3] = [0.48145466, 0.4578275, 0.40821073];
#[allow(clippy::excessive_precision)]
pub const CLIP_STD: [f32; 3] = [0.26862954, 0.26130258, 0.27577711];

/// Output element types the pipelines can write.
pub trait Element: Copy + Default + Send + Sync + 'static {
    fn from_f32(v: f32) -> Self;
}

impl Element for f32 {
    fn from_f32(v: f32) -> Self {
        v
    }
}

impl Element for f16 {
    fn from_f32(v: f32) -> Self {
        f16::from_f32(v)
    }
}

impl Element for bf16 {
    fn from_f32(v: f32) -> Self {
        bf16::from_f32(v)
    }
}

/// Per-channel table from an 8-bit value to its normalised output.
#[derive(Clone)]
pub struct Normalizer<T> {
    lut: [[T; 256]; 3],
}

impl<T: Element> Normalizer<T> {
    pub fn new(mean: [f32; 3], std: [f32; 3], rescale_factor: f64) -> Self {
        let mut lut = [[T::default(); 256]; 3];
        for (c, table) in lut.iter_mut().enumerate() {
            for (v, slot) in table.iter_mut().enumerate() {
                let rescaled = (v as f64 * rescale_factor) as f32;
                *slot = T::from_f32((rescaled - mean[c]) / std[c]);
            }
        }
        Normalizer { lut }
    }

    /// The output of an 8-bit value `v` in channel `c`.
    pub fn value(&self, c: usize, v: u8) -> T {
        self.lut[c][v as usize]
    }

    /// Writes a `w x h` block of interleaved RGB rows (`row(y)` gives `3 * w` bytes) into
    /// three planes of `plane_stride` elements, each row `row_stride` apart.
    pub fn write_planar<'a>(
        &self,
        rows: impl Iterator<Item = &'a [u8]>,
        out: &mut [T],
        plane_stride: usize,
        row_stride: usize,
    ) {
        let (r_plane, rest) = out.split_at_mut(plane_stride);
        let (g_plane, b_plane) = rest.split_at_mut(plane_stride);
        let [lr, lg, lb] = &self.lut;
        for (y, row) in rows.enumerate() {
            let o = y * row_stride;
            let w = row.len() / 3;
            let (r, g, b) = (
                &mut r_plane[o..o + w],
                &mut g_plane[o..o + w],
                &mut b_plane[o..o + w],
            );
            // Zipped iterators: no bounds checks in the per-pixel loop.
            let planes = r.iter_mut().zip(g.iter_mut()).zip(b.iter_mut());
            for (px, ((r, g), b)) in row.chunks_exact(3).zip(planes) {
                *r = lr[px[0] as usize];
                *g = lg[px[1] as usize];
                *b = lb[px[2] as usize];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_hf_arithmetic() {
        let n = Normalizer::<f32>::new(IMAGENET_MEAN, IMAGENET_STD, 1.0 / 255.0);
        for v in [0u8, 1, 127, 128, 254, 255] {
            let expect = ((v as f64 * (1.0 / 255.0)) as f32 - IMAGENET_MEAN[1]) / IMAGENET_STD[1];
            assert_eq!(n.value(1, v).to_bits(), expect.to_bits());
        }
    }

    #[test]
    fn writes_planes() {
        let n = Normalizer::<f32>::new([0.0; 3], [1.0; 3], 1.0);
        let pixels = [1u8, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        let rows = pixels.chunks(6);
        let mut out = vec![0f32; 3 * 4];
        n.write_planar(rows, &mut out, 4, 2);
        assert_eq!(out, [1., 4., 7., 10., 2., 5., 8., 11., 3., 6., 9., 12.]);
    }

    #[test]
    fn half_types_round_from_f32() {
        let n = Normalizer::<bf16>::new(CLIP_MEAN, CLIP_STD, 1.0 / 255.0);
        let f = Normalizer::<f32>::new(CLIP_MEAN, CLIP_STD, 1.0 / 255.0);
        assert_eq!(n.value(2, 200), bf16::from_f32(f.value(2, 200)));
    }
}

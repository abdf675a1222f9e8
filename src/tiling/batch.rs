//! Running a pipeline over many images at once, in parallel (rayon), one result per image.
//! Phase one reads and probes every input and plans it, so the caller can size one output
//! array; phase two decodes and fills each image's slice of it. A failing image never
//! touches the others: each gets its own `Result`.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::image::load::{ImageInput, Loader, Opened};
use crate::tiling::{Element, TilePlan, TilingPipeline};

/// A read, probed and planned input.
pub struct Planned<'a> {
    pub opened: Opened<'a>,
    pub plan: TilePlan,
}

pub fn plan_all<'a, P: TilingPipeline>(
    pipeline: &P,
    loader: &Loader,
    inputs: &[ImageInput<'a>],
) -> Vec<Result<Planned<'a>>> {
    inputs
        .par_iter()
        .map(|input| {
            Error::catch_panic(|| {
                let opened = loader.open(input)?;
                let (w, h) = opened.size();
                let plan = pipeline.plan(w, h)?;
                Ok(Planned { opened, plan })
            })
        })
        .collect()
}

/// Decodes each planned image and writes its tiles into its own output slice.
pub fn fill_all<P: TilingPipeline, T: Element>(
    pipeline: &P,
    loader: &Loader,
    jobs: Vec<(&Planned<'_>, &mut [T])>,
) -> Vec<Result<()>> {
    jobs.into_par_iter()
        .map(|(item, out)| {
            Error::catch_panic(|| {
                let pixels = loader.pixels(&item.opened)?;
                pipeline.process(pixels.view(), &item.plan, out)
            })
        })
        .collect()
}

/// One image end to end into a fresh buffer of `output_len` elements.
pub fn process_one<P: TilingPipeline, T: Element>(
    pipeline: &P,
    loader: &Loader,
    input: &ImageInput<'_>,
) -> Result<(Vec<T>, TilePlan)> {
    Error::catch_panic(|| {
        let opened = loader.open(input)?;
        let (w, h) = opened.size();
        let plan = pipeline.plan(w, h)?;
        let mut out = vec![T::default(); pipeline.output_len(&plan)];
        let pixels = loader.pixels(&opened)?;
        pipeline.process(pixels.view(), &plan, &mut out)?;
        Ok((out, plan))
    })
}

/// Borrows the `(offset, len)` ranges of `out`, which must be sorted and disjoint.
pub fn split_ranges<'o, T>(mut out: &'o mut [T], ranges: &[(usize, usize)]) -> Vec<&'o mut [T]> {
    let mut parts = Vec::with_capacity(ranges.len());
    let mut pos = 0;
    for &(offset, len) in ranges {
        let rest = std::mem::take(&mut out);
        let (_, rest) = rest.split_at_mut(offset - pos);
        let (part, rest) = rest.split_at_mut(len);
        parts.push(part);
        out = rest;
        pos = offset + len;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_ranges_skips_gaps() {
        let mut v: Vec<u8> = (0..10).collect();
        let parts = split_ranges(&mut v, &[(1, 2), (5, 3)]);
        assert_eq!(parts.len(), 2);
        assert_eq!(&*parts[0], &[1, 2]);
        assert_eq!(&*parts[1], &[5, 6, 7]);
    }
}

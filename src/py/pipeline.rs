//! `InternVL3Pipeline` and `MllamaPipeline`: thin faces over `tiling`, sharing one driver.

use bytemuck::Pod;
use half::{bf16, f16};
use numpy::{PyArray1, PyArrayDyn, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::image::load::{ImageInput, Loader};
use crate::image::resize::Filter;
use crate::py::error::at_index;
use crate::py::inputs::{hold, Held};
use crate::py::loader::PyImageLoader;
use crate::py::plan::PyTilePlan;
use crate::tiling::batch::{fill_all, plan_all, process_one, split_ranges, Planned};
use crate::tiling::{Element, InternVl3Config, MllamaConfig, TilePlan, TilingPipeline};

/// Output element type. bfloat16 comes back as uint16 bit patterns (numpy has no bfloat16);
/// the Python layer views them as `ml_dtypes.bfloat16` or torch's when available.
#[derive(Clone, Copy, Debug)]
enum DType {
    F32,
    F16,
    BF16,
}

impl DType {
    fn parse(s: &str) -> Result<Self> {
        match s {
            "float32" => Ok(DType::F32),
            "float16" => Ok(DType::F16),
            "bfloat16" => Ok(DType::BF16),
            other => Err(Error::invalid_argument(format!(
                "dtype must be \"float32\", \"float16\" or \"bfloat16\", got {other:?}"
            ))),
        }
    }
}

/// Calls `f::<P, T, E>(args)` with the dtype's element type `T` and the numpy storage type
/// `E` it is handed over in: the one place that maps a `DType` to types.
macro_rules! with_dtype {
    ($dtype:expr, $f:ident::<$p:ty>($($arg:expr),*)) => {
        match $dtype {
            DType::F32 => $f::<$p, f32, f32>($($arg),*),
            DType::F16 => $f::<$p, f16, f16>($($arg),*),
            DType::BF16 => $f::<$p, bf16, u16>($($arg),*),
        }
    };
}

pub fn parse_filter(name: &str) -> Result<Filter> {
    Ok(match name {
        "nearest" => Filter::Nearest,
        "box" => Filter::Box,
        "bilinear" => Filter::Bilinear,
        "hamming" => Filter::Hamming,
        "bicubic" => Filter::Bicubic,
        "lanczos" => Filter::Lanczos,
        other => {
            return Err(Error::invalid_argument(format!(
                "resample must be one of nearest, box, bilinear, hamming, bicubic, lanczos; got {other:?}"
            )))
        }
    })
}

/// Every input held, or the first one Python cannot hand over (with its index).
fn hold_all<'py>(images: &[Bound<'py, PyAny>]) -> PyResult<Vec<Held<'py>>> {
    first_error(images.iter().map(hold).collect())
}

fn inputs_of<'a>(held: &'a [Held<'_>]) -> PyResult<Vec<ImageInput<'a>>> {
    first_error(held.iter().map(Held::input).collect())
}

/// Raises the first item error, prefixed with its index.
fn first_error<T>(results: Vec<Result<T>>) -> PyResult<Vec<T>> {
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| at_index(i, &e)))
        .collect()
}

/// Allocates a zeroed array of `shape` and fills each item's `(offset, len)` range.
fn fill_array<'py, P: TilingPipeline, T: Element + Pod, E: numpy::Element + Pod>(
    py: Python<'py>,
    pipeline: &P,
    loader: &Loader,
    planned: &[Planned<'_>],
    ranges: &[(usize, usize)],
    shape: &[usize],
) -> PyResult<Bound<'py, PyAny>> {
    let covered: usize = ranges.iter().map(|&(_, len)| len).sum();
    let array = if P::WRITES_EVERY_ELEMENT && covered == shape.iter().product::<usize>() {
        // SAFETY: the ranges tile the whole array and the pipeline writes every element of
        // each, so no uninitialised element is ever read; if any image fails, the error is
        // raised below and the array is dropped without being handed to Python. Skipping
        // the zeroing saves faulting in fresh zero pages only to overwrite them.
        unsafe { PyArrayDyn::<E>::new(py, shape, false) }
    } else {
        PyArrayDyn::<E>::zeros(py, shape, false)
    };
    {
        let mut rw = array.readwrite();
        let out: &mut [T] = bytemuck::cast_slice_mut(rw.as_slice_mut()?);
        let jobs = planned.iter().zip(split_ranges(out, ranges)).collect();
        first_error(py.detach(|| fill_all(pipeline, loader, jobs)))?;
    }
    Ok(array.into_any())
}

fn fill_array_as<'py, P: TilingPipeline>(
    dtype: DType,
    py: Python<'py>,
    pipeline: &P,
    loader: &Loader,
    planned: &[Planned<'_>],
    ranges: &[(usize, usize)],
    shape: &[usize],
) -> PyResult<Bound<'py, PyAny>> {
    with_dtype!(
        dtype,
        fill_array::<P>(py, pipeline, loader, planned, ranges, shape)
    )
}

/// Each image on its own, in parallel: `(flat pixel values, TilePlan)` or the exception
/// instance (not raised), so one bad image never costs the others.
fn process_each<'py, P: TilingPipeline, T: Element + Pod, E: numpy::Element + Pod>(
    py: Python<'py>,
    pipeline: &P,
    loader: &Loader,
    images: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let held: Vec<Result<Held<'py>>> = images.iter().map(hold).collect();
    let inputs: Vec<Result<ImageInput<'_>>> = held
        .iter()
        .map(|h| h.as_ref().map_err(Clone::clone).and_then(Held::input))
        .collect();
    let outcomes: Vec<Result<(Vec<T>, TilePlan)>> = py.detach(|| {
        inputs
            .par_iter()
            .map(|input| {
                process_one::<P, T>(pipeline, loader, input.as_ref().map_err(Clone::clone)?)
            })
            .collect()
    });
    let items = outcomes
        .into_iter()
        .enumerate()
        .map(|(i, outcome)| match outcome {
            Ok((values, plan)) => {
                let bits: Vec<E> = bytemuck::allocation::cast_vec(values);
                let array = PyArray1::from_vec(py, bits).into_any();
                Ok((array, PyTilePlan::from(plan))
                    .into_pyobject(py)?
                    .into_any())
            }
            Err(err) => Ok(at_index(i, &err).into_value(py).into_bound(py).into_any()),
        });
    PyList::new(py, items.collect::<PyResult<Vec<_>>>()?)
}

fn process_each_as<'py, P: TilingPipeline>(
    dtype: DType,
    py: Python<'py>,
    pipeline: &P,
    loader: &Loader,
    images: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    with_dtype!(dtype, process_each::<P>(py, pipeline, loader, images))
}

/// The plan of one image from its header (or array shape) alone.
fn plan_image<P: TilingPipeline>(
    py: Python<'_>,
    pipeline: &P,
    loader: &Loader,
    image: &Bound<'_, PyAny>,
) -> PyResult<PyTilePlan> {
    let held = hold(image)?;
    let input = held.input()?;
    let plan = py.detach(|| {
        Error::catch_panic(|| {
            let (w, h) = loader.open(&input)?.size();
            pipeline.plan(w, h)
        })
    })?;
    Ok(plan.into())
}

fn loader_of(loader: Option<PyRef<'_, PyImageLoader>>) -> Loader {
    loader.map(|l| l.loader.clone()).unwrap_or_default()
}

/// InternVL3 preprocessing (see `vlmserve.InternVL3Preprocessor`).
#[pyclass(name = "InternVL3Pipeline", module = "vlmserve._core", frozen)]
pub struct PyInternVl3 {
    cfg: InternVl3Config,
    loader: Loader,
    dtype: DType,
}

#[pymethods]
impl PyInternVl3 {
    #[new]
    #[pyo3(signature = (*, tile_size=448, min_tiles=1, max_tiles=12, use_thumbnail=true,
        mean=None, std=None, resample="bicubic", dtype="float32", tokens_per_tile=256, loader=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        tile_size: usize,
        min_tiles: usize,
        max_tiles: usize,
        use_thumbnail: bool,
        mean: Option<[f32; 3]>,
        std: Option<[f32; 3]>,
        resample: &str,
        dtype: &str,
        tokens_per_tile: usize,
        loader: Option<PyRef<'_, PyImageLoader>>,
    ) -> PyResult<Self> {
        let defaults = InternVl3Config::default();
        let cfg = InternVl3Config {
            tile_size,
            min_tiles,
            max_tiles,
            use_thumbnail,
            filter: parse_filter(resample)?,
            mean: mean.unwrap_or(defaults.mean),
            std: std.unwrap_or(defaults.std),
            tokens_per_tile,
        };
        cfg.validate()?;
        Ok(PyInternVl3 {
            cfg,
            loader: loader_of(loader),
            dtype: DType::parse(dtype)?,
        })
    }

    /// The tile plan of one image, from its header alone.
    fn plan(&self, py: Python<'_>, image: &Bound<'_, PyAny>) -> PyResult<PyTilePlan> {
        plan_image(py, &self.cfg, &self.loader, image)
    }

    /// The tile plan of an image of this size.
    fn plan_for_size(&self, width: usize, height: usize) -> PyResult<PyTilePlan> {
        Ok(self.cfg.plan(width, height)?.into())
    }

    /// All images into one `(sum of tiles, 3, tile, tile)` array, plus tiles per image.
    fn process<'py>(
        &self,
        py: Python<'py>,
        images: Vec<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyAny>, Vec<usize>)> {
        let held = hold_all(&images)?;
        let inputs = inputs_of(&held)?;
        let planned = first_error(py.detach(|| plan_all(&self.cfg, &self.loader, &inputs)))?;
        let mut ranges = Vec::with_capacity(planned.len());
        let mut offset = 0;
        for p in &planned {
            let len = self.cfg.output_len(&p.plan);
            ranges.push((offset, len));
            offset += len;
        }
        let num_patches: Vec<usize> = planned.iter().map(|p| p.plan.num_tiles).collect();
        let ts = self.cfg.tile_size;
        let shape = [num_patches.iter().sum(), 3, ts, ts];
        let array = fill_array_as(
            self.dtype,
            py,
            &self.cfg,
            &self.loader,
            &planned,
            &ranges,
            &shape,
        )?;
        Ok((array, num_patches))
    }

    /// Each image on its own; a failing image yields its exception instead of raising.
    fn process_each<'py>(
        &self,
        py: Python<'py>,
        images: Vec<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        process_each_as(self.dtype, py, &self.cfg, &self.loader, images)
    }
}

/// Llama-3.2-Vision preprocessing (see `vlmserve.MllamaPreprocessor`).
#[pyclass(name = "MllamaPipeline", module = "vlmserve._core", frozen)]
pub struct PyMllama {
    cfg: MllamaConfig,
    loader: Loader,
    dtype: DType,
}

type MllamaBatch<'py> = (
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Vec<Vec<usize>>,
);

#[pymethods]
impl PyMllama {
    #[new]
    #[pyo3(signature = (*, tile_size=560, max_image_tiles=4, mean=None, std=None,
        resample="bilinear", dtype="float32", tokens_per_tile=1601, loader=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        tile_size: usize,
        max_image_tiles: usize,
        mean: Option<[f32; 3]>,
        std: Option<[f32; 3]>,
        resample: &str,
        dtype: &str,
        tokens_per_tile: usize,
        loader: Option<PyRef<'_, PyImageLoader>>,
    ) -> PyResult<Self> {
        let defaults = MllamaConfig::default();
        let cfg = MllamaConfig {
            tile_size,
            max_image_tiles,
            filter: parse_filter(resample)?,
            mean: mean.unwrap_or(defaults.mean),
            std: std.unwrap_or(defaults.std),
            tokens_per_tile,
        };
        cfg.validate()?;
        Ok(PyMllama {
            cfg,
            loader: loader_of(loader),
            dtype: DType::parse(dtype)?,
        })
    }

    fn plan(&self, py: Python<'_>, image: &Bound<'_, PyAny>) -> PyResult<PyTilePlan> {
        plan_image(py, &self.cfg, &self.loader, image)
    }

    /// The tile plan of an image of this size.
    fn plan_for_size(&self, width: usize, height: usize) -> PyResult<PyTilePlan> {
        Ok(self.cfg.plan(width, height)?.into())
    }

    /// Samples (lists of images) into HF's padded arrays: pixel_values
    /// `(batch, max_images, max_tiles, 3, tile, tile)`, aspect_ratio_ids `(batch, max_images)`,
    /// aspect_ratio_mask `(batch, max_images, max_tiles)` and num_tiles per image.
    fn process<'py>(
        &self,
        py: Python<'py>,
        samples: Vec<Vec<Bound<'py, PyAny>>>,
    ) -> PyResult<MllamaBatch<'py>> {
        let batch = samples.len();
        let max_images = samples.iter().map(Vec::len).max().unwrap_or(0);
        if batch == 0 || max_images == 0 {
            return Err(Error::invalid_argument("no images given; pass at least one image").into());
        }
        let flat: Vec<Bound<'py, PyAny>> = samples.iter().flatten().cloned().collect();
        let slots: Vec<usize> = samples
            .iter()
            .enumerate()
            .flat_map(|(i, s)| (0..s.len()).map(move |j| i * max_images + j))
            .collect();
        let held = hold_all(&flat)?;
        let inputs = inputs_of(&held)?;
        let planned = first_error(py.detach(|| plan_all(&self.cfg, &self.loader, &inputs)))?;
        let slot_len = self.cfg.slot_len();
        let ranges: Vec<(usize, usize)> = slots.iter().map(|&s| (s * slot_len, slot_len)).collect();
        let (tiles, ts) = (self.cfg.max_image_tiles, self.cfg.tile_size);
        let shape = [batch, max_images, tiles, 3, ts, ts];
        let pixel_values = fill_array_as(
            self.dtype,
            py,
            &self.cfg,
            &self.loader,
            &planned,
            &ranges,
            &shape,
        )?;

        let mut ids = vec![0i64; batch * max_images];
        let mut mask = vec![0i64; batch * max_images * tiles];
        for m in mask.chunks_exact_mut(tiles) {
            m[0] = 1;
        }
        let mut num_tiles = vec![Vec::new(); batch];
        for (&slot, p) in slots.iter().zip(&planned) {
            ids[slot] = p.plan.aspect_ratio_id as i64;
            mask[slot * tiles..slot * tiles + p.plan.num_tiles].fill(1);
            num_tiles[slot / max_images].push(p.plan.num_tiles);
        }
        let ids = PyArray1::from_vec(py, ids)
            .reshape([batch, max_images])?
            .into_any();
        let mask = PyArray1::from_vec(py, mask)
            .reshape([batch, max_images, tiles])?
            .into_any();
        Ok((pixel_values, ids, mask, num_tiles))
    }

    fn process_each<'py>(
        &self,
        py: Python<'py>,
        images: Vec<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        process_each_as(self.dtype, py, &self.cfg, &self.loader, images)
    }
}

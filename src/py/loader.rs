//! `ImageLoader`: the source policy and decode options, and decoding on its own.

use std::path::PathBuf;
use std::time::Duration;

use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;

use crate::error::Error;
use crate::image::decode::{AlphaMode, DecodeOptions, DEFAULT_MAX_PIXELS};
use crate::image::load::Loader;
use crate::image::source::{ImageSource, SourcePolicy};
use crate::py::inputs::hold;

/// Where images may come from and how they are decoded (see `vlmserve.ImageLoader`).
#[pyclass(name = "ImageLoader", module = "vlmserve._core", frozen)]
pub struct PyImageLoader {
    pub loader: Loader,
}

fn parse_alpha(alpha: &str) -> Result<AlphaMode, Error> {
    match alpha {
        "drop" => Ok(AlphaMode::Drop),
        "white" => Ok(AlphaMode::White),
        other => Err(Error::invalid_argument(format!(
            "alpha must be \"drop\" (like PIL convert(\"RGB\")) or \"white\", got {other:?}"
        ))),
    }
}

#[pymethods]
impl PyImageLoader {
    #[new]
    #[pyo3(signature = (*, allowed_roots=Vec::new(), allow_urls=false, allowed_hosts=Vec::new(),
        allow_private_networks=false, timeout_s=10.0, max_bytes=50 << 20, max_redirects=3,
        max_pixels=DEFAULT_MAX_PIXELS, alpha="drop", exif_orientation=true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        allowed_roots: Vec<PathBuf>,
        allow_urls: bool,
        allowed_hosts: Vec<String>,
        allow_private_networks: bool,
        timeout_s: f64,
        max_bytes: u64,
        max_redirects: usize,
        max_pixels: u64,
        alpha: &str,
        exif_orientation: bool,
    ) -> PyResult<Self> {
        if !(timeout_s.is_finite() && timeout_s > 0.0) {
            return Err(
                Error::invalid_argument(format!("timeout_s must be > 0, got {timeout_s}")).into(),
            );
        }
        let policy = SourcePolicy {
            allowed_roots,
            allow_urls,
            allowed_hosts,
            allow_private_networks,
            timeout: Duration::from_secs_f64(timeout_s),
            max_bytes,
            max_redirects,
        };
        let decode = DecodeOptions {
            max_pixels,
            alpha: parse_alpha(alpha)?,
            apply_exif_orientation: exif_orientation,
        };
        Ok(PyImageLoader {
            loader: Loader { policy, decode },
        })
    }

    /// Decodes one image to an (H, W, 3) uint8 array, as PIL's `convert("RGB")` would.
    fn load<'py>(&self, py: Python<'py>, image: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let held = hold(image)?;
        let input = held.input()?;
        let img = py.detach(|| {
            Error::catch_panic(|| {
                let opened = self.loader.open(&input)?;
                Ok(self.loader.pixels(&opened)?.into_owned())
            })
        })?;
        let (w, h) = (img.width, img.height);
        Ok(PyArray1::from_vec(py, img.pixels)
            .reshape([h, w, 3])?
            .into_any())
    }

    /// `(width, height)` after EXIF orientation, from the header alone.
    fn size(&self, py: Python<'_>, image: &Bound<'_, PyAny>) -> PyResult<(usize, usize)> {
        let held = hold(image)?;
        let input = held.input()?;
        Ok(py.detach(|| Error::catch_panic(|| Ok(self.loader.open(&input)?.size())))?)
    }

    fn __repr__(&self) -> String {
        let p = &self.loader.policy;
        format!(
            "ImageLoader(allowed_roots={:?}, allow_urls={}, allowed_hosts={:?}, allow_private_networks={}, max_pixels={})",
            p.allowed_roots, p.allow_urls, p.allowed_hosts, p.allow_private_networks, self.loader.decode.max_pixels
        )
    }
}

/// How the core reads a string input: `"path"`, `"url"`, `"base64"` or `"data_url"`.
#[pyfunction]
pub fn source_kind(text: &str) -> PyResult<&'static str> {
    Ok(Error::catch_panic(|| Ok(ImageSource::guess(text).kind()))?)
}

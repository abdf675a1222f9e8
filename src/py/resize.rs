//! Pillow-exact resize of an RGB array, exposed for users and for the parity tests.

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray3, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::error::Error;
use crate::image::resize::resize as resize_rgb;
use crate::image::RgbRef;
use crate::py::pipeline::parse_filter;

/// `PIL.Image.fromarray(a).resize(size, resample)` for an (H, W, 3) uint8 array, bit-exact
/// with Pillow 13.0. `size` is `(width, height)` as in PIL.
#[pyfunction]
#[pyo3(signature = (array, size, resample="bicubic"))]
pub fn resize<'py>(
    py: Python<'py>,
    array: PyReadonlyArray3<'py, u8>,
    size: (usize, usize),
    resample: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let filter = parse_filter(resample)?;
    let shape = array.shape();
    if shape[2] != 3 {
        return Err(
            Error::invalid_argument(format!("array shape is {shape:?}; pass (H, W, 3)")).into(),
        );
    }
    let (h, w) = (shape[0], shape[1]);
    let data = array.as_slice()?;
    let out = py.detach(|| {
        Error::catch_panic(|| resize_rgb(RgbRef::new(w, h, data), size.0, size.1, filter))
    })?;
    Ok(PyArray1::from_vec(py, out.pixels)
        .reshape([size.1, size.0, 3])?
        .into_any())
}

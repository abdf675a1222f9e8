//! Python objects to `ImageInput`s. Arrays are borrowed (read-only) for the duration of the
//! call, so their pixels are never copied.

use numpy::{
    PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

use crate::error::{Error, Result};
use crate::image::load::ImageInput;
use crate::image::source::ImageSource;

/// A Python input kept alive (and, for arrays, borrowed) while the core works on it.
pub enum Held<'py> {
    Source(ImageSource),
    Array(PyReadonlyArrayDyn<'py, u8>),
}

const ACCEPTED: &str = "pass bytes, a str (path, http(s) URL, base64 or data URL), a \
pathlib.Path, a uint8 numpy array (HxW, HxWx3, HxWx4) or a PIL image";

/// A Python error met while reading an input (a failing `tobytes`, a bad path object).
fn python_error(err: PyErr) -> Error {
    Error::invalid_argument(format!("could not read the image input: {err}"))
}

pub fn hold<'py>(obj: &Bound<'py, PyAny>) -> Result<Held<'py>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Held::Source(ImageSource::Bytes(b.as_bytes().to_vec())));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Held::Source(ImageSource::Bytes(b.to_vec())));
    }
    if obj.cast::<PyMemoryView>().is_ok() {
        let bytes: Vec<u8> = obj
            .call_method0("tobytes")
            .and_then(|b| b.extract())
            .map_err(python_error)?;
        return Ok(Held::Source(ImageSource::Bytes(bytes)));
    }
    if obj.cast::<PyString>().is_ok() {
        let s: String = obj.extract().map_err(python_error)?;
        return Ok(Held::Source(ImageSource::guess(&s)));
    }
    if let Ok(arr) = obj.cast::<PyUntypedArray>() {
        return hold_array(obj.py(), arr);
    }
    if obj.hasattr("__fspath__").map_err(python_error)? {
        let path: std::path::PathBuf = obj.extract().map_err(python_error)?;
        return Ok(Held::Source(ImageSource::Path(path)));
    }
    let type_name = obj.get_type().name().map_err(python_error)?;
    Err(Error::invalid_argument(format!(
        "unsupported image input of type {type_name}; {ACCEPTED}"
    )))
}

fn hold_array<'py>(py: Python<'py>, arr: &Bound<'py, PyUntypedArray>) -> Result<Held<'py>> {
    let dtype = arr.dtype();
    if !dtype.is_equiv_to(&numpy::dtype::<u8>(py)) {
        return Err(Error::invalid_argument(format!(
            "array dtype is {dtype}; pass uint8 pixels (for floats in [0, 1]: (a * 255).round().astype(np.uint8))"
        )));
    }
    let ndim = arr.ndim();
    if !(ndim == 2 || (ndim == 3 && (1..=4).contains(&arr.shape()[2]))) {
        return Err(Error::invalid_argument(format!(
            "array shape is {:?}; pass HxW, HxWx1, HxWx2, HxWx3 or HxWx4",
            arr.shape()
        )));
    }
    let typed = arr
        .cast::<PyArrayDyn<u8>>()
        .map_err(|e| python_error(e.into()))?;
    if !typed.is_c_contiguous() {
        return Err(Error::invalid_argument(
            "array is not C-contiguous; pass np.ascontiguousarray(a)",
        ));
    }
    Ok(Held::Array(typed.readonly()))
}

impl Held<'_> {
    pub fn input(&self) -> Result<ImageInput<'_>> {
        match self {
            Held::Source(src) => Ok(ImageInput::Source(src)),
            Held::Array(arr) => {
                let shape = arr.shape();
                Ok(ImageInput::Pixels {
                    data: arr.as_slice().map_err(|e| python_error(e.into()))?,
                    width: shape[1],
                    height: shape[0],
                    channels: shape.get(2).copied().unwrap_or(1),
                })
            }
        }
    }
}

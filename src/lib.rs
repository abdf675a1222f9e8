//! vlmserve core: image preprocessing for VLM serving (and, as it grows, batching,
//! CUDA allocator tuning and resilient generation). Pure Rust; the Python bindings live
//! in `py` behind the `python` feature so `cargo test` needs no interpreter.

pub mod batching;
pub mod error;
pub mod image;
pub mod tiling;

#[cfg(feature = "python")]
mod py;

pub use error::{Error, Result};

/// The `vlmserve._core` extension module: registration only.
#[cfg(feature = "python")]
#[pyo3::pymodule]
fn _core(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
    py::register(m)
}

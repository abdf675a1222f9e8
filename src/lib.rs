//! vlmserve core: image preprocessing, cost-budget batching, CUDA allocator tuning and
//! resilient generation for VLM serving. Pure Rust; the Python bindings live
//! in `py` behind the `python` feature so `cargo test` needs no interpreter.

pub mod batching;
pub mod cuda;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod image;
pub mod resilience;
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

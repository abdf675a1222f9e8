//! PyO3 bindings: thin wrappers over the pure-Rust modules. Nothing else in the crate
//! touches Python.

mod batching;
mod cuda;
mod error;
mod extract;
mod fetch;
mod inputs;
mod loader;
mod pipeline;
mod plan;
mod resilience;
mod resize;

use pyo3::prelude::*;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    pyo3_log::init();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<loader::PyImageLoader>()?;
    m.add_class::<plan::PyTilePlan>()?;
    m.add_class::<pipeline::PyInternVl3>()?;
    m.add_class::<pipeline::PyMllama>()?;
    m.add_function(wrap_pyfunction!(resize::resize, m)?)?;
    m.add_function(wrap_pyfunction!(loader::source_kind, m)?)?;
    resilience::register(m)?;
    cuda::register(m)?;
    batching::register(m)?;
    extract::register(m)?;
    fetch::register(m)?;
    Ok(())
}

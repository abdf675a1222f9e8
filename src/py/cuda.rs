//! `vlmserve.cuda` as seen from Python: thin wrappers over `crate::cuda`.

use std::time::Instant;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::cuda::{self, BudgetInput, DefragPolicy, DeviceInfo, FragmentationReport, MemoryStats};
use crate::error::Error;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDeviceInfo>()?;
    m.add_class::<PyFragmentationReport>()?;
    m.add_class::<PyDefragmenter>()?;
    m.add_function(wrap_pyfunction!(cuda_devices, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_device, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_allocator_advice, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_fragmentation, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_memory_budget, m)?)?;
    Ok(())
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// A byte count from Python: negative values are the caller's mistake, not an overflow.
fn bytes(name: &str, value: i128) -> PyResult<u64> {
    u64::try_from(value).map_err(|_| {
        Error::invalid_argument(format!(
            "{name} is {value}; pass a byte count in [0, 2**64)"
        ))
        .into()
    })
}

fn py_opt<T: std::fmt::Debug>(v: &Option<T>) -> String {
    v.as_ref().map_or("None".to_string(), |x| format!("{x:?}"))
}

/// One CUDA device: from `devices()`, or described by hand for advice and budgets.
#[pyclass(name = "DeviceInfo", module = "vlmserve._core", frozen, eq)]
#[derive(PartialEq)]
pub struct PyDeviceInfo(DeviceInfo);

#[pymethods]
impl PyDeviceInfo {
    #[new]
    #[pyo3(signature = (name, compute_capability, total_bytes, *, free_bytes=None, index=0, driver_version=None))]
    fn new(
        name: String,
        compute_capability: (u32, u32),
        total_bytes: i128,
        free_bytes: Option<i128>,
        index: u32,
        driver_version: Option<(u32, u32)>,
    ) -> PyResult<Self> {
        let total_bytes = bytes("total_bytes", total_bytes)?;
        let free_bytes = free_bytes.map(|f| bytes("free_bytes", f)).transpose()?;
        if free_bytes.is_some_and(|f| f > total_bytes) {
            return Err(Error::invalid_argument(format!(
                "free_bytes={free_bytes:?} exceeds total_bytes={total_bytes}; pass free_bytes <= total_bytes"
            ))
            .into());
        }
        Ok(PyDeviceInfo(DeviceInfo {
            index,
            name,
            compute_capability,
            total_bytes,
            free_bytes,
            driver_version,
        }))
    }
    #[getter]
    fn index(&self) -> u32 {
        self.0.index
    }
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    #[getter]
    fn compute_capability(&self) -> (u32, u32) {
        self.0.compute_capability
    }
    #[getter]
    fn total_bytes(&self) -> u64 {
        self.0.total_bytes
    }
    #[getter]
    fn free_bytes(&self) -> Option<u64> {
        self.0.free_bytes
    }
    #[getter]
    fn driver_version(&self) -> Option<(u32, u32)> {
        self.0.driver_version
    }
    fn __repr__(&self) -> String {
        let d = &self.0;
        format!(
            "DeviceInfo(index={}, name={:?}, compute_capability={:?}, total_bytes={}, free_bytes={}, driver_version={})",
            d.index, d.name, d.compute_capability, d.total_bytes, py_opt(&d.free_bytes), py_opt(&d.driver_version)
        )
    }
}

/// Every visible CUDA device; `[]` where libcuda or a GPU is absent.
#[pyfunction]
fn cuda_devices(py: Python<'_>) -> PyResult<Vec<PyDeviceInfo>> {
    let all = py.detach(cuda::devices)?;
    Ok(all.into_iter().map(PyDeviceInfo).collect())
}

/// Device `index`, or `None` if there is no such device.
#[pyfunction]
fn cuda_device(py: Python<'_>, index: usize) -> PyResult<Option<PyDeviceInfo>> {
    Ok(py.detach(|| cuda::device(index))?.map(PyDeviceInfo))
}

/// `(config, reasons)` for `device`; `None` gets the conservative default.
#[pyfunction]
#[pyo3(signature = (device=None))]
fn cuda_allocator_advice(device: Option<PyRef<'_, PyDeviceInfo>>) -> (String, Vec<String>) {
    let advice = cuda::advise(device.as_deref().map(|d| &d.0));
    (advice.config, advice.reasons)
}

/// Reads one counter; a missing key counts as 0 unless `required`.
fn stat(stats: &Bound<'_, PyDict>, key: &str, required: bool) -> PyResult<u64> {
    match stats.get_item(key)? {
        Some(v) => v.extract::<u64>().map_err(|_| {
            Error::invalid_argument(format!(
                "stats[{key:?}] is {v}; expected a non-negative int"
            ))
            .into()
        }),
        None if required => Err(Error::invalid_argument(format!(
            "stats has no {key:?}; pass the dict torch.cuda.memory_stats(device) returns"
        ))
        .into()),
        None => Ok(0),
    }
}

/// The counters used from a `torch.cuda.memory_stats()` dict. An empty dict (what torch
/// returns before CUDA is initialised) reads as nothing reserved.
fn memory_stats(stats: &Bound<'_, PyDict>) -> PyResult<MemoryStats> {
    let required = !stats.is_empty();
    Ok(MemoryStats {
        allocated_bytes: stat(stats, "allocated_bytes.all.current", required)?,
        reserved_bytes: stat(stats, "reserved_bytes.all.current", required)?,
        active_bytes: stat(stats, "active_bytes.all.current", false)?,
        inactive_split_bytes: stat(stats, "inactive_split_bytes.all.current", false)?,
        alloc_retries: stat(stats, "num_alloc_retries", false)?,
        ooms: stat(stats, "num_ooms", false)?,
    })
}

/// Fragmentation of PyTorch's caching allocator at one moment.
#[pyclass(name = "FragmentationReport", module = "vlmserve._core", frozen)]
pub struct PyFragmentationReport(FragmentationReport);

#[pymethods]
impl PyFragmentationReport {
    /// `1 - allocated / reserved` (0.0 when nothing is reserved).
    #[getter]
    fn fragmentation(&self) -> f64 {
        self.0.fragmentation
    }
    /// `inactive_split / reserved`: waste `empty_cache` cannot release.
    #[getter]
    fn inactive_split_fraction(&self) -> f64 {
        self.0.inactive_split_fraction
    }
    /// Roughly what `empty_cache` could give back: `reserved - max(active, allocated) - inactive_split`.
    #[getter]
    fn releasable_bytes(&self) -> u64 {
        self.0.releasable_bytes
    }
    #[getter]
    fn allocated_bytes(&self) -> u64 {
        self.0.allocated_bytes
    }
    #[getter]
    fn reserved_bytes(&self) -> u64 {
        self.0.reserved_bytes
    }
    #[getter]
    fn inactive_split_bytes(&self) -> u64 {
        self.0.inactive_split_bytes
    }
    #[getter]
    fn alloc_retries(&self) -> u64 {
        self.0.alloc_retries
    }
    #[getter]
    fn num_ooms(&self) -> u64 {
        self.0.ooms
    }
    fn __repr__(&self) -> String {
        let r = &self.0;
        format!(
            "FragmentationReport(fragmentation={:.4}, inactive_split_fraction={:.4}, releasable_bytes={}, allocated_bytes={}, reserved_bytes={}, alloc_retries={}, num_ooms={})",
            r.fragmentation, r.inactive_split_fraction, r.releasable_bytes, r.allocated_bytes,
            r.reserved_bytes, r.alloc_retries, r.ooms
        )
    }
}

#[pyfunction]
fn cuda_fragmentation(stats: &Bound<'_, PyDict>) -> PyResult<PyFragmentationReport> {
    Ok(PyFragmentationReport(cuda::fragmentation(&memory_stats(
        stats,
    )?)))
}

/// The defragmentation trigger; `vlmserve.cuda.Defragmenter` subclasses it.
#[pyclass(name = "Defragmenter", module = "vlmserve._core", subclass)]
pub struct PyDefragmenter {
    inner: cuda::Defragmenter,
    /// Origin of the default clock (`now=None`): monotonic, immune to wall-clock jumps.
    origin: Instant,
}

#[pymethods]
impl PyDefragmenter {
    #[new]
    #[pyo3(signature = (threshold=0.3, *, hysteresis=0.1, min_interval_s=30.0, min_reserved_bytes=512 << 20))]
    fn new(
        threshold: f64,
        hysteresis: f64,
        min_interval_s: f64,
        min_reserved_bytes: u64,
    ) -> PyResult<Self> {
        let policy = DefragPolicy {
            threshold,
            hysteresis,
            min_interval_s,
            min_reserved_bytes,
        };
        Ok(PyDefragmenter {
            inner: cuda::Defragmenter::new(policy)?,
            origin: Instant::now(),
        })
    }

    /// Whether to release the cache now; a `True` answer counts as a run.
    #[pyo3(signature = (stats, now=None))]
    fn should_run(&mut self, stats: &Bound<'_, PyDict>, now: Option<f64>) -> PyResult<bool> {
        let report = cuda::fragmentation(&memory_stats(stats)?);
        let now = now.unwrap_or_else(|| self.origin.elapsed().as_secs_f64());
        Ok(self.inner.should_run(&report, now))
    }
    #[getter]
    fn runs(&self) -> u64 {
        self.inner.runs()
    }
    #[getter]
    fn armed(&self) -> bool {
        self.inner.armed()
    }
    #[getter]
    fn threshold(&self) -> f64 {
        self.inner.policy.threshold
    }
    #[getter]
    fn hysteresis(&self) -> f64 {
        self.inner.policy.hysteresis
    }
    #[getter]
    fn min_interval_s(&self) -> f64 {
        self.inner.policy.min_interval_s
    }
    #[getter]
    fn min_reserved_bytes(&self) -> u64 {
        self.inner.policy.min_reserved_bytes
    }
    fn __repr__(&self) -> String {
        let p = &self.inner.policy;
        format!(
            "Defragmenter(threshold={:?}, hysteresis={:?}, min_interval_s={:?}, min_reserved_bytes={}, runs={}, armed={})",
            p.threshold, p.hysteresis, p.min_interval_s, p.min_reserved_bytes,
            self.inner.runs(), py_bool(self.inner.armed())
        )
    }
}

/// `max(0, floor((free - ceil(headroom * total) - model) / per_cost))`.
#[pyfunction]
#[pyo3(signature = (*, model_bytes, per_cost_bytes, free_bytes, total_bytes, headroom))]
fn cuda_memory_budget(
    model_bytes: i128,
    per_cost_bytes: i128,
    free_bytes: i128,
    total_bytes: i128,
    headroom: f64,
) -> PyResult<u64> {
    Ok(cuda::memory_budget(&BudgetInput {
        free_bytes: bytes("free_bytes", free_bytes)?,
        total_bytes: bytes("total_bytes", total_bytes)?,
        model_bytes: bytes("model_bytes", model_bytes)?,
        per_cost_bytes: bytes("per_cost_bytes", per_cost_bytes)?,
        headroom,
    })?)
}

//! Device inventory through the CUDA driver API (cudarc, `dynamic-loading`).
//!
//! cudarc PANICS instead of returning an error when libcuda cannot be loaded (and when a
//! symbol is missing from an older driver), so every entry point here (1) checks once
//! whether the library loads at all, (2) calls `cuInit`, (3) counts devices, and only then
//! touches a device, all inside `catch_unwind`. `DriverError`s are formatted by their
//! code: their `Display` calls back into libcuda.

use std::ffi::c_int;
use std::sync::OnceLock;

use cudarc::driver::result::{self, DriverError};
use cudarc::driver::sys::{self, CUdevice, CUdevice_attribute, CUresult};

use super::DeviceInfo;
use crate::error::{Error, Result};

/// Whether libcuda can be loaded; probed once per process (a `dlopen`, no driver call).
fn culib_present() -> bool {
    static PRESENT: OnceLock<bool> = OnceLock::new();
    *PRESENT.get_or_init(|| {
        // SAFETY: only tries to dlopen the candidate library names and closes them again.
        let present = unsafe { sys::is_culib_present() };
        if !present {
            log::info!("libcuda not found: no CUDA devices (CPU-only machine?)");
        }
        present
    })
}

/// The error's code name and number, without calling into libcuda.
fn code(e: DriverError) -> String {
    format!("{:?} ({})", e.0, e.0 as u32)
}

fn cuda_error(call: &str, e: DriverError) -> Error {
    Error::Cuda(format!("{call} failed: {}", code(e)))
}

/// Runs a driver-touching closure, turning a cudarc panic into `Error::Cuda` (a missing
/// symbol means the driver is older than the bindings, not a bug in vlmserve).
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    Error::catch_panic(f).map_err(|e| match e {
        Error::Internal(msg) => Error::Cuda(format!(
            "the CUDA driver call panicked ({msg}); the driver may be older than CUDA 12.8's API: update it"
        )),
        other => other,
    })
}

/// Number of visible CUDA devices; `Ok(0)` without libcuda or without a device.
pub fn device_count() -> Result<usize> {
    guarded(count_unguarded)
}

fn count_unguarded() -> Result<usize> {
    if !culib_present() {
        return Ok(0);
    }
    match result::init() {
        Ok(()) => {}
        // Also what `CUDA_VISIBLE_DEVICES=""` gives: a driver, but nothing to use.
        Err(e) if e.0 == CUresult::CUDA_ERROR_NO_DEVICE => return Ok(0),
        Err(e) => return Err(cuda_error("cuInit", e)),
    }
    let n = result::device::get_count().map_err(|e| cuda_error("cuDeviceGetCount", e))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Every visible device; `Ok(vec![])` on a machine without libcuda or a GPU.
pub fn devices() -> Result<Vec<DeviceInfo>> {
    guarded(|| (0..count_unguarded()?).map(query).collect())
}

/// Device `index`, or `None` if there is no such device (or no GPU at all).
pub fn device(index: usize) -> Result<Option<DeviceInfo>> {
    guarded(|| {
        if index >= count_unguarded()? {
            return Ok(None);
        }
        query(index).map(Some)
    })
}

/// Describes one device. Only called after `cuInit` succeeded and `index < count`.
fn query(index: usize) -> Result<DeviceInfo> {
    let ordinal =
        c_int::try_from(index).map_err(|_| Error::invalid_argument("device index too large"))?;
    let dev = result::device::get(ordinal).map_err(|e| cuda_error("cuDeviceGet", e))?;
    let name = result::device::get_name(dev).map_err(|e| cuda_error("cuDeviceGetName", e))?;
    // SAFETY (all three): `dev` came from `device::get`.
    let total =
        unsafe { result::device::total_mem(dev) }.map_err(|e| cuda_error("cuDeviceTotalMem", e))?;
    let major = unsafe {
        attribute(
            dev,
            CUdevice_attribute::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
        )
    }?;
    let minor = unsafe {
        attribute(
            dev,
            CUdevice_attribute::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
        )
    }?;
    let free_bytes = match unsafe { free_bytes(dev) } {
        Ok(free) => Some(free),
        // A busy exclusive-process device still has a name and a size worth reporting.
        Err(e) => {
            log::warn!("device {index} ({name}): free memory unknown, {}", code(e));
            None
        }
    };
    Ok(DeviceInfo {
        index: index as u32,
        name,
        compute_capability: (major, minor),
        total_bytes: total as u64,
        free_bytes,
        driver_version: driver_version(),
    })
}

/// # Safety
/// `dev` must come from `device::get`.
unsafe fn attribute(dev: CUdevice, attr: CUdevice_attribute) -> Result<u32> {
    let value = result::device::get_attribute(dev, attr)
        .map_err(|e| cuda_error("cuDeviceGetAttribute", e))?;
    Ok(u32::try_from(value).unwrap_or(0))
}

/// Free bytes on `dev`. `cuMemGetInfo` needs a current context: this borrows the device's
/// primary context (the one PyTorch's runtime uses too, so no second context is created
/// when torch is already running) and restores the caller's current context afterwards.
///
/// # Safety
/// `dev` must come from `device::get`.
unsafe fn free_bytes(dev: CUdevice) -> std::result::Result<u64, DriverError> {
    let previous = result::ctx::get_current()?;
    let ctx = result::primary_ctx::retain(dev)?;
    let info = result::ctx::set_current(ctx).and_then(|()| result::mem_get_info());
    // Best effort: failing to restore/release must not hide the answer or the first error.
    let _ = result::ctx::set_current(previous.unwrap_or(std::ptr::null_mut()));
    let _ = result::primary_ctx::release(dev);
    info.map(|(free, _total)| free as u64)
}

/// `(major, minor)` of the CUDA version the driver supports (12080 -> (12, 8)).
fn driver_version() -> Option<(u32, u32)> {
    let mut version: c_int = 0;
    // SAFETY: writes one int; only reached after `cuInit` succeeded.
    unsafe { sys::cuDriverGetVersion(&mut version) }
        .result()
        .ok()?;
    let v = u32::try_from(version).ok()?;
    Some((v / 1000, (v % 1000) / 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// These tests describe the CI machines: no libcuda. On a GPU machine they check that
    /// the inventory is consistent instead.
    #[test]
    fn inventory_never_panics_and_is_consistent() {
        let count = device_count().expect("device_count");
        let all = devices().expect("devices");
        assert_eq!(all.len(), count);
        assert_eq!(device(count).expect("device past the end"), None);
        for (i, d) in all.iter().enumerate() {
            assert_eq!(d.index as usize, i);
            assert!(d.total_bytes > 0);
            assert!(d.free_bytes.is_none_or(|f| f <= d.total_bytes));
        }
    }

    #[test]
    fn no_libcuda_means_no_devices() {
        if culib_present() {
            return; // a GPU machine: covered by the consistency test
        }
        assert_eq!(devices(), Ok(vec![]));
        assert_eq!(device_count(), Ok(0));
        assert_eq!(device(0), Ok(None));
    }

    #[test]
    fn driver_errors_are_formatted_by_code() {
        let msg = code(DriverError(CUresult::CUDA_ERROR_NO_DEVICE));
        assert_eq!(msg, "CUDA_ERROR_NO_DEVICE (100)");
    }

    #[test]
    fn panics_become_cuda_errors() {
        let err = guarded::<()>(|| panic!("Unable to dynamically load the cuda shared library"))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Cuda(m) if m.contains("dynamically load")),
            "{err:?}"
        );
    }
}

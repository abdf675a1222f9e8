//! What the allocator advice and the budget need to know about one GPU.

/// One gibibyte.
pub const GIB: u64 = 1 << 30;

/// One CUDA device as the driver describes it. Built by [`super::devices`], or by hand
/// (tests, or advice for a machine other than this one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// CUDA ordinal (as seen through `CUDA_VISIBLE_DEVICES`).
    pub index: u32,
    pub name: String,
    /// `(major, minor)`: 7.0 is Volta (V100), 7.5 Turing (T4), 8.x Ampere, 9.0 Hopper.
    pub compute_capability: (u32, u32),
    pub total_bytes: u64,
    /// Free memory when queried; `None` if it could not be read (e.g. the device is in
    /// exclusive-process mode and another process holds it) or was not given.
    pub free_bytes: Option<u64>,
    /// CUDA version the driver supports, `(major, minor)`, e.g. `(12, 8)`.
    pub driver_version: Option<(u32, u32)>,
}

impl DeviceInfo {
    /// A description with only what the advice rules look at.
    pub fn described(name: &str, compute_capability: (u32, u32), total_bytes: u64) -> Self {
        DeviceInfo {
            index: 0,
            name: name.to_string(),
            compute_capability,
            total_bytes,
            free_bytes: None,
            driver_version: None,
        }
    }
}

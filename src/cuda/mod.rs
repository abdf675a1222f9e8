//! CUDA allocator tuning: device inventory through cudarc (libcuda is loaded at run time,
//! so everything here works, and answers "no device", on a machine without a GPU),
//! `PYTORCH_CUDA_ALLOC_CONF` advice per device, fragmentation measured from PyTorch's
//! allocator statistics, a defragmentation trigger with hysteresis, and batch budgets
//! derived from free memory.
//!
//! Only `driver.rs` talks to the GPU; the rest are pure functions over plain numbers so
//! they are tested without one.

pub mod advice;
pub mod budget;
pub mod device;
pub mod driver;
pub mod fragmentation;

pub use advice::{advise, Advice, Rule, RULES};
pub use budget::{memory_budget, BudgetInput};
pub use device::{DeviceInfo, GIB};
pub use driver::{device, device_count, devices};
pub use fragmentation::{
    fragmentation, DefragPolicy, Defragmenter, FragmentationReport, MemoryStats,
};

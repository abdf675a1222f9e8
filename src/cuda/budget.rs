//! The batcher's cost budget derived from free GPU memory.
//!
//! ```text
//! reserve = ceil(headroom * total_bytes)
//! budget  = max(0, floor((free_bytes - reserve - model_bytes) / per_cost_bytes))
//! ```
//! `model_bytes` is what the model will still allocate (weights not yet loaded, workspace):
//! pass 0 once it is loaded, since `free_bytes` then already accounts for it. `headroom`
//! keeps a fraction of the card for the CUDA context, the allocator's rounding and
//! fragmentation. A budget of 0 means no batch fits: the caller should raise
//! `OutOfMemory` or fall back to the CPU, never run a batch "of at least one".

use crate::error::{Error, Result};

/// The inputs of [`memory_budget`], all in bytes except `headroom` (a fraction of total).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BudgetInput {
    pub free_bytes: u64,
    pub total_bytes: u64,
    pub model_bytes: u64,
    /// GPU bytes one unit of request cost takes (e.g. one image tile's activations + KV).
    pub per_cost_bytes: u64,
    pub headroom: f64,
}

impl BudgetInput {
    fn validate(&self) -> Result<()> {
        if self.per_cost_bytes == 0 {
            return Err(Error::invalid_argument(
                "per_cost_bytes is 0; pass the GPU bytes one unit of cost takes (> 0)",
            ));
        }
        if !(self.headroom >= 0.0 && self.headroom < 1.0) {
            return Err(Error::invalid_argument(format!(
                "headroom is {}; pass a fraction of total memory in [0, 1)",
                self.headroom
            )));
        }
        if self.total_bytes == 0 || self.free_bytes > self.total_bytes {
            return Err(Error::invalid_argument(format!(
                "free_bytes={} and total_bytes={}; pass 0 < total_bytes and free_bytes <= total_bytes",
                self.free_bytes, self.total_bytes
            )));
        }
        Ok(())
    }

    /// `ceil(headroom * total)`; exact enough: f64 holds byte counts to 8 PiB exactly.
    fn reserve_bytes(&self) -> u64 {
        (self.headroom * self.total_bytes as f64).ceil() as u64
    }
}

/// The largest total batch cost that fits (see the module docs for the formula).
pub fn memory_budget(input: &BudgetInput) -> Result<u64> {
    input.validate()?;
    // i128: the subtraction may go negative (no batch fits), and nothing can overflow.
    let usable = i128::from(input.free_bytes)
        - i128::from(input.reserve_bytes())
        - i128::from(input.model_bytes);
    let budget = (usable.max(0) / i128::from(input.per_cost_bytes)) as u64;
    log::debug!(
        "memory budget {budget}: free {} - reserve {} - model {} over {} per cost",
        input.free_bytes,
        input.reserve_bytes(),
        input.model_bytes,
        input.per_cost_bytes
    );
    Ok(budget)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cuda::GIB;

    const MIB: u64 = 1 << 20;

    fn input(free: u64, total: u64, model: u64, per_cost: u64, headroom: f64) -> BudgetInput {
        BudgetInput {
            free_bytes: free,
            total_bytes: total,
            model_bytes: model,
            per_cost_bytes: per_cost,
            headroom,
        }
    }

    #[test]
    fn v100_32gb_with_internvl3_8b() {
        // 30 GiB free, 32 GiB card, 16 GiB of bf16 weights to load, 300 MiB per tile:
        // (30 GiB - 3.2 GiB - 16 GiB) / 300 MiB = 11059.2 MiB / 300 MiB = 36.86 -> 36.
        let b = memory_budget(&input(30 * GIB, 32 * GIB, 16 * GIB, 300 * MIB, 0.1));
        assert_eq!(b, Ok(36));
    }

    #[test]
    fn loaded_model_passes_zero() {
        // 10 GiB free, 10% of 16 GiB held back (1717986919 bytes, rounded up).
        let b = memory_budget(&input(10 * GIB, 16 * GIB, 0, GIB, 0.1)).unwrap();
        assert_eq!(b, (10 * GIB - 1_717_986_919) / GIB);
        assert_eq!(b, 8);
    }

    #[test]
    fn floors_and_exact_fit() {
        assert_eq!(memory_budget(&input(1000, 1000, 0, 100, 0.0)), Ok(10));
        assert_eq!(memory_budget(&input(999, 1000, 0, 100, 0.0)), Ok(9));
    }

    #[test]
    fn clamps_at_zero_when_nothing_fits() {
        assert_eq!(
            memory_budget(&input(GIB, 16 * GIB, 16 * GIB, MIB, 0.1)),
            Ok(0)
        );
        assert_eq!(memory_budget(&input(0, 16 * GIB, 0, 1, 0.0)), Ok(0));
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        assert_eq!(
            memory_budget(&input(u64::MAX, u64::MAX, 0, 1, 0.0)),
            Ok(u64::MAX)
        );
        assert_eq!(
            memory_budget(&input(u64::MAX, u64::MAX, u64::MAX, 1, 0.0)),
            Ok(0)
        );
    }

    #[test]
    fn bad_inputs_are_invalid_arguments() {
        let bad = |i: BudgetInput| matches!(memory_budget(&i), Err(Error::InvalidArgument(_)));
        assert!(bad(input(GIB, 2 * GIB, 0, 0, 0.1)));
        assert!(bad(input(GIB, 2 * GIB, 0, 1, 1.0)));
        assert!(bad(input(GIB, 2 * GIB, 0, 1, -0.1)));
        assert!(bad(input(GIB, 2 * GIB, 0, 1, f64::NAN)));
        assert!(bad(input(3 * GIB, 2 * GIB, 0, 1, 0.1)));
        assert!(bad(input(0, 0, 0, 1, 0.1)));
    }
}

//! Resilient generation: the out-of-memory recovery ladder and the batch cost it learns.
//!
//! Generating on a memory-tight GPU sometimes dies with CUDA out-of-memory. Rather than
//! fail the batch, the caller walks a ladder of recoveries ([`Tier`]): release cached
//! memory, split the batch, shrink the work per item, reload the model, fall back to the
//! CPU. [`OomLadder`] decides *what* to do next and keeps the books (every item gets exactly
//! one result or error); the caller does it (runs the model, calls hooks) and reports back.
//! Nothing here knows Python: `src/py/resilience.rs` and `vlmserve/resilience.py` drive it.
//!
//! [`SafeCost`] remembers the largest batch cost that ran and the smallest that ran out of
//! memory, so the batcher can stop forming batches that are known to fail.

mod ladder;
mod limits;
mod tier;

#[cfg(test)]
mod tests;

pub use ladder::{Device, Event, EventKind, OomLadder, Outcome, ParamsId, Step, MAX_SHRINKS};
pub use limits::SafeCost;
pub use tier::{resolve_tiers, Hooks, Tier};

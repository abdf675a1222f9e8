//! Cost-budget dynamic batcher.
//!
//! Requests queue by priority (FIFO within a level) and leave in batches when the batch
//! reaches `max_batch_size`, when adding the next request would take its summed cost past
//! `max_batch_cost` (image tiles, vision tokens), or when the oldest request has waited
//! `max_delay`. Requests carry deadlines (answered, never run, once past), can be
//! cancelled while queued, and the queue is bounded (`max_queue`: refuse at submit, never
//! grow without limit).
//!
//! [`queue`] is the policy (pure, driven by an explicit clock); [`Batcher`] adds the
//! threads: workers that form and run batches through a [`Runner`], and one reaper that
//! answers expired requests even while every worker is busy with a long batch.
//!
//! Starvation: priority is strict by default, so a sustained stream of higher-priority
//! work can hold lower levels back indefinitely. Bound it with deadlines (a starved
//! request is answered `DeadlineExceeded` instead of waiting forever) or with
//! [`Limits::aging`], which promotes a waiting request by one level per `aging` waited.

mod batcher;
pub mod queue;

#[cfg(test)]
mod tests;

use std::time::Duration;

use crate::error::{Error, Result};

pub use batcher::{Batcher, Close, Runner};
pub use queue::{Batch, Entry, Queue, Readiness};

/// When a batch is due, and how far a batch may grow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_batch_size: usize,
    /// Budget for the summed cost of one batch; `u64::MAX` for none.
    pub max_batch_cost: u64,
    /// How long the oldest request may wait for its batch to fill.
    pub max_delay: Duration,
    /// `Some(d)`: a request gains one priority level per `d` waited (anti-starvation).
    pub aging: Option<Duration>,
}

impl Limits {
    pub fn validate(&self) -> Result<()> {
        if self.max_batch_size == 0 {
            return Err(Error::invalid_argument("max_batch_size must be at least 1"));
        }
        check_cost_budget(self.max_batch_cost)?;
        if self.aging.is_some_and(|d| d.is_zero()) {
            return Err(Error::invalid_argument(
                "priority aging must be a positive duration (or None for strict priority)",
            ));
        }
        Ok(())
    }
}

/// The answer for a request whose deadline passed before it could run.
pub fn deadline_exceeded() -> Error {
    Error::DeadlineExceeded(
        "the request's deadline passed while it was queued, so it was not run; allow a \
         longer deadline_s, lower the load, or add capacity"
            .into(),
    )
}

pub(crate) fn check_cost_budget(cost: u64) -> Result<()> {
    if cost == 0 {
        return Err(Error::invalid_argument(
            "max_batch_cost must be at least 1 (or None for no cost budget)",
        ));
    }
    Ok(())
}

/// Everything a [`Batcher`] is started with.
#[derive(Clone, Debug)]
pub struct Config {
    pub limits: Limits,
    /// Most requests queued at once; more are refused with `QueueFull` at submit.
    pub max_queue: usize,
    /// Worker threads, i.e. batches that may run at the same time.
    pub workers: usize,
}

impl Config {
    pub fn validate(&self) -> Result<()> {
        self.limits.validate()?;
        if self.max_queue == 0 {
            return Err(Error::invalid_argument("max_queue must be at least 1"));
        }
        if self.workers == 0 {
            return Err(Error::invalid_argument("workers must be at least 1"));
        }
        Ok(())
    }
}

//! Queue policy: priority levels, FIFO within a level, cost accounting and batch formation.
//!
//! Nothing here blocks or reads the clock: every decision takes `now`, so tests drive time
//! by hand and the thread-safe [`super::Batcher`] is the only place that calls
//! `Instant::now()`.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use super::Limits;

/// One queued request and what the policy needs to know about it.
#[derive(Debug)]
pub struct Entry<T> {
    pub id: u64,
    pub cost: u64,
    pub priority: i32,
    pub enqueued: Instant,
    pub deadline: Option<Instant>,
    pub payload: T,
}

impl<T> Entry<T> {
    fn expired(&self, now: Instant) -> bool {
        self.deadline.is_some_and(|d| d <= now)
    }
}

/// A formed batch, plus the expired requests met while forming it (answer those with
/// `DeadlineExceeded`; they must not run).
#[derive(Debug)]
pub struct Batch<T> {
    pub entries: Vec<Entry<T>>,
    pub expired: Vec<Entry<T>>,
    pub formed: Instant,
}

impl<T> Batch<T> {
    pub fn cost(&self) -> u64 {
        self.entries.iter().map(|e| e.cost).sum()
    }
}

/// What a worker should do with the queue at `now`.
#[derive(Debug, PartialEq, Eq)]
pub enum Readiness {
    Empty,
    Ready,
    /// Nothing is due before this instant (the oldest request's max delay).
    WaitUntil(Instant),
}

/// Priority levels, each a FIFO. Levels are few (a handful of distinct priorities), so
/// scanning their heads is cheaper than a heap keyed by (priority, age) per request.
#[derive(Debug)]
pub struct Queue<T> {
    levels: BTreeMap<i32, VecDeque<Entry<T>>>,
    len: usize,
    cost: u64,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            levels: BTreeMap::new(),
            len: 0,
            cost: 0,
        }
    }
}

impl<T> Queue<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Summed cost of everything queued.
    pub fn cost(&self) -> u64 {
        self.cost
    }

    pub fn push(&mut self, entry: Entry<T>) {
        self.len += 1;
        self.cost = self.cost.saturating_add(entry.cost);
        self.levels
            .entry(entry.priority)
            .or_default()
            .push_back(entry);
    }

    /// True when the size or cost trigger alone makes a batch due (no clock needed; the
    /// submit path uses it to decide whether a worker must be woken).
    pub fn full(&self, limits: &Limits) -> bool {
        self.len >= limits.max_batch_size || self.cost >= limits.max_batch_cost
    }

    /// Enqueue time of the oldest request (the head of some level: each level is FIFO).
    fn oldest(&self) -> Option<Instant> {
        self.levels
            .values()
            .filter_map(|l| l.front())
            .map(|e| e.enqueued)
            .min()
    }

    pub fn readiness(&self, now: Instant, limits: &Limits, flush: bool) -> Readiness {
        let Some(oldest) = self.oldest() else {
            return Readiness::Empty;
        };
        let due = oldest + limits.max_delay;
        if flush || self.full(limits) || due <= now {
            Readiness::Ready
        } else {
            Readiness::WaitUntil(due)
        }
    }

    /// The level whose head goes next. Strict priority, unless `aging` is set: then every
    /// `aging` a head has waited counts as one more level, so a steady stream of urgent
    /// requests cannot starve the rest forever. Ties go to the older head (FIFO overall).
    fn next_level(&self, now: Instant, aging: Option<Duration>) -> Option<i32> {
        let Some(aging) = aging else {
            return self.levels.keys().next_back().copied();
        };
        let rank = |(&level, queue): (&i32, &VecDeque<Entry<T>>)| {
            let head = queue.front().expect("levels are never left empty");
            let waited = now.saturating_duration_since(head.enqueued);
            let boost = (waited.as_nanos() / aging.as_nanos().max(1)).min(i64::MAX as u128) as i64;
            (
                (level as i64).saturating_add(boost),
                std::cmp::Reverse(head.enqueued),
                level,
            )
        };
        self.levels
            .iter()
            .map(rank)
            .max()
            .map(|(_, _, level)| level)
    }

    fn pop_level(&mut self, level: i32) -> Entry<T> {
        let queue = self.levels.get_mut(&level).expect("level exists");
        let entry = queue.pop_front().expect("levels are never left empty");
        if queue.is_empty() {
            self.levels.remove(&level);
        }
        self.len -= 1;
        self.cost = self.cost.saturating_sub(entry.cost);
        entry
    }

    fn peek_level(&self, level: i32) -> &Entry<T> {
        self.levels[&level]
            .front()
            .expect("levels are never left empty")
    }

    /// Takes the next batch in priority order: up to `max_batch_size` requests whose summed
    /// cost stays within `max_batch_cost`. Formation stops at the first request that does
    /// not fit (no reordering past it, so priority and FIFO order hold), except that a
    /// request heavier than the whole budget runs alone rather than never. Expired requests
    /// met on the way are set aside, not run.
    pub fn form(&mut self, now: Instant, limits: &Limits) -> Batch<T> {
        let mut batch = Batch {
            entries: Vec::with_capacity(limits.max_batch_size.min(self.len)),
            expired: Vec::new(),
            formed: now,
        };
        let mut cost = 0u64;
        while batch.entries.len() < limits.max_batch_size {
            let Some(level) = self.next_level(now, limits.aging) else {
                break;
            };
            let head = self.peek_level(level);
            if head.expired(now) {
                batch.expired.push(self.pop_level(level));
                continue;
            }
            if !batch.entries.is_empty() && cost.saturating_add(head.cost) > limits.max_batch_cost {
                break;
            }
            let entry = self.pop_level(level);
            cost = cost.saturating_add(entry.cost);
            batch.entries.push(entry);
        }
        batch
    }

    /// Removes the requests matching `pred` (one pass over the queue).
    pub fn remove_where(&mut self, mut pred: impl FnMut(&Entry<T>) -> bool) -> Vec<Entry<T>> {
        let mut removed = Vec::new();
        for queue in self.levels.values_mut() {
            // Most levels hold no match (a cancel names one request): leave those untouched.
            if !queue.iter().any(&mut pred) {
                continue;
            }
            let mut kept = VecDeque::with_capacity(queue.len());
            for entry in queue.drain(..) {
                if pred(&entry) {
                    removed.push(entry);
                } else {
                    kept.push_back(entry);
                }
            }
            *queue = kept;
        }
        self.levels.retain(|_, q| !q.is_empty());
        self.len -= removed.len();
        let gone = removed
            .iter()
            .fold(0u64, |sum, e| sum.saturating_add(e.cost));
        self.cost = self.cost.saturating_sub(gone);
        removed
    }

    pub fn take_expired(&mut self, now: Instant) -> Vec<Entry<T>> {
        self.remove_where(|e| e.expired(now))
    }

    /// The earliest deadline of any queued request.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.levels
            .values()
            .flatten()
            .filter_map(|e| e.deadline)
            .min()
    }

    pub fn drain_all(&mut self) -> Vec<Entry<T>> {
        self.remove_where(|_| true)
    }
}

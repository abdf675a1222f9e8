//! A run over many documents: at most `concurrency` in flight, each record handed to a
//! [`Sink`] as it arrives, counts kept for progress, and a handle to wait on or cancel.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use tokio::runtime::Handle;
use tokio::task::{JoinHandle, JoinSet};

use super::jsonl::{succeeded, JsonlWriter};
use super::send::Shared;
use crate::error::{Error, Result};

/// Where finished records go.
pub trait Sink: Send + 'static {
    /// Takes the record of the document at `index` in the input.
    fn put(&mut self, index: usize, record: Json) -> Result<()>;
}

impl Sink for JsonlWriter {
    fn put(&mut self, _index: usize, record: Json) -> Result<()> {
        self.write(&record)
    }
}

/// Records kept in input order.
pub struct Collected(Vec<Json>);

impl Collected {
    pub fn new(total: usize) -> Collected {
        Collected(vec![Json::Null; total])
    }

    pub fn into_records(self) -> Vec<Json> {
        self.0
    }
}

impl Sink for Collected {
    fn put(&mut self, index: usize, record: Json) -> Result<()> {
        self.0[index] = record;
        Ok(())
    }
}

/// What a finished run did. `total = done + skipped + failed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub total: usize,
    /// Documents that got a success record in this run.
    pub done: usize,
    /// Documents a resumed run found already done.
    pub skipped: usize,
    /// Documents that got an error record in this run.
    pub failed: usize,
    pub seconds: f64,
}

struct Counts {
    done: AtomicUsize,
    failed: AtomicUsize,
}

/// A run in progress.
pub struct Run<S> {
    join: JoinHandle<Result<S>>,
    runtime: Handle,
    counts: Arc<Counts>,
    total: usize,
    skipped: usize,
    started: Instant,
}

impl<S: Sink> Run<S> {
    pub(super) fn start(
        runtime: &Handle,
        shared: Arc<Shared>,
        jobs: Vec<(usize, String)>,
        total: usize,
        sink: S,
    ) -> Run<S> {
        let counts = Arc::new(Counts {
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        });
        let skipped = total - jobs.len();
        let join = runtime.spawn(drive(shared, jobs, sink, counts.clone()));
        Run {
            join,
            runtime: runtime.clone(),
            counts,
            total,
            skipped,
            started: Instant::now(),
        }
    }

    /// `(finished, total)`, skipped documents counted as finished.
    pub fn progress(&self) -> (usize, usize) {
        let c = &self.counts;
        let finished =
            self.skipped + c.done.load(Ordering::Relaxed) + c.failed.load(Ordering::Relaxed);
        (finished, self.total)
    }

    /// Waits up to `slice` (call from outside the runtime); the sink and summary once the
    /// run is over, `None` while it goes on.
    pub fn wait(&mut self, slice: Duration) -> Option<Result<(S, Summary)>> {
        let join = &mut self.join;
        let joined = self
            .runtime
            .block_on(async { tokio::time::timeout(slice, join).await })
            .ok()?;
        Some(match joined {
            Ok(result) => result.map(|sink| (sink, self.summary())),
            Err(e) => Err(Error::Internal(format!("the run's task failed: {e}"))),
        })
    }

    /// Waits for the end of the run.
    pub fn finish(mut self) -> Result<(S, Summary)> {
        loop {
            if let Some(out) = self.wait(Duration::from_secs(3600)) {
                return out;
            }
        }
    }

    /// Stops the run: requests in flight are dropped; records already written stay.
    pub fn cancel(self) {
        self.join.abort();
        let _ = self.runtime.block_on(self.join);
    }

    fn summary(&self) -> Summary {
        Summary {
            total: self.total,
            done: self.counts.done.load(Ordering::Relaxed),
            skipped: self.skipped,
            failed: self.counts.failed.load(Ordering::Relaxed),
            seconds: self.started.elapsed().as_secs_f64(),
        }
    }
}

/// Keeps `concurrency` documents in flight and hands each record to the sink as it lands.
async fn drive<S: Sink>(
    shared: Arc<Shared>,
    jobs: Vec<(usize, String)>,
    mut sink: S,
    counts: Arc<Counts>,
) -> Result<S> {
    let mut tasks = JoinSet::new();
    let mut inputs = HashMap::new();
    let mut jobs = jobs.into_iter();
    loop {
        while tasks.len() < shared.config.concurrency {
            let Some((index, document)) = jobs.next() else {
                break;
            };
            let shared = shared.clone();
            let doc = document.clone();
            let handle = tasks.spawn(async move { shared.record(&doc).await });
            inputs.insert(handle.id(), (index, document));
        }
        let Some(joined) = tasks.join_next_with_id().await else {
            return Ok(sink);
        };
        let id = match &joined {
            Ok((id, _)) => *id,
            Err(e) => e.id(),
        };
        let (index, document) = inputs.remove(&id).expect("every task has its input");
        let record = joined.map(|(_, r)| r).unwrap_or_else(|e| {
            let err = Error::Internal(format!("the request task failed: {e}"));
            shared.error_record(&document, &err, None)
        });
        let counter = if succeeded(&record) {
            &counts.done
        } else {
            &counts.failed
        };
        sink.put(index, record)?;
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

//! The thread-safe batcher: one mutex-guarded [`Queue`], worker threads that form and run
//! batches, and a reaper thread for deadlines.
//!
//! Why std threads and a `Condvar` rather than tokio: the batch function is a blocking
//! call (a GPU forward pass behind the GIL), so each worker is a thread either way; the
//! only asynchronous part is "wait for a request or a timer", which one `Condvar` with a
//! timeout does without a runtime, without a task hop per wakeup, and without a second
//! scheduler competing for two cores. Wakeups are rationed: a submit signals a worker only
//! when one is idle *and* the queue just became non-empty or full, so a burst of requests
//! costs no syscall per request.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::queue::{Batch, Entry, Queue, Readiness};
use super::{check_cost_budget, deadline_exceeded, Config, Limits};
use crate::error::{Error, Result};

/// What runs batches. Implementations answer every entry they are given exactly once.
pub trait Runner<T>: Send + Sync + 'static {
    /// Runs `batch` (and answers its `expired` entries with `DeadlineExceeded`). `more`
    /// yields further batches that are due right now, so a runner with a costly start (the
    /// Python GIL) can run them in the same turn.
    fn run(&self, batch: Batch<T>, more: &mut dyn FnMut() -> Option<Batch<T>>);

    /// Answers entries that leave without running (deadline passed, cancelled, closed).
    fn refuse(&self, entries: Vec<Entry<T>>, err: &Error);
}

/// How [`Batcher::close`] treats requests still queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Close {
    /// Run them (without waiting for batches to fill), then stop.
    Drain,
    /// Answer them with `Cancelled` and stop after the running batches.
    Fail,
}

struct State<T> {
    queue: Queue<T>,
    limits: Limits,
    max_queue: usize,
    next_id: u64,
    idle_workers: usize,
    /// When the reaper next looks for expired requests (the earliest known deadline).
    reaper_at: Option<Instant>,
    closing: Option<Close>,
    /// Threads not yet finished (workers and reaper).
    live: usize,
}

/// What a worker finds when it looks at the queue.
enum Poll<T> {
    Run(Batch<T>),
    Wait(Option<Instant>),
    Stop,
}

impl<T> State<T> {
    fn poll(&mut self, now: Instant) -> Poll<T> {
        if self.closing == Some(Close::Fail) {
            return Poll::Stop;
        }
        let flush = self.closing == Some(Close::Drain);
        match self.queue.readiness(now, &self.limits, flush) {
            Readiness::Ready => Poll::Run(self.queue.form(now, &self.limits)),
            Readiness::WaitUntil(t) => Poll::Wait(Some(t)),
            Readiness::Empty if flush => Poll::Stop,
            Readiness::Empty => Poll::Wait(None),
        }
    }
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Idle workers wait here for requests.
    work: Condvar,
    /// The reaper waits here for the next deadline.
    reaper: Condvar,
    /// `close` waits here for threads to finish.
    exited: Condvar,
    /// Bumped by every submit: an idle worker spins on it briefly before sleeping.
    submits: AtomicU64,
    /// Workers spinning in [`spin_for_submit`]: awake, they take a due batch at once.
    spinning: AtomicUsize,
    runner: Arc<dyn Runner<T>>,
}

/// How long an idle worker spins for the next request before it sleeps on the condvar.
/// Waking a sleeping thread costs tens of microseconds (more on a VM: an inter-processor
/// interrupt); a request that arrives within this window skips that cost. Bounded so an
/// idle batcher burns at most this much CPU per batch.
const SPIN: Duration = Duration::from_micros(100);

impl<T> Shared<T> {
    /// The state, even if a thread panicked while holding it: every update leaves the
    /// queue consistent, so the data is still sound.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Wait on `cv` until notified or `until` (forever if `None`).
fn wait_until<'a, T>(
    cv: &Condvar,
    guard: MutexGuard<'a, State<T>>,
    until: Option<Instant>,
) -> MutexGuard<'a, State<T>> {
    match until {
        None => cv.wait(guard).unwrap_or_else(|p| p.into_inner()),
        Some(t) => {
            let timeout = t.saturating_duration_since(Instant::now());
            cv.wait_timeout(guard, timeout)
                .unwrap_or_else(|p| p.into_inner())
                .0
        }
    }
}

/// Counts a thread out of `live` when it ends, panicking or not.
struct LiveGuard<T: Send + 'static>(Arc<Shared<T>>);

impl<T: Send + 'static> Drop for LiveGuard<T> {
    fn drop(&mut self) {
        self.0.lock().live -= 1;
        self.0.exited.notify_all();
    }
}

pub struct Batcher<T: Send + 'static> {
    shared: Arc<Shared<T>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl<T: Send + 'static> Batcher<T> {
    /// Starts `config.workers` worker threads and the deadline reaper.
    pub fn start(config: Config, runner: Arc<dyn Runner<T>>) -> Result<Self> {
        config.validate()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: Queue::default(),
                limits: config.limits,
                max_queue: config.max_queue,
                next_id: 0,
                idle_workers: 0,
                reaper_at: None,
                closing: None,
                live: config.workers + 1,
            }),
            work: Condvar::new(),
            reaper: Condvar::new(),
            exited: Condvar::new(),
            submits: AtomicU64::new(0),
            spinning: AtomicUsize::new(0),
            runner,
        });
        let batcher = Batcher {
            shared,
            threads: Mutex::new(Vec::new()),
        };
        for i in 0..config.workers {
            batcher.spawn(format!("vlmserve-batch{i}"), worker_loop)?;
        }
        batcher.spawn("vlmserve-reaper".into(), reaper_loop)?;
        Ok(batcher)
    }

    fn spawn(&self, name: String, body: fn(&Shared<T>)) -> Result<()> {
        let shared = Arc::clone(&self.shared);
        let spawned = thread::Builder::new().name(name).spawn(move || {
            let guard = LiveGuard(shared);
            body(&guard.0);
        });
        match spawned {
            Ok(handle) => {
                self.threads
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(handle);
                Ok(())
            }
            Err(err) => {
                // Count the thread that never started out, and stop the ones that did.
                self.shared.lock().live -= 1;
                self.close(Close::Fail, Some(Duration::ZERO));
                Err(Error::Internal(format!(
                    "could not start a batcher thread: {err}"
                )))
            }
        }
    }

    /// Queues one request; returns its id (for [`Batcher::cancel`]).
    pub fn submit(
        &self,
        payload: T,
        cost: u64,
        priority: i32,
        deadline: Option<Instant>,
    ) -> Result<u64> {
        self.submit_many([(payload, cost)], priority, deadline)
            .map(|ids| ids.start)
    }

    /// [`Batcher::submit`], also saying whether an awake (spinning) worker will take the
    /// request in a batch right now. A caller that holds a lock the batch function needs
    /// (the Python GIL) can then release it briefly, so that worker does not have to
    /// sleep waiting for it.
    pub fn submit_hot(
        &self,
        payload: T,
        cost: u64,
        priority: i32,
        deadline: Option<Instant>,
    ) -> Result<(u64, bool)> {
        self.enqueue([(payload, cost)], priority, deadline)
            .map(|(ids, hot)| (ids.start, hot))
    }

    /// Queues several requests under one lock, all or none: if they do not all fit in
    /// `max_queue`, none is queued. Returns their ids (consecutive).
    pub fn submit_many<I>(
        &self,
        items: I,
        priority: i32,
        deadline: Option<Instant>,
    ) -> Result<Range<u64>>
    where
        I: IntoIterator<Item = (T, u64)>,
        I::IntoIter: ExactSizeIterator,
    {
        self.enqueue(items, priority, deadline).map(|(ids, _)| ids)
    }

    /// [`Batcher::submit_many`]; the flag is true when a spinning worker will find a batch
    /// due at once.
    fn enqueue<I>(
        &self,
        items: I,
        priority: i32,
        deadline: Option<Instant>,
    ) -> Result<(Range<u64>, bool)>
    where
        I: IntoIterator<Item = (T, u64)>,
        I::IntoIter: ExactSizeIterator,
    {
        let items = items.into_iter();
        let n = items.len();
        let now = Instant::now();
        let mut st = self.shared.lock();
        if st.closing.is_some() {
            return Err(Error::Cancelled(
                "the batcher is closed and accepts no new requests; submit to a running batcher"
                    .into(),
            ));
        }
        if st.queue.len() + n > st.max_queue {
            return Err(Error::QueueFull(format!(
                "the batch queue holds {} of max_queue={} requests, so {n} more do not fit; \
                 retry later, add capacity, or raise max_queue",
                st.queue.len(),
                st.max_queue
            )));
        }
        let was_empty = st.queue.is_empty();
        let first = st.next_id;
        st.next_id += n as u64;
        for ((payload, cost), id) in items.zip(first..) {
            let entry = Entry {
                id,
                cost,
                priority,
                enqueued: now,
                deadline,
                payload,
            };
            st.queue.push(entry);
        }
        let wake_worker = st.idle_workers > 0 && (was_empty || st.queue.full(&st.limits));
        let hot = self.shared.spinning.load(Ordering::Acquire) > 0
            && st.queue.readiness(now, &st.limits, false) == Readiness::Ready;
        let wake_reaper = deadline.is_some_and(|d| st.reaper_at.is_none_or(|at| d < at));
        if wake_reaper {
            st.reaper_at = deadline;
        }
        drop(st);
        self.shared.submits.fetch_add(1, Ordering::Release);
        if wake_worker {
            self.shared.work.notify_one();
        }
        if wake_reaper {
            self.shared.reaper.notify_one();
        }
        Ok((first..first + n as u64, hot))
    }

    /// Removes the queued requests with ids in `ids` and answers them `Cancelled`. Returns
    /// how many were still queued (the others are running or answered).
    pub fn cancel(&self, ids: Range<u64>) -> usize {
        let removed = self
            .shared
            .lock()
            .queue
            .remove_where(|e| ids.contains(&e.id));
        let n = removed.len();
        if n > 0 {
            let err = Error::Cancelled("the request was cancelled before it ran".into());
            self.shared.runner.refuse(removed, &err);
        }
        n
    }

    /// Changes the cost budget for batches formed from now on (the resilient generator
    /// feeds the largest cost it has learned to be safe).
    pub fn set_max_batch_cost(&self, max_batch_cost: u64) -> Result<()> {
        check_cost_budget(max_batch_cost)?;
        self.shared.lock().limits.max_batch_cost = max_batch_cost;
        // A smaller budget can make the queue due now.
        self.shared.work.notify_all();
        Ok(())
    }

    pub fn limits(&self) -> Limits {
        self.shared.lock().limits.clone()
    }

    /// Requests queued (not yet in a batch).
    pub fn pending(&self) -> usize {
        self.shared.lock().queue.len()
    }

    pub fn is_closed(&self) -> bool {
        self.shared.lock().closing.is_some()
    }

    /// Stops accepting requests, drains or fails what is queued (see [`Close`]), and waits
    /// up to `timeout` (forever if `None`) for the threads to finish. Returns true when all
    /// have finished and been joined. A second call may upgrade `Drain` to `Fail`.
    pub fn close(&self, mode: Close, timeout: Option<Duration>) -> bool {
        let pending = {
            let mut st = self.shared.lock();
            if st.closing != Some(Close::Fail) {
                st.closing = Some(mode);
            }
            match mode {
                Close::Fail => st.queue.drain_all(),
                Close::Drain => Vec::new(),
            }
        };
        self.shared.work.notify_all();
        self.shared.reaper.notify_all();
        if !pending.is_empty() {
            let err = Error::Cancelled("the batcher was closed before this request ran".into());
            self.shared.runner.refuse(pending, &err);
        }
        self.join(timeout)
    }

    fn join(&self, timeout: Option<Duration>) -> bool {
        let end = timeout.map(|t| Instant::now() + t);
        let me = thread::current().id();
        let mut threads = self.threads.lock().unwrap_or_else(|p| p.into_inner());
        // A batch function that closes its own batcher runs on a worker: that worker cannot
        // wait for itself, it finishes when the function returns.
        let own = threads.iter().filter(|h| h.thread().id() == me).count();
        let mut st = self.shared.lock();
        while st.live > own {
            if end.is_some_and(|e| Instant::now() >= e) {
                return false;
            }
            st = wait_until(&self.shared.exited, st, end);
        }
        drop(st);
        for handle in threads.drain(..).filter(|h| h.thread().id() != me) {
            let _ = handle.join();
        }
        own == 0
    }
}

impl<T: Send + 'static> Drop for Batcher<T> {
    /// Never blocks: the threads are told to stop and finish on their own.
    fn drop(&mut self) {
        if !self.is_closed() {
            self.close(Close::Fail, Some(Duration::ZERO));
        }
    }
}

fn worker_loop<T: Send + 'static>(shared: &Shared<T>) {
    while let Some(batch) = next_batch(shared) {
        shared.runner.run(batch, &mut || try_next_batch(shared));
    }
}

/// Blocks until a batch is due, or returns `None` when the batcher has stopped.
fn next_batch<T>(shared: &Shared<T>) -> Option<Batch<T>> {
    let mut st = shared.lock();
    let mut spun = false;
    loop {
        match st.poll(Instant::now()) {
            Poll::Run(batch) => return Some(handed_out(shared, st, batch)),
            Poll::Stop => return None,
            Poll::Wait(None) if !spun => {
                spun = true;
                let seen = shared.submits.load(Ordering::Acquire);
                // Counted under the lock, so a submit that sees no spinner is one this
                // worker will find when it polls again.
                shared.spinning.fetch_add(1, Ordering::AcqRel);
                drop(st);
                spin_for_submit(shared, seen);
                shared.spinning.fetch_sub(1, Ordering::AcqRel);
                st = shared.lock();
            }
            Poll::Wait(until) => {
                spun = false;
                st.idle_workers += 1;
                st = wait_until(&shared.work, st, until);
                st.idle_workers -= 1;
            }
        }
    }
}

/// Spins up to [`SPIN`] for a submit after the one numbered `seen`.
fn spin_for_submit<T>(shared: &Shared<T>, seen: u64) {
    let end = Instant::now() + SPIN;
    while shared.submits.load(Ordering::Acquire) == seen && Instant::now() < end {
        thread::yield_now(); // let a caller sharing this core run
    }
}

/// A batch that is due now, without waiting.
fn try_next_batch<T>(shared: &Shared<T>) -> Option<Batch<T>> {
    let mut st = shared.lock();
    match st.poll(Instant::now()) {
        Poll::Run(batch) => Some(handed_out(shared, st, batch)),
        _ => None,
    }
}

/// Passes the baton: if another full batch is waiting and a worker idles, wake it.
fn handed_out<T>(shared: &Shared<T>, st: MutexGuard<'_, State<T>>, batch: Batch<T>) -> Batch<T> {
    let wake = st.idle_workers > 0 && st.queue.full(&st.limits);
    drop(st);
    if wake {
        shared.work.notify_one();
    }
    batch
}

/// Answers expired requests while they are still queued, so a deadline is honoured even
/// when every worker is busy with a long batch.
fn reaper_loop<T: Send + 'static>(shared: &Shared<T>) {
    let err = deadline_exceeded();
    let mut st = shared.lock();
    while st.closing.is_none() {
        let now = Instant::now();
        match st.reaper_at {
            Some(at) if at <= now => {
                let expired = st.queue.take_expired(now);
                st.reaper_at = st.queue.next_deadline();
                if !expired.is_empty() {
                    drop(st);
                    shared.runner.refuse(expired, &err);
                    st = shared.lock();
                }
            }
            until => st = wait_until(&shared.reaper, st, until),
        }
    }
}

//! `Batcher` and `Ticket`: the Python face of `crate::batching`.
//!
//! The core's worker threads wait for batches with the GIL released and take it only to
//! call the batch function and hand out answers. Answers travel in bulk: per batch, each
//! asyncio loop involved gets ONE `call_soon_threadsafe` carrying every future it must
//! settle, and each thread-side group (`run_many`, a `Ticket`) ONE condvar wakeup.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyBaseException, PyTimeoutError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::batching::{deadline_exceeded, Batch, Batcher, Close, Config, Entry, Limits, Runner};
use crate::error::Error;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBatcher>()?;
    m.add_class::<PyTicket>()
}

type Outcome = Result<Py<PyAny>, PyErr>;

fn clone_outcome(py: Python<'_>, outcome: &Outcome) -> Outcome {
    match outcome {
        Ok(value) => Ok(value.clone_ref(py)),
        Err(err) => Err(err.clone_ref(py)),
    }
}

/// Where a request's answer goes.
enum Target {
    /// An asyncio future, settled on its own loop.
    Future { fut: Py<PyAny>, lp: Py<PyAny> },
    /// Slot `index` of a group of requests answered together.
    Slot { group: Arc<Group>, index: usize },
}

pub struct Request {
    item: Py<PyAny>,
    target: Target,
}

impl Request {
    /// True for an asyncio future its caller already cancelled: it must not run.
    fn abandoned(&self, py: Python<'_>) -> bool {
        match &self.target {
            Target::Future { fut, .. } => is_done(fut.bind(py)),
            Target::Slot { .. } => false,
        }
    }
}

fn is_done(fut: &Bound<'_, PyAny>) -> bool {
    // A future that cannot even say whether it is done is treated as gone.
    fut.call_method0(intern!(fut.py(), "done"))
        .and_then(|d| d.is_truthy())
        .unwrap_or(true)
}

/// Who waits for a group's last answer.
enum Waker {
    /// A thread blocked in `run_many` or `Ticket.result` (the GIL released).
    Thread,
    /// An asyncio future, set to the list of results (`submit_many`).
    Future {
        fut: Py<PyAny>,
        lp: Py<PyAny>,
        return_exceptions: bool,
    },
}

/// Requests answered together: outcomes gather here and the waiter is woken once.
struct Group {
    state: Mutex<GroupState>,
    done: Condvar,
    waker: Waker,
}

struct GroupState {
    outcomes: Vec<Option<Outcome>>,
    remaining: usize,
}

impl Group {
    fn new(n: usize, waker: Waker) -> Arc<Self> {
        Arc::new(Group {
            state: Mutex::new(GroupState {
                outcomes: (0..n).map(|_| None).collect(),
                remaining: n,
            }),
            done: Condvar::new(),
            waker,
        })
    }

    fn lock(&self) -> MutexGuard<'_, GroupState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records slot `index`; when it was the last, wakes a thread waiter or returns what
    /// the asyncio waiter must be given.
    fn fill(
        &self,
        py: Python<'_>,
        index: usize,
        outcome: Outcome,
    ) -> Option<(Py<PyAny>, Py<PyAny>, Outcome)> {
        let mut st = self.lock();
        if st.outcomes[index].is_some() {
            return None; // answered already: the first answer stands
        }
        st.outcomes[index] = Some(outcome);
        st.remaining -= 1;
        if st.remaining > 0 {
            return None;
        }
        match &self.waker {
            Waker::Thread => {
                drop(st);
                self.done.notify_all();
                None
            }
            Waker::Future {
                fut,
                lp,
                return_exceptions,
            } => {
                let all = gather(py, &st.outcomes, *return_exceptions);
                Some((fut.clone_ref(py), lp.clone_ref(py), all))
            }
        }
    }

    /// Blocks (call with the GIL released) until every slot is answered or `timeout`.
    fn wait(&self, timeout: Duration) -> bool {
        let st = self.lock();
        let (st, _) = self
            .done
            .wait_timeout_while(st, timeout, |s| s.remaining > 0)
            .unwrap_or_else(|p| p.into_inner());
        st.remaining == 0
    }

    /// Waits up to `timeout` (forever if `None`), waking every 50 ms to let Ctrl-C through.
    fn wait_interruptibly(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<bool> {
        let end = timeout.map(|t| Instant::now() + secs(t, "timeout").unwrap_or_default());
        loop {
            let slice = Duration::from_millis(50);
            let slice = end.map_or(slice, |e| {
                slice.min(e.saturating_duration_since(Instant::now()))
            });
            if py.detach(|| self.wait(slice)) {
                return Ok(true);
            }
            py.check_signals()?;
            if end.is_some_and(|e| Instant::now() >= e) {
                return Ok(false);
            }
        }
    }

    fn result(&self, py: Python<'_>, return_exceptions: bool) -> Outcome {
        gather(py, &self.lock().outcomes, return_exceptions)
    }
}

/// The list of results, or the first error unless `return_exceptions` puts exception
/// instances in their slots (as `asyncio.gather` does).
fn gather(py: Python<'_>, outcomes: &[Option<Outcome>], return_exceptions: bool) -> Outcome {
    let mut values = Vec::with_capacity(outcomes.len());
    for outcome in outcomes.iter().flatten() {
        match outcome {
            Ok(value) => values.push(value.clone_ref(py)),
            Err(err) if return_exceptions => values.push(err.value(py).clone().into_any().unbind()),
            Err(err) => return Err(err.clone_ref(py)),
        }
    }
    Ok(PyList::new(py, values)?.into_any().unbind())
}

/// Futures to settle on one asyncio loop, with their outcomes.
type LoopAnswers = (Py<PyAny>, Vec<(Py<PyAny>, Outcome)>);

/// Answers collected while handling one batch, sent when it is done.
#[derive(Default)]
struct Answers {
    /// Per asyncio loop (almost always just one).
    loops: Vec<LoopAnswers>,
}

impl Answers {
    fn answer(&mut self, py: Python<'_>, target: Target, outcome: Outcome) {
        match target {
            Target::Future { fut, lp } => self.for_loop(lp, fut, outcome),
            Target::Slot { group, index } => {
                if let Some((fut, lp, all)) = group.fill(py, index, outcome) {
                    self.for_loop(lp, fut, all);
                }
            }
        }
    }

    fn for_loop(&mut self, lp: Py<PyAny>, fut: Py<PyAny>, outcome: Outcome) {
        match self.loops.iter_mut().find(|(l, _)| l.is(&lp)) {
            Some((_, futs)) => futs.push((fut, outcome)),
            None => self.loops.push((lp, vec![(fut, outcome)])),
        }
    }

    /// One `call_soon_threadsafe` per loop, or none for a loop whose thread waits in
    /// [`Handover`] (it settles them itself).
    fn send(self, py: Python<'_>, handover: &Handover) {
        for (lp, futs) in self.loops {
            let Some(futs) = handover.deliver(&lp, futs) else {
                continue;
            };
            let settle = Settle { futs };
            if let Err(err) = lp.call_method1(py, intern!(py, "call_soon_threadsafe"), (settle,)) {
                // The loop is closed: nobody is left awaiting these futures.
                log::warn!("vlmserve batcher: could not hand results to an asyncio loop: {err}");
            }
        }
    }
}

/// Futures of one loop with their outcomes.
type Settlements = Vec<(Py<PyAny>, Outcome)>;

/// Where a worker leaves the answers for an asyncio loop whose thread is waiting in
/// `submit_future` (lending the GIL): that thread settles them when it takes the GIL back,
/// so the answer needs no `call_soon_threadsafe` (a self-pipe write) and no loop turn to
/// read it. One waiting loop at a time; others are answered the usual way.
#[derive(Default)]
struct Handover {
    slot: Mutex<Slot>,
}

#[derive(Default)]
enum Slot {
    #[default]
    Idle,
    /// The thread of the loop at this address waits.
    Waiting(usize),
    Delivered(Settlements),
}

impl Handover {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the thread of loop `lp` as waiting; false if another loop's thread is.
    fn begin(&self, lp: &Py<PyAny>) -> bool {
        let mut slot = self.lock();
        match *slot {
            Slot::Idle => {
                *slot = Slot::Waiting(lp.as_ptr() as usize);
                true
            }
            _ => false,
        }
    }

    /// Leaves `futs` for the waiting thread of `lp`, or gives them back to be sent.
    fn deliver(&self, lp: &Py<PyAny>, futs: Settlements) -> Option<Settlements> {
        let mut slot = self.lock();
        match *slot {
            Slot::Waiting(waiting) if waiting == lp.as_ptr() as usize => {
                *slot = Slot::Delivered(futs);
                None
            }
            _ => Some(futs),
        }
    }

    /// Ends the wait begun by `begin`: what was delivered meanwhile.
    fn end(&self) -> Option<Settlements> {
        match std::mem::take(&mut *self.lock()) {
            Slot::Delivered(futs) => Some(futs),
            _ => None,
        }
    }
}

/// Runs on an asyncio loop: settles the futures of one batch.
#[pyclass(module = "vlmserve._core")]
struct Settle {
    futs: Settlements,
}

#[pymethods]
impl Settle {
    fn __call__(&mut self, py: Python<'_>) {
        for (fut, outcome) in std::mem::take(&mut self.futs) {
            let fut = fut.bind(py);
            // Set without asking `done()` first: a future is rarely cancelled, and setting a
            // cancelled one only raises InvalidStateError, which is then expected.
            let set = match outcome {
                Ok(value) => fut.call_method1(intern!(py, "set_result"), (value,)),
                Err(err) => fut.call_method1(intern!(py, "set_exception"), (err.into_value(py),)),
            };
            if let Err(err) = set {
                if !is_done(fut) {
                    log::warn!("vlmserve batcher: could not settle a future: {err}");
                }
            }
        }
    }
}

/// Outcome counts of one batch (or refusal), for the metrics hook.
#[derive(Default)]
struct Tally {
    ok: usize,
    failed: usize,
    expired: usize,
    cancelled: usize,
}

/// Calls the Python batch function on worker threads.
struct PyRunner {
    func: Py<PyAny>,
    /// `on_batch(size, cost, queue_waits_s, ok, failed, expired, cancelled)`, once per batch.
    on_batch: Option<Py<PyAny>>,
    /// GIL turns finished (counted once the GIL is released), for [`hand_over_gil`].
    turns: AtomicU64,
    handover: Handover,
}

/// How long an asyncio caller, its request due at once on an awake worker, lends that
/// worker the GIL. Without it the worker sleeps on the GIL until the loop thread blocks in
/// its selector, and the loop later sleeps on it again while the worker finishes: two
/// thread wakeups of tens of microseconds each (more on a VM). With it, a short batch runs
/// in the gap and the loop goes on without having slept; a long one costs the loop at most
/// this much spinning before it waits for the GIL as it would have anyway.
const HANDOVER: Duration = Duration::from_micros(50);

/// Spins (call with the GIL released) until the runner has finished a GIL turn after the
/// `seen`-th, or [`HANDOVER`] has passed.
fn hand_over_gil(turns: &AtomicU64, seen: u64) {
    let end = Instant::now() + HANDOVER;
    while turns.load(Ordering::Acquire) == seen && Instant::now() < end {
        std::thread::yield_now(); // let the worker run if it shares this core
    }
}

impl PyRunner {
    fn run_one(&self, py: Python<'_>, batch: Batch<Request>) {
        let mut answers = Answers::default();
        let mut tally = Tally::default();
        let expired: PyErr = deadline_exceeded().into();
        for entry in batch.expired {
            tally.expired += 1;
            answers.answer(py, entry.payload.target, Err(expired.clone_ref(py)));
        }
        let (live, gone): (Vec<_>, Vec<_>) = batch
            .entries
            .into_iter()
            .partition(|e| !e.payload.abandoned(py));
        tally.cancelled = gone.len();
        let (size, cost) = (live.len(), live.iter().map(|e| e.cost).sum::<u64>());
        let waits: Vec<f64> = match self.on_batch {
            Some(_) => live
                .iter()
                .map(|e| (batch.formed - e.enqueued).as_secs_f64())
                .collect(),
            None => Vec::new(),
        };
        if !live.is_empty() {
            let outcomes = self.call(py, &live);
            for (entry, outcome) in live.into_iter().zip(outcomes) {
                match outcome {
                    Ok(_) => tally.ok += 1,
                    Err(_) => tally.failed += 1,
                }
                answers.answer(py, entry.payload.target, outcome);
            }
        }
        answers.send(py, &self.handover);
        self.report(py, size, cost, waits, &tally);
    }

    /// One outcome per entry: the function's result split per item, or its error for all.
    fn call(&self, py: Python<'_>, live: &[Entry<Request>]) -> Vec<Outcome> {
        let n = live.len();
        let split = PyList::new(py, live.iter().map(|e| e.payload.item.bind(py)))
            .and_then(|items| self.func.bind(py).call1((items,)))
            .and_then(|results| per_item(&results, n));
        match split {
            Ok(outcomes) => outcomes,
            Err(err) => (0..n).map(|_| Err(err.clone_ref(py))).collect(),
        }
    }

    fn report(&self, py: Python<'_>, size: usize, cost: u64, waits: Vec<f64>, t: &Tally) {
        let Some(hook) = &self.on_batch else { return };
        let args = (size, cost, waits, t.ok, t.failed, t.expired, t.cancelled);
        if let Err(err) = hook.call1(py, args) {
            log::warn!("vlmserve batcher: metrics hook failed: {err}");
        }
    }
}

/// Splits the batch function's return value: one outcome per input, an exception instance
/// in a slot failing that item alone.
fn per_item(results: &Bound<'_, PyAny>, n: usize) -> PyResult<Vec<Outcome>> {
    let outcomes: Vec<Outcome> = results
        .try_iter()
        .map_err(|_| length_error(format!("an object of type {}", type_name(results))))?
        .map(|item| {
            let item = item?;
            Ok(match item.is_instance_of::<PyBaseException>() {
                true => Err(PyErr::from_value(item)),
                false => Ok(item.unbind()),
            })
        })
        .collect::<PyResult<_>>()?;
    if outcomes.len() != n {
        return Err(length_error(format!(
            "{} results for a batch of {n} inputs",
            outcomes.len()
        )));
    }
    Ok(outcomes)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn length_error(got: String) -> PyErr {
    Error::invalid_argument(format!(
        "the batch function returned {got}; it must return a list with one result (or \
         exception instance) per input, in input order"
    ))
    .into()
}

impl Runner<Request> for PyRunner {
    fn run(&self, batch: Batch<Request>, more: &mut dyn FnMut() -> Option<Batch<Request>>) {
        let ran = Python::try_attach(|py| {
            // Batches already due run in this same GIL turn: taking the GIL from a busy
            // event loop can cost a whole switch interval (5 ms), so pay it once.
            let mut next = Some(batch);
            while let Some(batch) = next.take() {
                self.run_one(py, batch);
                next = more();
            }
        });
        self.turns.fetch_add(1, Ordering::AcqRel);
        if ran.is_none() {
            log::debug!("vlmserve batcher: interpreter shutting down; batch dropped");
        }
    }

    fn refuse(&self, entries: Vec<Entry<Request>>, err: &Error) {
        let handled = Python::try_attach(|py| {
            let mut tally = Tally::default();
            match err {
                Error::DeadlineExceeded(_) => tally.expired = entries.len(),
                _ => tally.cancelled = entries.len(),
            }
            let exc: PyErr = err.clone().into();
            let mut answers = Answers::default();
            for entry in entries {
                answers.answer(py, entry.payload.target, Err(exc.clone_ref(py)));
            }
            answers.send(py, &self.handover);
            self.report(py, 0, 0, Vec::new(), &tally);
        });
        if handled.is_none() {
            log::debug!("vlmserve batcher: interpreter shutting down; refusals dropped");
        }
    }
}

fn secs(value: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        Error::invalid_argument(format!("{what} must be a finite number >= 0, got {value}")).into()
    })
}

fn deadline(deadline_s: Option<f64>) -> PyResult<Option<Instant>> {
    deadline_s
        .map(|s| Ok(Instant::now() + secs(s, "deadline_s")?))
        .transpose()
}

fn cost_of(cost: i64) -> PyResult<u64> {
    u64::try_from(cost).map_err(|_| {
        Error::invalid_argument(format!(
            "a request's cost must be >= 0 (e.g. its image tiles), got {cost}"
        ))
        .into()
    })
}

fn costs_of(costs: Option<Vec<i64>>, n: usize) -> PyResult<Vec<u64>> {
    let Some(costs) = costs else {
        return Ok(vec![1; n]);
    };
    if costs.len() != n {
        let msg = format!(
            "costs has {} entries for {n} items; give one cost per item",
            costs.len()
        );
        return Err(Error::invalid_argument(msg).into());
    }
    costs.into_iter().map(cost_of).collect()
}

type Core = Batcher<Request>;

/// The compiled batcher (see `vlmserve.Batcher` for the documented face).
#[pyclass(name = "Batcher", module = "vlmserve._core", frozen)]
pub struct PyBatcher {
    core: Arc<Core>,
    runner: Arc<PyRunner>,
    /// Whether `submit_future` may lend the GIL to a worker (see [`HANDOVER`]); off for a
    /// batch function that needs the caller's event loop (an async one run through
    /// `run_coroutine_threadsafe`), which the loop would only delay by spinning.
    lend_gil: bool,
}

impl PyBatcher {
    /// Queues `items` (one group of ids), each answered at `target(i)`.
    fn enqueue(
        &self,
        items: Vec<Py<PyAny>>,
        costs: Vec<u64>,
        target: impl Fn(usize) -> Target,
        priority: i32,
        deadline_s: Option<f64>,
    ) -> PyResult<Range<u64>> {
        let requests = items
            .into_iter()
            .zip(costs)
            .enumerate()
            .map(|(i, (item, cost))| {
                (
                    Request {
                        item,
                        target: target(i),
                    },
                    cost,
                )
            });
        Ok(self
            .core
            .submit_many(requests, priority, deadline(deadline_s)?)?)
    }

    fn group(
        &self,
        items: Vec<Py<PyAny>>,
        costs: Option<Vec<i64>>,
        waker: Waker,
        priority: i32,
        deadline_s: Option<f64>,
    ) -> PyResult<(Arc<Group>, Range<u64>)> {
        let costs = costs_of(costs, items.len())?;
        let group = Group::new(items.len(), waker);
        let slot = |index| Target::Slot {
            group: Arc::clone(&group),
            index,
        };
        let ids = self.enqueue(items, costs, slot, priority, deadline_s)?;
        Ok((group, ids))
    }
}

#[pymethods]
impl PyBatcher {
    #[new]
    #[pyo3(signature = (func, *, max_batch_size=32, max_batch_cost=None, max_delay_ms=5.0,
        max_queue=10_000, workers=1, priority_aging_ms=None, on_batch=None, lend_gil=true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        func: Py<PyAny>,
        max_batch_size: usize,
        max_batch_cost: Option<u64>,
        max_delay_ms: f64,
        max_queue: usize,
        workers: usize,
        priority_aging_ms: Option<f64>,
        on_batch: Option<Py<PyAny>>,
        lend_gil: bool,
    ) -> PyResult<Self> {
        let limits = Limits {
            max_batch_size,
            max_batch_cost: max_batch_cost.unwrap_or(u64::MAX),
            max_delay: secs(max_delay_ms / 1e3, "max_delay_ms")?,
            aging: priority_aging_ms
                .map(|ms| secs(ms / 1e3, "priority_aging_ms"))
                .transpose()?,
        };
        let config = Config {
            limits,
            max_queue,
            workers,
        };
        let runner = Arc::new(PyRunner {
            func,
            on_batch,
            turns: AtomicU64::new(0),
            handover: Handover::default(),
        });
        let core = Batcher::start(config, Arc::clone(&runner) as Arc<dyn Runner<Request>>)?;
        Ok(PyBatcher {
            core: Arc::new(core),
            runner,
            lend_gil,
        })
    }

    /// Queues one request answered on the asyncio future `fut` of loop `lp`; returns its id.
    #[pyo3(signature = (item, fut, lp, cost=1, priority=0, deadline_s=None))]
    #[allow(clippy::too_many_arguments)]
    fn submit_future(
        &self,
        py: Python<'_>,
        item: Py<PyAny>,
        fut: Py<PyAny>,
        lp: Py<PyAny>,
        cost: i64,
        priority: i32,
        deadline_s: Option<f64>,
    ) -> PyResult<u64> {
        let (cost, deadline) = (cost_of(cost)?, deadline(deadline_s)?);
        let handover = &self.runner.handover;
        // Claimed before the submit, so a worker that takes the request at once finds it.
        let waiting = self.lend_gil && handover.begin(&lp);
        let request = Request {
            item,
            target: Target::Future { fut, lp },
        };
        let seen = self.runner.turns.load(Ordering::Acquire);
        let submitted = self.core.submit_hot(request, cost, priority, deadline);
        if self.lend_gil && matches!(submitted, Ok((_, true))) {
            py.detach(|| hand_over_gil(&self.runner.turns, seen));
        }
        if waiting {
            if let Some(futs) = handover.end() {
                Settle { futs }.__call__(py);
            }
        }
        Ok(submitted?.0)
    }

    /// Queues `items`; `fut` gets the list of results. Returns `(first id, count)`.
    #[pyo3(signature = (items, fut, lp, costs=None, priority=0, deadline_s=None, return_exceptions=false))]
    #[allow(clippy::too_many_arguments)]
    fn submit_many_future(
        &self,
        items: Vec<Py<PyAny>>,
        fut: Py<PyAny>,
        lp: Py<PyAny>,
        costs: Option<Vec<i64>>,
        priority: i32,
        deadline_s: Option<f64>,
        return_exceptions: bool,
    ) -> PyResult<(u64, u64)> {
        let waker = Waker::Future {
            fut,
            lp,
            return_exceptions,
        };
        let (_, ids) = self.group(items, costs, waker, priority, deadline_s)?;
        Ok((ids.start, ids.end - ids.start))
    }

    /// Queues one request; the `Ticket` is a thread-safe handle on its answer.
    #[pyo3(signature = (item, cost=1, priority=0, deadline_s=None))]
    fn put(
        &self,
        item: Py<PyAny>,
        cost: i64,
        priority: i32,
        deadline_s: Option<f64>,
    ) -> PyResult<PyTicket> {
        let (group, ids) = self.group(
            vec![item],
            Some(vec![cost]),
            Waker::Thread,
            priority,
            deadline_s,
        )?;
        Ok(PyTicket {
            group,
            core: Arc::clone(&self.core),
            id: ids.start,
        })
    }

    /// Queues `items` and blocks (GIL released) until every one is answered.
    #[pyo3(signature = (items, costs=None, priority=0, deadline_s=None, return_exceptions=false))]
    fn run_many(
        &self,
        py: Python<'_>,
        items: Vec<Py<PyAny>>,
        costs: Option<Vec<i64>>,
        priority: i32,
        deadline_s: Option<f64>,
        return_exceptions: bool,
    ) -> PyResult<Py<PyAny>> {
        let (group, ids) = self.group(items, costs, Waker::Thread, priority, deadline_s)?;
        if let Err(interrupt) = group.wait_interruptibly(py, None) {
            self.core.cancel(ids);
            return Err(interrupt);
        }
        group.result(py, return_exceptions)
    }

    /// Cancels queued requests `first .. first + n`; returns how many were still queued.
    #[pyo3(signature = (first, n=1))]
    fn cancel(&self, first: u64, n: u64) -> usize {
        self.core.cancel(first..first.saturating_add(n))
    }

    fn set_max_batch_cost(&self, max_batch_cost: Option<u64>) -> PyResult<()> {
        Ok(self
            .core
            .set_max_batch_cost(max_batch_cost.unwrap_or(u64::MAX))?)
    }

    #[getter]
    fn max_batch_cost(&self) -> Option<u64> {
        Some(self.core.limits().max_batch_cost).filter(|&c| c != u64::MAX)
    }

    #[getter]
    fn max_batch_size(&self) -> usize {
        self.core.limits().max_batch_size
    }

    #[getter]
    fn max_delay_ms(&self) -> f64 {
        self.core.limits().max_delay.as_secs_f64() * 1e3
    }

    #[getter]
    fn pending(&self) -> usize {
        self.core.pending()
    }

    #[getter]
    fn closed(&self) -> bool {
        self.core.is_closed()
    }

    /// Stops accepting; drains or fails what is queued; waits for the threads (GIL
    /// released). True when every thread has finished.
    #[pyo3(signature = (drain=true, timeout_s=None))]
    fn close(&self, py: Python<'_>, drain: bool, timeout_s: Option<f64>) -> PyResult<bool> {
        let mode = if drain { Close::Drain } else { Close::Fail };
        let timeout = timeout_s.map(|t| secs(t, "timeout_s")).transpose()?;
        Ok(py.detach(|| self.core.close(mode, timeout)))
    }
}

/// A thread-safe handle on one queued request (like `concurrent.futures.Future`).
#[pyclass(name = "Ticket", module = "vlmserve._core", frozen)]
pub struct PyTicket {
    group: Arc<Group>,
    core: Arc<Core>,
    id: u64,
}

impl PyTicket {
    fn outcome(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Outcome> {
        if !self.group.wait_interruptibly(py, timeout)? {
            let msg = format!(
                "the request was not answered within {} s",
                timeout.unwrap_or_default()
            );
            return Err(PyTimeoutError::new_err(msg));
        }
        let st = self.group.lock();
        Ok(clone_outcome(
            py,
            st.outcomes[0].as_ref().expect("answered"),
        ))
    }
}

#[pymethods]
impl PyTicket {
    /// The result; raises the request's error. Waits up to `timeout` seconds (forever if None).
    #[pyo3(signature = (timeout=None))]
    fn result(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Py<PyAny>> {
        self.outcome(py, timeout)?
    }

    /// The request's error, or None if it succeeded.
    #[pyo3(signature = (timeout=None))]
    fn exception(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Option<Py<PyAny>>> {
        Ok(self
            .outcome(py, timeout)?
            .err()
            .map(|e| e.into_value(py).into_any()))
    }

    fn done(&self) -> bool {
        self.group.lock().remaining == 0
    }

    /// Removes the request if it is still queued (it then raises `RequestCancelledError`).
    /// False if it is already running or answered.
    fn cancel(&self) -> bool {
        self.core.cancel(self.id..self.id + 1) == 1
    }

    #[getter]
    fn id(&self) -> u64 {
        self.id
    }
}

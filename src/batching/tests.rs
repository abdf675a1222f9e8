use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::*;

const MS: Duration = Duration::from_millis(1);

fn limits(size: usize, cost: u64, delay_ms: u64) -> Limits {
    Limits {
        max_batch_size: size,
        max_batch_cost: cost,
        max_delay: MS * delay_ms as u32,
        aging: None,
    }
}

/// A queue filled with `(payload, cost, priority, enqueued offset ms, deadline offset ms)`
/// against the fixed clock origin `t0`.
fn queue(t0: Instant, items: &[(u32, u64, i32, u64, Option<u64>)]) -> Queue<u32> {
    let mut q = Queue::default();
    for (i, &(payload, cost, priority, at, deadline)) in items.iter().enumerate() {
        q.push(Entry {
            id: i as u64,
            cost,
            priority,
            enqueued: t0 + MS * at as u32,
            deadline: deadline.map(|d| t0 + MS * d as u32),
            payload,
        });
    }
    q
}

fn payloads(entries: &[Entry<u32>]) -> Vec<u32> {
    entries.iter().map(|e| e.payload).collect()
}

fn plain(payloads: &[u32]) -> Vec<(u32, u64, i32, u64, Option<u64>)> {
    payloads.iter().map(|&p| (p, 1, 0, 0, None)).collect()
}

#[test]
fn size_trigger_makes_a_batch_due_at_once() {
    let t0 = Instant::now();
    let lim = limits(3, u64::MAX, 50);
    let mut q = queue(t0, &plain(&[1, 2]));
    assert_eq!(
        q.readiness(t0, &lim, false),
        Readiness::WaitUntil(t0 + MS * 50)
    );
    q.push(Entry {
        id: 9,
        cost: 1,
        priority: 0,
        enqueued: t0,
        deadline: None,
        payload: 3,
    });
    q.push(Entry {
        id: 10,
        cost: 1,
        priority: 0,
        enqueued: t0,
        deadline: None,
        payload: 4,
    });
    assert_eq!(q.readiness(t0, &lim, false), Readiness::Ready);
    assert_eq!(payloads(&q.form(t0, &lim).entries), [1, 2, 3]);
    assert_eq!(payloads(&q.form(t0, &lim).entries), [4]);
    assert!(q.is_empty());
}

#[test]
fn cost_trigger_stops_before_the_request_that_would_exceed_the_budget() {
    let t0 = Instant::now();
    let lim = limits(100, 10, 50);
    let mut q = queue(
        t0,
        &[(1, 4, 0, 0, None), (2, 4, 0, 0, None), (3, 4, 0, 0, None)],
    );
    assert_eq!(q.cost(), 12);
    assert_eq!(q.readiness(t0, &lim, false), Readiness::Ready);
    let batch = q.form(t0, &lim);
    assert_eq!((payloads(&batch.entries), batch.cost()), (vec![1, 2], 8));
    // The rest (cost 4) is under budget: it waits for its delay.
    assert_eq!(
        q.readiness(t0, &lim, false),
        Readiness::WaitUntil(t0 + MS * 50)
    );
}

#[test]
fn delay_trigger_fires_when_the_oldest_request_has_waited_max_delay() {
    let t0 = Instant::now();
    let lim = limits(8, u64::MAX, 20);
    let q = queue(t0, &[(1, 1, 0, 0, None), (2, 1, 0, 15, None)]);
    assert_eq!(
        q.readiness(t0 + MS * 19, &lim, false),
        Readiness::WaitUntil(t0 + MS * 20)
    );
    assert_eq!(q.readiness(t0 + MS * 20, &lim, false), Readiness::Ready);
    assert_eq!(
        Queue::<u32>::default().readiness(t0, &lim, false),
        Readiness::Empty
    );
}

#[test]
fn flush_makes_any_queued_request_due() {
    let t0 = Instant::now();
    let q = queue(t0, &plain(&[1]));
    assert_eq!(
        q.readiness(t0, &limits(8, u64::MAX, 1000), true),
        Readiness::Ready
    );
}

#[test]
fn heavy_request_runs_alone() {
    let t0 = Instant::now();
    let lim = limits(8, 10, 0);
    let mut q = queue(
        t0,
        &[(1, 3, 0, 0, None), (2, 25, 0, 0, None), (3, 3, 0, 0, None)],
    );
    assert_eq!(payloads(&q.form(t0, &lim).entries), [1]);
    assert_eq!(payloads(&q.form(t0, &lim).entries), [2]);
    assert_eq!(payloads(&q.form(t0, &lim).entries), [3]);
}

#[test]
fn higher_priority_first_and_fifo_within_a_level() {
    let t0 = Instant::now();
    let lim = limits(10, u64::MAX, 0);
    let items = [
        (1, 1, 0, 0, None),
        (2, 1, 5, 1, None),
        (3, 1, -1, 2, None),
        (4, 1, 5, 3, None),
        (5, 1, 0, 4, None),
    ];
    let mut q = queue(t0, &items);
    assert_eq!(
        payloads(&q.form(t0 + MS * 5, &lim).entries),
        [2, 4, 1, 5, 3]
    );
}

#[test]
fn aging_lets_a_long_waiting_low_priority_request_overtake() {
    let t0 = Instant::now();
    let mut lim = limits(1, u64::MAX, 0);
    lim.aging = Some(MS * 10);
    // Priority 0 has waited 30 ms (+3 levels); priority 2 arrived just now.
    let mut q = queue(t0, &[(1, 1, 0, 0, None), (2, 1, 2, 30, None)]);
    assert_eq!(payloads(&q.form(t0 + MS * 30, &lim).entries), [1]);
    // Strict priority would have taken the urgent one first.
    let mut strict = queue(t0, &[(1, 1, 0, 0, None), (2, 1, 2, 30, None)]);
    assert_eq!(
        payloads(&strict.form(t0 + MS * 30, &limits(1, u64::MAX, 0)).entries),
        [2]
    );
}

#[test]
fn expired_requests_are_set_aside_not_batched() {
    let t0 = Instant::now();
    let lim = limits(10, u64::MAX, 0);
    let mut q = queue(
        t0,
        &[
            (1, 1, 0, 0, Some(5)),
            (2, 1, 0, 0, None),
            (3, 1, 0, 0, Some(50)),
        ],
    );
    let batch = q.form(t0 + MS * 10, &lim);
    assert_eq!(payloads(&batch.entries), [2, 3]);
    assert_eq!(payloads(&batch.expired), [1]);
}

#[test]
fn take_expired_and_next_deadline() {
    let t0 = Instant::now();
    let mut q = queue(
        t0,
        &[
            (1, 2, 0, 0, Some(5)),
            (2, 3, 1, 0, Some(9)),
            (3, 4, 0, 0, None),
        ],
    );
    assert_eq!(q.next_deadline(), Some(t0 + MS * 5));
    assert_eq!(payloads(&q.take_expired(t0 + MS * 6)), [1]);
    assert_eq!(
        (q.len(), q.cost(), q.next_deadline()),
        (2, 7, Some(t0 + MS * 9))
    );
}

#[test]
fn remove_where_keeps_counts_and_order() {
    let t0 = Instant::now();
    let mut q = queue(t0, &plain(&[1, 2, 3, 4]));
    assert_eq!(payloads(&q.remove_where(|e| e.payload % 2 == 0)), [2, 4]);
    assert_eq!((q.len(), q.cost()), (2, 2));
    assert_eq!(
        payloads(&q.form(t0, &limits(10, u64::MAX, 0)).entries),
        [1, 3]
    );
}

#[test]
fn limits_are_validated() {
    assert!(limits(0, 1, 0).validate().is_err());
    assert!(limits(1, 0, 0).validate().is_err());
    let mut lim = limits(1, 1, 0);
    lim.aging = Some(Duration::ZERO);
    assert!(lim.validate().is_err());
}

// ---- the threaded batcher, with a runner that records what it was given ----

#[derive(Default)]
struct Recorder {
    log: Mutex<Log>,
    changed: Condvar,
    /// While true, `run` blocks (a long batch on the GPU).
    hold: Mutex<bool>,
    released: Condvar,
}

#[derive(Default)]
struct Log {
    batches: Vec<Vec<u32>>,
    refused: Vec<(u32, Error)>,
}

impl Log {
    fn answered(&self) -> usize {
        self.batches.iter().map(Vec::len).sum::<usize>() + self.refused.len()
    }
}

impl Recorder {
    /// Waits until `pred` holds, polling every millisecond (some conditions, like the queue
    /// emptying, are not signalled on `changed`).
    fn wait_for(&self, pred: impl Fn(&Log) -> bool) {
        let end = Instant::now() + Duration::from_secs(5);
        let mut log = self.log.lock().unwrap();
        while !pred(&log) {
            assert!(Instant::now() < end, "condition not reached in 5 s");
            log = self.changed.wait_timeout(log, MS).unwrap().0;
        }
    }

    fn set_hold(&self, on: bool) {
        *self.hold.lock().unwrap() = on;
        self.released.notify_all();
    }
}

impl Runner<u32> for Recorder {
    fn run(&self, batch: Batch<u32>, more: &mut dyn FnMut() -> Option<Batch<u32>>) {
        let mut next = Some(batch);
        while let Some(batch) = next {
            let _held = self
                .released
                .wait_while(self.hold.lock().unwrap(), |h| *h)
                .unwrap();
            drop(_held);
            self.refuse(batch.expired, &deadline_exceeded());
            if !batch.entries.is_empty() {
                self.log
                    .lock()
                    .unwrap()
                    .batches
                    .push(payloads(&batch.entries));
            }
            self.changed.notify_all();
            next = more();
        }
    }

    fn refuse(&self, entries: Vec<Entry<u32>>, err: &Error) {
        let mut log = self.log.lock().unwrap();
        log.refused
            .extend(entries.into_iter().map(|e| (e.payload, err.clone())));
        drop(log);
        self.changed.notify_all();
    }
}

fn start(lim: Limits, max_queue: usize, workers: usize) -> (Batcher<u32>, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    let config = Config {
        limits: lim,
        max_queue,
        workers,
    };
    (Batcher::start(config, rec.clone()).unwrap(), rec)
}

#[test]
fn every_request_is_answered_exactly_once_across_threads() {
    let (b, rec) = start(limits(7, 20, 1), 100_000, 3);
    let b = Arc::new(b);
    let handles: Vec<_> = (0..4u32)
        .map(|t| {
            let b = Arc::clone(&b);
            std::thread::spawn(move || {
                for i in 0..500 {
                    b.submit(t * 1000 + i, (i % 5) as u64, (i % 3) as i32, None)
                        .unwrap();
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    rec.wait_for(|l| l.answered() == 2000);
    let log = rec.log.lock().unwrap();
    let seen: HashSet<u32> = log.batches.iter().flatten().copied().collect();
    assert_eq!(seen.len(), 2000);
    assert!(log.batches.iter().all(|b| b.len() <= 7));
    drop(log);
    assert!(b.close(Close::Drain, Some(Duration::from_secs(5))));
}

#[test]
fn max_queue_refuses_at_submit() {
    let (b, rec) = start(limits(4, u64::MAX, 0), 3, 1);
    rec.set_hold(true);
    b.submit(0, 1, 0, None).unwrap();
    rec.wait_for(|_| b.pending() == 0); // taken by the (held) worker
    b.submit_many([(1, 1), (2, 1), (3, 1)], 0, None).unwrap();
    assert!(matches!(b.submit(4, 1, 0, None), Err(Error::QueueFull(_))));
    assert!(matches!(
        b.submit_many([(5, 1), (6, 1)], 0, None),
        Err(Error::QueueFull(_))
    ));
    rec.set_hold(false);
    rec.wait_for(|l| l.answered() == 4);
    assert!(b.close(Close::Drain, None));
}

#[test]
fn cancelled_request_never_runs() {
    let (b, rec) = start(limits(4, u64::MAX, 0), 100, 1);
    rec.set_hold(true);
    b.submit(0, 1, 0, None).unwrap();
    rec.wait_for(|_| b.pending() == 0);
    let id = b.submit(1, 1, 0, None).unwrap();
    b.submit(2, 1, 0, None).unwrap();
    assert_eq!(b.cancel(id..id + 1), 1);
    assert_eq!(b.cancel(id..id + 1), 0);
    rec.set_hold(false);
    rec.wait_for(|l| l.answered() == 3);
    let log = rec.log.lock().unwrap();
    assert!(!log.batches.iter().flatten().any(|&p| p == 1));
    assert!(matches!(log.refused[..], [(1, Error::Cancelled(_))]));
}

#[test]
fn reaper_answers_deadlines_while_the_worker_is_busy() {
    let (b, rec) = start(limits(4, u64::MAX, 0), 100, 1);
    rec.set_hold(true);
    b.submit(0, 1, 0, None).unwrap();
    rec.wait_for(|_| b.pending() == 0);
    b.submit(1, 1, 0, Some(Instant::now() + MS * 5)).unwrap();
    rec.wait_for(|l| l.refused.len() == 1);
    assert!(matches!(
        rec.log.lock().unwrap().refused[..],
        [(1, Error::DeadlineExceeded(_))]
    ));
    rec.set_hold(false);
    assert!(b.close(Close::Drain, None));
    assert_eq!(rec.log.lock().unwrap().batches, [vec![0]]);
}

#[test]
fn set_max_batch_cost_applies_to_the_next_batches() {
    let (b, rec) = start(limits(100, 100, 10_000), 100, 1);
    b.submit_many((0..6).map(|i| (i, 10)), 0, None).unwrap();
    assert!(b.set_max_batch_cost(0).is_err());
    b.set_max_batch_cost(20).unwrap();
    rec.wait_for(|l| l.answered() == 6);
    assert_eq!(
        rec.log.lock().unwrap().batches,
        [vec![0, 1], vec![2, 3], vec![4, 5]]
    );
    assert_eq!(b.limits().max_batch_cost, 20);
    assert!(b.close(Close::Drain, None));
}

#[test]
fn close_drain_runs_pending_without_waiting_for_the_delay() {
    let (b, rec) = start(limits(100, u64::MAX, 60_000), 100, 2);
    b.submit_many((0..5).map(|i| (i, 1)), 0, None).unwrap();
    let t = Instant::now();
    assert!(b.close(Close::Drain, Some(Duration::from_secs(5))));
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(rec.log.lock().unwrap().answered(), 5);
    assert!(matches!(b.submit(9, 1, 0, None), Err(Error::Cancelled(_))));
}

#[test]
fn close_fail_answers_pending_with_cancelled() {
    let (b, rec) = start(limits(100, u64::MAX, 60_000), 100, 1);
    b.submit_many((0..5).map(|i| (i, 1)), 0, None).unwrap();
    assert!(b.close(Close::Fail, None));
    let log = rec.log.lock().unwrap();
    assert!(log.batches.is_empty());
    assert_eq!(log.refused.len(), 5);
    assert!(log
        .refused
        .iter()
        .all(|(_, e)| matches!(e, Error::Cancelled(_))));
}

#[test]
fn submit_hot_says_when_an_awake_worker_takes_the_request_at_once() {
    // Not due (a 10 s delay, batches of 4): never hot, whatever the worker does.
    let (b, rec) = start(limits(4, u64::MAX, 10_000), 100, 1);
    for i in 0..3 {
        assert!(!b.submit_hot(i, 1, 0, None).unwrap().1);
    }
    assert!(b.close(Close::Drain, None));
    assert_eq!(rec.log.lock().unwrap().answered(), 3);

    // Due at once: hot while the worker spins after a batch, not while it is busy.
    let (b, rec) = start(limits(4, u64::MAX, 0), 100, 1);
    let mut hot = 0;
    for i in 0..200 {
        hot += usize::from(b.submit_hot(i, 1, 0, None).unwrap().1);
        rec.wait_for(|l| l.answered() == i as usize + 1);
    }
    assert!(
        hot > 0,
        "the worker spins after a batch, so some submits find it awake"
    );
    rec.set_hold(true);
    b.submit(1000, 1, 0, None).unwrap();
    rec.wait_for(|_| b.pending() == 0); // taken by the (held) worker
    assert!(!b.submit_hot(1001, 1, 0, None).unwrap().1);
    rec.set_hold(false);
    rec.wait_for(|l| l.answered() == 202);
    assert!(b.close(Close::Drain, None));
}

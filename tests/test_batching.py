"""The batcher's Python faces: threads (put/run_many), asyncio (submit/submit_many) and the
@batch decorator. Timing-based tests use small delays and assert order, never speed."""

from __future__ import annotations

import asyncio
import os
import random
import threading
import time
from collections import Counter

import pytest

import vlmserve
from vlmserve import (
    Batcher,
    DeadlineExceededError,
    InvalidArgumentError,
    QueueFullError,
    RequestCancelledError,
)


class Model:
    """A batch function that records every batch it sees; `hold()` makes the next call
    block until `release()`, so requests pile up behind a busy worker."""

    def __init__(self, fn=lambda x: x * 2):
        self.fn = fn
        self.batches: list[list] = []
        self.lock = threading.Lock()
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    def __call__(self, items):
        self.entered.set()
        assert self.gate.wait(10)
        with self.lock:
            self.batches.append(list(items))
        return [self.fn(x) for x in items]

    def seen(self) -> Counter:
        return Counter(x for b in self.batches for x in b)

    def hold(self, batcher: Batcher) -> vlmserve.Ticket:
        """Occupy the (single) worker with a blocked batch ["blocker"]."""
        self.gate.clear()
        self.entered.clear()
        ticket = batcher.put("blocker")
        assert self.entered.wait(5)
        return ticket

    def release(self):
        self.gate.set()


def _native_threads() -> dict[str, str]:
    """``{thread id: name}`` of this process's native threads (Linux)."""
    names = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as f:
                names[tid] = f.read().strip()
        except OSError:
            pass
    return names


_threads_before: set[str] = set()


@pytest.fixture(autouse=True)
def _thread_baseline():
    """Threads alive when a test starts (batchers other modules left open) are not its own."""
    _threads_before.clear()
    _threads_before.update(_native_threads())


def worker_threads() -> list[str]:
    """Names of the batcher threads this test started that are still alive."""
    threads = _native_threads().items()
    return [n for t, n in threads if n.startswith("vlmserve-") and t not in _threads_before]


@pytest.fixture
def model():
    return Model()


def test_size_trigger(model):
    with Batcher(model, max_batch_size=4, max_delay_ms=60_000) as b:
        assert b.run_many(range(8)) == [x * 2 for x in range(8)]
    assert model.batches == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_cost_trigger_and_heavy_request_alone(model):
    with Batcher(model, max_batch_size=100, max_batch_cost=10, max_delay_ms=5) as b:
        b.run_many([1, 2, 3, 4, 5, 6], costs=[4, 4, 4, 25, 3, 3])
    assert model.batches == [[1, 2], [3], [4], [5, 6]]


def test_delay_trigger(model):
    with Batcher(model, max_batch_size=100, max_delay_ms=20) as b:
        start = time.perf_counter()
        assert b.put(21).result(timeout=5) == 42
        assert time.perf_counter() - start >= 0.015  # waited for the batch to fill
    assert model.batches == [[21]]


def test_deadline_answers_without_running(model):
    with Batcher(model, max_delay_ms=1) as b:
        blocker = model.hold(b)
        late = b.put("late", deadline_s=0.01)
        with pytest.raises(DeadlineExceededError, match="deadline"):
            late.result(timeout=5)  # answered while the worker is still busy
        model.release()
        assert blocker.result(timeout=5) == "blockerblocker"
    assert "late" not in model.seen()


def test_priorities_higher_first_fifo_within_level(model):
    with Batcher(model, max_batch_size=100, max_delay_ms=1) as b:
        blocker = model.hold(b)
        tickets = [
            b.put(name, priority=p)
            for name, p in [("a", 0), ("b", 5), ("c", -1), ("d", 5), ("e", 0)]
        ]
        model.release()
        [t.result(timeout=5) for t in [blocker, *tickets]]
    assert model.batches[1] == ["b", "d", "a", "e", "c"]


def test_max_queue_backpressure(model):
    with Batcher(model, max_queue=2, max_delay_ms=1) as b:
        blocker = model.hold(b)
        queued = [b.put(1), b.put(2)]
        with pytest.raises(QueueFullError, match="max_queue=2"):
            b.put(3)
        with pytest.raises(QueueFullError):
            b.run_many([4])
        model.release()
        assert [t.result(timeout=5) for t in [blocker, *queued]] == ["blockerblocker", 2, 4]
    assert 3 not in model.seen()


def test_cancel_before_run(model):
    with Batcher(model, max_delay_ms=1) as b:
        blocker = model.hold(b)
        ticket, kept = b.put("x"), b.put("y")
        assert ticket.cancel() is True
        assert ticket.cancel() is False  # already answered
        with pytest.raises(RequestCancelledError):
            ticket.result(timeout=5)
        model.release()
        assert (blocker.result(timeout=5), kept.result(timeout=5)) == ("blockerblocker", "yy")
    assert "x" not in model.seen()


def test_exception_goes_to_every_caller_of_the_batch():
    def boom(items):
        raise ValueError("model exploded")

    with Batcher(boom, max_batch_size=3, max_delay_ms=5) as b:
        tickets = [b.put(i) for i in range(3)]
        for t in tickets:
            with pytest.raises(ValueError, match="model exploded"):
                t.result(timeout=5)
        with pytest.raises(ValueError):
            b.run_many([1, 2])


def test_per_item_exception():
    def fn(items):
        return [KeyError(x) if x == "bad" else x.upper() for x in items]

    with Batcher(fn, max_batch_size=3, max_delay_ms=5) as b:
        out = b.run_many(["a", "bad", "c"], return_exceptions=True)
        assert out[0] == "A" and out[2] == "C" and isinstance(out[1], KeyError)
        with pytest.raises(KeyError):
            b.run_many(["bad", "x"])
        assert b.put("ok").result(timeout=5) == "OK"


def test_result_length_mismatch():
    with Batcher(lambda items: items[:-1], max_batch_size=3, max_delay_ms=5) as b:
        tickets = [b.put(i) for i in range(3)]
        for t in tickets:
            with pytest.raises(InvalidArgumentError, match="2 results for a batch of 3"):
                t.result(timeout=5)
    with Batcher(lambda items: None, max_delay_ms=1) as b:
        with pytest.raises(InvalidArgumentError, match="NoneType"):
            b.put(1).result(timeout=5)


def test_exactly_once_under_many_threads(model):
    rng = random.Random(7)
    plans = [
        [(t * 10_000 + i, rng.randint(0, 6), rng.randint(-1, 2)) for i in range(150)]
        for t in range(8)
    ]
    results: dict[int, object] = {}

    def client(plan):
        got = {}
        half = len(plan) // 2
        tickets = [(x, b.put(x, cost=c, priority=p)) for x, c, p in plan[:half]]
        rest = [x for x, _, _ in plan[half:]]
        got.update(zip(rest, b.run_many(rest, costs=[c for _, c, _ in plan[half:]])))
        got.update((x, t.result(timeout=10)) for x, t in tickets)
        results.update(got)

    with Batcher(model, max_batch_size=16, max_batch_cost=40, max_delay_ms=2, workers=2) as b:
        threads = [threading.Thread(target=client, args=(p,)) for p in plans]
        [t.start() for t in threads]
        [t.join() for t in threads]
    assert results == {x: x * 2 for p in plans for x, _, _ in p}
    assert set(model.seen().values()) == {1}
    assert all(len(batch) <= 16 for batch in model.batches)


def test_exactly_once_under_many_asyncio_tasks(model):
    rng = random.Random(11)

    async def main(b):
        async def one(x):
            await asyncio.sleep(rng.random() * 0.005)
            return x, await b.submit(x, cost=rng.randint(1, 5), priority=rng.randint(0, 2))

        async def many(xs):
            return list(zip(xs, await b.submit_many(xs, costs=[1] * len(xs))))

        singles = [one(x) for x in range(1000)]
        groups = [many(list(range(1000 + 50 * g, 1050 + 50 * g))) for g in range(10)]
        out = await asyncio.gather(*singles, *groups)
        return dict(
            [out_ for out_ in out if isinstance(out_, tuple)]
            + [pair for o in out if isinstance(o, list) for pair in o]
        )

    with Batcher(model, max_batch_size=32, max_batch_cost=64, max_delay_ms=2) as b:
        results = asyncio.run(main(b))
    assert results == {x: x * 2 for x in range(1500)}
    assert set(model.seen().values()) == {1}


def test_asyncio_errors_deadlines_and_cancellation(model):
    async def main(b):
        blocker = asyncio.ensure_future(b.submit("blocker"))
        while not model.entered.is_set():
            await asyncio.sleep(0.001)
        with pytest.raises(DeadlineExceededError):
            await b.submit("late", deadline_s=0.01)
        task = asyncio.ensure_future(b.submit("gone"))
        await asyncio.sleep(0.005)
        assert b.pending == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert b.pending == 0  # removed from the queue at once
        model.release()
        assert await blocker == "blockerblocker"
        assert await b.submit_many(["p", "q"]) == ["pp", "qq"]

    model.gate.clear()
    with Batcher(model, max_delay_ms=1) as b:
        asyncio.run(main(b))
    assert not {"late", "gone"} & set(model.seen())


def test_serial_asyncio_fast_path_answers_exactly_once():
    """One request at a time with max_delay_ms=0 takes the fast path (the loop lends an
    awake worker the GIL and settles the answer itself): results, per-item errors and
    several loops sharing one batcher must still come out right."""

    def fn(items):
        return [ValueError(x) if x % 7 == 0 else x * 2 for x in items]

    async def serial(b, xs):
        out = {}
        for x in xs:
            try:
                out[x] = await b.submit(x)
            except ValueError as e:
                out[x] = e.args[0]
        return out

    results: dict = {}
    with Batcher(fn, max_batch_size=8, max_delay_ms=0) as b:
        runs = [range(t * 500, t * 500 + 500) for t in range(3)]
        threads = [
            threading.Thread(target=lambda xs=xs: results.update(asyncio.run(serial(b, xs))))
            for xs in runs
        ]
        [t.start() for t in threads]
        [t.join() for t in threads]
        results.update(asyncio.run(serial(b, range(1500, 2000))))
    assert results == {x: x if x % 7 == 0 else x * 2 for x in range(2000)}


def test_fast_path_does_not_block_the_loop_during_a_slow_batch():
    def slow(items):
        time.sleep(0.2)  # a GPU batch: the GIL is released
        return items

    async def main(b):
        await b.submit(0)  # the worker is now awake, spinning for the next request
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        t = asyncio.ensure_future(ticker())
        await asyncio.sleep(0)
        assert await b.submit(1) == 1
        t.cancel()
        return ticks

    with Batcher(slow, max_batch_size=4, max_delay_ms=0) as b:
        assert asyncio.run(main(b)) >= 5


def test_set_max_batch_cost_takes_effect(model):
    with Batcher(model, max_batch_size=100, max_batch_cost=100, max_delay_ms=5) as b:
        b.run_many(range(6), costs=[10] * 6)
        assert b.max_batch_cost == 100
        b.set_max_batch_cost(20)
        assert b.max_batch_cost == 20
        b.run_many(range(6, 12), costs=[10] * 6)
        with pytest.raises(InvalidArgumentError):
            b.set_max_batch_cost(0)
    assert model.batches == [list(range(6)), [6, 7], [8, 9], [10, 11]]


def test_close_drains_and_leaves_no_thread(model):
    b = Batcher(model, max_batch_size=100, max_delay_ms=60_000, workers=3)
    deadline = time.monotonic() + 5
    while len(worker_threads()) < 4 and time.monotonic() < deadline:
        time.sleep(0.001)  # a thread takes its name once it runs
    assert sorted(worker_threads()) == [
        *(f"vlmserve-batch{i}" for i in range(3)),
        "vlmserve-reaper",
    ]
    tickets = [b.put(i) for i in range(5)]
    assert b.close(timeout_s=5) is True
    assert [t.result(timeout=1) for t in tickets] == [0, 2, 4, 6, 8]
    assert worker_threads() == []
    with pytest.raises(RequestCancelledError, match="closed"):
        b.put(1)
    assert b.close() is True  # twice is fine


def test_close_without_drain_cancels_pending(model):
    b = Batcher(model, max_delay_ms=1)
    blocker = model.hold(b)
    pending = b.put("never")
    closer = threading.Thread(target=b.close, kwargs={"drain": False})
    closer.start()
    with pytest.raises(RequestCancelledError, match="closed before"):
        pending.result(timeout=5)
    model.release()
    closer.join(5)
    assert blocker.result(timeout=5) == "blockerblocker"
    assert worker_threads() == [] and "never" not in model.seen()


def test_invalid_arguments():
    with pytest.raises(InvalidArgumentError, match="max_batch_size"):
        Batcher(lambda x: x, max_batch_size=0)
    with Batcher(lambda x: x, max_delay_ms=1) as b:
        with pytest.raises(InvalidArgumentError, match="cost"):
            b.put(1, cost=-1)
        with pytest.raises(InvalidArgumentError, match="costs has 1 entries for 2 items"):
            b.run_many([1, 2], costs=[1])
        with pytest.raises(InvalidArgumentError, match="deadline_s"):
            b.put(1, deadline_s=float("nan"))
    assert worker_threads() == []


def test_batch_decorator_sync_threads():
    calls = []

    @vlmserve.batch(max_batch_size=8, max_batch_cost=12, max_delay_ms=5, cost=len)
    def lengths(words):
        calls.append(list(words))
        return [len(w) for w in words]

    words = ["tile" * (i % 4 + 1) for i in range(40)]
    out: dict[int, int] = {}
    threads = [
        threading.Thread(target=lambda i=i: out.__setitem__(i, lengths(words[i])))
        for i in range(40)
    ]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert out == {i: len(w) for i, w in enumerate(words)}
    assert lengths.map(["ab", "c"]) == [2, 1]
    assert all(sum(len(w) for w in c) <= 12 or len(c) == 1 for c in calls)
    assert len(calls) < 42  # calls were batched
    assert lengths.__name__ == "lengths"
    assert lengths.close() is True


def test_batch_decorator_async_function_and_method():
    class Replica:
        def __init__(self, k):
            self.k = k
            self.sizes = []

        @vlmserve.batch(max_batch_size=16, max_delay_ms=5)
        async def scale(self, xs):
            self.sizes.append(len(xs))
            await asyncio.sleep(0)
            return [x * self.k for x in xs]

    async def main():
        r2, r3 = Replica(2), Replica(3)
        out = await asyncio.gather(*(r2.scale(x) for x in range(40)))
        assert out == [x * 2 for x in range(40)]
        assert await r3.scale(5) == 15
        assert max(r2.sizes) > 1 and sum(r2.sizes) == 40
        r2.scale.close()
        r3.scale.close()

    asyncio.run(main())
    assert worker_threads() == []


def test_async_batch_function_does_not_lend_the_gil():
    """An async batch function runs on its callers' loop, so that loop must not spin in
    submit waiting for the worker (which waits for the loop)."""

    @vlmserve.batch(max_batch_size=4, max_delay_ms=0)
    async def f(items):
        return [x + 1 for x in items]

    async def main():
        return [await f(x) for x in range(200)]

    try:
        assert asyncio.run(main()) == list(range(1, 201))
        assert f.batcher._lend_gil is False
        assert Batcher._lend_gil is True
    finally:
        f.close()

"""Dynamic batching by a cost budget.

A :class:`Batcher` groups single requests into calls of a batch function (a model's
``generate`` over a list). A batch leaves the queue when it holds ``max_batch_size``
requests, when the next request would take its summed *cost* (image tiles, vision tokens)
past ``max_batch_cost``, or when its oldest request has waited ``max_delay_ms``. A request
heavier than the whole budget runs alone. Queueing, timing and batch formation run in the
Rust core; the batch function runs on a worker thread that holds the GIL only while it is
called.

Three ways in:

>>> from vlmserve import Batcher
>>> def generate(prompts):                      # a list in, a list out (same order)
...     return [p.upper() for p in prompts]
>>> with Batcher(generate, max_batch_size=8, max_delay_ms=2) as b:
...     b.run_many(["a", "b", "c"])             # threads (TorchServe handler): blocks
['A', 'B', 'C']

From asyncio (KServe, Ray Serve)::

    text = await b.submit(prompt, cost=plan.cost, priority=1, deadline_s=2.0)

As a decorator, like Ray Serve's ``@serve.batch``:

>>> import vlmserve
>>> @vlmserve.batch(max_batch_size=16, max_batch_cost=48, cost=len)
... def lengths(words):
...     return [len(w) for w in words]
>>> lengths("tiles")                            # one item in, its result out
5
>>> lengths.close()
True

The batch function may put an exception instance in an item's slot to fail that item alone;
an exception it raises goes to every caller of that batch. Every request gets exactly one
answer: its result, the function's error, :class:`~vlmserve.DeadlineExceededError` (its
deadline passed while queued: it was not run), :class:`~vlmserve.RequestCancelledError`
(cancelled, or the batcher closed) or :class:`~vlmserve.InvalidArgumentError` (the function
returned the wrong number of results). :class:`~vlmserve.QueueFullError` is raised at
submit when ``max_queue`` requests are already waiting (backpressure).

Priorities: higher first, FIFO within a level. Strict priority can starve low levels under a
steady stream of urgent work; give such requests a ``deadline_s``, or set
``priority_aging_ms`` so a request gains one level per that many milliseconds waited.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import inspect
import math
import threading
import weakref
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from vlmserve import _core, metrics
from vlmserve.errors import QueueFullError

__all__ = ["BatchedFunction", "Batcher", "Ticket", "batch"]

T = TypeVar("T")
R = TypeVar("R")

Ticket = _core.Ticket
"""Thread-safe handle on one queued request: ``result(timeout=None)``,
``exception(timeout=None)``, ``done()``, ``cancel()`` (like ``concurrent.futures.Future``)."""

_OUTCOMES = ("ok", "error", "deadline_exceeded", "cancelled")


def _observe(size: int, cost: int, waits: list[float], *counts: int) -> None:
    """Metrics hook, called by the core once per batch (or per group of refusals)."""
    if size:
        metrics.observe_batch(size, cost, waits)
    for outcome, n in zip(_OUTCOMES, counts):
        if n:
            metrics.count_requests(outcome, n)


_open: weakref.WeakSet[Batcher[Any, Any]] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Stops the worker threads of batchers nobody closed, before the interpreter goes."""
    for batcher in list(_open):
        batcher.close(drain=False, timeout_s=1.0)


class Batcher(Generic[T, R]):
    """A cost-budget dynamic batcher around ``fn(list[T]) -> list[R]``.

    Args:
        fn: the batch function. Called on a worker thread with a list of items; returns a
            list of the same length, in order (an exception instance in a slot fails that
            item alone).
        max_batch_size: most requests per call.
        max_batch_cost: budget for the summed cost of one call (e.g. image tiles from the
            tile plan); ``None`` for no budget. Change it live with
            :meth:`set_max_batch_cost`.
        max_delay_ms: longest the oldest queued request waits for its batch to fill.
        max_queue: most requests waiting at once; more raise
            :class:`~vlmserve.QueueFullError` at submit.
        workers: batches that may run at the same time (threads calling ``fn``).
        priority_aging_ms: if set, a waiting request gains one priority level per this
            many milliseconds (anti-starvation); ``None`` for strict priority.
        metrics: record Prometheus metrics (``vlmserve.metrics``), once per batch.

    >>> b = Batcher(lambda xs: [x * 2 for x in xs], max_batch_size=4, max_delay_ms=1)
    >>> t = b.put(21)                  # from any thread
    >>> t.result(timeout=5)
    42
    >>> b.close()
    True
    """

    # A submit due at once on an awake worker lends it the GIL for a few microseconds so a
    # short batch runs without a thread sleeping; off where fn needs the caller's loop.
    _lend_gil = True

    def __init__(
        self,
        fn: Callable[[list[T]], Sequence[R | BaseException]],
        *,
        max_batch_size: int = 32,
        max_batch_cost: int | None = None,
        max_delay_ms: float = 5.0,
        max_queue: int = 10_000,
        workers: int = 1,
        priority_aging_ms: float | None = None,
        metrics: bool = True,
    ) -> None:
        self._core = _core.Batcher(
            fn,
            max_batch_size=max_batch_size,
            max_batch_cost=max_batch_cost,
            max_delay_ms=max_delay_ms,
            max_queue=max_queue,
            workers=workers,
            priority_aging_ms=priority_aging_ms,
            on_batch=_observe if metrics else None,
            lend_gil=self._lend_gil,
        )
        _open.add(self)

    async def submit(
        self, item: T, *, cost: int = 1, priority: int = 0, deadline_s: float | None = None
    ) -> R:
        """Queue one request and wait for its result (asyncio).

        ``deadline_s`` is relative (seconds from now). Cancelling the awaiting task removes
        the request if it has not started.

        >>> async def handler(b, prompt):
        ...     return await b.submit(prompt, cost=7, priority=1, deadline_s=2.0)
        """
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        try:
            rid = self._core.submit_future(item, fut, loop, cost, priority, deadline_s)
        except QueueFullError:
            metrics.count_requests("queue_full")
            raise
        try:
            return await fut
        except asyncio.CancelledError:
            self._core.cancel(rid)
            raise

    async def submit_many(
        self,
        items: Iterable[T],
        *,
        costs: Sequence[int] | None = None,
        priority: int = 0,
        deadline_s: float | None = None,
        return_exceptions: bool = False,
    ) -> list[R | BaseException]:
        """Queue several requests at once and wait for all of them (asyncio).

        Far cheaper per item than many :meth:`submit` calls: one future and one wakeup for
        the whole group. Queued all or none (``QueueFullError`` if they do not all fit).
        With ``return_exceptions`` a failed item's slot holds its exception; otherwise the
        first failure is raised (after every item is answered).
        """
        items = list(items)
        if not items:
            return []
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        try:
            first, n = self._core.submit_many_future(
                items, fut, loop, _list(costs), priority, deadline_s, return_exceptions
            )
        except QueueFullError:
            metrics.count_requests("queue_full", len(items))
            raise
        try:
            return await fut
        except asyncio.CancelledError:
            self._core.cancel(first, n)
            raise

    def put(
        self, item: T, *, cost: int = 1, priority: int = 0, deadline_s: float | None = None
    ) -> Ticket:
        """Queue one request from any thread; returns a :class:`Ticket` (``result()``,
        ``cancel()``...), which does not need an event loop."""
        try:
            return self._core.put(item, cost, priority, deadline_s)
        except QueueFullError:
            metrics.count_requests("queue_full")
            raise

    def run_many(
        self,
        items: Iterable[T],
        *,
        costs: Sequence[int] | None = None,
        priority: int = 0,
        deadline_s: float | None = None,
        return_exceptions: bool = False,
    ) -> list[R | BaseException]:
        """Queue several requests and block until all are answered (threads; the GIL is
        released while waiting). A TorchServe handler passes its whole request list here.

        >>> b = Batcher(lambda xs: [x + 1 for x in xs], max_batch_cost=10, max_delay_ms=1)
        >>> b.run_many([1, 2, 3], costs=[4, 4, 4])   # batches [1, 2] then [3]
        [2, 3, 4]
        >>> b.close()
        True
        """
        items = list(items)
        try:
            return self._core.run_many(items, _list(costs), priority, deadline_s, return_exceptions)
        except QueueFullError:
            metrics.count_requests("queue_full", len(items))
            raise

    def __call__(
        self, item: T, *, cost: int = 1, priority: int = 0, deadline_s: float | None = None
    ) -> R:
        """Run one request, blocking the calling thread until it is answered."""
        return self.put(item, cost=cost, priority=priority, deadline_s=deadline_s).result()

    def set_max_batch_cost(self, max_batch_cost: float | None) -> None:
        """Change the cost budget for batches formed from now on (``None``: no budget).

        A float (such as the safe cost a :class:`ResilientGenerator` learns) is floored, so
        ``ResilientGenerator(..., on_limit=batcher.set_max_batch_cost)`` wires the two."""
        if max_batch_cost is not None:
            max_batch_cost = math.floor(max_batch_cost)
        self._core.set_max_batch_cost(max_batch_cost)

    @property
    def max_batch_cost(self) -> int | None:
        return self._core.max_batch_cost

    @property
    def max_batch_size(self) -> int:
        return self._core.max_batch_size

    @property
    def pending(self) -> int:
        """Requests queued and not yet in a batch."""
        return self._core.pending

    @property
    def closed(self) -> bool:
        return self._core.closed

    def close(self, *, drain: bool = True, timeout_s: float | None = None) -> bool:
        """Stop accepting requests and stop the worker threads.

        ``drain=True`` runs what is queued first (without waiting for batches to fill);
        ``drain=False`` answers it with :class:`~vlmserve.RequestCancelledError`. Waits up
        to ``timeout_s`` (forever if ``None``) for running batches; returns True when every
        thread has finished. Safe to call twice.
        """
        _open.discard(self)
        return self._core.close(drain, timeout_s)

    def __enter__(self) -> Batcher[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Batcher[T, R]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Draining blocks while batches finish: keep the event loop free meanwhile.
        await asyncio.get_running_loop().run_in_executor(None, self.close)

    def __repr__(self) -> str:
        c = self._core
        return (
            f"Batcher(max_batch_size={c.max_batch_size}, max_batch_cost={c.max_batch_cost}, "
            f"max_delay_ms={c.max_delay_ms:g}, pending={c.pending}, closed={c.closed})"
        )


def _list(costs: Sequence[int] | None) -> list[int] | None:
    return None if costs is None else list(costs)


class BatchedFunction(Generic[T, R]):
    """A batch function made callable one item at a time (see :func:`batch`).

    Calling it blocks the calling thread for a plain ``def`` function, and returns an
    awaitable for an ``async def`` one. Either kind also offers ``await f.acall(x)``
    (asyncio), ``f.map(items)`` (threads, blocking) and ``f.close()``. On a method, each
    instance gets its own batcher.
    """

    def __init__(
        self, fn: Callable[..., Any], cost: Callable[[T], int] | None, options: dict[str, Any]
    ) -> None:
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._cost = cost
        self._options = options
        self._is_async = inspect.iscoroutinefunction(fn)
        self._batcher: Batcher[T, R] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    @property
    def batcher(self) -> Batcher[T, R]:
        """The underlying :class:`Batcher`, started on first use."""
        if self._batcher is None:
            with self._lock:
                if self._batcher is None:
                    cls = _LoopBatcher if self._is_async else Batcher
                    self._batcher = cls(self._run, **self._options)
        return self._batcher

    def _run(self, items: list[T]) -> Any:
        if not self._is_async:
            return self._fn(items)
        # An async batch function runs on the event loop of its callers; this worker
        # thread waits for it with the GIL released.
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(self._fn(items), self._loop).result()

    def _cost_of(self, item: T) -> int:
        return 1 if self._cost is None else self._cost(item)

    def __call__(
        self, item: T, *, priority: int = 0, deadline_s: float | None = None
    ) -> R | Awaitable[R]:
        if self._is_async:
            return self.acall(item, priority=priority, deadline_s=deadline_s)
        return self.batcher(
            item, cost=self._cost_of(item), priority=priority, deadline_s=deadline_s
        )

    async def acall(self, item: T, *, priority: int = 0, deadline_s: float | None = None) -> R:
        """Run one item from asyncio."""
        if self._is_async and self._loop is None:
            self._loop = asyncio.get_running_loop()
        return await self.batcher.submit(
            item, cost=self._cost_of(item), priority=priority, deadline_s=deadline_s
        )

    def map(
        self, items: Iterable[T], *, return_exceptions: bool = False
    ) -> list[R | BaseException]:
        """Run many items from a thread, blocking until all are answered."""
        if self._is_async:
            raise TypeError("map() blocks a thread; an async batch function needs acall()")
        items = list(items)
        costs = [self._cost_of(i) for i in items]
        return self.batcher.run_many(items, costs=costs, return_exceptions=return_exceptions)

    def close(self, *, drain: bool = True, timeout_s: float | None = None) -> bool:
        """Close the underlying batcher if it was started."""
        return (
            True if self._batcher is None else self._batcher.close(drain=drain, timeout_s=timeout_s)
        )

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        # One batcher per instance, kept on the instance (like Ray's per-replica queue).
        key = f"_vlmserve_batched_{self.__name__}"
        bound = instance.__dict__.get(key)
        if bound is None:
            bound = BatchedFunction(
                functools.partial(self._fn, instance), self._cost, self._options
            )
            bound._is_async = self._is_async
            instance.__dict__[key] = bound
        return bound


def batch(
    _fn: Callable[..., Any] | None = None,
    *,
    max_batch_size: int = 32,
    max_batch_cost: int | None = None,
    max_delay_ms: float = 5.0,
    max_queue: int = 10_000,
    cost: Callable[[Any], int] | None = None,
    workers: int = 1,
    priority_aging_ms: float | None = None,
    metrics: bool = True,
) -> Any:
    """Decorator: make ``fn(list) -> list`` callable per item, batching calls together.

    The counterpart of Ray Serve's ``@serve.batch``, with a cost budget (``cost`` maps an
    item to its cost, e.g. its image tiles), deadlines and priorities per call.

    >>> @batch(max_batch_size=32, max_batch_cost=64, max_delay_ms=5, cost=lambda d: d["tiles"])
    ... async def extract(docs):                              # doctest: +SKIP
    ...     return await model.generate(docs)
    >>> fields = await extract({"tiles": 7, "image": img})   # doctest: +SKIP
    """
    options = dict(
        max_batch_size=max_batch_size,
        max_batch_cost=max_batch_cost,
        max_delay_ms=max_delay_ms,
        max_queue=max_queue,
        workers=workers,
        priority_aging_ms=priority_aging_ms,
        metrics=metrics,
    )

    def wrap(fn: Callable[..., Any]) -> BatchedFunction[Any, Any]:
        return BatchedFunction(fn, cost, options)

    return wrap(_fn) if _fn is not None else wrap


class _LoopBatcher(Batcher[T, R]):
    """For an async batch function, which runs on its callers' loop: that loop must not
    spin waiting for the worker, which waits for the loop."""

    _lend_gil = False

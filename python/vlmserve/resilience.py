"""Resilient generation: run a model on a batch and recover from CUDA out-of-memory.

:class:`ResilientGenerator` wraps ``generate_fn(batch, **params)``. When it runs out of
memory, the generator walks a ladder of recoveries, each a *tier*:

``release``
    Drop the failed attempt's references (its traceback frames included), run the release
    hook (default :func:`release_memory`: ``gc.collect()`` and ``torch.cuda.empty_cache()``)
    and retry once.
``split``
    Cut the batch into two halves of about equal cost and run them one after the other,
    splitting again any half that runs out of memory, down to single items. A half whose
    cost has already run out of memory is split without running it.
``shrink``
    Call ``shrink(params)`` for cheaper parameters (fewer tiles, fewer new tokens) and retry,
    again and again until it returns ``None`` (at most 16 times). It is called once per
    distinct parameter set per call, so it must be a pure function of ``params``.
``reload``
    Call ``reload()`` (e.g. rebuild the model), at most once per call, and retry.
``cpu``
    Call ``cpu_generate(batch, **params)`` with the call's *original* parameters (shrinking
    traded quality for GPU memory, which the CPU does not need). Always the last tier.

An item that runs out of memory on every tier gets a :class:`vlmserve.OutOfMemoryError`
saying what to change, chained to the last out-of-memory error. Other errors are not
retried: every item of the failed run gets that exception. ``generate_fn`` may also return
an exception instance in place of one item's result; it is passed through for that item only.

Each call's ladder (which tier next, how to split, the bookkeeping that gives every item
exactly one result or error) is decided by the Rust core (``vlmserve._core.OomLadder``);
this module runs the steps it asks for.

>>> def generate(batch, max_new_tokens=256):
...     return [f"{doc}: {max_new_tokens} tokens" for doc in batch]
>>> gen = ResilientGenerator(generate, shrink=lambda p: None)
>>> result = gen(["invoice", "receipt"], max_new_tokens=64)
>>> result.outputs, result.tiers
(['invoice: 64 tokens', 'receipt: 64 tokens'], [])
"""

from __future__ import annotations

import gc
import logging
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from vlmserve import _core, metrics
from vlmserve.errors import InvalidArgumentError, OutOfMemoryError, VlmServeError

__all__ = [
    "DEFAULT_OOM_PATTERNS",
    "GenerationResult",
    "ResilientGenerator",
    "oom_matcher",
    "release_memory",
]

logger = logging.getLogger(__name__)

DEFAULT_OOM_PATTERNS = (
    "CUDA out of memory",
    "CUDA error: out of memory",
    "CUBLAS_STATUS_ALLOC_FAILED",
    "CUDNN_STATUS_ALLOC_FAILED",
)
"""Messages (regular expressions, searched) that mark an exception as a GPU out-of-memory."""

OomSpec = Union[
    Callable[[BaseException], bool], Sequence[Union[str, "re.Pattern[str]", type]], None
]

_PENDING = object()


def release_memory() -> None:
    """The default ``release`` hook: collect garbage, then empty PyTorch's CUDA cache.

    ``torch`` is looked up among the modules already imported, never imported here: if
    nothing imported it, it holds no GPU memory to give back.

    >>> release_memory()
    """
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.empty_cache()


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and those it was raised from or while handling."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [e.__cause__, e.__context__]


def _torch_oom_types() -> tuple[type, ...]:
    torch = sys.modules.get("torch")
    oom = getattr(getattr(torch, "cuda", None), "OutOfMemoryError", None)
    return (oom,) if isinstance(oom, type) else ()


def oom_matcher(spec: OomSpec = None) -> Callable[[BaseException], bool]:
    """A predicate telling GPU out-of-memory exceptions from the rest.

    ``spec`` is a callable (used as is), or a list of exception types (matched with
    ``isinstance``) and message patterns (regular expressions, searched in ``str(exc)``).
    ``None`` means :data:`DEFAULT_OOM_PATTERNS` plus ``torch.cuda.OutOfMemoryError`` when
    torch is imported. An exception also matches when one it was raised from (or while
    handling) does.

    >>> is_oom = oom_matcher(["out of memory", MemoryError])
    >>> is_oom(RuntimeError("CUDA error: out of memory")), is_oom(ValueError("bad shape"))
    (True, False)
    """
    if spec is None:
        types, patterns = (), [re.compile(p) for p in DEFAULT_OOM_PATTERNS]
        extra_types = _torch_oom_types
    elif callable(spec) and not isinstance(spec, type):
        return spec
    else:
        types, patterns = _parse_spec([spec] if isinstance(spec, (str, type)) else spec)
        extra_types = tuple

    def is_oom(exc: BaseException) -> bool:
        match = types + extra_types()
        return any(
            isinstance(e, match) or any(p.search(str(e)) for p in patterns) for e in _chain(exc)
        )

    return is_oom


def _parse_spec(spec: Sequence[Any]) -> tuple[tuple[type, ...], list[re.Pattern[str]]]:
    types, patterns = [], []
    for item in spec:
        if isinstance(item, type) and issubclass(item, BaseException):
            types.append(item)
        elif isinstance(item, (str, re.Pattern)):
            patterns.append(re.compile(item))
        else:
            raise InvalidArgumentError(
                f"is_oom entries must be exception types or message patterns, got {item!r}"
            )
    return tuple(types), patterns


def _clear_frames(exc: BaseException) -> None:
    """Drops the local variables of every frame in the exception's tracebacks (a failed
    attempt's frames hold its tensors), keeping the tracebacks' file and line records."""
    for e in _chain(exc):
        traceback.clear_frames(e.__traceback__)


def _drop_traceback(exc: BaseException) -> None:
    """Cuts the exception loose from its frames entirely, so the memory they held is free
    before anything is retried."""
    _clear_frames(exc)
    for e in _chain(exc):
        e.__traceback__ = None


def _count_problem(results: Any, n: int) -> str | None:
    """What is wrong with a result list that should have ``n`` entries, if anything."""
    if isinstance(results, (str, bytes)):
        return "a string"
    try:
        got = len(results)
    except TypeError:
        return f"a {type(results).__name__}"
    return None if got == n else f"{got} results"


@dataclass(frozen=True)
class GenerationResult:
    """What one call produced.

    Attributes:
        outputs: one per item, in input order: the result, or an exception instance.
        tiers: the recovery tiers that acted, in the order each first did (the output
            record's ``"recovery"``); empty when nothing ran out of memory.
        events: the ladder's walk as ``(event, start, stop)`` tuples over ``batch[start:stop]``:
            ``run``/``cpu`` (an attempt), ``ok``/``oom``/``failed`` (how it ended), ``release``,
            ``split``, ``shrink``, ``reload``, ``give_up``.
        ooms: out-of-memory errors caught.
    """

    outputs: list[Any]
    tiers: list[str]
    events: list[tuple[str, int, int]]
    ooms: int

    @property
    def errors(self) -> dict[int, BaseException]:
        """The failed items: index -> exception."""
        return {i: o for i, o in enumerate(self.outputs) if isinstance(o, BaseException)}

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_errors(self) -> list[Any]:
        """The outputs, or raises the first item's exception if any item failed.

        >>> GenerationResult(["a", "b"], [], [], 0).raise_errors()
        ['a', 'b']
        """
        for error in self.errors.values():
            raise error
        return self.outputs


class ResilientGenerator:
    """Runs ``generate_fn(batch, **params)`` and recovers from running out of GPU memory.

    Args:
        generate_fn: takes a list of items and keyword parameters, returns one result per
            item (an exception instance in place of a result fails that item alone).
        tiers: recovery tier names in order, a subset of ``release, split, shrink, reload,
            cpu`` (``cpu`` last). ``None``: every tier whose hook is available, in that order.
        is_oom: what counts as out-of-memory: see :func:`oom_matcher`.
        release: hook for the ``release`` tier (default :func:`release_memory`).
        shrink: ``shrink(params) -> params | None``: cheaper parameters, or ``None`` when
            they cannot get smaller. Fewer tiles need ``generate_fn`` to take a tile limit.
        reload: ``reload() -> None``: reloads the model.
        cpu_generate: ``cpu_generate(batch, **params)``, like ``generate_fn``, on the CPU.
        cost_fn: an item's cost (e.g. its tile count) when a call passes no ``costs``;
            default 1 per item.
        on_limit: called with the learned safe batch cost whenever it changes, e.g. a
            batcher's ``set_max_batch_cost``.
        limits: limits learned earlier (:class:`vlmserve._core.SafeCost`), to start from.

    Calls are serialised: one model, one memory pool; the recoveries of concurrent calls
    would trample each other.

    >>> def generate(batch, max_new_tokens=256):
    ...     if sum(batch) > 10:
    ...         raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
    ...     return [n * 2 for n in batch]
    >>> seen = []
    >>> gen = ResilientGenerator(generate, cost_fn=lambda n: n, on_limit=seen.append)
    >>> result = gen([4, 4, 4, 4])
    >>> result.outputs, result.tiers, seen
    ([8, 8, 8, 8], ['release', 'split'], [8.0])
    """

    def __init__(
        self,
        generate_fn: Callable[..., Sequence[Any]],
        *,
        tiers: Sequence[str] | None = None,
        is_oom: OomSpec = None,
        release: Callable[[], None] | None = None,
        shrink: Callable[[dict[str, Any]], Mapping[str, Any] | None] | None = None,
        reload: Callable[[], None] | None = None,
        cpu_generate: Callable[..., Sequence[Any]] | None = None,
        cost_fn: Callable[[Any], float] | None = None,
        on_limit: Callable[[float], None] | None = None,
        limits: _core.SafeCost | None = None,
    ) -> None:
        if isinstance(tiers, str):
            raise InvalidArgumentError(f"tiers must be a list of tier names, got {tiers!r}")
        self._tiers = _core.resolve_tiers(
            None if tiers is None else list(tiers),
            shrink=shrink is not None,
            reload=reload is not None,
            cpu=cpu_generate is not None,
        )
        self._generate_fn = generate_fn
        self._is_oom = oom_matcher(is_oom)
        self._hooks = {"release": release or release_memory, "shrink": shrink, "reload": reload}
        self._cpu_generate = cpu_generate
        self._cost_fn = cost_fn
        self._on_limit = on_limit
        self._limits = limits if limits is not None else _core.SafeCost()
        self._lock = threading.Lock()

    @property
    def tiers(self) -> list[str]:
        """The tiers walked, in order."""
        return list(self._tiers)

    @property
    def limits(self) -> _core.SafeCost:
        """What the calls so far learned: ``largest_ok``, ``smallest_failed``, ``max_safe_cost``."""
        return self._limits

    def __call__(
        self, batch: Sequence[Any], /, *, costs: Sequence[float] | None = None, **params: Any
    ) -> GenerationResult:
        """Generates for every item of ``batch``; ``params`` go to ``generate_fn``.

        ``costs`` gives each item's cost (default: ``cost_fn`` or 1 per item). Never raises
        for an item's failure: see :meth:`GenerationResult.raise_errors`.
        """
        items = list(batch)
        item_costs = self._costs(items, costs)
        with self._lock:
            before = self._limits.max_safe_cost
            ladder = _core.OomLadder(self._tiers, item_costs, self._limits)
            outputs = _Call(self, items, params).walk(ladder)
            self._limits = ladder.limits
        result = GenerationResult(outputs, ladder.tiers_used, ladder.events, ladder.ooms)
        self._publish(result, before)
        return result

    def _costs(self, items: list[Any], costs: Sequence[float] | None) -> list[float]:
        if costs is None:
            return [float(self._cost_fn(x)) if self._cost_fn else 1.0 for x in items]
        if len(costs) != len(items):
            raise InvalidArgumentError(
                f"costs has {len(costs)} entries for a batch of {len(items)}; give one per item"
            )
        return [float(c) for c in costs]

    def _publish(self, result: GenerationResult, safe_before: float | None) -> None:
        """Metrics, a log line, and the batcher's budget when the safe cost moved."""
        safe = self._limits.max_safe_cost
        metrics.observe_recovery(result.tiers, oom=result.ooms > 0, safe_cost=safe)
        if result.tiers:
            logger.info("recovered from %d out-of-memory errors via %s", result.ooms, result.tiers)
        if safe is not None and safe != safe_before and self._on_limit is not None:
            try:
                self._on_limit(safe)
            except Exception:
                # The batch is answered; a broken callback must not lose its results.
                logger.exception("on_limit(%s) failed", safe)


class _Call:
    """One call: runs the steps the ladder asks for against the user's callables."""

    def __init__(self, gen: ResilientGenerator, items: list[Any], params: dict[str, Any]):
        self.gen = gen
        self.items = items
        self.params = {0: params}
        self.outputs: list[Any] = [_PENDING] * len(items)
        self.last_oom: BaseException | None = None

    def walk(self, ladder: _core.OomLadder) -> list[Any]:
        handlers = {
            "run": self._run,
            "release": self._hook,
            "reload": self._hook,
            "shrink": self._shrink,
            "give_up": self._give_up,
        }
        step = ladder.next_step()
        while step.kind != "done":
            outcome = handlers[step.kind](step)
            if outcome is not None:
                ladder.report(outcome)
            step = ladder.next_step()
        if _PENDING in self.outputs:
            raise VlmServeError("internal error in vlmserve: an item got no result; please report")
        return self.outputs

    def _attempt(self, step: _core.Step, fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
        """Calls ``fn``; on an exception returns ``("oom" | "error", exc)`` with its frames
        already let go (the retry must not find the failed attempt's tensors still alive)."""
        try:
            return "ok", fn(*args)
        except Exception as exc:
            if not self.gen._is_oom(exc):
                _clear_frames(exc)
                self._fail(step, exc)
                return "error", exc
            _drop_traceback(exc)
            logger.warning("out of memory (items %d..%d): %s", step.start, step.stop, exc)
            self.last_oom = exc
            return "oom", exc

    def _run(self, step: _core.Step) -> str:
        fn = self.gen._cpu_generate if step.on_cpu else self.gen._generate_fn
        batch = self.items[step.start : step.stop]
        params = self.params[step.params]
        outcome, results = self._attempt(step, lambda: fn(batch, **params))
        if outcome != "ok":
            return outcome
        problem = _count_problem(results, len(batch))
        if problem is not None:
            self._fail(
                step,
                InvalidArgumentError(
                    f"{fn!r} returned {problem} for a batch of {len(batch)}; return a list "
                    "with one result (or exception instance) per item"
                ),
            )
            return "error"
        self.outputs[step.start : step.stop] = list(results)
        return "ok"

    def _hook(self, step: _core.Step) -> str:
        return self._attempt(step, self.gen._hooks[step.kind])[0]

    def _shrink(self, step: _core.Step) -> str:
        params = dict(self.params[step.params])
        outcome, smaller = self._attempt(step, self.gen._hooks["shrink"], params)
        if outcome != "ok":
            return outcome
        if smaller is None:
            return "cannot_shrink"
        if not isinstance(smaller, Mapping):
            self._fail(
                step,
                InvalidArgumentError(
                    f"shrink must return a dict of parameters or None, got {smaller!r}"
                ),
            )
            return "error"
        self.params[step.new_params] = dict(smaller)
        return "ok"

    def _give_up(self, step: _core.Step) -> None:
        last = self.last_oom
        first_line = (str(last).splitlines() or [""])[0]
        detail = f" (last error: {type(last).__name__}: {first_line})" if last else ""
        error = OutOfMemoryError(step.message + detail)
        error.__cause__ = last
        self.outputs[step.start : step.stop] = [error] * (step.stop - step.start)

    def _fail(self, step: _core.Step, exc: BaseException) -> None:
        self.outputs[step.start : step.stop] = [exc] * (step.stop - step.start)

"""Prometheus metrics for batching and resilient generation (prometheus-client, default
registry unless one is passed). Names follow Prometheus conventions: a `vlmserve_` prefix,
base units (`_seconds`), `_total` for counters.

>>> from vlmserve import metrics
>>> metrics.observe_batch(size=8, cost=40, queue_waits_s=[0.002] * 8)
>>> metrics.observe_recovery(["release", "split"], oom=True)
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram

BATCH_SIZE = Histogram(
    "vlmserve_batch_size",
    "Requests per batch handed to the model.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
)
BATCH_COST = Histogram(
    "vlmserve_batch_cost",
    "Summed request cost (e.g. image tiles) per batch.",
    buckets=(1, 4, 8, 16, 32, 64, 128, 256, 512),
)
QUEUE_WAIT = Histogram(
    "vlmserve_queue_wait_seconds",
    "Time a request waited in the batcher's queue before its batch started.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
REQUESTS = Counter(
    "vlmserve_requests_total",
    "Requests answered by the batcher, by outcome.",
    ["outcome"],  # ok, error, deadline_exceeded, cancelled, queue_full
)
RECOVERY_TIERS = Counter(
    "vlmserve_recovery_tier_total",
    "Recovery tiers run by the resilient generator after an out-of-memory error.",
    ["tier"],  # release, split, shrink, reload, cpu
)
OOM = Counter("vlmserve_oom_total", "CUDA out-of-memory errors caught.")
SAFE_BATCH_COST = Gauge(
    "vlmserve_safe_batch_cost",
    "Largest batch cost learned to run without running out of memory.",
)


def observe_batch(size: int, cost: float, queue_waits_s: Iterable[float]) -> None:
    """Records one batch as it starts."""
    BATCH_SIZE.observe(size)
    BATCH_COST.observe(cost)
    for wait in queue_waits_s:
        QUEUE_WAIT.observe(wait)


def count_requests(outcome: str, n: int = 1) -> None:
    REQUESTS.labels(outcome=outcome).inc(n)


def observe_recovery(tiers: Iterable[str], *, oom: bool, safe_cost: float | None = None) -> None:
    """Records the tiers one generate call walked, and the learned safe cost if known."""
    if oom:
        OOM.inc()
    for tier in tiers:
        RECOVERY_TIERS.labels(tier=tier).inc()
    if safe_cost is not None:
        SAFE_BATCH_COST.set(safe_cost)

"""ResilientGenerator on CPU: generate functions that raise real OOM-shaped exceptions at
given batch costs, and the exact ladder each walks."""

from __future__ import annotations

import doctest
import gc
import random
import weakref

import pytest
from prometheus_client import REGISTRY

import vlmserve
import vlmserve.resilience
from vlmserve import InvalidArgumentError, OutOfMemoryError, ResilientGenerator
from vlmserve._core import SafeCost

CUDA_OOM = (
    "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.77 GiB total capacity; "
    "13.52 GiB already allocated; 1.12 GiB free; 14.01 GiB reserved in total by PyTorch)"
)


def oom() -> RuntimeError:
    return RuntimeError(CUDA_OOM)


class Model:
    """A fake model: runs out of memory when the batch's cost (sum of items, or 1 each)
    exceeds ``cap``, and records every call."""

    def __init__(self, cap: float, cost=lambda item: 1):
        self.cap, self.cost = cap, cost
        self.calls: list[tuple[list, dict]] = []

    def __call__(self, batch, **params):
        self.calls.append((list(batch), params))
        if sum(self.cost(x) for x in batch) > self.cap:
            raise oom()
        return [f"out-{x}" for x in batch]

    @property
    def sizes(self) -> list[int]:
        return [len(b) for b, _ in self.calls]


def test_no_oom_is_one_call_with_the_params():
    model = Model(cap=100)
    result = ResilientGenerator(model)(["a", "b", "c"], max_new_tokens=64)
    assert result.outputs == ["out-a", "out-b", "out-c"]
    assert result.tiers == [] and result.ooms == 0 and result.ok
    assert result.events == [("run", 0, 3), ("ok", 0, 3)]
    assert model.calls == [(["a", "b", "c"], {"max_new_tokens": 64})]


def test_release_then_split_walks_the_exact_ladder():
    model = Model(cap=2)
    released, limits_seen = [], []
    gen = ResilientGenerator(
        model, release=lambda: released.append(len(model.calls)), on_limit=limits_seen.append
    )
    assert gen.tiers == ["release", "split"]
    result = gen(list(range(8)))
    assert result.outputs == [f"out-{i}" for i in range(8)]
    assert result.tiers == ["release", "split"]
    assert result.ooms == 3
    # 8 fails twice (before and after the release), 4 fails, then pairs fit; the second
    # half (cost 4, already known to fail) is split without being run.
    assert model.sizes == [8, 8, 4, 2, 2, 2, 2]
    assert [b for b, _ in model.calls[3:]] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    assert released == [1]
    assert result.events == [
        ("run", 0, 8), ("oom", 0, 8), ("release", 0, 8), ("run", 0, 8), ("oom", 0, 8),
        ("split", 0, 8), ("run", 0, 4), ("oom", 0, 4), ("split", 0, 4),
        ("run", 0, 2), ("ok", 0, 2), ("run", 2, 4), ("ok", 2, 4),
        ("split", 4, 8), ("run", 4, 6), ("ok", 4, 6), ("run", 6, 8), ("ok", 6, 8),
    ]  # fmt: skip
    assert (gen.limits.largest_ok, gen.limits.smallest_failed) == (2.0, 4.0)
    assert gen.limits.max_safe_cost == 2.0
    assert limits_seen == [2.0]


def test_split_halves_by_cost_from_costs_or_cost_fn():
    model = Model(cap=10, cost=len)
    docs = ["aaaaaa", "bbbbbb", "ccc", "ddd"]  # costs 6, 6, 3, 3
    for gen, kwargs in [
        (ResilientGenerator(model, tiers=["split"], cost_fn=len), {}),
        (ResilientGenerator(model, tiers=["split"]), {"costs": [6, 6, 3, 3]}),
    ]:
        model.calls.clear()
        result = gen(docs, **kwargs)
        assert result.outputs == [f"out-{d}" for d in docs]
        assert [b for b, _ in model.calls] == [docs, docs[:2], docs[:1], docs[1:2], docs[2:]]
        assert gen.limits.largest_ok == 6.0 and gen.limits.smallest_failed == 12.0


@pytest.mark.parametrize(
    "message",
    [
        CUDA_OOM,
        "CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported",
        "CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
        "cuDNN error: CUDNN_STATUS_ALLOC_FAILED",
    ],
)
def test_default_matcher_knows_cuda_messages(message):
    assert vlmserve.resilience.oom_matcher()(RuntimeError(message))


def test_default_matcher_leaves_other_errors_and_follows_chains():
    is_oom = vlmserve.resilience.oom_matcher()
    assert not is_oom(RuntimeError("Expected all tensors to be on the same device"))
    assert not is_oom(MemoryError())
    try:
        try:
            raise oom()
        except RuntimeError as inner:
            raise ValueError("generation failed") from inner
    except ValueError as exc:
        assert is_oom(exc)


class AllocFailedError(Exception):
    pass


@pytest.mark.parametrize(
    "is_oom",
    [
        [AllocFailedError],
        AllocFailedError,
        ["alloc failed"],
        lambda e: isinstance(e, AllocFailedError),
    ],
)
def test_configurable_matcher(is_oom):
    calls = []

    def generate(batch):
        calls.append(len(batch))
        if len(batch) > 1:
            raise AllocFailedError("device alloc failed")
        return batch

    result = ResilientGenerator(generate, tiers=["split"], is_oom=is_oom)([1, 2])
    assert result.outputs == [1, 2] and calls == [2, 1, 1]
    # The same exception is an ordinary error where the matcher does not know it.
    calls.clear()
    result = ResilientGenerator(generate, tiers=["split"])([1, 2])
    assert calls == [2] and all(isinstance(o, AllocFailedError) for o in result.outputs)


def test_matcher_entries_are_checked():
    with pytest.raises(InvalidArgumentError, match="exception types or message patterns"):
        ResilientGenerator(lambda b: b, is_oom=[42])


def test_other_errors_fail_the_run_without_retry():
    calls = []

    def generate(batch):
        calls.append(list(batch))
        raise ValueError("prompt too long")

    result = ResilientGenerator(generate)(["a", "b", "c"])
    assert calls == [["a", "b", "c"]]
    assert result.tiers == [] and result.ooms == 0
    assert list(result.errors) == [0, 1, 2]
    assert all(str(e) == "prompt too long" for e in result.outputs)
    assert result.events == [("run", 0, 3), ("failed", 0, 3)]


def test_per_item_exceptions_pass_through_alone():
    bad_page = ValueError("page 2 is blank")
    result = ResilientGenerator(lambda b: [b[0], bad_page, b[2]])(["a", "b", "c"])
    assert result.outputs == ["a", bad_page, "c"]
    assert result.errors == {1: bad_page} and not result.ok
    with pytest.raises(ValueError, match="page 2 is blank"):
        result.raise_errors()


def test_an_error_after_a_split_fails_only_that_half():
    def generate(batch):
        if len(batch) == 4:
            raise oom()
        if "b" in batch:
            raise KeyError("b")
        return [x.upper() for x in batch]

    result = ResilientGenerator(generate, tiers=["split"])(["a", "b", "c", "d"])
    assert [type(o).__name__ for o in result.outputs[:2]] == ["KeyError", "KeyError"]
    assert result.outputs[2:] == ["C", "D"]


@pytest.mark.parametrize("returned", [["x"], "xy", 7])
def test_a_wrong_result_count_is_an_error_for_that_run(returned):
    result = ResilientGenerator(lambda b: returned)(["a", "b"])
    assert all(isinstance(o, InvalidArgumentError) for o in result.outputs)
    assert "for a batch of 2" in str(result.outputs[0])


def halving_shrink(log):
    def shrink(params):
        log.append(dict(params))
        if params["max_new_tokens"] <= 64:
            return None
        return {**params, "max_new_tokens": params["max_new_tokens"] // 2}

    return shrink


def test_shrink_until_it_fits():
    shrinks, runs = [], []

    def generate(batch, max_new_tokens, max_tiles):
        runs.append(max_new_tokens)
        if max_new_tokens > 64:
            raise oom()
        return [f"{x}@{max_new_tokens}" for x in batch]

    gen = ResilientGenerator(generate, tiers=["shrink"], shrink=halving_shrink(shrinks))
    result = gen(["doc"], max_new_tokens=256, max_tiles=12)
    assert result.outputs == ["doc@64"]
    assert runs == [256, 128, 64]
    assert shrinks == [
        {"max_new_tokens": 256, "max_tiles": 12},
        {"max_new_tokens": 128, "max_tiles": 12},
    ]
    assert result.tiers == ["shrink"]
    # Runs at shrunk parameters do not teach the batch-cost limits.
    assert gen.limits.largest_ok is None and gen.limits.smallest_failed == 1.0


def test_full_ladder_reloads_once_then_falls_back_to_cpu_with_original_params():
    shrinks, reloads, gpu_runs, cpu_runs = [], [], [], []

    def generate(batch, max_new_tokens):
        gpu_runs.append((list(batch), max_new_tokens))
        raise oom()

    def cpu_generate(batch, max_new_tokens):
        cpu_runs.append((list(batch), max_new_tokens))
        return [f"cpu-{x}" for x in batch]

    gen = ResilientGenerator(
        generate,
        shrink=halving_shrink(shrinks),
        reload=lambda: reloads.append(len(gpu_runs)),
        cpu_generate=cpu_generate,
    )
    assert gen.tiers == ["release", "split", "shrink", "reload", "cpu"]
    result = gen(["a", "b"], max_new_tokens=128)
    assert result.outputs == ["cpu-a", "cpu-b"]
    assert result.tiers == ["release", "split", "shrink", "reload", "cpu"]
    assert gpu_runs == [
        (["a", "b"], 128), (["a", "b"], 128),          # first try, after release
        (["a"], 128), (["a"], 64), (["a"], 64),        # split, shrunk, after the reload
        (["b"], 128), (["b"], 64),                     # split, shrunk (shrink remembered)
    ]  # fmt: skip
    assert shrinks == [{"max_new_tokens": 128}, {"max_new_tokens": 64}]
    assert reloads == [4]  # once, after the fourth GPU run
    assert cpu_runs == [(["a"], 128), (["b"], 128)]


def test_giving_up_raises_nothing_and_says_what_to_change():
    def generate(batch):
        raise oom()

    result = ResilientGenerator(generate, tiers=["release"])(["a", "b"])
    err_a, err_b = result.outputs
    assert err_a is err_b and isinstance(err_a, OutOfMemoryError)
    assert isinstance(err_a, MemoryError)
    message = str(err_a)
    assert message.startswith(
        "2 items (items 0..2, cost 2) still ran out of memory after every recovery tier (release)"
    )
    for advice in ['add the "split" tier', "lower max_new_tokens", "pass cpu_generate="]:
        assert advice in message
    assert message.endswith(f"(last error: RuntimeError: {CUDA_OOM})")
    assert isinstance(err_a.__cause__, RuntimeError) and str(err_a.__cause__) == CUDA_OOM
    assert err_a.__cause__.__traceback__ is None
    assert result.events[-1] == ("give_up", 0, 2)
    with pytest.raises(OutOfMemoryError):
        result.raise_errors()


@pytest.mark.parametrize(
    ("tiers", "kwargs", "match"),
    [
        (["release", "retry"], {}, 'unknown recovery tier "retry"'),
        (["split", "split"], {}, "listed twice"),
        (["cpu", "split"], {"cpu_generate": lambda b: b}, "must come last"),
        (["shrink"], {}, r"pass shrink=\.\.\."),
        (["cpu"], {}, r"pass cpu_generate=\.\.\."),
        ("split", {}, "list of tier names"),
    ],
)
def test_tier_lists_are_validated(tiers, kwargs, match):
    with pytest.raises(InvalidArgumentError, match=match):
        ResilientGenerator(lambda b: b, tiers=tiers, **kwargs)


def test_costs_must_match_the_batch():
    gen = ResilientGenerator(lambda b: b)
    with pytest.raises(InvalidArgumentError, match="costs has 1 entries for a batch of 2"):
        gen(["a", "b"], costs=[1])
    with pytest.raises(InvalidArgumentError, match="cost of item 1 must be a finite number"):
        gen(["a", "b"], costs=[1, -2])


class Big:
    """Stands in for a GPU tensor the failed attempt allocated."""


def test_failed_attempt_frames_are_released_before_the_retry():
    refs: list[weakref.ref] = []
    seen_alive: list[bool] = []

    def generate(batch):
        # The retry checks that the last attempt's allocation is gone before it starts.
        seen_alive.extend(r() is not None for r in refs)
        activations = Big()
        refs.append(weakref.ref(activations))
        if len(refs) < 3:
            raise oom()
        return batch

    def release():
        seen_alive.extend(r() is not None for r in refs)

    # The test is meaningful: without clearing, the exception keeps the frame's object alive.
    try:
        generate(["x"])
    except RuntimeError as exc:
        kept = exc
    assert refs[0]() is not None
    del kept
    refs.clear()

    gc.disable()  # only reference counting may free it: no help from the cycle collector
    try:
        result = ResilientGenerator(generate, tiers=["release", "split"], release=release)
        assert result(["a", "b"]).outputs == ["a", "b"]
    finally:
        gc.enable()
    # release after attempt 1; attempt 2 (after release); split: attempt 3 on ["a"] ...
    assert len(refs) == 4
    assert seen_alive and not any(seen_alive)


def test_frames_of_chained_and_reported_errors_are_cleared():
    refs: list[weakref.ref] = []

    def generate(batch):
        held = Big()
        refs.append(weakref.ref(held))
        if len(batch) > 1:
            try:
                raise KeyError("inner")
            except KeyError as inner:
                raise oom() from inner
        raise ValueError("not an OOM")

    gc.disable()
    try:
        result = ResilientGenerator(generate, tiers=["split"])(["a", "b"])
        # The OOM's frames (and its cause's) were dropped; the reported errors keep their
        # tracebacks (for logs) but not the frames' locals.
        assert [r() for r in refs] == [None, None, None]
        assert all(isinstance(o, ValueError) for o in result.outputs)
        assert result.outputs[0].__traceback__ is not None
    finally:
        gc.enable()


def test_limits_carry_across_calls_and_feed_the_batcher():
    model = Model(cap=4)
    budgets = []
    gen = ResilientGenerator(model, tiers=["split"], on_limit=budgets.append)
    gen(list(range(6)))
    assert (gen.limits.largest_ok, gen.limits.smallest_failed) == (3.0, 6.0)
    model.calls.clear()
    gen(list(range(10)))
    # One probe of the whole batch, then the left half (cost 5 < 6: worth a try) fails and
    # splits to 3 + 2; the right half, now known to fail, splits without a run.
    assert model.sizes == [10, 5, 3, 2, 3, 2]
    assert (gen.limits.largest_ok, gen.limits.smallest_failed) == (3.0, 5.0)
    assert budgets == [3.0]  # called only when the safe cost moved
    model.calls.clear()
    restored = ResilientGenerator(model, tiers=["split"], limits=SafeCost(3.0, 5.0))
    restored(list(range(10)))
    assert model.sizes == [10, 3, 2, 3, 2]  # halves of cost 5 are known to fail: no runs


def test_a_failing_on_limit_callback_loses_no_results(caplog):
    def on_limit(cost):
        raise RuntimeError("batcher gone")

    result = ResilientGenerator(Model(cap=1), tiers=["split"], on_limit=on_limit)(["a", "b"])
    assert result.outputs == ["out-a", "out-b"]
    assert "on_limit(1.0) failed" in caplog.text


def test_metrics_count_tiers_and_safe_cost():
    def sample(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before = sample("vlmserve_recovery_tier_total", tier="split"), sample("vlmserve_oom_total")
    ResilientGenerator(Model(cap=2), tiers=["split"])(list(range(4)))
    assert sample("vlmserve_recovery_tier_total", tier="split") == before[0] + 1
    assert sample("vlmserve_oom_total") == before[1] + 1
    assert sample("vlmserve_safe_batch_cost") == 2.0


def test_release_memory_without_torch():
    vlmserve.resilience.release_memory()  # gc only; torch is not imported here


def test_docstring_examples():
    failures, tried = doctest.testmod(vlmserve.resilience)
    assert tried >= 5 and failures == 0


def random_case(rng: random.Random, case: int) -> set[str]:
    """One random batch through a random ladder; checks each item's single answer and
    returns what happened (tiers used, kinds of answer)."""
    n = rng.randrange(0, 16)
    items = [f"item{case}-{i}" for i in range(n)]
    costs = [rng.randrange(0, 5) for _ in items]
    cap = rng.randrange(0, 12)
    tiers = rng.sample(["release", "split", "shrink", "reload"], rng.randrange(0, 5))
    tiers += ["cpu"] if rng.random() < 0.5 else []
    successes: dict[str, int] = {}

    def generate(batch, level=0, *, on_cpu=False):
        cost = sum(costs[items.index(x)] for x in batch) >> level
        roll = rng.random()
        if roll < 0.05:
            raise ValueError("bad input")
        if not on_cpu and (cost > cap or roll < 0.2):
            raise oom()
        out = []
        for x in batch:
            successes[x] = successes.get(x, 0) + 1
            out.append(LookupError(x) if rng.random() < 0.05 else f"{x}/{level}")
        return out

    def hook():
        if rng.random() < 0.1:
            raise (oom() if rng.random() < 0.5 else OSError("hook failed"))

    def shrink(params):
        hook()
        return None if params["level"] >= 3 else {"level": params["level"] + 1}

    gen = ResilientGenerator(
        generate,
        tiers=tiers,
        release=hook,
        shrink=shrink,
        reload=hook,
        cpu_generate=lambda b, level: generate(b, 0, on_cpu=True),
    )
    result = gen(items, costs=costs, level=0)
    assert len(result.outputs) == n, case
    for item, out in zip(items, result.outputs):
        if isinstance(out, str):
            assert out.split("/")[0] == item, (case, item, out)
            assert successes.get(item) == 1, (case, item)
        elif isinstance(out, LookupError):
            assert out.args == (item,)
        else:
            assert isinstance(out, (ValueError, OSError, OutOfMemoryError)), (case, out)
    assert set(result.tiers) <= set(tiers)
    return set(result.tiers) | {type(o).__name__ for o in result.outputs}


def test_exactly_once_under_random_failures():
    """Random costs, tiers, caps, transient OOMs, other errors, per-item errors and failing
    hooks: every item gets exactly one answer, its own, in input order."""
    rng = random.Random(20240611)
    seen = set().union(*(random_case(rng, case) for case in range(400)))
    # The cases reach every tier and every kind of answer.
    assert seen >= {"release", "split", "shrink", "reload", "cpu", "str", "LookupError"}
    assert seen >= {"ValueError", "OSError", "OutOfMemoryError"}

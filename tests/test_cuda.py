"""vlmserve.cuda on a machine without a GPU: inventory is empty, everything else works on
described devices and on dicts shaped like ``torch.cuda.memory_stats()``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import types

import pytest

from vlmserve import cuda
from vlmserve.cuda import DeviceInfo
from vlmserve.errors import InvalidArgumentError

GIB = 2**30
MIB = 2**20
TIGHT = "max_split_size_mb:64,garbage_collection_threshold:0.6"
MODERN = "expandable_segments:True"

# Totals as the driver reports them, in bytes.
V100_16 = DeviceInfo("Tesla V100-SXM2-16GB", (7, 0), 16_945_512_448)
V100_32 = DeviceInfo("Tesla V100-SXM2-32GB", (7, 0), 34_089_730_048)
T4 = DeviceInfo("Tesla T4", (7, 5), 15_843_721_216)
A10G = DeviceInfo("NVIDIA A10G", (8, 6), 23_836_098_560)
A100_80 = DeviceInfo("NVIDIA A100-SXM4-80GB", (8, 0), 85_899_345_920)
H100 = DeviceInfo("NVIDIA H100 80GB HBM3", (9, 0), 85_520_809_984)


def memory_stats(
    allocated: int,
    reserved: int,
    active: int | None = None,
    inactive_split: int = 0,
    retries: int = 0,
    ooms: int = 0,
) -> dict[str, int]:
    """A dict with the keys and layout of ``torch.cuda.memory_stats()``."""
    active = allocated if active is None else active
    current = {
        "allocated_bytes": allocated,
        "reserved_bytes": reserved,
        "active_bytes": active,
        "inactive_split_bytes": inactive_split,
        "requested_bytes": allocated,
        "allocated": 120,
        "segment": 14,
        "active": 130,
        "inactive_split": 9,
    }
    stats: dict[str, int] = {}
    for name, value in current.items():
        for pool, share in (("all", 1.0), ("large_pool", 0.9), ("small_pool", 0.1)):
            v = value if pool == "all" else int(value * share)
            stats[f"{name}.{pool}.current"] = v
            stats[f"{name}.{pool}.peak"] = v * 2
            stats[f"{name}.{pool}.allocated"] = v * 5
            stats[f"{name}.{pool}.freed"] = v * 4
    stats.update(
        {
            "num_alloc_retries": retries,
            "num_ooms": ooms,
            "num_sync_all_streams": 0,
            "num_device_alloc": 20,
            "num_device_free": 6,
            "max_split_size": -1,
            "oversize_allocations.current": 0,
            "oversize_segments.current": 0,
        }
    )
    return stats


# --- inventory ------------------------------------------------------------------------


def test_devices_is_empty_without_a_gpu():
    assert cuda.devices() == []


def test_device_info_fields_and_repr():
    d = DeviceInfo("Tesla V100-SXM2-16GB", (7, 0), 16 * GIB, free_bytes=GIB, index=2)
    assert (d.index, d.name, d.compute_capability) == (2, "Tesla V100-SXM2-16GB", (7, 0))
    assert (d.total_bytes, d.free_bytes, d.driver_version) == (16 * GIB, GIB, None)
    assert repr(d) == (
        'DeviceInfo(index=2, name="Tesla V100-SXM2-16GB", compute_capability=(7, 0), '
        "total_bytes=17179869184, free_bytes=1073741824, driver_version=None)"
    )
    with pytest.raises(AttributeError):
        d.name = "other"  # frozen


def test_device_info_rejects_free_above_total():
    with pytest.raises(InvalidArgumentError, match="free_bytes"):
        DeviceInfo("x", (8, 0), GIB, free_bytes=2 * GIB)


# --- allocator advice -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        (V100_16, TIGHT),
        (V100_32, TIGHT),
        (T4, TIGHT),
        (A10G, MODERN),
        (A100_80, MODERN),
        (H100, MODERN),
    ],
    ids=["v100-16", "v100-32", "t4", "a10g", "a100-80", "h100"],
)
def test_allocator_config_per_device(device, expected):
    assert cuda.allocator_config(device) == expected


def test_allocator_advice_explains_each_setting():
    config, reasons = cuda.allocator_advice(V100_16)
    assert config == TIGHT
    assert [r.split(": ")[0] for r in reasons] == [
        "max_split_size_mb:64",
        "garbage_collection_threshold:0.6",
    ]
    config, reasons = cuda.allocator_advice(H100)
    assert len(reasons) == 1 and "pytorch#134338" in reasons[0]


def test_no_device_gets_the_conservative_default_and_says_so():
    config, reasons = cuda.allocator_advice()
    assert config == TIGHT
    assert reasons[0].startswith("no CUDA device was found")


def test_missing_device_index_is_an_error():
    with pytest.raises(InvalidArgumentError, match="no CUDA device 3"):
        cuda.allocator_config(3)
    with pytest.raises(InvalidArgumentError):
        cuda.allocator_config("cuda:0")


# --- apply_allocator_config -----------------------------------------------------------


def _run(code: str, env_value: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != cuda.ENV_VAR}
    if env_value is not None:
        env[cuda.ENV_VAR] = env_value
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_apply_sets_the_env_in_a_fresh_process():
    code = (
        "import os, sys; from vlmserve import cuda; "
        "ok = cuda.apply_allocator_config('expandable_segments:True'); "
        "print(ok, os.environ['PYTORCH_CUDA_ALLOC_CONF'], 'torch' in sys.modules)"
    )
    assert _run(code) == "True expandable_segments:True False"


def test_apply_default_uses_the_advice():
    code = (
        "import os; from vlmserve import cuda; cuda.apply_allocator_config(); "
        "print(os.environ['PYTORCH_CUDA_ALLOC_CONF'])"
    )
    assert _run(code) == TIGHT


def test_apply_keeps_a_user_value_unless_override(monkeypatch, caplog):
    monkeypatch.setenv(cuda.ENV_VAR, "max_split_size_mb:128")
    with caplog.at_level(logging.INFO, logger="vlmserve.cuda"):
        assert cuda.apply_allocator_config(MODERN) is False
    assert os.environ[cuda.ENV_VAR] == "max_split_size_mb:128"
    assert "keeping it (pass override=True" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="vlmserve.cuda"):
        assert cuda.apply_allocator_config(MODERN, override=True) is True
    assert os.environ[cuda.ENV_VAR] == MODERN
    assert "overriding 'max_split_size_mb:128'" in caplog.text


def _fake_torch(initialized: bool) -> types.ModuleType:
    """The one attribute path apply_allocator_config reads: torch.cuda.is_initialized()."""
    torch = types.ModuleType("torch")
    torch.cuda = types.SimpleNamespace(is_initialized=lambda: initialized)
    return torch


def test_apply_warns_and_changes_nothing_after_cuda_init(monkeypatch):
    monkeypatch.delenv(cuda.ENV_VAR, raising=False)
    monkeypatch.setitem(sys.modules, "torch", _fake_torch(initialized=True))
    with pytest.warns(RuntimeWarning, match="no effect: torch has already initialised CUDA"):
        assert cuda.apply_allocator_config(MODERN) is False
    assert cuda.ENV_VAR not in os.environ


def test_apply_works_after_import_torch_before_cuda_init(monkeypatch):
    monkeypatch.delenv(cuda.ENV_VAR, raising=False)
    monkeypatch.setitem(sys.modules, "torch", _fake_torch(initialized=False))
    assert cuda.apply_allocator_config(MODERN) is True
    assert os.environ[cuda.ENV_VAR] == MODERN


# --- fragmentation --------------------------------------------------------------------


def test_fragmentation_from_memory_stats():
    stats = memory_stats(
        allocated=6 * GIB, reserved=10 * GIB, active=6 * GIB + 512 * MIB,
        inactive_split=GIB, retries=3, ooms=1,
    )  # fmt: skip
    r = cuda.fragmentation(stats)
    assert r.fragmentation == pytest.approx(0.4)
    assert r.inactive_split_fraction == pytest.approx(0.1)
    assert r.releasable_bytes == 10 * GIB - (6 * GIB + 512 * MIB) - GIB
    assert (r.allocated_bytes, r.reserved_bytes, r.inactive_split_bytes) == (6 * GIB, 10 * GIB, GIB)
    assert (r.alloc_retries, r.num_ooms) == (3, 1)
    assert repr(r).startswith(
        "FragmentationReport(fragmentation=0.4000, inactive_split_fraction=0.1000"
    )


def test_fragmentation_zero_reserved_is_zero_not_nan():
    r = cuda.fragmentation(memory_stats(allocated=0, reserved=0))
    assert (r.fragmentation, r.inactive_split_fraction, r.releasable_bytes) == (0.0, 0.0, 0)
    # torch returns {} before CUDA is initialised.
    assert cuda.fragmentation({}).fragmentation == 0.0


def test_fragmentation_bad_stats():
    with pytest.raises(InvalidArgumentError, match="reserved_bytes.all.current"):
        cuda.fragmentation({"allocated_bytes.all.current": 5})
    stats = memory_stats(allocated=1, reserved=2)
    stats["reserved_bytes.all.current"] = -2
    with pytest.raises(InvalidArgumentError, match="non-negative int"):
        cuda.fragmentation(stats)


# --- Defragmenter ---------------------------------------------------------------------


def test_defragmenter_hysteresis_and_interval():
    d = cuda.Defragmenter(0.3, hysteresis=0.1, min_interval_s=30.0, min_reserved_bytes=GIB)
    high = memory_stats(allocated=5 * GIB, reserved=10 * GIB)  # 0.5
    mid = memory_stats(allocated=75 * GIB // 10, reserved=10 * GIB)  # 0.25
    low = memory_stats(allocated=9 * GIB, reserved=10 * GIB)  # 0.1
    assert d.should_run(high, now=100.0) is True
    assert d.should_run(high, now=200.0) is False  # release did not help: stay quiet
    assert d.should_run(mid, now=201.0) is False and d.armed is False  # 0.25 >= 0.2
    assert d.should_run(low, now=202.0) is False and d.armed is True
    assert d.should_run(high, now=203.0) is True
    assert d.should_run(low, now=210.0) is False
    assert d.should_run(high, now=232.9) is False  # within min_interval_s
    assert d.should_run(high, now=233.0) is True
    assert d.runs == 3


def test_defragmenter_ignores_small_caches():
    d = cuda.Defragmenter(0.3, min_interval_s=0.0, min_reserved_bytes=GIB)
    assert d.should_run(memory_stats(allocated=0, reserved=GIB - 1), now=0.0) is False
    assert d.should_run(memory_stats(allocated=0, reserved=GIB), now=0.0) is True


def test_defragmenter_defaults_and_validation():
    d = cuda.Defragmenter()
    assert (d.threshold, d.hysteresis, d.min_interval_s, d.min_reserved_bytes) == (
        0.3, 0.1, 30.0, 512 * MIB,
    )  # fmt: skip
    assert repr(d).startswith("Defragmenter(threshold=0.3, hysteresis=0.1")
    bad = [{"threshold": 0.0}, {"threshold": 1.5}, {"hysteresis": 0.5}, {"min_interval_s": -1.0}]
    for kwargs in bad:
        with pytest.raises(InvalidArgumentError):
            cuda.Defragmenter(**kwargs)


def test_maybe_run_with_injected_callables():
    d = cuda.Defragmenter(0.3, min_interval_s=0.0, min_reserved_bytes=0)
    calls = []
    current = {"stats": memory_stats(allocated=2 * GIB, reserved=10 * GIB)}
    ran = d.maybe_run(lambda: current["stats"], lambda: calls.append("empty_cache"), now=1.0)
    assert ran is True and calls == ["empty_cache"]
    assert d.maybe_run(lambda: current["stats"], lambda: calls.append("again"), now=2.0) is False
    assert calls == ["empty_cache"]


def test_maybe_run_without_torch_does_nothing():
    if "torch" in sys.modules or _torch_installed():
        pytest.skip("torch is installed here")
    assert cuda.Defragmenter(min_reserved_bytes=0).maybe_run() is False


def _torch_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


# --- memory_budget --------------------------------------------------------------------


def test_memory_budget_formula():
    # (30 GiB - ceil(0.1 * 32 GiB) - 16 GiB) // 300 MiB = 36
    assert cuda.memory_budget(16 * GIB, 300 * MIB, free_bytes=30 * GIB, total_bytes=32 * GIB) == 36
    # Loaded model: model_bytes=0; headroom 0.1 of 16 GiB = 1717986919 bytes (rounded up).
    expected = (10 * GIB - 1_717_986_919) // GIB
    assert expected == 8
    assert cuda.memory_budget(0, GIB, free_bytes=10 * GIB, total_bytes=16 * GIB) == expected
    assert cuda.memory_budget(0, 100, 0.0, free_bytes=1000, total_bytes=1000) == 10
    assert cuda.memory_budget(0, 100, 0.0, free_bytes=999, total_bytes=1000) == 9


def test_memory_budget_from_a_described_device():
    v100 = DeviceInfo("Tesla V100-SXM2-32GB", (7, 0), 32 * GIB, free_bytes=30 * GIB)
    assert cuda.memory_budget(16 * GIB, 300 * MIB, device=v100) == 36
    # An explicit free_bytes wins over the device's.
    assert cuda.memory_budget(16 * GIB, 300 * MIB, device=v100, free_bytes=20 * GIB) == 2


def test_memory_budget_clamps_at_zero():
    assert cuda.memory_budget(16 * GIB, MIB, free_bytes=GIB, total_bytes=16 * GIB) == 0


def test_memory_budget_needs_numbers_without_a_gpu():
    with pytest.raises(InvalidArgumentError, match="pass free_bytes= and total_bytes="):
        cuda.memory_budget(0, MIB)
    described = DeviceInfo("Tesla T4", (7, 5), 16 * GIB)  # free memory unknown
    with pytest.raises(InvalidArgumentError, match="pass free_bytes="):
        cuda.memory_budget(0, MIB, device=described)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((0, 0), {}, "per_cost_bytes is 0"),
        ((0, 1, 1.0), {}, "headroom is 1"),
        ((0, 1, -0.1), {}, "headroom is -0.1"),
        ((0, 1), {"free_bytes": 3 * GIB}, "free_bytes=3221225472 and total_bytes=2147483648"),
    ],
)
def test_memory_budget_bad_arguments(args, kwargs, match):
    kwargs = {"free_bytes": GIB, "total_bytes": 2 * GIB, **kwargs}
    with pytest.raises(InvalidArgumentError, match=match):
        cuda.memory_budget(*args, **kwargs)


def test_negative_byte_counts_are_invalid_arguments():
    with pytest.raises(InvalidArgumentError, match="model_bytes is -1"):
        cuda.memory_budget(-1, MIB, free_bytes=GIB, total_bytes=2 * GIB)
    with pytest.raises(InvalidArgumentError, match="total_bytes is -5"):
        DeviceInfo("x", (7, 0), -5)

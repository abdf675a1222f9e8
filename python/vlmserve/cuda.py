"""CUDA allocator tuning for memory-tight GPUs (V100 16/32 GB and up).

The device inventory goes through the CUDA driver, loaded at run time: on a machine
without a GPU (or without libcuda) :func:`devices` returns ``[]`` and everything else
still works on devices you describe. torch is never required; functions that read
allocator statistics take the plain dict ``torch.cuda.memory_stats()`` returns.

>>> from vlmserve import cuda
>>> cuda.devices()                                   # doctest: +SKIP
[DeviceInfo(index=0, name="Tesla V100-SXM2-16GB", compute_capability=(7, 0), ...)]
>>> cuda.apply_allocator_config()                    # before torch touches CUDA
True
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import warnings
from collections.abc import Mapping
from typing import Any, Callable, Union

from vlmserve import _core
from vlmserve._core import DeviceInfo, FragmentationReport
from vlmserve.errors import InvalidArgumentError

__all__ = [
    "ENV_VAR",
    "Defragmenter",
    "DeviceInfo",
    "FragmentationReport",
    "allocator_advice",
    "allocator_config",
    "apply_allocator_config",
    "devices",
    "fragmentation",
    "memory_budget",
]

logger = logging.getLogger(__name__)

ENV_VAR = "PYTORCH_CUDA_ALLOC_CONF"
"""The environment variable PyTorch's caching allocator reads its settings from."""

DeviceLike = Union[DeviceInfo, int, None]


def devices() -> list[DeviceInfo]:
    """Every visible CUDA device, or ``[]`` where there is no GPU or no libcuda.

    Reading free memory briefly borrows each device's primary context (the one PyTorch
    uses too); a device that refuses it (exclusive-process mode) has ``free_bytes=None``.

    >>> [(d.name, d.compute_capability, d.total_bytes >> 30) for d in devices()]  # doctest: +SKIP
    [('Tesla V100-SXM2-32GB', (7, 0), 31)]

    Raises:
        CudaError: libcuda is present but the driver failed (e.g. too old).
    """
    return _core.cuda_devices()


def _resolve(device: DeviceLike) -> DeviceInfo | None:
    """A ``DeviceInfo`` for ``device``: itself, the device with that index, or device 0
    (``None`` if there is no GPU)."""
    if isinstance(device, DeviceInfo):
        return device
    if device is None:
        return _core.cuda_device(0)
    if isinstance(device, int) and not isinstance(device, bool) and device >= 0:
        found = _core.cuda_device(device)
        if found is None:
            raise InvalidArgumentError(
                f"no CUDA device {device} (found {len(devices())}); "
                "pass a valid index or a DeviceInfo"
            )
        return found
    raise InvalidArgumentError(f"device is {device!r}; pass a DeviceInfo, an index >= 0, or None")


def allocator_advice(device: DeviceLike = None) -> tuple[str, list[str]]:
    """The recommended ``PYTORCH_CUDA_ALLOC_CONF`` value for ``device`` and one reason per
    setting.

    ``device`` is a :class:`DeviceInfo` (from :func:`devices` or described by hand), a
    device index, or ``None`` for device 0. With no GPU, ``None`` gets the conservative
    default (the V100-16GB settings) and the first reason says so.

    >>> v100 = DeviceInfo("Tesla V100-SXM2-16GB", (7, 0), 16 * 2**30)
    >>> allocator_advice(v100)[0]
    'max_split_size_mb:64,garbage_collection_threshold:0.6'
    >>> allocator_advice(DeviceInfo("NVIDIA H100 80GB HBM3", (9, 0), 80 * 2**30))[0]
    'expandable_segments:True'
    """
    return _core.cuda_allocator_advice(_resolve(device))


def allocator_config(device: DeviceLike = None) -> str:
    """Just the config string of :func:`allocator_advice`.

    >>> allocator_config(DeviceInfo("Tesla T4", (7, 5), 15 * 2**30))
    'max_split_size_mb:64,garbage_collection_threshold:0.6'
    """
    return allocator_advice(device)[0]


def _torch_cuda_initialized() -> bool:
    """Whether an imported torch has already initialised CUDA (without importing torch)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    try:
        return bool(torch.cuda.is_initialized())
    except AttributeError:  # a torch build without the cuda module
        return False


def apply_allocator_config(config: str | None = None, *, override: bool = False) -> bool:
    """Set ``PYTORCH_CUDA_ALLOC_CONF`` for this process, if it can still take effect.

    PyTorch reads the variable once, when CUDA initialises; afterwards this only warns and
    changes nothing. A value already set (by the user, the container, TorchServe's
    environment) is kept unless ``override=True``; either way the decision is logged.

    Args:
        config: the value to set; ``None`` means :func:`allocator_config` for device 0.
        override: replace an existing, different value.

    Returns:
        ``True`` if the variable now holds ``config``, ``False`` if it was left as it was.

    >>> apply_allocator_config("expandable_segments:True")  # doctest: +SKIP
    True
    """
    if _torch_cuda_initialized():
        warnings.warn(
            f"apply_allocator_config has no effect: torch has already initialised CUDA, and "
            f"{ENV_VAR} is only read then; call it before the first CUDA call, or set {ENV_VAR} "
            f"in the process environment",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    if config is None:
        config = allocator_config()
    existing = os.environ.get(ENV_VAR)
    if existing is not None and existing != config and not override:
        logger.info(
            "%s is already %r; keeping it (pass override=True to set %r)", ENV_VAR, existing, config
        )
        return False
    if existing is not None and existing != config:
        logger.info("%s: overriding %r with %r (override=True)", ENV_VAR, existing, config)
    else:
        logger.info("%s=%s", ENV_VAR, config)
    os.environ[ENV_VAR] = config
    return True


def fragmentation(stats: Mapping[str, int]) -> FragmentationReport:
    """Fragmentation of PyTorch's caching allocator from ``torch.cuda.memory_stats()``.

    ``fragmentation`` is ``1 - allocated / reserved``: the share of memory torch holds
    but no tensor uses (0.0 when nothing is reserved). ``inactive_split_fraction`` is the
    share held in free pieces of split blocks, which ``empty_cache`` cannot release;
    ``releasable_bytes`` is roughly what it can. An empty dict (torch before CUDA init)
    reads as nothing reserved.

    >>> r = fragmentation({"allocated_bytes.all.current": 6 * 2**30,
    ...                    "reserved_bytes.all.current": 10 * 2**30,
    ...                    "inactive_split_bytes.all.current": 2**30})
    >>> round(r.fragmentation, 3), round(r.inactive_split_fraction, 3)
    (0.4, 0.1)
    """
    return _core.cuda_fragmentation(dict(stats))


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


class Defragmenter(_core.Defragmenter):
    """Decides when releasing PyTorch's cache (``gc.collect()`` + ``empty_cache()``) is
    worth it, without thrashing.

    It fires when ``fragmentation >= threshold``, at least ``min_reserved_bytes`` are
    reserved, and ``min_interval_s`` have passed since the last run. After a run it stays
    disarmed until fragmentation drops below ``threshold - hysteresis``: if a release did
    not bring it down (the waste is in split blocks still in use), another will not either.

    Args:
        threshold: fragmentation that triggers a run, in (0, 1].
        hysteresis: how far below ``threshold`` fragmentation must fall to re-arm.
        min_interval_s: minimum seconds between runs (``empty_cache`` synchronises).
        min_reserved_bytes: leave caches smaller than this alone.

    >>> d = Defragmenter(0.3, min_interval_s=10.0, min_reserved_bytes=0)
    >>> high = {"allocated_bytes.all.current": 5, "reserved_bytes.all.current": 10}
    >>> d.should_run(high, now=0.0), d.should_run(high, now=60.0)
    (True, False)
    """

    def maybe_run(
        self,
        stats_fn: Callable[[], Mapping[str, int]] | None = None,
        empty_cache: Callable[[], None] | None = None,
        *,
        now: float | None = None,
    ) -> bool:
        """Release the cache if :meth:`should_run` says so; returns whether it did.

        ``stats_fn`` and ``empty_cache`` default to ``torch.cuda.memory_stats`` and
        ``torch.cuda.empty_cache``; without torch (or without a GPU) nothing happens and
        the answer is ``False``.
        """
        if stats_fn is None or empty_cache is None:
            torch = _torch()
            if torch is None or not torch.cuda.is_available():
                return False
            stats_fn = stats_fn or torch.cuda.memory_stats
            empty_cache = empty_cache or torch.cuda.empty_cache
        if not self.should_run(dict(stats_fn()), now):
            return False
        collected = gc.collect()
        empty_cache()
        logger.info("released the CUDA cache (gc collected %d objects)", collected)
        return True


def memory_budget(
    model_bytes: int,
    per_cost_bytes: int,
    headroom: float = 0.1,
    *,
    free_bytes: int | None = None,
    total_bytes: int | None = None,
    device: DeviceLike = None,
) -> int:
    """The largest total batch cost that fits in free GPU memory::

        max(0, floor((free_bytes - ceil(headroom * total_bytes) - model_bytes) / per_cost_bytes))

    Args:
        model_bytes: GPU bytes the model will still allocate (weights not yet loaded,
            workspace); 0 once it is loaded, as ``free_bytes`` then already excludes it.
        per_cost_bytes: GPU bytes one unit of request cost (e.g. one image tile) takes.
        headroom: fraction of total memory kept free (CUDA context, rounding), in [0, 1).
        free_bytes, total_bytes: override the device's numbers (needed without a GPU).
        device: a :class:`DeviceInfo`, an index, or ``None`` for device 0.

    Returns:
        The budget. 0 means no batch fits: raise ``OutOfMemoryError`` or go to the CPU.

    Raises:
        InvalidArgumentError: bad numbers, or no GPU and ``free_bytes``/``total_bytes``
            not given (there is no silent fallback to host memory).

    >>> memory_budget(16 * 2**30, 300 * 2**20, free_bytes=30 * 2**30, total_bytes=32 * 2**30)
    36
    """
    if free_bytes is None or total_bytes is None:
        info = _resolve(device)
        if info is not None:
            free_bytes = info.free_bytes if free_bytes is None else free_bytes
            total_bytes = info.total_bytes if total_bytes is None else total_bytes
    if free_bytes is None or total_bytes is None:
        raise InvalidArgumentError(
            "no CUDA device found, or its free memory is unknown; "
            "pass free_bytes= and total_bytes= (or a DeviceInfo with free_bytes)"
        )
    return _core.cuda_memory_budget(
        model_bytes=model_bytes,
        per_cost_bytes=per_cost_bytes,
        free_bytes=free_bytes,
        total_bytes=total_bytes,
        headroom=headroom,
    )

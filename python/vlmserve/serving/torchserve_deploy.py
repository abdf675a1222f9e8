"""Packaging the TorchServe handler into a model archive, and running TorchServe on it.

>>> from vlmserve.serving.torchserve_deploy import package_model
>>> from vlmserve.serving.torchserve_process import TorchServeProcess
>>> model = package_model("model_store", backend="ocr",            # doctest: +SKIP
...                       backend_config={"allowed_roots": ["/data/scans"]})
>>> with TorchServeProcess(model.config_properties, workdir="ts-run") as ts:   # doctest: +SKIP
...     ts.wait_ready()
...     key = ts.keys()["inference"]   # send as "Authorization: Bearer <key>"

Needs ``torchserve`` and ``torch-model-archiver`` in this Python (and torch: TorchServe's
worker imports it). vlmserve itself is not archived: the worker imports the installed one.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vlmserve import __version__
from vlmserve.errors import InvalidArgumentError, VlmServeError
from vlmserve.serving.torchserve import METRICS, HandlerSettings

__all__ = ["DEFAULT_PORTS", "PackagedModel", "TorchServeError", "package_model"]

HANDLER_SOURCE = '''"""TorchServe entry point: the handler of the vlmserve installed here."""

from vlmserve.serving.torchserve import ExtractionHandler


class Handler(ExtractionHandler):
    """The one class TorchServe looks for in a handler file."""
'''


DEFAULT_PORTS = {
    "inference": 8080,
    "management": 8081,
    "metrics": 8082,
    "grpc_inference": 7070,
    "grpc_management": 7071,
}
"""TorchServe's default ports (on 127.0.0.1); the gRPC ones cannot be turned off."""


class TorchServeError(VlmServeError, RuntimeError):
    """TorchServe failed to package, start, become ready or stop; the message says where its
    logs are."""


@dataclass(frozen=True)
class PackagedModel:
    """What :func:`package_model` wrote: the archive, and the server config that loads it."""

    name: str
    mar: Path
    config_properties: Path
    metrics_config: Path


def package_model(
    out: str | os.PathLike[str],
    *,
    backend: str = "ocr",
    name: str = "extractor",
    backend_config: Mapping[str, Any] | None = None,
    batch_size: int = 8,
    max_batch_delay_ms: int = 50,
    workers: int = 1,
    response_timeout_s: int = 120,
    max_batch_cost: int | None = None,
    schema: str | None = None,
    ports: Mapping[str, int] | None = None,
) -> PackagedModel:
    """Writes ``<out>/<name>.mar`` (handler, ``model-config.yaml``), and beside it a
    ``config.properties`` and ``metrics.yaml`` for a TorchServe bound to 127.0.0.1, with
    token authorization on and Prometheus metrics. An existing archive of that name is
    replaced. ``ports`` overrides entries of :data:`DEFAULT_PORTS` (two servers on one
    machine need different ones, gRPC's included).

    ``batch_size``/``max_batch_delay_ms`` are TorchServe's request batching; the core
    batcher then packs the batch's documents ``batch_size`` at a time (``max_batch_cost``
    caps their summed cost).
    """
    for label, value in (("batch_size", batch_size), ("workers", workers)):
        if value < 1:
            raise InvalidArgumentError(f"{label} must be at least 1, got {value}")
    port_map = _ports(ports or {})
    settings = HandlerSettings(
        backend=backend,
        backend_config=dict(backend_config or {}),
        max_batch_size=batch_size,
        max_batch_cost=max_batch_cost,
        schema=schema,
    )
    model_config = {
        "minWorkers": workers,
        "maxWorkers": workers,
        "batchSize": batch_size,
        "maxBatchDelay": max_batch_delay_ms,
        "responseTimeout": response_timeout_s,
        "handler": asdict(settings),
    }
    store = Path(out).resolve()
    store.mkdir(parents=True, exist_ok=True)
    _archive(store, name, model_config)
    metrics_config = store / "metrics.yaml"
    _write_yaml(metrics_config, _metrics_config())
    config = store / "config.properties"
    config.write_text(_config_properties(store, name, metrics_config, port_map))
    return PackagedModel(name, store / f"{name}.mar", config, metrics_config)


def _archive(store: Path, name: str, model_config: dict[str, Any]) -> None:
    # torch-model-archiver stages files in $TMPDIR/<name>: a private TMPDIR keeps two
    # packagings of one name (parallel test runs) apart, and is removed with the staging.
    with tempfile.TemporaryDirectory(prefix="vlmserve-package-") as staging:
        handler = Path(staging, "vlmserve_handler.py")
        handler.write_text(HANDLER_SOURCE)
        config_file = Path(staging, "model-config.yaml")
        _write_yaml(config_file, model_config)
        tmp = Path(staging, "tmp")
        tmp.mkdir()
        command = [
            sys.executable,
            "-m",
            "model_archiver.model_packaging",
            "--model-name", name,
            "--version", __version__,
            "--handler", str(handler),
            "--config-file", str(config_file),
            "--export-path", str(store),
            "--force",
        ]  # fmt: skip
        done = subprocess.run(
            command, env={**os.environ, "TMPDIR": str(tmp)}, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise TorchServeError(
                f"torch-model-archiver failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
                "; is torch-model-archiver installed in this Python?"
            )


def _write_yaml(path: Path, data: Any) -> None:
    import yaml  # the torchserve extra (TorchServe's worker imports it too)

    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _metrics_config() -> dict[str, Any]:
    """TorchServe's own metrics.yaml (from the installed version), plus vlmserve's counters."""
    import yaml

    spec = importlib.util.find_spec("ts")
    if spec is None or not spec.submodule_search_locations:
        raise TorchServeError("torchserve is not installed in this Python; pip install torchserve")
    default = Path(list(spec.submodule_search_locations)[0], "configs", "metrics.yaml")
    config = yaml.safe_load(default.read_text())
    counters = config.setdefault("model_metrics", {}).setdefault("counter", [])
    counters += [
        {"name": name, "unit": "Count", "dimensions": ["ModelName", "Level"]} for name in METRICS
    ]
    return config


def _ports(overrides: Mapping[str, int]) -> dict[str, int]:
    unknown = sorted(set(overrides) - set(DEFAULT_PORTS))
    if unknown:
        raise InvalidArgumentError(f"unknown port name(s) {unknown}; use {list(DEFAULT_PORTS)}")
    ports = {**DEFAULT_PORTS, **overrides}
    if len(set(ports.values())) != len(ports):
        raise InvalidArgumentError(f"TorchServe needs five different ports, got {ports}")
    return ports


def _config_properties(
    store: Path, name: str, metrics_config: Path, ports: Mapping[str, int]
) -> str:
    return "\n".join(
        [
            "# Written by `vlmserve package`. Loopback only; token authorization is on",
            "# (keys in key_file.json in TorchServe's working directory).",
            f"inference_address=http://127.0.0.1:{ports['inference']}",
            f"management_address=http://127.0.0.1:{ports['management']}",
            f"metrics_address=http://127.0.0.1:{ports['metrics']}",
            f"grpc_inference_port={ports['grpc_inference']}",
            f"grpc_management_port={ports['grpc_management']}",
            f"model_store={store}",
            f"load_models={name}.mar",
            "metrics_mode=prometheus",
            f"metrics_config={metrics_config}",
            "disable_token_authorization=false",
            "install_py_dep_per_model=false",
            "",
        ]
    )

"""Shared fixtures: document-like images generated on the fly (no downloads)."""

from __future__ import annotations

import io
import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _font(size: int, bold: bool = False) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype(
            FONT_PATH.replace(".ttf", "-Bold.ttf") if bold else FONT_PATH, size
        )
    except OSError:
        return ImageFont.load_default()


def document(width: int, height: int, seed: int = 0) -> Image.Image:
    """A page: title, text lines, a ruled table, a grey gradient band and scan noise."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (width, height), (250, 250, 247))
    draw = ImageDraw.Draw(img)
    scale = max(min(width, height) / 1000, 0.05)
    big, small = _font(max(int(40 * scale), 6)), _font(max(int(18 * scale), 5))
    draw.text(
        (int(60 * scale), int(50 * scale)), "TAX INVOICE  #INV-20931", fill=(20, 20, 60), font=big
    )
    y = int(140 * scale)
    line_h = max(int(30 * scale), 2)
    words = ["Acme", "Plumbing", "Pty", "Ltd", "ABN", "51 824 753 556", "$1,234.50", "GST", "Qty"]
    while y < height * 0.55:
        text = " ".join(rng.choice(words, size=6))
        draw.text((int(60 * scale), y), text, fill=(10, 10, 10), font=small)
        y += line_h
    top = int(height * 0.6)
    for i in range(6):
        yy = top + i * max(line_h, 1)
        draw.line(
            [(int(50 * scale), yy), (width - int(50 * scale), yy)], fill=(90, 90, 90), width=1
        )
    band = np.linspace(40, 220, width, dtype=np.float64)[None, :, None]
    arr = np.asarray(img).astype(np.float64)
    h0, h1 = int(height * 0.85), int(height * 0.95)
    arr[h0:h1] = 0.5 * arr[h0:h1] + 0.5 * band
    arr += rng.normal(0, 4, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def random_image(width: int, height: int, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def encode(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


# Sizes that stress the grid choice and the resampler: strips, odd primes, near-tile.
ODD_SIZES = [(1, 4000), (4000, 1), (447, 449), (449, 447), (1, 1), (3, 2), (896, 1344), (1023, 767)]
PAGE_SIZES = [(1240, 1754), (1024, 768), (500, 3000), (2000, 600), (300, 200)]


@pytest.fixture(scope="session")
def pages() -> list[Image.Image]:
    return [document(w, h, seed=i) for i, (w, h) in enumerate(PAGE_SIZES)]


@pytest.fixture
def kfp_local(tmp_path, monkeypatch) -> Path:
    """kfp.local running each task as a subprocess of this Python (no venv, no pip install:
    build components with ``package=None``); the tasks import the vlmserve under test. Returns
    the pipeline root, under ``tmp_path``."""
    local = pytest.importorskip("kfp.local")
    import vlmserve

    here = str(Path(vlmserve.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [here, os.getenv("PYTHONPATH")])))
    # Each task writes its source into a `mktemp -d` folder it never removes, and a run of
    # one component keeps its workspace: both go under tmp_path, not /tmp.
    for folder in ("tmp", "workspace"):
        (tmp_path / folder).mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    root = tmp_path / "pipeline_root"
    local.init(
        runner=local.SubprocessRunner(use_venv=False),
        pipeline_root=str(root),
        workspace_root=str(tmp_path / "workspace"),
    )
    return root


# --- TorchServe: one real server per test session (tests/test_torchserve.py, the KFP tests) ---

EXAMPLE_DOCUMENTS = Path(__file__).resolve().parent.parent / "examples" / "documents"


def free_ports(n: int) -> list[int]:
    """``n`` distinct loopback ports that were free a moment ago."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class TorchServeServer:
    """A running TorchServe serving vlmserve's OCR backend as model ``model``.

    ``documents`` is the only directory ``image_path`` requests may read; URLs are allowed
    but private, loopback and metadata addresses are refused (the SSRF guard).
    Send ``headers`` (``Authorization: Bearer <inference key>``) with every inference call.
    """

    process: Any
    model: str
    documents: Path
    inference_url: str
    management_url: str
    metrics_url: str
    inference_key: str
    management_key: str

    @property
    def predict_url(self) -> str:
        return f"{self.inference_url}/predictions/{self.model}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.inference_key}"}


@pytest.fixture(scope="session")
def torchserve_server(tmp_path_factory) -> Iterator[TorchServeServer]:
    """Packages the OCR backend, starts TorchServe on free loopback ports (token auth on),
    waits until the model is READY, and stops it at the end of the session, failing if any
    of its processes is left. Its logs are printed when it fails to start."""
    pytest.importorskip("ts", reason="TorchServe is not installed (pip install '.[test]')")
    if shutil.which("java") is None:
        pytest.skip("TorchServe needs Java 17 (apt-get install openjdk-17-jre-headless)")
    from vlmserve.serving.torchserve_deploy import DEFAULT_PORTS, package_model
    from vlmserve.serving.torchserve_process import TorchServeProcess

    root = tmp_path_factory.mktemp("torchserve")
    ports = free_ports(5)
    model = package_model(
        root / "model_store",
        backend="ocr",
        backend_config={"allowed_roots": [str(EXAMPLE_DOCUMENTS)], "allow_urls": True},
        batch_size=8,
        max_batch_delay_ms=300,  # long enough that concurrent requests share a batch
        ports=dict(zip(DEFAULT_PORTS, ports)),
    )
    process = TorchServeProcess(model.config_properties, workdir=root / "run")
    process.start()
    try:
        process.wait_ready(timeout_s=240)
        keys = process.keys()
        yield TorchServeServer(
            process,
            model.name,
            EXAMPLE_DOCUMENTS,
            *(f"http://127.0.0.1:{p}" for p in ports[:3]),
            keys["inference"],
            keys["management"],
        )
    except Exception:
        print(process.log_tail())
        raise
    finally:
        process.stop()

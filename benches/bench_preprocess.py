"""Preprocessing speed: the Rust core against the PIL+numpy references, in one run.

    .venv/bin/python benches/bench_preprocess.py          # ~1 minute, prints tables

Inputs are generated here: an A4 300-dpi scan (2480x3508, JPEG q90), a 1240x1754 page
(JPEG q90) and a 1024x768 receipt photo (JPEG q90). Single-image timings run with ONE
thread on both sides (RAYON_NUM_THREADS=1); the batch of 32 runs once with 1 and once with
2 threads to show scaling. Each figure is the median of several runs.

Stages: decode = bytes to RGB8 (PIL `open().convert("RGB")` vs the core's libjpeg-turbo);
resize = the resampling the pipeline does; tile+normalise = the rest after decode;
post-decode = decoded RGB array to normalised tiles; end to end = bytes to tiles.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

import vlmserve  # the rayon pool starts on first use, after RAYON_NUM_THREADS is set

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the PIL+numpy references live beside the tests

import reference  # noqa: E402
from conftest import document  # noqa: E402

BATCH = 32


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm-up (page faults, caches, lazy imports)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _inputs() -> dict[str, bytes]:
    def jpeg(img: Image.Image) -> bytes:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=90)
        return buf.getvalue()

    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:768, 0:1024]
    photo = np.stack([(xx / 4 + yy / 8) % 256, (yy / 3) % 256, (xx / 5) % 256], -1)
    photo = np.clip(photo + rng.normal(0, 12, photo.shape), 0, 255).astype(np.uint8)
    receipt = Image.fromarray(photo)
    receipt.paste(document(500, 700, seed=3), (260, 40))
    return {
        "A4 2480x3508": jpeg(document(2480, 3508, seed=1)),
        "page 1240x1754": jpeg(document(1240, 1754, seed=2)),
        "photo 1024x768": jpeg(receipt),
    }


def pil_decode(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def _time_single(data: bytes, repeat: int) -> dict:
    """Stage timings of one image: (reference ms, vlmserve ms) per stage."""
    loader = vlmserve.ImageLoader()
    internvl = vlmserve.InternVL3Preprocessor(loader=loader)
    mllama = vlmserve.MllamaPreprocessor(loader=loader)
    hf_mllama = reference.hf_mllama_processor()
    mean, std = reference.IMAGENET_MEAN, reference.IMAGENET_STD
    img = pil_decode(data)
    arr = np.asarray(img)
    plan = internvl.plan_for_size(*img.size)
    tiles = reference.internvl_tiles(img)
    sizes = [plan.resized_size] + ([(448, 448)] if plan.thumbnail else [])
    r = {
        "decode": (
            _median_ms(lambda: np.asarray(pil_decode(data)), repeat),
            _median_ms(lambda: loader.load(data), repeat),
        ),
        "resize": (
            _median_ms(lambda: [img.resize(s, Image.Resampling.BICUBIC) for s in sizes], repeat),
            _median_ms(lambda: [vlmserve.resize(arr, s, "bicubic") for s in sizes], repeat),
        ),
        "normalise": (
            _median_ms(
                lambda: [reference.to_tensor_normalize(t, mean, std) for t in tiles],
                repeat,
            ),
            None,
        ),
        "post-decode": (
            _median_ms(lambda: reference.internvl_reference(img), repeat),
            _median_ms(lambda: internvl(arr), repeat),
        ),
        "end to end": (
            _median_ms(lambda: reference.internvl_reference(pil_decode(data)), repeat),
            _median_ms(lambda: internvl(data), repeat),
        ),
        "mllama post-decode": (
            _median_ms(lambda: hf_mllama(img, return_tensors="np"), repeat),
            _median_ms(lambda: mllama(arr), repeat),
        ),
        "mllama end to end": (
            _median_ms(lambda: hf_mllama(pil_decode(data), return_tensors="np"), repeat),
            _median_ms(lambda: mllama(data), repeat),
        ),
    }
    ours_norm = r["post-decode"][1] - r["resize"][1]
    r["normalise"] = (r["normalise"][0], max(ours_norm, 0.0))
    return r


def worker(threads: int) -> dict:
    """Runs in a subprocess so RAYON_NUM_THREADS is fixed before the core starts."""
    inputs = _inputs()
    results: dict = {"threads": threads, "single": {}, "batch": {}}
    if threads == 1:
        for name, data in inputs.items():
            results["single"][name] = _time_single(data, 5 if name.startswith("A4") else 9)
    page = inputs["page 1240x1754"]
    batch = [page] * BATCH
    internvl = vlmserve.InternVL3Preprocessor()
    results["batch"]["ours"] = _median_ms(lambda: internvl(batch), 3)
    if threads == 1:
        results["batch"]["reference"] = _median_ms(
            lambda: [reference.internvl_reference(pil_decode(data)) for d in batch], 1
        )
    return results


def _run_worker(threads: int) -> dict:
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(threads)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    one, two = _run_worker(1), _run_worker(2)
    print("InternVL3 (and Mllama) preprocessing, one thread, median ms: reference / vlmserve")
    print(f"{'image':<16} {'stage':<20} {'reference':>10} {'vlmserve':>10} {'speed-up':>9}")
    for name, stages in one["single"].items():
        for stage, (ref, ours) in stages.items():
            ratio = f"{ref / ours:>8.1f}x" if ours > 0 else "     n/a"  # a difference can be ~0
            print(f"{name:<16} {stage:<20} {ref:>10.1f} {ours:>10.1f} {ratio}")
    ref, o1, o2 = one["batch"]["reference"], one["batch"]["ours"], two["batch"]["ours"]
    print(f"\nBatch of {BATCH} x 1240x1754 JPEG, InternVL3 end to end, ms per batch")
    print(f"  reference (PIL+numpy, 1 thread)   {ref:10.1f}")
    print(f"  vlmserve, 1 thread                {o1:10.1f}   {ref / o1:5.1f}x the reference")
    print(f"  vlmserve, 2 threads               {o2:10.1f}   {o1 / o2:5.2f}x its 1-thread rate")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]))))
    else:
        main()

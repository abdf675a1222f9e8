"""``vlmserve preprocess``: tile plans and pixel values for a VLM."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
import numpy as np
from tqdm import tqdm

from vlmserve.cli import discover, main
from vlmserve.images import IMAGE_SUFFIXES
from vlmserve.preprocess import ImageLoader, InternVL3Preprocessor, MllamaPreprocessor


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--model", type=click.Choice(["internvl3", "mllama"]), default="internvl3")
@click.option("--max-tiles", type=int, default=None, help="Tile limit (default 12 / 4).")
@click.option("--dtype", type=click.Choice(["float32", "float16", "bfloat16"]), default="float32")
@click.option("--batch-size", type=int, default=8, show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write pixel values (.npz)."
)
@click.option("--jsonl", is_flag=True, help="Print one JSON record per image instead of a table.")
def preprocess(paths, model, max_tiles, dtype, batch_size, out, jsonl) -> None:
    """Preprocess document images for a VLM and report each image's tile plan."""
    files = discover(paths)
    if not files:
        raise click.UsageError(f"no images ({', '.join(sorted(IMAGE_SUFFIXES))}) under {paths}")
    roots = sorted({str((f if f.is_dir() else f.parent).resolve()) for f in paths})
    loader = ImageLoader(allowed_roots=roots)
    if model == "internvl3":
        pre = InternVL3Preprocessor(max_tiles=max_tiles or 12, dtype=dtype, loader=loader)
    else:
        pre = MllamaPreprocessor(max_image_tiles=max_tiles or 4, dtype=dtype, loader=loader)

    records, arrays, failed = [], {}, 0
    start = time.perf_counter()
    with tqdm(total=len(files), unit="img", disable=None, file=sys.stderr) as bar:
        for i in range(0, len(files), batch_size):
            chunk = files[i : i + batch_size]
            t0 = time.perf_counter()
            results = pre.process_each([str(f) for f in chunk])
            ms = (time.perf_counter() - t0) * 1000 / len(chunk)
            for f, r in zip(chunk, results):
                records.append(_record(f, r, ms))
                if isinstance(r, Exception):
                    failed += 1
                elif out is not None:
                    arrays[f.name] = r["pixel_values"]
            bar.update(len(chunk))
    elapsed = time.perf_counter() - start

    if jsonl:
        for rec in records:
            click.echo(json.dumps(rec))
    else:
        _print_table(records)
    if out is not None:
        np.savez(out, **arrays)
    click.echo(
        f"{len(files) - failed}/{len(files)} images preprocessed for {model} in {elapsed:.2f} s"
        + (f"; {failed} failed" if failed else ""),
        err=jsonl,
    )
    if failed:
        sys.exit(1)


def _record(path: Path, result, ms: float) -> dict:
    if isinstance(result, Exception):
        return {
            "image": str(path),
            "error": {"type": type(result).__name__, "message": str(result)},
        }
    plan = result["plan"]
    return {
        "image": str(path),
        "size": list(plan.image_size),
        "grid": list(plan.grid),
        "tiles": plan.num_tiles,
        "vision_tokens": plan.vision_tokens,
        "shape": list(result["pixel_values"].shape),
        "ms": round(ms, 1),
        "error": None,
    }


def _print_table(records: list[dict]) -> None:
    click.echo(f"{'image':<32} {'size':>11} {'grid':>5} {'tiles':>5} {'tokens':>7} {'ms/img':>7}")
    for r in records:
        name = Path(r["image"]).name[:32]
        if r["error"]:
            click.echo(f"{name:<32} ERROR {r['error']['type']}: {r['error']['message']}")
            continue
        size, grid = "x".join(map(str, r["size"])), "x".join(map(str, r["grid"]))
        click.echo(
            f"{name:<32} {size:>11} {grid:>5} {r['tiles']:>5} {r['vision_tokens']:>7} {r['ms']:>7}"
        )

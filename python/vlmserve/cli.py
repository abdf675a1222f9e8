"""The ``vlmserve`` command.

vlmserve preprocess examples/documents --model internvl3
vlmserve synth out/ --count 100 --seed 1 --split final
vlmserve extract examples/documents --out results.jsonl
vlmserve evaluate results.jsonl --truth examples/documents/truth.csv
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import click
import numpy as np
from tqdm import tqdm

from vlmserve import extract as extraction
from vlmserve.backends import Extractor, get_backend
from vlmserve.errors import VlmServeError
from vlmserve.preprocess import ImageLoader, InternVL3Preprocessor, MllamaPreprocessor

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"}


def discover(paths: tuple[Path, ...]) -> list[Path]:
    """Image files named directly, or found (recursively, sorted) under named directories."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.suffix.lower() in IMAGE_SUFFIXES)
        else:
            found.append(p)
    return found


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages (core included).")
def main(verbose: bool) -> None:
    """vlmserve: fast, robust VLM serving for document field extraction."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING)


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


def _config(items: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` pairs; values are JSON when they parse (``threads=2``,
    ``allowed_roots=["/data"]``), text otherwise (``lang=eng``)."""
    config: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not key=value", param_hint="--config")
        try:
            config[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            config[key.strip()] = value
    return config


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--backend", default="ocr", show_default=True, help="ocr, internvl3, llama_vision")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--batch-size", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--config", "config_items", multiple=True, help="Backend setting key=value.")
@click.option(
    "--schema", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Schema JSON."
)
def extract_command(paths, backend, out, batch_size, config_items, schema) -> None:
    """Extract the schema's fields from document images into a JSONL file of records.

    vlmserve extract examples/documents --out results.jsonl
    """
    files = discover(paths)
    if not files:
        raise click.UsageError(f"no images ({', '.join(sorted(IMAGE_SUFFIXES))}) under {paths}")
    config = _config(config_items)
    config.setdefault(
        "allowed_roots", sorted({str((p if p.is_dir() else p.parent).resolve()) for p in paths})
    )
    if schema is not None:
        config.setdefault("schema", str(schema))
    try:
        model = get_backend(backend, config)
        fields = extraction.Schema.from_json(config["schema"]) if "schema" in config else None
    except VlmServeError as err:
        raise click.UsageError(str(err)) from err

    failed, start = 0, time.perf_counter()
    with (
        Extractor(model, schema=fields, max_batch_size=batch_size) as extractor,
        out.open("w", encoding="utf-8") as sink,
        tqdm(total=len(files), unit="doc", disable=None, file=sys.stderr) as bar,
    ):
        for i in range(0, len(files), batch_size):
            chunk = [str(f) for f in files[i : i + batch_size]]
            for rec in extractor.process_image_batch(chunk):
                failed += rec["error"] is not None
                sink.write(json.dumps(rec) + "\n")
            sink.flush()  # each batch's records are on disk as soon as it is done
            bar.update(len(chunk))
    elapsed = time.perf_counter() - start
    click.echo(
        f"{len(files) - failed}/{len(files)} documents extracted with {backend} in "
        f"{elapsed:.1f} s ({elapsed / len(files):.2f} s/doc) -> {out}"
        + (f"; {failed} failed (their records carry the error)" if failed else ""),
        err=True,
    )


@main.command("evaluate")
@click.argument("predictions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--truth", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--schema", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Schema JSON."
)
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def evaluate_command(predictions, truth, schema, as_json) -> None:
    """Score extracted records (JSONL) against a ground-truth CSV: per field, per document.

    vlmserve evaluate results.jsonl --truth examples/documents/truth.csv
    """
    try:
        fields = None if schema is None else extraction.Schema.from_json(schema)
        report = extraction.score(predictions, truth, fields)
    except VlmServeError as err:
        raise click.UsageError(str(err)) from err
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    click.echo(report.table().rstrip())
    click.echo(f"\n{'document':<40} {'accuracy':>8} {'correct':>8}")
    for name, doc in report.per_document.items():
        correct = f"{doc['correct']}/{doc['total']}"
        click.echo(f"{Path(name).name[:40]:<40} {doc['accuracy']:>8.3f} {correct:>8}")
    if report.similarity:
        mean = sum(report.similarity.values()) / len(report.similarity)
        click.echo(
            f"\ntext similarity (mean over {len(report.similarity)} text fields): {mean:.3f}"
        )


def _names(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--count", type=click.IntRange(min=1), default=12, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--layouts", help="Comma-separated layout names (default: every layout of the split)."
)
@click.option("--kinds", help="Comma-separated kinds: invoice, receipt, statement.")
@click.option(
    "--split",
    type=click.Choice(["tuned", "held-out", "final"]),
    help="Which layouts: tuned (the default), held-out, or final (a second held-out family).",
)
@click.option("--held-out", is_flag=True, help="Same as --split held-out.")
def synth(out_dir, count, seed, layouts, kinds, split, held_out) -> None:
    """Render synthetic invoices, receipts and bank statements with OUT_DIR/truth.csv."""
    from vlmserve import synth as generator
    from vlmserve.errors import InvalidArgumentError

    if held_out and split not in (None, "held-out"):
        raise click.UsageError(
            f"--held-out is --split held-out: pass --held-out or --split {split}, not both"
        )
    try:
        rows = generator.generate(
            out_dir,
            count,
            seed,
            layouts=_names(layouts),
            kinds=_names(kinds),
            split="held-out" if held_out else split,
        )
    except InvalidArgumentError as err:
        raise click.UsageError(str(err)) from err
    click.echo(f"{len(rows)} documents and truth.csv written to {out_dir}")


if __name__ == "__main__":
    main()

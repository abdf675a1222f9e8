"""``vlmserve extract`` and ``vlmserve evaluate``: the main job."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from vlmserve import extract as extraction
from vlmserve.backends import Extractor, get_backend
from vlmserve.cli import discover, main, parse_config
from vlmserve.errors import VlmServeError
from vlmserve.images import IMAGE_SUFFIXES


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
    config = parse_config(config_items)
    config.setdefault(
        "allowed_roots", sorted({str((p if p.is_dir() else p.parent).resolve()) for p in paths})
    )
    if schema is not None:
        config.setdefault("schema", str(schema))
    try:
        model = get_backend(backend, config)  # it reads the schema; the Extractor uses it
    except VlmServeError as err:
        raise click.UsageError(str(err)) from err

    failed, start = 0, time.perf_counter()
    with (
        Extractor(model, max_batch_size=batch_size) as extractor,
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

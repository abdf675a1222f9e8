"""The ``vlmserve`` command.

vlmserve preprocess examples/documents --model internvl3
vlmserve synth out/ --count 100 --seed 1 --split final
vlmserve extract examples/documents --out results.jsonl
vlmserve evaluate results.jsonl --truth examples/documents/truth.csv
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click
import numpy as np
from tqdm import tqdm

from vlmserve import extract as extraction
from vlmserve.backends import Extractor, get_backend
from vlmserve.errors import VlmServeError
from vlmserve.images import IMAGE_SUFFIXES, find_images
from vlmserve.pipelines import DEFAULT_PACKAGE
from vlmserve.preprocess import ImageLoader, InternVL3Preprocessor, MllamaPreprocessor


def discover(paths: tuple[Path, ...]) -> list[Path]:
    """Image files named directly, or found (recursively, sorted) under named directories."""
    return find_images(paths).images


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


@main.command()
@click.argument(
    "results", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--truth",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Ground-truth CSV (image_file + one column per field): adds accuracy.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default="report.html")
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path), help="Also write .md.")
@click.option("--title", default="Document extraction report", show_default=True)
def report(results, truth, out, markdown, title) -> None:
    """HTML report of one or two models' results (JSONL output records, each file named
    after its model: internvl3.jsonl llama_vision.jsonl)."""
    from vlmserve.pipelines import compare, steps
    from vlmserve.pipelines.report import build

    names = [p.stem for p in results]
    if len(set(names)) < len(names):
        raise click.UsageError(f"results files must have distinct names (models): {names}")
    records = {name: steps.load_records(p) for name, p in zip(names, results)}
    try:
        evaluations = {
            n: steps.evaluate(p, truth) if truth else None for n, p in zip(names, results)
        }
    except VlmServeError as err:
        raise click.ClickException(str(err)) from err
    page, md = build(evaluations, compare.aggregate(records), title=title)
    out.write_text(page, encoding="utf-8")
    if markdown is not None:
        markdown.write_text(md, encoding="utf-8")
    click.echo(md)


@main.group()
def pipeline() -> None:
    """The Kubeflow pipeline (needs kfp: pip install vlmserve[kfp])."""


def _placement(parse: str):
    """A click callback checking each value of a repeatable option with
    ``vlmserve.pipelines.placement.<parse>``; the parsed values."""

    def callback(_ctx: click.Context, param: click.Parameter, items: tuple[str, ...]) -> list:
        from vlmserve.pipelines import placement

        try:
            return [getattr(placement, parse)(item) for item in items]
        except VlmServeError as err:
            raise click.BadParameter(str(err), param=param) from err

    return callback


@pipeline.command("compile")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option(
    "--package",
    envvar="VLMSERVE_PACKAGE",
    default=DEFAULT_PACKAGE,
    show_default=True,
    help="Requirement each task pip-installs: a pinned version or a wheel URL.",
)
@click.option("--accelerator-type", help="e.g. nvidia.com/gpu, set on the inference tasks.")
@click.option("--accelerator-limit", type=int, default=1, show_default=True)
@click.option(
    "--node-selector",
    "node_labels",
    multiple=True,
    callback=_placement("parse_label"),
    help="Node label key=value the inference tasks require, repeatable "
    "(e.g. cloud.google.com/gke-accelerator=nvidia-l4).",
)
@click.option(
    "--toleration",
    "tolerations",
    multiple=True,
    callback=_placement("parse_toleration"),
    help="Taint the inference tasks tolerate, key[=value][:effect], repeatable "
    "(e.g. nvidia.com/gpu=present:NoSchedule).",
)
def pipeline_compile(
    out, package, accelerator_type, accelerator_limit, node_labels, tolerations
) -> None:
    """Compile the pipeline to IR YAML (default: the packaged extraction_pipeline.yaml).

    vlmserve pipeline compile --out gpu.yaml --node-selector pool=gpu --toleration gpu:NoSchedule
    """
    from vlmserve.pipelines.pipeline import COMPILED, compile_pipeline

    node_selector = dict(node_labels)
    if len(node_selector) < len(node_labels):
        raise click.BadParameter("a label key is given twice", param_hint="--node-selector")
    path = compile_pipeline(
        out or COMPILED,
        package=package,
        accelerator_type=accelerator_type,
        accelerator_limit=accelerator_limit,
        node_selector=node_selector,
        tolerations=tolerations,
    )
    click.echo(str(path))


@pipeline.command("run")
@click.argument("data_path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--url", "torchserve_url", default="http://127.0.0.1:8080", show_default=True)
@click.option("--model-choice", default="internvl3", show_default=True)
@click.option("--truth", "ground_truth_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--token", default="", help="Inference key / bearer token.")
@click.option("--concurrency", type=int, default=8, show_default=True)
@click.option(
    "--pipeline-root", type=click.Path(file_okay=False, path_type=Path), default="local_outputs"
)
def pipeline_run(
    data_path, torchserve_url, model_choice, ground_truth_path, token, concurrency, pipeline_root
) -> None:
    """Run the pipeline here with kfp.local: each task a subprocess of this Python."""
    import kfp.local

    from vlmserve.pipelines.pipeline import build_pipeline

    truth = str(Path(ground_truth_path).resolve()) if ground_truth_path else ""
    with tempfile.TemporaryDirectory(prefix="vlmserve-kfp-") as scratch:
        workspace = Path(scratch, "workspace")
        workspace.mkdir()
        kfp.local.init(
            runner=kfp.local.SubprocessRunner(use_venv=False),
            pipeline_root=str(pipeline_root),
            workspace_root=str(workspace),
        )
        # Each task writes its source into a `mktemp -d` folder it never removes: make them
        # in scratch, which goes when the run ends.
        tmpdir = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = scratch
        try:
            run = build_pipeline(package=None)(
                data_path=str(data_path.resolve()),
                ground_truth_path=truth,
                model_choice=model_choice,
                torchserve_url=torchserve_url,
                token=token,
                concurrency=concurrency,
            )
        finally:
            os.environ.pop("TMPDIR")
            if tmpdir is not None:
                os.environ["TMPDIR"] = tmpdir
    click.echo(f"report: {run.outputs['report'].path}")
    click.echo(f"summary: {run.outputs['summary'].path}")


def _ports(_ctx: click.Context, _param: click.Parameter, value: str) -> dict[str, int]:
    """``--ports``: TorchServe's five ports, comma-separated."""
    from vlmserve.serving.torchserve_deploy import DEFAULT_PORTS

    parts = value.split(",")
    if len(parts) != len(DEFAULT_PORTS) or not all(p.strip().isdigit() for p in parts):
        raise click.BadParameter(f"{value!r}: give five ports, e.g. 8080,8081,8082,7070,7071")
    return dict(zip(DEFAULT_PORTS, map(int, parts)))


@main.command()
@click.option("--backend", default="ocr", show_default=True, help="Name or package.module:Class.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="extractor", show_default=True, help="Model name in TorchServe.")
@click.option("--batch-size", type=click.IntRange(1), default=8, show_default=True)
@click.option("--max-batch-delay", type=click.IntRange(0), default=50, show_default=True, help="ms")
@click.option("--max-batch-cost", type=click.IntRange(1), default=None, help="Core cost budget.")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True)
@click.option("--response-timeout", type=click.IntRange(1), default=120, show_default=True)
@click.option("--schema", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option(
    "--config",
    "backend_config",
    multiple=True,
    callback=lambda _ctx, _param, items: _config(items),
    help='Backend setting key=value (JSON or text), repeatable: allowed_roots=["/data"].',
)
@click.option(
    "--ports",
    default="8080,8081,8082,7070,7071",
    show_default=True,
    callback=_ports,
    help="Inference, management, metrics, gRPC inference, gRPC management ports (127.0.0.1).",
)
def package(
    out,
    backend,
    name,
    batch_size,
    max_batch_delay,
    max_batch_cost,
    workers,
    response_timeout,
    schema,
    backend_config,
    ports,
) -> None:
    """Build a TorchServe model archive and a loopback config.properties for it.

    vlmserve package --backend ocr --out model_store --config 'allowed_roots=["/data/scans"]'
    """
    from vlmserve.serving.torchserve_deploy import package_model

    model = package_model(
        out,
        backend=backend,
        name=name,
        backend_config=backend_config,
        batch_size=batch_size,
        max_batch_delay_ms=max_batch_delay,
        workers=workers,
        response_timeout_s=response_timeout,
        max_batch_cost=max_batch_cost,
        schema=schema,
        ports=ports,
    )
    click.echo(f"wrote {model.mar}\nwrote {model.config_properties}\nwrote {model.metrics_config}")
    click.echo(f"serve it: vlmserve serve --model-store {model.mar.parent}")


@main.command()
@click.option(
    "--model-store", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--config-properties",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Default: config.properties in the model store.",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="TorchServe's working directory: key_file.json and logs/.",
)
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Seconds to ready.")
@click.option(
    "--foreground/--background",
    default=True,
    show_default=True,
    help="Run until Ctrl-C, or leave TorchServe running once ready.",
)
def serve(model_store, config_properties, workdir, timeout, foreground) -> None:
    """Start TorchServe on a model store and wait until its models are ready."""
    import signal

    from vlmserve.serving.torchserve_deploy import TorchServeError
    from vlmserve.serving.torchserve_process import TorchServeProcess

    config = config_properties or model_store / "config.properties"
    if not config.exists():
        raise click.UsageError(f"no {config}; run `vlmserve package` or pass --config-properties")
    workdir.mkdir(parents=True, exist_ok=True)
    ts = TorchServeProcess(config, model_store=model_store, workdir=workdir)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops it cleanly too
    detached = False
    try:
        ts.start()
        _print_serving(ts, ts.wait_ready(timeout))
        if not foreground:
            click.echo(f"stop it with: kill -TERM -- -{ts.pid}   (its process group)")
            detached = True
            return
        click.echo("Ctrl-C to stop.")
        while ts.running():
            time.sleep(0.5)
        raise click.ClickException(f"TorchServe exited.\n{ts.log_tail()}")
    except TorchServeError as err:
        raise click.ClickException(str(err)) from err
    except KeyboardInterrupt:
        click.echo("stopping TorchServe...", err=True)
    finally:
        if not detached:
            ts.stop()


def _print_serving(ts, models: list[str]) -> None:
    urls = ts.urls
    click.echo(f"TorchServe ready: models {', '.join(models)}")
    for model in models:
        click.echo(f"  predict:    POST {urls['inference']}/predictions/{model}")
    click.echo(f"  management: {urls['management']}   metrics: {urls['metrics']}/metrics")
    click.echo(f"  logs:       {ts.log_dir}")
    click.echo(
        f"token keys in {ts.workdir / 'key_file.json'}: send "
        '"Authorization: Bearer <inference key>" (management key for the management API)'
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

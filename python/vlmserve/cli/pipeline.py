"""``vlmserve report`` and ``vlmserve pipeline compile|run``: the Kubeflow pipeline."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from vlmserve.cli import main
from vlmserve.errors import VlmServeError
from vlmserve.pipelines import DEFAULT_PACKAGE


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

"""The KFP components of the extraction pipeline. Each is a thin shell: it reads its input
artifacts, calls :mod:`vlmserve.pipelines.steps` (or ``compare``/``report``), and writes
its output artifacts and metrics. KFP ships each function's source alone to the task,
so every import sits inside the function body.

The functions are plain here; :func:`build` turns them into components that install
``package`` (the vlmserve requirement) before they run:

>>> comps = build("vlmserve==0.1.0")
>>> sorted(comps)  # doctest: +NORMALIZE_WHITESPACE
['aggregate_results', 'discover_images', 'evaluate', 'model_inference', 'plan_models',
 'report']
>>> local = build(None)  # kfp.local with use_venv=False: vlmserve is already importable
"""

from kfp import dsl
from kfp.dsl import HTML, Dataset, Input, Markdown, Metrics, Output

__all__ = ["BASE_IMAGE", "FUNCTIONS", "build"]

BASE_IMAGE = "python:3.11"


def discover_images(data_path: str, recursive: bool, formats: str, images: Output[Dataset]) -> int:
    """The readable images under ``data_path`` (JSON: images, rejected); returns the count.
    ``formats``: suffixes separated by commas."""
    from vlmserve.pipelines import steps

    found = steps.discover_images(data_path, recursive=recursive, formats=formats.split(","))
    steps.write_json(found, images.path)
    images.metadata.update(count=len(found["images"]), rejected=len(found["rejected"]))
    return len(found["images"])


def plan_models(model_choice: str, torchserve_url: str, internvl3_url: str, llama_url: str) -> list:
    """``[{"model", "url"}]`` per model: ``"both"`` (internvl3, llama_vision) or ``"a,b"``."""
    from vlmserve.pipelines import steps

    urls = {"internvl3": internvl3_url, "llama_vision": llama_url}
    return steps.plan_models(model_choice, torchserve_url, urls)


def model_inference(
    images: Input[Dataset],
    url: str,
    model_name: str,
    results: Output[Dataset],
    metrics: Output[Metrics],
    protocol: str = "torchserve",
    token: str = "",
    concurrency: int = 8,
    timeout_s: float = 120.0,
    retries: int = 4,
):
    """One output record per image (JSONL) from the model served at ``url``."""
    from vlmserve.pipelines import steps
    from vlmserve.pipelines.inference import run_inference

    summary = run_inference(
        steps.read_json(images.path)["images"],
        results.path,
        url=url,
        model=model_name,
        protocol=protocol,
        token=token,
        concurrency=concurrency,
        timeout_s=timeout_s,
        retries=retries,
    )
    results.metadata.update(model=model_name, url=url)
    for key, value in summary.items():
        metrics.log_metric(key, value)


def evaluate(
    results: Input[Dataset],
    ground_truth_path: str,
    evaluation: Output[Dataset],
    metrics: Output[Metrics],
):
    """The core scorer's report of ``results`` against the ground-truth CSV (none if ``""``)."""
    from vlmserve.pipelines import steps

    scored = steps.evaluate(results.path, ground_truth_path) if ground_truth_path else None
    model = results.metadata["model"]
    steps.write_json({"model": model, "evaluation": scored}, evaluation.path)
    evaluation.metadata["model"] = model
    for key, value in steps.metrics_of(scored).items() if scored else ():
        metrics.log_metric(key, value)


def aggregate_results(
    results: Input[list[Dataset]], comparison: Output[Dataset], metrics: Output[Metrics]
):
    """Quality, timing and (for two models) field agreement across the models' results."""
    from vlmserve.pipelines import compare, steps

    by_model = {r.metadata["model"]: steps.load_records(r.path) for r in results}
    summary = compare.aggregate(by_model)
    steps.write_json(summary, comparison.path)
    for key, value in compare.metrics_of(summary).items():
        metrics.log_metric(key, value)


def report(
    images: Input[Dataset],
    evaluations: Input[list[Dataset]],
    comparison: Input[Dataset],
    html: Output[HTML],
    summary: Output[Markdown],
    title: str = "Document extraction report",
):
    """A self-contained HTML report (inline SVG charts) and its Markdown summary."""
    from vlmserve.pipelines import steps
    from vlmserve.pipelines.report import build as build_report

    scored = [steps.read_json(e.path) for e in evaluations]
    page, markdown = build_report(
        {s["model"]: s["evaluation"] for s in scored},
        steps.read_json(comparison.path),
        steps.read_json(images.path),
        title=title,
    )
    with open(html.path, "w", encoding="utf-8") as out:
        out.write(page)
    with open(summary.path, "w", encoding="utf-8") as out:
        out.write(markdown)


FUNCTIONS = (discover_images, plan_models, model_inference, evaluate, aggregate_results, report)


def build(package: "str | None") -> dict:
    """``{name: component}`` for each of :data:`FUNCTIONS`.

    ``package`` (a requirement such as ``vlmserve==0.1.0``, or a wheel URL) is
    pip-installed with kfp before each task runs. ``None`` or ``""``
    installs nothing: for runs whose Python already has vlmserve and kfp, such as
    ``kfp.local.SubprocessRunner(use_venv=False)``, which would otherwise pip-install into
    the very interpreter running the pipeline.
    """
    options = {
        "base_image": BASE_IMAGE,
        "packages_to_install": [package] if package else None,
        "install_kfp_package": bool(package),
    }
    return {f.__name__: dsl.component(f, **options) for f in FUNCTIONS}

"""The extraction pipeline: discover images -> infer with each chosen model (TorchServe or
another protocol, through the core client) -> evaluate against ground truth -> compare
the models -> HTML report.

Compile the committed IR (``extraction_pipeline.yaml`` beside this file)::

    python -m vlmserve.pipelines.pipeline            # or: vlmserve pipeline compile

Run it locally (each task a subprocess of this Python, which must import vlmserve)::

    import kfp.local
    kfp.local.init(runner=kfp.local.SubprocessRunner(use_venv=False))
    run = build_pipeline(package=None)(data_path="examples/documents",
                                       ground_truth_path="examples/documents/truth.csv",
                                       torchserve_url="http://127.0.0.1:8080",
                                       model_choice="extractor")
    run.outputs["report"].path
"""

import sys
from pathlib import Path
from typing import NamedTuple, Optional, Union

from kfp import compiler, dsl
from kfp.dsl import HTML, Markdown

from vlmserve.pipelines import DEFAULT_PACKAGE, components
from vlmserve.pipelines.steps import DEFAULT_FORMATS

__all__ = ["COMPILED", "build_pipeline", "compile_pipeline"]

COMPILED = Path(__file__).with_name("extraction_pipeline.yaml")
"""The committed IR, compiled with :func:`compile_pipeline`'s defaults."""


class Outputs(NamedTuple):
    report: HTML
    summary: Markdown


def build_pipeline(
    *,
    package: Optional[str] = DEFAULT_PACKAGE,
    accelerator_type: Optional[str] = None,
    accelerator_limit: int = 1,
):
    """The pipeline function, its tasks installing ``package`` (``None``: already installed).

    ``accelerator_type`` (e.g. ``"nvidia.com/gpu"``) and ``accelerator_limit`` are set on
    the inference tasks only when a type is given. Those tasks are HTTP clients of the model
    server, which holds the GPUs that run the models: ask for accelerators here only to
    place the tasks on GPU nodes (for instance beside a server on the same node).
    """
    comps = components.build(package)

    @dsl.pipeline(
        name="vlmserve-extraction",
        description="Extract 25 fields from document images with served VLMs, score, report.",
    )
    def extraction_pipeline(
        data_path: str,
        ground_truth_path: str = "",
        model_choice: str = "internvl3",
        torchserve_url: str = "http://127.0.0.1:8080",
        internvl3_url: str = "",
        llama_url: str = "",
        protocol: str = "torchserve",
        token: str = "",
        concurrency: int = 8,
        timeout_s: float = 120.0,
        retries: int = 4,
        recursive: bool = True,
        formats: str = ",".join(DEFAULT_FORMATS),
        report_title: str = "Document extraction report",
    ) -> Outputs:
        # Tasks that read the world (a folder, a server, a CSV) are never served from the
        # cache: the same arguments can mean new files or a new model.
        images = comps["discover_images"](data_path=data_path, recursive=recursive, formats=formats)
        images.set_caching_options(False)
        plan = comps["plan_models"](
            model_choice=model_choice,
            torchserve_url=torchserve_url,
            internvl3_url=internvl3_url,
            llama_url=llama_url,
        )
        with dsl.ParallelFor(plan.output, name="each-model") as target:
            inference = comps["model_inference"](
                images=images.outputs["images"],
                url=target.url,
                model_name=target.model,
                protocol=protocol,
                token=token,
                concurrency=concurrency,
                timeout_s=timeout_s,
                retries=retries,
            )
            inference.set_caching_options(False)
            if accelerator_type:
                inference.set_accelerator_type(accelerator_type)
                inference.set_accelerator_limit(accelerator_limit)
            scored = comps["evaluate"](
                results=inference.outputs["results"], ground_truth_path=ground_truth_path
            )
            scored.set_caching_options(False)
        comparison = comps["aggregate_results"](results=dsl.Collected(inference.outputs["results"]))
        page = comps["report"](
            images=images.outputs["images"],
            evaluations=dsl.Collected(scored.outputs["evaluation"]),
            comparison=comparison.outputs["comparison"],
            title=report_title,
        )
        return Outputs(report=page.outputs["html"], summary=page.outputs["summary"])

    return extraction_pipeline


def compile_pipeline(path: Union[str, Path] = COMPILED, **options) -> Path:
    """Writes the pipeline's IR YAML to ``path``; ``options`` go to :func:`build_pipeline`."""
    compiler.Compiler().compile(build_pipeline(**options), str(path))
    return Path(path)


if __name__ == "__main__":
    print(compile_pipeline(*sys.argv[1:2]))

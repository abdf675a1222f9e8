"""The whole pipeline run by kfp.local (each task a subprocess of this Python) against a real
TorchServe serving the OCR backend, on the sample documents; then bad inputs, each failing
the run with a message that says what to change."""

from __future__ import annotations

import csv
import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import free_ports
from vlmserve import extract
from vlmserve.cli import main
from vlmserve.pipelines import compare, steps
from vlmserve.pipelines.pipeline import build_pipeline

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "documents"
TRUTH = EXAMPLES / "truth.csv"


@pytest.fixture
def run_pipeline(kfp_local):
    """``run(**params) -> (run, pipeline_root)``: the pipeline, its tasks using this Python."""
    pipeline = build_pipeline(package=None)
    return lambda **params: (pipeline(**params), kfp_local)


def _artifacts(root: Path, task: str, name: str) -> list[Path]:
    """The artifact files ``name`` written by every run of ``task`` (loop iterations sorted)."""
    return sorted(root.glob(f"*/**/{task}/{name}"))


def _logged_metrics(root: Path, task: str) -> list[dict]:
    outputs = [json.loads(p.read_text()) for p in _artifacts(root, task, "executor_output.json")]
    return [o["artifacts"]["metrics"]["artifacts"][0]["metadata"] for o in outputs]


@pytest.fixture
def served_twice(torchserve_server) -> list[str]:
    """Two names TorchServe serves the fixture's model under: its name, and its name with
    its version (``/predictions/<name>/<version>``), so one run compares two "models"."""
    server = torchserve_server
    request = urllib.request.Request(
        f"{server.management_url}/models/{server.model}",
        headers={"Authorization": f"Bearer {server.management_key}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        version = json.load(answer)[0]["modelVersion"]
    return [server.model, f"{server.model}/{version}"]


def test_pipeline_on_the_sample_documents(run_pipeline, torchserve_server, served_twice):
    pipeline_run, root = run_pipeline(
        data_path=str(EXAMPLES),
        ground_truth_path=str(TRUTH),
        model_choice=",".join(served_twice),
        torchserve_url=torchserve_server.inference_url,
        token=torchserve_server.inference_key,
        concurrency=4,
    )
    images = steps.discover_images(EXAMPLES)["images"]
    results = _artifacts(root, "model-inference", "results")
    evaluations = [steps.read_json(p) for p in _artifacts(root, "evaluate", "evaluation")]
    assert [e["model"] for e in evaluations] == served_twice
    for path, evaluation, logged in zip(results, evaluations, _logged_metrics(root, "evaluate")):
        records = steps.load_records(path)
        assert sorted(r["document"] for r in records) == images
        assert all(r["error"] is None for r in records)
        # The numbers are what `vlmserve evaluate` (the core scorer) gives for these results.
        evaluated = CliRunner().invoke(
            main, ["evaluate", str(path), "--truth", str(TRUTH), "--json"]
        )
        assert evaluated.exit_code == 0, evaluated.output
        scored = extract.score(path, TRUTH)
        assert evaluation["evaluation"] == {**json.loads(evaluated.output), "table": scored.table()}
        assert logged["accuracy"] == pytest.approx(scored.overall["accuracy"])
        assert logged["accuracy_TOTAL_AMOUNT"] == pytest.approx(
            scored.per_field["TOTAL_AMOUNT"]["accuracy"]
        )

    comparison = steps.read_json(_artifacts(root, "aggregate-results", "comparison")[0])
    by_model = {m: steps.load_records(p) for m, p in zip(served_twice, results)}
    assert comparison == json.loads(json.dumps(compare.aggregate(by_model)))
    assert comparison["agreement"]["per_document"].keys() == set(images)

    html = Path(pipeline_run.outputs["report"].path).read_text()
    assert html.count("<svg") == 4 and "Accuracy per field" in html
    worst = min(scored.per_document, key=lambda d: scored.per_document[d]["accuracy"])
    assert f"<td>{worst}</td>" in html
    summary = Path(pipeline_run.outputs["summary"].path).read_text()
    assert f"| {served_twice[1]} | {len(images)} | 0 |" in summary


def _one_image(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(sorted(EXAMPLES.glob("*.png"))[0], folder)
    return folder


def _fails(run_pipeline, capfd, task: str, message: str, **params) -> str:
    """Runs the pipeline, which must fail at ``task`` printing ``message``; the output."""
    with pytest.raises(RuntimeError, match=f"Inner task failed: .*'{task}'"):
        run_pipeline(**params)
    out = capfd.readouterr().out
    assert message in out
    return out


def test_a_model_not_served_fails_naming_it(run_pipeline, torchserve_server, tmp_path, capfd):
    _fails(
        run_pipeline,
        capfd,
        "model-inference",
        f"model 'no_such_model' is not served at {torchserve_server.inference_url}",
        data_path=str(_one_image(tmp_path)),
        model_choice="no_such_model",
        torchserve_url=torchserve_server.inference_url,
        token=torchserve_server.inference_key,
    )


def test_truth_without_a_field_column_fails_naming_it(
    run_pipeline, torchserve_server, tmp_path, capfd
):
    with open(TRUTH, newline="") as f:
        rows = [row[:-1] for row in csv.reader(f)]  # drop the last field's column
    truth = tmp_path / "truth.csv"
    with open(truth, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    _fails(
        run_pipeline,
        capfd,
        "evaluate",
        "CLOSING_BALANCE",
        data_path=str(_one_image(tmp_path)),
        ground_truth_path=str(truth),
        model_choice=torchserve_server.model,
        torchserve_url=torchserve_server.inference_url,
        token=torchserve_server.inference_key,
    )


def test_server_down_fails_after_retries(run_pipeline, tmp_path, capfd):
    url = f"http://127.0.0.1:{free_ports(1)[0]}"
    out = _fails(
        run_pipeline,
        capfd,
        "model-inference",
        f"no document succeeded for model 'extractor' at {url}",
        data_path=str(_one_image(tmp_path)),
        model_choice="extractor",
        torchserve_url=url,
        retries=2,
    )
    assert "after 3 attempts" in out


@pytest.mark.parametrize(
    ("folder", "message"),
    [("absent", "does not exist"), ("empty", "no .bmp/.jpeg/.jpg/.png")],
)
def test_a_missing_or_empty_folder_fails_the_run(run_pipeline, tmp_path, capfd, folder, message):
    (tmp_path / "empty").mkdir()
    _fails(run_pipeline, capfd, "discover-images", message, data_path=str(tmp_path / folder))


def test_pipeline_run_command(kfp_local, torchserve_server, tmp_path):
    args = ["pipeline", "run", str(_one_image(tmp_path)), "--url", torchserve_server.inference_url]
    args += ["--model-choice", torchserve_server.model, "--token", torchserve_server.inference_key]
    args += ["--truth", str(TRUTH), "--pipeline-root", str(kfp_local)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = Path(result.output.split("report: ")[1].split()[0])
    assert report.is_relative_to(kfp_local) and report.read_text().count("<svg") == 3

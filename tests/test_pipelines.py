"""The pipeline's steps as plain functions (no TorchServe), the components run by kfp.local,
and the committed IR."""

from __future__ import annotations

import csv
import json
import re
import statistics
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from vlmserve import FetchError, InvalidArgumentError, extract
from vlmserve.cli import main
from vlmserve.pipelines import compare, components, pipeline, report, steps

FIELDS = extract.Schema.default().names


def _image(path: Path, size=(64, 48)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (240, 240, 235)).save(path)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Two images at the top, one in a subfolder, a junk .png and a text file."""
    root = tmp_path / "docs"
    _image(root / "b_receipt.png")
    _image(root / "a_invoice.jpg")
    _image(root / "sub" / "c_statement.webp")
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot an image")
    (root / "notes.txt").write_text("not an image")
    return root


def test_discover_sorts_checks_headers_and_lists_rejected(tree):
    found = steps.discover_images(tree)
    names = [Path(p).relative_to(tree).as_posix() for p in found["images"]]
    assert names == ["a_invoice.jpg", "b_receipt.png", "sub/c_statement.webp"]
    assert [Path(r["path"]).name for r in found["rejected"]] == ["broken.png"]
    assert found["rejected"][0]["type"] == "InvalidImageError"
    assert found["ignored"] == 1

    flat = steps.discover_images(tree, recursive=False, formats=["PNG", ".jpg"])
    assert [Path(p).name for p in flat["images"]] == ["a_invoice.jpg", "b_receipt.png"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "absent", "does not exist"),
        (lambda p: _image(p / "one.png"), "is not a folder"),
        (lambda p: p, "no .bmp/.jpeg/.jpg/.png/.tif/.tiff/.webp files"),
    ],
    ids=["missing", "file", "empty"],
)
def test_discover_refuses_a_run_with_nothing_to_do(tmp_path, make, message):
    with pytest.raises(InvalidArgumentError, match=re.escape(message)):
        steps.discover_images(make(tmp_path))


def test_discover_refuses_a_folder_of_unreadable_files(tmp_path):
    (tmp_path / "x.jpg").write_bytes(b"GIF89a")
    with pytest.raises(
        InvalidArgumentError, match="none of the 1 files .*/x.jpg: GIF images are not supported"
    ):
        steps.discover_images(tmp_path)


def test_plan_models():
    url = "http://127.0.0.1:8080"
    assert steps.plan_models("both", url, {"llama_vision": "http://10.0.0.2:80"}) == [
        {"model": "internvl3", "url": url},
        {"model": "llama_vision", "url": "http://10.0.0.2:80"},
    ]
    assert steps.plan_models(" extractor ", url, {"internvl3": ""}) == [
        {"model": "extractor", "url": url}
    ]
    assert [p["model"] for p in steps.plan_models("a,b , c", url)] == ["a", "b", "c"]
    for bad in ("", " , ", "a,a"):
        with pytest.raises(InvalidArgumentError, match="model_choice is .*; pass 'internvl3'"):
            steps.plan_models(bad, url)
    with pytest.raises(InvalidArgumentError, match="'ftp://x'; pass an http"):
        steps.plan_models("internvl3", "ftp://x")


def _error(document: str, status: int, message: str) -> dict:
    rec = extract.record(document, model="m", error=("FetchError", message))
    rec["error"]["status"] = status
    return rec


def test_check_results_fails_only_when_nothing_succeeded():
    not_served = [_error(f"{i}.png", 404, "model m not found") for i in range(3)]
    with pytest.raises(InvalidArgumentError, match="model 'm' is not served at http://h"):
        steps.check_results(not_served, "m", "http://h")
    refused = [_error("0.png", 0, "connection refused"), _error("1.png", 503, "busy")]
    with pytest.raises(FetchError, match=r"no document succeeded .* \(2 tried\); .* refused"):
        steps.check_results(refused, "m", "http://h")
    steps.check_results([*refused, extract.record("2.png", "TOTAL_AMOUNT: 5")], "m", "http://h")


@pytest.mark.parametrize(
    ("status", "server"),
    [(None, True), (401, True), (404, True), (429, True), (503, True), (400, False), (422, False)],
)
def test_server_failed_tells_the_server_from_the_document(status, server):
    assert steps.server_failed(_error("a.png", status, "x")) is server
    assert not steps.server_failed(extract.record("a.png", "TOTAL_AMOUNT: 5"))


ANSWERS = {
    "a.png": "DOCUMENT_TYPE: invoice\nSUPPLIER_NAME: Acme Pty Ltd\nTOTAL_AMOUNT: $110.00\n"
    "GST_AMOUNT: $10.00\nINVOICE_DATE: 05/03/2025",
    "b.png": "DOCUMENT_TYPE: receipt\nSUPPLIER_NAME: Corner Cafe\nTOTAL_AMOUNT: 7.50",
    "c.png": "DOCUMENT_TYPE: bank statement\nBANK_NAME: Westpac\nCLOSING_BALANCE: 1,024.10",
}


def _records(model: str, answers: dict[str, str], times: list[float]) -> list[dict]:
    return [
        extract.record(f"/data/{doc}", text, model=model, timing_ms={"total": t, "generate": 1})
        for (doc, text), t in zip(answers.items(), times)
    ]


@pytest.fixture
def two_models() -> dict[str, list[dict]]:
    other = dict(ANSWERS)
    other["a.png"] = other["a.png"].replace("$10.00", "$11.00")  # GST disagrees
    other["b.png"] = other["b.png"].replace("Corner Cafe", "Corner Caf")  # name disagrees
    return {
        "internvl3": _records("internvl3", ANSWERS, [100.0, 300.0, 200.0]),
        "llama_vision": _records("llama_vision", other, [50.0, 70.0, 60.0])
        + [_error("/data/d.png", 500, "boom")],
    }


def test_aggregate_two_models(two_models):
    out = compare.aggregate(two_models)
    pair = out["agreement"]
    assert pair["not_compared"] == ["/data/d.png"]
    assert pair["per_document"]["/data/a.png"] == {"agreed": 24, "compared": 25, "agreement": 0.96}
    assert pair["per_document"]["/data/c.png"]["agreement"] == 1.0
    assert pair["per_field"]["GST_AMOUNT"] == {"agreed": 2, "compared": 3, "agreement": 2 / 3}
    assert pair["per_field"]["SUPPLIER_NAME"]["agreed"] == 2
    assert pair["per_field"]["TOTAL_AMOUNT"]["agreement"] == 1.0
    assert pair["overall"] == pytest.approx(73 / 75)
    found = sum(v is not None for r in two_models["internvl3"] for v in r["fields"].values())
    assert pair["overall_found"] == pytest.approx((found - 2) / found)

    first, second = out["per_model"]["internvl3"], out["per_model"]["llama_vision"]
    assert first["timing_ms"]["mean"] == 200.0 and first["timing_ms"]["median"] == 200.0
    assert first["timing_ms"]["p95"] == pytest.approx(290.0)
    assert second["errors"] == 1 and second["timing_ms"]["count"] == 3
    labels = [r["quality"]["label"] for r in two_models["internvl3"]]
    assert first["quality"] == {
        "good": labels.count("good"),
        "partial": labels.count("partial"),
        "poor": labels.count("poor"),
        "error": 0,
    }
    metrics = compare.metrics_of(out)
    assert metrics["agreement"] == pair["overall"]
    assert metrics["llama_vision_error"] == 1
    assert metrics["internvl3_median_ms"] == statistics.median([100.0, 300.0, 200.0])


def test_aggregate_one_model_reports_agreement_as_not_applicable(two_models):
    out = compare.aggregate({"internvl3": two_models["internvl3"]})
    assert out["agreement"] is None
    assert out["agreement_note"].startswith("not applicable: only internvl3 ran")
    assert not any(k.startswith("agreement") for k in compare.metrics_of(out))


def _truth(path: Path, rows: dict[str, dict[str, str]], columns=FIELDS) -> Path:
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["image_file", *columns])
        for name, values in rows.items():
            writer.writerow([name] + [values.get(c, "NOT_FOUND") for c in columns])
    return path


TRUTH = {
    "a.png": {
        "DOCUMENT_TYPE": "INVOICE",
        "SUPPLIER_NAME": "Acme Pty Ltd",
        "TOTAL_AMOUNT": "110.00",
        "GST_AMOUNT": "10.00",
        "INVOICE_DATE": "2025-03-05",
    },
    "b.png": {"DOCUMENT_TYPE": "RECEIPT", "SUPPLIER_NAME": "Corner Cafe", "TOTAL_AMOUNT": "7.95"},
    "c.png": {
        "DOCUMENT_TYPE": "BANK_STATEMENT",
        "BANK_NAME": "Westpac",
        "BANK_BSB_NUMBER": "062000",
    },
}


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_evaluate_is_the_core_scorer(tmp_path, two_models):
    results = _jsonl(tmp_path / "r.jsonl", two_models["internvl3"])
    truth = _truth(tmp_path / "truth.csv", TRUTH)
    got = steps.evaluate(results, truth)
    want = extract.score(results, truth)
    assert got["overall"] == want.overall and got["per_field"] == want.per_field
    assert got["per_document"] == want.per_document and got["table"] == want.table()
    assert got["per_document"]["b.png"]["correct"] == 24  # the total is wrong
    metrics = steps.metrics_of(got)
    assert metrics["accuracy"] == want.overall["accuracy"]
    assert metrics["accuracy_TOTAL_AMOUNT"] == want.per_field["TOTAL_AMOUNT"]["accuracy"]


def test_evaluate_names_missing_columns(tmp_path, two_models):
    results = _jsonl(tmp_path / "r.jsonl", two_models["internvl3"])
    truth = _truth(tmp_path / "truth.csv", TRUTH, columns=FIELDS[:3])
    with pytest.raises(InvalidArgumentError, match="BUSINESS_ADDRESS"):
        steps.evaluate(results, truth)


def test_load_records_keeps_the_last_record_of_a_resumed_document(tmp_path):
    first = _error("/data/a.png", 503, "busy")
    second = extract.record("/data/a.png", "TOTAL_AMOUNT: 5")
    other = extract.record("/data/b.png", "")
    records = steps.load_records(_jsonl(tmp_path / "r.jsonl", [first, other, second]))
    assert [r["document"] for r in records] == ["/data/b.png", "/data/a.png"]
    assert records[1]["error"] is None


def test_report_has_charts_tables_and_worst_documents(tmp_path, two_models, tree):
    truth = _truth(tmp_path / "truth.csv", {**TRUTH, "<odd>.png": {}})
    evaluations = {
        m: steps.evaluate(_jsonl(tmp_path / f"{m}.jsonl", recs), truth)
        for m, recs in two_models.items()
    }
    html, md = report.build(
        evaluations, compare.aggregate(two_models), steps.discover_images(tree), title="Run 7"
    )
    assert html.count("<svg") == 4  # per-field accuracy, overall, agreement, time
    assert "Accuracy per field" in html and "Processing time per document" in html
    assert "<script" not in html and "src=" not in html and "href=" not in html
    per_document = evaluations["internvl3"]["per_document"]
    assert min(per_document, key=lambda d: per_document[d]["accuracy"]) == "c.png"
    assert "internvl3: worst documents by accuracy</h2>" in html
    assert "&lt;odd&gt;.png" in html and "<odd>" not in html  # unmatched truth row, escaped
    assert "broken.png" in html and "broken.png" in md  # rejected before inference
    assert "| internvl3 | 3 | 0 |" in md and "| llama_vision | 4 | 1 |" in md
    assert "## internvl3: worst documents by accuracy" in md and "| c.png | 92.0% | 23/25 |" in md


def test_report_without_ground_truth_or_second_model(two_models):
    one = {"internvl3": two_models["internvl3"]}
    html, md = report.build({"internvl3": None}, compare.aggregate(one))
    assert html.count("<svg") == 1  # only the time distribution
    assert "not applicable: only internvl3 ran" in html
    assert "No ground truth given" in md and "n/a" in md


def test_components_install_the_package_only_when_asked():
    def command(comp) -> str:
        return " ".join(comp.component_spec.implementation.container.command)

    remote = components.build("vlmserve==0.1.0")
    local = components.build(None)
    for name in remote:
        assert "pip install" in command(remote[name]) and "'vlmserve==0.1.0'" in command(
            remote[name]
        )
        assert "pip install" not in command(local[name])


def test_committed_ir_is_what_compiling_gives(tmp_path):
    fresh = pipeline.compile_pipeline(tmp_path / "p.yaml")
    assert fresh.read_bytes() == pipeline.COMPILED.read_bytes(), (
        "extraction_pipeline.yaml is stale: run `python -m vlmserve.pipelines.pipeline`"
    )
    spec = yaml.safe_load(fresh.read_text())
    executors = spec["deploymentSpec"]["executors"]
    assert "accelerator" not in json.dumps(executors)
    assert all("'vlmserve'" in " ".join(e["container"]["command"]) for e in executors.values())
    tasks = spec["components"]["comp-for-loop-1"]["dag"]["tasks"] | spec["root"]["dag"]["tasks"]
    cached = {name for name, t in tasks.items() if t.get("cachingOptions", {}).get("enableCache")}
    assert cached == {"plan-models", "aggregate-results", "report"}


def test_accelerator_options_reach_the_inference_task_only(tmp_path):
    path = pipeline.compile_pipeline(
        tmp_path / "gpu.yaml", accelerator_type="nvidia.com/gpu", accelerator_limit=2
    )
    executors = yaml.safe_load(path.read_text())["deploymentSpec"]["executors"]
    with_gpu = {n for n, e in executors.items() if "resources" in e["container"]}
    assert with_gpu == {"exec-model-inference"}
    resources = executors["exec-model-inference"]["container"]["resources"]["accelerator"]
    assert resources["resourceCount"] == "2" and resources["resourceType"] == "nvidia.com/gpu"


def test_discover_component_runs_locally(kfp_local, tree):
    task = components.build(None)["discover_images"](
        data_path=str(tree), recursive=True, formats="png,jpg,webp"
    )
    assert task.outputs["Output"] == 3
    listed = steps.read_json(task.outputs["images"].path)
    assert listed == steps.discover_images(tree)
    assert task.outputs["images"].metadata == {"count": 3, "rejected": 1}


def test_discover_component_fails_the_run_on_a_missing_folder(kfp_local, tmp_path, capfd):
    with pytest.raises(RuntimeError, match="discover-images"):
        components.build(None)["discover_images"](
            data_path=str(tmp_path / "absent"), recursive=True, formats="png"
        )
    assert "InvalidArgumentError: data_path" in capfd.readouterr().out


def test_report_command(tmp_path, two_models):
    paths = [str(_jsonl(tmp_path / f"{m}.jsonl", recs)) for m, recs in two_models.items()]
    truth = _truth(tmp_path / "truth.csv", TRUTH)
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    args = ["report", *paths, "--truth", str(truth), "--out", str(html), "--markdown", str(md)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    evaluations = {m: steps.evaluate(p, truth) for m, p in zip(two_models, paths)}
    want = report.build(evaluations, compare.aggregate(two_models))
    assert (html.read_text(), md.read_text()) == want
    assert result.output.strip() == want[1].strip()


def test_report_command_names_missing_truth_columns(tmp_path, two_models):
    results = _jsonl(tmp_path / "internvl3.jsonl", two_models["internvl3"])
    truth = _truth(tmp_path / "truth.csv", TRUTH, columns=FIELDS[1:])
    result = CliRunner().invoke(main, ["report", str(results), "--truth", str(truth)])
    assert result.exit_code == 1 and "DOCUMENT_TYPE" in result.output


def test_pipeline_compile_command_pins_the_package(tmp_path):
    out = tmp_path / "p.yaml"
    args = ["pipeline", "compile", "--out", str(out), "--package", "vlmserve==0.1.0"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert out.read_text().count("'vlmserve==0.1.0'") == len(components.FUNCTIONS)

"""End to end through a real TorchServe (loopback, free ports, token auth on): every input
form, bad requests answered alone with their 4xx, batches formed, Prometheus metrics, and
`vlmserve package` / `vlmserve serve` leaving no process behind."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from conftest import EXAMPLE_DOCUMENTS, TorchServeServer, free_ports
from vlmserve.cli import IMAGE_SUFFIXES, main
from vlmserve.errors import InvalidArgumentError
from vlmserve.extract import Schema
from vlmserve.serving.torchserve import METRICS, ExtractionHandler, HandlerSettings
from vlmserve.serving.torchserve_deploy import package_model
from vlmserve.serving.torchserve_process import read_properties

RECORD_KEYS = {"document", "model", "fields", "raw_text", "quality", "timing_ms", "recovery",
               "error"}  # fmt: skip
DOCUMENTS = sorted(p for p in EXAMPLE_DOCUMENTS.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
FIELDS = Schema.default().names


@dataclass
class Case:
    """One request and what must come back."""

    name: str
    body: bytes
    content_type: str
    status: int
    error: str | None = None  # the record's error.type, for a failing request
    same_as: str | None = None  # a document whose other forms must give the same record


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    """(status, reason, parsed JSON or text) of a GET, or a POST when there is a body."""
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=240) as response:
            status, reason, raw = response.status, response.reason, response.read()
    except urllib.error.HTTPError as err:
        status, reason, raw = err.code, err.reason, err.read()
    try:
        return status, reason, json.loads(raw)
    except ValueError:
        return status, reason, raw.decode()


@contextlib.contextmanager
def logs_on_failure(server: TorchServeServer) -> Iterator[None]:
    try:
        yield
    except BaseException:
        print(server.process.log_tail())
        raise


def as_json(obj: Any) -> tuple[bytes, str]:
    return json.dumps(obj).encode(), "application/json"


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with one file field (as ``curl -F data=@file``)."""
    boundary = "vlmserve-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"'
        "\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def good_cases(doc: Path) -> list[Case]:
    """The same document in each single-image form."""
    raw = doc.read_bytes()
    b64 = base64.b64encode(raw).decode()
    mime = "image/png" if doc.suffix == ".png" else "application/octet-stream"
    forms = {
        "bytes": (raw, mime),
        "base64": as_json({"image": b64}),
        "data-url": as_json({"image": f"data:image/{doc.suffix[1:]};base64,{b64}"}),
        "path": as_json({"image_path": str(doc)}),
        "form-field": multipart("data", doc.name, raw),
    }
    return [Case(f"{doc.name}:{form}", *b, 200, same_as=doc.name) for form, b in forms.items()]


def bad_cases(server: TorchServeServer) -> list[Case]:
    outside = EXAMPLE_DOCUMENTS / ".." / ".." / "pyproject.toml"
    return [
        Case("junk", b"\x00junk, not an image" * 20, "application/octet-stream", 415,
             "UnsupportedFormatError"),
        Case("outside-roots", *as_json({"image_path": str(outside)}), 403, "SourceNotAllowedError"),
        Case("malformed-json", b'{"image": "abc', "application/json", 400, "InvalidArgumentError"),
        Case("unknown-key", *as_json({"img": "abc"}), 400, "InvalidArgumentError"),
        Case("loopback-url", *as_json({"image_url": f"{server.inference_url}/ping"}), 403,
             "SourceNotAllowedError"),
        Case("metadata-url", *as_json({"image_url": "http://169.254.169.254/latest/meta-data"}),
             403, "SourceNotAllowedError"),
    ]  # fmt: skip


def check_record(record: dict[str, Any], error: str | None) -> None:
    assert set(record) == RECORD_KEYS
    assert list(record["fields"]) == FIELDS
    assert record["quality"]["fields_total"] == len(FIELDS)
    if error is None:
        assert record["error"] is None, record["error"]
        assert record["raw_text"].strip(), "the OCR backend read no text"
        assert record["timing_ms"]["total"] > 0
    else:
        assert record["error"]["type"] == error
        assert record["error"]["message"]
        assert all(v is None for v in record["fields"].values())


def processes_mentioning(path: Path) -> list[Any]:
    """Live processes whose command line names ``path`` (TorchServe's launcher, Java frontend
    and workers all name the model store)."""
    import psutil

    return [
        p
        for p in psutil.process_iter(["cmdline", "status"])
        if str(path) in " ".join(p.info["cmdline"] or []) and p.info["status"] != "zombie"
    ]


def vlmserve_counters(server: TorchServeServer) -> dict[str, float]:
    status, _, text = http(f"{server.metrics_url}/metrics")
    assert status == 200
    return {
        family.name: sum(s.value for s in family.samples)
        for family in text_string_to_metric_families(text)
        if family.name.startswith("vlmserve_")
    }


def test_token_auth_is_on(torchserve_server):
    server = torchserve_server
    with logs_on_failure(server):
        body = DOCUMENTS[0].read_bytes()
        for headers in ({}, {"Authorization": "Bearer not-the-key"}):
            status, _, answer = http(server.predict_url, body, headers)
            # TorchServe 0.12 answers a missing or wrong token with 400 InvalidKeyException.
            assert (status, answer["type"]) == (400, "InvalidKeyException")
        assert http(f"{server.inference_url}/ping", headers=server.headers)[2] == {
            "status": "Healthy"
        }
        assert http(f"{server.inference_url}/ping")[0] == 400


def test_model_config_is_applied(torchserve_server):
    server = torchserve_server
    key = {"Authorization": f"Bearer {server.management_key}"}
    status, _, described = http(f"{server.management_url}/models/{server.model}", headers=key)
    assert status == 200
    assert described[0]["batchSize"] == 8
    assert described[0]["maxBatchDelay"] == 300
    assert [w["status"] for w in described[0]["workers"]] == ["READY"]


def test_concurrent_requests_every_form_and_bad_ones_alone(torchserve_server):
    server = torchserve_server
    assert DOCUMENTS, f"no sample documents in {EXAMPLE_DOCUMENTS}"
    cases = [c for doc in DOCUMENTS[:2] for c in good_cases(doc)] + bad_cases(server)
    many = as_json({"images": [{"image_path": str(d)} for d in DOCUMENTS]})
    partly_bad = as_json({"images": [{"image_path": str(DOCUMENTS[-1])}, {"image": "AAAA"}]})

    def send(body_and_type: tuple[bytes, str]) -> Any:
        body, content_type = body_and_type
        return http(server.predict_url, body, {**server.headers, "Content-Type": content_type})

    with logs_on_failure(server):
        before = vlmserve_counters(server)
        with ThreadPoolExecutor(max_workers=len(cases) + 2) as pool:
            many_answer = pool.submit(send, many)
            partly_bad_answer = pool.submit(send, partly_bad)
            answers = list(pool.map(send, [(c.body, c.content_type) for c in cases]))
        after = vlmserve_counters(server)

        by_document: dict[str, dict[str, Any]] = {}
        for case, (status, reason, record) in zip(cases, answers):
            assert status == case.status, (case.name, reason, record)
            check_record(record, case.error)
            if case.same_as:  # every form of one document reads the same
                first = by_document.setdefault(case.same_as, record)
                assert record["raw_text"] == first["raw_text"], case.name
                assert record["fields"] == first["fields"], case.name

        status, _, records = many_answer.result()
        assert status == 200
        assert [r["document"] for r in records] == [str(d) for d in DOCUMENTS]
        for record in records:
            check_record(record, None)

        status, reason, records = partly_bad_answer.result()
        assert (status, reason) == (422, "Unprocessable Entity")
        check_record(records[0], None)
        check_record(records[1], "InvalidImageError")

        # Requests per TorchServe batch and documents per core batch, on average: above 1
        # means some batch held several.
        delta = {name: after[name] - before.get(name, 0) for name in after}
        assert delta["vlmserve_torchserve_batch_requests"] == len(cases) + 2
        assert delta["vlmserve_torchserve_batch_requests"] > delta["vlmserve_torchserve_batches"]
        assert delta["vlmserve_core_batch_documents"] > delta["vlmserve_core_batches"]


def test_metrics_endpoint_serves_prometheus_text(torchserve_server):
    server = torchserve_server
    http(server.predict_url, DOCUMENTS[0].read_bytes(), server.headers)
    status, _, text = http(f"{server.metrics_url}/metrics")
    assert status == 200
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert "ts_inference_requests" in families  # TorchServe's own (a counter: _total stripped)
    for name in ("vlmserve_torchserve_batches", "vlmserve_core_batch_documents"):
        assert families[name].type == "counter"
        (sample,) = families[name].samples
        assert sample.labels["ModelName"] == server.model and sample.value >= 1


def test_cli_package_and_serve_stop_on_ctrl_c(tmp_path: Path):
    """`vlmserve package` then `vlmserve serve` as a user runs them; Ctrl-C stops TorchServe
    and every one of its processes."""
    pytest.importorskip("ts", reason="TorchServe is not installed (pip install '.[test]')")
    ports = free_ports(5)
    store, run = tmp_path / "store", tmp_path / "run"
    cli = [sys.executable, "-m", "vlmserve"]
    packaged = subprocess.run(
        [*cli, "package", "--out", str(store), "--ports", ",".join(map(str, ports)),
         "--batch-size", "2", "--config", f"allowed_roots={json.dumps([str(EXAMPLE_DOCUMENTS)])}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert packaged.returncode == 0, packaged.stderr
    assert sorted(p.name for p in store.iterdir()) == [
        "config.properties",
        "extractor.mar",
        "metrics.yaml",
    ]

    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        serve = subprocess.Popen(
            [*cli, "serve", "--model-store", str(store), "--workdir", str(run)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 240
        while "Ctrl-C to stop." not in log.read_text():
            assert serve.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        key = json.loads((run / "key_file.json").read_text())["inference"]["key"]
        body, content_type = as_json({"image_path": str(DOCUMENTS[0])})
        headers = {"Authorization": f"Bearer {key}", "Content-Type": content_type}
        url = f"http://127.0.0.1:{ports[0]}/predictions/extractor"
        status, _, record = http(url, body, headers)
        assert status == 200, (record, log.read_text())
        check_record(record, None)
        ours = processes_mentioning(store)
        assert len(ours) >= 3, ours  # the launcher, the Java frontend, a Python worker
    finally:
        serve.send_signal(signal.SIGINT)
        returncode = serve.wait(timeout=120)
    assert returncode == 0, log.read_text()
    assert "stopping TorchServe" in log.read_text()
    assert not (run / "key_file.json").exists()
    assert not processes_mentioning(store)


METRIC_LINE = re.compile(r"\[METRICS\](?P<name>\w+)\.Count:(?P<value>[\d.]+)\|")
DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "torchserve"


def test_deploy_examples_are_what_package_writes(tmp_path: Path):
    pytest.importorskip("model_archiver", reason="torch-model-archiver is not installed")
    model = package_model(
        tmp_path, backend_config={"allowed_roots": ["/data/scans"], "allow_urls": False}
    )
    with zipfile.ZipFile(model.mar) as mar:
        assert sorted(mar.namelist()) == [
            "MAR-INF/MANIFEST.json",
            "model-config.yaml",
            "vlmserve_handler.py",
        ]
        packaged = yaml.safe_load(mar.read("model-config.yaml"))
        manifest = json.loads(mar.read("MAR-INF/MANIFEST.json"))
    assert manifest["model"]["handler"] == "vlmserve_handler.py"
    assert yaml.safe_load((DEPLOY / "model-config.yaml").read_text()) == packaged
    HandlerSettings.from_mapping(packaged["handler"])

    written = read_properties(model.config_properties)
    example = read_properties(DEPLOY / "config.properties")
    paths = {"model_store", "metrics_config"}  # the example's /srv/model_store, ours tmp_path
    assert {k: v for k, v in example.items() if k not in paths} == {
        k: v for k, v in written.items() if k not in paths
    }
    assert Path(written["metrics_config"]) == model.metrics_config
    counters = yaml.safe_load(model.metrics_config.read_text())["model_metrics"]["counter"]
    assert {c["name"] for c in counters} >= set(METRICS)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, "batch_size must be at least 1"),
        ({"workers": 0}, "workers must be at least 1"),
        ({"ports": {"grpc": 7000}}, "unknown port name(s) ['grpc']"),
        ({"ports": {"inference": 8081}}, "five different ports"),
    ],
)
def test_package_model_refuses_bad_settings(tmp_path: Path, kwargs, message):
    with pytest.raises(InvalidArgumentError) as err:
        package_model(tmp_path, **kwargs)
    assert message in str(err.value)
    assert not list(tmp_path.iterdir())  # refused before writing anything


def test_handler_settings_refuse_unknown_keys():
    with pytest.raises(InvalidArgumentError, match=r"unknown handler setting\(s\) \['batch'\]"):
        HandlerSettings.from_mapping({"backend": "ocr", "batch": 4})


def test_handler_answers_each_request_of_one_batch_alone(tmp_path: Path, caplog):
    """One TorchServe batch, in process with TorchServe's own Context and metrics cache:
    each request gets its status and record; the good ones share the core batch."""
    context_module = pytest.importorskip("ts.context", reason="TorchServe is not installed")
    from ts.metrics.metric_cache_yaml_impl import MetricsCacheYamlImpl

    model = package_model(tmp_path, backend_config={"allowed_roots": [str(EXAMPLE_DOCUMENTS)]})
    with zipfile.ZipFile(model.mar) as mar:
        model_config = yaml.safe_load(mar.read("model-config.yaml"))
    metrics = MetricsCacheYamlImpl(str(model.metrics_config))
    metrics.initialize_cache()
    context = context_module.Context(
        "extractor", str(tmp_path), None, 8, None, "0.12.0", metrics=metrics,
        model_yaml_config=model_config,
    )  # fmt: skip
    handler = ExtractionHandler()
    handler.initialize(context)

    doc = DOCUMENTS[0]
    requests = [  # (TorchServe's input dict, the body part's content type)
        ({"body": bytearray(doc.read_bytes())}, "application/octet-stream"),
        ({"body": bytearray(b"\x00 not an image")}, "application/octet-stream"),
        ({"body": {"image_path": str(doc), "name": doc.name}}, "application/json"),
        ({"body": bytearray(b'{"image_path": ')}, "application/json"),  # TorchServe's failed parse
        ({"data": {"images": [{"image_path": str(doc)}, {"image_path": "/etc/hostname"}]}},
         "application/json"),
        ({"file": bytearray(doc.read_bytes())}, "image/png"),
    ]  # fmt: skip
    context.request_processor = [
        context_module.RequestProcessor({key: {"content-type": ctype} for key in body})
        for body, ctype in requests
    ]
    context.request_ids = {i: f"req-{i}" for i in range(len(requests))}
    metrics.set_request_ids(context.request_ids)
    with caplog.at_level(logging.INFO, logger="ts.metrics.caching_metric"):
        answers = handler.handle([body for body, _ in requests], context)
        answers = json.loads(json.dumps(answers))  # what TorchServe sends: JSON-serialisable

    statuses = [context.get_response_status(i)[0] for i in range(len(requests))]
    assert statuses == [200, 415, 200, 400, 403, 400]
    assert {context.get_response_content_type(i) for i in range(len(requests))} == {
        "application/json"
    }
    good, junk, named, malformed, partly, no_body = answers
    for record in (good, named, partly[0]):
        check_record(record, None)
        assert record["raw_text"] == good["raw_text"]  # one document, three forms
    assert (good["document"], named["document"]) == ("req-0", doc.name)
    check_record(junk, "UnsupportedFormatError")
    assert junk["document"] == "req-1"
    check_record(malformed, "InvalidArgumentError")
    assert "not valid JSON" in malformed["error"]["message"]
    check_record(partly[1], "SourceNotAllowedError")
    check_record(no_body, "InvalidArgumentError")
    assert "form field named 'data'" in no_body["error"]["message"]

    # TorchServe's metric log lines, e.g. "[METRICS]name.Count:6|#ModelName:extractor,...".
    values = {
        m["name"]: float(m["value"])
        for m in map(METRIC_LINE.match, caplog.messages)
        if m and m["name"].startswith("vlmserve_")
    }
    # Six requests in one TorchServe batch; the three good documents in one core batch.
    assert values == {
        "vlmserve_torchserve_batches": 1,
        "vlmserve_torchserve_batch_requests": 6,
        "vlmserve_core_batches": 1,
        "vlmserve_core_batch_documents": 3,
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (["--ports", "8080,8081,8082"], "give five ports"),
        (["--ports", "a,b,c,d,e"], "give five ports"),
        (["--config", "allowed_roots"], "is not key=value"),
        (["--batch-size", "0"], "0 is not in the range x>=1"),
    ],
)
def test_cli_package_refuses_bad_options(tmp_path: Path, args, message):
    result = CliRunner().invoke(main, ["package", "--out", str(tmp_path / "store"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "store").exists()


def test_cli_package_reads_config_values_as_json_or_text(tmp_path: Path):
    pytest.importorskip("model_archiver", reason="torch-model-archiver is not installed")
    args = ["--config", 'allowed_roots=["/data/a", "/data/b"]', "--config", "allow_urls=true",
            "--config", "timeout_s=2.5", "--config", "lang=eng", "--name", "ocr-v1",
            "--batch-size", "3"]  # fmt: skip
    result = CliRunner().invoke(main, ["package", "--out", str(tmp_path), *args])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "ocr-v1.mar") as mar:
        config = yaml.safe_load(mar.read("model-config.yaml"))
    assert config["batchSize"] == 3
    assert config["handler"]["backend_config"] == {
        "allowed_roots": ["/data/a", "/data/b"],
        "allow_urls": True,
        "timeout_s": 2.5,
        "lang": "eng",  # not JSON: text
    }
    assert read_properties(tmp_path / "config.properties")["load_models"] == "ocr-v1.mar"

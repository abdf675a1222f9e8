"""vlmserve.client.InferenceClient against real HTTP servers on 127.0.0.1.

The server speaks all four protocols and answers each image with a record built by
``vlmserve.extract.record`` from the image's byte size (TOTAL_AMOUNT = size), so every
response is tied to its input. Faults (503, 429 + Retry-After, connection resets) are
injected for the first hits of chosen images; anything that is not a PNG gets a 400.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import vlmserve.errors
from conftest import encode, random_image
from vlmserve import extract
from vlmserve.client import PROTOCOLS, InferenceClient
from vlmserve.errors import FetchError, InvalidArgumentError

MODEL = "inv"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def answer_text(size: int) -> str:
    return f"DOCUMENT_TYPE: RECEIPT\nTOTAL_AMOUNT: {size}"


class ModelServer:
    """A threaded HTTP server speaking TorchServe, KServe V1/V2 and OpenAI chat."""

    def __init__(self, service_s: float = 0.0, token: str | None = None, faults=None):
        self.service_s = service_s
        self.token = token
        # image size -> what to do on its first hits, in order: an int status or "reset".
        self.faults = {size: list(steps) for size, steps in (faults or {}).items()}
        self.hits: Counter[int] = Counter()
        self.hit_times: dict[int, list[float]] = {}
        self.auth: list[str | None] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def fault(self, size: int) -> int | str | None:
        with self.lock:
            self.hits[size] += 1
            self.hit_times.setdefault(size, []).append(time.monotonic())
            steps = self.faults.get(size)
            return steps.pop(0) if steps else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall per kept-alive request

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def reply(self, status: int, body, headers=()) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers:
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def refused(self) -> bool:
                """Answers as TorchServe 0.12 does for a missing or wrong inference key."""
                sent = self.headers.get("Authorization")
                server.auth.append(sent)
                if not server.token or sent == f"Bearer {server.token}":
                    return False
                refusal = {"code": 400, "type": "InvalidKeyException", "message": "Token..."}
                self.reply(400, refusal)
                return True

            def do_GET(self) -> None:
                if self.refused():
                    return
                health = {
                    "/ping": {"status": "Healthy"},
                    f"/v1/models/{MODEL}": {"name": MODEL, "ready": True},
                    f"/v2/models/{MODEL}/ready": {"name": MODEL, "ready": True},
                    "/v1/models": {"object": "list", "data": [{"id": MODEL}]},
                }
                found = health.get(self.path)
                self.reply(200 if found else 404, found or {"error": "no such path"})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.refused():
                    return None
                routes = {
                    f"/predictions/{MODEL}": lambda b: b,
                    f"/v1/models/{MODEL}:predict": lambda b: base64.b64decode(
                        json.loads(b)["instances"][0]["image"]["b64"]
                    ),
                    f"/v2/models/{MODEL}/infer": lambda b: base64.b64decode(
                        json.loads(b)["inputs"][0]["data"][0]
                    ),
                    "/v1/chat/completions": self.chat_image,
                }
                if self.path not in routes:
                    return self.reply(404, {"message": f"Model not found: {self.path}"})
                image = routes[self.path](body)
                fault = server.fault(len(image))
                if fault == "reset":
                    # RST instead of an answer: the client sees a broken connection.
                    linger = struct.pack("ii", 1, 0)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.close_connection = True
                    return None
                if fault is not None:
                    wait = [("Retry-After", "1")] if fault == 429 else []
                    return self.reply(fault, {"message": "busy"}, wait)
                if not image.startswith(PNG_MAGIC):
                    return self.reply(400, {"message": "not an image"})
                self.serve(image)
                return None

            def chat_image(self, body: bytes) -> bytes:
                content = json.loads(body)["messages"][0]["content"]
                assert content[0]["text"] == extract.Schema.default().prompt()
                url = content[1]["image_url"]["url"]
                assert url.startswith("data:image/png;base64,")
                return base64.b64decode(url.split(",", 1)[1])

            def serve(self, image: bytes) -> None:
                with server.lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                time.sleep(server.service_s)
                with server.lock:
                    server.in_flight -= 1
                text = answer_text(len(image))
                if self.path == "/v1/chat/completions":
                    message = {"role": "assistant", "content": text}
                    return self.reply(200, {"choices": [{"index": 0, "message": message}]})
                rec = extract.record("server-side-name", text, model=MODEL)
                wrapped = {
                    f"/predictions/{MODEL}": rec,
                    f"/v1/models/{MODEL}:predict": {"predictions": [rec]},
                    f"/v2/models/{MODEL}/infer": {
                        "outputs": [
                            {
                                "name": "record",
                                "datatype": "BYTES",
                                "shape": [1],
                                "data": [json.dumps(rec)],
                            }
                        ]
                    },
                }[self.path]
                return self.reply(200, wrapped)

        return Handler


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> list[str]:
    """Twelve PNGs, each a different number of bytes."""
    folder = tmp_path_factory.mktemp("images")
    paths = []
    for i in range(12):
        path = folder / f"doc{i:02d}.png"
        path.write_bytes(encode(random_image(8 + i, 8, seed=i), "PNG"))
        paths.append(str(path))
    assert len({size(p) for p in paths}) == len(paths)
    return paths


def size(path: str) -> int:
    return os.path.getsize(path)


def client(server: ModelServer, **kwargs) -> InferenceClient:
    kwargs.setdefault("backoff_s", 0.01)
    kwargs.setdefault("timeout_s", 10.0)
    return InferenceClient(server.url, kwargs.pop("model", MODEL), **kwargs)


def assert_answers(records: list[dict], paths: list[str]) -> None:
    """Each record is the success record of its own path (TOTAL_AMOUNT = its byte size)."""
    assert [r["document"] for r in records] == paths
    for rec, path in zip(records, paths):
        assert rec["error"] is None, rec["error"]
        assert rec["fields"]["TOTAL_AMOUNT"] == f"{size(path)}.00"
        assert rec["fields"]["DOCUMENT_TYPE"] == "RECEIPT"
        assert len(rec["fields"]) == 25


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("protocol", ["kserve-v1", "kserve-v2"])
def test_ping_says_which_model_is_not_ready(protocol):
    with ModelServer() as server:
        c = client(server, protocol=protocol, model="nope")
        with pytest.raises(FetchError, match=f"{server.url}/.* is not ready .*HTTP 404"):
            c.ping()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_each_protocol_returns_each_inputs_record_in_order(protocol, images):
    with ModelServer() as server:
        c = client(server, protocol=protocol)
        assert c.ping() is True
        records = c.infer(images)
    assert_answers(records, images)
    assert sorted(server.hits) == sorted(size(p) for p in images)
    assert set(server.hits.values()) == {1}
    assert all(r["model"] == MODEL for r in records)


def test_503_429_and_resets_are_retried_until_they_pass(images):
    faults = {size(images[0]): [503, 503], size(images[1]): [429], size(images[2]): ["reset"]}
    with ModelServer(faults=faults) as server:
        records = client(server, retries=4).infer(images)
    assert_answers(records, images)
    assert server.hits[size(images[0])] == 3
    assert server.hits[size(images[2])] == 2
    # The 429 said Retry-After: 1; the backoff alone would have waited ~10-20 ms.
    first, second = server.hit_times[size(images[1])]
    assert second - first >= 0.95


def test_retries_run_out_into_an_error_record_with_the_status(images):
    with ModelServer(faults={size(images[0]): [503] * 10}) as server:
        records = client(server, retries=2).infer(images[:3])
    assert server.hits[size(images[0])] == 3
    err = records[0]["error"]
    assert err["type"] == "FetchError" and err["status"] == 503
    assert "HTTP 503 after 3 attempts" in err["message"]
    assert all(v is None for v in records[0]["fields"].values())
    assert_answers(records[1:], images[1:3])


def test_4xx_is_not_retried(images, tmp_path):
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"this is not an image")
    with ModelServer() as server:
        records = client(server).infer([str(junk), images[0]])
        unknown = client(server, model="nope").infer([images[1]])
    assert server.hits[junk.stat().st_size] == 1
    assert records[0]["error"]["status"] == 400
    assert "rejected the request (HTTP 400" in records[0]["error"]["message"]
    assert_answers(records[1:], images[:1])
    assert unknown[0]["error"]["status"] == 404
    assert 'model "nope" is not served' in unknown[0]["error"]["message"]


def test_server_down_gives_every_document_an_error_record(images, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = InferenceClient(f"http://127.0.0.1:{port}", MODEL, retries=2, backoff_s=0.01)
    with pytest.raises(FetchError, match=f"127.0.0.1:{port}/ping is not answering"):
        c.ping()
    out = tmp_path / "out.jsonl"
    summary = c.run(images[:4], out=out)
    assert summary["total"] == 4 and summary["failed"] == 4 and summary["done"] == 0
    for rec in lines(out):
        assert rec["error"]["type"] == "FetchError"
        assert rec["error"]["status"] is None
        msg = rec["error"]["message"]
        assert f"cannot connect to http://127.0.0.1:{port}/predictions/{MODEL}" in msg
        assert "after 3 attempts" in msg and "refused" in msg.lower()


def test_a_missing_file_fails_alone(images, tmp_path):
    missing = str(tmp_path / "missing.png")
    with ModelServer() as server:
        records = client(server).infer([images[0], missing, images[1]])
    assert records[1]["document"] == missing
    assert records[1]["error"]["type"] == "InvalidImageError"
    assert "missing.png" in records[1]["error"]["message"]
    assert_answers([records[0], records[2]], [images[0], images[1]])


def test_error_types_are_vlmserve_exception_classes(images, tmp_path):
    with ModelServer() as server:
        records = client(server).infer([images[0], str(tmp_path / "none.png")])
        down = client(server, model="nope").infer(images[:1])
    for rec in [records[1], down[0]]:
        cls = getattr(vlmserve.errors, rec["error"]["type"])
        assert issubclass(cls, vlmserve.errors.VlmServeError)


def test_resume_skips_finished_documents_and_retries_failed_ones(images, tmp_path):
    out = tmp_path / "out.jsonl"
    half = images[:6]
    with ModelServer() as server:
        client(server).run(half, out=out, resume=False)
        # A later error line for images[0] makes it not finished any more.
        failed = extract.record(images[0], model=MODEL, error=("FetchError", "HTTP 503"))
        with out.open("a") as f:
            f.write(json.dumps(failed) + "\n")
        server.hits.clear()
        summary = client(server).run(images, out=out, resume=True)
    assert summary["skipped"] == 5
    assert summary["done"] == 7 and summary["failed"] == 0 and summary["total"] == 12
    assert sorted(server.hits) == sorted(size(p) for p in [images[0], *images[6:]])
    successes = Counter(r["document"] for r in lines(out) if r["error"] is None)
    assert successes == Counter({p: 2 if p == images[0] else 1 for p in images})


def test_resume_false_starts_the_file_afresh(images, tmp_path):
    out = tmp_path / "out.jsonl"
    with ModelServer() as server:
        client(server).run(images[:3], out=out)
        summary = client(server).run(images[:2], out=out, resume=False)
    assert (summary["total"], summary["done"], summary["skipped"]) == (2, 2, 0)
    assert sorted(r["document"] for r in lines(out)) == images[:2]


KILLED_RUN = """
import sys
from vlmserve.client import InferenceClient
c = InferenceClient(sys.argv[1], "inv", concurrency=2, backoff_s=0.01)
c.run(sys.argv[3:], out=sys.argv[2], resume=False)
"""


def test_a_killed_run_resumes_with_each_document_once(images, tmp_path):
    out = tmp_path / "out.jsonl"
    with ModelServer(service_s=0.15) as server:
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_RUN, server.url, str(out), *images],
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        try:
            # Count newlines, not parsed lines: a line may be half-written when we look.
            while proc.poll() is None and (not out.exists() or out.read_bytes().count(b"\n") < 4):
                time.sleep(0.02)
        finally:
            proc.kill()
            proc.wait()
        written = {r["document"] for r in lines(out)}
        assert 4 <= len(written) < len(images)
        server.hits.clear()
        summary = client(server).run(images, out=out, resume=True)
    assert summary["skipped"] == len(written)
    assert summary["done"] == len(images) - len(written)
    assert not any(server.hits[size(p)] for p in written)
    docs = [r["document"] for r in lines(out)]
    assert sorted(docs) == sorted(images)


def test_ctrl_c_stops_the_run_and_keeps_what_finished(images, tmp_path):
    out = tmp_path / "out.jsonl"
    with ModelServer(service_s=0.3) as server:
        c = client(server, concurrency=2)
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            c.run(images, out=out, resume=False)
        timer.join()
        sent = sum(server.hits.values())
        kept = lines(out)
        # Nothing more is sent once the run has stopped.
        time.sleep(0.4)
        assert sum(server.hits.values()) == sent < len(images)
        summary = c.run(images, out=out, resume=True)
    assert summary["skipped"] == len(kept)
    assert sorted(r["document"] for r in lines(out)) == sorted(images)


def test_concurrency_is_reached_and_not_exceeded(images):
    with ModelServer(service_s=0.1) as server:
        records = client(server, concurrency=4).infer(images)
    assert_answers(records, images)
    assert server.max_in_flight == 4


def test_token_is_sent_as_a_bearer_header(images):
    with ModelServer(token="s3cret") as server:
        with pytest.raises(FetchError, match="token="):
            client(server).ping()
        denied = client(server).infer(images[:1])
        assert client(server, token="s3cret").ping()
        records = client(server, token="s3cret").infer(images[:2])
    assert denied[0]["error"]["status"] == 400
    assert "token=" in denied[0]["error"]["message"]
    assert server.auth == [None, None, "Bearer s3cret", "Bearer s3cret", "Bearer s3cret"]
    assert_answers(records, images[:2])


def test_progress_reports_monotonically_up_to_the_total(images, tmp_path):
    seen = []
    with ModelServer(service_s=0.05) as server:
        client(server, concurrency=2).run(
            images, out=tmp_path / "o.jsonl", progress=lambda d, t: seen.append((d, t))
        )
    assert seen[-1] == (len(images), len(images))
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})


def test_a_failing_progress_callback_stops_the_run(images, tmp_path):
    def explode(done, total):
        raise RuntimeError("callback broke")

    with ModelServer(service_s=0.05) as server:
        with pytest.raises(RuntimeError, match="callback broke"):
            client(server).run(images, out=tmp_path / "o.jsonl", progress=explode)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"protocol": "grpc"}, "unknown protocol"),
        ({"url": "ftp://127.0.0.1/"}, "http:// or https://"),
        ({"concurrency": 0}, "concurrency is 0"),
        ({"retries": -1}, "retries is -1"),
        ({"timeout_s": float("nan")}, "timeout_s"),
        ({"backoff_s": -1.0}, "backoff_s"),
    ],
)
def test_bad_arguments_raise_invalid_argument(kwargs, match):
    args = {"url": "http://127.0.0.1:1", "model": MODEL, **kwargs}
    with pytest.raises(InvalidArgumentError, match=match):
        InferenceClient(**args)


def test_paths_must_be_a_list_and_out_writable(images, tmp_path):
    c = InferenceClient("http://127.0.0.1:1", MODEL)
    with pytest.raises(InvalidArgumentError, match="list of image paths"):
        c.infer(images[0])
    with pytest.raises(InvalidArgumentError, match="directory exists"):
        c.run(images, out=tmp_path / "no" / "such" / "dir.jsonl")


def test_progress_true_draws_a_tqdm_bar(images, tmp_path, capsys):
    with ModelServer() as server:
        summary = client(server).run(images[:3], out=tmp_path / "o.jsonl", progress=True)
    assert summary["done"] == 3
    assert "3/3" in capsys.readouterr().err

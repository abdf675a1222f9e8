"""Inference-client throughput against the seed's loop (one ``requests.post`` per file, one
after another), in the same run, against the same local server.

The server is a TorchServe-shaped ``ThreadingHTTPServer`` on 127.0.0.1 in its own process
(so its GIL is not the client's), answering ``POST /predictions/{model}`` with a canned
output record after a fixed service time (20 ms, a stand-in for the model). What is
measured is how well each client keeps that server busy: the sequential loop can do at most
1/service-time; ``InferenceClient`` with ``concurrency=c`` should approach ``c`` times that.
Floor: at concurrency 8, at least 0.8 x 8 x the sequential rate.

Run: ``python benches/bench_client.py [--n 1000] [--service-ms 20]`` (~30 s). Build the
extension in release mode first: a debug build measures the debug build.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import requests
from PIL import Image

from vlmserve import extract
from vlmserve.client import InferenceClient

MODEL = "bench"
FLOOR_CONCURRENCY = 8
FLOOR_SHARE = 0.8


def serve(port_out, service_s: float) -> None:
    """The server process: a canned record after ``service_s`` for every POST."""
    record = json.dumps(extract.record("x", "TOTAL_AMOUNT: 1", model=MODEL)).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the body waits for the
        # client's delayed ACK (40 ms on Linux) on a kept-alive connection. Servers built
        # for serving (Netty in TorchServe, uvicorn) set TCP_NODELAY too.
        disable_nagle_algorithm = True

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(service_s)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(record)))
            self.end_headers()
            self.wfile.write(record)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.request_queue_size = 256
    port_out.put(httpd.server_address[1])
    httpd.serve_forever()


def write_images(folder: Path, n: int) -> list[str]:
    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        path = folder / f"img{i:04d}.png"
        Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(path)
        paths.append(str(path))
    return paths


def seed_loop(url: str, paths: list[str]) -> float:
    """The seed's client: one ``requests.post`` per file; returns documents per second."""
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as f:
            response = requests.post(f"{url}/predictions/{MODEL}", data=f.read(), timeout=120)
        response.raise_for_status()
        response.json()
    return len(paths) / (time.perf_counter() - start)


def client_rate(url: str, paths: list[str], concurrency: int, out: Path) -> float:
    client = InferenceClient(url, MODEL, concurrency=concurrency)
    summary = client.run(paths, out=out, resume=False)
    assert summary["done"] == len(paths), summary
    return len(paths) / summary["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="images for the concurrent runs")
    parser.add_argument("--sequential-n", type=int, default=200, help="images, sequential runs")
    parser.add_argument("--service-ms", type=float, default=20.0)
    args = parser.parse_args()

    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, args.service_ms / 1e3), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{ports.get(timeout=30)}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            paths = write_images(folder, args.n)
            few = paths[: args.sequential_n]
            seed_loop(url, few[:20])  # warm-up: imports, first connections
            rows = [("seed loop (requests.post)", 1, len(few), seed_loop(url, few))]
            for concurrency, batch in [(1, few), (8, paths), (32, paths)]:
                rate = client_rate(url, batch, concurrency, folder / "out.jsonl")
                rows.append(("vlmserve InferenceClient", concurrency, len(batch), rate))
    finally:
        server.terminate()
        server.join()
    report(rows, args)


def report(rows, args) -> None:
    sequential = rows[0][3]
    print(
        f"{args.n} 64x64 PNGs, local TorchServe-shaped server, {args.service_ms:g} ms "
        f"service time per request"
    )
    print(f"{'client':28} {'conc':>5} {'docs':>6} {'docs/s':>9} {'vs seq':>8} {'/ conc':>7}")
    print("-" * 68)
    for name, conc, n, rate in rows:
        ratio = rate / sequential
        print(f"{name:28} {conc:5d} {n:6d} {rate:9.1f} {ratio:7.2f}x {ratio / conc:6.2f}")
    floor_rate = next(r for _, c, _, r in rows[1:] if c == FLOOR_CONCURRENCY)
    needed = FLOOR_SHARE * FLOOR_CONCURRENCY * sequential
    verdict = "met" if floor_rate >= needed else "NOT met"
    print(
        f"\nfloor: concurrency {FLOOR_CONCURRENCY} >= {FLOOR_SHARE} x {FLOOR_CONCURRENCY} x "
        f"sequential = {needed:.1f} docs/s; measured {floor_rate:.1f} ({verdict})"
    )


if __name__ == "__main__":
    main()

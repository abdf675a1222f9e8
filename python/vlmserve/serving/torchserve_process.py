"""Running TorchServe as a child process group: start, wait until its models are ready,
stop leaving nothing behind.

>>> ts = TorchServeProcess("model_store/config.properties", workdir="run")  # doctest: +SKIP
>>> with ts:                                                              # doctest: +SKIP
...     ts.wait_ready()
...     ts.urls["inference"], ts.keys()["inference"]
('http://127.0.0.1:8080', 'Xy12...')
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from vlmserve.serving.torchserve_deploy import TorchServeError

__all__ = ["TorchServeProcess", "read_properties"]

_ADDRESSES = {
    "inference": ("inference_address", "http://127.0.0.1:8080"),
    "management": ("management_address", "http://127.0.0.1:8081"),
    "metrics": ("metrics_address", "http://127.0.0.1:8082"),
}


def read_properties(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``key=value`` lines of a Java properties file (comments skipped).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp(), "config.properties")
    >>> _ = f.write_text("# c\\ninference_address=http://127.0.0.1:9000\\n")
    >>> read_properties(f)
    {'inference_address': 'http://127.0.0.1:9000'}
    """
    found = {}
    for line in Path(path).read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.lstrip().startswith(("#", "!")):
            found[key.strip()] = value.strip()
    return found


class TorchServeProcess:
    """``torchserve --start --foreground --ncs`` in its own process group.

    Args:
        config_properties: the server config (``vlmserve package`` writes one).
        model_store: the archive directory (default: the config's ``model_store``).
        workdir: TorchServe's working directory: ``key_file.json`` (the token keys) and
            ``logs/`` go there. Default: the current directory, as for ``torchserve``.

    TorchServe's launcher keeps a pid file in the temp directory and refuses to start a
    second server beside it; each process here gets a private temp directory (removed at
    :meth:`stop`), so several can run at once on different ports.
    """

    def __init__(
        self,
        config_properties: str | os.PathLike[str],
        *,
        model_store: str | os.PathLike[str] | None = None,
        workdir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.config_properties = Path(config_properties).resolve()
        props = read_properties(self.config_properties)
        store = model_store or props.get("model_store")
        if not store:
            raise TorchServeError(
                f"no model store: pass model_store or set model_store in {self.config_properties}"
            )
        self.model_store = Path(store).resolve()
        self.workdir = Path(workdir or os.getcwd()).resolve()
        self.log_dir = self.workdir / "logs"
        self.urls = {name: props.get(key, default) for name, (key, default) in _ADDRESSES.items()}
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> TorchServeProcess:
        """Starts TorchServe (returns at once; see :meth:`wait_ready`)."""
        if self._process is not None:
            raise TorchServeError("this TorchServe is already started; stop() it first")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "ts.model_server", "--start", "--foreground", "--ncs",
            "--model-store", str(self.model_store), "--ts-config", str(self.config_properties),
        ]  # fmt: skip
        env = {
            **os.environ,
            "TMPDIR": str(self._tmp),
            "TEMP": str(self._tmp),
            "LOG_LOCATION": str(self.log_dir),
            "METRICS_LOCATION": str(self.log_dir),
        }
        with open(self.log_dir / "torchserve.out", "ab") as out:
            self._process = subprocess.Popen(
                command,
                cwd=self.workdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends all of it
            )
        return self

    @property
    def _tmp(self) -> Path:
        return self.workdir / "tmp"

    @property
    def pid(self) -> int | None:
        """The launcher's process id (also the process group id), while started."""
        return None if self._process is None else self._process.pid

    def running(self) -> bool:
        """Whether the launcher (and so TorchServe) is still running."""
        return self._process is not None and self._process.poll() is None

    def keys(self) -> dict[str, str]:
        """The token keys TorchServe wrote (``inference``, ``management``, ``API``); send one
        as ``Authorization: Bearer <key>``."""
        path = self.workdir / "key_file.json"
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            raise TorchServeError(
                f"no token keys at {path} ({err}); is token authorization off, or has "
                "TorchServe not started yet?"
            ) from err
        return {name: entry["key"] for name, entry in data.items()}

    def wait_ready(self, timeout_s: float = 180.0) -> list[str]:
        """Blocks until ``/ping`` is healthy and every registered model has a READY
        worker; returns the model names. Raises :class:`TorchServeError` (with the log
        tail) if TorchServe exits or the time runs out."""
        deadline = time.monotonic() + timeout_s
        while True:
            if not self.running():
                raise TorchServeError(f"TorchServe is not running.\n{self.log_tail()}")
            ready = self._ready_models()
            if ready:
                return ready
            if time.monotonic() > deadline:
                raise TorchServeError(
                    f"TorchServe not ready after {timeout_s:.0f} s.\n{self.log_tail()}"
                )
            time.sleep(0.5)

    def _ready_models(self) -> list[str]:
        try:
            keys = self.keys() if (self.workdir / "key_file.json").exists() else {}
            ping = _get(self.urls["inference"] + "/ping", keys.get("inference", ""))
            if ping.get("status") != "Healthy":
                return []
            management, key = self.urls["management"], keys.get("management", "")
            names = [m["modelName"] for m in _get(f"{management}/models", key)["models"]]
            described = [_get(f"{management}/models/{n}", key)[0] for n in names]
        except (OSError, ValueError, KeyError, IndexError, TorchServeError):
            return []  # not up yet: connection refused, 5xx, key file not yet written
        ready = all(any(w["status"] == "READY" for w in d["workers"]) for d in described)
        return names if names and ready else []

    def log_tail(self, lines: int = 60) -> str:
        """The last lines of TorchServe's logs (its console and the model workers')."""
        tails = []
        for name in ("torchserve.out", "model_log.log"):
            path = self.log_dir / name
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                tails.append(f"--- {path} ---\n" + "\n".join(text))
        return "\n".join(tails) or f"(no logs in {self.log_dir})"

    def stop(self, timeout_s: float = 60.0) -> None:
        """Ends the whole process group (launcher, Java frontend, Python workers): SIGTERM,
        then SIGKILL for what is left after ``timeout_s``; waits until none is left."""
        if self._process is None:
            return
        group = self._group()
        for sig, wait_s in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(self._process.pid, sig)
            except ProcessLookupError:
                break
            if _wait_gone(group, wait_s):
                break
        self._process.wait(timeout=10)
        self._process = None
        (self.workdir / "key_file.json").unlink(missing_ok=True)  # as `torchserve --stop` does
        shutil.rmtree(self._tmp, ignore_errors=True)
        left = [p.pid for p in group if _alive(p)]
        if left:
            raise TorchServeError(f"TorchServe processes {left} survived SIGKILL")

    def _group(self) -> list[Any]:
        import psutil  # the torchserve extra (a TorchServe dependency)

        assert self._process is not None
        try:
            launcher = psutil.Process(self._process.pid)
            return [launcher, *launcher.children(recursive=True)]
        except psutil.NoSuchProcess:  # exited and reaped already (a failed start)
            return []

    def __enter__(self) -> TorchServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _get(url: str, key: str = "") -> Any:
    request = urllib.request.Request(url)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _alive(process: Any) -> bool:
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_gone(processes: list[Any], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while any(_alive(p) for p in processes):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True

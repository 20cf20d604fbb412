"""gunicorn on 127.0.0.1 with production settings, for as long as the load test runs."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

READY_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, port: int, pid: int) -> None:
        self.port, self.pid = port, pid

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and workers (Linux /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        pids = [self.pid, *_children(self.pid)]
        return sum(_cpu_ticks(pid) for pid in pids) / ticks


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process, 0 if it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


@contextmanager
def gunicorn(*, env: dict, workers: int, worker_class: str, threads: int, log: Path) -> Iterator:
    """Serve the site; yields a Server. Its output, Django's log too, goes to `log`."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "indivisible.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", worker_class, "--threads", str(threads),
        "--log-level", "warning", "--chdir", str(settings.BASE_DIR),
    ]  # fmt: skip
    with log.open("ab") as output:
        server = subprocess.Popen(command, env={**os.environ, **env}, stdout=output, stderr=output)  # noqa: S603 - fixed command
    try:
        _wait_until_ready(port, server)
        yield Server(port, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}; see its log.")
        try:
            if status(port, "GET", "/healthz") == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {READY_SECONDS} s.")


def status(port: int, method: str, path: str, cookie: str = "", body: str = "") -> int:
    """One request's status code, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()

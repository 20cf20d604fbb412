"""Drive one endpoint with wrk and read back rate, latency and errors.

Errors are everything that is not the endpoint's expected status (so a redirect to the
login page counts), plus wrk's socket errors and timeouts. The server log is read for
the lines written during the run: "database is locked" and 500s.
"""

import json
import os
import re
import subprocess
from pathlib import Path

from bench.endpoints import Endpoint
from bench.fixtures import Visit
from bench.server import Server, status

LUA = Path(__file__).with_name("wrk.lua")
TIMEOUT = "10s"
LOCKED = "database is locked"
SERVER_ERROR = "Internal Server Error"


def endpoint_measure(
    endpoint: Endpoint, lines: list[Visit], *, server: Server, log: Path, workdir: Path, options
) -> dict:
    """One wrk run, or "not available" when the page answers 404 (not built yet).

    `server_cpu_ms` is the CPU time the server's processes spent per request during the
    run: unlike the rate, it hardly changes when other programs compete for the cores.
    """
    port = server.port
    probe = _probe(endpoint, lines[0], port)
    if probe == 404:
        return {"name": endpoint.name, "available": False, "probe_status": probe}
    requests = workdir / f"{re.sub(r'[^a-z]+', '-', endpoint.name)}.tsv"
    requests.write_text("".join(visit.line() + "\n" for visit in lines))
    before, cpu = log.stat().st_size, server.cpu_seconds()
    result = wrk_run(requests, endpoint, port=port, options=options)
    cpu = server.cpu_seconds() - cpu
    result.update(name=endpoint.name, available=True, probe_status=probe, pool=len(lines),
                  load_average=round(os.getloadavg()[0], 2),
                  server_cpu_ms=round(cpu / max(result["requests"], 1) * 1000, 2))  # fmt: skip
    with log.open(errors="replace") as server_log:
        server_log.seek(before)
        written = server_log.read()
    result["database_locked"] = written.count(LOCKED)
    result["server_errors"] = written.count(SERVER_ERROR)
    return result


def _probe(endpoint: Endpoint, visit: Visit, port: int) -> int:
    """A GET of the first request's URL: it tells whether the page exists without using up
    an attempt (a submit) or changing an answer."""
    return status(port, "GET", visit.path, visit.cookie)


def wrk_run(requests: Path, endpoint: Endpoint, *, port: int, options) -> dict:
    mode = "once" if endpoint.once else "cycle"
    command = [
        "wrk", "-t", str(options.threads), "-c", str(options.connections),
        "-d", f"{options.duration}s", "--timeout", TIMEOUT, "-s", str(LUA),
        f"http://127.0.0.1:{port}", "--", str(requests), mode, str(options.threads),
        str(endpoint.status),
    ]  # fmt: skip
    run = subprocess.run(  # noqa: S603 - fixed command
        command, capture_output=True, text=True, timeout=options.duration + 120, check=False
    )
    found = re.search(r"^WRK_JSON (\{.*\})$", run.stdout, re.MULTILINE)
    if run.returncode or not found:
        raise RuntimeError(f"wrk failed ({run.returncode}): {run.stderr or run.stdout}")
    raw = json.loads(found.group(1))
    seconds = raw["duration_us"] / 1e6
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": socket_errors + raw["unexpected"],
        "error_detail": {
            key: raw[key] for key in ("connect", "read", "write", "timeout", "status", "unexpected")
        },
        "repeats": raw["repeats"],
    }

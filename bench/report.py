"""The results of a run: the machine, each endpoint's figures, the targets, as JSON and Markdown."""

import json
import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import django
from django.db import connection

from bench.endpoints import BASELINE, ENDPOINTS

RESULTS = Path(__file__).with_name("results")
LOADCOURSE_FULL_S = 3.0
LOADCOURSE_UNCHANGED_S = 1.0
TOTAL_S = 600


def machine() -> dict:
    """What the figures depend on: cores, memory, CPU, load, versions, database."""
    cpu = _first(Path("/proc/cpuinfo"), "model name")
    memory_kb = int(_first(Path("/proc/meminfo"), "MemTotal").split()[0] or 0)
    wrk = shutil.which("wrk")
    version = (
        subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)  # noqa: S603 - the wrk on PATH
        if wrk
        else None
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": _database(),
        "wrk": (version.stdout or version.stderr).split("[")[0].strip() if version else "",
    }


def _first(path: Path, key: str) -> str:
    if not path.exists():
        return ""
    for line in path.read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return ""


def _database() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (WAL)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def targets(results: dict) -> list[dict]:
    """Each target of the benchmark issue with what was measured and whether it was met."""
    rows = []
    measured = [e for e in results["endpoints"] if e.get("available")]
    for endpoint in ENDPOINTS:
        found = next((e for e in measured if e["name"] == endpoint.name), None)
        if endpoint.min_ratio is not None:
            ratio = found.get("ratio") if found else None
            met = None if ratio is None else ratio >= endpoint.min_ratio
            rows.append(
                _target(f"{endpoint.name} ≥ {endpoint.min_ratio} × /healthz", ratio, met, "×")
            )
        if endpoint.max_p99_ms is not None:
            p99 = found.get("p99_ms") if found else None
            met = None if p99 is None else p99 < endpoint.max_p99_ms
            rows.append(
                _target(f"{endpoint.name} p99 < {endpoint.max_p99_ms:g} ms", p99, met, "ms")
            )
    errors = sum(e["errors"] for e in measured)
    locked = sum(e["database_locked"] for e in measured)
    rows.append(_target("zero errors", errors, errors == 0, ""))
    rows.append(_target("no 'database is locked'", locked, locked == 0, ""))
    load = results.get("loadcourse") or {}
    for key, limit in (("full", LOADCOURSE_FULL_S), ("unchanged", LOADCOURSE_UNCHANGED_S)):
        wall = (load.get(key) or {}).get("wall_s")
        rows.append(_target(f"loadcourse ({key}) < {limit:g} s", wall,
                            wall is not None and wall < limit, "s"))  # fmt: skip
    total = results.get("total_s")
    rows.append(_target(f"make bench < {TOTAL_S // 60} min", total,
                        total is not None and total < TOTAL_S, "s"))  # fmt: skip
    return rows


def _target(name: str, value, met: bool | None, unit: str) -> dict:
    """`met` is None when the endpoint was not measured (not available, or not chosen)."""
    return {"target": name, "measured": value, "unit": unit, "met": met}


def write(results: dict) -> list[Path]:
    """latest.json and latest.md, and a copy of each named for the database."""
    RESULTS.mkdir(exist_ok=True)
    text, table = json.dumps(results, indent=2) + "\n", markdown(results)
    engine = "sqlite" if connection.vendor == "sqlite" else "postgresql"
    written = []
    for stem in ("latest", engine):
        for suffix, content in ((".json", text), (".md", table)):
            path = RESULTS / f"{stem}{suffix}"
            path.write_text(content)
            written.append(path)
    return written


def markdown(results: dict) -> str:
    m, data = results["machine"], results["data"]
    lines = [
        f"# Benchmark results ({m['database']})", "",
        f"{m['date']}: {m['cpus']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, "
        f"load average {m['load_average'][0]} at the start; Python {m['python']}, "
        f"Django {m['django']}, {m['database']}, {m['wrk']}.", "",
        f"gunicorn: {results['server']}. wrk: {results['load']}.", "",
        f"Data: {data['summary']}.", "",
        "req/s, p50 and p99: through gunicorn under wrk. × /healthz: the rate over /healthz's "
        "in this run (the targets). CPU ms: the server's CPU time per request during the run, "
        "and × by CPU the same ratio computed from it, which other programs on the machine "
        "hardly change. load: the 1-minute load average after the run.", "",
        "| endpoint | req/s | p50 ms | p99 ms | errors | × /healthz | target | | CPU ms "
        "| × by CPU | load |",
        "|---|--:|--:|--:|--:|--:|---|---|--:|--:|--:|",
    ]  # fmt: skip
    lines += [_endpoint_row(e) for e in results["endpoints"]]
    lines += ["", "| timing | result | target | |", "|---|---|---|---|"]
    lines += _timing_rows(results)
    lines += ["", "| target | measured | |", "|---|--:|---|"]
    lines += [
        f"| {t['target']} | {_number(t['measured'])} {t['unit']} | {_verdict(t['met'])} |"
        for t in results["targets"]
    ]
    return "\n".join(lines) + "\n"


def _endpoint_row(e: dict) -> str:
    spec = next(s for s in ENDPOINTS if s.name == e["name"])
    target = (
        f"≥ {spec.min_ratio} ×" if spec.min_ratio is not None
        else f"p99 < {spec.max_p99_ms:g} ms" if spec.max_p99_ms is not None
        else "baseline" if spec.name == BASELINE else ""
    )  # fmt: skip
    if not e.get("available"):
        return f"| {e['name']} | not available (404) | | | | | {target} | | | | |"
    errors = f"{e['errors']}" + (
        f" ({e['database_locked']} locked)" if e["database_locked"] else ""
    )
    verdict = ""
    if spec.min_ratio is not None:
        verdict = _verdict(e["ratio"] >= spec.min_ratio)
    elif spec.max_p99_ms is not None:
        verdict = _verdict(e["p99_ms"] < spec.max_p99_ms)
    return (
        f"| {e['name']} | {e['rps']:.0f} | {e['p50_ms']:.1f} | {e['p99_ms']:.1f} | {errors} "
        f"| {e['ratio']:.2f} | {target} | {verdict} | {e['server_cpu_ms']:.1f} "
        f"| {e['cpu_ratio']:.2f} | {e['load_average']} |"
    )


def _timing_rows(results: dict) -> list[str]:
    rows = []
    for key, label, limit in (
        ("full", "loadcourse, full course into an empty database", LOADCOURSE_FULL_S),
        ("unchanged", "loadcourse, no-change reload", LOADCOURSE_UNCHANGED_S),
    ):
        t = results["loadcourse"][key]
        rows.append(
            f"| {label} | {t['wall_s']:.2f} s (Django start {t['startup_s']:.2f} s, command "
            f"{t['command_s']:.2f} s) | < {limit:g} s | {_verdict(t['wall_s'] < limit)} |"
        )
    for name, script in results["scripts"].items():
        if not script.get("available"):
            rows.append(f"| {name} script | not available | | |")
        elif script.get("error"):
            rows.append(f"| {name} script | failed: {script['error']} | | |")
        else:
            headline = _headline(script["median"])
            rows.append(f"| {name} script ({script['seconds']:.0f} s) | {headline} | | |")
    rows.append(f"| makebenchdata | {results['data']['seconds']:.1f} s | | |")
    rows.append(f"| whole run | {results['total_s']:.0f} s | < {TOTAL_S // 60} min | |")
    return rows


def _headline(medians: list[str]) -> str:
    """A script's summary line (not indented), else all its median lines."""
    summaries = [line for line in medians if not line[:1].isspace()]
    if summaries:
        return summaries[-1]
    return "; ".join(line.strip() for line in medians) or "no median printed"


def _number(value) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _verdict(met: bool | None) -> str:
    return "not measured" if met is None else "met" if met else "MISSED"

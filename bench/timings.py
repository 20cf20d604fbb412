"""Timings outside the load test: loadcourse, and the standalone timing scripts in bench/.

`python -m bench.timings loadcourse` is what the harness runs to time one load: the wall
time of the whole process is what a person waits for; the process also reports how much
of it was Django starting and how much the command itself.
"""

import json
import os
import re
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_COURSE = ROOT / "seeds" / "indivisible-security"
SCRIPTS = {
    "gradebook": ROOT / "bench" / "gradebook_bench.py",
    "statistics": ROOT / "bench" / "statistics_bench.py",
    "dashboard": ROOT / "bench" / "dashboard_bench.py",
}
SCRIPT_TIMEOUT = 300


def loadcourse(env: dict) -> dict:
    """Load the full course into the (empty) bench database, then reload it unchanged."""
    return {"full": _loadcourse_once(env), "unchanged": _loadcourse_once(env)}


def _loadcourse_once(env: dict) -> dict:
    start = time.perf_counter()
    run = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-m", "bench.timings", "loadcourse"],
        env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    return {"wall_s": round(wall, 3), **json.loads(run.stdout.strip().splitlines()[-1])}


def _measure_loadcourse() -> None:
    """In a fresh process: time Django's start and `loadcourse` itself, print JSON."""
    start = time.perf_counter()
    import django

    django.setup()
    from django.core.management import call_command

    ready = time.perf_counter()
    output = StringIO()
    call_command("loadcourse", str(SEED_COURSE), stdout=output)
    done = time.perf_counter()
    print(json.dumps({
        "startup_s": round(ready - start, 3), "command_s": round(done - ready, 3),
        "summary": output.getvalue().strip().splitlines()[-1],
    }))  # fmt: skip


def scripts() -> dict:
    """Run each timing script that exists (as its docstring says: DEBUG=true, its own data)."""
    results = {}
    for name, path in SCRIPTS.items():
        if not path.exists():
            results[name] = {"available": False}
            continue
        print(f"== {path.name}", flush=True)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
        start = time.perf_counter()
        try:
            run = subprocess.run(  # noqa: S603 - fixed command
                [sys.executable, str(path)], env={**env, "DEBUG": "true"}, cwd=ROOT,
                capture_output=True, text=True, timeout=SCRIPT_TIMEOUT, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            results[name] = {"available": True, "error": f"timed out after {SCRIPT_TIMEOUT} s"}
            continue
        print(run.stdout, end="", flush=True)
        results[name] = {
            "available": True, "exit": run.returncode,
            "seconds": round(time.perf_counter() - start, 1),
            "median": _medians(run.stdout), "output": run.stdout.strip().splitlines(),
            "error": run.stderr.strip().splitlines()[-1] if run.returncode and run.stderr else "",
        }  # fmt: skip
    return results


def _medians(output: str) -> list[str]:
    """The lines that report a median: what the script's docstring promises to print."""
    return [line.rstrip() for line in output.splitlines() if re.search("median", line, re.I)]


if __name__ == "__main__" and sys.argv[1:] == ["loadcourse"]:
    _measure_loadcourse()

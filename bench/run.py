"""`make bench`: data at scale, gunicorn with production settings, wrk against each endpoint.

    .venv/bin/python -m bench.run [--learners N] [--attempts M] [--duration S] ...

SQLite (bench/tmp/bench.sqlite3) unless DATABASE_URL is set; the database is emptied
first, so its name must contain "bench". Results go to bench/results/ (docs/benchmarks.md
explains them). Traffic goes only to 127.0.0.1.
"""

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = ROOT / "bench" / "tmp"
SQLITE = TMP / "bench.sqlite3"


def options(argv: list[str] | None = None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    add = parser.add_argument
    add("--learners", type=int, default=1000, help="benchmark learners (default 1000)")
    add("--attempts", type=int, default=10000, help="submitted attempts (default 10000)")
    add(
        "--in-progress",
        type=int,
        default=2500,
        help="attempts under way: the attempt page, autosave and submit use them (default 2500)",
    )
    add("--seed", type=int, default=1)
    add("--duration", type=int, default=10, help="seconds of load per endpoint (default 10)")
    add("--warmup", type=int, default=2, help="seconds of load before each endpoint (default 2)")
    add("--connections", type=int, default=32, help="concurrent connections (default 32)")
    add("--threads", type=int, default=2, help="wrk threads (default 2)")
    add("--workers", type=int, default=2 * cores + 1, help="gunicorn workers (2 × cores + 1)")
    add("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    add("--worker-threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    add("--browsers", type=int, default=200, help="logged-in learners that browse (default 200)")
    add(
        "--only",
        action="append",
        default=[],
        metavar="ENDPOINT",
        help="measure only this endpoint (repeatable; /healthz is always measured)",
    )
    add(
        "--skip-scripts",
        action="store_true",
        help="skip the standalone timing scripts (gradebook, statistics, dashboard)",
    )
    add(
        "--profile",
        action="append",
        default=[],
        metavar="ENDPOINT",
        help="record a py-spy flame graph of the server during this endpoint's run",
    )
    return parser.parse_args(argv)  # fmt: skip


def production_env() -> dict:
    """Production settings on plain HTTP: DEBUG off, a random key, loopback only."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE}",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # the production settings + floor pages
    }


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    started = time.perf_counter()
    env = production_env()
    os.environ.update(env, LOG_LEVEL="ERROR")  # the server logs warnings; this process, errors
    sys.path.insert(0, str(ROOT))
    TMP.mkdir(exist_ok=True)
    from bench.database import database_reset

    database_reset(env["DATABASE_URL"])
    import django

    django.setup()
    from bench.harness import harness_run

    harness_run(args, env, started=started, workdir=TMP)
    return 0


if __name__ == "__main__":
    sys.exit(main())

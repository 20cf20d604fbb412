"""The run itself, once Django is set up on the emptied benchmark database."""

import argparse
import os
import time
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connections
from django.templatetags.static import static

from bench import timings
from bench.endpoints import BASELINE, ENDPOINTS
from bench.fixtures import fixtures_prepare, visits
from bench.load import endpoint_measure
from bench.profile import endpoint_profile
from bench.report import machine, markdown, targets, write
from bench.server import gunicorn, status
from quizzes.models import Attempt, Evidence, Response, ReviewCard, ReviewLog

STATIC_FILE = "bootstrap/css/bootstrap.min.css"


def harness_run(args: argparse.Namespace, env: dict, *, started: float, workdir: Path) -> None:
    _step("migrate")
    call_command("migrate", verbosity=0)
    results: dict = {"machine": machine()}
    _step("loadcourse (full course, then unchanged)")
    results["loadcourse"] = timings.loadcourse(env)
    print(results["loadcourse"], flush=True)
    _step(f"makebenchdata: {args.learners} learners, {args.attempts} attempts")
    results["data"] = _data(args)
    fixtures = fixtures_prepare(browsers=args.browsers)
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()  # the server's workers are the only clients from here on
    results.update(_serve_and_measure(args, env, fixtures, workdir))
    for endpoint in ENDPOINTS:
        if endpoint.name in args.profile:
            _step(f"profile: {endpoint.name}")
            path = endpoint_profile(endpoint, visits(endpoint, fixtures), workdir=workdir)
            print(path.read_text()[:3000], flush=True)
    _step("timing scripts")
    results["scripts"] = {} if args.skip_scripts else timings.scripts()
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["targets"] = targets(results)
    for path in write(results):
        print(f"wrote {path.relative_to(path.parents[2])}")
    print(markdown(results))


def _serve_and_measure(args, env: dict, fixtures, workdir: Path) -> dict:
    """gunicorn up, every endpoint measured, gunicorn down."""
    results = {
        "server": f"{args.workers} {args.worker_class} workers × {args.worker_threads} thread(s), "
        + (
            "Redis cache and cached_db sessions"
            if os.environ.get("REDIS_URL")
            else "a memory cache per worker and database sessions (no REDIS_URL)"
        ),
        "load": f"{args.connections} connections, {args.threads} threads, {args.duration} s per "
        f"endpoint after {args.warmup} s of warm-up",
    }
    log = workdir / "gunicorn.log"
    log.write_text("")
    _step(f"gunicorn: {results['server']}; wrk: {results['load']}")
    with gunicorn(env=env, workers=args.workers, worker_class=args.worker_class,
                  threads=args.worker_threads, log=log) as server:  # fmt: skip
        url = static(STATIC_FILE)
        results["static"] = {"path": url, "status": status(server.port, "GET", url)}
        results["endpoints"] = _measure_all(args, fixtures, server, log, workdir)
    return results


def _step(text: str) -> None:
    print(f"== {text}", flush=True)


def _data(args: argparse.Namespace) -> dict:
    start = time.perf_counter()
    output = StringIO()
    call_command("makebenchdata", learners=args.learners, attempts=args.attempts,
                 in_progress=args.in_progress, seed=args.seed, stdout=output)  # fmt: skip
    print(output.getvalue(), end="", flush=True)
    counts = {
        "submitted attempts": Attempt.objects.submitted().count(),
        "attempts in progress": Attempt.objects.in_progress().count(),
        "responses": Response.objects.count(),
        "review cards": ReviewCard.objects.count(),
        "reviews": ReviewLog.objects.count(),
        "evidence rows": Evidence.objects.count(),
    }
    summary = f"{args.learners:,} learners (seed {args.seed}), " + ", ".join(
        f"{count:,} {name}" for name, count in counts.items()
    )
    return {"learners": args.learners, "seed": args.seed, "counts": counts, "summary": summary,
            "seconds": round(time.perf_counter() - start, 1)}  # fmt: skip


def _measure_all(args, fixtures, server, log: Path, workdir: Path) -> list[dict]:
    chosen = [e for e in ENDPOINTS if not args.only or e.name in args.only or e.name == BASELINE]
    results = []
    for endpoint in chosen:
        lines = visits(endpoint, fixtures)
        if args.warmup and not endpoint.once:
            warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
            endpoint_measure(endpoint, lines, server=server, log=log, workdir=workdir, options=warm)
        result = endpoint_measure(endpoint, lines, server=server, log=log, workdir=workdir,
                                  options=args)  # fmt: skip
        results.append(result)
        _print(result)
    base = next(r for r in results if r["name"] == BASELINE)
    for result in results:
        if result.get("available"):
            result["ratio"] = round(result["rps"] / base["rps"], 3) if base["rps"] else 0.0
            result["cpu_ratio"] = round(base["server_cpu_ms"] / result["server_cpu_ms"], 3) \
                if result["server_cpu_ms"] else 0.0  # fmt: skip
    return results


def _print(result: dict) -> None:
    if not result.get("available"):
        print(f"   {result['name']}: not available ({result['probe_status']})", flush=True)
        return
    print(
        f"   {result['name']}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, errors {result['errors']}, "
        f"locked {result['database_locked']}, server CPU {result['server_cpu_ms']:.1f} ms/req, "
        f"load {result['load_average']}",
        flush=True,
    )

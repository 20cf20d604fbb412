"""Health endpoints for load balancers, systemd watchdogs and monitors.

/healthz says the process answers (liveness: restart it when this fails). /readyz also
checks that the database and the cache answer (readiness: send it no traffic until this
passes). Neither reads the session, so polling them every few seconds writes nothing, and
a failure's detail goes to the log, never into the response.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request):
    """The process is up; /healthz is also the benchmark baseline."""
    return HttpResponse("ok", content_type="text/plain")


def database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_ok() -> bool:
    """A round trip with a key of its own, so concurrent probes cannot see each other's."""
    key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


CHECKS = {"database": database_ok, "cache": cache_ok}


def run_check(name: str) -> str:
    try:
        if CHECKS[name]():
            return "ok"
        logger.warning("readyz: the %s check gave a wrong answer", name)
    except Exception as exc:  # any failure means "not ready"; the kind of failure is logged
        logger.warning("readyz: the %s check failed: %s: %s", name, type(exc).__name__, exc)
    return "failed"


@require_safe
@never_cache
def readyz(request):
    """200 when every dependency answers, else 503, with each check's outcome."""
    checks = {name: run_check(name) for name in CHECKS}
    ready = all(outcome == "ok" for outcome in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )

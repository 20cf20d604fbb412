"""REDIS_URL and LOG_FORMAT choose the cache, the session store and the log format.

Settings are read once at start-up, so each case starts a process of its own.
"""

import json
import os
import subprocess
import sys

from tests.ops.scratch import ROOT

PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
DEVELOPMENT = {"DEBUG": "true"}
SHOW = (
    "import json\nfrom django.conf import settings as s\n"
    "print(json.dumps({'cache': s.CACHES['default'], 'sessions': s.SESSION_ENGINE,"
    " 'log_format': s.LOG_FORMAT}))"
)
CONFIGURED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "LOG_FORMAT", "LOG_LEVEL"}


def start(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in CONFIGURED}
    environment.update(env, DJANGO_SETTINGS_MODULE="indivisible.settings")
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def shown(**env: str) -> dict:
    result = start(SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_without_redis_a_memory_cache_per_process_and_sessions_in_the_database():
    assert shown(**DEVELOPMENT) == {
        "cache": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "sessions": "django.contrib.sessions.backends.db",
        "log_format": "plain",
    }


def test_redis_url_shares_the_cache_and_puts_redis_in_front_of_database_sessions():
    config = shown(**PRODUCTION, REDIS_URL="redis://10.0.0.5:6379/2")
    assert config["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["cache"]["LOCATION"] == "redis://10.0.0.5:6379/2"
    assert config["cache"]["OPTIONS"]["socket_timeout"] <= 5
    assert config["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_production_writes_events_as_json_lines_on_stdout():
    code = (
        "from indivisible.logs import log_event\n"
        "log_event('course.imported', course='qc', created=3)"
    )
    result = start(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]  # each one JSON
    [event] = [line for line in lines if line["logger"] == "indivisible.events"]
    assert event | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "indivisible.events",
        "event": "course.imported",
        "course": "qc",
        "created": 3,
    }


def test_log_format_can_be_chosen_and_an_unknown_one_is_refused():
    assert shown(**PRODUCTION, LOG_FORMAT="plain")["log_format"] == "plain"
    assert shown(**DEVELOPMENT, LOG_FORMAT="JSON")["log_format"] == "json"
    result = start("", **DEVELOPMENT, LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT='xml' is not one of json, plain." in result.stderr

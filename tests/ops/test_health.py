"""/healthz says the process is up; /readyz that the database and the cache answer."""

import logging
import os

import pytest
from django.urls import reverse

from indivisible import health

READY = {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_healthz_answers_without_touching_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_cache_answer(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == READY
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies  # polling creates no sessions


@pytest.mark.django_db
def test_readyz_answers_head_but_refuses_post(client):
    assert client.head(reverse("readyz")).status_code == 200
    assert client.post(reverse("readyz")).status_code == 405


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_cache_is_down(client, settings, caplog):
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="indivisible.health"):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "failed"},
    }
    assert b"Connection" not in response.content  # the detail is logged, not shown
    assert "the cache check failed: ConnectionError" in caplog.text


def test_readyz_is_unavailable_when_the_database_is_unreachable(client, caplog):
    """Without the db mark, pytest-django refuses every query, like a database that is down."""
    with caplog.at_level(logging.WARNING, logger="indivisible.health"):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failed", "cache": "ok"}
    assert "the database check failed" in caplog.text


@pytest.mark.django_db
def test_a_check_that_gives_a_wrong_answer_fails(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "cache", lambda: False)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failed"


@pytest.mark.django_db
def test_readyz_round_trips_through_a_real_redis(client, settings):
    if not redis_reachable():
        pytest.skip(f"no Redis at {REDIS_URL}; CI has one, a development machine need not")
    settings.CACHES = redis_cache(REDIS_URL)
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == READY

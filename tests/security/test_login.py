"""Login brute force: five wrong passwords lock a username at one address for 15 minutes.

django-axes, configured in the settings' Security block (docs/security.md). The address
is the connection's, or behind the proxy (BEHIND_PROXY) the right-most X-Forwarded-For
entry, which nginx writes; nothing the client sends can change it.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
LIMIT = 5


@pytest.fixture
def member(db):
    return UserFactory(username="member")


def log_in(password: str, username: str = "member", **meta):
    return Client(**meta).post(reverse("login"), {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def fail(times: int, **meta) -> None:
    """Wrong passwords: the form again with an error, and 429 from the fifth on."""
    for n in range(1, times + 1):
        assert log_in("wrong-password", **meta).status_code == (200 if n < LIMIT else 429)


def test_settings_lock_after_five_failures_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_four_failures_still_let_the_right_password_in(member):
    fail(LIMIT - 1)
    assert logged_in(log_in(PASSWORD))


def test_the_fifth_failure_locks_out_even_the_right_password(member):
    fail(LIMIT - 1)
    locked = log_in("wrong-password")
    assert locked.status_code == 429
    response = log_in(PASSWORD)
    assert response.status_code == 429 and not logged_in(response)
    assert b"too many login attempts" in response.content


def test_the_lockout_expires_after_the_cool_off(member):
    fail(LIMIT)
    assert log_in(PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert logged_in(log_in(PASSWORD))


def test_the_lockout_is_per_address_so_strangers_cannot_lock_a_learner_out(member):
    fail(LIMIT, REMOTE_ADDR="198.51.100.7")
    assert log_in(PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert logged_in(log_in(PASSWORD, REMOTE_ADDR="192.0.2.10"))


def test_other_usernames_from_the_locked_address_are_not_locked(member):
    UserFactory(username="neighbour")
    fail(LIMIT)
    assert logged_in(log_in(PASSWORD, username="neighbour"))


def test_a_good_login_resets_the_count(member):
    fail(LIMIT - 1)
    assert logged_in(log_in(PASSWORD))
    fail(LIMIT - 1)
    assert logged_in(log_in(PASSWORD))


def test_forged_forwarded_for_headers_are_ignored_without_the_proxy(member):
    """Without BEHIND_PROXY, a client choosing its own X-Forwarded-For gains nothing."""
    for n in range(LIMIT):
        log_in("wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert log_in(PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_the_proxy_the_address_is_the_one_nginx_wrote(member, monkeypatch):
    monkeypatch.setattr("indivisible.settings.BEHIND_PROXY", True)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(LIMIT):  # the client forges the left-most entry every time
        log_in("wrong-password", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.5", **proxy)
    assert log_in(PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    assert logged_in(log_in(PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy))


def test_the_proxy_setting_comes_from_the_environment():
    """BEHIND_PROXY=true in a fresh process makes the right-most X-Forwarded-For count."""
    code = (
        "from types import SimpleNamespace as N; from indivisible import settings as s; "
        "print(s.axes_client_ip(N(META={'REMOTE_ADDR': '127.0.0.1', "
        "'HTTP_X_FORWARDED_FOR': '10.9.9.9, 203.0.113.5'})))"
    )
    results = {}
    for flag in ("true", "false"):
        env = {**os.environ, "DEBUG": "true", "BEHIND_PROXY": flag}
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        results[flag] = done.stdout.strip().splitlines()[-1]
    assert results == {"true": "203.0.113.5", "false": "127.0.0.1"}


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(member, target):
    response = Client().post(
        reverse("login") + f"?next={target}", {"username": "member", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]

"""Security headers and cookie flags, with the production settings.

The suite runs with DEBUG on, so the production values are read from a fresh process
started with DEBUG=false (the way the site starts in production), then applied here with
override_settings, and the responses' headers are checked.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.security.payloads import assert_inert
from tests.security.test_access import named_patterns, rule_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECURITY_SETTINGS = (
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
)  # fmt: skip


@pytest.fixture(scope="module")
def production():
    """The security settings of a process started as production starts it."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL_REDIRECT"}}
    env.update(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="testserver")
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "indivisible.settings"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def secure_client(production, settings):
    for name, value in production.items():
        setattr(settings, name, value)
    return Client()


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_production_turns_every_protection_on(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"


def test_plain_http_is_redirected_to_https(secure_client):
    response = secure_client.get(reverse("courses:catalog"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


def test_pages_carry_the_security_headers(secure_client):
    response = secure_client.get(reverse("courses:catalog"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_content_security_policy_allows_no_inline_script(secure_client):
    response = secure_client.get(reverse("courses:catalog"), secure=True)
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # a nonce joins only when a page uses one
    assert not any("unsafe" in v for v in policy["script-src"] + policy["default-src"])
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]  # style attributes only; see the settings


def test_a_page_that_uses_the_nonce_gets_it_in_the_policy():
    """django-csp's nonce, for a future inline script: <script nonce="{{ request.csp_nonce }}">."""
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    response = middleware.process_response(request, HttpResponse())
    script_src = directives(response["Content-Security-Policy"])["script-src"]
    assert script_src == ["'self'", f"'nonce-{nonce}'"]
    assert len(nonce) >= 22  # 128 random bits, base64


def test_login_sets_secure_http_only_same_site_cookies(secure_client, django_user_model):
    django_user_model.objects.create_user("member", password="a-long-test-password")
    secure_client.get(reverse("login"), secure=True)
    response = secure_client.post(
        reverse("login"), {"username": "member", "password": "a-long-test-password"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = secure_client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_every_page_is_served_with_the_policy_and_needs_nothing_it_forbids(world):
    """The CSP would block inline scripts and handlers; no page may rely on one."""
    seen = 0
    for role in ("owner", "instructor_a"):
        client = Client()
        client.force_login(getattr(world, role))
        for name in named_patterns():
            rule = rule_for(name, world)
            if rule.method != "get" or rule.expect[role] != 200:
                continue
            response = client.get(reverse(name, args=rule.args(world)))
            assert "Content-Security-Policy" in response, name
            if response["Content-Type"].startswith("text/html"):
                assert_inert(response.content.decode(), name)
                seen += 1
    assert seen >= 40


def test_the_error_pages_have_no_inline_script():
    for name in ("400", "403", "404", "500"):
        text = (ROOT / "templates" / f"{name}.html").read_text()
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), name

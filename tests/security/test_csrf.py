"""CSRF: every URL refuses a POST without the token; state changes never happen on GET.

The URLs come from the resolver through the access matrix (test_access.RULES and
admin_rule), so a new view is covered as soon as it is routed. The only views exempt
from CSRF are the LTI endpoints a learning platform posts to across sites, where the
platform's signed messages stand in for the token; any other exemption fails here.
"""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.security.test_access import named_patterns, rule_for

pytestmark = pytest.mark.django_db

CSRF_EXEMPT = {
    "lti:login": "the platform starts the OIDC login cross-site; only a state cookie is set",
    "lti:launch": "the platform's signed id_token, the state cookie and a one-time nonce",
    "lti:deep_link": "a signed token bound to the validated instructor launch",
}
GET_HARMLESS = {"set_language": "Django's view changes the language only on POST"}


def test_only_the_lti_endpoints_are_exempt_from_csrf(world):
    exempt = set()
    for name in named_patterns():
        rule = rule_for(name, world)
        match = get_resolver().resolve(reverse(name, args=rule.args(world)))
        if getattr(match.func, "csrf_exempt", False):
            exempt.add(name)
    assert exempt == set(CSRF_EXEMPT)


@pytest.mark.parametrize("user", ["superuser", "owner", None])
def test_every_post_without_a_token_is_refused(world, django_user_model, user):
    """Signed in (as the victim of a forged form would be) or not: 403 from the middleware."""
    client = Client(enforce_csrf_checks=True)
    if user == "superuser":
        client.force_login(django_user_model.objects.create_superuser("root", "r@x.org", "pw"))
    elif user:
        client.force_login(world.owner)
    accepted = []
    for name in named_patterns():
        if name in CSRF_EXEMPT:
            continue
        url = reverse(name, args=rule_for(name, world).args(world))
        response = client.post(url, {"q1": "0", "name": "x", "score": "1"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"{url} ({name}): {response.status_code}")
    assert not accepted, "\n".join(accepted)


def test_state_changing_views_refuse_get(world):
    client = Client()
    client.force_login(world.owner)
    posts = [name for name in named_patterns() if rule_for(name, world).method == "post"]
    assert {"quizzes:start", "quizzes:autosave", "courses:enrol", "courses:mark"} <= set(posts)
    for name in posts:
        if name in CSRF_EXEMPT or name in GET_HARMLESS or name.startswith("admin:"):
            continue
        url = reverse(name, args=rule_for(name, world).args(world))
        assert client.get(url).status_code == 405, name

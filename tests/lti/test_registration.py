"""Registrations: a key pair each, the public keyset, the admin, the Canvas configuration."""

import pytest
from django.urls import reverse

from lti.models import Registration
from tests.factories import UserFactory
from tests.lti.platform import ISSUER

pytestmark = pytest.mark.django_db


def make_registration(**fields) -> Registration:
    values = {
        "name": "LMS", "issuer": ISSUER, "client_id": "c1", "auth_login_url": f"{ISSUER}/auth",
        "auth_token_url": f"{ISSUER}/token", "keyset_url": f"{ISSUER}/jwks",
    }  # fmt: skip
    return Registration.objects.create(**{**values, **fields})


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


class TestKeys:
    def test_each_registration_gets_its_own_key_pair(self):
        first, second = make_registration(), make_registration(client_id="c2")
        assert first.private_key.startswith("-----BEGIN PRIVATE KEY-----")
        assert first.public_key.startswith("-----BEGIN PUBLIC KEY-----")
        assert first.kid != second.kid

    def test_saving_again_keeps_the_key(self):
        registration = make_registration()
        key = registration.private_key
        registration.name = "Renamed"
        registration.save()
        registration.refresh_from_db()
        assert registration.private_key == key

    def test_jwks_publishes_active_public_keys_only(self, client):
        active, inactive = make_registration(), make_registration(client_id="c2", is_active=False)
        response = client.get(reverse("lti:jwks"))
        assert response.status_code == 200
        keys = response.json()["keys"]
        assert [key["kid"] for key in keys] == [active.kid]
        assert keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig" and keys[0]["kty"] == "RSA"
        assert not {"d", "p", "q", "dp", "dq", "qi"} & keys[0].keys()
        assert inactive.kid not in response.content.decode()

    def test_issuer_and_client_id_are_unique_together(self):
        from django.db import IntegrityError

        make_registration()
        with pytest.raises(IntegrityError):
            make_registration()


class TestAdmin:
    def test_superuser_adds_a_registration_with_its_deployments(self, client, superuser):
        client.force_login(superuser)
        response = client.post(reverse("admin:lti_registration_add"), {
            "name": "University Moodle", "issuer": "https://moodle.example.edu",
            "client_id": "abc", "auth_login_url": "https://moodle.example.edu/mod/lti/auth.php",
            "auth_token_url": "https://moodle.example.edu/mod/lti/token.php",
            "keyset_url": "https://moodle.example.edu/mod/lti/certs.php", "token_audience": "",
            "is_active": "on",
            "deployments-TOTAL_FORMS": "1", "deployments-INITIAL_FORMS": "0",
            "deployments-0-deployment_id": "3",
        })  # fmt: skip
        assert response.status_code == 302, response.content
        registration = Registration.objects.get(client_id="abc")
        assert list(registration.deployments.values_list("deployment_id", flat=True)) == ["3"]
        assert registration.private_key

    def test_change_page_shows_the_public_key_never_the_private_one(self, client, superuser):
        registration = make_registration()
        client.force_login(superuser)
        page = client.get(reverse("admin:lti_registration_change", args=[registration.pk]))
        html = page.content.decode()
        assert registration.kid in html and "BEGIN PUBLIC KEY" in html
        assert "PRIVATE KEY" not in html

    @pytest.mark.parametrize("model", ["registration", "account", "gradelink", "scoreretry"])
    def test_superuser_sees_every_lti_list(self, client, superuser, model):
        client.force_login(superuser)
        assert client.get(reverse(f"admin:lti_{model}_changelist")).status_code == 200

    def test_grade_links_and_retries_cannot_be_added_by_hand(self, client, superuser):
        client.force_login(superuser)
        assert client.get(reverse("admin:lti_gradelink_add")).status_code == 403
        assert client.get(reverse("admin:lti_scoreretry_add")).status_code == 403

    def test_staff_who_are_not_superusers_are_kept_out(self, client):
        from django.contrib.auth.models import Permission

        instructor = UserFactory(is_staff=True)
        instructor.user_permissions.set(Permission.objects.filter(content_type__app_label="lti"))
        registration = make_registration()
        client.force_login(instructor)
        assert client.get(reverse("admin:lti_registration_changelist")).status_code == 403
        change = reverse("admin:lti_registration_change", args=[registration.pk])
        assert client.get(change).status_code == 403
        apps = client.get(reverse("admin:index")).context["app_list"]
        assert "lti" not in [app["app_label"] for app in apps]


class TestCanvasConfig:
    def test_lists_the_tool_urls_and_services(self, client, db):
        config = client.get(reverse("lti:canvas_config")).json()
        assert config["oidc_initiation_url"] == "http://testserver/lti/login/"
        assert config["target_link_uri"] == "http://testserver/lti/launch/"
        assert config["public_jwk_url"] == "http://testserver/lti/jwks/"
        assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scopes"]
        placements = config["extensions"][0]["settings"]["placements"]
        assert {p["message_type"] for p in placements} == {"LtiDeepLinkingRequest"}

"""Launches from a real LTI 1.3 platform (in process): sign-in, linking, targets, refusals."""

import base64
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from courses.models import Enrollment
from lti.models import Account, GradeLink, LaunchValue, Registration
from lti.services import DISABLED, INSTRUCTORS_ONLY, NOT_AVAILABLE, REFUSED
from tests.factories import UserFactory
from tests.lti.platform import ISSUER, LINEITEMS, Platform

pytestmark = pytest.mark.django_db


def shows(response, text: str) -> bool:
    return escape(text) in response.content.decode()


def signed_in_user(client):
    return client.get(reverse("learning:dashboard")).wsgi_request.user


class TestLaunch:
    def test_full_launch_signs_in_enrols_and_opens_the_course(self, platform, content, client):
        course, _, _ = content
        response = platform.launch(sub="learner-42", custom={"course": "qc"})
        assert response.status_code == 302
        assert response["Location"] == course.get_absolute_url()
        user = signed_in_user(client)
        assert user.is_authenticated
        assert Account.objects.get(issuer=ISSUER, sub="learner-42").user == user
        assert user.first_name == "Ada Lovelace" and user.email == "ada@example.org"
        assert not user.has_usable_password()
        assert Enrollment.objects.filter(user=user, course=course).exists()
        page = client.get(response["Location"])
        assert page.status_code == 200 and course.title in page.content.decode()

    def test_second_launch_signs_in_the_same_user(self, platform, content, client):
        platform.launch(sub="learner-42", custom={"course": "qc"})
        first = signed_in_user(client)
        client.logout()
        response = platform.launch(sub="learner-42", custom={"course": "qc"}, name="Ada King")
        assert response.status_code == 302
        second = signed_in_user(client)
        assert second.pk == first.pk
        assert get_user_model().objects.filter(lti_accounts__isnull=False).count() == 1
        assert Enrollment.objects.filter(user=second).count() == 1
        second.refresh_from_db()
        assert second.first_name == "Ada King"  # the platform is the source of the profile

    def test_another_subject_is_another_user(self, platform, content, client):
        platform.launch(sub="learner-42", custom={"course": "qc"})
        first = signed_in_user(client)
        platform.launch(sub="learner-43", custom={"course": "qc"})
        assert signed_in_user(client).pk != first.pk

    def test_same_email_as_a_local_user_does_not_link_to_it(self, platform, content, client):
        local = UserFactory(username="ada", email="ada@example.org")
        platform.launch(sub="learner-42", custom={"course": "qc"}, email="ada@example.org")
        user = signed_in_user(client)
        assert user.is_authenticated and user.pk != local.pk

    def test_module_target_opens_the_module(self, platform, content):
        _, module, _ = content
        response = platform.launch(custom={"course": "qc", "module": "history"})
        assert response["Location"] == module.get_absolute_url()

    def test_quiz_target_opens_the_quiz_and_records_its_line_item(self, platform, content, client):
        _, _, quiz = content
        lineitem = f"{LINEITEMS}/31"
        response = platform.launch(custom={"course": "qc", "quiz": "check"}, lineitem=lineitem)
        assert response["Location"] == quiz.get_absolute_url()
        link = GradeLink.objects.get()
        assert (link.quiz, link.lineitem, link.account.user) == (
            quiz,
            lineitem,
            signed_in_user(client),
        )
        assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in link.endpoint["scope"]

    def test_quiz_launch_without_grade_service_records_no_link(self, platform, content):
        platform.launch(custom={"course": "qc", "quiz": "check"})
        assert not GradeLink.objects.exists()

    def test_link_without_target_opens_the_catalog(self, platform, content, client):
        response = platform.launch(custom={})
        assert response["Location"] == reverse("courses:catalog")
        assert signed_in_user(client).is_authenticated

    @pytest.mark.parametrize(
        "custom",
        [{"course": "nope"}, {"course": "qc", "quiz": "nope"}, {"course": "qc", "module": "nope"}],
    )
    def test_missing_target_is_a_404_page_and_signs_nobody_in(
        self, platform, content, client, custom
    ):
        response = platform.launch(custom=custom)
        assert response.status_code == 404
        assert shows(response, NOT_AVAILABLE)
        assert not signed_in_user(client).is_authenticated
        assert not Account.objects.exists()

    def test_unpublished_course_is_not_opened(self, platform, content):
        course, _, _ = content
        course.is_published = False
        course.save()
        assert platform.launch(custom={"course": "qc"}).status_code == 404

    def test_disabled_user_is_refused(self, platform, content, client):
        platform.launch(sub="learner-42", custom={"course": "qc"})
        get_user_model().objects.filter(lti_accounts__sub="learner-42").update(is_active=False)
        client.logout()
        response = platform.launch(sub="learner-42", custom={"course": "qc"})
        assert response.status_code == 403 and shows(response, DISABLED)
        assert not signed_in_user(client).is_authenticated

    def test_launch_replaces_a_previous_sign_in(self, platform, content, client):
        other = UserFactory()
        client.force_login(other)
        platform.launch(sub="learner-42", custom={"course": "qc"})
        assert signed_in_user(client).pk != other.pk


def tampered(id_token: str) -> str:
    """The same token with another subject in its body, and the original signature."""
    header, body, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 403
    assert shows(response, REFUSED) and shows(response, reason)
    assert "<h1>Launch refused</h1>" in response.content.decode()


class TestRefusals:
    def test_bad_signature(self, platform, content, client):
        form = platform.launch_form(custom={"course": "qc"})
        form["id_token"] = tampered(form["id_token"])
        assert_refused(platform.post(form), "Signature verification failed")
        assert not signed_in_user(client).is_authenticated
        assert not Account.objects.exists()

    def test_token_signed_by_another_key(self, platform, content, client):
        impostor = Platform(client)  # same issuer and client id, its own key pair
        impostor.registration.set_tool_key_set(client.get("/lti/jwks/").json())
        assert_refused(impostor.launch(custom={"course": "qc"}), "Unable to find public key")

    def test_unknown_issuer_at_login(self, platform, client, platform_keys):
        stranger = Platform(client, issuer="https://unknown.example.com", key_pair=platform_keys)
        response = stranger.login()
        assert_refused(response, "Could not find registration details")
        assert not any(name.startswith("lti1p3") for name in response.cookies)

    def test_inactive_registration(self, platform, registration, client):
        Registration.objects.filter(pk=registration.pk).update(is_active=False)
        assert_refused(platform.login(), "Could not find registration details")

    def test_replayed_nonce(self, platform, content, client):
        form = platform.launch_form(sub="learner-42", custom={"course": "qc"})
        assert platform.post(form).status_code == 302
        client.logout()
        assert_refused(platform.post(form), "Invalid Nonce")
        assert not signed_in_user(client).is_authenticated

    def test_wrong_deployment_id(self, registration, content, client, monkeypatch, platform_keys):
        from lti import transport
        from tests.lti.platform import session_for

        platform = Platform(client, deployment_id="deployment-unknown", key_pair=platform_keys)
        platform.trust_tool()
        monkeypatch.setattr(transport, "platform_session", lambda: session_for(platform))
        assert_refused(platform.launch(custom={"course": "qc"}), "Unable to find deployment")
        assert not Account.objects.exists()

    def test_expired_token(self, platform, content):
        response = platform.launch(custom={"course": "qc"}, expires_in=-60)
        assert_refused(response, "Signature has expired")

    def test_launch_without_the_login_state_cookie(self, platform, content, client):
        form = platform.launch_form(custom={"course": "qc"})
        client.cookies.clear()
        assert_refused(platform.post(form), "State not found")

    def test_launch_without_a_token(self, platform, client):
        assert_refused(client.post(reverse("lti:launch"), {"state": "x"}), "Missing")

    def test_launch_is_post_only(self, client, db):
        assert client.get(reverse("lti:launch")).status_code == 405

    def test_login_without_parameters(self, client, db):
        assert_refused(client.get(reverse("lti:login")), "Could not find issuer")

    def test_learner_cannot_start_deep_linking(self, platform, content, client):
        response = platform.launch(deep_link=True)
        assert response.status_code == 403
        assert shows(response, INSTRUCTORS_ONLY)


class TestLaunchState:
    def test_login_sets_a_short_lived_state_cookie_and_redirects_to_the_platform(self, platform):
        response = platform.login()
        assert response.status_code == 302 and response["Location"].startswith(f"{ISSUER}/auth?")
        states = [cookie for name, cookie in response.cookies.items() if "state" in name]
        assert len(states) == 1 and states[0]["max-age"] == 300 and states[0]["httponly"]

    def test_nonce_is_kept_in_the_database_and_spent_by_the_launch(self, platform, content):
        form = platform.launch_form(custom={"course": "qc"})
        assert LaunchValue.objects.filter(key__contains="nonce").count() == 1
        platform.post(form)
        assert not LaunchValue.objects.filter(key__contains="nonce").exists()

    def test_expired_launch_values_are_pruned_at_login(self, platform):
        from django.utils import timezone

        LaunchValue.objects.create(key="old", value=True, expires_at=timezone.now())
        platform.login()
        assert not LaunchValue.objects.filter(key="old").exists()

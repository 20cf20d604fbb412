"""Sign up, log in, log out, change and reset the password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def test_signup_creates_account_and_logs_in(client):
    response = client.post(reverse("courses:signup"), {
        "username": "newbie", "email": "newbie@example.org",
        "password1": "correct-horse-battery", "password2": "correct-horse-battery",
    }, follow=True)  # fmt: skip
    assert response.status_code == 200
    assert response.context["user"].username == "newbie"
    assert "Welcome" in response.text


def test_signup_rejects_weak_or_mismatched_passwords_with_field_errors(client):
    response = client.post(reverse("courses:signup"), {
        "username": "newbie", "email": "not-an-email", "password1": "123", "password2": "456",
    })  # fmt: skip
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="newbie").exists()
    assert "Enter a valid email address." in response.text
    assert "The two password fields didn" in response.text


def test_login_and_logout(client):
    UserFactory(username="lena")
    response = client.post(reverse("login"), {"username": "lena", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("courses:catalog")).context["user"].is_authenticated
    response = client.post(reverse("logout"), follow=True)
    assert not response.context["user"].is_authenticated


def test_login_with_wrong_password_says_so(client):
    UserFactory(username="lena")
    response = client.post(reverse("login"), {"username": "lena", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_logout_by_get_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    new = "another-long-password"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-password")


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_password_reset_by_email(client):
    user = UserFactory(email="lena@example.org")
    client.post(reverse("password_reset"), {"email": "lena@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200 and "Set a new password" in response.text
    response = client.post(response.redirect_chain[-1][0], {
        "new_password1": "brand-new-password-1", "new_password2": "brand-new-password-1",
    })  # fmt: skip
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-password-1")


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "If an account has that address" in response.text
    assert mail.outbox == []


def test_forms_carry_csrf_tokens(client):
    for name in ("login", "courses:signup", "password_reset"):
        assert "csrfmiddlewaretoken" in client.get(reverse(name)).text


def test_post_without_csrf_token_is_refused():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403

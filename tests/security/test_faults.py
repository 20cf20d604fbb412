"""Faults: a database that fails mid-request, or a crash between saving and grading,
leaves the attempt as it was (in progress, answers kept) and submittable afterwards."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt, Evidence, ReviewCard
from quizzes.services import attempt_start
from tests.factories import UserFactory, make_quiz
from tests.quizzes.test_attempts import right_form

pytestmark = pytest.mark.django_db

DOWN = OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def production_errors(settings):
    """Errors as production shows them: the 500 page, not the debug page or an exception."""
    settings.DEBUG = False


@pytest.fixture
def answered(quiz_course):
    learner = UserFactory()
    quiz = make_quiz(quiz_course, list(quiz_course.sample_questions.values()), slug="f")
    attempt = attempt_start(quiz=quiz, user=learner)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.post(attempt.get_absolute_url(), dict(right_form(attempt).lists()))
    assert response.status_code == 302
    return client, attempt


def snapshot(attempt) -> dict:
    attempt.refresh_from_db()
    responses = attempt.responses.order_by("slot")
    return {
        "state": attempt.state, "score": attempt.score, "submitted_at": attempt.submitted_at,
        "answers": list(responses.values_list("answer", flat=True)),
        "grades": list(responses.values_list("fraction", "score", "feedback")),
        "evidence": Evidence.objects.filter(user=attempt.user).count(),
        "cards": ReviewCard.objects.filter(user=attempt.user).count(),
    }  # fmt: skip


def assert_untouched_then_submittable(client, attempt, before):
    assert snapshot(attempt) == before
    assert before["state"] == Attempt.State.IN_PROGRESS and before["cards"] == 0
    response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    after = snapshot(attempt)
    assert after["state"] == Attempt.State.SUBMITTED
    assert after["answers"] == before["answers"]  # nothing the learner saved was lost
    assert after["score"] == Decimal(7) and after["cards"] == len(after["answers"])


def test_database_down_during_submit_shows_the_error_page(production_errors, answered):
    client, attempt = answered
    before = snapshot(attempt)
    with mock.patch.object(services, "update_rows", side_effect=DOWN):  # writing the answers
        response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_untouched_then_submittable(client, attempt, before)


@pytest.mark.parametrize("fails_at", ["grade", "deck_add_from_attempt", "completion_after_grading"])
def test_a_crash_between_saving_and_grading_leaves_a_consistent_attempt(
    production_errors, answered, fails_at
):
    """Each step of grading after the first: everything or nothing is kept."""
    client, attempt = answered
    before = snapshot(attempt)
    real = getattr(services, fails_at)
    calls = []

    def crash_on_third_call(*args, **kwargs):
        calls.append(1)
        if len(calls) >= (3 if fails_at == "grade" else 1):
            raise RuntimeError("crash")
        return real(*args, **kwargs)

    with mock.patch.object(services, fails_at, side_effect=crash_on_third_call):
        response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response.status_code == 500 and calls
    assert_untouched_then_submittable(client, attempt, before)


def test_database_down_during_autosave_keeps_the_earlier_answers(production_errors, answered):
    client, attempt = answered
    before = snapshot(attempt)
    single = attempt.responses.get(version__data__kind="single").slot
    with mock.patch.object(services, "update_rows", side_effect=DOWN):  # writing the answers
        response = client.post(reverse("quizzes:autosave", args=[attempt.pk]), {f"q{single}": "2"})
    assert response.status_code == 500
    assert_untouched_then_submittable(client, attempt, before)

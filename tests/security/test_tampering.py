"""Tampering: forged posts are refused or harmless; nothing saved is lost, no grade moves.

Every case goes through the HTTP views a browser (or a script) would use.
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Evidence, ReviewCard
from quizzes.services import NOT_IN_ATTEMPT, attempt_start
from tests.factories import UserFactory, make_quiz
from tests.quizzes.test_attempts import right_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(quiz_course):
    return make_quiz(quiz_course, list(quiz_course.sample_questions.values()), slug="all")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def saved(attempt) -> dict:
    """What an attempt holds: its answers by slot, state and score."""
    attempt.refresh_from_db()
    answers = dict(attempt.responses.values_list("slot", "answer"))
    return {"answers": answers, "state": attempt.state, "score": attempt.score}


def slot_of(attempt, kind: str) -> int:
    return attempt.responses.get(version__data__kind=kind).slot


def posted(data) -> dict:
    """A QueryDict as the test client posts it: every value of a repeated field."""
    return dict(data.lists())


def answered(quiz, user) -> Attempt:
    attempt = attempt_start(quiz=quiz, user=user)
    response = signed_in(user).post(attempt.get_absolute_url(), posted(right_form(attempt)))
    assert response.status_code == 302
    return attempt


def test_posting_to_another_learners_attempt_changes_nothing(quiz):
    victim, attacker = UserFactory(), UserFactory()
    theirs = answered(quiz, victim)
    before = saved(theirs)
    client = signed_in(attacker)
    single = slot_of(theirs, "single")
    for name in ("quizzes:attempt", "quizzes:autosave", "quizzes:submit"):
        url = reverse(name, args=[theirs.pk])
        assert client.post(url, {f"q{single}": "2", "action": "finish"}).status_code == 404
    assert saved(theirs) == before


def test_an_attempt_id_in_the_form_is_ignored(quiz):
    """Only the URL names the attempt, and only among the requester's own."""
    victim, attacker = UserFactory(), UserFactory()
    theirs = answered(quiz, victim)
    before = saved(theirs)
    mine = attempt_start(quiz=quiz, user=attacker)
    single = slot_of(mine, "single")
    response = signed_in(attacker).post(
        mine.get_absolute_url(), {"attempt": theirs.pk, "pk": theirs.pk, f"q{single}": "1"}
    )
    assert response.status_code == 302
    assert saved(theirs) == before
    assert saved(mine)["answers"][single] is not None


def test_a_question_not_in_the_attempt_is_refused_and_nothing_is_saved(quiz, learner):
    attempt = answered(quiz, learner)
    before = saved(attempt)
    single = slot_of(attempt, "single")
    for extra in ("q99", "q0", "q999999999999999999999"):
        response = signed_in(learner).post(
            attempt.get_absolute_url(), {f"q{single}": "2", extra: "1"}
        )
        assert response.status_code == 400
        slot = int(extra[1:])
        assert NOT_IN_ATTEMPT.format(slot=slot) in response.content.decode()
        assert saved(attempt) == before  # not even the valid answer beside it


@pytest.mark.parametrize("value", ["3", "7", "-1", "1.0", "1e3", "0x1", "", "１"])
def test_a_choice_that_is_not_one_of_the_question_options_is_refused(quiz, learner, value):
    attempt = answered(quiz, learner)
    before = saved(attempt)
    single = slot_of(attempt, "single")  # three choices: values 0, 1, 2
    multiple = slot_of(attempt, "multiple")
    for field in (f"q{single}", f"q{multiple}"):
        response = signed_in(learner).post(reverse("quizzes:autosave", args=[attempt.pk]), {
            field: value, "shown": field[1:],
        })  # fmt: skip
        if value == "":  # an emptied question is a legitimate "no answer"
            assert response.status_code == 200
            continue
        assert response.status_code == 400, (field, value)
        assert response.json()["saved"] is False
    if value != "":
        assert saved(attempt) == before


def test_an_answer_to_a_matching_question_with_another_questions_option_is_refused(quiz, learner):
    attempt = answered(quiz, learner)
    before = saved(attempt)
    matching = slot_of(attempt, "matching")  # three options: values 0, 1, 2
    response = signed_in(learner).post(
        reverse("quizzes:autosave", args=[attempt.pk]), {f"q{matching}-0": "5"}
    )
    assert response.status_code == 400
    assert saved(attempt) == before


def test_an_answer_after_the_deadline_is_not_counted(quiz, learner):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = attempt_start(quiz=quiz, user=learner, now=timezone.now() - timedelta(minutes=12))
    client = signed_in(learner)
    single = slot_of(attempt, "single")
    response = client.post(attempt.get_absolute_url(), {f"q{single}": "0"})
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    after = saved(attempt)
    assert after["state"] == Attempt.State.SUBMITTED
    assert after["answers"][single] is None and after["score"] == 0
    late = client.post(reverse("quizzes:autosave", args=[attempt.pk]), {f"q{single}": "0"})
    assert late.status_code == 409
    assert saved(attempt) == after


def test_an_answer_within_the_grace_period_counts(quiz, learner):
    quiz.time_limit_minutes = 10
    quiz.save()
    started = timezone.now() - timedelta(minutes=10, seconds=20)
    attempt = attempt_start(quiz=quiz, user=learner, now=started)
    response = signed_in(learner).post(attempt.get_absolute_url(), posted(right_form(attempt)))
    assert response.status_code == 302
    assert all(answer is not None for answer in saved(attempt)["answers"].values())


def test_a_replayed_submit_changes_nothing(quiz, learner):
    attempt = answered(quiz, learner)
    client = signed_in(learner)
    url = reverse("quizzes:submit", args=[attempt.pk])
    assert client.post(url).status_code == 302
    first = saved(attempt)
    submitted_at = attempt.submitted_at
    counts = (Evidence.objects.count(), ReviewCard.objects.count())
    for _ in range(3):
        response = client.post(url)
        assert response.status_code == 302 and response["Location"].endswith("/result/")
    assert saved(attempt) == first
    attempt.refresh_from_db()
    assert attempt.submitted_at == submitted_at
    assert (Evidence.objects.count(), ReviewCard.objects.count()) == counts
    assert first["score"] == Decimal(7)  # every automatic question right; the essay waits


def test_saving_into_a_submitted_attempt_is_refused(quiz, learner):
    attempt = answered(quiz, learner)
    client = signed_in(learner)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    before = saved(attempt)
    single = slot_of(attempt, "single")
    response = client.post(reverse("quizzes:autosave", args=[attempt.pk]), {f"q{single}": "1"})
    assert response.status_code == 409
    response = client.post(attempt.get_absolute_url(), {f"q{single}": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    assert saved(attempt) == before


def test_a_start_beyond_the_attempt_limit_is_refused(quiz, learner):
    quiz.attempts_allowed = 1
    quiz.save()
    client = signed_in(learner)
    start = reverse("quizzes:start", args=[quiz.course.slug, quiz.slug])
    client.post(start)
    assert client.post(start).status_code == 302  # the one in progress, not a second
    assert quiz.attempts.count() == 1
    client.post(reverse("quizzes:submit", args=[quiz.attempts.get().pk]))
    response = client.post(start, follow=True)
    assert "You have used all 1 attempts" in response.content.decode()
    assert quiz.attempts.count() == 1


def test_a_grade_outside_the_points_is_refused(quiz_course, learner):
    from tests.security.conftest import instructor_of

    quiz = make_quiz(quiz_course, list(quiz_course.sample_questions.values()), slug="all")
    attempt = answered(quiz, learner)
    signed_in(learner).post(reverse("quizzes:submit", args=[attempt.pk]))
    essay = attempt.responses.get(version__data__kind="essay")
    client = signed_in(instructor_of(quiz_course, "ines"))
    url = reverse("teaching:grade", args=[quiz_course.slug, essay.pk])
    before = saved(attempt)
    for score in ("-1", "2", "1e9", "NaN", "abc"):
        assert client.post(url, {"score": score, "comment": ""}).status_code == 400, score
    assert saved(attempt) == before


postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: two request threads cannot share SQLite's in-memory test "
    "database (CI runs this on PostgreSQL)",
)


@postgres
@pytest.mark.django_db(transaction=True)
def test_two_submit_requests_at_once_grade_once(quiz_course):
    """The HTTP version of tests/quizzes/test_attempts.py's race: two browsers, one grade."""
    learner = UserFactory()
    quiz = make_quiz(quiz_course, list(quiz_course.sample_questions.values()), slug="race")
    attempt = answered(quiz, learner)
    url = reverse("quizzes:submit", args=[attempt.pk])
    barrier, statuses = threading.Barrier(2), []

    def submit():
        client = signed_in(learner)
        try:
            barrier.wait()
            statuses.append(client.post(url).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.score == Decimal(7)
    assert ReviewCard.objects.filter(user=learner).count() == attempt.responses.count()
    per_response = Evidence.objects.filter(user=learner).values_list("response", flat=True)
    assert len(per_response) == len(set(per_response))  # evidence recorded once per answer


@pytest.mark.parametrize("field,value", [("shown", "²"), ("q²", "1"), ("q1-²", "1")])
def test_unicode_digits_in_field_names_are_refused_not_a_crash(quiz, learner, field, value):
    """'²'.isdigit() is true but int('²') fails: such input must be a 400, never a 500."""
    attempt = answered(quiz, learner)
    before = saved(attempt)
    client = signed_in(learner)
    client.raise_request_exception = False
    for url in (attempt.get_absolute_url(), reverse("quizzes:autosave", args=[attempt.pk])):
        response = client.post(url, {field: value})
        assert response.status_code in (200, 302, 400), (url, response.status_code)
    assert saved(attempt) == before


def test_a_unicode_digit_page_number_is_not_a_crash(quiz, learner):
    quiz.one_question_per_page = True
    quiz.save()
    attempt = answered(quiz, learner)
    client = signed_in(learner)
    client.raise_request_exception = False
    assert client.get(attempt.get_absolute_url(), {"page": "²"}).status_code == 200


def test_a_unicode_digit_module_in_the_lesson_preview_is_not_a_crash(quiz_course):
    from tests.factories import ModuleFactory
    from tests.security.conftest import instructor_of

    ModuleFactory(course=quiz_course)
    client = signed_in(instructor_of(quiz_course, "ines"))
    client.raise_request_exception = False
    response = client.post(reverse("admin:courses_lesson_preview"), {"body": "x", "module": "²"})
    assert response.status_code == 200

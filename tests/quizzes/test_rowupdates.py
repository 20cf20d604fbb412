"""update_rows writes what the ORM would have written, on SQLite and PostgreSQL alike."""

from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes.models import Response
from quizzes.rowupdates import update_rows
from quizzes.services import attempt_start
from tests.factories import UserFactory, make_quiz

pytestmark = pytest.mark.django_db


def test_the_fields_named_are_written_and_read_back_as_set(quiz_course):
    quiz = make_quiz(quiz_course, list(quiz_course.sample_questions.values()))
    attempt = attempt_start(quiz=quiz, user=UserFactory())
    first, second, *untouched = list(attempt.responses.order_by("slot"))
    first.score, first.fraction, first.needs_grading = Decimal("1.250"), 0.5, True
    first.feedback = ["a", {"nested": "ünïcode ' \" ;"}]
    first.answer = ["0", "2"]
    second.score, second.fraction, second.feedback, second.answer = None, None, [], None
    saved_at = timezone.now()
    first.saved_at = saved_at
    update_rows([first, second], ["score", "fraction", "needs_grading", "feedback", "answer"])
    fresh = Response.objects.in_bulk([first.pk, second.pk])
    got = fresh[first.pk]
    assert (got.score, got.fraction, got.needs_grading) == (Decimal("1.250"), 0.5, True)
    assert got.feedback == ["a", {"nested": "ünïcode ' \" ;"}] and got.answer == ["0", "2"]
    assert got.saved_at != saved_at  # not among the fields named: not written
    assert (fresh[second.pk].score, fresh[second.pk].answer, fresh[second.pk].feedback) == (
        None, None, [],
    )  # fmt: skip
    for other in untouched:
        assert Response.objects.get(pk=other.pk).answer == other.answer


def test_nothing_to_write_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        update_rows([], ["score"])

"""Submitting an attempt feeds the review deck and the mastery evidence."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Evidence, ReviewCard
from quizzes.services import attempt_save, attempt_start, attempt_submit, response_grade
from tests.factories import ConceptFactory, UserFactory, make_question, make_quiz
from tests.quizzes.samples import SPECS
from tests.quizzes.test_attempts import form

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(quiz_course):
    ConceptFactory(course=quiz_course, slug="csce")
    right = make_question(
        quiz_course, {**SPECS["true_false"], "slug": "tf-a", "concepts": ["csce"]}
    )
    wrong = make_question(
        quiz_course, {**SPECS["true_false"], "slug": "tf-b", "concepts": ["csce"]}
    )
    skipped = make_question(quiz_course, {**SPECS["true_false"], "slug": "tf-c"})
    essay = make_question(quiz_course, {**SPECS["essay"], "slug": "es", "concepts": ["csce"]})
    return quiz_course, [right, wrong, skipped, essay]


def test_answered_questions_enter_the_deck_scheduled_by_their_result(tagged):
    course, questions = tagged
    user = UserFactory()
    now = timezone.now()
    attempt = attempt_start(quiz=make_quiz(course, questions), user=user, now=now)
    attempt_save(attempt=attempt, data=form(q1="false", q2="true", q4="An essay."), now=now)
    attempt_submit(attempt=attempt, now=now)
    cards = {c.question.slug: c for c in ReviewCard.objects.filter(user=user)}
    assert set(cards) == {"tf-a", "tf-b", "es"}  # unanswered questions stay out
    assert cards["tf-b"].due < cards["tf-a"].due  # a miss comes back sooner
    assert cards["es"].due == now and cards["es"].reviews == 0  # awaiting grading: due now


def test_a_second_attempt_keeps_existing_schedules(tagged):
    course, questions = tagged
    user = UserFactory()
    quiz = make_quiz(course, questions[:1])
    first = attempt_start(quiz=quiz, user=user)
    attempt_save(attempt=first, data=form(q1="false"))
    attempt_submit(attempt=first)
    due = ReviewCard.objects.get(user=user).due
    second = attempt_start(quiz=quiz, user=user, now=timezone.now() + timedelta(minutes=5))
    attempt_save(attempt=second, data=form(q1="true"))
    attempt_submit(attempt=second)
    assert ReviewCard.objects.get(user=user).due == due


def test_evidence_per_concept_and_after_essay_grading(tagged):
    course, questions = tagged
    user = UserFactory()
    attempt = attempt_start(quiz=make_quiz(course, questions), user=user)
    attempt_save(attempt=attempt, data=form(q1="false", q2="true", q4="An essay."))
    attempt_submit(attempt=attempt)
    assert sorted(Evidence.objects.values_list("fraction", flat=True)) == [0.0, 1.0]
    essay = attempt.responses.get(slot=4)
    response_grade(response=essay, score=essay.points / 2, comment="", grader=None)
    assert sorted(Evidence.objects.values_list("fraction", flat=True)) == [0.0, 0.5, 1.0]
    assert Evidence.objects.filter(mixed=True).count() == 3  # a quiz of no lesson is mixed practice


def test_a_missed_question_is_due_at_once_and_a_right_one_in_days(tagged):
    course, questions = tagged
    user = UserFactory()
    now = timezone.now()
    attempt = attempt_start(quiz=make_quiz(course, questions[:2]), user=user, now=now)
    attempt_save(attempt=attempt, data=form(q1="false", q2="true"), now=now)
    attempt_submit(attempt=attempt, now=now)
    cards = {c.question.slug: c for c in ReviewCard.objects.filter(user=user)}
    assert cards["tf-b"].due == now  # missed: in today's reviews
    assert cards["tf-a"].due >= now + timedelta(days=1)  # right: not before tomorrow

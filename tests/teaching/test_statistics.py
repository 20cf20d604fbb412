"""The statistics page over quizzes.statistics: summary, per-question rows, bars, flags, answers."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from quizzes.services import attempt_save, attempt_start, attempt_submit
from quizzes.statistics import FLAG_LABELS
from tests.factories import UserFactory, make_quiz
from tests.quizzes.test_attempts import form
from tests.teaching.conftest import cohort, enrol

pytestmark = pytest.mark.django_db


def take(quiz, user, **answers):
    attempt = attempt_start(quiz=quiz, user=user)
    assert attempt_save(attempt=attempt, data=form(**answers)) == {}
    return attempt_submit(attempt=attempt)


@pytest.fixture
def quiz(quiz_course, instructor):
    """Single choice (right: option 0), true/false (right: false), short answer; six learners.

    Everyone gets the true/false right (too easy); the single choice is right for the
    learners who also get the short answer right (it discriminates)."""
    quiz_course.instructors.add(instructor)
    questions = quiz_course.sample_questions
    quiz = make_quiz(
        quiz_course, [questions["single"], questions["true_false"], questions["short_answer"]],
        slug="stats", title="Stats quiz",
    )  # fmt: skip
    group = cohort(quiz_course, "Morning")
    for i in range(6):
        user = UserFactory(username=f"s{i}")
        enrol(user, quiz_course, group if i < 3 else None)
        good = i % 2 == 0
        take(quiz, user, q1="0" if good else "1", q2="false",
             q3="Helsinki Final Act" if good else "Vienna")  # fmt: skip
    take(quiz, user, q1="0", q2="false", q3="Helsinki Final Act")  # s5 tries again
    return quiz


def url(quiz, **query):
    base = reverse("teaching:statistics", args=[quiz.course.slug, quiz.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def summary_attempts(text: str) -> int:
    return int(re.search(r"Attempts counted</th><td[^>]*>(\d+)<", text).group(1))


def test_summary_counts_first_or_all_attempts_and_a_cohort(client, instructor, quiz):
    client.force_login(instructor)
    assert summary_attempts(client.get(url(quiz)).text) == 6
    assert summary_attempts(client.get(url(quiz, attempts="all")).text) == 7
    assert summary_attempts(client.get(url(quiz, attempts="bogus")).text) == 6
    morning = quiz.course.cohorts.get().pk
    assert summary_attempts(client.get(url(quiz, cohort=morning)).text) == 3


def test_question_rows_have_bars_numbers_flags_and_answer_counts(client, instructor, quiz):
    client.force_login(instructor)
    text = client.get(url(quiz)).text
    # Facility for 3 questions, discrimination for 2: the true/false has no spread.
    assert text.count('<svg class="meter') == 5
    assert FLAG_LABELS["too_easy"] in text  # the true/false everybody got right
    assert "100.0%" in text and "50.0%" in text  # facilities
    assert re.search(r"<td>Helsinki Final Act</td><td[^>]*>100%</td><td[^>]*>3</td>", text)
    assert re.search(r"<td>Treaty of Versailles</td><td[^>]*>0%</td><td[^>]*>3</td>", text)
    assert re.search(r"<td>vienna</td>.*?<td[^>]*>3</td>", text, re.S)
    assert 'aria-hidden="true"' in text  # the bars repeat numbers shown as text


def test_negative_discrimination_is_flagged_and_drawn_left_of_zero(client, instructor, quiz_course):
    """Learners who got the single choice right did worse on the rest of the quiz."""
    quiz_course.instructors.add(instructor)
    questions = quiz_course.sample_questions
    quiz = make_quiz(
        quiz_course, [questions["single"], questions["true_false"], questions["short_answer"]],
        slug="inverse",
    )  # fmt: skip
    for i in range(6):
        good = i % 2 == 0
        take(quiz, UserFactory(), q1="0" if good else "1", q2="false" if i < 3 else "true",
             q3="Vienna" if good else "Helsinki Final Act")  # fmt: skip
    client.force_login(instructor)
    text = client.get(url(quiz)).text
    assert FLAG_LABELS["negative_discrimination"] in text
    assert text.count('fill="#b02a37"') >= 1  # red: drawn left of the zero line


def test_page_queries_are_fixed(client, instructor, quiz, django_assert_num_queries):
    client.force_login(instructor)
    cache.clear()
    with django_assert_num_queries(12) as small:  # session, nav (due count and its policies)
        client.get(url(quiz))
    for i in range(10):
        take(quiz, UserFactory(), q1=str(i % 3), q2="true", q3=f"answer {i}")
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert summary_attempts(client.get(url(quiz)).text) == 16


def test_a_quiz_without_attempts_says_so(client, instructor, course):
    quiz = make_quiz(course, [], slug="empty")
    client.force_login(instructor)
    assert "No attempt counts yet" in client.get(url(quiz)).text


def test_an_unknown_quiz_is_404(client, instructor, course):
    client.force_login(instructor)
    missing = reverse("teaching:statistics", args=[course.slug, "nope"])
    assert client.get(missing).status_code == 404

"""The learner's dashboard: courses, quiz history, reviews, weakest concepts, charts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.progress import course_enroll, lesson_mark
from learning.selectors import enrollments_with_progress
from quizzes.models import Attempt, Evidence, ReviewCard
from quizzes.services import attempt_save, attempt_start, attempt_submit
from tests.factories import (
    ConceptFactory,
    LessonFactory,
    ModuleFactory,
    UserFactory,
    make_question,
    make_quiz,
)
from tests.quizzes.samples import SPECS
from tests.quizzes.test_attempts import form

pytestmark = pytest.mark.django_db
URL = reverse("learning:dashboard")


@pytest.fixture
def setup(quiz_course):
    module = ModuleFactory(course=quiz_course, slug="m", title="Module")
    concept = ConceptFactory(course=quiz_course, slug="csce", term="CSCE")
    first = LessonFactory(module=module, slug="first", title="First lesson", position=1)
    LessonFactory(module=module, slug="second", title="Second lesson", position=2)
    first.concepts.add(concept)
    question = make_question(
        quiz_course, {**SPECS["true_false"], "slug": "tf", "concepts": ["csce"]}
    )
    quiz = make_quiz(quiz_course, [question], slug="check", title="The check", pass_mark=50)
    user = UserFactory()
    course_enroll(course=quiz_course, user=user)
    lesson_mark(lesson=first, user=user, complete=True)
    return quiz_course, quiz, user


def take(quiz, user, answer, when):
    attempt = attempt_start(quiz=quiz, user=user, now=when)
    attempt_save(attempt=attempt, data=form(q1=answer), now=when)
    return attempt_submit(attempt=attempt, now=when)


def test_needs_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_shows_progress_next_step_history_reviews_and_weak_concepts(client, setup):
    course, quiz, user = setup
    now = timezone.now()
    take(quiz, user, "true", now - timedelta(days=2))  # wrong
    take(quiz, user, "false", now - timedelta(days=1))  # right
    ReviewCard.objects.filter(user=user).update(due=now - timedelta(hours=1))
    client.force_login(user)
    text = client.get(URL).text
    assert 'aria-valuenow="50"' in text and "1 of 2 lessons complete" in text
    assert "Next unread" in text or "Second lesson" in text
    assert "The check" in text and "100.0%" in text and "passed" in text
    assert 'id="reviews-title"' in text and '<p class="display-6 mb-1">1</p>' in text
    assert "CSCE" in text and "First lesson" in text  # weakest concept and where to read it
    assert text.count("<svg") == 2 and "The scores as a table" in text


def test_shows_nothing_of_other_learners(client, setup):
    course, quiz, user = setup
    take(quiz, user, "false", timezone.now())
    client.force_login(UserFactory())
    text = client.get(URL).text
    assert "The check" not in text and "not enrolled in a course yet" in text


def test_nav_bar_shows_reviews_due(client, setup):
    course, quiz, user = setup
    take(quiz, user, "true", timezone.now() - timedelta(days=3))
    ReviewCard.objects.filter(user=user).update(due=timezone.now() - timedelta(minutes=1))
    client.force_login(user)
    text = client.get(reverse("courses:catalog")).text
    assert 'Reviews <span class="badge text-bg-warning">1<span class="visually-hidden"> due' in text


@pytest.mark.parametrize("attempts", [1, 1000])
def test_query_budget_does_not_grow_with_attempts(
    client, setup, django_assert_max_num_queries, attempts
):
    course, quiz, user = setup
    take(quiz, user, "false", timezone.now() - timedelta(days=1))
    template = Attempt.objects.get(user=user)
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(quiz=quiz, user=user, number=n + 2, state="submitted", started_at=now,
                submitted_at=now, score=Decimal(n % 2), max_score=Decimal(1), passed=bool(n % 2))
        for n in range(attempts - 1)
    )  # fmt: skip
    concept = template.quiz.course.concepts.get()
    Evidence.objects.bulk_create(
        Evidence(user=user, concept=concept, fraction=n % 2, at=now) for n in range(attempts)
    )
    client.force_login(user)
    client.get(URL)
    with django_assert_max_num_queries(15):
        assert client.get(URL).status_code == 200


def test_my_data_download_contains_everything_and_only_mine(client, setup):
    course, quiz, user = setup
    take(quiz, user, "false", timezone.now())
    other = UserFactory()
    take(quiz, other, "true", timezone.now())
    client.force_login(user)
    response = client.get(reverse("learning:my_data_download"))
    data = response.json()
    assert "attachment" in response["Content-Disposition"]
    assert data["account"]["username"] == user.username
    assert [a["score"] for a in data["attempts"]] == [1.0]
    assert data["attempts"][0]["responses"][0]["answer"] is False
    assert data["lesson_progress"][0]["lesson"] == "first"
    assert data["reviews"][0]["question"] == "tf"
    assert other.username not in response.text


def test_delete_account_needs_the_password_and_keeps_anonymous_attempts(client, setup):
    course, quiz, user = setup
    take(quiz, user, "false", timezone.now())
    client.force_login(user)
    url = reverse("learning:delete_account")
    response = client.post(url, {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400 and "nothing was deleted" in response.text
    response = client.post(url, {"password": "a-long-test-password", "confirm": "on"}, follow=True)
    assert "were deleted" in response.text
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(pk=user.pk).exists()
    attempt = Attempt.objects.get(quiz=quiz)
    assert attempt.user.username.startswith("deleted-") and not attempt.user.is_active
    assert attempt.user.email == "" and not attempt.user.has_usable_password()
    assert not ReviewCard.objects.exists() and not Evidence.objects.exists()
    assert (
        Client()
        .post(reverse("login"), {"username": attempt.user.username, "password": ""})
        .status_code
        == 200
    )


def test_delete_account_needs_post_and_csrf(setup):
    course, quiz, user = setup
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.get(reverse("learning:delete_account")).status_code == 405
    assert (
        strict.post(
            reverse("learning:delete_account"), {"password": "a-long-test-password"}
        ).status_code
        == 403
    )


def test_concept_page_shows_my_mastery_and_predicted_recall(client, setup):
    course, quiz, user = setup
    take(quiz, user, "false", timezone.now() - timedelta(days=1))
    client.force_login(user)
    text = client.get(reverse("courses:concept", args=[course.slug, "csce"])).text
    assert "Mastery: <strong>Familiar</strong>" in text  # one right answer: 100%, too few for more
    assert "Predicted chance you recall it today" in text
    other = Client()
    other.force_login(UserFactory())
    assert (
        "not answered a question on this concept"
        in other.get(reverse("courses:concept", args=[course.slug, "csce"])).text
    )


def test_progress_counts_published_lessons_in_reading_order(setup):
    course, quiz, user = setup
    second = course.modules.get(slug="m").lessons.get(slug="second")
    LessonFactory(module=second.module, slug="draft", position=0, is_published=False)
    course.modules.filter(slug="m").update(position=2)
    earlier = ModuleFactory(course=course, slug="intro", position=1)
    intro = LessonFactory(module=earlier, slug="intro-lesson", title="Intro", position=5)
    other = UserFactory()
    course_enroll(course=course, user=other)
    lesson_mark(lesson=intro, user=other, complete=True)  # someone else's
    [row] = enrollments_with_progress(user)
    assert (row.done, row.total, row.next_slug, row.next_title) == (1, 3, "intro-lesson", "Intro")
    for lesson in (intro, second):
        lesson_mark(lesson=lesson, user=user, complete=True)
    [row] = enrollments_with_progress(user)
    assert (row.done, row.total, row.next_slug) == (3, 3, None)


def test_no_enrolment_reads_no_lessons(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(1):
        assert enrollments_with_progress(user) == []

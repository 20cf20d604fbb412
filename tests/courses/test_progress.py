"""Enrolment, lesson completion, progress, course completion and certificates."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Certificate, Enrollment, LessonProgress
from courses.progress import ProgressError, course_enroll, lesson_mark
from quizzes.services import attempt_save, attempt_start, attempt_submit
from tests.factories import (
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    UserFactory,
    make_question,
    make_quiz,
)
from tests.quizzes.samples import SPECS
from tests.quizzes.test_attempts import form

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(slug="peace", title="Peace studies")
    module = ModuleFactory(course=course, slug="one", title="Module one")
    LessonFactory(module=module, slug="a", title="Lesson A", position=1)
    LessonFactory(module=module, slug="b", title="Lesson B", position=2)
    LessonFactory(module=module, slug="draft", is_published=False, position=3)
    return course


@pytest.fixture
def learner_client(client):
    client.user = UserFactory(first_name="Lena", last_name="Lernt")
    client.force_login(client.user)
    return client


def post(client, name, *args, **data):
    return client.post(reverse(name, args=args), data, follow=True)


def test_enrol_is_idempotent_and_needs_login(client, learner_client, course):
    assert client.post(reverse("courses:enrol", args=["peace"])).status_code == 302
    post(learner_client, "courses:enrol", "peace")
    post(learner_client, "courses:enrol", "peace")
    assert Enrollment.objects.filter(user=learner_client.user).count() == 1


def test_unpublished_course_cannot_be_enrolled(course, learner_client):
    course.is_published = False
    course.save()
    with pytest.raises(ProgressError, match="not open for enrolment"):
        course_enroll(course=course, user=learner_client.user)
    assert post(learner_client, "courses:enrol", "peace").status_code == 404


def test_marking_needs_enrolment(learner_client, course):
    response = post(learner_client, "courses:mark", "peace", "a")
    assert "Enrol in the course to track your progress." in response.text
    assert not LessonProgress.objects.exists()


def test_mark_and_undo_move_the_bars(learner_client, course):
    post(learner_client, "courses:enrol", "peace")
    text = learner_client.get(course.get_absolute_url()).text
    assert 'aria-valuenow="0"' in text and "Mark the 2 remaining lessons complete." in text
    response = post(learner_client, "courses:mark", "peace", "a", complete="1")
    assert "You marked this lesson complete." in response.text
    text = learner_client.get(course.get_absolute_url()).text
    assert 'aria-valuenow="50"' in text and "1 of 2 lessons complete" in text
    post(learner_client, "courses:mark", "peace", "a", complete="0")
    assert 'aria-valuenow="0"' in learner_client.get(course.get_absolute_url()).text


def test_continue_where_you_left_off(learner_client, course):
    post(learner_client, "courses:enrol", "peace")
    learner_client.get(reverse("courses:lesson", args=["peace", "b"]))
    text = learner_client.get(course.get_absolute_url()).text
    assert "Continue where you left off: Lesson B" in text


def test_completing_every_lesson_issues_one_certificate(learner_client, course):
    post(learner_client, "courses:enrol", "peace")
    post(learner_client, "courses:mark", "peace", "a")
    response = post(learner_client, "courses:mark", "peace", "b")
    certificate = Certificate.objects.get()
    assert "You completed the course" in response.text and "Lena Lernt" in response.text
    post(learner_client, "courses:mark", "peace", "b", complete="0")
    post(learner_client, "courses:mark", "peace", "b")
    assert Certificate.objects.count() == 1 and Certificate.objects.get() == certificate
    assert Enrollment.objects.get().completed_at is not None


def test_a_required_quiz_must_be_passed_too(course):
    user = UserFactory()
    course_enroll(course=course, user=user)
    from tests.factories import SourceFactory

    SourceFactory(course=course, slug="src")
    quiz = make_quiz(
        course, [make_question(course, SPECS["true_false"])], required=True, pass_mark=50
    )
    for slug in ("a", "b"):
        lesson_mark(lesson=course.modules.get().lessons.get(slug=slug), user=user, complete=True)
    assert not Certificate.objects.exists()
    attempt = attempt_start(quiz=quiz, user=user)
    attempt_save(attempt=attempt, data=form(q1="false"))
    attempt_submit(attempt=attempt)
    assert Certificate.objects.get().enrollment.user == user


def test_public_verification_shows_name_course_date_and_nothing_else(learner_client, course):
    post(learner_client, "courses:enrol", "peace")
    post(learner_client, "courses:mark", "peace", "a")
    post(learner_client, "courses:mark", "peace", "b")
    certificate = Certificate.objects.get()
    anonymous = Client()
    text = anonymous.get(certificate.get_absolute_url()).text
    assert "Lena Lernt" in text and "Peace studies" in text
    assert learner_client.user.email not in text and learner_client.user.username not in text
    assert anonymous.get("/certificates/not-a-real-code/").status_code == 404


def test_printable_certificate_is_for_its_owner_only(learner_client, course):
    post(learner_client, "courses:enrol", "peace")
    post(learner_client, "courses:mark", "peace", "a")
    post(learner_client, "courses:mark", "peace", "b")
    url = reverse("courses:certificate_print", args=[Certificate.objects.get().code])
    assert learner_client.get(url).status_code == 200
    other = Client()
    other.force_login(UserFactory())
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_certificate_codes_are_long_and_random(course):
    codes = set()
    for _ in range(3):
        user = UserFactory()
        enrollment = course_enroll(course=course, user=user)
        codes.add(
            Certificate.objects.create(enrollment=enrollment, name="x", course_title="y").code
        )
    assert len(codes) == 3 and all(len(code) >= 22 for code in codes)


def test_mark_and_enrol_need_post_and_csrf(course):
    user = UserFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.get(reverse("courses:enrol", args=["peace"])).status_code == 405
    assert strict.post(reverse("courses:enrol", args=["peace"])).status_code == 403
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("lessons", [5, 200])
def test_enrolled_learner_page_budgets(learner_client, django_assert_max_num_queries, lessons):
    course = CourseFactory(slug=f"big-{lessons}")
    modules = [ModuleFactory(course=course) for _ in range(4)]
    all_lessons = [LessonFactory(module=modules[i % 4]) for i in range(lessons)]
    course_enroll(course=course, user=learner_client.user)
    for lesson in all_lessons[::2]:
        lesson_mark(lesson=lesson, user=learner_client.user, complete=True)
    url = all_lessons[1].get_absolute_url()
    learner_client.get(url)  # the first visit records it as the last lesson seen
    with django_assert_max_num_queries(10):
        assert learner_client.get(url).status_code == 200
    with django_assert_max_num_queries(15):
        assert learner_client.get(course.get_absolute_url()).status_code == 200

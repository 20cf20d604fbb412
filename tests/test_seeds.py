"""The shipped course loads, reloads without change, and every page of it renders."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from courses.models import Concept, Course, Lesson
from quizzes.models import Question, Quiz
from quizzes.questionspec import KINDS
from quizzes.services import attempt_start

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
COURSES = sorted(p for p in SEEDS.iterdir() if (p / "course.yaml").exists())


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for path in COURSES:
            call_command("loadcourse", str(path), stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        Course.objects.all().delete()


@pytest.mark.parametrize("path", COURSES, ids=lambda p: p.name)
@pytest.mark.django_db
def test_second_load_changes_nothing(loaded, path):
    out = StringIO()
    call_command("loadcourse", str(path), stdout=out)
    assert "No changes" in out.getvalue()


@pytest.mark.django_db
def test_the_course_is_complete(loaded):
    course = Course.objects.get(slug="indivisible-security")
    assert Lesson.objects.in_course(course).count() >= 16
    assert Question.objects.filter(course=course).count() >= 150
    assert set(Question.objects.values_list("kind", flat=True)) == set(KINDS)


@pytest.mark.django_db
def test_every_page_of_the_course_renders(loaded, client, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="x-long-password")
    client.force_login(reader)
    urls = [c.get_absolute_url() for c in Course.objects.all()]
    lessons = Lesson.objects.select_related("module__course")
    urls += [lesson.get_absolute_url() for lesson in lessons]
    urls += [c.get_absolute_url() for c in Concept.objects.select_related("course")]
    urls += [q.get_absolute_url() for q in Quiz.objects.select_related("course")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.text.count("<h1") == 1, url


@pytest.mark.django_db
def test_every_quiz_can_be_started_and_rendered(loaded, client, django_user_model):
    user = django_user_model.objects.create_user("taker", password="x-long-password")
    client.force_login(user)
    for quiz in Quiz.objects.select_related("course"):
        attempt = attempt_start(quiz=quiz, user=user)
        response = client.get(attempt.get_absolute_url())
        assert response.status_code == 200, quiz.slug
        assert "explanation" not in response.text.lower(), quiz.slug

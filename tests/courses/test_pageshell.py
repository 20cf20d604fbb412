"""Cached lesson shells (courses/pageshell.py): the same page, fresh after edits, nothing shared
between viewers but the lesson itself."""

import re
import shutil

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from courses import pageshell
from courses.models import Course, Enrollment, LessonProgress
from quizzes.models import Quiz
from tests.courses.test_loadcourse import FILES
from tests.factories import (
    CitationFactory,
    ConceptFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    SourceFactory,
    UserFactory,
    make_quiz,
)

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def lesson():
    course = CourseFactory(slug="peace", title="Peace studies")
    module = ModuleFactory(course=course, slug="history", title="History")
    first = LessonFactory(module=module, slug="first", title="First lesson", body="Some *text*.")
    first.concepts.add(ConceptFactory(course=course, slug="calm", term="Calm"))
    CitationFactory(lesson=first, source=SourceFactory(course=course), locator="Section 4")
    LessonFactory(module=module, slug="second", title="Second lesson")
    LessonFactory(module=module, slug="draft", title="Draft lesson", is_published=False)
    make_quiz(course, [], slug="check", title="Lesson check", lesson=first)
    return first


def page(client, lesson, settings, shells: bool) -> str:
    settings.PAGE_SHELLS = shells
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    return CSRF.sub('name="csrfmiddlewaretoken" value="-"', response.content.decode())


def viewer(client, state: str, lesson):
    """Log `client` in as a viewer in `state`; returns the page to look at."""
    course = lesson.module.course
    if state == "anonymous":
        return lesson
    user = UserFactory(username=f"viewer-{state}")
    client.force_login(user)
    if state in {"enrolled", "done"}:
        Enrollment.objects.create(user=user, course=course)
    if state == "done":
        LessonProgress.objects.create(user=user, lesson=lesson, completed_at=lesson.updated_at)
    if state == "instructor":
        user.is_staff = True
        user.save()
        course.instructors.add(user)
        return course.modules.get().lessons.get(slug="draft")
    return lesson


@pytest.mark.parametrize("state", ["anonymous", "signed-in", "enrolled", "done", "instructor"])
def test_the_cached_page_is_the_page_rendered_whole(client, settings, lesson, state):
    shown = viewer(client, state, lesson)
    whole = page(client, shown, settings, shells=False)
    page(client, shown, settings, shells=True)  # renders and caches the shell
    assert page(client, shown, settings, shells=True) == whole  # served from the shell
    assert shown.title in whole


def test_messages_are_shown_once_and_never_cached(client, lesson):
    client.force_login(UserFactory())
    client.get(lesson.get_absolute_url())  # the shell is cached before the message exists
    client.post(reverse("courses:enrol", args=[lesson.module.course.slug]))
    assert "You are enrolled in Peace studies." in client.get(lesson.get_absolute_url()).text
    assert "You are enrolled" not in client.get(lesson.get_absolute_url()).text


def test_no_viewer_data_in_the_shell_or_in_another_viewers_page(client, lesson):
    first, second = UserFactory(username="first-viewer"), UserFactory(username="second-viewer")
    Enrollment.objects.create(user=first, course=lesson.module.course)
    client.force_login(first)
    mine = client.get(lesson.get_absolute_url()).text
    token = CSRF.search(mine).group(0)
    (key,) = [k for k in cache._cache if "shell:" in k]  # locmem: the one shell written
    shell = "".join(cache.get(key.split(":", 2)[2]).parts)
    assert "first-viewer" not in shell and "csrfmiddlewaretoken" not in shell
    assert "Mark as complete" not in shell and "Log out" not in shell
    client.force_login(second)
    theirs = client.get(lesson.get_absolute_url()).text
    assert "first-viewer" not in theirs and token not in theirs
    assert "second-viewer" in theirs and "Enrol to track your progress" in theirs


def rename_lesson(lesson):
    lesson.title = "Renamed lesson"
    lesson.save()


def rename_citation(lesson):
    citation = lesson.citations.get()
    citation.locator = "Renamed lesson"
    citation.save()


def add_concept(lesson):
    lesson.concepts.add(ConceptFactory(course=lesson.module.course, term="Renamed lesson"))


def rename_quiz(lesson):
    quiz = Quiz.objects.get(lesson=lesson)
    quiz.title = "Renamed lesson"
    quiz.save()


def rename_module(lesson):
    module = lesson.module
    module.title = "Renamed lesson"
    module.save()


@pytest.mark.parametrize(
    "edit", [rename_lesson, rename_citation, add_concept, rename_quiz, rename_module]
)
def test_an_edit_shows_at_once(client, lesson, edit):
    client.get(lesson.get_absolute_url())
    assert "Renamed lesson" not in client.get(lesson.get_absolute_url()).text
    edit(lesson)
    assert "Renamed lesson" in client.get(lesson.get_absolute_url()).text


def test_unpublishing_a_lesson_hides_its_cached_page(client, lesson):
    assert client.get(lesson.get_absolute_url()).status_code == 200
    lesson.is_published = False
    lesson.save()
    assert client.get(lesson.get_absolute_url()).status_code == 404


def test_a_reload_of_changed_files_moves_the_version(tmp_path):
    folder = shutil.copytree(FILES / "mini-course", tmp_path / "mini-course")
    call_command("loadcourse", str(folder), verbosity=0)
    course = Course.objects.get()
    before = course.updated_at
    call_command("loadcourse", str(folder), verbosity=0)  # no change: same version
    assert Course.objects.get().updated_at == before
    course_yaml = folder / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("title:", "title: New", 1))
    call_command("loadcourse", str(folder), verbosity=0)
    assert Course.objects.get().updated_at > before


def test_a_csrf_token_outside_a_hole_is_refused_not_cached(rf):
    from django.contrib.auth.forms import AuthenticationForm

    with pytest.raises(ImproperlyConfigured, match="csrf_token"):
        pageshell.render_shell("registration/login.html", {"form": AuthenticationForm()})


def test_lesson_text_cannot_forge_a_hole(client, settings, lesson):
    forged = pageshell.hole_marker(0).replace(pageshell._marker_sign(), "0" * 24)
    lesson.body = f"Before {forged} after"
    lesson.save()
    text = client.get(lesson.get_absolute_url()).text
    assert "Before" in text and "after" in text


def test_cached_lesson_query_budget(client, django_assert_max_num_queries, lesson):
    client.get(lesson.get_absolute_url())
    with django_assert_max_num_queries(1):  # the course; the lesson's id is in its shell
        assert client.get(lesson.get_absolute_url()).status_code == 200
    user = UserFactory()
    Enrollment.objects.create(user=user, course=lesson.module.course)
    client.force_login(user)
    client.get(lesson.get_absolute_url())
    # session, user, course, taught courses, the lesson's mark, the enrolment
    with django_assert_max_num_queries(6):
        assert client.get(lesson.get_absolute_url()).status_code == 200

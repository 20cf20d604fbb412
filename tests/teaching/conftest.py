from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Cohort, Enrollment
from quizzes.models import Attempt
from quizzes.services import attempt_save, attempt_start, attempt_submit
from tests.factories import CourseFactory, LessonFactory, ModuleFactory, UserFactory, make_quiz
from tests.quizzes.test_attempts import right_form


@pytest.fixture(autouse=True)
def cohort_urls(settings):
    """Serve /cohorts/join/ in tests even before the site's urls.py mounts it."""
    settings.ROOT_URLCONF = "tests.teaching.urls"


@pytest.fixture
def instructor(db):
    return UserFactory(username="ines")


@pytest.fixture
def course(instructor):
    """A course taught by `instructor`, with five published lessons and one draft."""
    course = CourseFactory(slug="peace", title="Peace studies")
    course.instructors.add(instructor)
    module = ModuleFactory(course=course)
    course.lessons = [LessonFactory(module=module, slug=f"l{i}") for i in range(5)]
    LessonFactory(module=module, slug="draft", is_published=False)
    return course


@pytest.fixture
def other_instructor(db):
    """Teaches another course, not `course`."""
    user = UserFactory(username="otto")
    CourseFactory(slug="other").instructors.add(user)
    return user


def enrol(user, course, cohort=None) -> Enrollment:
    return Enrollment.objects.create(user=user, course=course, cohort=cohort)


def cohort(course, name="Autumn") -> Cohort:
    return Cohort.objects.create(course=course, name=name)


def attempt(quiz, user, number, score, max_score=10, *, final=True, state="submitted"):
    """An attempt row with a score, as if graded (no responses: the gradebook reads totals)."""
    return Attempt.objects.create(
        quiz=quiz, user=user, number=number, state=state,
        needs_grading=not final and state == "submitted",
        started_at=timezone.now() - timedelta(hours=1),
        submitted_at=timezone.now() if state == "submitted" else None,
        score=None if score is None else Decimal(str(score)), max_score=Decimal(str(max_score)),
    )  # fmt: skip


def submitted_essay_attempt(quiz, user) -> Attempt:
    """A real attempt through the services, answered right; its essay awaits grading."""
    started = attempt_start(quiz=quiz, user=user)
    assert attempt_save(attempt=started, data=right_form(started)) == {}
    return attempt_submit(attempt=started)


@pytest.fixture
def essay_quiz(quiz_course, instructor):
    """The sample course (`qc`, one question of each kind), taught by `instructor`."""
    quiz_course.instructors.add(instructor)
    return make_quiz(
        quiz_course, list(quiz_course.sample_questions.values()), slug="all-kinds",
        title="All kinds",
    )  # fmt: skip

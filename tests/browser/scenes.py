"""Data states built through the services (fast), for tests that look at pages rather
than walk the way there: a learner part-way through everything."""

import importlib
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import Group

from courses.models import Certificate, Lesson
from courses.progress import course_enroll, lesson_mark
from quizzes.models import Attempt, Response
from quizzes.services import attempt_save, attempt_start, attempt_submit, response_grade
from tests.factories import UserFactory
from tests.quizzes.test_attempts import right_form


@dataclass
class LearnerScene:
    learner: object
    instructor: object
    result: Attempt  # submitted, graded, passed: the course is complete
    running: Attempt | None  # the next attempt, in progress with a few answers saved
    certificate: Certificate | None


def instructor_of(course, username: str = "ines"):
    """Staff in the "Instructor" group, teaching `course`.

    The group comes from a data migration, and a live-server test's database is emptied
    between tests, so the migration's own function puts it back when it is missing.
    """
    migration = importlib.import_module("quizzes.migrations.0003_instructor_group")
    if not Group.objects.filter(name=migration.GROUP).exists():
        migration.create_group(apps, None)
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=migration.GROUP))
    course.instructors.add(user)
    return user


def learner_scene(course, *, graded: bool = True) -> LearnerScene:
    """A learner who read every lesson and took the final test with one wrong and one
    partly right answer; the essay's review card is due.

    Graded: the instructor graded the essay, so the test is passed, the course complete
    with a certificate, and a second attempt is under way. Not graded: the essay waits.
    """
    learner = UserFactory(username="lena", first_name="Lena", last_name="Lind")
    instructor = instructor_of(course)
    course_enroll(course=course, user=learner)
    for lesson in Lesson.objects.published().in_course(course):
        lesson_mark(lesson=lesson, user=learner, complete=True)

    result = attempt_start(quiz=course.final, user=learner)
    answers = right_form(result)
    responses = result.responses.select_related("version")
    slots = {r.version.data["kind"]: f"q{r.slot}" for r in responses}
    answers[slots["true_false"]] = "true"  # wrong
    answers[slots["numeric"]] = "1976"  # within the tolerance: half marks
    assert attempt_save(attempt=result, data=answers) == {}
    attempt_submit(attempt=result)
    if not graded:
        return LearnerScene(learner, instructor, result, None, None)
    essay = Response.objects.get(attempt=result, needs_grading=True)
    response_grade(response=essay, score=essay.points, comment="Well argued.", grader=instructor)

    running = attempt_start(quiz=course.final, user=learner)
    partial = right_form(running)
    keep = {slots["single"], slots["short_answer"]}
    for name in list(partial):
        if name.split("-")[0] not in keep:
            del partial[name]
    assert attempt_save(attempt=running, data=partial) == {}
    return LearnerScene(
        learner, instructor, Attempt.objects.get(pk=result.pk), running,
        Certificate.objects.get(enrollment__user=learner),
    )  # fmt: skip

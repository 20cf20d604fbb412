"""Enrolment, lesson completion, progress and course completion.

A course is complete when every published lesson is marked complete and every other
registered requirement is met (the quizzes app registers "every required quiz passed").
Completing stamps the enrolment and issues a certificate, once. Requirements are
registered functions, so this module never imports the apps that add them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from courses.models import Certificate, Cohort, Course, Enrollment, Lesson, LessonProgress, Module

# Messages stay English constants (tests and callers compare them); raisers translate them.
NOT_PUBLISHED = gettext_noop("This course is not open for enrolment.")
NOT_ENROLLED = gettext_noop("Enrol in the course to track your progress.")
UNKNOWN_CODE = gettext_noop("No cohort has this join code. Check it with your instructor.")


class ProgressError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class Unmet:
    """One thing still standing between a learner and completing a course."""

    text: str
    url: str = ""


Requirement = Callable[[Enrollment], list[Unmet]]
_REQUIREMENTS: list[Requirement] = []


def register_requirement(requirement: Requirement) -> None:
    """Called from an AppConfig.ready(); registering twice is harmless."""
    if requirement not in _REQUIREMENTS:
        _REQUIREMENTS.append(requirement)


@dataclass
class ModuleProgress:
    module: Module
    lessons: list[Lesson]  # each with .done

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.done)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class CourseProgress:
    modules: list[ModuleProgress]
    unmet: list[Unmet] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(m.done for m in self.modules)

    @property
    def total(self) -> int:
        return sum(m.total for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def next_lesson(self) -> Lesson | None:
        return next((lesson for m in self.modules for lesson in m.lessons if not lesson.done), None)


def lessons_with_done(course: Course, user):
    """Published lessons in reading order, each annotated with `done` for the user (1 query)."""
    completed = LessonProgress.objects.filter(
        lesson=OuterRef("pk"), user=user, completed_at__isnull=False
    )
    return (
        Lesson.objects.published().in_course(course).in_reading_order()
        .select_related("module").annotate(done=Exists(completed))
    )  # fmt: skip


def course_progress(*, course: Course, user, with_unmet: bool = False) -> CourseProgress:
    modules: dict[int, ModuleProgress] = {}
    for lesson in lessons_with_done(course, user):
        modules.setdefault(lesson.module_id, ModuleProgress(lesson.module, [])).lessons.append(
            lesson
        )
    progress = CourseProgress(list(modules.values()))
    if with_unmet:
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
        progress.unmet = enrollment_unmet(enrollment, progress) if enrollment else []
    return progress


def enrollment_unmet(enrollment: Enrollment, progress: CourseProgress | None = None) -> list[Unmet]:
    progress = progress or course_progress(course=enrollment.course, user=enrollment.user)
    unmet = []
    left = progress.total - progress.done
    if left:
        text = ngettext(
            "Mark the %(count)d remaining lesson complete.",
            "Mark the %(count)d remaining lessons complete.",
            left,
        )
        unmet.append(Unmet(text % {"count": left}))
    for requirement in _REQUIREMENTS:
        unmet += requirement(enrollment)
    return unmet


def course_enroll(*, course: Course, user, cohort: Cohort | None = None) -> Enrollment:
    """Enrol (idempotent); joining a cohort of the course sets it on the enrolment."""
    if not course.is_published:
        raise ProgressError(gettext(NOT_PUBLISHED), "not_published")
    try:
        with transaction.atomic():
            enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course)
    except IntegrityError:  # a concurrent request enrolled first
        enrollment = Enrollment.objects.get(user=user, course=course)
    if cohort and enrollment.cohort_id != cohort.pk:
        enrollment.cohort = cohort
        enrollment.save(update_fields=["cohort"])
    return enrollment


def cohort_join(*, code: str, user) -> Enrollment:
    cohort = Cohort.objects.select_related("course").filter(join_code=code.strip().upper()).first()
    if cohort is None:
        raise ProgressError(gettext(UNKNOWN_CODE), "unknown_code")
    return course_enroll(course=cohort.course, user=user, cohort=cohort)


def lesson_seen(*, lesson: Lesson, enrollment: Enrollment) -> None:
    """Remember the last lesson opened, for "Continue where you left off" (one UPDATE at most)."""
    if enrollment.last_lesson_id != lesson.pk:
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson)
        enrollment.last_lesson = lesson


@transaction.atomic
def lesson_mark(
    *, lesson: Lesson, user, complete: bool, now: datetime | None = None
) -> Certificate | None:
    """Mark a lesson complete (or undo); returns the certificate if this completed the course."""
    enrollment = Enrollment.objects.filter(user=user, course=lesson.module.course_id).first()
    if enrollment is None:
        raise ProgressError(gettext(NOT_ENROLLED), "not_enrolled")
    now = now or timezone.now()
    progress, _ = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    progress.completed_at = now if complete else None
    progress.save(update_fields=["completed_at", "last_seen"])
    return enrollment_check_completion(enrollment=enrollment, now=now) if complete else None


@transaction.atomic
def enrollment_check_completion(
    *, enrollment: Enrollment, now: datetime | None = None
) -> Certificate | None:
    """Stamp the enrolment and issue its certificate when nothing is left; exactly once."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("course", "user")
        .get(pk=enrollment.pk)
    )
    if enrollment.completed_at or enrollment_unmet(enrollment):
        return None
    enrollment.completed_at = now or timezone.now()
    enrollment.save(update_fields=["completed_at"])
    user = enrollment.user
    return Certificate.objects.create(
        enrollment=enrollment, name=user.get_full_name() or user.get_username(),
        course_title=enrollment.course.title,
    )  # fmt: skip

"""The learner's dashboard, read with a fixed number of queries.

What grows with the learner's history is aggregated in the database (best and last
scores per quiz, the mastery window), so the page costs the same for a learner with one
attempt or a thousand; lesson progress is counted in Python from the courses' lessons.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from courses.models import Concept, Enrollment, Lesson, LessonProgress
from quizzes.mastery import Mastery, concept_mastery
from quizzes.models import Attempt

WEAKEST = 5
SCORE_HISTORY = 30

PERCENT = ExpressionWrapper(F("score") * 100.0 / F("max_score"), output_field=FloatField())


def enrollments_with_progress(user) -> list[Enrollment]:
    """Enrolments, newest first, each with lessons `done` of `total` and the next unread.

    Three narrow queries (the enrolments, the courses' published lessons in reading
    order, the learner's completions), counted here: the correlated subqueries they
    replaced, one per figure and the next lesson's twice, cost more than the rest of the
    page's queries together on SQLite. Lessons are per course, not per attempt, so the
    cost stays fixed as the learner's history grows.
    """
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("course", "last_lesson", "certificate")
        .order_by("-enrolled_at")
    )
    if not enrollments:
        return []
    courses = [e.course_id for e in enrollments]
    lessons = (
        Lesson.objects.published().filter(module__course__in=courses).in_reading_order()
        .values_list("pk", "module__course_id", "slug", "title")
    )  # fmt: skip
    completed = set(
        LessonProgress.objects.filter(
            user=user, completed_at__isnull=False, lesson__module__course__in=courses
        ).values_list("lesson_id", flat=True)
    )
    by_course: dict[int, list[tuple]] = {}
    for pk, course_id, slug, title in lessons:
        by_course.setdefault(course_id, []).append((pk, slug, title))
    for enrollment in enrollments:
        rows = by_course.get(enrollment.course_id, [])
        unread = [(slug, title) for pk, slug, title in rows if pk not in completed]
        enrollment.total, enrollment.done = len(rows), len(rows) - len(unread)
        enrollment.next_slug, enrollment.next_title = unread[0] if unread else (None, None)
    return enrollments


@dataclass(frozen=True)
class QuizRow:
    quiz_title: str
    course_slug: str
    quiz_slug: str
    attempts: int
    best: float | None
    last: float | None
    passed: bool
    awaiting: int
    marks_hidden: bool  # the quiz's review policy hides every final attempt's marks for now


def quiz_history(user, hidden: set[int] = frozenset()) -> list[QuizRow]:
    """Per quiz: attempts, best and last score (final attempts), passed, awaiting grading.

    Attempts in `hidden` (marks the review policy hides now; see quizzes.review
    attempts_hiding) count as attempts but give no score and no pass.
    """
    shown = ~Q(pk__in=hidden) if hidden else Q()
    final = (
        Attempt.objects.filter(
            user=user, quiz=OuterRef("quiz"), state=Attempt.State.SUBMITTED, needs_grading=False
        )
        .exclude(pk__in=hidden)
        .order_by("-submitted_at")
    )
    rows = (
        Attempt.objects.filter(user=user, state=Attempt.State.SUBMITTED)
        .values("quiz", "quiz__title", "quiz__slug", "quiz__course__slug")
        .annotate(
            n=Count("pk"),
            best=Max(PERCENT, filter=Q(needs_grading=False) & shown),
            last=Subquery(final.annotate(p=PERCENT).values("p")[:1]),
            passed=Max(Case(When(Q(passed=True) & shown, then=1), default=0)),
            awaiting=Count("pk", filter=Q(needs_grading=True)),
            withheld=Count("pk", filter=Q(needs_grading=False) & ~shown) if hidden else Value(0),
            latest=Max("submitted_at"),
        )
        .order_by("-latest")
    )
    return [
        QuizRow(r["quiz__title"], r["quiz__course__slug"], r["quiz__slug"], r["n"],
                _round(r["best"]), _round(r["last"]), bool(r["passed"]), r["awaiting"],
                marks_hidden=r["best"] is None and r["withheld"] > 0)
        for r in rows
    ]  # fmt: skip


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def score_history(user, hidden: set[int] = frozenset()) -> list[tuple[datetime, float, str]]:
    """The latest final attempts whose marks are shown, oldest first, for the chart."""
    rows = (
        Attempt.objects.filter(
            user=user, state=Attempt.State.SUBMITTED, needs_grading=False, max_score__gt=0
        )
        .exclude(pk__in=hidden)
        .annotate(p=PERCENT).order_by("-submitted_at")
        .values_list("submitted_at", "p", "quiz__title")[:SCORE_HISTORY]
    )  # fmt: skip
    return [(at, float(p), title) for at, p, title in reversed(rows)]


@dataclass(frozen=True)
class ConceptRow:
    concept: Concept
    mastery: Mastery
    lessons: list[dict]


def mastery_rows(user, hidden: set[int] = frozenset()) -> list[ConceptRow]:
    """Every concept the learner has evidence for, weakest first, with lessons that teach it.

    Answers in `hidden` attempts do not count yet: a mastery score would tell their marks.
    """
    mastery = concept_mastery(user=user, hidden_attempts=hidden)
    if not mastery:
        return []
    concepts = Concept.objects.filter(pk__in=mastery).select_related("course")
    lessons: dict[int, list[dict]] = {}
    taught = (
        Lesson.objects.published().filter(concepts__in=mastery)
        .values_list("concepts", "slug", "title", "module__course__slug")
        .order_by("module__position", "position")
    )  # fmt: skip
    for concept_id, slug, title, course_slug in taught:
        lessons.setdefault(concept_id, []).append(
            {"slug": slug, "title": title, "course": course_slug}
        )
    rows = [ConceptRow(c, mastery[c.pk], lessons.get(c.pk, [])) for c in concepts]
    return sorted(
        rows, key=lambda r: (r.mastery.score if r.mastery.score is not None else 0, r.concept.term)
    )

"""Reads for the instructor pages; each page's queries are fixed whatever the course's size.

The gradebook has its own module (teaching/gradebook.py).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from courses.models import Cohort, Course, Enrollment, Lesson, LessonProgress
from quizzes.cards import ReviewCard, review_cards
from quizzes.models import REVIEW_ITEMS, Attempt, Response
from teaching.gradebook import EMPTY, Cell, gradebook_cells, gradebook_quizzes, learners

BANDS = 5
"""Progress is shown in five bands of 20% of the course's lessons."""


def courses_with_counts(courses: QuerySet) -> QuerySet:
    return courses.annotate(learner_count=Count("enrollments")).order_by("title")


def cohort_choice(course: Course, raw: str | None) -> tuple[list[Cohort], Cohort | None]:
    """The course's cohorts and the one `?cohort=` names (None when absent); 404 for another's."""
    cohorts = list(course.cohorts.order_by("name"))
    if not raw:
        return cohorts, None
    chosen = next((c for c in cohorts if str(c.pk) == raw), None)
    if chosen is None:
        raise Http404("No such cohort in this course.")
    return cohorts, chosen


@dataclass(frozen=True)
class Band:
    label: str
    count: int


@dataclass(frozen=True)
class Overview:
    learner_count: int
    lesson_count: int
    bands: list[Band]
    awaiting_grading: int


def published_lessons(course: Course) -> QuerySet:
    return Lesson.objects.published().in_course(course)


def progress_bands(course: Course, cohort: Cohort | None) -> tuple[int, list[Band]]:
    """(lessons, bands): learners by the share of published lessons they completed.

    Band k holds learners with k/5 <= completed/lessons < (k+1)/5; a learner who completed
    everything is in the last band. One query counts the lessons, one counts every band.
    """
    lesson_count = published_lessons(course).count()
    done = (
        LessonProgress.objects.filter(
            user=OuterRef("user_id"),
            completed_at__isnull=False,
            lesson__in=published_lessons(course),
        )
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = learners(course, cohort).annotate(
        done=Coalesce(Subquery(done, output_field=IntegerField()), 0)
    )
    counts = rows.aggregate(
        **{f"b{k}": Count("pk", filter=_band(k, lesson_count)) for k in range(BANDS)}
    )
    step = 100 // BANDS
    return lesson_count, [
        Band(f"{k * step}–{(k + 1) * step}%", counts[f"b{k}"]) for k in range(BANDS)
    ]


def _band(k: int, lessons: int) -> Q:
    """k/5 <= done/lessons < (k+1)/5, the last band closed at 100%."""
    condition = Q(done__gte=k * lessons / BANDS)
    if k < BANDS - 1:
        condition &= Q(done__lt=(k + 1) * lessons / BANDS)
    return condition


def awaiting_grading(course: Course, cohort: Cohort | None = None) -> QuerySet:
    """Essay responses waiting for a grade, oldest submission first."""
    responses = Response.objects.filter(
        needs_grading=True,
        attempt__state=Attempt.State.SUBMITTED,
        attempt__quiz__course=course,
    )
    if cohort is not None:
        member = Enrollment.objects.filter(
            user=OuterRef("attempt__user_id"), course=course, cohort=cohort
        )
        responses = responses.filter(Exists(member))
    return responses.order_by("attempt__submitted_at", "attempt_id", "slot")


def course_overview(course: Course, cohort: Cohort | None) -> Overview:
    lesson_count, bands = progress_bands(course, cohort)
    return Overview(
        learner_count=sum(b.count for b in bands),
        lesson_count=lesson_count,
        bands=bands,
        awaiting_grading=awaiting_grading(course, cohort).count(),
    )


@dataclass(frozen=True)
class QuizLine:
    quiz: object
    cell: Cell
    attempts: list[Attempt]


@dataclass(frozen=True)
class LearnerReport:
    enrollment: Enrollment
    lesson_count: int
    completed: int
    last_seen: datetime | None
    quizzes: list[QuizLine]


def learner_report(course: Course, user_id: int) -> LearnerReport:
    """An enrolled learner's progress and attempts in the course; 404 for anyone else."""
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("user", "cohort"), course=course, user_id=user_id
    )
    progress = LessonProgress.objects.filter(
        user_id=user_id, lesson__module__course=course
    ).aggregate(
        completed=Count(
            "pk", filter=Q(completed_at__isnull=False, lesson__in=published_lessons(course))
        ),
        last_seen=Max("last_seen"),
    )
    quizzes = gradebook_quizzes(course)
    cells = gradebook_cells(quizzes, [user_id])
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(quiz__course=course, user_id=user_id).order_by("number"):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    return LearnerReport(
        enrollment=enrollment,
        lesson_count=published_lessons(course).count(),
        completed=progress["completed"],
        last_seen=progress["last_seen"],
        quizzes=[
            QuizLine(q, cells.get((user_id, q.pk), EMPTY), attempts.get(q.pk, []))
            for q in quizzes
            if q.pk in attempts
        ],
    )


def course_attempt(course: Course, pk: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("quiz", "user"), quiz__course=course, pk=pk
    )


@dataclass(frozen=True)
class InstructorCard:
    card: ReviewCard
    response: Response

    @property
    def guidance(self) -> str:
        return self.response.version.data.get("guidance") or ""


def attempt_cards_for_instructor(course: Course, attempt: Attempt) -> list[InstructorCard]:
    """Every response with everything the review can show: answers, keys, feedback."""
    responses = list(attempt.responses.select_related("version").order_by("slot"))
    cards = review_cards(responses, frozenset(REVIEW_ITEMS), course)
    return [InstructorCard(c, r) for c, r in zip(cards, responses, strict=True)]


def gradable_response(course: Course, pk: int) -> Response:
    """An essay response of a submitted attempt in the course, or 404."""
    response = (
        Response.objects.select_related("version", "attempt__quiz", "attempt__user", "graded_by")
        .filter(pk=pk, attempt__quiz__course=course, attempt__state=Attempt.State.SUBMITTED)
        .first()
    )
    if response is None or response.version.data.get("kind") != "essay":
        raise Http404("No such essay response.")
    return response


def cohorts_with_counts(course: Course) -> QuerySet:
    return course.cohorts.annotate(member_count=Count("enrollments")).order_by("name")

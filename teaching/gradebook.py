"""The gradebook: every learner's grade in every quiz of a course, computed by the database.

A grade follows quizzes.selectors.quiz_grade: only final attempts count (submitted,
nothing awaiting grading, a maximum above zero); the quiz's grading method takes the
highest or the average of their percents, or the percent of the first or the last by
attempt number. Highest and average are aggregates; first and last are subqueries, so
no attempt is ever loaded into Python. A page costs the same few queries whatever the
number of learners and quizzes; the CSV export reads learners in batches.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower

from courses.models import Cohort, Course, Enrollment
from quizzes.models import Attempt, GradingMethod, Quiz

PAGE_SIZE = 50
CSV_BATCH = 500
"""Learners per query while exporting: memory stays flat however large the course."""

PERCENT = Cast("score", FloatField()) * Value(100.0) / Cast("max_score", FloatField())
FINAL = Q(state=Attempt.State.SUBMITTED, needs_grading=False, max_score__gt=0)
NAME_ORDER = (Lower("user__last_name"), Lower("user__first_name"), Lower("user__username"), F("pk"))
LEARNER_FIELDS = (
    "user_id",
    "user__username",
    "user__first_name",
    "user__last_name",
    "cohort__name",
)


@dataclass(frozen=True)
class Cell:
    grade: float | None  # percent, rounded to 0.1 as on the learner's quiz page
    attempts: int


EMPTY = Cell(None, 0)


@dataclass(frozen=True)
class Row:
    user_id: int
    username: str
    name: str
    cohort: str
    cells: list[Cell]


@dataclass(frozen=True)
class Sort:
    quiz: Quiz | None  # None: by learner name
    descending: bool = False

    @property
    def param(self) -> str:
        key = f"quiz:{self.quiz.slug}" if self.quiz else "name"
        return f"-{key}" if self.descending else key


@dataclass(frozen=True)
class Gradebook:
    quizzes: list[Quiz]
    page: Page
    rows: list[Row]
    sort: Sort


def gradebook_quizzes(course: Course) -> list[Quiz]:
    """The course's quizzes in reading order (course-wide quizzes last)."""
    return list(
        course.quizzes.order_by(
            F("module__position").asc(nulls_last=True),
            F("lesson__position").asc(nulls_first=True),
            "title",
            "pk",
        )
    )


def parse_sort(raw: str, quizzes: list[Quiz]) -> Sort:
    """`name`, `quiz:<slug>`, either with a leading `-` for descending; anything else: name."""
    descending = raw.startswith("-")
    key = raw.removeprefix("-")
    if key.startswith("quiz:"):
        quiz = next((q for q in quizzes if q.slug == key.removeprefix("quiz:")), None)
        if quiz is not None:
            return Sort(quiz, descending)
        return Sort(None)
    return Sort(None, descending if key == "name" else False)


def learners(course: Course, cohort: Cohort | None) -> QuerySet:
    enrollments = Enrollment.objects.filter(course=course)
    return enrollments.filter(cohort=cohort) if cohort else enrollments


def sorted_learners(course: Course, cohort: Cohort | None, sort: Sort) -> QuerySet:
    """Learner rows (as dicts) in the order asked; learners without a grade sort last."""
    rows = learners(course, cohort).values(*LEARNER_FIELDS)
    if sort.quiz is None:
        return rows.order_by(*(n.desc() if sort.descending else n for n in NAME_ORDER))
    grade = F("sort_grade")
    order = grade.desc(nulls_last=True) if sort.descending else grade.asc(nulls_last=True)
    return rows.annotate(sort_grade=quiz_grade_subquery(sort.quiz)).order_by(order, *NAME_ORDER)


def _final_attempts(quiz):
    """Final attempts of the outer row's learner at `quiz` (a Quiz, or the outer row's)."""
    return Attempt.objects.filter(FINAL, quiz=quiz, user_id=OuterRef("user_id"))


def quiz_grade_subquery(quiz: Quiz) -> Subquery:
    """One learner's grade in one quiz, for sorting learner rows by it."""
    final = _final_attempts(quiz)
    if quiz.grading_method == GradingMethod.AVERAGE:
        return Subquery(final.values("user_id").annotate(grade=Avg(PERCENT)).values("grade"))
    order = {
        GradingMethod.FIRST: F("number").asc(),
        GradingMethod.LAST: F("number").desc(),
    }.get(quiz.grading_method, F("grade").desc())
    return Subquery(final.annotate(grade=PERCENT).order_by(order).values("grade")[:1])


def _first_or_last(order) -> Subquery:
    """The percent of the first or last final attempt of the outer row's learner and quiz."""
    final = _final_attempts(OuterRef("quiz_id")).order_by(order)
    return Subquery(final.annotate(grade=PERCENT).values("grade")[:1])


def _grade_by_method():
    """The grade under the row's quiz's grading method, for rows grouped by learner and quiz."""
    return Case(
        When(quiz__grading_method=GradingMethod.HIGHEST, then=Max(PERCENT, filter=FINAL)),
        When(quiz__grading_method=GradingMethod.AVERAGE, then=Avg(PERCENT, filter=FINAL)),
        When(quiz__grading_method=GradingMethod.FIRST, then=_first_or_last(F("number").asc())),
        When(quiz__grading_method=GradingMethod.LAST, then=_first_or_last(F("number").desc())),
        output_field=FloatField(),
    )


def gradebook_cells(quizzes: list[Quiz], user_ids: Iterable[int]) -> dict[tuple[int, int], Cell]:
    """{(user id, quiz id): Cell} for the given learners, in one grouped query."""
    user_ids = list(user_ids)
    if not quizzes or not user_ids:
        return {}
    rows = (
        Attempt.objects.filter(quiz__in=quizzes, user_id__in=user_ids)
        .values("user_id", "quiz_id", "quiz__grading_method")
        .annotate(attempts=Count("pk"), grade=_grade_by_method())
        .order_by()
    )
    return {
        (row["user_id"], row["quiz_id"]): Cell(
            None if row["grade"] is None else round(row["grade"], 1), row["attempts"]
        )
        for row in rows
    }


def _rows(learner_rows: list[dict], quizzes: list[Quiz]) -> list[Row]:
    cells = gradebook_cells(quizzes, (r["user_id"] for r in learner_rows))
    return [
        Row(
            user_id=r["user_id"],
            username=r["user__username"],
            name=" ".join(filter(None, (r["user__first_name"], r["user__last_name"]))),
            cohort=r["cohort__name"] or "",
            cells=[cells.get((r["user_id"], q.pk), EMPTY) for q in quizzes],
        )
        for r in learner_rows
    ]


def gradebook_page(
    course: Course, *, cohort: Cohort | None, sort: str, page: str | int | None
) -> Gradebook:
    """One page of the gradebook; the page number is clamped to the pages there are."""
    quizzes = gradebook_quizzes(course)
    order = parse_sort(sort, quizzes)
    paginator = Paginator(sorted_learners(course, cohort, order), PAGE_SIZE)
    current = paginator.get_page(page)
    return Gradebook(quizzes, current, _rows(list(current.object_list), quizzes), order)


def gradebook_rows(
    course: Course, *, cohort: Cohort | None, sort: str, batch: int = CSV_BATCH
) -> tuple[list[Quiz], Iterator[Row]]:
    """Every learner's row, streamed from the database `batch` learners at a time."""
    quizzes = gradebook_quizzes(course)
    learner_rows = sorted_learners(course, cohort, parse_sort(sort, quizzes))
    return quizzes, _batched_rows(learner_rows.iterator(chunk_size=batch), quizzes, batch)


def _batched_rows(learner_rows: Iterator[dict], quizzes: list[Quiz], batch: int) -> Iterator[Row]:
    chunk = []
    for learner in learner_rows:
        chunk.append(learner)
        if len(chunk) == batch:
            yield from _rows(chunk, quizzes)
            chunk = []
    if chunk:
        yield from _rows(chunk, quizzes)

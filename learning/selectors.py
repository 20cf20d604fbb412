"""The learner's dashboard, read with a fixed number of queries.

Every list is aggregated in the database (progress counts, best and last scores per
quiz, the mastery window), so the page costs the same for a learner with one attempt or
a thousand.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from courses.models import Concept, Enrollment, Lesson, LessonProgress
from quizzes.mastery import Mastery, concept_mastery
from quizzes.models import Attempt

WEAKEST = 5
SCORE_HISTORY = 30

PERCENT = ExpressionWrapper(F("score") * 100.0 / F("max_score"), output_field=FloatField())


def _count(queryset, group: str) -> Subquery:
    """A correlated COUNT(*) subquery, grouped on `group`."""
    return Coalesce(
        Subquery(queryset.values(group).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def enrollments_with_progress(user):
    """Enrolments with lessons done/total and the next lesson to read, in one query."""
    published = Lesson.objects.published().filter(module__course=OuterRef("course"))
    done = LessonProgress.objects.filter(
        user=user, completed_at__isnull=False, lesson__is_published=True,
        lesson__module__course=OuterRef("course"),
    )  # fmt: skip
    completed = LessonProgress.objects.filter(
        lesson=OuterRef("pk"), user=user, completed_at__isnull=False
    )
    next_lesson = (
        Lesson.objects.published().filter(module__course=OuterRef("course"))
        .annotate(done=Exists(completed)).filter(done=False)
        .order_by("module__position", "module_id", "position", "id")
    )  # fmt: skip
    return (
        Enrollment.objects.filter(user=user)
        .select_related("course", "last_lesson", "certificate")
        .annotate(
            total=_count(published, "module__course"),
            done=_count(done, "user"),
            next_slug=Subquery(next_lesson.values("slug")[:1]),
            next_title=Subquery(next_lesson.values("title")[:1]),
        )
        .order_by("-enrolled_at")
    )


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

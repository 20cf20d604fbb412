"""Reads for quiz pages: attempts with their responses, grades by the quiz's method."""

from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from quizzes.models import Attempt, GradingMethod, Quiz, Response


def quiz_for_viewer(course, slug: str, user, preview: bool) -> Quiz:
    quizzes = course.quizzes.all() if preview else course.quizzes.filter(is_published=True)
    quiz = quizzes.select_related("lesson", "module").filter(slug=slug).first()
    if quiz is None:
        raise Http404("No such quiz.")
    quiz.course = course
    return quiz


def own_attempt(user, pk: int) -> Attempt:
    """The learner's own attempt with its quiz and course, or 404 (never another's)."""
    return get_object_or_404(
        Attempt.objects.for_learner(user).select_related("quiz__course", "quiz__lesson"), pk=pk
    )


def attempt_responses(attempt: Attempt) -> list[Response]:
    return list(attempt.responses.select_related("version").order_by("slot"))


def attempt_with_responses(attempt: Attempt):
    responses = Response.objects.select_related("version").order_by("slot")
    return Attempt.objects.prefetch_related(Prefetch("responses", queryset=responses)).get(
        pk=attempt.pk
    )


def quiz_grade(attempts: list[Attempt], method: str) -> float | None:
    """The learner's grade in percent under the quiz's grading method (final attempts only)."""
    final = [a for a in attempts if a.is_final and a.max_score]
    if not final:
        return None
    percents = [float(a.score) / float(a.max_score) * 100 for a in final]
    if method == GradingMethod.HIGHEST:
        return round(max(percents), 1)
    if method == GradingMethod.FIRST:
        return round(percents[0], 1)
    if method == GradingMethod.LAST:
        return round(percents[-1], 1)
    return round(sum(percents) / len(percents), 1)


def overall_feedback(quiz: Quiz, percent: float | None) -> str:
    if percent is None:
        return ""
    for band in quiz.feedback_bands.all():
        if Decimal(str(percent)) >= band.min_percent:
            return band.text
    return ""

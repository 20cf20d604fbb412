"""What a learner may see of an attempt, as Moodle's review options decide it.

For each of four moments (during the attempt, immediately after submitting, later while
the quiz is open, after it closes) the quiz lists which of seven things the learner sees:
the attempt itself, whether each answer was correct, the marks, specific feedback,
general feedback (the explanation), the right answer and the overall feedback.
"""

from datetime import datetime, timedelta

from quizzes.models import REVIEW_ITEMS, REVIEW_MOMENTS, Attempt, Quiz

IMMEDIATELY = timedelta(minutes=2)
"""Moodle's 'immediately after the attempt' lasts two minutes after submission."""


def review_moment(attempt: Attempt, now: datetime) -> str:
    if attempt.state == Attempt.State.IN_PROGRESS:
        return "during"
    closes = attempt.quiz.closes_at
    if closes and now >= closes:
        return "closed"
    if attempt.submitted_at and now - attempt.submitted_at < IMMEDIATELY:
        return "immediately"
    return "open"


def review_options(attempt: Attempt, now: datetime) -> frozenset[str]:
    """The review items visible now; unknown names in the quiz's settings are ignored."""
    chosen = attempt.quiz.review.get(review_moment(attempt, now), [])
    return frozenset(item for item in chosen if item in REVIEW_ITEMS)


def validate_review(value: dict) -> list[str]:
    """Problems in a review setting, for the admin form and the seed loader."""
    problems = []
    if not isinstance(value, dict):
        return ["must map moments to lists of items"]
    for moment, items in value.items():
        if moment not in REVIEW_MOMENTS:
            problems.append(f"unknown moment {moment!r} (use {', '.join(REVIEW_MOMENTS)})")
        elif not isinstance(items, list) or any(item not in REVIEW_ITEMS for item in items):
            problems.append(f"{moment}: items must be a list of {', '.join(REVIEW_ITEMS)}")
    return problems


MARKS = frozenset({"marks"})
"""What a score, a pass or a mastery level would tell of an attempt."""

RESULT_ITEMS = frozenset({"correctness", "specific_feedback", "general_feedback", "right_answer"})
"""What a review card's result shows of a question: all of it must be visible to serve it."""


def attempts_hiding(user, items: frozenset[str], now: datetime) -> set[int]:
    """The learner's submitted attempts whose review policy hides any of `items` now.

    Pages outside the attempt's own result (the dashboard, the review deck) call this, so
    that no mark, answer or explanation shows there before the quiz's policy shows it. One
    query for the quizzes; a second only when one of them ever hides one of `items`.
    """
    quizzes = {
        quiz.pk: quiz
        for quiz in Quiz.objects.filter(
            attempts__user=user, attempts__state=Attempt.State.SUBMITTED
        ).distinct().only("pk", "review", "closes_at")
    }  # fmt: skip
    hiding = [
        pk for pk, quiz in quizzes.items()
        if any(not items <= set(quiz.review.get(moment, [])) for moment in REVIEW_MOMENTS[1:])
    ]  # fmt: skip
    if not hiding:
        return set()
    hidden = set()
    attempts = Attempt.objects.filter(
        user=user, state=Attempt.State.SUBMITTED, quiz_id__in=hiding
    ).only("pk", "quiz_id", "state", "submitted_at")
    for attempt in attempts:
        attempt.quiz = quizzes[attempt.quiz_id]
        if not items <= review_options(attempt, now):
            hidden.add(attempt.pk)
    return hidden

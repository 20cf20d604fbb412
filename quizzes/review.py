"""What a learner may see of an attempt, as Moodle's review options decide it.

For each of four moments (during the attempt, immediately after submitting, later while
the quiz is open, after it closes) the quiz lists which of seven things the learner sees:
the attempt itself, whether each answer was correct, the marks, specific feedback,
general feedback (the explanation), the right answer and the overall feedback.
"""

from datetime import datetime, timedelta

from quizzes.models import REVIEW_ITEMS, REVIEW_MOMENTS, Attempt

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

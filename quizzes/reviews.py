"""Spaced-repetition reviews: every question answered in a submitted attempt enters the
learner's deck, scheduled by FSRS (the `fsrs` package). Reviews never change quiz grades.
"""

from datetime import datetime

from fsrs import Card, Rating, Scheduler

from quizzes.models import Attempt, ReviewCard

SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(fraction: float | None) -> Rating | None:
    """The rating an answer earns: right = Good, partly right = Hard, wrong = Again.

    None for an answer still awaiting grading (essays): the learner rates it in review.
    """
    if fraction is None:
        return None
    if fraction >= 0.999999:
        return Rating.Good
    return Rating.Hard if fraction > 0 else Rating.Again


def card_fields(card: Card) -> dict:
    """The ReviewCard columns that mirror an fsrs Card."""
    return {
        "state": card.to_dict(),
        "due": card.due,
        "stability": card.stability,
        "last_review": card.last_review,
    }


def deck_add_from_attempt(*, attempt: Attempt, now: datetime) -> int:
    """Add the attempt's answered questions to the learner's deck; returns how many were new.

    A question already in the deck keeps its schedule; a new one is scheduled as if the
    quiz answer were its first review, so a miss comes back soon and a hit later.
    """
    responses = [
        r for r in attempt.responses.select_related("version") if r.answer not in (None, "", [])
    ]
    known = set(
        ReviewCard.objects.filter(
            user=attempt.user_id, question__in=[r.version.question_id for r in responses]
        ).values_list("question_id", flat=True)
    )
    new = []
    for response in responses:
        question_id = response.version.question_id
        if question_id in known:
            continue
        known.add(question_id)
        card, rating = Card(due=now), rating_for(response.fraction)
        if rating is not None:
            card, _ = SCHEDULER.review_card(card, rating, review_datetime=now)
        new.append(
            ReviewCard(user_id=attempt.user_id, question_id=question_id, **card_fields(card))
        )
    ReviewCard.objects.bulk_create(new)
    return len(new)

"""Spaced-repetition reviews: every question answered in a submitted attempt enters the
learner's deck, scheduled by FSRS (the `fsrs` package). Reviews never change quiz grades:
they write ReviewCard, ReviewLog and Evidence rows, never Attempt or Response rows.

A review shows the question's newest version in a display order derived from a keyed
hash of (card, review number, version), so the page and the POST that answers it agree
without the order travelling through the browser: for ordering and matching questions
the order itself would give the answer away. The form carries only a signed token naming
the card, the review number and the version, which makes a replayed or stale form fail.
See docs/reviews.md.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop
from fsrs import Card, Rating, Scheduler

from quizzes.grading import Outcome, grade
from quizzes.models import Attempt, Evidence, QuestionVersion, Response, ReviewCard, ReviewLog
from quizzes.presentation import AnswerError, draw_order, parse_answer
from quizzes.questions import question_version
from quizzes.review import RESULT_ITEMS, attempts_hiding

# No learning steps: a quiz answer is already the card's first exposure, so a right answer
# comes back in days, not in ten minutes. Relearning steps stay: a lapse in a review
# returns within the session. Fuzzing is off so schedules are reproducible in tests.
SCHEDULER = Scheduler(enable_fuzzing=False, learning_steps=())
RECALL_TARGET = 0.9
"""FSRS stability is the number of days for recall to fall from 100% to this."""

PREFIX = "q1"
"""The form prefix of the one question on a review page."""
FORM_SALT = "quizzes.reviews.token"
ORDER_SALT = "quizzes.reviews.order"

STALE = gettext_noop(
    "This review was already answered or the question has changed; here is the next card."
)
RATING_REQUIRED = gettext_noop("Choose how well you remembered it: Again, Hard, Good or Easy.")
RATING_INVALID = gettext_noop("Choose one of Again, Hard, Good or Easy.")


class ReviewError(Exception):
    """A review answer was refused; `message` is for the learner, the card is unchanged."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


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


def deck_add_from_attempt(*, attempt: Attempt, now: datetime, responses=None) -> int:
    """Add the attempt's answered questions to the learner's deck; returns how many were new.

    A question already in the deck keeps its schedule. A new one missed in the quiz is due
    at once; one answered right (or partly) is scheduled as if that answer were its first
    review, so it comes back in days. `responses` (with their versions) saves reading them
    again when the caller has them.
    """
    if responses is None:
        responses = attempt.responses.select_related("version")
    responses = [r for r in responses if r.answer not in (None, "", [])]
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
        # A miss (or an essay awaiting its grade) enters as a new card due now, so the
        # learner finds it in Reviews straight after the quiz; a right or partly right
        # answer counts as the card's first review and comes back in days.
        # An explicit card_id: without one, fsrs makes a unique id by sleeping a millisecond,
        # which a submit would pay per card while it holds the write lock.
        card, rating = Card(card_id=question_id, due=now), rating_for(response.fraction)
        if rating not in (None, Rating.Again):
            card, _ = SCHEDULER.review_card(card, rating, review_datetime=now)
        new.append(
            ReviewCard(user_id=attempt.user_id, question_id=question_id, **card_fields(card))
        )
    ReviewCard.objects.bulk_create(new)
    if new:
        _due_changed(attempt.user_id)
    return len(new)


# Serving a card.


@dataclass(frozen=True)
class ReviewQuestion:
    """A card as shown once: the version, its display order and the form's token."""

    card: ReviewCard
    version: QuestionVersion
    order: dict
    token: str


def withheld_questions(*, user, now: datetime) -> set[int]:
    """Questions whose review would show what a quiz's review policy still hides.

    A review's result shows whether the answer was right, its feedback, the explanation
    and the right answer. While a submitted attempt holding the question hides any of
    these (say until the quiz closes), its card waits: it is not served, not counted as
    due and not in the recall table, and a posted answer to it is refused.
    """
    hidden = attempts_hiding(user, RESULT_ITEMS, now)
    if not hidden:
        return set()
    return set(
        Response.objects.filter(attempt_id__in=hidden).values_list(
            "version__question_id", flat=True
        )
    )


def own_cards(user, now: datetime, course=None, withheld: set[int] | None = None):
    """The learner's cards that may be reviewed now (optionally within a course).

    A page that reads the deck several times passes `withheld` (withheld_questions) once.
    """
    cards = ReviewCard.objects.filter(user=user)
    if withheld is None:
        withheld = withheld_questions(user=user, now=now)
    if withheld:
        cards = cards.exclude(question_id__in=withheld)
    return cards.filter(question__course=course) if course is not None else cards


def review_next(*, user, now: datetime, course=None, withheld=None) -> ReviewCard | None:
    """The learner's most overdue due card (optionally within a course), or None."""
    return (
        own_cards(user, now, course, withheld)
        .filter(due__lte=now)
        .select_related("question__course")
        .order_by("due", "pk")
        .first()
    )


def reviews_due_count(*, user, now: datetime, withheld=None) -> int:
    return own_cards(user, now, withheld=withheld).filter(due__lte=now).count()


def review_next_due(*, user, course=None, withheld=None) -> datetime | None:
    """When the learner's next card falls due (None for an empty deck)."""
    cards = own_cards(user, timezone.now(), course, withheld)
    return cards.order_by("due").values_list("due", flat=True).first()


DUE_CACHE_SECONDS = 60


def _due_cache_key(user_id: int) -> str:
    return f"reviews-due:{user_id}"


def reviews_due_cached(*, user) -> int:
    """The due count for the nav bar: cached a minute per learner, dropped when cards change."""
    count = cache.get(_due_cache_key(user.pk))
    return reviews_due_fresh(user=user) if count is None else count


def reviews_due_fresh(*, user) -> int:
    """The due count counted now, and kept for the nav: a page showing it counts it once."""
    count = reviews_due_count(user=user, now=timezone.now())
    cache.set(_due_cache_key(user.pk), count, DUE_CACHE_SECONDS)
    return count


def _due_changed(user_id: int) -> None:
    """Drop the learner's cached count once the change that moved it is committed."""
    transaction.on_commit(lambda: cache.delete(_due_cache_key(user_id)))


def review_question(*, card: ReviewCard) -> ReviewQuestion:
    """The card's question as it is shown now: newest version, frozen order, token."""
    version = _newest_version(card)
    token = signing.dumps(
        {"card": card.pk, "round": card.reviews, "version": version.pk}, salt=FORM_SALT
    )
    return ReviewQuestion(card, version, _order(card, version), token)


def _newest_version(card: ReviewCard) -> QuestionVersion:
    latest = QuestionVersion.objects.filter(question=card.question_id).order_by("-number").first()
    return latest or question_version(card.question)


def _order(card: ReviewCard, version: QuestionVersion) -> dict:
    """A display order only the server can compute, the same for the page and its POST."""
    key = salted_hmac(ORDER_SALT, f"{card.pk}:{card.reviews}:{version.pk}").digest()
    rng = random.Random(int.from_bytes(key))  # noqa: S311 -- a display order, not a secret
    return draw_order(version.data, rng, shuffle=True)


# Answering a card.


@dataclass(frozen=True)
class ReviewOutcome:
    """What a review did: the card as rescheduled, its log, the grade and the rating."""

    card: ReviewCard
    log: ReviewLog
    question: ReviewQuestion
    answer: object
    outcome: Outcome
    rating: Rating


def review_parse(*, card: ReviewCard, data) -> tuple[ReviewQuestion, object]:
    """Check the form's token against the card and parse its answer; raises ReviewError.

    The token must name this card, its current review number and the question's newest
    version, so a replayed form or one shown before an edit is refused.
    """
    try:
        token = signing.loads(data.get("token", ""), salt=FORM_SALT)
    except signing.BadSignature:
        raise ReviewError(gettext(STALE), "stale") from None
    shown = review_question(card=card)
    expected = {"card": card.pk, "round": card.reviews, "version": shown.version.pk}
    if token != expected:
        raise ReviewError(gettext(STALE), "stale")
    fields = dict(data.lists()) if hasattr(data, "lists") else dict(data)
    try:
        answer = parse_answer(shown.version.data, shown.order, fields, PREFIX)
    except AnswerError as exc:
        raise ReviewError(exc.message, "shape") from None
    return shown, answer


def _chosen_rating(data) -> Rating:
    raw = data.get("rating")
    if not raw:
        raise ReviewError(gettext(RATING_REQUIRED), "rating_required")
    if raw not in {str(int(r)) for r in Rating}:
        raise ReviewError(gettext(RATING_INVALID), "rating_invalid")
    return Rating(int(raw))


@transaction.atomic
def review_answer(*, card: ReviewCard, data, now: datetime) -> ReviewOutcome:
    """Grade a review answer, reschedule the card with FSRS, log it and record evidence.

    The rating comes from the grade (see rating_for); essays, which no machine grades, take
    the learner's own rating (`rating` in `data`, 1-4), which is then required. The card
    row is locked first, so of two concurrent submits of one form only the first counts.
    """
    card = ReviewCard.objects.select_for_update().select_related("question__course").get(pk=card.pk)
    shown, answer = review_parse(card=card, data=data)
    if shown.version.data["kind"] == "essay":
        outcome, rating = Outcome(None), _chosen_rating(data)
    else:
        outcome = grade(shown.version.data, answer)
        rating = rating_for(outcome.fraction)
    now = now.astimezone(UTC)
    scheduled, _ = SCHEDULER.review_card(Card.from_dict(card.state), rating, review_datetime=now)
    for name, value in card_fields(scheduled).items():
        setattr(card, name, value)
    card.reviews += 1
    card.save(update_fields=["state", "due", "stability", "last_review", "reviews"])
    log = ReviewLog.objects.create(
        card=card, rating=int(rating), fraction=outcome.fraction, reviewed_at=now
    )
    _record_evidence(card, shown.version, log)
    _due_changed(card.user_id)
    return ReviewOutcome(card, log, shown, answer, outcome, rating)


def _record_evidence(card: ReviewCard, version: QuestionVersion, log: ReviewLog) -> None:
    """Evidence per concept of the question, as mixed practice; none for a self-rated essay."""
    if log.fraction is None:
        return
    slugs = version.data.get("concepts") or []
    concepts = card.question.course.concepts.filter(slug__in=slugs).values_list("id", flat=True)
    Evidence.objects.bulk_create(
        Evidence(user_id=card.user_id, concept_id=concept, fraction=log.fraction, mixed=True,
                 at=log.reviewed_at, review=log)
        for concept in concepts
    )  # fmt: skip


def rating_previews(*, card: ReviewCard, now: datetime) -> dict[Rating, datetime]:
    """When the card would next be due under each rating (for the essay rating buttons)."""
    state, now = Card.from_dict(card.state), now.astimezone(UTC)
    return {r: SCHEDULER.review_card(state, r, review_datetime=now)[0].due for r in Rating}


# The memory model, per concept.


@dataclass(frozen=True)
class ConceptRecall:
    """One concept of the learner's deck: how likely they are to recall it now."""

    slug: str
    term: str
    course_slug: str
    cards: int
    reviewed: int
    recall: float | None  # mean FSRS retrievability of its reviewed cards, 0..1
    below_target_on: datetime | None  # earliest last_review + stability days


def concept_recall(*, user, course, now: datetime, withheld=None) -> list[ConceptRecall]:
    """Predicted recall per concept of the learner's cards (in `course`, or in all: None).

    One query returns a row per (card, concept); retrievability is computed in Python
    from the `stability` and `last_review` columns, which mirror the card's FSRS state, so
    no JSON is decoded: a few hundred cards cost well under a millisecond. Weakest first.
    """
    rows = (
        own_cards(user, now, course, withheld)
        .filter(question__concepts__isnull=False)
        .values_list(
            "pk", "stability", "last_review", "question__concepts__slug",
            "question__concepts__term", "question__course__slug",
        )
    )  # fmt: skip
    groups: dict[tuple, list] = {}
    for pk, stability, last_review, slug, term, course_slug in rows:
        groups.setdefault((slug, term, course_slug), []).append((pk, stability, last_review))
    result = [_recall_row(key, cards, now) for key, cards in groups.items()]
    return sorted(result, key=lambda r: (r.recall is None, r.recall or 0, r.term))


def _recall_row(key: tuple, cards: list, now: datetime) -> ConceptRecall:
    reviewed = [(pk, s, last) for pk, s, last in cards if s is not None and last is not None]
    recalls = [
        SCHEDULER.get_card_retrievability(Card(card_id=pk, stability=s, last_review=last), now)
        for pk, s, last in reviewed
    ]
    drops = [last + timedelta(days=s) for _, s, last in reviewed]
    return ConceptRecall(
        *key, cards=len(cards), reviewed=len(reviewed),
        recall=sum(recalls) / len(recalls) if recalls else None,
        below_target_on=min(drops) if drops else None,
    )  # fmt: skip

"""Concept mastery: a small, explainable model over a learner's graded answers.

Each graded answer to a question tagged with a concept is one piece of `Evidence`
(fraction 0..1, and whether it came from mixed practice: a module test, an exam or a
review, rather than a single lesson's check). For each concept:

- score = the weighted mean of the last 5 answers, newest weighing most (5, 4, 3, 2, 1);
- attempted: at least one answer;
- familiar: score ≥ 60%;
- proficient: score ≥ 80% over at least 3 answers;
- mastered: proficient now, already proficient before the latest answer, and the latest
  answer is a fully right one from mixed practice (a later mixed review confirms it);
- a miss (latest answer under 50%) demotes one level below what the score says.

Levels follow Khan Academy's (attempted, familiar, proficient, mastered). The last 6
answers per concept come from one query with a window function, so the cost does not
grow with the number of answers; docs/mastery.md explains the model to learners.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext, gettext_noop

from quizzes.models import Evidence

LEVELS = ("not_started", "attempted", "familiar", "proficient", "mastered")
LEVEL_LABELS = {
    "not_started": gettext_noop("Not started"), "attempted": gettext_noop("Attempted"),
    "familiar": gettext_noop("Familiar"), "proficient": gettext_noop("Proficient"),
    "mastered": gettext_noop("Mastered"),
}  # fmt: skip
WEIGHTS = (5, 4, 3, 2, 1)
FAMILIAR, PROFICIENT, MISS, FULL = 0.6, 0.8, 0.5, 0.999999
MIN_ANSWERS_PROFICIENT = 3
NEWEST_FIRST = [F("at").desc(), F("id").desc()]


@dataclass(frozen=True)
class Answer:
    fraction: float
    mixed: bool
    at: datetime


@dataclass(frozen=True)
class Mastery:
    concept_id: int
    level: str
    score: float | None
    answers: int
    last_at: datetime | None

    @property
    def label(self) -> str:
        return gettext(LEVEL_LABELS[self.level])

    @property
    def percent(self) -> int:
        return round(100 * self.score) if self.score is not None else 0


def weighted_score(recent: list[Answer]) -> float | None:
    """Weighted mean of up to five answers, newest first."""
    pairs = list(zip(WEIGHTS, recent, strict=False))
    if not pairs:
        return None
    return sum(w * a.fraction for w, a in pairs) / sum(w for w, _ in pairs)


def _level_from_score(recent: list[Answer], total: int) -> int:
    score = weighted_score(recent)
    if score is None:
        return 0
    if score >= PROFICIENT and total >= MIN_ANSWERS_PROFICIENT:
        return 3
    return 2 if score >= FAMILIAR else 1


def level_for(recent: list[Answer], total: int) -> str:
    """The level for the newest-first answers (at most 6 needed) out of `total` answers."""
    if not recent:
        return LEVELS[0]
    level = _level_from_score(recent[:5], total)
    before = _level_from_score(recent[1:6], total - 1)
    latest = recent[0]
    if level == 3 and before == 3 and latest.mixed and latest.fraction >= FULL:
        level = 4
    if latest.fraction < MISS:
        level = max(1, level - 1)
    return LEVELS[level]


def concept_mastery(*, user, course=None, hidden_attempts=frozenset()) -> dict[int, Mastery]:
    """Mastery of every concept the learner has answered about (optionally in one course).

    Evidence from `hidden_attempts` (whose marks a review policy hides for now) is left out.
    """
    evidence = Evidence.objects.filter(user=user)
    if hidden_attempts:
        evidence = evidence.exclude(response__attempt_id__in=hidden_attempts)
    if course is not None:
        evidence = evidence.filter(concept__course=course)
    rows = (
        evidence.annotate(
            rank=Window(RowNumber(), partition_by=[F("concept_id")], order_by=NEWEST_FIRST),
            total=Window(Count("id"), partition_by=[F("concept_id")]),
        )
        .filter(rank__lte=6)
        .values_list("concept_id", "fraction", "mixed", "at", "total")
        .order_by("concept_id", "-at", "-id")
    )  # fmt: skip
    answers: dict[int, list[Answer]] = {}
    totals: dict[int, int] = {}
    for concept_id, fraction, mixed, at, total in rows:
        answers.setdefault(concept_id, []).append(Answer(fraction, mixed, at))
        totals[concept_id] = total
    return {
        concept_id: Mastery(
            concept_id,
            level_for(recent, totals[concept_id]),
            weighted_score(recent[:5]),
            totals[concept_id],
            recent[0].at,
        )  # fmt: skip
        for concept_id, recent in answers.items()
    }

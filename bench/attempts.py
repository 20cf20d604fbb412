"""Attempts as the quiz engine makes them: drawn, ordered, answered and graded in memory.

`quiz_plans` reads each quiz once; `draw` then picks an attempt's questions as
quizzes.services.draw_questions does, and the totals follow attempt_submit's rules.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bench.answers import answer_for
from quizzes.grading import grade
from quizzes.models import Attempt, Question, QuestionVersion, Quiz, Response
from quizzes.presentation import draw_order
from quizzes.questions import question_version

THOUSANDTH = Decimal("0.001")
ESSAYS_GRADED = 0.8


@dataclass
class QuizPlan:
    """What drawing an attempt needs, read once instead of once per attempt."""

    quiz: Quiz
    fixed: list[tuple[int, Decimal]]
    draws: list[tuple[list[int], int]]
    points: dict[int, Decimal]


def quiz_plans(course) -> list[QuizPlan]:
    """The published quizzes with their fixed slots, draw pools and question points."""
    questions = {q.pk: q for q in Question.objects.in_course(course)}
    plans = []
    for quiz in Quiz.objects.published().filter(course=course).order_by("pk"):
        fixed = [
            (s.question_id, s.points if s.points is not None else questions[s.question_id].points)
            for s in quiz.slots.order_by("position")
        ]
        draws = [
            (sorted(pk for pk, q in questions.items() if q.category == d.category), d.count)
            for d in quiz.draws.all()
        ]
        plans.append(QuizPlan(quiz, fixed, draws, {pk: q.points for pk, q in questions.items()}))
    return plans


def draw(plan: QuizPlan, rng: random.Random) -> list[tuple[int, Decimal]]:
    """An attempt's (question id, points), drawn as quizzes.services.draw_questions does."""
    quiz, chosen = plan.quiz, list(plan.fixed)
    if quiz.questions_per_attempt and quiz.questions_per_attempt < len(chosen):
        picked = sorted(rng.sample(range(len(chosen)), quiz.questions_per_attempt))
        chosen = [chosen[i] for i in picked]
    taken = {pk for pk, _ in chosen}
    for pool, count in plan.draws:
        free = [pk for pk in pool if pk not in taken]
        picked = rng.sample(free, min(count, len(free)))
        taken.update(picked)
        chosen += [(pk, plan.points[pk]) for pk in picked]
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def latest_versions(course) -> dict[int, QuestionVersion]:
    versions = {}
    for version in QuestionVersion.objects.filter(question__course=course).order_by(
        "question", "-number"
    ):
        versions.setdefault(version.question_id, version)
    for question in Question.objects.in_course(course).exclude(pk__in=versions):
        versions[question.pk] = question_version(question)
    return versions


def attempt_submitted(
    plan, person, number: int, started: datetime, *, versions, grader, rng, now
) -> tuple[Attempt, list[Response]]:
    """A submitted attempt and its graded responses (not saved)."""
    quiz = plan.quiz
    limit = timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    submitted = started + timedelta(minutes=rng.uniform(2, quiz.time_limit_minutes or 15))
    rows = answered(plan, person, versions, rng, submitted)
    for response in rows:
        _grade(response, grader, submitted, rng, now)
    attempt = Attempt(
        quiz=quiz, user_id=person.user_id, number=number, state=Attempt.State.SUBMITTED,
        started_at=started, deadline=started + limit if limit else None, submitted_at=submitted,
        max_score=sum((r.points for r in rows), Decimal(0)),
    )  # fmt: skip
    attempt_total(attempt, rows)
    return attempt, rows


def answered(plan, person, versions, rng, saved_at) -> list[Response]:
    """The drawn questions in their frozen display order, answered and saved."""
    rows = []
    for slot, (question_id, points) in enumerate(draw(plan, rng), 1):
        version = versions[question_id]
        answer = answer_for(version.data, ability=person.ability, rng=rng)
        rows.append(Response(
            slot=slot, version=version, points=points, answer=answer,
            order=draw_order(version.data, rng, plan.quiz.shuffle_choices),
            saved_at=saved_at if answer is not None else None,
        ))  # fmt: skip
    return rows


def _grade(response, grader, submitted, rng, now) -> None:
    """Grade as attempt_submit does; most essays are then graded by the instructor.

    `submitted_fraction` keeps the fraction at submission, which schedules the review card.
    """
    outcome = grade(response.version.data, response.answer)
    response.fraction, response.needs_grading = outcome.fraction, outcome.needs_grading
    response.feedback = list(outcome.feedback)
    response.score = _score(response.points, outcome.fraction)
    response.submitted_fraction = outcome.fraction
    if outcome.needs_grading and rng.random() < ESSAYS_GRADED:
        response.fraction = rng.choice((0.5, 0.75, 1.0))
        response.score = _score(response.points, response.fraction)
        response.needs_grading, response.graded_by = False, grader
        response.graded_at = min(now, submitted + timedelta(days=rng.uniform(0.1, 3)))
        response.comment = "Graded for the benchmark."


def _score(points: Decimal, fraction: float | None) -> Decimal | None:
    if fraction is None:
        return None
    return (points * Decimal(str(fraction))).quantize(THOUSANDTH)


def attempt_total(attempt: Attempt, responses: list[Response]) -> None:
    """The totals attempt_submit writes: score, needs_grading, passed."""
    attempt.score = sum((r.score or Decimal(0) for r in responses), Decimal(0))
    attempt.needs_grading = any(r.needs_grading for r in responses)
    if attempt.needs_grading or not attempt.max_score:
        attempt.passed = None if attempt.needs_grading else False
    else:
        attempt.passed = attempt.score * 100 >= attempt.quiz.pass_mark * attempt.max_score

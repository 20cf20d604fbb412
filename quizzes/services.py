"""Attempt workflows: start, save, submit, close overdue, grade by hand, regrade.

Every rule the learner could try to get around is enforced here, on the server: when a
quiz is open, how many attempts and how much time a learner has, what an answer may look
like, and that an attempt is graded exactly once however many submits arrive at once.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from courses.models import Concept
from indivisible.logs import log_event
from lti.services import grade_passback
from quizzes.grading import grade
from quizzes.models import (
    Attempt,
    Evidence,
    Question,
    QuestionVersion,
    Quiz,
    QuizOverride,
    Regrade,
    Response,
)
from quizzes.presentation import AnswerError, draw_order, parse_answer
from quizzes.questions import latest_versions, question_version, with_related
from quizzes.requirements import completion_after_grading
from quizzes.reviews import deck_add_from_attempt
from quizzes.rowupdates import update_rows

GRACE = timedelta(seconds=60)
"""Answers arriving this long after the deadline still count (network and clock slack)."""

# English constants (tests compare them); the errors carry them translated.
NOT_OPEN = gettext_noop("This quiz opens on {when}.")
CLOSED = gettext_noop("This quiz closed on {when}.")
NO_ATTEMPTS_LEFT = gettext_noop("You have used all {allowed} attempts at this quiz.")
WAIT = gettext_noop("You can start your next attempt at {when}.")
NOT_IN_PROGRESS = gettext_noop("This attempt has already been submitted.")
TIME_UP = gettext_noop(
    "Time is up: the attempt was submitted with the answers saved before the deadline."
)
NOT_IN_ATTEMPT = gettext_noop("Question {slot} is not part of this attempt.")
NO_QUESTIONS = gettext_noop("This quiz has no questions yet.")
UNEXPECTED_FIELD = gettext_noop(
    "The form sent a field this question does not have ({name}); reload the page."
)


class QuizError(Exception):
    """A rule of the quiz refused the request; `message` is for the learner."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class Rules:
    """A quiz's limits for one learner, after their override."""

    attempts_allowed: int  # 0 = unlimited
    time_limit: timedelta | None
    opens_at: datetime | None
    closes_at: datetime | None


def quiz_rules(quiz: Quiz, user) -> Rules:
    override = QuizOverride.objects.filter(quiz=quiz, user=user).first()
    allowed = quiz.attempts_allowed
    limit = timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    closes = quiz.closes_at
    if override:
        allowed = allowed + override.extra_attempts if allowed else 0
        limit = limit + timedelta(minutes=override.extra_minutes) if limit else None
        closes = override.closes_at or closes
    return Rules(allowed, limit, quiz.opens_at, closes)


def start_refusal(quiz: Quiz, user, rules: Rules, now: datetime) -> QuizError | None:
    """Why the learner may not start a new attempt now, or None."""
    if rules.opens_at and now < rules.opens_at:
        return QuizError(gettext(NOT_OPEN).format(when=_when(rules.opens_at)), "not_open")
    if rules.closes_at and now >= rules.closes_at:
        return QuizError(gettext(CLOSED).format(when=_when(rules.closes_at)), "closed")
    attempts = quiz.attempts.filter(user=user)
    if rules.attempts_allowed and attempts.count() >= rules.attempts_allowed:
        return QuizError(_no_attempts_left(rules), "limit")
    last = attempts.filter(submitted_at__isnull=False).order_by("-submitted_at").first()
    if last and quiz.delay_minutes:
        ready = last.submitted_at + timedelta(minutes=quiz.delay_minutes)
        if now < ready:
            return QuizError(gettext(WAIT).format(when=_when(ready)), "delay")
    return None


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _no_attempts_left(rules: Rules) -> str:
    return gettext(NO_ATTEMPTS_LEFT).format(allowed=rules.attempts_allowed)


def attempt_start(
    *, quiz: Quiz, user, now: datetime | None = None, rng: random.Random | None = None
) -> Attempt:
    """Start an attempt, or return the one already in progress.

    Two racing starts both compute the same attempt number; the database's unique
    constraint lets exactly one insert succeed, and the other gets the winner's attempt.
    """
    now = now or timezone.now()
    existing = quiz.attempts.in_progress().filter(user=user).first()
    if existing:
        return existing
    rules = quiz_rules(quiz, user)
    refusal = start_refusal(quiz, user, rules, now)
    if refusal:
        raise refusal
    rng = rng or random.SystemRandom()
    slots = draw_questions(quiz, rng)
    if not slots:
        raise QuizError(gettext(NO_QUESTIONS), "empty")
    try:
        with transaction.atomic():
            return _create_attempt(quiz, user, rules, now, slots, rng)
    except IntegrityError:
        existing = quiz.attempts.in_progress().filter(user=user).first()
        if existing:
            return existing
        raise QuizError(_no_attempts_left(rules), "limit") from None


def _create_attempt(quiz, user, rules, now, slots, rng) -> Attempt:
    number = (quiz.attempts.filter(user=user).aggregate(n=Max("number"))["n"] or 0) + 1
    if rules.attempts_allowed and number > rules.attempts_allowed:
        raise IntegrityError("attempt limit reached while starting")
    deadline = now + rules.time_limit if rules.time_limit else None
    if rules.closes_at and (deadline is None or deadline > rules.closes_at):
        deadline = rules.closes_at
    attempt = Attempt.objects.create(
        quiz=quiz, user=user, number=number, started_at=now, deadline=deadline,
        max_score=sum(points for _, points in slots),
    )  # fmt: skip
    Response.objects.bulk_create(
        Response(attempt=attempt, slot=i, version=version, points=points,
                 order=draw_order(version.data, rng, quiz.shuffle_choices))
        for i, (version, points) in enumerate(slots, 1)
    )  # fmt: skip
    return attempt


def draw_questions(quiz: Quiz, rng: random.Random) -> list[tuple[QuestionVersion, Decimal]]:
    """The attempt's questions with their points: fixed slots, then random draws."""
    slots = list(quiz.slots.select_related("question").order_by("position"))
    if quiz.questions_per_attempt and quiz.questions_per_attempt < len(slots):
        slots = sorted(rng.sample(slots, quiz.questions_per_attempt), key=lambda s: s.position)
    chosen = [(s.question, s.points if s.points is not None else s.question.points) for s in slots]
    taken = {q.pk for q, _ in chosen}
    for draw in quiz.draws.all():
        pool = list(Question.objects.filter(course=quiz.course, category=draw.category)
                    .exclude(pk__in=taken).order_by("pk"))  # fmt: skip
        picked = rng.sample(pool, min(draw.count, len(pool)))
        taken.update(q.pk for q in picked)
        chosen += [(q, q.points) for q in picked]
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    versions = _latest_versions([q for q, _ in chosen])
    return [(versions[q.pk], Decimal(points)) for q, points in chosen]


def _latest_versions(questions: list[Question]) -> dict[int, QuestionVersion]:
    """Newest versions, creating one for a question that has none yet."""
    versions = latest_versions([q.pk for q in questions])
    for question in questions:
        if question.pk not in versions:
            versions[question.pk] = question_version(question, None, known=True)
    return versions


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def attempt_save(*, attempt: Attempt, data, now: datetime | None = None) -> dict[int, str]:
    """Save the answers in `data` (a QueryDict); all or nothing.

    Returns {slot: message} for answers of the wrong shape, in which case nothing is
    saved. Raises QuizError when the attempt is closed or its time is up (an overdue
    attempt is submitted with what was saved before).
    """
    now = now or timezone.now()
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise QuizError(gettext(NOT_IN_PROGRESS), "submitted")
    if is_overdue(attempt, now):
        attempt_submit(attempt=attempt, now=now)
        raise QuizError(gettext(TIME_UP), "time_up")
    responses = {r.slot: r for r in attempt.responses.select_related("version")}
    errors, changes = {}, []
    for slot in _slots_in(data):
        if slot not in responses:
            errors[slot] = gettext(NOT_IN_ATTEMPT).format(slot=slot)
            continue
        response = responses[slot]
        try:
            _check_field_names(response, data)
            answer = parse_answer(response.version.data, response.order, _lists(data), f"q{slot}")
        except AnswerError as exc:
            errors[slot] = exc.message
            continue
        if answer != response.answer:
            response.answer, response.saved_at = answer, now
            changes.append(response)
    if errors:
        return errors
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.state != Attempt.State.IN_PROGRESS:
            raise QuizError(gettext(NOT_IN_PROGRESS), "submitted")
        update_rows(changes, ["answer", "saved_at"])
    return {}


def _slots_in(data) -> list[int]:
    """Slots the form showed (`shown`, so unticking every box clears an answer) or names."""
    slots = (
        {int(v) for v in data.getlist("shown") if v.isdecimal()}
        if hasattr(data, "getlist")
        else set()
    )
    for name in data:
        head = name.split("-", 1)[0]
        if head.startswith("q") and head[1:].isdecimal():
            slots.add(int(head[1:]))
    return sorted(slots)


def _check_field_names(response: Response, data) -> None:
    """Refuse fields a question of this kind never has (e.g. `q2` for an ordering question)."""
    spec, prefix = response.version.data, f"q{response.slot}"
    if spec["kind"] == "ordering":
        allowed = {f"{prefix}-{i}" for i in range(len(spec["items"]))}
    elif spec["kind"] == "matching":
        allowed = {f"{prefix}-{i}" for i in range(len(spec["pairs"]))}
    else:
        allowed = {prefix}
    for name in data:
        if (name == prefix or name.startswith(prefix + "-")) and name not in allowed:
            raise AnswerError(gettext(UNEXPECTED_FIELD).format(name=name))


def _lists(data) -> dict[str, list[str]]:
    return dict(data.lists()) if hasattr(data, "lists") else {k: list(v) for k, v in data.items()}


def attempt_submit(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade and close an attempt exactly once; later calls return the same result.

    The row lock (PostgreSQL) or the write lock taken at BEGIN (SQLite, IMMEDIATE mode)
    makes a second concurrent submit wait, then find the attempt already submitted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.state != Attempt.State.IN_PROGRESS:
            return locked
        responses = list(locked.responses.select_related("version"))
        for response in responses:
            _apply_grade(response, grade(response.version.data, response.answer))
        update_rows(responses, ["fraction", "score", "feedback", "needs_grading"])
        locked.state, locked.submitted_at = Attempt.State.SUBMITTED, now
        _total(locked, responses)
        locked.save()
        evidence_from_responses(responses, user_id=locked.user_id, quiz=locked.quiz, at=now)
        deck_add_from_attempt(attempt=locked, now=now, responses=responses)
        completion_after_grading(locked)
        grade_passback(attempt=locked)
        transaction.on_commit(partial(
            log_event, "attempt.submitted", attempt=locked.pk, quiz=locked.quiz_id,
            user=locked.user_id, score=locked.score, max_score=locked.max_score,
            passed=locked.passed, needs_grading=locked.needs_grading,
        ))  # fmt: skip
        return locked


def _apply_grade(response: Response, outcome) -> None:
    response.fraction = outcome.fraction
    response.needs_grading = outcome.needs_grading
    response.feedback = list(outcome.feedback)
    response.score = (
        None if outcome.fraction is None
        else (response.points * Decimal(str(outcome.fraction))).quantize(Decimal("0.001"))
    )  # fmt: skip


def _total(attempt: Attempt, responses: list[Response]) -> None:
    """Sum the scores; an attempt with essays awaiting grading is not final and not passed."""
    attempt.score = sum((r.score or Decimal(0) for r in responses), Decimal(0))
    attempt.needs_grading = any(r.needs_grading for r in responses)
    if attempt.needs_grading or not attempt.max_score:
        attempt.passed = None if attempt.needs_grading else False
    else:
        attempt.passed = attempt.score * 100 >= attempt.quiz.pass_mark * attempt.max_score


def attempts_close_overdue(*, now: datetime | None = None) -> int:
    """Submit every attempt whose deadline (plus grace) has passed; returns how many."""
    now = now or timezone.now()
    overdue = Attempt.objects.in_progress().filter(deadline__lt=now - GRACE)
    count = 0
    for attempt in overdue.iterator():
        attempt_submit(attempt=attempt, now=now)
        count += 1
    if count:
        log_event("attempts.closed_overdue", count=count)
    return count


def response_grade(*, response: Response, score: Decimal, comment: str, grader) -> Response:
    """An instructor's grade for an essay (or an override of any response)."""
    if not Decimal(0) <= score <= response.points:
        raise QuizError(f"The score must be between 0 and {response.points}.", "score_range")
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update().select_related("quiz").get(pk=response.attempt_id)
        )
        # Read from the database: an admin form has already set the new score on `response`.
        old_score = Response.objects.values_list("score", flat=True).get(pk=response.pk)
        response.score, response.comment = score, comment
        response.fraction = float(score / response.points) if response.points else 0.0
        response.needs_grading, response.graded_by = False, grader
        response.graded_at = timezone.now()
        response.save()
        _total(attempt, list(attempt.responses.select_related("version")))
        attempt.save()
        Evidence.objects.filter(response=response).delete()
        evidence_from_responses(
            [response], user_id=attempt.user_id, quiz=attempt.quiz, at=response.graded_at
        )
        completion_after_grading(attempt)
        grade_passback(attempt=attempt)
        transaction.on_commit(partial(
            log_event, "grade.changed", response=response.pk, attempt=attempt.pk,
            user=attempt.user_id, by=getattr(grader, "pk", None), old_score=old_score,
            new_score=score, reason="manual",
        ))  # fmt: skip
    return response


def evidence_from_responses(
    responses: list[Response], *, user_id: int, quiz: Quiz, at: datetime
) -> None:
    """Record graded answers per concept for the mastery model (docs/mastery.md)."""
    slugs = {slug for r in responses for slug in r.version.data.get("concepts") or []}
    concepts = dict(
        Concept.objects.filter(course_id=quiz.course_id, slug__in=slugs).values_list("slug", "id")
    )
    mixed = quiz.lesson_id is None
    Evidence.objects.bulk_create(
        Evidence(user_id=user_id, concept_id=concepts[slug], fraction=r.fraction, mixed=mixed,
                 at=at, response=r)
        for r in responses
        if r.fraction is not None and r.answer not in (None, "", [])
        for slug in r.version.data.get("concepts") or []
        if slug in concepts
    )  # fmt: skip


@dataclass(frozen=True)
class RegradeResult:
    checked: int
    changed: int
    skipped: list[str]


def question_regrade(*, question: Question, by=None) -> RegradeResult:
    """Re-grade submitted responses to older versions of a question with its newest key.

    Answers refer to options by position, so a response is re-graded only when the new
    version has the same kind and the same number of options; others are listed as skipped.
    """
    question = with_related(Question.objects.filter(pk=question.pk)).get()
    new = question_version(question)
    responses = (
        Response.objects.filter(version__question=question, attempt__state=Attempt.State.SUBMITTED)
        .exclude(version=new)
        .select_related("version", "attempt__quiz")
    )
    checked = changed = 0
    skipped = []
    with transaction.atomic():
        for response in responses.select_for_update(of=("self",)):
            checked += 1
            if not _compatible(response.version.data, new.data):
                skipped.append(f"attempt {response.attempt_id}: the options changed shape")
                continue
            old_score, old_version = response.score, response.version
            if response.graded_by_id is None:
                _apply_grade(response, grade(new.data, response.answer))
            response.version = new
            response.save()
            if response.score != old_score:
                changed += 1
                Regrade.objects.create(
                    response=response,
                    old_version=old_version,
                    new_version=new,
                    old_score=old_score,
                    new_score=response.score,
                    regraded_by=by,
                )
                _total(response.attempt, list(response.attempt.responses.all()))
                response.attempt.save()
                transaction.on_commit(partial(
                    log_event, "grade.changed", response=response.pk,
                    attempt=response.attempt_id, user=response.attempt.user_id,
                    by=getattr(by, "pk", None), old_score=old_score, new_score=response.score,
                    reason="regrade",
                ))  # fmt: skip
        transaction.on_commit(partial(
            log_event, "question.regraded", question=question.pk, version=new.number,
            checked=checked, changed=changed, skipped=len(skipped), by=getattr(by, "pk", None),
        ))  # fmt: skip
    return RegradeResult(checked, changed, skipped)


def _compatible(old: dict, new: dict) -> bool:
    if old["kind"] != new["kind"]:
        return False
    keys = ("choices", "items", "pairs", "distractors")
    return all(len(old.get(k) or []) == len(new.get(k) or []) for k in keys)

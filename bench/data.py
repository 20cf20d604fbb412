"""Benchmark data at scale: learners, enrolments, progress, graded attempts and reviews.

The services write one attempt at a time, which takes minutes for tens of thousands, so
rows are built in memory (bench/attempts.py) and written in bulk (bench/rows.py). Each
attempt is still drawn, ordered, answered and graded with the quiz engine's own functions
(`draw_order`, `grade`, the FSRS scheduler), and its totals follow the rules of
`attempt_submit`: the score is the sum of its responses' scores, an attempt with an essay
awaiting grading is not passed. The same --seed gives the same learners, answers and
grades; dates are relative to the time of the run.
"""

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from fsrs import Card, Rating

from bench.attempts import answered, attempt_submitted, latest_versions, quiz_plans
from bench.rows import insert_objects, insert_rows
from courses.content import seeds_load
from courses.models import Cohort, Course, Enrollment, Lesson, LessonProgress
from quizzes.models import (
    Attempt,
    Evidence,
    Response,
    ReviewCard,
    ReviewLog,
)
from quizzes.reviews import SCHEDULER, card_fields, rating_for

SEED_COURSE = Path(settings.BASE_DIR) / "seeds" / "indivisible-security"
COURSE_SLUG = "indivisible-security"
PREFIX = "bench-"
INSTRUCTOR = "bench-instructor"
PASSWORD = "bench-password-for-load-tests"  # noqa: S105 - benchmark accounts only
COHORTS = ("Bench group A", "Bench group B", "Bench group C", "Bench group D")
HISTORY = timedelta(days=60)
CHUNK = 2000
BATCH = 1000
NO_QUIZZES = "The course has no published quiz to attempt."
LIMITS_REACHED = "The quizzes' attempt limits leave no room for so many attempts."


class BenchDataError(Exception):
    """The data asked for cannot be made (the message says why)."""


@dataclass
class BenchReport:
    counts: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        created = [f"{name}: {count} created" for name, count in self.counts.items()]
        timed = [f"{phase}: {seconds:.1f} s" for phase, seconds in self.seconds.items()]
        return created + timed + [f"total: {sum(self.seconds.values()):.1f} s"]


@dataclass
class Learner:
    user_id: int
    ability: float


def benchdata_make(
    *, learners: int, attempts: int, seed: int, in_progress: int = 0, course: str = COURSE_SLUG
) -> BenchReport:
    """Replace the benchmark learners (usernames bench-…) with `learners` new ones.

    They have `attempts` submitted attempts between them and `in_progress` more under way.
    """
    report, rng, now = BenchReport(), random.Random(seed), timezone.now()
    with _timed(report, "course"):
        course = course_ensure(course)
    with transaction.atomic():
        with _timed(report, "learners"):
            get_user_model().objects.filter(username__startswith=PREFIX).delete()
            instructor, people = _learners(course, learners, rng, now, report)
        with _timed(report, "progress"):
            _progress(course, people, rng, now, report)
        with _timed(report, "attempts"):
            deck = _attempts(course, people, instructor, attempts, rng, now, report)
        with _timed(report, "reviews"):
            _reviews(course, people, deck, rng, now, report)
        with _timed(report, "in progress"):
            _in_progress(course, people, in_progress, rng, now, report)
    return report


def course_ensure(slug: str) -> Course:
    """The course; the one in seeds/ is loaded first when the database lacks it."""
    if slug == COURSE_SLUG and not Course.objects.filter(slug=slug).exists():
        seeds_load(path=SEED_COURSE)
    return Course.objects.get(slug=slug)


class _timed:
    def __init__(self, report: BenchReport, phase: str) -> None:
        self.report, self.phase = report, phase

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc) -> None:
        self.report.seconds[self.phase] = time.perf_counter() - self.start


def _learners(course, count, rng, now, report) -> tuple:
    """Users sharing one password hash (computed once: PBKDF2 per user would take minutes)."""
    users = get_user_model().objects
    password = make_password(PASSWORD)
    instructor = users.create(username=INSTRUCTOR, password=password, first_name="Bench")
    course.instructors.add(instructor)
    width = max(4, len(str(count - 1)))
    created = users.bulk_create(
        [
            get_user_model()(
                username=f"{PREFIX}{i:0{width}d}",
                email=f"{PREFIX}{i:0{width}d}@example.org",
                first_name="Learner",
                last_name=f"{i:0{width}d}",
                password=password,
                date_joined=now - HISTORY - timedelta(days=rng.uniform(0, 30)),
            )  # fmt: skip
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    if created and created[0].pk is None:  # backends that do not return keys
        created = list(users.filter(username__startswith=PREFIX).exclude(username=INSTRUCTOR))
    cohorts = [_cohort(course, name, rng) for name in COHORTS]
    insert_objects([
        Enrollment(user=u, course=course, cohort=cohorts[i % len(cohorts)])
        for i, u in enumerate(created)
    ])  # fmt: skip
    report.counts.update(learners=len(created), instructors=1, enrolments=len(created))
    return instructor, [Learner(u.pk, rng.betavariate(5, 2)) for u in created]


def _cohort(course, name, rng) -> Cohort:
    code = "".join(rng.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(8))
    return Cohort.objects.get_or_create(course=course, name=name, defaults={"join_code": code})[0]


def _progress(course, people, rng, now, report) -> None:
    """Each learner has read a prefix of the course in reading order."""
    lessons = list(Lesson.objects.published().in_course(course).in_reading_order())
    rows, last = [], {}
    for person in people:
        read = rng.randint(0, len(lessons))
        for lesson in lessons[:read]:
            done = now - timedelta(days=rng.uniform(0, 60))
            rows.append(LessonProgress(user_id=person.user_id, lesson=lesson, completed_at=done))
        if read:
            last[person.user_id] = lessons[read - 1]
    insert_objects(rows)
    enrolments = list(Enrollment.objects.filter(user_id__in=last, course=course))
    for enrolment in enrolments:
        enrolment.last_lesson = last[enrolment.user_id]
    Enrollment.objects.bulk_update(enrolments, ["last_lesson"], batch_size=BATCH)
    report.counts.update(lesson_progress=len(rows))


def _attempts(course, people, instructor, count, rng, now, report) -> dict:
    """Submitted, graded attempts in time order; returns the first answer per question."""
    plans, versions = quiz_plans(course), latest_versions(course)
    concepts = dict(course.concepts.values_list("slug", "id"))
    planned = _schedule(plans, people, count, rng, now)
    deck: dict[tuple[int, int], tuple[datetime, float | None]] = {}
    for start in range(0, len(planned), CHUNK):
        attempts, responses = [], []
        for started, person, plan, number in planned[start : start + CHUNK]:
            attempt, rows = attempt_submitted(
                plan, person, number, started, versions=versions, grader=instructor, rng=rng,
                now=now,
            )  # fmt: skip
            attempts.append(attempt)
            responses.append(rows)
        flat = _insert(attempts, responses)
        evidence = _evidence(attempts, responses, concepts, deck)
        insert_rows(Evidence, EVIDENCE_COLUMNS, evidence)
        report.counts.update(attempts=len(attempts), responses=len(flat), evidence=len(evidence))
    return deck


def _in_progress(course, people, count, rng, now, report) -> None:
    """Attempts under way with answers saved: what the load test submits and autosaves.

    Module tests and exams come first (the heaviest submits), one learner after another,
    within each quiz's attempt limit.
    """
    plans = sorted(quiz_plans(course), key=lambda plan: plan.quiz.lesson_id is not None)
    versions = latest_versions(course)
    numbers = {
        (user, quiz): number for user, quiz, number in
        Attempt.objects.filter(quiz__course=course).values("user", "quiz")
        .annotate(top=Max("number")).values_list("user", "quiz", "top")
    }  # fmt: skip
    attempts, responses = [], []
    free = (
        (plan, person) for plan in plans for person in people
        if not plan.quiz.attempts_allowed
        or numbers.get((person.user_id, plan.quiz.pk), 0) < plan.quiz.attempts_allowed
    )  # fmt: skip
    for plan, person in free:
        if len(attempts) == count:
            break
        limit = plan.quiz.time_limit_minutes
        rows = answered(plan, person, versions, rng, now)
        attempts.append(Attempt(
            quiz=plan.quiz, user_id=person.user_id, started_at=now,
            number=numbers.get((person.user_id, plan.quiz.pk), 0) + 1,
            deadline=now + timedelta(minutes=limit) if limit else None,
            max_score=sum((r.points for r in rows), Decimal(0)),
        ))  # fmt: skip
        responses.append(rows)
    flat = _insert(attempts, responses)
    report.counts.update(in_progress=len(attempts), responses=len(flat))


def _insert(attempts: list[Attempt], responses: list[list[Response]]) -> list[Response]:
    insert_objects(attempts)
    flat = []
    for attempt, rows in zip(attempts, responses, strict=True):
        for response in rows:
            response.attempt = attempt
            flat.append(response)
    insert_objects(flat)
    return flat


def _schedule(plans, people, count, rng, now) -> list[tuple]:
    """(started_at, learner, quiz plan, attempt number), respecting attempt limits."""
    if count and not plans:
        raise BenchDataError(NO_QUIZZES)
    used: Counter = Counter()
    chosen = []
    tries = 0
    while len(chosen) < count:
        tries += 1
        if tries > count * 20 + 1000:
            raise BenchDataError(LIMITS_REACHED)
        person, plan = rng.choice(people), rng.choice(plans)
        allowed = plan.quiz.attempts_allowed
        if allowed and used[person.user_id, plan.quiz.pk] >= allowed:
            continue
        used[person.user_id, plan.quiz.pk] += 1
        started = now - timedelta(seconds=rng.uniform(3600, HISTORY.total_seconds()))
        chosen.append((started, person, plan))
    chosen.sort(key=lambda row: (row[0], row[1].user_id))
    numbers: Counter = Counter()
    numbered = []
    for started, person, plan in chosen:
        numbers[person.user_id, plan.quiz.pk] += 1
        numbered.append((started, person, plan, numbers[person.user_id, plan.quiz.pk]))
    return numbered


EVIDENCE_COLUMNS = ["user", "concept", "fraction", "mixed", "at", "response", "review"]


def _evidence(attempts, responses, concepts, deck) -> list[tuple]:
    """Evidence per concept of each graded answer; the first answer per question feeds the deck."""
    rows = []
    for attempt, graded in zip(attempts, responses, strict=True):
        mixed = attempt.quiz.lesson_id is None
        for response in graded:
            if response.answer in (None, "", []):
                continue
            data = response.version.data
            deck.setdefault(
                (attempt.user_id, response.version.question_id),
                (attempt.submitted_at, response.submitted_fraction),
            )
            if response.fraction is None:
                continue
            at = response.graded_at or attempt.submitted_at
            rows += [
                (attempt.user_id, concepts[slug], response.fraction, mixed, at, response.pk, None)
                for slug in data.get("concepts") or [] if slug in concepts
            ]  # fmt: skip
    return rows


def _reviews(course, people, deck, rng, now, report) -> None:
    """A card per first-answered question, then the reviews that fell due since."""
    ability = {person.user_id: person.ability for person in people}
    topics = {
        pk: data.get("concepts") or [] for pk, data in
        ((v.question_id, v.data) for v in latest_versions(course).values())
    }  # fmt: skip
    concepts = dict(course.concepts.values_list("slug", "id"))
    cards, logs = [], []
    for card_id, ((user_id, question_id), (at, fraction)) in enumerate(sorted(deck.items())):
        card, rating = Card(card_id=card_id + 1, due=at), rating_for(fraction)
        if rating is not None:
            card, _ = SCHEDULER.review_card(card, rating, review_datetime=at)
        row = ReviewCard(user_id=user_id, question_id=question_id)
        card = _review_due(card, row, ability[user_id], logs, rng, now)
        for name, value in card_fields(card).items():
            setattr(row, name, value)
        cards.append(row)
    insert_objects(cards)
    insert_objects(logs)
    evidence = [
        (log.card.user_id, concepts[slug], log.fraction, True, log.reviewed_at, None, log.pk)
        for log in logs for slug in topics[log.card.question_id] if slug in concepts
    ]  # fmt: skip
    insert_rows(Evidence, EVIDENCE_COLUMNS, evidence)
    report.counts.update(review_cards=len(cards), review_logs=len(logs), evidence=len(evidence))


RATING_FRACTION = {Rating.Again: 0.0, Rating.Hard: 0.5, Rating.Good: 1.0, Rating.Easy: 1.0}


def _review_due(card, row, ability, logs, rng, now) -> Card:
    """Up to three reviews of a card that fell due, most of them taken when due."""
    while card.last_review and card.due < now and row.reviews < 3 and rng.random() < 0.7:
        when = card.due + timedelta(hours=rng.uniform(0, 48))
        if when > now:
            break
        rating = (Rating.Good if rng.random() < 0.85 else Rating.Easy) if rng.random() < ability \
            else (Rating.Again if rng.random() < 0.6 else Rating.Hard)  # fmt: skip
        card, _ = SCHEDULER.review_card(card, rating, review_datetime=when)
        row.reviews += 1
        logs.append(ReviewLog(card=row, rating=int(rating), fraction=RATING_FRACTION[rating],
                              reviewed_at=when))  # fmt: skip
    return card

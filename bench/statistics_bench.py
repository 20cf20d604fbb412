"""Time quiz_statistics on 5,000 submitted attempts at a 20-question quiz (100,000 responses).

Run from the project folder: `DEBUG=true .venv/bin/python bench/statistics_bench.py`.
The data goes into a throwaway SQLite file under bench/tmp/, recreated on every run.
The target is a median under one second.
"""

import math
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_django  # noqa: E402 - after the path it needs

ATTEMPTS = 5_000
BATCH = 10_000
RUNS = 3
TARGET_SECONDS = 1.0

# Four kinds, five questions each: choices, options and answers the analysis counts.
SPECS = [
    {"kind": "single", "choices": [
        {"text": "Right", "credit": 100}, {"text": "Near", "credit": 50},
        {"text": "Wrong", "credit": 0}, {"text": "Far off", "credit": 0}]},
    {"kind": "multiple", "choices": [
        {"text": "Yes A", "credit": 50}, {"text": "Yes B", "credit": 50},
        {"text": "No C", "credit": -100}]},
    {"kind": "true_false", "answer": True},
    {"kind": "short_answer", "answers": [{"text": "Helsinki Final Act", "credit": 100}]},
]  # fmt: skip
RIGHT = {"single": 0, "multiple": [0, 1], "true_false": True, "short_answer": "Helsinki Final Act"}
WRONG = {
    "single": [1, 2, 3],
    "multiple": [[0], [0, 2], [1, 2]],
    "true_false": [False],
    "short_answer": ["Helsinki", "Paris Charter", "Final Act"],
}


def setup_django() -> None:
    scratch_django("statistics", test_environment=False)


def make_quiz():
    from courses.models import Course
    from quizzes.models import Quiz, QuizQuestion
    from quizzes.questions import question_version, question_write_spec

    course = Course.objects.create(slug="bench", title="Bench", summary="", description="")
    quiz = Quiz.objects.create(course=course, slug="bench", title="Bench quiz")
    versions = []
    for position in range(20):
        spec = {**SPECS[position % 4], "slug": f"q{position}", "prompt": f"Question {position}?"}
        question = question_write_spec(course=course, spec=spec, sources={}, concepts={})
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
        versions.append(question_version(question))
    return quiz, versions


def make_attempts(quiz, versions, rng: random.Random) -> None:
    """Learners of normally distributed ability answer questions of graded difficulty."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from quizzes.grading import grade
    from quizzes.models import Attempt, Response

    now, unusable = timezone.now(), make_password(None)
    with transaction.atomic():
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"learner{i}", password=unusable) for i in range(ATTEMPTS)],
            batch_size=BATCH,
        )
        attempts = Attempt.objects.bulk_create(
            [Attempt(quiz=quiz, user=user, number=1, state=Attempt.State.SUBMITTED,
                     started_at=now - timedelta(minutes=30), submitted_at=now,
                     max_score=Decimal(len(versions))) for user in users],
            batch_size=BATCH,
        )  # fmt: skip
        graded = {}  # (slot, answer) -> (fraction, score): grading once per distinct answer
        responses = []
        for attempt in attempts:
            ability = rng.gauss(0, 1)
            total = Decimal(0)
            for slot, version in enumerate(versions, 1):
                difficulty = (slot - 10) / 5
                kind = version.data["kind"]
                right = rng.random() < 1 / (1 + math.exp(difficulty - ability))
                answer = RIGHT[kind] if right else rng.choice(WRONG[kind])
                key = (slot, repr(answer))
                if key not in graded:
                    fraction = grade(version.data, answer).fraction
                    graded[key] = fraction, Decimal(str(fraction)).quantize(Decimal("0.001"))
                fraction, score = graded[key]
                total += score
                responses.append(Response(attempt=attempt, slot=slot, version=version,
                                          points=Decimal(1), answer=answer, fraction=fraction,
                                          score=score, saved_at=now))  # fmt: skip
            attempt.score = total
        Attempt.objects.bulk_update(attempts, ["score"], batch_size=BATCH)
        Response.objects.bulk_create(responses, batch_size=BATCH)


def main() -> None:
    setup_django()
    from quizzes.statistics import quiz_statistics

    started, started_cpu = time.perf_counter(), time.process_time()
    quiz, versions = make_quiz()
    make_attempts(quiz, versions, random.Random(20240601))
    print(f"generated {ATTEMPTS} attempts in {time.perf_counter() - started:.1f} s "
          f"({time.process_time() - started_cpu:.1f} s CPU)")  # fmt: skip

    wall, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = quiz_statistics(quiz=quiz, attempts="first")
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    responses = sum(q.attempts for q in result.questions)
    print(f"attempts: {result.attempts}, responses: {responses}, CIC: {result.cic:.1f}%")
    print(f"runs: {', '.join(f'{t:.3f}' for t in wall)} s")
    # SQLite runs in this process, so CPU time covers the queries too; it shows what the
    # code costs when other processes compete for the two cores.
    median = statistics.median(wall)
    verdict = "within" if median < TARGET_SECONDS else "OVER"
    print(f"median: {median:.3f} s wall, {statistics.median(cpu):.3f} s CPU "
          f"({verdict} the {TARGET_SECONDS:.0f} s target)")  # fmt: skip


if __name__ == "__main__":
    main()

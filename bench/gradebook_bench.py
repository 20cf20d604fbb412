"""Time the gradebook of 2,000 learners × 20 quizzes (about 80,000 attempts).

Run from the project folder: `DEBUG=true .venv/bin/python bench/gradebook_bench.py`.
The data goes into a throwaway SQLite file under bench/tmp/, recreated on every run.
Each measurement is a whole page through the test client (session, permission check,
queries, template), three runs, median printed. The target is under 0.5 s a page.
"""

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

LEARNERS = 2_000
QUIZZES = 20
BATCH = 10_000
RUNS = 3
TARGET_SECONDS = 0.5


def setup_django() -> None:
    scratch_django("gradebook")


def make_course():
    """A course with 20 quizzes, one grading method after another, and an instructor."""
    from django.contrib.auth import get_user_model

    from courses.models import Course
    from quizzes.models import GradingMethod, Quiz

    course = Course.objects.create(slug="bench", title="Bench", summary="", description="")
    instructor = get_user_model().objects.create(username="instructor")
    course.instructors.add(instructor)
    methods = GradingMethod.values
    quizzes = [
        Quiz.objects.create(
            course=course, slug=f"quiz-{i:02}", title=f"Quiz {i}", grading_method=methods[i % 4]
        )
        for i in range(QUIZZES)
    ]
    return course, instructor, quizzes


def make_learners(course, quizzes, rng: random.Random) -> int:
    """Enrolled learners with one to three attempts a quiz; a few await grading."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from courses.models import Enrollment
    from quizzes.models import Attempt

    user_model = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        users = user_model.objects.bulk_create(
            user_model(username=f"learner{i:05}", first_name=f"F{i % 97}",
                       last_name=f"L{i % 89}")
            for i in range(LEARNERS)
        )  # fmt: skip
        Enrollment.objects.bulk_create(Enrollment(user=u, course=course) for u in users)
        attempts = []
        for user in users:
            for quiz in quizzes:
                for number in range(1, rng.randint(1, 3) + 1):
                    attempts.append(Attempt(
                        quiz=quiz, user=user, number=number, state=Attempt.State.SUBMITTED,
                        started_at=now - timedelta(hours=2), submitted_at=now,
                        score=Decimal(rng.randint(0, 20)), max_score=Decimal(20),
                        needs_grading=rng.random() < 0.03,
                    ))  # fmt: skip
        Attempt.objects.bulk_create(attempts, batch_size=BATCH)
    return len(attempts)


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    rng = random.Random(7)
    course, instructor, quizzes = make_course()
    attempts = make_learners(course, quizzes, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(instructor)
    page = reverse("teaching:gradebook", args=[course.slug])
    cases = {
        "page 1, by name": page,
        "page 20, by name": f"{page}?page=20",
        "page 1, by a quiz (average)": f"{page}?sort=-quiz:quiz-03",
        "page 1, by a quiz (first)": f"{page}?sort=quiz:quiz-02",
    }
    print(f"{LEARNERS} learners × {QUIZZES} quizzes, {attempts} attempts (SQLite)")
    slowest = 0.0
    for name, url in cases.items():
        timed(client, url)  # warm the caches once
        median = statistics.median(timed(client, url) for _ in range(RUNS))
        slowest = max(slowest, median)
        print(f"  {name}: median {median * 1000:.0f} ms of {RUNS}")
    csv = reverse("teaching:gradebook_csv", args=[course.slug])
    start = time.perf_counter()
    size = sum(len(chunk) for chunk in client.get(csv).streaming_content)
    print(f"  CSV of every learner: {time.perf_counter() - start:.2f} s, {size // 1024} KiB")
    verdict = "meets" if slowest < TARGET_SECONDS else "MISSES"
    print(f"Slowest page median {slowest * 1000:.0f} ms: {verdict} the {TARGET_SECONDS} s target.")


if __name__ == "__main__":
    main()

"""Time a learner's pages with 1,000 attempts and 2,000 review cards.

Run from the project folder: `DEBUG=true .venv/bin/python bench/dashboard_bench.py`.
The data goes into a throwaway SQLite file under bench/tmp/, recreated on every run: the
shipped course, one learner with 1,000 submitted attempts spread over its quizzes, 2,000
review cards and the mastery evidence those attempts leave. Each measurement is a whole
page through the test client, three runs, median printed with the page's query count.
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

ATTEMPTS = 1_000
CARDS = 2_000
RUNS = 3


def setup_django() -> None:
    scratch_django("dashboard")
    from django.core.management import call_command

    call_command("loadcourse", str(ROOT / "seeds" / "indivisible-security"), verbosity=0)


def make_learner(rng: random.Random):
    """One enrolled learner with ATTEMPTS attempts, CARDS cards and their evidence."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from courses.models import Concept, Course
    from courses.progress import course_enroll
    from quizzes.models import Attempt, Evidence, Question, Quiz, ReviewCard

    course = Course.objects.get(slug="indivisible-security")
    user = get_user_model().objects.create(username="heavy")
    course_enroll(course=course, user=user)
    quizzes = list(Quiz.objects.filter(course=course))
    now = timezone.now()
    numbers: dict[int, int] = {}
    attempts = []
    for i in range(ATTEMPTS):
        quiz = quizzes[i % len(quizzes)]
        numbers[quiz.pk] = numbers.get(quiz.pk, 0) + 1
        score = Decimal(rng.randint(0, 10))
        at = now - timedelta(hours=ATTEMPTS - i)
        attempts.append(Attempt(
            quiz=quiz, user=user, number=numbers[quiz.pk], state="submitted", started_at=at,
            submitted_at=at, score=score, max_score=Decimal(10), passed=score >= 6,
        ))  # fmt: skip
    Attempt.objects.bulk_create(attempts, batch_size=500)
    concepts = list(Concept.objects.filter(course=course))
    Evidence.objects.bulk_create(
        (Evidence(user=user, concept=rng.choice(concepts), fraction=rng.random(),
                  mixed=rng.random() < 0.3, at=now - timedelta(minutes=i))
         for i in range(ATTEMPTS * 5)),
        batch_size=1000,
    )  # fmt: skip
    questions = list(Question.objects.filter(course=course))
    users = [user] + [
        get_user_model().objects.create(username=f"h{i}") for i in range(CARDS // len(questions))
    ]
    cards = [
        ReviewCard(user=u, question=q, state={}, due=now + timedelta(days=rng.randint(-3, 30)),
                   stability=rng.uniform(0.5, 40),
                   last_review=now - timedelta(days=rng.randint(0, 20)))
        for u in users for q in questions
    ][:CARDS]  # fmt: skip
    for card in cards[: len(questions)]:
        card.user = user  # the learner's own deck holds one card per question of the course
    ReviewCard.objects.bulk_create(cards, batch_size=1000)
    return user, course


def timed(client, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed, len(queries)


def main() -> None:
    setup_django()
    from django.test import Client

    user, course = make_learner(random.Random(7))
    client = Client()
    client.force_login(user)
    pages = {
        "dashboard": "/dashboard/",
        "course page": f"/courses/{course.slug}/",
        "reviews": "/reviews/",
        "concept page": f"/courses/{course.slug}/glossary/indivisible-security/",
    }
    print(f"One learner with {ATTEMPTS} attempts and {CARDS} review cards in the database (SQLite)")
    for name, url in pages.items():
        client.get(url)  # warm the per-learner caches
        runs = [timed(client, url) for _ in range(RUNS)]
        median = statistics.median(seconds for seconds, _ in runs)
        print(f"  {name}: median {median * 1000:.0f} ms of {RUNS}, {runs[0][1]} queries")


if __name__ == "__main__":
    main()

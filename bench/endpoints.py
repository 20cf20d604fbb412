"""The endpoints `make bench` measures, in the order it measures them.

One table, so adding a page to the benchmark is one line. `rotate` says what changes from
one request to the next: a lesson, a learner (with their session), or one of the learners'
in-progress attempts. Submits run once per attempt (an attempt is graded only once) and
after the attempt page and autosave, which use the same attempts. An endpoint whose URL
answers 404 when the run starts is recorded as "not available" (a page not built yet).
The two floors (bench/floor.py) are what any logged-in page pays before its own work.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str  # placeholders: {course} {lesson} {attempt} {quiz}
    viewer: str = "anonymous"  # anonymous | learner | instructor
    method: str = "GET"
    rotate: str = ""  # "" | lesson | learner | attempt
    body: str = ""  # "" | autosave (a changed answer) | csrf (the token only)
    once: bool = False
    status: int = 200
    min_ratio: float | None = None  # target: at least this share of the /healthz rate
    max_p99_ms: float | None = None  # target: 99th percentile latency under this


BASELINE = "healthz"

ENDPOINTS = (
    Endpoint(BASELINE, "/healthz"),
    Endpoint("floor: logged in", "/bench/floor/reader", viewer="learner", rotate="learner"),
    Endpoint("floor: page frame", "/bench/floor/frame", viewer="learner", rotate="learner"),
    Endpoint("catalog", "/"),
    Endpoint("lesson (anonymous)", "/courses/{course}/lessons/{lesson}/", rotate="lesson",
             min_ratio=0.5),
    Endpoint("lesson (logged in)", "/courses/{course}/lessons/{lesson}/", viewer="learner",
             rotate="lesson", min_ratio=0.5),
    Endpoint("attempt page", "/attempts/{attempt}/", viewer="learner", rotate="attempt",
             min_ratio=0.3),
    Endpoint("autosave", "/attempts/{attempt}/autosave/", viewer="learner", method="POST",
             rotate="attempt", body="autosave"),
    Endpoint("submit", "/attempts/{attempt}/submit/", viewer="learner", method="POST",
             rotate="attempt", body="csrf", once=True, status=302, max_p99_ms=150),
    Endpoint("dashboard", "/dashboard/", viewer="learner", rotate="learner", min_ratio=0.3),
    Endpoint("gradebook", "/teach/{course}/gradebook/", viewer="instructor"),
    Endpoint("statistics", "/teach/{course}/quizzes/{quiz}/statistics/", viewer="instructor"),
)  # fmt: skip

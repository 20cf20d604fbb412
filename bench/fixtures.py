"""What the load generator sends: logged-in sessions, a CSRF token and one line per request.

Sessions are made the way `login()` makes them (user id, backend, password hash) in the
session store the site uses, so the server sees ordinary logged-in learners. The CSRF
cookie holds a secret and forms post the same secret, which CsrfViewMiddleware accepts
in its unmasked form.
"""

import random
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db.models import Count
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.utils.crypto import get_random_string

from bench.answers import answer_form, form_body, right_answer
from bench.data import COURSE_SLUG, INSTRUCTOR, PREFIX
from bench.endpoints import Endpoint
from courses.models import Course, Lesson
from quizzes.models import Attempt, Response

BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class Visit:
    """One request: a line of the file wrk.lua reads."""

    method: str
    path: str
    cookie: str = ""
    body: str = ""

    def line(self) -> str:
        return "\t".join((self.method, self.path, self.cookie, self.body))


@dataclass
class OpenAttempt:
    pk: int
    cookie: str
    saves: tuple[str, str]  # two different answers to its first question, as form bodies


@dataclass
class Fixtures:
    course: str
    lessons: list[str]
    quiz: str  # the quiz with the most submitted attempts, for its statistics page
    csrf: str
    learners: list[str]  # session cookies of learners who browse
    instructor: str
    attempts: list[OpenAttempt]


def fixtures_prepare(*, browsers: int) -> Fixtures:
    """Sessions for `browsers` learners, the instructor and every open attempt's learner."""
    course = Course.objects.get(slug=COURSE_SLUG)
    csrf = get_random_string(32, CSRF_ALLOWED_CHARS)
    users = get_user_model().objects.filter(username__startswith=PREFIX)
    cookies = _sessions(users.exclude(username=INSTRUCTOR).order_by("username")[:browsers], csrf)
    open_attempts = list(
        Attempt.objects.in_progress().filter(user__username__startswith=PREFIX).order_by("pk")
    )
    owners = {a.user_id for a in open_attempts} - set(cookies)
    cookies |= _sessions(users.filter(pk__in=owners), csrf)
    return Fixtures(
        course=course.slug,
        lessons=list(
            Lesson.objects.published()
            .in_course(course)
            .in_reading_order()
            .values_list("slug", flat=True)
        ),  # fmt: skip
        quiz=_busiest_quiz(course),
        csrf=csrf,
        learners=[cookies[pk] for pk in sorted(cookies)][:browsers],
        instructor=next(iter(_sessions(users.filter(username=INSTRUCTOR), csrf).values())),
        attempts=_open_attempts(open_attempts, cookies, csrf),
    )


def _sessions(users, csrf: str) -> dict[int, str]:
    """A logged-in session per user, as the Cookie header a browser would send."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = {}
    for user in users:
        store = store_class()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies[user.pk] = (
            f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}"
        )
    return cookies


def _busiest_quiz(course) -> str:
    quizzes = course.quizzes.annotate(n=Count("attempts")).order_by("-n", "slug")
    return quizzes.values_list("slug", flat=True).first() or ""


def _open_attempts(attempts, cookies, csrf) -> list[OpenAttempt]:
    """Each open attempt with two answers to its first question, so every autosave writes."""
    firsts = {
        r.attempt_id: r
        for r in Response.objects.filter(attempt__in=attempts, slot=1).select_related("version")
    }
    token = [("csrfmiddlewaretoken", csrf)]
    result = []
    for attempt in attempts:
        first = firsts[attempt.pk]
        data, order = first.version.data, first.order
        right = right_answer(data, random.Random(attempt.pk))
        saves = tuple(
            form_body(token + answer_form(data, order, answer, 1)) for answer in (right, None)
        )
        result.append(OpenAttempt(attempt.pk, cookies[attempt.user_id], saves))
    return result


def visits(endpoint: Endpoint, fixtures: Fixtures) -> list[Visit]:
    """The requests for one endpoint, in the order the load generator cycles through them."""
    people = {"anonymous": [""], "instructor": [fixtures.instructor]}.get(
        endpoint.viewer, fixtures.learners
    )
    fill = {"course": fixtures.course, "quiz": fixtures.quiz}
    if endpoint.rotate == "attempt":
        return _attempt_visits(endpoint, fixtures, fill)
    if endpoint.rotate == "lesson":
        lessons = fixtures.lessons
        return [
            Visit(endpoint.method, endpoint.path.format(**fill, lesson=lessons[i % len(lessons)]),
                  people[i % len(people)])
            for i in range(max(len(lessons), len(people)))
        ]  # fmt: skip
    path = endpoint.path.format(**fill)
    return [Visit(endpoint.method, path, cookie) for cookie in people]


def _attempt_visits(endpoint: Endpoint, fixtures: Fixtures, fill: dict) -> list[Visit]:
    """Autosaves alternate two answers per attempt; other requests visit each attempt once."""
    rounds = 2 if endpoint.body == "autosave" else 1
    token = f"csrfmiddlewaretoken={fixtures.csrf}" if endpoint.body == "csrf" else ""
    return [
        Visit(endpoint.method, endpoint.path.format(**fill, attempt=a.pk), a.cookie,
              a.saves[turn] if endpoint.body == "autosave" else token)
        for turn in range(rounds) for a in fixtures.attempts
    ]  # fmt: skip

"""Access: every named URL of the project, tried as each kind of user.

The list of URLs comes from the resolver, so a new page is tried as soon as it exists: a
URL that RULES (or `admin_rule` for the admin) does not classify fails
`test_every_named_url_is_classified` with its name. Each rule says how to call the URL
(method and arguments, pointing at the owner's objects in course A) and the status each
role must get. Roles: anonymous; the owner (a learner of course A, whose attempts,
review card and certificate the URLs name); another learner of course A; the instructor
of another course (staff, in the Instructor group); course A's own instructor.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizzes.models import Attempt, Response, ReviewCard
from tests.security.conftest import MARKER

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "learner", "instructor_b", "instructor_a")
LOGIN = "login"  # a redirect to the login page (the site's or the admin's)
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@dataclass(frozen=True)
class Rule:
    args: Callable[[SimpleNamespace], list]
    expect: dict  # role -> status, LOGIN, or a tuple of acceptable statuses
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None


def everyone(status) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=LOGIN, **roles) -> dict:
    return {**everyone(status), "anonymous": anonymous, **roles}


def owner_only(status=200) -> dict:
    """The owner's own object: everyone else gets 404, as if it did not exist."""
    return signed_in(404, owner=status)


def course_a_teacher(status=200) -> dict:
    return signed_in(404, instructor_a=status)


def no_args(w):
    return []


def course(w):
    return [w.course.slug]


REFUSED = (403, 404)
MISSING = (302, 403, 404)

RULES: dict[str, Rule] = {
    # Accounts (django.contrib.auth)
    "login": Rule(no_args, everyone(200)),
    "logout": Rule(no_args, everyone(405)),  # POST only, so a link cannot log anyone out
    "password_change": Rule(no_args, signed_in(200)),
    "password_change_done": Rule(no_args, signed_in(200)),
    "password_reset": Rule(no_args, everyone(200)),
    "password_reset_done": Rule(no_args, everyone(200)),
    "password_reset_confirm": Rule(lambda w: ["MQ", "bad-token"], everyone(200)),
    "password_reset_complete": Rule(no_args, everyone(200)),
    "set_language": Rule(no_args, everyone(302), "post", lambda w: {"language": "en"}),
    "healthz": Rule(no_args, everyone(200)),
    "readyz": Rule(no_args, everyone(200)),
    # Public course pages
    "courses:catalog": Rule(no_args, everyone(200)),
    "courses:search": Rule(no_args, everyone(200)),
    "courses:signup": Rule(no_args, signed_in(302, anonymous=200)),
    "courses:detail": Rule(course, everyone(200)),
    "courses:lesson": Rule(lambda w: [w.course.slug, w.lesson.slug], everyone(200)),
    "courses:sources": Rule(course, everyone(200)),
    "courses:glossary": Rule(course, everyone(200)),
    "courses:concept": Rule(lambda w: [w.course.slug, w.concept.slug], everyone(200)),
    "courses:timeline": Rule(course, everyone(200)),
    # Acting on oneself only: enrolling or marking a lesson changes the requester's rows.
    "courses:enrol": Rule(course, signed_in(302), method="post"),
    "courses:mark": Rule(lambda w: [w.course.slug, w.lesson.slug], signed_in(302), method="post"),
    # Public verification shows name, course and date only; the code is 128 random bits.
    "courses:certificate": Rule(lambda w: [w.certificate.code], everyone(200)),
    "courses:certificate_print": Rule(lambda w: [w.certificate.code], owner_only()),
    # Quizzes
    "quizzes:detail": Rule(lambda w: [w.course.slug, w.quiz.slug], everyone(200)),
    "quizzes:start": Rule(lambda w: [w.course.slug, w.quiz.slug], signed_in(302), "post"),
    "quizzes:attempt": Rule(lambda w: [w.open.pk], owner_only()),
    "quizzes:autosave": Rule(lambda w: [w.open.pk], owner_only(), "post", lambda w: {"shown": "1"}),
    "quizzes:submit": Rule(lambda w: [w.open.pk], owner_only()),
    "quizzes:result": Rule(lambda w: [w.done.pk], owner_only()),
    "quizzes:reviews": Rule(no_args, signed_in(200)),
    "quizzes:review_answer": Rule(lambda w: [w.card.pk], owner_only((200, 302, 400)), "post"),
    # The learner's own data: each signed-in user gets their own.
    "learning:dashboard": Rule(no_args, signed_in(200)),
    "learning:my_data": Rule(no_args, signed_in(200)),
    "learning:my_data_download": Rule(no_args, signed_in(200)),
    "learning:delete_account": Rule(no_args, signed_in(400), "post"),  # needs the password
    "cohorts:join": Rule(no_args, signed_in(200)),
    # Teaching
    "teaching:index": Rule(
        no_args, signed_in(200, owner=403, learner=403)
    ),  # a learner teaches nothing
    "teaching:course": Rule(course, course_a_teacher()),
    "teaching:gradebook": Rule(course, course_a_teacher()),
    "teaching:gradebook_csv": Rule(course, course_a_teacher()),
    "teaching:learner": Rule(lambda w: [w.course.slug, w.owner.pk], course_a_teacher()),
    "teaching:attempt": Rule(lambda w: [w.course.slug, w.done.pk], course_a_teacher()),
    "teaching:grading": Rule(course, course_a_teacher()),
    "teaching:grade": Rule(lambda w: [w.course.slug, w.essay.pk], course_a_teacher()),
    "teaching:cohorts": Rule(course, course_a_teacher()),
    "teaching:statistics": Rule(lambda w: [w.course.slug, w.quiz.slug], course_a_teacher()),
    # LTI: platform-facing; without a platform's signed messages every request is refused.
    "lti:jwks": Rule(no_args, everyone(200)),
    "lti:canvas_config": Rule(no_args, everyone(200)),
    "lti:login": Rule(no_args, everyone(403)),
    "lti:launch": Rule(no_args, everyone(403), "post"),
    "lti:deep_link": Rule(no_args, everyone(403), "post"),
}


def named_patterns(patterns=None, namespace: str = "") -> list[str]:
    """Every named URL pattern reachable from the root URLconf, with its namespace."""
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(p for p in (namespace, pattern.namespace or "") if p)
            names += named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


# The admin: every URL behind staff login; another course's instructor reaches none of
# course A's objects (404 from the course scope, 403 where the Instructor group has no
# permission at all) and never sees course A's rows in a list.

ADMIN_OBJECT_VIEWS = ("change", "delete", "history")
ADMIN_MODEL_VIEWS = ("changelist", "add")
ADMIN_SITE_VIEWS = {
    "admin:index": 200, "admin:password_change": 200, "admin:password_change_done": 200,
    "admin:jsi18n": 200, "admin:autocomplete": REFUSED,
    "admin:view_on_site": (302, 404), "admin:app_list": (200, 404),
}  # fmt: skip
ADMIN_CUSTOM_VIEWS = {
    "admin:quizzes_question_import": ([], 200, "get"),
    "admin:courses_lesson_preview": ([], 200, "post"),
    "admin:auth_user_password_change": (["object"], 403, "get"),
}


def admin_model_views() -> dict[str, type]:
    """admin:<app>_<model>_<view> -> model, for every registered model."""
    names = {}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        for view in ADMIN_OBJECT_VIEWS + ADMIN_MODEL_VIEWS:
            names[prefix + view] = model
    return names


def admin_object(world, model):
    """An object of `model` in course A (or any object of an unscoped model)."""
    course_path = getattr(admin.site._registry[model], "course_path", None)
    rows = model._default_manager.order_by("pk")
    if course_path:
        rows = rows.filter(**{course_path: world.course.pk})
    return rows.first()


def admin_rule(name: str, world) -> Rule | None:
    """The rule for an admin URL, or None when it is not classified."""
    staff = ("instructor_a", "instructor_b")
    outsiders = {"anonymous": LOGIN, "owner": LOGIN, "learner": LOGIN}
    if name == "admin:login":
        return Rule(no_args, everyone(200) | dict.fromkeys(staff, 302))
    if name == "admin:logout":
        # Staff: POST only. Others: the admin sends them to its index, which asks them to log in.
        return Rule(no_args, everyone(302) | dict.fromkeys(staff, 405))
    models = admin_model_views()
    if name in models:
        model, view = models[name], name.rsplit("_", 1)[1]
        if view in ADMIN_MODEL_VIEWS:
            return Rule(
                no_args, {**outsiders, "instructor_b": (200, 403), "instructor_a": (200, 403)}
            )
        obj = admin_object(world, model)
        if obj is None:  # no such object: refused, or the admin's "does not exist" redirect
            return Rule(lambda w: [999999], {**outsiders, **dict.fromkeys(staff, MISSING)})
        return Rule(
            lambda w: [obj.pk], {**outsiders, "instructor_b": REFUSED, "instructor_a": (200, 403)}
        )
    if name in ADMIN_SITE_VIEWS:
        args = {
            "admin:app_list": lambda w: ["courses"],
            "admin:view_on_site": lambda w: [_content_type(w.lesson), w.lesson.pk],
        }
        expect = ADMIN_SITE_VIEWS[name]
        return Rule(args.get(name, no_args), {**outsiders, **dict.fromkeys(staff, expect)})
    if name in ADMIN_CUSTOM_VIEWS:
        args, status, method = ADMIN_CUSTOM_VIEWS[name]
        return Rule(
            lambda w: [w.owner.pk] if args else [],
            {**outsiders, **dict.fromkeys(staff, status)},
            method,
            lambda w: {"body": "x", "module": w.lesson.module_id},
        )
    return None


def _content_type(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def client_for(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def rule_for(name: str, world) -> Rule | None:
    return admin_rule(name, world) if name.startswith("admin:") else RULES.get(name)


def matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "login" in response["Location"]
    wanted = expected if isinstance(expected, tuple) else (expected,)
    return response.status_code in wanted


def owner_state(world) -> list:
    """The owner's attempts and answers, to prove other roles' requests changed nothing."""
    attempts = Attempt.objects.filter(user=world.owner).order_by("pk")
    responses = Response.objects.filter(attempt__user=world.owner).order_by("pk")
    return [
        list(attempts.values_list("pk", "state", "score", "submitted_at")),
        list(responses.values_list("pk", "answer", "score", "comment")),
        list(ReviewCard.objects.filter(user=world.owner).values_list("pk", "due", "reviews")),
    ]


def test_every_named_url_is_classified(world):
    unclassified = [name for name in named_patterns() if rule_for(name, world) is None]
    assert not unclassified, f"add these URLs to tests/security/test_access.py: {unclassified}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_matrix_says(world, role):
    client = client_for(world, role)
    before = owner_state(world)
    wrong = []
    for name in named_patterns():
        rule = rule_for(name, world)
        if rule is None:
            continue  # reported by test_every_named_url_is_classified
        url = reverse(name, args=rule.args(world))
        data = rule.data(world) if rule.data else {}
        response = getattr(client, rule.method)(url, data)
        if not matches(response, rule.expect[role]):
            wrong.append(f"{rule.method.upper()} {url} ({name}): {response.status_code}, "
                         f"expected {rule.expect[role]}")  # fmt: skip
        elif role == "instructor_b" and name.startswith("admin:") and response.status_code == 200:
            assert MARKER not in response.content.decode(), f"{url} shows course A"
    assert not wrong, "\n".join(wrong)
    if role not in ("owner", "instructor_a"):
        assert owner_state(world) == before


@pytest.mark.parametrize("name", ["quizzes:attempt", "quizzes:submit", "quizzes:result"])
def test_sequential_ids_reveal_nothing_about_other_learners_attempts(world, name):
    """Another learner's attempt and a missing one answer alike: the same 404 page."""
    client = client_for(world, "learner")
    highest = Attempt.objects.order_by("-pk").first().pk
    answers = {pk: client.get(reverse(name, args=[pk])) for pk in range(1, highest + 4)}
    assert {response.status_code for response in answers.values()} == {404}
    pages = {  # the same page, but for the per-response CSRF token and the path itself
        CSRF_TOKEN.sub("", response.content.decode().replace(reverse(name, args=[pk]), ""))
        for pk, response in answers.items()
    }
    assert len(pages) == 1


def test_another_courses_instructor_cannot_reach_course_a_objects_through_their_own_course(
    world,
):
    """Course B's slug with course A's attempt, essay or learner ids: 404, not a leak."""
    client = client_for(world, "instructor_b")
    urls = [
        reverse("teaching:attempt", args=["beta", world.done.pk]),
        reverse("teaching:grade", args=["beta", world.essay.pk]),
        reverse("teaching:learner", args=["beta", world.owner.pk]),
        reverse("teaching:statistics", args=["beta", world.quiz.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(urls[1], {"score": "0", "comment": "stolen"})
    assert response.status_code == 404
    world.essay.refresh_from_db()
    assert world.essay.comment == ""


def test_public_certificate_page_shows_no_account_details(world):
    world.owner.email = "owner-private@example.org"
    world.owner.save()
    text = Client().get(reverse("courses:certificate", args=[world.certificate.code])).text
    assert "owner-private@example.org" not in text
    assert world.owner.username not in text
    assert Client().get(reverse("courses:certificate", args=["guess"])).status_code == 404


def hide_drafts(world) -> list[str]:
    """A draft lesson and an unpublished quiz in course A; their URLs."""
    from tests.factories import LessonFactory

    draft = LessonFactory(module=world.lesson.module, slug="draft", title="Draft zzdraft",
                          body="zzdraft", is_published=False)  # fmt: skip
    world.quiz.is_published = False
    world.quiz.save()
    return [draft.get_absolute_url(), world.quiz.get_absolute_url()]


@pytest.mark.parametrize("role", ["anonymous", "owner", "learner", "instructor_a"])
def test_drafts_are_invisible_to_everyone_but_the_course_staff(world, role):
    """Unpublished lessons, quizzes and courses: 404 (and not searchable) but for course A's
    instructor, who previews them."""
    urls = hide_drafts(world)
    client = client_for(world, role)
    expected = 200 if role == "instructor_a" else 404
    for url in urls:
        assert client.get(url).status_code == expected, url
    found = client.get(reverse("courses:search"), {"q": "zzdraft"}).text
    assert "Draft zzdraft" not in found  # (the query itself is echoed in the search box)
    world.course.is_published = False
    world.course.save()
    assert client.get(world.course.get_absolute_url()).status_code == expected


def test_another_courses_instructor_cannot_preview_drafts(world):
    client = client_for(world, "instructor_b")
    for url in hide_drafts(world):
        assert client.get(url).status_code == 404, url

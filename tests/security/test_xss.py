"""XSS: hostile text in every field, import and answer is escaped or stripped wherever it shows.

Each payload goes through every function that turns text into a page (render_markdown,
Django's escaping, the GIFT and Moodle XML importers); then a few payloads, one of each
kind, fill every field of a course and every page a learner, an instructor and an admin
can open is parsed and must contain nothing a browser would run (payloads.inert_problems).
"""

import re
import shutil
from io import StringIO
from pathlib import Path

import markdown
import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from courses.markdown import render_markdown
from courses.models import Source
from quizzes.importing import questions_import
from quizzes.models import Question
from tests.factories import CourseFactory, ModuleFactory
from tests.security.conftest import build_hostile_world, instructor_of
from tests.security.payloads import (
    COMBINED_PAYLOAD,
    PAGE_PAYLOADS,
    XSS_PAYLOADS,
    assert_inert,
    inert_problems,
)

pytestmark = pytest.mark.django_db

COURSE_FILES = Path(__file__).parent.parent / "courses" / "files" / "mini-course"


def test_there_are_at_least_twenty_payloads_with_svg_mathml_and_javascript_links():
    assert len(XSS_PAYLOADS) >= 20
    assert any("<svg" in p for p in XSS_PAYLOADS) and any("<math" in p for p in XSS_PAYLOADS)
    assert sum("javascript:" in p.lower() for p in XSS_PAYLOADS) >= 10


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_the_scanner_sees_each_payload_when_nothing_protects_it(payload):
    """The page check is not vacuous: unescaped, unsanitised, every payload is flagged."""
    assert inert_problems(payload) or inert_problems(markdown.markdown(payload)), payload


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_renders_each_payload_inert(payload):
    for text in (payload, f"# Title\n\nSome *text* {payload} more.\n\n- item {payload}"):
        assert_inert(render_markdown(text), payload)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_templates_escape_each_payload_in_text_and_attributes(payload):
    html = Template(
        '<p title="{{ v }}">{{ v }}</p><input value="{{ v }}"><textarea>{{ v }}</textarea>'
    ).render(Context({"v": payload}))
    assert_inert(html, payload)
    assert escape(payload) in html


def _gift(payload: str) -> str:
    text = payload.replace("\\", "\\\\")
    for reserved in "~=#{}:":
        text = text.replace(reserved, "\\" + reserved)
    text = text.replace("\n", "\\n")  # a blank line would end the question
    return (
        f"::Q1:: [markdown]{text} {{\n=Right {text} # {text}\n~Wrong {text} # {text}\n}}\n\n"
        f"::Q2:: [html]{text} {{\n=Right\n~Wrong\n####{text}\n}}\n"
    )


def _moodle_xml(payload: str) -> str:
    cdata = payload.replace("]]>", "]]]]><![CDATA[>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice">'
        f"<name><text>Q</text></name>"
        f'<questiontext format="html"><text><![CDATA[<p>{cdata}</p>]]></text></questiontext>'
        f'<generalfeedback format="html"><text><![CDATA[{cdata}]]></text></generalfeedback>'
        "<single>true</single>"
        f'<answer fraction="100"><text><![CDATA[Right {cdata}]]></text>'
        f"<feedback><text><![CDATA[{cdata}]]></text></feedback></answer>"
        f'<answer fraction="0"><text>Wrong</text></answer>'
        "</question></quiz>"
    )


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("fmt,write", [("gift", _gift), ("moodlexml", _moodle_xml)])
def test_imported_questions_store_only_sanitised_html(payload, fmt, write):
    course = CourseFactory()
    questions_import(course=course, fmt=fmt, text=write(payload))
    versions = [q.versions.get() for q in Question.objects.filter(course=course)]
    assert versions
    for version in versions:
        assert_inert(version.prompt_html, payload)
        assert_inert(version.explanation_html, payload)


# Every page of a hostile course, as each kind of user.


def _get(client: Client, name: str, *args, query: dict | None = None):
    response = client.get(reverse(name, args=args), query or {})
    # A hostile query may be refused (an unknown cohort is 404); the page must still be inert.
    assert response.status_code in ((200, 400, 404) if query else (200,)), (name, response)
    return response.content.decode()


def learner_pages(world) -> list[tuple]:
    c, p = world.course.slug, world.payload
    return [
        ("courses:catalog",), ("courses:detail", c), ("courses:lesson", c, "l"),
        ("courses:sources", c), ("courses:glossary", c), ("courses:concept", c, "c"),
        ("courses:concept", c, "d"), ("courses:timeline", c),
        ("courses:search", {"q": p}), ("courses:search", {"q": "alert"}),
        ("quizzes:detail", c, "q"), ("quizzes:attempt", world.open.pk),
        ("quizzes:submit", world.open.pk), ("quizzes:result", world.done.pk),
        ("quizzes:reviews",), ("learning:dashboard",), ("learning:my_data",),
        ("courses:certificate", world.certificate.code),
        ("courses:certificate_print", world.certificate.code),
        ("cohorts:join", {"code": p}), ("login", {"next": p}),
    ]  # fmt: skip


def instructor_pages(world) -> list[tuple]:
    c, p = world.course.slug, world.payload
    return [
        ("teaching:index",), ("teaching:course", c), ("teaching:course", c, {"cohort": p}),
        ("teaching:gradebook", c), ("teaching:gradebook", c, {"sort": p, "page": p}),
        ("teaching:learner", c, world.learner.pk), ("teaching:attempt", c, world.done.pk),
        ("teaching:attempt", c, world.open.pk), ("teaching:grading", c),
        ("teaching:grade", c, world.essay.pk), ("teaching:cohorts", c),
        ("teaching:statistics", c, "q"), ("teaching:statistics", c, "q", {"attempts": p}),
    ]  # fmt: skip


def _visit(client, pages, payload):
    for page in pages:
        *names, query = page if isinstance(page[-1], dict) else (*page, None)
        html = _get(client, names[0], *names[1:], query=query)
        assert_inert(html, f"{page[0]} with {payload!r}")


@pytest.mark.parametrize("payload", PAGE_PAYLOADS)
def test_learner_and_instructor_pages_stay_inert(client, payload):
    world = build_hostile_world(payload)
    client.force_login(world.learner)
    _visit(client, learner_pages(world), payload)
    client.force_login(world.instructor)
    _visit(client, instructor_pages(world), payload)


def _admin_urls() -> list[str]:
    """Every registered model's list (and a search that matches the payloads), its first object."""
    urls = [reverse("admin:index"), reverse("admin:quizzes_question_import")]
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.search_fields:
            urls.append(reverse("admin:{}_{}_changelist".format(*info)) + "?q=alert")
        first: Model | None = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


def test_admin_pages_stay_inert(client):
    world = build_hostile_world(COMBINED_PAYLOAD)
    for user in (world.superuser, world.instructor):
        client.force_login(user)
        for url in _admin_urls():
            response = client.get(url)
            assert response.status_code in (200, 403, 404), (url, response.status_code)
            assert_inert(response.content.decode(), f"{url} as {user}")


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_lesson_preview_in_the_admin_returns_sanitised_html(client, payload):
    module = ModuleFactory()
    client.force_login(instructor_of(module.course, "ines"))
    response = client.post(
        reverse("admin:courses_lesson_preview"), {"body": payload, "module": module.pk}
    )
    assert response.status_code == 200
    assert_inert(response.content.decode(), payload)


def test_a_hostile_field_name_is_echoed_escaped(client):
    world = build_hostile_world("plain")
    client.force_login(world.learner)
    name = "q1-<img src=x onerror=alert(1)>"
    response = client.post(reverse("quizzes:attempt", args=[world.open.pk]), {name: "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert_inert(html)


def test_a_cohort_named_with_a_payload_is_shown_escaped_after_creation(client):
    world = build_hostile_world("plain")
    client.force_login(world.instructor)
    payload = "<svg onload=alert(1)>"
    url = reverse("teaching:cohorts", args=[world.course.slug])
    response = client.post(url, {"name": payload}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(payload) in html
    assert_inert(html)


def test_json_endpoints_are_served_as_json_not_html(client):
    world = build_hostile_world("<script>alert(1)</script>")
    client.force_login(world.learner)
    data = client.get(reverse("learning:my_data_download"))
    assert data["Content-Type"] == "application/json"
    assert data["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in data["Content-Disposition"]
    saved = client.post(reverse("quizzes:autosave", args=[world.open.pk]), {"q8": "<b>x</b>"})
    assert saved["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", " JaVaScRiPt:alert(1)", "data:text/html,x"]
)
def test_a_seed_source_url_with_a_script_scheme_is_refused(tmp_path, url):
    """The admin validates Source.url; the seed loader must too, or the sources page links it."""
    target = tmp_path / "mini-course"
    shutil.copytree(COURSE_FILES, target)
    sources = target / "sources.yaml"
    sources.write_text(
        sources.read_text().replace("kind: report\n", f"kind: report\n  url: '{url}'\n", 1)
    )
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("loadcourse", str(target), stdout=StringIO(), stderr=err)
    assert re.search(r"sources\.yaml:\d+: \S*url: use an http:// or https:// URL", err.getvalue())
    assert not Source.objects.exists()

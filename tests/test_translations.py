"""The interface in English, German, Russian and Ukrainian (docs/translations.md).

Every catalogue is complete and keeps the English placeholders and markup; the main pages,
rendered in each language, show no English interface string (course content, marked with
the course's lang, stays English); the footer's switcher changes the language.
"""

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from courses.models import Certificate, Cohort, Enrollment
from quizzes.services import attempt_save, attempt_start, attempt_submit
from tests.factories import (
    ConceptFactory,
    LessonFactory,
    ModuleFactory,
    TimelineEventFactory,
    UserFactory,
    make_quiz,
)
from tests.quizzes.test_attempts import right_form

LOCALE = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ("de", "ru", "uk")
PLURAL_FORMS = {"en": 2, "de": 2, "ru": 3, "uk": 3}
NAMED = re.compile(r"%\((\w+)\)[sd]")
BRACES = re.compile(r"\{(\w+)(?::[^}]*)?\}")
TAG = re.compile(r"</?([a-z]+)[^>]*>")
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sd]|\{\w+(?::[^}]*)?\}|<[^>]+>")
SKIPPED_TEXT = {"script", "style"}
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The .mo files are build products (git-ignored): compile them as `make test` does, then
    drop Django's cached translations so a language loaded earlier is read again."""
    call_command("compiletranslations", stdout=StringIO())
    with override_settings(LOCALE_PATHS=settings.LOCALE_PATHS):
        pass  # entering and leaving clears django.utils.translation's caches


# 1. The catalogues ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 400, "the catalogue lost its messages; run makemessages (docs)"
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == language
    plural_forms = po.metadata["Plural-Forms"]
    assert f"nplurals={PLURAL_FORMS[language]};" in plural_forms
    plurals = [e for e in po if e.msgid_plural]
    assert plurals and all(len(e.msgstr_plural) == PLURAL_FORMS[language] for e in plurals)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_and_markup(language):
    """A lost or renamed %(name)s or {name} would crash or blank the message at run time."""
    problems = []
    for entry in catalogue(language):
        english = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        for pattern in (NAMED, BRACES, TAG):
            found = [set(pattern.findall(text)) for text in english]
            needed, allowed = set.intersection(*found), set.union(*found)
            for text in translations(entry):
                have = set(pattern.findall(text))
                if not needed <= have <= allowed:
                    problems.append((entry.msgid, text))
        if "python-format" in entry.flags:
            for text in translations(entry):
                if "%" in NAMED.sub("", text).replace("%%", ""):
                    problems.append((entry.msgid, f"stray %: {text}"))
    assert problems == []


def test_the_russian_and_ukrainian_plurals_follow_their_three_forms():
    ru = {e.msgid: e for e in catalogue("ru")}["%(counter)s lesson"]
    uk = {e.msgid: e for e in catalogue("uk")}["%(counter)s lesson"]
    assert [ru.msgstr_plural[i].split()[1] for i in range(3)] == ["урок", "урока", "уроков"]
    assert [uk.msgstr_plural[i].split()[1] for i in range(3)] == ["урок", "уроки", "уроків"]


# 2. The pages ---------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """Text a reader sees or hears: element text and announced attributes, minus scripts
    and minus every element whose lang is the course's (course content keeps its language)."""

    def __init__(self, content_language: str):
        super().__init__(convert_charrefs=True)
        self.content_language = content_language
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        content = tag != "html" and attrs.get("lang") == self.content_language
        skip = tag in SKIPPED_TEXT or content
        if not (skip or self.hidden()):
            self.parts += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden():
            self.parts.append(data)


def visible_text(html: str, content_language: str = "en") -> str:
    parser = VisibleText(content_language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_left(text: str, language: str) -> list[str]:
    """English interface strings (of at least four characters, with a letter, translated
    differently in `language`) that appear in `text` as whole words."""
    found = []
    for entry in catalogue(language):
        if entry.msgctxt == "date format of a known day":
            continue
        local = " ".join(translations(entry))
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            for fragment in _fragments(english.replace("%%", "%")):
                if fragment in local:
                    continue
                if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text):
                    found.append(fragment)
    return sorted(set(found))


def _fragments(english: str) -> list[str]:
    """The whole message, or its literal pieces between placeholders and tags; a piece of a
    longer message counts only with two words or more, so a lone "Quiz" in a sentence of
    another language is no false alarm."""
    pieces = [" ".join(p.split()) for p in PLACEHOLDER_OR_TAG.split(english)]
    whole = len(pieces) == 1
    return [
        piece.strip(" .,:;()") for piece in pieces
        if len(piece) >= 4 and re.search(r"[^\W\d_]", piece) and (whole or " " in piece.strip())
    ]  # fmt: skip


@pytest.fixture
def site(quiz_course):
    """A course with every page's data: lessons, glossary, timeline, quizzes with a
    submitted and an in-progress attempt, an essay to grade, a cohort and a certificate.

    Content names are no interface words: a <title> or an aria-label cannot mark the
    course title inside it with its lang, so "Course 1" would read as the msgid "Course"."""
    course = quiz_course
    course.title = "Peace studies"
    course.save(update_fields=["title"])
    learner = UserFactory(username="lena", first_name="Lena", last_name="Ek")
    instructor = UserFactory(username="ines")
    course.instructors.add(instructor)
    module = ModuleFactory(course=course, title="First steps")
    concept = ConceptFactory(course=course, slug="ceasefire", term="Ceasefire")
    lesson = LessonFactory(module=module, slug="start", title="Where it started")
    lesson.concepts.add(concept)
    LessonFactory(module=module, slug="next", title="What came next")
    TimelineEventFactory(course=course, date=date(1975, 8, 1), precision="day")
    full = make_quiz(
        course, list(course.sample_questions.values()), slug="all-kinds", title="Whole-course test",
        pass_mark=Decimal("62.5"), module=module,
    )  # fmt: skip
    check = make_quiz(course, [course.sample_questions["single"]], slug="check", title="Check")
    enrollment = Enrollment.objects.create(
        user=learner, course=course, cohort=Cohort.objects.create(course=course, name="Autumn")
    )
    submitted = attempt_start(quiz=full, user=learner)
    attempt_save(attempt=submitted, data=right_form(submitted))
    submitted = attempt_submit(attempt=submitted)
    in_progress = attempt_start(quiz=check, user=learner)
    certificate = Certificate.objects.create(
        enrollment=enrollment, name="Lena Ek", course_title=course.title
    )
    learner_pages = {
        "catalog": reverse("courses:catalog"),
        "course": reverse("courses:detail", args=[course.slug]),
        "lesson": reverse("courses:lesson", args=[course.slug, lesson.slug]),
        "glossary": reverse("courses:glossary", args=[course.slug]),
        "concept": reverse("courses:concept", args=[course.slug, concept.slug]),
        "timeline": reverse("courses:timeline", args=[course.slug]),
        "sources": reverse("courses:sources", args=[course.slug]),
        "search": reverse("courses:search") + "?q=started",
        "quiz": reverse("quizzes:detail", args=[course.slug, full.slug]),
        "attempt": reverse("quizzes:attempt", args=[in_progress.pk]),
        "submit": reverse("quizzes:submit", args=[in_progress.pk]),
        "result": reverse("quizzes:result", args=[submitted.pk]),
        "dashboard": reverse("learning:dashboard"),
        "reviews": reverse("quizzes:reviews"),
        "my data": reverse("learning:my_data"),
        "certificate": reverse("courses:certificate_print", args=[certificate.code]),
        "verification": reverse("courses:certificate", args=[certificate.code]),
        "join": reverse("cohorts:join"),
    }
    essay = submitted.responses.get(version__data__kind="essay")
    teaching_pages = {
        "teaching": reverse("teaching:index"),
        "overview": reverse("teaching:course", args=[course.slug]),
        "gradebook": reverse("teaching:gradebook", args=[course.slug]),
        "grading queue": reverse("teaching:grading", args=[course.slug]),
        "grade": reverse("teaching:grade", args=[course.slug, essay.pk]),
        "learner": reverse("teaching:learner", args=[course.slug, learner.pk]),
        "attempt review": reverse("teaching:attempt", args=[course.slug, submitted.pk]),
        "cohorts": reverse("teaching:cohorts", args=[course.slug]),
        "statistics": reverse("teaching:statistics", args=[course.slug, full.slug]),
    }
    anonymous_pages = {
        "login": reverse("login"),
        "signup": reverse("courses:signup"),
        "password reset": reverse("password_reset"),
        "anonymous course": reverse("courses:detail", args=[course.slug]),
    }
    return {
        learner: learner_pages, instructor: teaching_pages, None: anonymous_pages,
    }  # fmt: skip


def pages_in(client, site, language):
    for user, pages in site.items():
        client.logout()  # which also forgets the cookies
        if user is not None:
            client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for name, url in pages.items():
            yield name, client.get(url)


@pytest.mark.parametrize("language", TRANSLATED)
def test_main_pages_show_no_english_interface_text(client, site, language):
    """Course content (marked lang="en") may be English; nothing else on the page is."""
    left = {}
    for name, response in pages_in(client, site, language):
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, name
        if english := english_left(visible_text(html), language):
            left[name] = english
    assert left == {}


def test_the_check_finds_english_on_a_page_in_english(client, site):
    """The page check above can fail: the same pages in English are full of msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(next(user for user in site if user and user.username == "lena"))
    html = client.get(reverse("courses:detail", args=["qc"])).content.decode()
    assert {"Your progress", "Outline"} <= set(english_left(visible_text(html), "de"))


def test_course_content_keeps_its_language_inside_a_translated_page(client, site):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    html = client.get(reverse("courses:lesson", args=["qc", "start"])).content.decode()
    assert '<h1 lang="en">Where it started</h1>' in html
    assert '<div class="lesson-body" lang="en">' in html
    assert "Nach dieser Lektion können Sie" in html


def test_dates_and_numbers_follow_the_language(client, site):
    """Month names and order come from the language; so does the decimal separator."""
    expected = {"en": "1 August 1975", "de": "1. August 1975", "ru": "1 августа 1975 г."}
    for language, day in expected.items():
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        assert day in client.get(reverse("courses:timeline", args=["qc"])).content.decode()
    quiz = reverse("quizzes:detail", args=["qc", "all-kinds"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert "Bestehensgrenze: 62,50 %." in client.get(quiz).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Pass mark: 62.50%." in client.get(quiz).content.decode()


# 3. The switcher ------------------------------------------------------------------------


def test_every_page_offers_the_switcher_without_javascript(client, db):
    """A labelled <select> and a button in the header, posting with CSRF and `next`."""
    html = client.get(reverse("courses:catalog") + "?q=1").content.decode()
    form = html[html.index(f'action="{reverse("set_language")}"') :]
    form = form[: form.index("</form>")]
    assert 'method="post"' in html and 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/?q=1">' in form
    assert '<label class="visually-hidden" for="language-select">Language</label>' in form
    assert html.index(f'action="{reverse("set_language")}"') < html.index('<main id="main"')
    assert [code for code, _ in settings.LANGUAGES] == re.findall(r'option value="(\w+)"', form)
    assert 'type="submit"' in form


def test_the_switcher_changes_the_language(client, db):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    page = client.get(reverse("courses:catalog")).content.decode()
    assert '<html lang="de">' in page and '<h1 class="mb-4">Kurse</h1>' in page
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page


def test_the_switcher_needs_the_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(reverse("set_language"), {"language": "de"})
    assert response.status_code == 403


def test_an_unknown_language_or_a_foreign_next_is_ignored(client, db):
    response = client.post(
        reverse("set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil.example" not in response.url
    assert '<html lang="en">' in client.get(reverse("courses:catalog")).content.decode()


def test_the_browser_language_is_used_until_one_is_chosen(client, db):
    page = client.get(reverse("courses:catalog"), headers={"accept-language": "uk,en;q=0.5"})
    assert '<html lang="uk">' in page.content.decode() and "Курси" in page.content.decode()

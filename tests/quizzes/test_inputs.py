"""quizzes/inputs.py writes what the template it replaced wrote, for every kind and state.

The two are compared with the whitespace between tags taken out: it is all the markup
differs by, and the browser ignores it there (text and attribute values are kept as is).
"""

import re
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import translation

from courses.models import Course
from quizzes.cards import attempt_cards
from quizzes.inputs import question_inputs
from quizzes.services import attempt_save, attempt_start
from tests.factories import UserFactory, make_quiz
from tests.quizzes.test_attempts import right_form

pytestmark = pytest.mark.django_db

REFERENCE = Engine(
    dirs=[str(Path(__file__).parent / "files")],
    libraries={"i18n": "django.templatetags.i18n", "quiz_tags": "quizzes.templatetags.quiz_tags"},
).get_template("inputs_reference.html")


def tight(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def reference(card, language: str, disabled: bool) -> str:
    context = Context({"card": card, "disabled": disabled, "course": Course(language=language)})
    return tight(REFERENCE.render(context))


def cards(quiz_course, answered: bool):
    quiz = make_quiz(quiz_course, list(quiz_course.sample_questions.values()))
    attempt = attempt_start(quiz=quiz, user=UserFactory())
    if answered:
        attempt_save(attempt=attempt, data=right_form(attempt))
    responses = list(attempt.responses.select_related("version").order_by("slot"))
    return attempt_cards(responses)


@pytest.mark.parametrize("answered", [False, True], ids=["blank", "answered"])
@pytest.mark.parametrize("disabled", [False, True], ids=["attempt", "review"])
@pytest.mark.parametrize("language", ["en", "uk"])
def test_every_kind_matches_the_template(quiz_course, answered, disabled, language):
    made = cards(quiz_course, answered)
    assert {card.view["kind"] for card in made} == set(quiz_course.sample_questions)
    with translation.override(language):
        for card in made:
            assert tight(question_inputs(card, "de", disabled)) == reference(card, "de", disabled)


def test_option_text_and_saved_answers_are_escaped(quiz_course):
    made = cards(quiz_course, answered=False)
    single = next(card for card in made if card.view["kind"] == "single")
    single.view["choices"][0]["text"] = '<script>alert(1)</script>"'
    short = next(card for card in made if card.view["kind"] == "short_answer")
    short.values[""] = '"><img src=x onerror=alert(1)>'
    for card in (single, short):
        html = question_inputs(card, 'en"><b>', False)
        assert "<script>" not in html and "<img" not in html and '"><b>' not in html
        assert tight(html) == reference(card, 'en"><b>', False)

"""Aiken import: single-choice questions with lettered options and an ANSWER: line."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import FormatError, ImportResult, dump, parse
from tests.quizzes.formats.helpers import hostile_texts, mutations

SAMPLE = (Path(__file__).parent / "files" / "sample.aiken.txt").read_text(encoding="utf-8")


def test_sample_file_gives_single_choice_questions():
    result = parse("aiken", SAMPLE, default_category="history")
    assert result.skipped == []
    assert result.questions == [
        {
            "slug": "which-treaty-created-the-league-of-nations",
            "kind": "single",
            "prompt": "Which treaty created the League of Nations?",
            "choices": [
                {"text": "The Treaty of Versailles", "credit": 100, "feedback": ""},
                {"text": "The Helsinki Final Act", "credit": 0, "feedback": ""},
                {"text": "The UN Charter", "credit": 0, "feedback": ""},
            ],
            "category": "history",
        },
        {
            "slug": "in-which-year-was-the-helsinki-final-act",
            "kind": "single",
            "prompt": "In which year was the Helsinki Final Act signed?",
            "choices": [
                {"text": "1945", "credit": 0, "feedback": ""},
                {"text": "1975", "credit": 100, "feedback": ""},
            ],
            "category": "history",
        },
    ]


def test_question_text_may_span_lines_and_blank_lines_are_optional():
    text = "Which year\nwas it signed?\nA. 1975\nB) 1985\nANSWER: a\nNext?\nA. x\nB. y\nANSWER: B"
    questions = parse("aiken", text).questions
    assert questions[0]["prompt"] == "Which year\nwas it signed?"
    assert [c["credit"] for c in questions[0]["choices"]] == [100, 0]
    assert [c["credit"] for c in questions[1]["choices"]] == [0, 100]


def test_a_first_line_that_looks_like_an_option_is_the_question():
    question = parse("aiken", "A. Lincoln was president?\nA. Yes\nB. No\nANSWER: A").questions[0]
    assert question["prompt"] == "A. Lincoln was president?"
    assert len(question["choices"]) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q?\nA. x\nC. y\nANSWER: A", "^line 3: expected option B, found C$"),
        ("Q?\nA. x\nB. y\nmore text\nANSWER: A", "^line 4: expected option C or an ANSWER: line$"),
        ("Q?\nANSWER: A", "^line 2: ANSWER: comes before any option$"),
        (
            "Q?\nA. x\nB. y\nANSWER: C",
            r"^line 4: ANSWER: C names no option \(the options are A to B\)$",
        ),
        (
            "Q?\nA. x\nB. y\nANSWER: A\n\nNext?\nA. x\nB. y\n",
            "^line 6: this question has no ANSWER: line$",
        ),
        ("Q?\nA. only\nANSWER: A", r"^line 1: choices: needs at least 2 entries$"),
    ],
)
def test_errors_name_the_line(text, message):
    with pytest.raises(FormatError, match=message):
        parse("aiken", text)


def test_aiken_is_import_only():
    with pytest.raises(ValueError, match="^aiken is an import-only format$"):
        dump("aiken", [])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_texts())
def test_arbitrary_text_yields_a_result_or_a_format_error(text):
    try:
        assert isinstance(parse("aiken", text), ImportResult)
    except FormatError as error:
        assert error.location


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutations_of_the_sample_yield_a_result_or_a_format_error(data):
    try:
        assert isinstance(parse("aiken", data.draw(mutations(SAMPLE))), ImportResult)
    except FormatError as error:
        assert error.location.startswith("line ")

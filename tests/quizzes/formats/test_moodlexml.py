"""Moodle XML import and export: every supported type, element-path errors, round trips."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import FormatError, ImportResult, dump, parse
from tests.quizzes.formats.helpers import EVERY_KIND, comparable, hostile_texts, mutations

FILES = Path(__file__).parent / "files"
SAMPLE = (FILES / "sample.moodle.xml").read_text(encoding="utf-8")
NOT_IN_XML = ("concepts", "source", "locator")
ORDERING = {
    "slug": "chronology",
    "kind": "ordering",
    "prompt": "Put these in order.",
    "category": "history",
    "items": ["League Covenant", "UN Charter", "Helsinki Final Act"],
}


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>' + "".join(questions) + "</quiz>"


def one(*questions: str, **options) -> dict:
    result = parse("moodlexml", quiz(*questions), **options)
    assert len(result.questions) == 1, result
    return result.questions[0]


def fails(text: str, match: str) -> FormatError:
    with pytest.raises(FormatError, match=match) as caught:
        parse("moodlexml", text)
    return caught.value


def answer(fraction: str, text: str, feedback: str = "", extra: str = "") -> str:
    feedback_xml = f"<feedback><text>{feedback}</text></feedback>" if feedback else ""
    return f'<answer fraction="{fraction}"><text>{text}</text>{feedback_xml}{extra}</answer>'


def question(qtype: str, body: str, prompt: str = "Q?") -> str:
    prompt_xml = f"<questiontext><text>{prompt}</text></questiontext>"
    return f'<question type="{qtype}">{prompt_xml}{body}</question>'


# Each type, parsed into the exact dict.


def test_sample_file_parses_every_supported_type():
    result = parse("moodlexml", SAMPLE)
    assert result.skipped == []
    assert [(q["slug"], q["kind"], q["category"]) for q in result.questions] == [
        ("league-article", "single", "history"),
        ("two-concepts", "multiple", "history"),
        ("osce-origin", "true_false", "history"),
        ("final-act", "short_answer", "concepts"),
        ("helsinki-year", "numeric", "concepts"),
        ("slogans", "matching", "concepts"),
        ("security-dilemma", "essay", "concepts"),
        ("chronology", "ordering", "concepts"),
    ]


def test_multichoice_with_name_idnumber_grade_and_general_feedback():
    assert parse("moodlexml", SAMPLE).questions[0] == {
        "slug": "league-article",
        "name": "League article",
        "kind": "single",
        "prompt": "<p>Which article promised <b>collective</b> guarantees?</p>",
        "explanation": "Article 10 is the guarantee.",
        "points": 2,
        "choices": [
            {"text": "Article 10", "credit": 100, "feedback": "Yes."},
            {"text": "Article 16", "credit": 33.33333, "feedback": "Sanctions, not guarantees."},
            {"text": "Article 1", "credit": 0, "feedback": ""},
        ],
        "category": "history",
    }


@pytest.mark.parametrize(
    ("single", "kind"),
    [("", "single"), ("<single>true</single>", "single"), ("<single>1</single>", "single")]
    + [("<single>false</single>", "multiple"), ("<single>0</single>", "multiple")],
)
def test_multichoice_single_flag(single, kind):
    answers = answer("50", "a") + answer("50", "b") + answer("-100", "c")
    if kind == "single":
        answers = answer("100", "a") + answer("0", "b")
    assert one(question("multichoice", single + answers))["kind"] == kind


@pytest.mark.parametrize(
    ("answers", "expected", "feedback_true", "feedback_false"),
    [
        (answer("100", "true", "T!") + answer("0", "false", "F!"), True, "T!", "F!"),
        (answer("100", "false", "F!") + answer("0", "true", "T!"), False, "T!", "F!"),
        (answer("0", "Wahr", "T!") + answer("100", "Falsch", "F!"), False, "T!", "F!"),
    ],
)
def test_truefalse_answers_match_on_text_else_order(
    answers, expected, feedback_true, feedback_false
):
    assert one(question("truefalse", answers)) == {
        "slug": "q",
        "kind": "true_false",
        "prompt": "Q?",
        "answer": expected,
        "feedback_true": feedback_true,
        "feedback_false": feedback_false,
        "category": "imported",
    }


def test_shortanswer():
    body = "<usecase>1</usecase>" + answer("100", "Helsinki", "Yes.") + answer("50", "Hels*")
    assert one(question("shortanswer", body))["answers"] == [
        {"text": "Helsinki", "credit": 100, "feedback": "Yes."},
        {"text": "Hels*", "credit": 50, "feedback": ""},
    ]


def test_numerical_keeps_tolerance_and_drops_the_catch_all_and_units():
    body = (
        answer("100", "1975", "Right.", "<tolerance>0</tolerance>")
        + answer("50", "1975", "", "<tolerance>2.5</tolerance>")
        + answer("0", "*", "Anything else.")
        + "<units><unit><multiplier>1</multiplier><unit_name>AD</unit_name></unit></units>"
    )
    assert one(question("numerical", body))["answers"] == [
        {"value": 1975, "tolerance": 0, "credit": 100, "feedback": "Right."},
        {"value": 1975, "tolerance": 2.5, "credit": 50, "feedback": ""},
    ]


def test_matching_with_distractor_and_blank_rows_ignored():
    rows = [("a", "1"), ("b", "2"), ("", "3"), ("", "")]
    body = "".join(
        f"<subquestion><text>{left}</text><answer><text>{right}</text></answer></subquestion>"
        for left, right in rows
    )
    question_dict = one(question("matching", body))
    assert question_dict["pairs"] == [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]
    assert question_dict["distractors"] == ["3"]


def test_old_match_type_name_is_matching():
    body = "".join(
        f"<subquestion><text>{n}</text><answer><text>{n}{n}</text></answer></subquestion>"
        for n in "ab"
    )
    assert one(question("match", body))["kind"] == "matching"


def test_essay_min_words_and_grader_guidance():
    body = "<minwordlimit>150</minwordlimit><graderinfo><text>Look for fears.</text></graderinfo>"
    essay = one(question("essay", body))
    assert (essay["min_words"], essay["guidance"]) == (150, "Look for fears.")
    bare = one(question("essay", "<minwordlimit></minwordlimit><graderinfo><text/></graderinfo>"))
    assert "min_words" not in bare
    assert "guidance" not in bare


def test_ordering_items_in_document_order():
    body = answer("3", "a") + answer("1", "b") + answer("2", "c")
    assert one(question("ordering", body))["items"] == ["a", "b", "c"]


def test_text_may_be_escaped_or_cdata_or_in_an_old_file_without_text_elements():
    escaped = one(question("essay", "", prompt="&lt;b&gt;bold&lt;/b&gt; &amp; more"))
    cdata = one(question("essay", "", prompt="<![CDATA[<b>bold</b> & more]]>"))
    assert escaped["prompt"] == cdata["prompt"] == "<b>bold</b> & more"
    old = one('<question type="essay"><questiontext>Old style</questiontext></question>')
    assert old["prompt"] == "Old style"


def test_idnumber_gives_the_slug():
    body = "<name><text>My Name</text></name><idnumber> osce-origin </idnumber>"
    assert one(question("essay", body))["slug"] == "osce-origin"


def test_idnumber_that_is_no_slug_is_ignored():
    body = "<name><text>My Name</text></name><idnumber>Q 1</idnumber>"
    assert one(question("essay", body))["slug"] == "my-name"


@pytest.mark.parametrize("qtype", ["cloze", "multianswer", "calculated", "description", "random"])
def test_unsupported_types_are_errors_unless_skipped(qtype):
    text = quiz(question("essay", ""), question(qtype, ""))
    fails(text, rf"^quiz/question\[2\]: unsupported question type: {qtype}$")
    result = parse("moodlexml", text, skip_unsupported=True)
    assert len(result.questions) == 1
    assert result.skipped == [f"quiz/question[2]: unsupported question type: {qtype}"]


def test_category_questions_switch_the_category():
    text = quiz(
        question("essay", "", "A?"),
        '<question type="category">'
        "<category><text>$course$/top/Cold War</text></category>"
        "</question>",
        question("essay", "", "B?"),
    )
    questions = parse("moodlexml", text, default_category="pool").questions
    assert [q["category"] for q in questions] == ["pool", "cold-war"]


# Errors name the element.


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "<quiz><question></quiz>",
            "^line 1, column 19: the XML is not well formed: mismatched tag$",
        ),
        ("", "^line 1, column 1: the XML is not well formed: no element found$"),
        ("<questions/>", "^questions: the root element must be <quiz>$"),
        (quiz("<question/>"), r"^quiz/question\[1\]/type: a question needs a type attribute$"),
        (
            quiz(question("multichoice", answer("100", "a") + answer("lots", "b"))),
            r"^quiz/question\[1\]/answer\[2\]/fraction: not a number: 'lots'$",
        ),
        (
            quiz(question("essay", "<defaultgrade>one</defaultgrade>")),
            r"^quiz/question\[1\]/defaultgrade: not a number: 'one'$",
        ),
        (
            quiz(question("numerical", answer("100", "nineteen"))),
            r"^quiz/question\[1\]/answer\[1\]/text: not a number: 'nineteen'$",
        ),
        (
            quiz(question("numerical", answer("100", "1", extra="<tolerance>x</tolerance>"))),
            r"^quiz/question\[1\]/answer\[1\]/tolerance: not a number: 'x'$",
        ),
        (
            quiz(question("essay", "", prompt="<b>raw</b>")),
            r"^quiz/question\[1\]/questiontext/text: <text> holds XML elements",
        ),
        (
            quiz(question("truefalse", answer("100", "true"))),
            r"^quiz/question\[1\]: a true/false question needs exactly two answers$",
        ),
        (
            quiz(question("truefalse", answer("0", "true") + answer("0", "false"))),
            r"^quiz/question\[1\]: exactly one of the true/false answers needs fraction 100$",
        ),
        (
            quiz(
                question("essay", ""), question("multichoice", answer("0", "a") + answer("0", "b"))
            ),
            r"^quiz/question\[2\]: choices: exactly one choice must have credit 100 \(found 0\)$",
        ),
        (
            quiz(question("ordering", answer("1", "a") + answer("2", "b"))),
            r"^quiz/question\[1\]: items: needs at least 3 entries$",
        ),
    ],
)
def test_errors_name_the_element(text, message):
    fails(text, message)


def test_billion_laughs_is_refused():
    text = (FILES / "billion-laughs.xml").read_text(encoding="utf-8")
    fails(text, "^document: the file declares XML entities or external references")


# Export.


def test_dump_writes_moodle_xml():
    question_dict = {
        "slug": "tf",
        "name": "OSCE <origin>",
        "kind": "true_false",
        "prompt": "The CSCE became the OSCE in 1995 & not before.",
        "category": "history",
        "points": 2,
        "answer": True,
        "feedback_true": "Right.",
    }
    assert dump("moodlexml", [question_dict]) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<quiz>\n"
        '  <question type="category">\n'
        "    <category>\n"
        "      <text>$course$/top/history</text>\n"
        "    </category>\n"
        "  </question>\n"
        '  <question type="truefalse">\n'
        "    <name>\n"
        "      <text>OSCE &lt;origin&gt;</text>\n"
        "    </name>\n"
        '    <questiontext format="markdown">\n'
        "      <text>The CSCE became the OSCE in 1995 &amp; not before.</text>\n"
        "    </questiontext>\n"
        '    <generalfeedback format="markdown">\n'
        "      <text></text>\n"
        "    </generalfeedback>\n"
        "    <defaultgrade>2</defaultgrade>\n"
        "    <idnumber>tf</idnumber>\n"
        '    <answer fraction="100">\n'
        "      <text>true</text>\n"
        '      <feedback format="markdown">\n'
        "        <text>Right.</text>\n"
        "      </feedback>\n"
        "    </answer>\n"
        '    <answer fraction="0">\n'
        "      <text>false</text>\n"
        "    </answer>\n"
        "  </question>\n"
        "</quiz>\n"
    )


def test_dump_writes_ordering_in_qtype_ordering_form():
    xml = dump("moodlexml", [ORDERING])
    assert "<selecttype>ALL</selecttype>" in xml
    assert "<gradingtype>RELATIVE_NEXT_EXCLUDE_LAST</gradingtype>" in xml
    assert '<answer fraction="3" format="markdown">\n      <text>Helsinki Final Act</text>' in xml


def test_dump_refuses_characters_xml_cannot_carry():
    bad = {"slug": "q", "kind": "essay", "prompt": "bell \x07"}
    with pytest.raises(FormatError, match=r"^question q: prompt holds a character XML cannot"):
        dump("moodlexml", [bad])


# Round trips: ours -> XML -> ours keeps everything but concepts, source and locator.


def test_every_kind_round_trips_through_moodle_xml_field_by_field():
    originals = [*EVERY_KIND, ORDERING]
    back = parse("moodlexml", dump("moodlexml", originals)).questions
    assert len(back) == len(originals)
    for original, copy in zip(originals, back, strict=True):
        assert comparable(copy, NOT_IN_XML) == comparable(original, NOT_IN_XML)


def test_the_sample_file_round_trips():
    first = parse("moodlexml", SAMPLE).questions
    assert parse("moodlexml", dump("moodlexml", first)).questions == [
        {**question_dict, "points": question_dict.get("points", 1)} for question_dict in first
    ]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    prompt=st.text(st.characters(blacklist_categories=("Cs", "Cc"))).map(str.strip).filter(bool),
    choice=st.text(st.characters(blacklist_categories=("Cs", "Cc"))).map(str.strip).filter(bool),
)
def test_any_text_round_trips_through_xml_escaping(prompt, choice):
    original = {
        "slug": "q",
        "name": choice,
        "kind": "single",
        "category": "pool",
        "prompt": prompt,
        "explanation": choice,
        "choices": [
            {"text": choice, "credit": 100, "feedback": prompt},
            {"text": "other", "credit": 0, "feedback": ""},
        ],
    }
    copy = parse("moodlexml", dump("moodlexml", [original])).questions[0]
    assert comparable(copy, NOT_IN_XML) == comparable(original, NOT_IN_XML)


# Robustness: any input yields a result or a FormatError, never another exception.


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_texts())
def test_arbitrary_text_yields_a_result_or_a_format_error(text):
    try:
        assert isinstance(parse("moodlexml", text), ImportResult)
    except FormatError as error:
        assert error.location


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutations_of_the_sample_yield_a_result_or_a_format_error(data):
    text = data.draw(mutations(SAMPLE))
    try:
        assert isinstance(parse("moodlexml", text, skip_unsupported=True), ImportResult)
    except FormatError as error:
        assert error.location

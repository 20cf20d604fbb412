"""GIFT import and export: every feature of REFERENCE.md 3.1-3.3, errors, round trips."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import FormatError, ImportResult, dump, parse
from quizzes.questionspec import normalise_question
from tests.quizzes.formats.helpers import EVERY_KIND, comparable, mutations, texts

FILES = Path(__file__).parent / "files"
SAMPLE = (FILES / "sample.gift.txt").read_text(encoding="utf-8")
# Fields GIFT cannot carry; a round trip compares everything else.
NOT_IN_GIFT = ("concepts", "source", "locator", "points", "min_words", "guidance")


def one(text: str, **options) -> dict:
    result = parse("gift", text, **options)
    assert len(result.questions) == 1, result
    return result.questions[0]


def fails(text: str, match: str) -> FormatError:
    with pytest.raises(FormatError, match=match) as caught:
        parse("gift", text)
    return caught.value


# Each kind and feature, parsed into the exact dict.


def test_single_choice_with_title_feedback_and_general_feedback():
    text = "::Tomb::Who is buried in Grant's tomb?{~Grant#No. =no one#Right! ~Jefferson####Trick.}"
    assert one(text) == {
        "slug": "tomb",
        "name": "Tomb",
        "kind": "single",
        "prompt": "Who is buried in Grant's tomb?",
        "choices": [
            {"text": "Grant", "credit": 0, "feedback": "No."},
            {"text": "no one", "credit": 100, "feedback": "Right!"},
            {"text": "Jefferson", "credit": 0, "feedback": ""},
        ],
        "explanation": "Trick.",
        "category": "imported",
    }


def test_multi_line_choices_with_partial_credit():
    text = "Which colour?{\n=yellow # right; good!\n~%50%orange # close\n~red # wrong\n}"
    assert one(text)["choices"] == [
        {"text": "yellow", "credit": 100, "feedback": "right; good!"},
        {"text": "orange", "credit": 50, "feedback": "close"},
        {"text": "red", "credit": 0, "feedback": "wrong"},
    ]


def test_checkbox_form_without_equals_is_multiple():
    text = "Who?{~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Grant's father}"
    question = one(text)
    assert question["kind"] == "multiple"
    assert [choice["credit"] for choice in question["choices"]] == [-100, 50, 50, -100]


def test_any_weight_is_accepted_not_only_moodles_list():
    text = "Pick.{~%60%a ~%40%b ~%-15%c ~%-14.28571%d}"
    assert [c["credit"] for c in one(text)["choices"]] == [60, 40, -15, -14.28571]


def test_equals_with_a_weight_reads_the_weight():
    # Moodle would keep "%100%" in the answer text; the weight is what authors mean.
    assert one("Q?{=%100%Html ~Css}")["choices"][0] == {
        "text": "Html",
        "credit": 100,
        "feedback": "",
    }


def test_missing_word_form_puts_a_blank_where_the_answers_were():
    question = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question["prompt"] == "Grant is _____ in Grant's tomb."
    assert question["slug"] == "grant-is-in-grant-s-tomb"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)],
)
def test_true_false_words(answer, expected):
    assert one(f"1+1\\=2 {{{answer}}}") == {
        "slug": "1-1-2",
        "kind": "true_false",
        "prompt": "1+1=2",
        "answer": expected,
        "feedback_true": "",
        "feedback_false": "",
        "category": "imported",
    }


def test_true_false_first_feedback_is_for_a_wrong_answer():
    true_statement = one("The sky is blue.{TRUE#You chose False: wrong.#You chose True: right.}")
    assert true_statement["feedback_true"] == "You chose True: right."
    assert true_statement["feedback_false"] == "You chose False: wrong."
    false_statement = one("The sky is green.{F#You chose True: wrong.#You chose False: right.}")
    assert false_statement["feedback_true"] == "You chose True: wrong."
    assert false_statement["feedback_false"] == "You chose False: right."


def test_true_false_detection_is_case_sensitive():
    assert one("Lowercase.{true}")["kind"] == "short_answer"


def test_short_answer_with_weights_and_feedback():
    assert one("Who?{=no one =%50%nobody#Half marks. =%100%none}")["answers"] == [
        {"text": "no one", "credit": 100, "feedback": ""},
        {"text": "nobody", "credit": 50, "feedback": "Half marks."},
        {"text": "none", "credit": 100, "feedback": ""},
    ]


def test_matching_with_a_distractor():
    question = one("Match.{=cat -> cat food =dog -> dog food = -> bird seed}")
    assert question["kind"] == "matching"
    assert question["pairs"] == [
        {"left": "cat", "right": "cat food"},
        {"left": "dog", "right": "dog food"},
    ]
    assert question["distractors"] == ["bird seed"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ("#1822", [(1822, 0, 100)]),
        ("#1822:5", [(1822, 5, 100)]),
        ("#1970..1980", [(1975, 5, 100)]),
        ("#1..2", [(1.5, 0.5, 100)]),
        ("#-5..-1", [(-3, 2, 100)]),
        ("#2.5e3:0.5", [(2500, 0.5, 100)]),
        ("# =1822:0 =%50%1822:2", [(1822, 0, 100), (1822, 2, 50)]),
    ],
)
def test_numeric_answers(answers, expected):
    question = one(f"When?{{{answers}}}")
    assert question["kind"] == "numeric"
    got = [(a["value"], a["tolerance"], a["credit"]) for a in question["answers"]]
    assert got == expected


def test_numeric_per_answer_feedback_and_the_dropped_catch_all():
    question = one("When?{#=1822:0#Right. =%50%1822:2#Close. ~#Wrong, try 1822.}")
    assert question["answers"] == [
        {"value": 1822, "tolerance": 0, "credit": 100, "feedback": "Right."},
        {"value": 1822, "tolerance": 2, "credit": 50, "feedback": "Close."},
    ]


def test_numeric_explicit_star_answer_is_dropped_like_the_catch_all():
    assert len(one("When?{#=1822:0 =%0%*#Anything else.}")["answers"]) == 1


@pytest.mark.parametrize(
    ("text", "explanation"),
    [("Write about X.{}", None), ("Write about X.{####Mention Y.}", "Mention Y.")],
)
def test_essay(text, explanation):
    question = one(text)
    assert question["kind"] == "essay"
    assert question.get("explanation") == explanation


@pytest.mark.parametrize(
    ("prefix", "prompt"),
    [
        ("[markdown]", "**bold**"),
        ("[plain]", "**bold**"),
        ("[moodle]", "**bold**"),
        ("[html]", "<b>bold</b>"),
        ("[unknown]", "[unknown]plain"),
    ],
)
def test_text_format_prefixes_are_dropped_and_the_text_kept_as_written(prefix, prompt):
    text = prompt if prefix == "[unknown]" else prefix + prompt
    assert one(f"{text}{{T}}")["prompt"] == prompt


def test_escapes():
    text = "a\\~b c\\=d e\\#f \\{g\\} h\\:i back\\\\slash line\\nbreak{=x\\=y#fb \\# hash}"
    question = one(text)
    assert question["prompt"] == "a~b c=d e#f {g} h:i back\\slash line\nbreak"
    assert question["answers"] == [{"text": "x=y", "credit": 100, "feedback": "fb # hash"}]


def test_comments_are_ignored_and_a_question_comment_gives_the_slug():
    text = "// question: helsinki-year\n// a note ~ with = signs\nWhen?{#1975}"
    assert one(text)["slug"] == "helsinki-year"


def test_moodle_export_comments_do_not_become_slugs_but_id_tags_do():
    assert one("// question: 123  name: When\nWhen?{#1975}")["slug"] == "when"
    assert one("// question: 123  name: When\n// [id:year-q] [tag:x]\nWhen?{#1975}")["slug"] == (
        "year-q"
    )


def test_category_switch_takes_the_last_path_segment_slugified():
    text = (
        "$CATEGORY: $course$/top/Default for X/Cold War Era\n\nQ?{T}\n\n"
        "$CATEGORY: $course$/top\n\nR?{T}"
    )
    questions = parse("gift", text, default_category="pool").questions
    assert [q["category"] for q in questions] == ["cold-war-era", "pool"]


def test_slugs_come_from_title_else_prompt_and_are_unique():
    text = "::Same::A?{T}\n\n::Same::B?{T}\n\n::Same::C?{T}\n\nSame{T}"
    slugs = [q["slug"] for q in parse("gift", text).questions]
    assert slugs == ["same", "same-2", "same-3", "same-4"]


def test_long_slugs_are_cut_at_a_word_to_fifty_characters():
    prompt = "Which international agreement of nineteen seventy five mentioned indivisibility?"
    slug = one(prompt + "{T}")["slug"]
    assert slug == "which-international-agreement-of-nineteen-seventy"
    assert len(slug) <= 50


def test_description_is_unsupported_unless_skipped():
    text = "Q?{T}\n\n::Intro:: Some text with no braces"
    error = fails(text, "^line 3: unsupported question type: description$")
    assert error.location == "line 3"
    result = parse("gift", text, skip_unsupported=True)
    assert [q["slug"] for q in result.questions] == ["q"]
    assert result.skipped == ["line 3: unsupported question type: description"]


def test_ordering_plugin_syntax_is_unsupported():
    fails(
        "Put in order.{>3 ALL VERTICAL\nA\nB\nC\n}", "^line 1: unsupported question type: ordering"
    )


def test_blank_lines_separate_questions_and_line_numbers_count_them():
    result = parse("gift", "\n\n// c\nA?{T}\n\n\n\nB?{F}\n")
    assert [q["prompt"] for q in result.questions] == ["A?", "B?"]


def test_sample_file_parses_every_feature():
    result = parse("gift", SAMPLE)
    assert result.skipped == []
    assert [(q["slug"], q["kind"], q["category"]) for q in result.questions] == [
        ("helsinki-year", "numeric", "history"),
        ("league-article", "single", "history"),
        ("collective-security-rests-on-rather-than-blocs", "single", "history"),
        ("two-concepts", "multiple", "history"),
        ("osce-origin", "true_false", "concepts"),
        ("name-the-1975-document", "short_answer", "concepts"),
        ("match-each-concept-to-its-slogan", "matching", "concepts"),
        ("pick-a-year-between-1990-and-2000", "numeric", "concepts"),
        ("explain-the-security-dilemma", "essay", "concepts"),
        ("escapes-ab-c-d-ef-g-backslash-new-line", "true_false", "concepts"),
    ]
    assert result.questions[-1]["prompt"] == "Escapes: a~b, c=d, e#f, {g}, back\\slash\nnew line"


# Errors name the line.


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("::Title without end Q?{T}", "^line 1: the ::title:: has no closing ::$"),
        ("Q?\n{=a =b", "^line 2: this { has no closing }"),
        ("Q?\n=a}", "^line 2: this } has no opening {"),
        ("Q?{=a}\nmore {=b}", "^line 2: a question has one answer block"),
        ("Q?{=a {b}", "^line 1: a question has one answer block"),
        ("$CATEGORY: a\nQ?{T}", r"^line 1: \$CATEGORY: must stand alone"),
        ("Q?{junk ~a =b}", "^line 1: text before the first answer"),
        ("Q?{junk =a -> b =c -> d}", "^line 1: text before the first answer"),
        ("Q?{\n=a -> b\n=c d\n}", "^line 3: a matching pair needs -> between its two sides$"),
        ("Q?{\n=a -> b\n=c ->\n}", "^line 3: a matching pair needs at least its right-hand side$"),
        ("Q?{#}", "^line 1: a numeric question needs at least one answer$"),
        ("Q?{#\n=1975:0\n=%50%abc:2\n}", "^line 3: not a number: 'abc'$"),
        ("Q?{#1975:x}", "^line 1: not a number: 'x'$"),
        ("Q?{#nan}", "^line 1: not a number: 'nan'$"),
        ("Q?{#1e999}", "^line 1: not a number: '1e999'$"),
        ("Q?{#1980..1970}", "^line 1: the range '1980..1970' starts above its end$"),
        ("Q?{#1975 ~1976#no}", "^line 1: after ~ a numeric question takes only #feedback"),
    ],
)
def test_syntax_errors_name_the_line(text, message):
    fails(text, message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "A?{T}\n\nQ?{=a =b ~c}",
            r"^line 3: choices: exactly one choice must have credit 100 \(found 2\)$",
        ),
        ("A?{T}\n\n\nQ?{~a ~b ~c}", r"^line 4: choices: the positive credits must add up"),
        ("Q?{=%50%half}", "^line 1: answers: at least one answer must have credit 100$"),
        ("Q?{=a -> b}", r"^line 1: pairs: needs at least 2 entries$"),
        ("{T}", "^line 1: prompt: is required$"),
        ("Q?{~%150%a =b}", r"^line 1: choices\[0\]\.credit: must be between -100 and 100$"),
    ],
)
def test_questions_failing_validation_name_their_line_and_field(text, message):
    fails(text, message)


# Export.


def test_dump_writes_comment_category_name_markdown_prefix_escapes_and_feedback():
    question = {
        "slug": "tomb",
        "name": "Tomb: who?",
        "kind": "single",
        "prompt": "Who is in {Grant's} tomb?\nThink.",
        "category": "history",
        "explanation": "Nobody #1.",
        "choices": [
            {"text": "Grant", "credit": 0, "feedback": "No ~ never."},
            {"text": "no one", "credit": 100},
            {"text": "%50 of Grant", "credit": 0},
        ],
    }
    assert dump("gift", [question]) == (
        "$CATEGORY: $course$/top/history\n"
        "\n"
        "// question: tomb\n"
        "::Tomb\\: who?::[markdown]Who is in \\{Grant's\\} tomb?\\nThink.{\n"
        "\t~Grant#No \\~ never.\n"
        "\t=no one\n"
        "\t~%0%%50 of Grant\n"
        "\t####Nobody \\#1.\n"
        "}\n"
    )


def test_dump_writes_a_category_line_only_when_the_category_changes():
    questions = [
        {"slug": f"q{n}", "kind": "essay", "prompt": "Write.", "category": category}
        for n, category in enumerate(["a", "a", "b", "a"])
    ]
    assert [line for line in dump("gift", questions).splitlines() if "$CATEGORY" in line] == [
        "$CATEGORY: $course$/top/a",
        "$CATEGORY: $course$/top/b",
        "$CATEGORY: $course$/top/a",
    ]


def test_dump_refuses_ordering_naming_the_question():
    question = {
        "slug": "chronology",
        "kind": "ordering",
        "prompt": "Order.",
        "items": ["a", "b", "c"],
    }
    with pytest.raises(FormatError, match="^question chronology: GIFT has no ordering questions"):
        dump("gift", [question])


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            {"kind": "short_answer", "answers": [{"text": "a -> b"}]},
            "cannot hold -> in a short answer",
        ),
        (
            {
                "kind": "matching",
                "pairs": [{"left": "a->", "right": "b"}, {"left": "c", "right": "d"}],
            },
            "cannot hold -> in the left side",
        ),
    ],
)
def test_dump_refuses_arrows_gift_would_misread(question, message):
    with pytest.raises(FormatError, match=f"^question q: GIFT {message}"):
        dump("gift", [{"slug": "q", "prompt": "Q?", **question}])


# Round trips: ours -> GIFT -> ours keeps everything GIFT can carry.


def test_every_kind_round_trips_through_gift_field_by_field():
    back = parse("gift", dump("gift", EVERY_KIND)).questions
    assert len(back) == len(EVERY_KIND)
    for original, copy in zip(EVERY_KIND, back, strict=True):
        assert comparable(copy, NOT_IN_GIFT) == comparable(original, NOT_IN_GIFT)


def test_the_sample_file_round_trips():
    first = parse("gift", SAMPLE).questions
    assert parse("gift", dump("gift", first)).questions == [
        {**question, "name": normalise_question(question)["name"]} for question in first
    ]


def round_trip_text():
    """Texts as an author could write them: stripped, non-empty, any characters but CR."""
    return texts().map(str.strip).filter(bool)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(prompt=round_trip_text(), choice=round_trip_text(), feedback=round_trip_text())
def test_any_text_round_trips_through_gift_escaping(prompt, choice, feedback):
    question = {
        "slug": "q",
        "kind": "single",
        "category": "pool",
        "prompt": prompt,
        "explanation": feedback,
        "choices": [
            {"text": choice, "credit": 100, "feedback": feedback},
            {"text": "other", "credit": 0, "feedback": ""},
        ],
    }
    copy = parse("gift", dump("gift", [question])).questions[0]
    assert comparable(copy, NOT_IN_GIFT) == comparable(question, NOT_IN_GIFT)


# Robustness: any input yields a result or a FormatError, never another exception.


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts(alphabet="{}=~#:->%.\\/[]$TF0123456789 \nab"))
def test_arbitrary_text_yields_a_result_or_a_format_error(text):
    try:
        assert isinstance(parse("gift", text), ImportResult)
    except FormatError as error:
        assert error.location


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutations_of_the_sample_yield_a_result_or_a_format_error(data):
    text = data.draw(mutations(SAMPLE))
    try:
        assert isinstance(parse("gift", text, skip_unsupported=True), ImportResult)
    except FormatError as error:
        assert error.location.startswith(("line ", "file"))

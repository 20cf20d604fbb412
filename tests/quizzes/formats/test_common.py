"""What all formats share: the parse/dump entry points, limits, slugs, numbers, categories."""

import pytest

from quizzes.formats import (
    MAX_INPUT_BYTES,
    MAX_QUESTIONS,
    FormatError,
    ImportResult,
    dump,
    parse,
)
from quizzes.formats.common import category_from_path, format_number, parse_number, slugify

FORMATS = ("gift", "aiken", "moodlexml")


def test_format_error_carries_location_and_message():
    error = FormatError("line 12", "choices: needs at least 2 entries")
    assert (error.location, error.message) == ("line 12", "choices: needs at least 2 entries")
    assert str(error) == "line 12: choices: needs at least 2 entries"


def test_unknown_formats_are_value_errors():
    with pytest.raises(ValueError, match="^unknown question format 'qti'; use one of: gift"):
        parse("qti", "")
    with pytest.raises(ValueError, match="^unknown question format 'qti'"):
        dump("qti", [])


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_input_of_the_text_formats_gives_no_questions(fmt):
    if fmt == "moodlexml":
        assert parse(fmt, "<quiz/>") == ImportResult()
    else:
        assert parse(fmt, "\n\n") == ImportResult(questions=[], skipped=[])


# Limits.


@pytest.mark.parametrize("fmt", FORMATS)
def test_input_over_the_size_limit_is_refused(fmt):
    with pytest.raises(FormatError, match="^file: the file is larger than 5 MB; split it$"):
        parse(fmt, "x" * (MAX_INPUT_BYTES + 1))


def test_the_size_limit_counts_utf8_bytes_not_characters():
    text = "// " + "é" * (MAX_INPUT_BYTES // 2)  # fewer characters than bytes
    assert len(text) < MAX_INPUT_BYTES
    with pytest.raises(FormatError, match="larger than 5 MB"):
        parse("gift", text)


def test_input_at_the_size_limit_is_read():
    assert parse("gift", "// " + "x" * (MAX_INPUT_BYTES - 3)) == ImportResult()


def test_more_than_the_question_limit_is_refused_at_the_first_question_over():
    questions = "".join(f"Q{n}?{{T}}\n\n" for n in range(MAX_QUESTIONS))
    assert len(parse("gift", questions).questions) == MAX_QUESTIONS
    line = 2 * MAX_QUESTIONS + 1
    with pytest.raises(FormatError, match=f"^line {line}: the file has more than 5,000 questions"):
        parse("gift", questions + "One more?{T}")


def test_skipped_questions_count_towards_the_limit():
    descriptions = "Just text.\n\n" * (MAX_QUESTIONS + 1)
    with pytest.raises(FormatError, match="more than 5,000 questions"):
        parse("gift", descriptions, skip_unsupported=True)


def test_many_questions_with_the_same_title_get_numbered_slugs():
    questions = parse("gift", "::Same::Q?{T}\n\n" * 1000).questions
    assert [q["slug"] for q in questions[:3]] == ["same", "same-2", "same-3"]
    assert questions[-1]["slug"] == "same-1000"


# Text the readers must never see.


@pytest.mark.parametrize("fmt", FORMATS)
def test_nul_characters_are_refused_with_their_line(fmt):
    with pytest.raises(FormatError, match=r"^line 2: the text contains a NUL character"):
        parse(fmt, "first\nsec\x00ond")


@pytest.mark.parametrize("fmt", FORMATS)
def test_lone_surrogates_are_refused_with_their_line(fmt):
    with pytest.raises(
        FormatError, match=r"^line 1: the text contains an unpaired surrogate \(U\+D800\)"
    ):
        parse(fmt, "a\ud800b")


def test_byte_order_mark_and_windows_line_ends_are_read():
    result = parse("gift", "\ufeffA?{T}\r\n\r\nB?{\r\n=x -> y\r\n=z -> w\r\n}")
    assert [q["prompt"] for q in result.questions] == ["A?", "B?"]
    with pytest.raises(FormatError, match="^line 5: a matching pair needs"):
        parse("gift", "A?{T}\r\n\r\nB?{\r\n=x -> y\r\n=z w\r\n}")


# Slugs, categories and numbers.


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Helsinki Final Act", "helsinki-final-act"),
        ("  Élan vital — l'œuvre!  ", "elan-vital-l-uvre"),
        ("Q&amp;A", "q-a"),
        ("???", ""),
        ("a" * 60, "a" * 50),
        ("word " * 20, "-".join(["word"] * 10)),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("$course$/top/Default for History/Cold War", "cold-war"),
        ("$course$/top/History", "history"),
        ("$course$/top", ""),
        ("$system$/", ""),
        ("Plain name", "plain-name"),
        ("", ""),
    ],
)
def test_category_from_path(path, category):
    assert category_from_path(path) == category


@pytest.mark.parametrize(
    ("raw", "number"),
    [("1975", 1975), (" -2.5 ", -2.5), ("1e3", 1000), (".5", 0.5), ("100.0000000", 100)]
    + [("nan", None), ("inf", None), ("1_000", None), ("١٢", None), ("1e999", None), ("", None)],
)
def test_parse_number(raw, number):
    assert parse_number(raw) == number


@pytest.mark.parametrize(
    ("number", "text"), [(100, "100"), (100.0, "100"), (33.33333, "33.33333"), (1e-07, "1e-07")]
)
def test_format_number_reads_back_as_the_same_number(number, text):
    assert format_number(number) == text
    assert parse_number(text) == number


def test_the_default_category_applies_until_the_file_switches():
    result = parse(
        "gift", "A?{T}\n\n$CATEGORY: $course$/top/Later\n\nB?{T}", default_category="pool"
    )
    assert [q["category"] for q in result.questions] == ["pool", "later"]

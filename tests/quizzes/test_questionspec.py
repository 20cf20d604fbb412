import copy

import pytest

from quizzes.questionspec import (
    KINDS,
    SpecError,
    name_from_prompt,
    normalise_question,
    validate_question,
)

COMMON = {
    "slug": "q-1",
    "prompt": "Which one?",
    "source": "indivisible-security-report",
    "explanation": "Because.",
}
VALID = {
    "single": {
        "choices": [
            {"text": "1975", "credit": 100, "feedback": "Yes."},
            {"text": "1985", "credit": 0},
            {"text": "1976", "credit": 50},
        ]
    },
    "multiple": {
        "choices": [
            {"text": "a", "credit": 50},
            {"text": "b", "credit": 50},
            {"text": "c", "credit": -100},
        ]
    },
    "true_false": {"answer": False, "feedback_true": "No.", "feedback_false": "Right."},
    "short_answer": {
        "answers": [{"text": "Helsinki Final Act"}, {"text": "Helsinki*", "credit": 50}]
    },
    "numeric": {"answers": [{"value": 1975}, {"value": 1975, "tolerance": 2, "credit": 50}]},
    "ordering": {"items": ["League", "UN Charter", "Helsinki"]},
    "matching": {
        "pairs": [{"left": "1919", "right": "League"}, {"left": "1975", "right": "Helsinki"}],
        "distractors": ["Yalta"],
    },
    "essay": {"min_words": 50, "guidance": "Look for the OSCE."},
}


def question(kind: str, /, **changes: object) -> dict:
    """A valid question of `kind` with `changes` applied (a value of ... deletes the key)."""
    data = {**COMMON, "kind": kind, **copy.deepcopy(VALID[kind]), **changes}
    return {key: value for key, value in data.items() if value is not ...}


def problems(data: dict, **options: bool) -> list[tuple[str, str]]:
    return [(error.field, error.message) for error in validate_question(data, **options)]


def assert_problem(data: dict, field: str, phrase: str, **options: bool) -> None:
    found = problems(data, **options)
    assert any(f == field and phrase in m for f, m in found), found


@pytest.mark.parametrize("kind", KINDS)
def test_valid_example_of_every_kind_has_no_problems(kind):
    assert validate_question(question(kind)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_normalised_example_of_every_kind_stays_valid(kind):
    assert validate_question(normalise_question(question(kind))) == []


def test_single_choice_question_without_a_full_credit_choice_cannot_be_saved():
    data = question("single", choices=[{"text": "a", "credit": 50}, {"text": "b"}])
    assert problems(data) == [("choices", "exactly one choice must have credit 100 (found 0)")]


def test_every_problem_is_reported_not_just_the_first():
    data = question("single", slug="Bad Slug", prompt="", choices=[{"text": "", "credit": 200}])
    assert {field for field, _ in problems(data)} == {
        "slug",
        "prompt",
        "choices",
        "choices[0].text",
        "choices[0].credit",
    }


def test_spec_error_reads_as_field_then_message():
    assert str(SpecError("choices[2].credit", "must be a number")) == (
        "choices[2].credit: must be a number"
    )


def test_a_question_that_is_not_a_mapping_is_one_problem():
    assert problems(["slug"]) == [("question", "must be a mapping of field names to values")]


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"slug": ...}, "slug", "is required"),
        ({"slug": "  "}, "slug", "is required"),
        ({"slug": "Helsinki_Year"}, "slug", "lowercase letters, digits and single hyphens"),
        ({"slug": "a--b"}, "slug", "single hyphens"),
        ({"slug": "helsinki-year\n"}, "slug", "single hyphens"),
        ({"kind": ...}, "kind", "is required"),
        ({"prompt": ...}, "prompt", "is required"),
        ({"prompt": 3}, "prompt", "must be text"),
        ({"source": ...}, "source", "is required"),
        ({"source": "Report 1"}, "source", "lowercase letters"),
        ({"explanation": ""}, "explanation", "is required"),
        ({"name": ["x"]}, "name", "must be text"),
        ({"locator": 12}, "locator", "must be text"),
        ({"category": 7}, "category", "must be text"),
        ({"points": 0}, "points", "must be greater than 0"),
        ({"points": -1.5}, "points", "must be greater than 0"),
        ({"points": "1"}, "points", "must be a number"),
        ({"points": True}, "points", "must be a number"),
        ({"concepts": "indivisible-security"}, "concepts", "must be a list"),
        ({"concepts": ["ok", "Not OK"]}, "concepts[1]", "lowercase letters"),
        ({"colour": "red"}, "colour", "is not a known field; allowed: slug, name, kind"),
        ({"answers": []}, "answers", "is not a known field"),
    ],
)
def test_common_field_rules(changes, field, phrase):
    assert_problem(question("single", **changes), field, phrase)


def test_unknown_kind_lists_the_kinds_and_nothing_else():
    data = {**COMMON, "kind": "poll", "choices": []}
    assert problems(data) == [
        (
            "kind",
            "must be one of: single, multiple, true_false, short_answer, numeric, ordering, "
            "matching, essay",
        )
    ]


def test_unknown_field_message_lists_the_allowed_fields_for_the_kind():
    assert (
        "extra",
        "is not a known field; allowed: slug, name, kind, prompt, points, "
        "category, concepts, source, locator, explanation, answer, feedback_true, "
        "feedback_false",
    ) in problems(question("true_false", extra=1))


def test_source_and_explanation_are_optional_when_not_required():
    data = question("essay", source=..., explanation=...)
    assert problems(data, require_source=False) == []
    assert {field for field, _ in problems(data)} == {"source", "explanation"}


def test_a_source_given_without_requirement_must_still_be_a_slug():
    data = question("essay", source="Not a slug")
    assert_problem(data, "source", "lowercase letters", require_source=False)


@pytest.mark.parametrize(
    ("kind", "changes", "field", "phrase"),
    [
        ("single", {"choices": ...}, "choices", "is required"),
        ("single", {"choices": "a, b"}, "choices", "must be a list"),
        ("single", {"choices": [{"text": "a", "credit": 100}]}, "choices", "at least 2"),
        (
            "single",
            {"choices": [{"text": "a", "credit": 100}, {"text": "b", "credit": 100}]},
            "choices",
            "exactly one choice must have credit 100 (found 2)",
        ),
        (
            "single",
            {"choices": [{"text": "a", "credit": 100}, {"text": "b", "credit": 101}]},
            "choices[1].credit",
            "between -100 and 100",
        ),
        (
            "single",
            {"choices": [{"text": "a", "credit": 100}, {"text": "b", "credit": "0"}]},
            "choices[1].credit",
            "must be a number",
        ),
        (
            "single",
            {"choices": [{"text": "a", "credit": 100}, {"text": " "}]},
            "choices[1].text",
            "is required",
        ),
        (
            "single",
            {"choices": [{"text": "a", "credit": 100}, {"text": "b", "feedback": 1}]},
            "choices[1].feedback",
            "must be text",
        ),
        ("single", {"choices": [{"text": "a", "credit": 100}, "b"]}, "choices[1]", "mapping"),
        (
            "single",
            {"choices": [{"text": "a", "credit": 100}, {"text": "b", "correct": True}]},
            "choices[1].correct",
            "allowed: text, credit, feedback",
        ),
        (
            "multiple",
            {"choices": [{"text": "a", "credit": 100}, {"text": "b", "credit": -100}]},
            "choices",
            "at least 3",
        ),
        (
            "multiple",
            {"choices": [{"text": x, "credit": c} for x, c in [("a", 50), ("b", 40), ("c", -50)]]},
            "choices",
            "the positive credits must add up to 100 (they add up to 90)",
        ),
        (
            "multiple",
            {"choices": [{"text": x, "credit": c} for x, c in [("a", 50), ("b", 50), ("c", 0)]]},
            "choices",
            "at least one choice must have a negative credit",
        ),
        (
            "multiple",
            {"choices": [{"text": x, "credit": c} for x, c in [("a", 50), ("b", 50), ("c", -150)]]},
            "choices[2].credit",
            "between -100 and 100",
        ),
        ("true_false", {"answer": ...}, "answer", "is required"),
        ("true_false", {"answer": "true"}, "answer", "must be true or false"),
        ("true_false", {"feedback_false": 0}, "feedback_false", "must be text"),
        ("short_answer", {"answers": []}, "answers", "at least 1"),
        ("short_answer", {"answers": []}, "answers", "at least one answer must have credit 100"),
        (
            "short_answer",
            {"answers": [{"text": "Helsinki", "credit": 50}]},
            "answers",
            "at least one answer must have credit 100",
        ),
        ("short_answer", {"answers": [{"text": ""}]}, "answers[0].text", "is required"),
        ("short_answer", {"answers": [{"text": "?!"}]}, "answers[0].text", "nothing left to match"),
        ("numeric", {"answers": [{"tolerance": 1}]}, "answers[0].value", "is required"),
        ("numeric", {"answers": [{"value": "1975"}]}, "answers[0].value", "must be a number"),
        ("numeric", {"answers": [{"value": float("nan")}]}, "answers[0].value", "a number"),
        ("numeric", {"answers": [{"value": 10**400}]}, "answers[0].value", "a number"),
        (
            "numeric",
            {"answers": [{"value": 1975, "tolerance": -1}]},
            "answers[0].tolerance",
            "must be 0 or more",
        ),
        (
            "numeric",
            {"answers": [{"value": 1975, "credit": 99}]},
            "answers",
            "at least one answer must have credit 100",
        ),
        (
            "numeric",
            {"answers": [{"value": 1975, "unit": "year"}]},
            "answers[0].unit",
            "allowed: value, tolerance, credit, feedback",
        ),
        ("ordering", {"items": ["a", "b"]}, "items", "at least 3"),
        ("ordering", {"items": "a b c"}, "items", "must be a list"),
        ("ordering", {"items": ["a", "b", " A "]}, "items[2]", "repeats items[0]"),
        ("ordering", {"items": ["a", "b", ""]}, "items[2]", "is required"),
        ("ordering", {"items": ["a", "b", 3]}, "items[2]", "must be text"),
        ("matching", {"pairs": [{"left": "a", "right": "b"}]}, "pairs", "at least 2"),
        (
            "matching",
            {"pairs": [{"left": "a", "right": "b"}, {"left": "A", "right": "c"}]},
            "pairs[1].left",
            "repeats pairs[0].left",
        ),
        (
            "matching",
            {"pairs": [{"left": "a", "right": "b"}, {"left": "c", "right": "b"}]},
            "pairs[1].right",
            "repeats pairs[0].right",
        ),
        (
            "matching",
            {"pairs": [{"left": "a", "right": "b"}, {"left": "c"}]},
            "pairs[1].right",
            "is required",
        ),
        ("matching", {"distractors": ["helsinki"]}, "distractors[0]", "repeats pairs[1].right"),
        ("matching", {"distractors": ["x", "x"]}, "distractors[1]", "repeats distractors[0]"),
        ("matching", {"distractors": "x"}, "distractors", "must be a list"),
        ("essay", {"min_words": -1}, "min_words", "must be 0 or more"),
        ("essay", {"min_words": 2.5}, "min_words", "must be a whole number"),
        ("essay", {"min_words": True}, "min_words", "must be a whole number"),
        ("essay", {"guidance": ["x"]}, "guidance", "must be text"),
    ],
)
def test_kind_rules(kind, changes, field, phrase):
    assert_problem(question(kind, **changes), field, phrase)


def test_multiple_accepts_positive_credits_that_round_to_100():
    choices = [{"text": t, "credit": 33.333} for t in "abc"] + [{"text": "d", "credit": -100}]
    assert problems(question("multiple", choices=choices)) == []


def test_essay_accepts_zero_min_words():
    assert problems(question("essay", min_words=0)) == []


def test_answers_default_to_full_credit_and_choices_to_none():
    normalised = normalise_question(question("single", choices=[{"text": "a"}, {"text": "b"}]))
    assert [c["credit"] for c in normalised["choices"]] == [0.0, 0.0]
    assert problems(question("short_answer", answers=[{"text": "Helsinki"}])) == []


def test_normalise_applies_defaults_and_converts_numbers():
    data = {**COMMON, "kind": "numeric", "answers": [{"value": 1975}], "name": "Year"}
    assert normalise_question(data) == {
        **COMMON,
        "kind": "numeric",
        "name": "Year",
        "points": 1,
        "category": None,
        "concepts": [],
        "locator": "",
        "answers": [{"value": 1975.0, "tolerance": 0.0, "credit": 100.0, "feedback": ""}],
    }


@pytest.mark.parametrize(
    ("kind", "defaults"),
    [
        ("true_false", {"feedback_true": "", "feedback_false": ""}),
        ("matching", {"distractors": []}),
        ("essay", {"min_words": 0, "guidance": ""}),
    ],
)
def test_normalise_fills_kind_defaults(kind, defaults):
    bare = {key: value for key, value in question(kind).items() if key not in defaults}
    normalised = normalise_question(bare)
    assert {key: normalised[key] for key in defaults} == defaults


def test_normalise_keeps_points_as_given_and_makes_credits_floats():
    normalised = normalise_question(question("single", points=2.5))
    assert normalised["points"] == 2.5
    assert normalise_question(question("single", points=3))["points"] == 3
    assert [type(c["credit"]) for c in normalised["choices"]] == [float, float, float]


def test_normalise_without_source_or_category_sets_none():
    normalised = normalise_question(question("essay", source=..., category=" "))
    assert (normalised["source"], normalised["category"]) == (None, None)


def test_normalise_never_changes_its_input():
    data = question("single")
    before = copy.deepcopy(data)
    normalise_question(data)["choices"][0]["text"] = "changed"
    assert data == before


def test_normalise_is_idempotent():
    once = normalise_question(question("numeric"))
    assert normalise_question(once) == once


def test_normalise_keeps_unknown_keys_and_bad_values_for_validation_to_report():
    data = question("single", colour="red", points="many")
    normalised = normalise_question(data)
    assert (normalised["colour"], normalised["points"]) == ("red", "many")
    assert {field for field, _ in problems(normalised)} == {"colour", "points"}


def test_name_defaults_to_the_prompts_first_words_without_markdown():
    prompt = "In **which** year was the [Helsinki Final Act](https://example.org) signed, and why?"
    assert normalise_question(question("essay", prompt=prompt))["name"] == (
        "In which year was the Helsinki Final Act…"
    )


def test_given_name_is_kept():
    assert normalise_question(question("essay", name="Helsinki"))["name"] == "Helsinki"


def test_short_prompt_becomes_the_whole_name():
    assert name_from_prompt("# `Define` _collective security_.") == "Define collective security."

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import (
    GRADERS,
    NOT_A_NUMBER,
    Outcome,
    grade,
    normalise_text,
    parse_number,
    right_answer_summary,
)
from quizzes.questionspec import KINDS, normalise_question, validate_question


def make(kind: str, **fields: object) -> dict:
    """A valid, normalised question of `kind`."""
    raw = {"slug": "q", "kind": kind, "prompt": "?", "source": "s", "explanation": "e", **fields}
    assert validate_question(raw) == []
    return normalise_question(raw)


SINGLE = make(
    "single",
    choices=[
        {"text": "1975", "credit": 100, "feedback": "Yes."},
        {"text": "1985", "feedback": "A decade late."},
        {"text": "1976", "credit": 50, "feedback": "Close."},
        {"text": "1648", "credit": -50},
    ],
)
MULTIPLE = make(
    "multiple",
    choices=[
        {"text": "USSR", "credit": 50, "feedback": "Signed."},
        {"text": "USA", "credit": 50},
        {"text": "China", "credit": -50, "feedback": "Not a participant."},
        {"text": "Brazil", "credit": -100},
    ],
)
TRUE_FALSE = make("true_false", answer=False, feedback_true="No.", feedback_false="Right.")
SHORT = make(
    "short_answer",
    answers=[
        {"text": "Helsinki Final Act", "feedback": "Yes."},
        {"text": "Helsinki*", "credit": 50, "feedback": "Which document?"},
        {"text": "*accords*", "credit": 25},
    ],
)
NUMERIC = make(
    "numeric",
    answers=[
        {"value": 1975, "feedback": "Exactly."},
        {"value": 1975, "tolerance": 2, "credit": 50, "feedback": "Close."},
    ],
)
ORDERING = make("ordering", items=["League", "UN Charter", "Helsinki", "Paris Charter"])
MATCHING = make(
    "matching",
    pairs=[
        {"left": "1919", "right": "League"},
        {"left": "1945", "right": "UN"},
        {"left": "1975", "right": "Helsinki"},
    ],
    distractors=["Yalta"],
)
ESSAY = make("essay", min_words=10)
EXAMPLES = {
    "single": SINGLE,
    "multiple": MULTIPLE,
    "true_false": TRUE_FALSE,
    "short_answer": SHORT,
    "numeric": NUMERIC,
    "ordering": ORDERING,
    "matching": MATCHING,
    "essay": ESSAY,
}


def test_every_kind_has_a_grader():
    assert set(GRADERS) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_unanswered_scores_zero_with_no_feedback(kind):
    assert grade(EXAMPLES[kind], None) == Outcome(0.0, needs_grading=False, feedback=())


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (0, Outcome(1.0, feedback=("Yes.",))),
        (1, Outcome(0.0, feedback=("A decade late.",))),
        (2, Outcome(0.5, feedback=("Close.",))),
        (3, Outcome(0.0)),  # a negative credit never takes the score below 0
    ],
)
def test_single_scores_the_chosen_choice(answer, expected):
    assert grade(SINGLE, answer) == expected


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [
        ([0, 1], 1.0),
        ([0], 0.5),
        ([0, 2], 0.0),  # 50 - 50
        ([0, 1, 2], 0.5),  # 50 + 50 - 50
        ([0, 1, 2, 3], 0.0),  # 100 - 150, kept at 0
        ([], 0.0),
    ],
)
def test_multiple_sums_the_chosen_credits(answer, fraction):
    assert grade(MULTIPLE, answer).fraction == fraction


def test_multiple_feedback_follows_canonical_order():
    assert grade(MULTIPLE, [2, 0]).feedback == ("Signed.", "Not a participant.")


def test_true_false_scores_and_gives_the_feedback_for_the_learners_choice():
    assert grade(TRUE_FALSE, False) == Outcome(1.0, feedback=("Right.",))
    assert grade(TRUE_FALSE, True) == Outcome(0.0, feedback=("No.",))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Helsinki Final Act", Outcome(1.0, feedback=("Yes.",))),
        ("  HELSINKI   fínal act. ", Outcome(1.0, feedback=("Yes.",))),
        ("Helsinki Accords", Outcome(0.5, feedback=("Which document?",))),
        ("Helsinki", Outcome(0.5, feedback=("Which document?",))),  # `*` may match nothing
        ("The accords", Outcome(0.25)),
        ("Yalta", Outcome(0.0)),
    ],
)
def test_short_answer_takes_the_best_matching_answer(answer, expected):
    assert grade(SHORT, answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("1975", Outcome(1.0, feedback=("Exactly.",))),
        (" 1975,0 ", Outcome(1.0, feedback=("Exactly.",))),
        ("1977", Outcome(0.5, feedback=("Close.",))),
        ("1972.5", Outcome(0.0)),
        ("about 1975", Outcome(0.0)),
    ],
)
def test_numeric_takes_the_best_answer_within_tolerance(answer, expected):
    assert grade(NUMERIC, answer) == expected


def test_numeric_tolerance_absorbs_float_noise():
    question = make("numeric", answers=[{"value": 0.3, "tolerance": 0.1}])
    assert 0.4 - 0.3 > 0.1  # the noise the grader must forgive
    assert grade(question, "0.4").fraction == 1.0


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [
        ([0, 1, 2, 3], 1.0),
        ([3, 2, 1, 0], 0.0),
        ([1, 2, 3, 0], 2 / 3),  # UN→Helsinki and Helsinki→Paris kept
        ([2, 3, 0, 1], 2 / 3),  # Helsinki→Paris and League→UN kept
        ([0, 2, 1, 3], 0.0),
        ([0, 1, 3, 2], 1 / 3),
        ([0, 0, 1, 2], 0.0),  # not a permutation
    ],
)
def test_ordering_credits_adjacent_pairs_kept_in_order(answer, fraction):
    assert grade(ORDERING, answer).fraction == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [
        ([0, 1, 2], 1.0),
        ([1, 0, 2], 1 / 3),
        ([3, None, 2], 1 / 3),
        ([None, None, None], 0.0),
        ([0, 1], 0.0),  # wrong length
    ],
)
def test_matching_credits_each_pair_matched_to_its_own_right(answer, fraction):
    assert grade(MATCHING, answer).fraction == pytest.approx(fraction)


def test_essay_waits_for_an_instructor():
    assert grade(ESSAY, "Indivisible security means...") == Outcome(None, needs_grading=True)


def test_blank_essay_is_final_at_zero():
    assert grade(ESSAY, "   ") == Outcome(0.0, needs_grading=False)


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("single", 9),
        ("single", True),
        ("multiple", [0, 0]),
        ("multiple", [0, 7]),
        ("multiple", "0"),
        ("true_false", "false"),
        ("short_answer", 1975),
        ("numeric", 1975),
        ("ordering", [0, 1, 2]),
        ("matching", "0,1,2"),
        ("essay", ["text"]),
    ],
)
def test_malformed_or_stale_answers_score_zero(kind, answer):
    assert grade(EXAMPLES[kind], answer) == Outcome(0.0)


def test_normalise_text_ignores_case_accents_punctuation_and_spacing():
    expected = "helsinki final act"
    assert normalise_text("Helsinki Final Act") == expected
    assert normalise_text("helsinki final act.") == expected
    assert normalise_text("  HELSINKI   fínal act ") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.N.-led", "u n led"),
        ("Straße", "strasse"),
        ("Ｈｅｌｓｉｎｋｉ", "helsinki"),  # full-width letters
        ("«Ostpolitik»", "ostpolitik"),
        ("1 + 1 = 2", "1 + 1 = 2"),  # symbols are not punctuation
    ],
)
def test_normalise_text_examples(text, expected):
    assert normalise_text(text) == expected


def test_normalise_text_keeps_the_wildcard_only_when_asked():
    assert normalise_text("Helsinki*") == "helsinki"
    assert normalise_text("Helsinki*", wildcard=True) == "helsinki*"


@given(st.text())
def test_normalise_text_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text())
def test_normalise_text_with_wildcards_is_idempotent(text):
    once = normalise_text(text, wildcard=True)
    assert normalise_text(once, wildcard=True) == once


@pytest.mark.parametrize(
    ("text", "value"),
    [("1975", 1975.0), (" -2.5 ", -2.5), ("+3", 3.0), ("2,5", 2.5), (".5", 0.5), ("7.", 7.0)],
)
def test_parse_number_accepts_plain_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-",
        "about 1975",
        "1e400",
        "1e3",
        "nan",
        "inf",
        "1,000.5",
        "1,000,000",
        "1 000",
        "1_000",
        "١٩٧٥",
        "0x10",
        "--1",
    ],
)
def test_parse_number_rejects_anything_else(text):
    with pytest.raises(ValueError, match=NOT_A_NUMBER):
        parse_number(text)


def test_parse_number_rejects_numbers_too_large_for_a_float():
    with pytest.raises(ValueError, match="too large"):
        parse_number("9" * 400)


@pytest.mark.parametrize(
    ("kind", "summary"),
    [
        ("single", "1975"),
        ("multiple", "USSR; USA"),
        ("true_false", "False"),
        ("short_answer", "Helsinki Final Act"),
        ("numeric", "1975 (± 0)"),
        ("ordering", "League → UN Charter → Helsinki → Paris Charter"),
        ("matching", "1919 → League; 1945 → UN; 1975 → Helsinki"),
        ("essay", ""),
    ],
)
def test_right_answer_summary(kind, summary):
    assert right_answer_summary(EXAMPLES[kind]) == summary


def test_right_answer_summary_shows_fractional_values_and_tolerances():
    question = make("numeric", answers=[{"value": 2.5, "tolerance": 0.25}])
    assert right_answer_summary(question) == "2.5 (± 0.25)"


ANSWERS = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=6),
    max_leaves=12,
)


@given(st.sampled_from(KINDS), ANSWERS)
def test_fraction_is_always_within_zero_and_one(kind, answer):
    outcome = grade(EXAMPLES[kind], answer)
    assert outcome.fraction is None or 0.0 <= outcome.fraction <= 1.0
    assert (outcome.fraction is None) == outcome.needs_grading


@given(
    st.lists(st.floats(-100, 100), min_size=1, max_size=8).flatmap(
        lambda credits: st.tuples(
            st.just(credits), st.sets(st.integers(0, len(credits) - 1)).map(sorted)
        )
    )
)
def test_multiple_fraction_stays_within_bounds_whatever_the_credits(credits_and_answer):
    credits, answer = credits_and_answer
    question = {"kind": "multiple", "choices": [{"text": "x", "credit": c} for c in credits]}
    assert 0.0 <= grade(question, answer).fraction <= 1.0

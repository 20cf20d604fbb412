import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import grade
from quizzes.presentation import (
    AnswerError,
    display_answer,
    draw_order,
    learner_view,
    parse_answer,
)
from quizzes.questionspec import KINDS, normalise_question, validate_question

SECRET_TEXTS = ("SECRET", "secret-source")
# Numbers that only the answer key holds; any of them in a view is a leak.
SECRET_NUMBERS = ("62.75", "37.25", "43.5", "12.5", "1975.125", "0.375")
SECRET_KEYS = (
    "credit",
    "feedback",
    "explanation",
    "answer",
    "correct",
    "tolerance",
    "guidance",
    "source",
    "locator",
    "pairs",
    "distractors",
    "index",
)


def make(kind: str, **fields: object) -> dict:
    """A valid, normalised question of `kind` whose secret fields carry markers."""
    raw = {
        "slug": f"{kind.replace('_', '-')}-q",
        "kind": kind,
        "prompt": "Which?",
        "points": 3,
        "source": "secret-source",
        "locator": "SECRET locator",
        "explanation": "SECRET explanation",
        **fields,
    }
    assert validate_question(raw) == []
    return normalise_question(raw)


QUESTIONS = {
    "single": make(
        "single",
        choices=[
            {"text": "1975", "credit": 100, "feedback": "SECRET yes"},
            {"text": "1976", "credit": 12.5, "feedback": "SECRET close"},
            {"text": "1985", "feedback": "SECRET no"},
        ],
    ),
    "multiple": make(
        "multiple",
        choices=[
            {"text": "USSR", "credit": 62.75, "feedback": "SECRET a"},
            {"text": "USA", "credit": 37.25, "feedback": "SECRET b"},
            {"text": "China", "credit": -43.5, "feedback": "SECRET c"},
            {"text": "Brazil", "credit": -100},
        ],
    ),
    "true_false": make(
        "true_false", answer=True, feedback_true="SECRET true", feedback_false="SECRET false"
    ),
    "short_answer": make(
        "short_answer", answers=[{"text": "SECRET answer", "feedback": "SECRET feedback"}]
    ),
    "numeric": make(
        "numeric",
        answers=[{"value": 1975.125, "tolerance": 0.375, "feedback": "SECRET feedback"}],
    ),
    "ordering": make("ordering", items=["League", "UN Charter", "Helsinki", "Paris Charter"]),
    "matching": make(
        "matching",
        pairs=[
            {"left": "1919", "right": "League"},
            {"left": "1945", "right": "UN"},
            {"left": "1975", "right": "Helsinki"},
        ],
        distractors=["Yalta"],
    ),
    "essay": make("essay", min_words=50, guidance="SECRET guidance"),
}
SINGLE, MULTIPLE = QUESTIONS["single"], QUESTIONS["multiple"]
ORDERING, MATCHING = QUESTIONS["ordering"], QUESTIONS["matching"]


def form(**fields: str | list[str]) -> dict[str, list[str]]:
    """Form data as `dict(request.POST.lists())` gives it; "q_0" names the field "q-0"."""
    return {
        name.replace("_", "-"): value if isinstance(value, list) else [value]
        for name, value in fields.items()
    }


def parse(kind: str, order: dict, data: dict[str, list[str]]) -> object:
    return parse_answer(QUESTIONS[kind], order, data, "q")


# draw_order


def test_choices_keep_their_order_unless_shuffled():
    rng = random.Random(1)
    assert draw_order(MULTIPLE, rng, shuffle=False) == {"choices": [0, 1, 2, 3]}


def test_shuffled_choices_are_a_permutation_that_the_seed_fixes():
    orders = [draw_order(MULTIPLE, random.Random(seed), shuffle=True) for seed in range(20)]
    assert all(sorted(order["choices"]) == [0, 1, 2, 3] for order in orders)
    assert len({tuple(order["choices"]) for order in orders}) > 1
    assert draw_order(MULTIPLE, random.Random(7), True) == draw_order(
        MULTIPLE, random.Random(7), True
    )


@given(st.integers(2, 6), st.integers(), st.booleans())
def test_ordering_items_never_start_in_the_correct_order(count, seed, shuffle):
    question = {"kind": "ordering", "items": [f"item {i}" for i in range(count)]}
    items = draw_order(question, random.Random(seed), shuffle)["items"]
    assert sorted(items) == list(range(count))
    assert items != list(range(count))


@given(st.integers(2, 5), st.integers(0, 3), st.integers(), st.booleans())
def test_matching_rights_never_appear_in_the_order_of_the_lefts(pairs, extra, seed, shuffle):
    question = {
        "kind": "matching",
        "pairs": [{"left": f"l{i}", "right": f"r{i}"} for i in range(pairs)],
        "distractors": [f"d{i}" for i in range(extra)],
    }
    options = draw_order(question, random.Random(seed), shuffle)["options"]
    assert sorted(options) == list(range(pairs + extra))
    rights = [option for option in options if option < pairs]
    assert rights != list(range(pairs))


@pytest.mark.parametrize("kind", ["true_false", "short_answer", "numeric", "essay"])
def test_kinds_without_options_have_no_order(kind):
    assert draw_order(QUESTIONS[kind], random.Random(0), shuffle=True) == {}


# learner_view


def test_learner_view_of_a_single_choice_lists_choices_by_display_position():
    assert learner_view(SINGLE, {"choices": [2, 0, 1]}) == {
        "kind": "single",
        "prompt": "Which?",
        "points": 3,
        "choices": [
            {"value": "0", "text": "1985"},
            {"value": "1", "text": "1975"},
            {"value": "2", "text": "1976"},
        ],
    }


def test_learner_view_of_matching_keeps_lefts_in_order_and_shows_options_shuffled():
    view = learner_view(MATCHING, {"options": [3, 2, 0, 1]})
    assert (view["lefts"], view["options"]) == (
        ["1919", "1945", "1975"],
        [
            {"value": "0", "text": "Yalta"},
            {"value": "1", "text": "Helsinki"},
            {"value": "2", "text": "League"},
            {"value": "3", "text": "UN"},
        ],
    )


def test_learner_view_of_ordering_lists_items_and_ranks():
    view = learner_view(ORDERING, {"items": [1, 0, 3, 2]})
    assert [item["text"] for item in view["items"]] == [
        "UN Charter",
        "League",
        "Paris Charter",
        "Helsinki",
    ]
    assert view["ranks"] == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        (
            "true_false",
            {"choices": [{"value": "true", "text": "True"}, {"value": "false", "text": "False"}]},
        ),
        ("short_answer", {"max_length": 500}),
        ("numeric", {"max_length": 500}),
        ("essay", {"min_words": 50, "max_length": 20000}),
    ],
)
def test_learner_view_of_kinds_without_options(kind, extra):
    expected = {"kind": kind, "prompt": "Which?", "points": 3, **extra}
    assert learner_view(QUESTIONS[kind], {}) == expected


def test_learner_view_redraws_a_stale_order_and_parsing_follows_it():
    stale = {"choices": [1, 0]}  # stored before a third choice was added
    view = learner_view(SINGLE, stale)
    assert sorted(choice["text"] for choice in view["choices"]) == ["1975", "1976", "1985"]
    shown = [choice["text"] for choice in view["choices"]].index("1985")
    assert parse_answer(SINGLE, stale, form(q=str(shown)), "q") == 2


@given(st.sampled_from(KINDS), st.integers(), st.booleans())
def test_learner_view_never_contains_an_answer_key(kind, seed, shuffle):
    question = QUESTIONS[kind]
    view = learner_view(question, draw_order(question, random.Random(seed), shuffle))
    text = repr(view)
    assert not [marker for marker in SECRET_TEXTS + SECRET_NUMBERS if marker in text]
    assert not [key for key in SECRET_KEYS if f"'{key}'" in text]
    assert "100" not in text  # no full credit, whatever its spelling


# parse_answer


@pytest.mark.parametrize(
    ("kind", "order", "data", "answer"),
    [
        ("single", {"choices": [2, 0, 1]}, form(q="0"), 2),
        ("single", {"choices": [2, 0, 1]}, form(q=" 1 "), 0),
        ("single", {"choices": [2, 0, 1]}, form(q=""), None),
        ("single", {"choices": [2, 0, 1]}, {}, None),
        ("multiple", {"choices": [3, 2, 0, 1]}, form(q=["0", "3"]), [1, 3]),
        ("multiple", {"choices": [3, 2, 0, 1]}, form(q=[]), None),
        ("multiple", {"choices": [3, 2, 0, 1]}, form(q=[""]), None),
        ("true_false", {}, form(q="true"), True),
        ("true_false", {}, form(q="false"), False),
        ("true_false", {}, form(q=""), None),
        ("short_answer", {}, form(q="  Helsinki Final Act "), "Helsinki Final Act"),
        ("short_answer", {}, form(q="   "), None),
        ("short_answer", {}, form(q="x" * 500), "x" * 500),
        ("numeric", {}, form(q=" 1975,5 "), "1975,5"),
        ("numeric", {}, form(q=""), None),
        ("essay", {}, form(q="y" * 20_000), "y" * 20_000),
        ("essay", {}, {}, None),
        # display position 0 shows item 2 and is ranked 3rd, and so on
        (
            "ordering",
            {"items": [2, 0, 3, 1]},
            form(q_0="3", q_1="1", q_2="4", q_3="2"),
            [0, 1, 2, 3],
        ),
        (
            "ordering",
            {"items": [2, 0, 3, 1]},
            form(q_0="1", q_1="2", q_2="3", q_3="4"),
            [2, 0, 3, 1],
        ),
        ("ordering", {"items": [2, 0, 3, 1]}, form(q_0="", q_1=" "), None),
        ("matching", {"options": [3, 0, 2, 1]}, form(q_0="1", q_1="", q_2="0"), [0, None, 3]),
        ("matching", {"options": [3, 0, 2, 1]}, form(q_0="1", q_1="3", q_2="2"), [0, 1, 2]),
        ("matching", {"options": [3, 0, 2, 1]}, form(q_0="", q_2=""), None),
    ],
)
def test_parse_answer_maps_display_positions_to_canonical_answers(kind, order, data, answer):
    assert parse(kind, order, data) == answer


@pytest.mark.parametrize(
    ("kind", "order", "data", "message"),
    [
        ("single", {"choices": [2, 0, 1]}, form(q="3"), "Choose one of the options shown"),
        ("single", {"choices": [2, 0, 1]}, form(q="-1"), "Choose one of the options shown"),
        ("single", {"choices": [2, 0, 1]}, form(q="1.0"), "Choose one of the options shown"),
        ("single", {"choices": [2, 0, 1]}, form(q="১"), "Choose one of the options shown"),
        ("single", {"choices": [2, 0, 1]}, form(q=["0", "1"]), "Give only one answer here"),
        ("multiple", {"choices": [3, 2, 0, 1]}, form(q=["1", "1"]), "Choose each option only once"),
        (
            "multiple",
            {"choices": [3, 2, 0, 1]},
            form(q=["1", "4"]),
            "Choose one of the options shown",
        ),
        ("true_false", {}, form(q="yes"), "Choose True or False"),
        ("short_answer", {}, form(q="x" * 501), "Keep the answer to 500 characters or fewer"),
        ("numeric", {}, form(q="about 1975"), "Enter a number such as 1975 or 2.5"),
        ("numeric", {}, form(q="1e400"), "Enter a number such as 1975 or 2.5"),
        ("numeric", {}, form(q="9" * 400), "That number is too large"),
        ("essay", {}, form(q="y" * 20_001), "Keep the answer to 20000 characters or fewer"),
        (
            "ordering",
            {"items": [2, 0, 3, 1]},
            form(q_0="1", q_1="1", q_2="3", q_3="4"),
            "Give each item a different position from 1 to 4",
        ),
        (
            "ordering",
            {"items": [2, 0, 3, 1]},
            form(q_0="1", q_1="2", q_2="3"),
            "Give each item a different position from 1 to 4",
        ),
        (
            "ordering",
            {"items": [2, 0, 3, 1]},
            form(q_0="0", q_1="1", q_2="2", q_3="3"),
            "Give each item a different position from 1 to 4",
        ),
        (
            "ordering",
            {"items": [2, 0, 3, 1]},
            form(q_0="01", q_1="2", q_2="3", q_3="4"),
            "Give each item a different position from 1 to 4",
        ),
        ("matching", {"options": [3, 0, 2, 1]}, form(q_0="4"), "Choose one of the options shown"),
    ],
)
def test_parse_answer_rejects_the_wrong_shape_with_a_message(kind, order, data, message):
    with pytest.raises(AnswerError, match=message) as caught:
        parse(kind, order, data)
    assert caught.value.message == message


FIELD_NAMES = st.sampled_from(["q", "q-0", "q-1", "q-2", "q-3", "q-4", "q-9", "other"]) | st.text(
    max_size=5
)


@given(
    st.sampled_from(KINDS),
    st.integers(),
    st.dictionaries(FIELD_NAMES, st.lists(st.text(max_size=12), max_size=3), max_size=6),
)
def test_parse_answer_raises_nothing_but_answer_error(kind, seed, data):
    question = QUESTIONS[kind]
    order = draw_order(question, random.Random(seed), shuffle=True)
    try:
        answer = parse_answer(question, order, data, "q")
    except AnswerError as error:
        assert error.message
    else:
        outcome = grade(question, answer)
        assert outcome.fraction is None or 0 <= outcome.fraction <= 1


# display_answer


@pytest.mark.parametrize(
    ("kind", "order", "answer", "values"),
    [
        ("single", {"choices": [2, 0, 1]}, 0, {"": "1"}),
        ("multiple", {"choices": [3, 2, 0, 1]}, [1, 3], {"": ["0", "3"]}),
        ("true_false", {}, False, {"": "false"}),
        ("short_answer", {}, "Helsinki", {"": "Helsinki"}),
        ("numeric", {}, "1975", {"": "1975"}),
        ("essay", {}, "Text", {"": "Text"}),
        (
            "ordering",
            {"items": [2, 0, 3, 1]},
            [0, 1, 2, 3],
            {"-0": "3", "-1": "1", "-2": "4", "-3": "2"},
        ),
        ("matching", {"options": [3, 0, 2, 1]}, [0, None, 3], {"-0": "1", "-1": "", "-2": "0"}),
        ("single", {"choices": [2, 0, 1]}, None, {}),
    ],
)
def test_display_answer_gives_form_values_by_field_suffix(kind, order, answer, values):
    assert display_answer(QUESTIONS[kind], order, answer) == values


def test_display_answer_leaves_stale_entries_blank():
    assert display_answer(SINGLE, {"choices": [2, 0, 1]}, 7) == {"": ""}


@st.composite
def canonical_answers(draw: st.DrawFn, kind: str) -> object:
    question = QUESTIONS[kind]
    if kind in ("single", "multiple"):
        indices = st.integers(0, len(question["choices"]) - 1)
        if kind == "single":
            return draw(indices)
        return sorted(draw(st.sets(indices, min_size=1)))
    if kind == "ordering":
        return draw(st.permutations(range(len(question["items"]))))
    if kind == "matching":
        options = st.none() | st.integers(
            0, len(question["pairs"]) + len(question["distractors"]) - 1
        )
        answer = draw(st.lists(options, min_size=3, max_size=3))
        return answer if any(option is not None for option in answer) else [0, None, None]
    if kind == "true_false":
        return draw(st.booleans())
    if kind == "numeric":
        return str(draw(st.integers(-10_000, 10_000)))
    return draw(st.text(min_size=1, max_size=40).map(str.strip).filter(bool))


def as_form(values: dict, prefix: str) -> dict[str, list[str]]:
    return {
        prefix + suffix: value if isinstance(value, list) else [value]
        for suffix, value in values.items()
    }


@given(st.data(), st.sampled_from(KINDS), st.integers(), st.booleans())
def test_display_answer_round_trips_through_parse_answer(data, kind, seed, shuffle):
    question = QUESTIONS[kind]
    answer = data.draw(canonical_answers(kind))
    order = draw_order(question, random.Random(seed), shuffle)
    values = display_answer(question, order, answer)
    assert parse_answer(question, order, as_form(values, "q"), "q") == answer


@given(st.data(), st.sampled_from(["single", "multiple"]), st.integers(), st.integers())
def test_shuffling_the_choices_never_changes_the_score(data, kind, seed_a, seed_b):
    question = QUESTIONS[kind]
    answer = data.draw(canonical_answers(kind))
    chosen = answer if isinstance(answer, list) else [answer]
    outcomes = []
    for seed in (seed_a, seed_b):
        order = draw_order(question, random.Random(seed), shuffle=True)
        positions = [str(order["choices"].index(index)) for index in chosen]
        parsed = parse_answer(question, order, {"q": positions}, "q")
        outcomes.append(grade(question, parsed))
    assert outcomes[0] == outcomes[1] == grade(question, answer)

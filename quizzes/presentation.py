"""A question as a learner sees it before submitting, and a posted form as a canonical answer.

Answer keys must never leak from here, so `learner_view` builds its result from an
allow-list of fields rather than deleting secrets from a copy. Display positions (the
`value`s a learner's browser sends) map to canonical indices only through the frozen
display order of the attempt, so the form never reveals canonical indices either.
Questions are expected valid and normalised (see quizzes.questionspec).
"""

import random
import re
from collections.abc import Callable, Mapping

from django.utils.translation import gettext, gettext_noop

from quizzes.grading import parse_number

SHORT_TEXT_MAX_CHARS = 500
ESSAY_MAX_CHARS = 20_000

# English constants (tests compare them); AnswerError carries them translated.
NOT_AN_OPTION = gettext_noop("Choose one of the options shown")
ONE_VALUE = gettext_noop("Give only one answer here")
CHOSEN_TWICE = gettext_noop("Choose each option only once")
TRUE_OR_FALSE = gettext_noop("Choose True or False")
TOO_LONG = gettext_noop("Keep the answer to {limit} characters or fewer")
RANKS = gettext_noop("Give each item a different position from 1 to {count}")

_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")
FormData = Mapping[str, list[str]]


class AnswerError(Exception):
    """A submitted answer has the wrong shape; `message` is meant for the learner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def draw_order(question: dict, rng: random.Random, shuffle: bool) -> dict:
    """The display order of one question in one attempt, to store and reuse.

    Choices are shuffled only when the quiz asks for it. Ordering items and matching
    options are always shuffled, and never into an order that gives the answer away:
    items never start in the correct order, and the pairs' right-hand options never
    appear in the same order as the left-hand items.
    """
    kind = question["kind"]
    if kind in ("single", "multiple"):
        choices = list(range(len(question["choices"])))
        if shuffle:
            rng.shuffle(choices)
        return {"choices": choices}
    if kind == "ordering":
        return {"items": _shuffled(len(question["items"]), rng, _ordering_giveaway)}
    if kind == "matching":
        pairs = len(question["pairs"])
        total = pairs + len(question["distractors"])
        return {"options": _shuffled(total, rng, lambda order: _matching_giveaway(order, pairs))}
    return {}


def learner_view(question: dict, order: dict) -> dict:
    """Only what a learner may see before submitting: no credits, feedback or answers.

    `prompt` is raw Markdown for the caller to render; options carry their display
    position as `value`.
    """
    view = {"kind": question["kind"], "prompt": question["prompt"], "points": question["points"]}
    view.update(_VIEWS[question["kind"]](question, order))
    return view


def parse_answer(question: dict, order: dict, data: FormData, prefix: str) -> object:
    """Turn posted form values into a canonical answer (None when left unanswered).

    `data` maps field names to lists of values, e.g. `dict(request.POST.lists())`.
    Raises AnswerError when the values cannot be an answer to this question.
    """
    return _PARSERS[question["kind"]](question, order, data, prefix)


def display_answer(question: dict, order: dict, answer: object) -> dict:
    """Form values that re-fill the question with a saved answer, keyed by field suffix.

    The field name is the prefix followed by the suffix: {"": "2"} for a single choice,
    {"-0": "3", "-1": "1", ...} for ordering ranks.
    """
    if answer is None:
        return {}
    return _DISPLAYS[question["kind"]](question, order, answer)


# Display orders.


def _shuffled(count: int, rng: random.Random, giveaway: Callable[[list[int]], bool]) -> list[int]:
    """A shuffled range(count), redrawn while it is a giveaway (uniform over the rest)."""
    order = list(range(count))
    rng.shuffle(order)
    while giveaway(order):
        rng.shuffle(order)
    return order


def _ordering_giveaway(order: list[int]) -> bool:
    return len(order) > 1 and order == sorted(order)


def _matching_giveaway(order: list[int], pairs: int) -> bool:
    rights = [option for option in order if option < pairs]
    return pairs > 1 and rights == sorted(rights)


def _display(question: dict, order: dict, key: str, count: int) -> list[int]:
    """The stored display order, or a stable fresh one when it no longer fits the question.

    A stored order goes stale when an author adds or removes entries during an attempt;
    redrawing from the slug keeps the page and the parsing of its form in step.
    """
    stored = order.get(key)
    if isinstance(stored, list) and sorted(stored) == list(range(count)):
        return stored
    rng = random.Random(question["slug"])  # noqa: S311 -- a display order, not a secret
    return draw_order(question, rng, shuffle=False)[key]


def _options(texts: list[str], display: list[int]) -> list[dict]:
    return [
        {"value": str(position), "text": texts[index]} for position, index in enumerate(display)
    ]


# Learner views, one per kind.


def _view_choices(question: dict, order: dict) -> dict:
    texts = [choice["text"] for choice in question["choices"]]
    return {"choices": _options(texts, _display(question, order, "choices", len(texts)))}


def _view_true_false(question: dict, order: dict) -> dict:
    return {"choices": [
        {"value": "true", "text": gettext("True")}, {"value": "false", "text": gettext("False")}
    ]}  # fmt: skip


def _view_short_text(question: dict, order: dict) -> dict:
    return {"max_length": SHORT_TEXT_MAX_CHARS}


def _view_ordering(question: dict, order: dict) -> dict:
    items = question["items"]
    return {
        "items": _options(items, _display(question, order, "items", len(items))),
        "ranks": [str(rank) for rank in range(1, len(items) + 1)],
    }


def _view_matching(question: dict, order: dict) -> dict:
    texts = _matching_options(question)
    return {
        "lefts": [pair["left"] for pair in question["pairs"]],
        "options": _options(texts, _display(question, order, "options", len(texts))),
    }


def _view_essay(question: dict, order: dict) -> dict:
    return {"min_words": question["min_words"], "max_length": ESSAY_MAX_CHARS}


def _matching_options(question: dict) -> list[str]:
    return [pair["right"] for pair in question["pairs"]] + list(question["distractors"])


_VIEWS: dict[str, Callable[[dict, dict], dict]] = {
    "single": _view_choices,
    "multiple": _view_choices,
    "true_false": _view_true_false,
    "short_answer": _view_short_text,
    "numeric": _view_short_text,
    "ordering": _view_ordering,
    "matching": _view_matching,
    "essay": _view_essay,
}


# Form parsing, one per kind.


def _one(data: FormData, name: str) -> str:
    """The single stripped value posted under `name` ("" when absent)."""
    values = data.get(name) or []
    if len(values) > 1:
        raise AnswerError(gettext(ONE_VALUE))
    return values[0].strip() if values else ""


def _position(value: str, count: int) -> int:
    if not _WHOLE_NUMBER.fullmatch(value) or int(value) >= count:
        raise AnswerError(gettext(NOT_AN_OPTION))
    return int(value)


def _text(data: FormData, name: str, limit: int) -> str | None:
    text = _one(data, name)
    if len(text) > limit:
        raise AnswerError(gettext(TOO_LONG).format(limit=limit))
    return text or None


def _parse_single(question: dict, order: dict, data: FormData, prefix: str) -> int | None:
    value = _one(data, prefix)
    if not value:
        return None
    display = _display(question, order, "choices", len(question["choices"]))
    return display[_position(value, len(display))]


def _parse_multiple(question: dict, order: dict, data: FormData, prefix: str) -> list | None:
    values = [value.strip() for value in data.get(prefix) or []]
    display = _display(question, order, "choices", len(question["choices"]))
    positions = [_position(value, len(display)) for value in values if value]
    if len(set(positions)) != len(positions):
        raise AnswerError(gettext(CHOSEN_TWICE))
    return sorted(display[position] for position in positions) or None


def _parse_true_false(question: dict, order: dict, data: FormData, prefix: str) -> bool | None:
    value = _one(data, prefix)
    if value not in ("", "true", "false"):
        raise AnswerError(gettext(TRUE_OR_FALSE))
    return None if not value else value == "true"


def _parse_short_answer(question: dict, order: dict, data: FormData, prefix: str) -> str | None:
    return _text(data, prefix, SHORT_TEXT_MAX_CHARS)


def _parse_numeric(question: dict, order: dict, data: FormData, prefix: str) -> str | None:
    text = _text(data, prefix, SHORT_TEXT_MAX_CHARS)
    if text is not None:
        try:
            parse_number(text)
        except ValueError as error:
            raise AnswerError(str(error)) from None
    return text


def _parse_essay(question: dict, order: dict, data: FormData, prefix: str) -> str | None:
    return _text(data, prefix, ESSAY_MAX_CHARS)


def _parse_ordering(question: dict, order: dict, data: FormData, prefix: str) -> list | None:
    count = len(question["items"])
    ranks = [_one(data, f"{prefix}-{position}") for position in range(count)]
    if not any(ranks):
        return None
    if sorted(ranks) != sorted(str(rank) for rank in range(1, count + 1)):
        raise AnswerError(gettext(RANKS).format(count=count))
    display = _display(question, order, "items", count)
    by_rank = sorted(range(count), key=lambda position: int(ranks[position]))
    return [display[position] for position in by_rank]


def _parse_matching(question: dict, order: dict, data: FormData, prefix: str) -> list | None:
    display = _display(question, order, "options", len(_matching_options(question)))
    answer = []
    for index in range(len(question["pairs"])):
        value = _one(data, f"{prefix}-{index}")
        answer.append(display[_position(value, len(display))] if value else None)
    return answer if any(option is not None for option in answer) else None


_PARSERS: dict[str, Callable[[dict, dict, FormData, str], object]] = {
    "single": _parse_single,
    "multiple": _parse_multiple,
    "true_false": _parse_true_false,
    "short_answer": _parse_short_answer,
    "numeric": _parse_numeric,
    "ordering": _parse_ordering,
    "matching": _parse_matching,
    "essay": _parse_essay,
}


# Re-filling a form; entries a stale answer no longer fits are left blank.


def _positions_of(question: dict, order: dict, key: str, count: int) -> dict[int, str]:
    return {index: str(pos) for pos, index in enumerate(_display(question, order, key, count))}


def _display_single(question: dict, order: dict, answer: object) -> dict:
    positions = _positions_of(question, order, "choices", len(question["choices"]))
    return {"": positions.get(answer, "")}


def _display_multiple(question: dict, order: dict, answer: object) -> dict:
    positions = _positions_of(question, order, "choices", len(question["choices"]))
    return {"": sorted((positions[i] for i in answer if i in positions), key=int)}


def _display_true_false(question: dict, order: dict, answer: object) -> dict:
    return {"": "true" if answer else "false"}


def _display_text(question: dict, order: dict, answer: object) -> dict:
    return {"": answer}


def _display_ordering(question: dict, order: dict, answer: object) -> dict:
    count = len(question["items"])
    ranks = {index: str(rank) for rank, index in enumerate(answer, start=1)}
    display = _display(question, order, "items", count)
    return {f"-{position}": ranks.get(index, "") for position, index in enumerate(display)}


def _display_matching(question: dict, order: dict, answer: object) -> dict:
    positions = _positions_of(question, order, "options", len(_matching_options(question)))
    return {f"-{index}": positions.get(option, "") for index, option in enumerate(answer)}


_DISPLAYS: dict[str, Callable[[dict, dict, object], dict]] = {
    "single": _display_single,
    "multiple": _display_multiple,
    "true_false": _display_true_false,
    "short_answer": _display_text,
    "numeric": _display_text,
    "ordering": _display_ordering,
    "matching": _display_matching,
    "essay": _display_text,
}

"""Plausible answers to a canonical question, and the form fields a browser would post.

A benchmark learner answers right with a probability (their ability), otherwise wrongly,
and now and then leaves a question blank, so grades, review cards and statistics have the
spread of a real class.
"""

import random
from urllib.parse import urlencode

from quizzes.presentation import display_answer

BLANK_RATE = 0.04
ESSAY_WORDS = (
    "security", "indivisible", "states", "collective", "defence", "Helsinki", "OSCE",
    "cooperation", "alliance", "principle", "Charter", "sovereignty", "Europe", "order",
)  # fmt: skip


def answer_for(question: dict, *, ability: float, rng: random.Random) -> object:
    """A canonical answer: right with probability `ability`, else wrong, sometimes blank."""
    if rng.random() < BLANK_RATE:
        return None
    right = rng.random() < ability
    return (_RIGHT if right else _WRONG)[question["kind"]](question, rng)


def right_answer(question: dict, rng: random.Random) -> object:
    """The answer that earns full marks (any text for an essay)."""
    return _RIGHT[question["kind"]](question, rng)


def answer_form(question: dict, order: dict, answer: object, slot: int) -> list[tuple[str, str]]:
    """The (name, value) pairs the attempt form posts for `answer` in display positions."""
    pairs = [("shown", str(slot))]
    for suffix, value in display_answer(question, order, answer).items():
        values = value if isinstance(value, list) else [value]
        pairs += [(f"q{slot}{suffix}", str(item)) for item in values]
    return pairs


def form_body(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs)


def _best_choice(question: dict, rng: random.Random) -> int:
    credits = [choice["credit"] for choice in question["choices"]]
    return credits.index(max(credits))


def _wrong_choice(question: dict, rng: random.Random) -> int:
    wrong = [i for i, choice in enumerate(question["choices"]) if choice["credit"] < 100]
    return rng.choice(wrong or range(len(question["choices"])))


def _right_multiple(question: dict, rng: random.Random) -> list[int]:
    return [i for i, choice in enumerate(question["choices"]) if choice["credit"] > 0]


def _wrong_multiple(question: dict, rng: random.Random) -> list[int]:
    count = len(question["choices"])
    return sorted(rng.sample(range(count), rng.randint(1, count)))


def _right_text(question: dict, rng: random.Random) -> str:
    full = [a["text"] for a in question["answers"] if a["credit"] == 100] or ["?"]
    return full[0].replace("*", "")


def _right_number(question: dict, rng: random.Random) -> str:
    full = [a for a in question["answers"] if a["credit"] == 100] or question["answers"]
    return f"{full[0]['value']:g}"


def _wrong_number(question: dict, rng: random.Random) -> str:
    first = question["answers"][0]
    return f"{first['value'] + first['tolerance'] + rng.randint(1, 50):g}"


def _shuffled(count: int, rng: random.Random) -> list[int]:
    order = list(range(count))
    while count > 1 and order == sorted(order):
        rng.shuffle(order)
    return order


def _wrong_matching(question: dict, rng: random.Random) -> list[int]:
    options = len(question["pairs"]) + len(question["distractors"])
    return rng.sample(range(options), len(question["pairs"]))


def _essay(question: dict, rng: random.Random) -> str:
    words = max(question.get("min_words") or 0, 60)
    return " ".join(rng.choices(ESSAY_WORDS, k=words)) + "."


_RIGHT = {
    "single": _best_choice,
    "multiple": _right_multiple,
    "true_false": lambda question, rng: question["answer"],
    "short_answer": _right_text,
    "numeric": _right_number,
    "ordering": lambda question, rng: list(range(len(question["items"]))),
    "matching": lambda question, rng: list(range(len(question["pairs"]))),
    "essay": _essay,
}
_WRONG = {
    "single": _wrong_choice,
    "multiple": _wrong_multiple,
    "true_false": lambda question, rng: not question["answer"],
    "short_answer": lambda question, rng: "I am not sure",
    "numeric": _wrong_number,
    "ordering": lambda question, rng: _shuffled(len(question["items"]), rng),
    "matching": _wrong_matching,
    "essay": _essay,
}

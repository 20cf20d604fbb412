"""Grade a canonical answer against a canonical question: one pure function per kind.

Adding a kind means writing one `grade_<kind>` function and one `GRADERS` entry.
Graders expect a question that passed `validate_question` and went through
`normalise_question` (so every default is present); a malformed or stale answer
(say, a choice index the question no longer has) scores 0 rather than failing, so
regrading after an edit never breaks an attempt.
"""

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

NOT_A_NUMBER = gettext_noop("Enter a number such as 1975 or 2.5")
NUMBER_TOO_LARGE = gettext_noop("That number is too large")
WILDCARD = "*"
# Float noise such as 0.1 + 0.2 must not push an answer outside its tolerance.
RELATIVE_EPSILON = 1e-9

_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


@dataclass(frozen=True)
class Outcome:
    """The result of grading one answer.

    `fraction` is the share of the question's points earned (0..1), or None while an
    instructor has yet to grade. `feedback` holds the author's feedback texts that apply
    to this answer, in canonical order, so it never depends on the display order.
    """

    fraction: float | None
    needs_grading: bool = False
    feedback: tuple[str, ...] = ()


ZERO = Outcome(0.0)


def grade(question: dict, answer: object) -> Outcome:
    """Grade `answer` (a canonical answer; None when unanswered)."""
    if answer is None:
        return ZERO
    return GRADERS[question["kind"]](question, answer)


def normalise_text(text: str, *, wildcard: bool = False) -> str:
    """The one normalisation for short answers: ignore case, accents, punctuation, spacing.

    Unicode NFKD, combining marks dropped, casefolded, every punctuation character
    (category P*) turned into a space, whitespace collapsed and stripped. With
    `wildcard`, `*` survives so that answer patterns keep their wildcards. Idempotent.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = [
        " " if _is_punctuation(char, wildcard) else char
        for char in decomposed
        if not unicodedata.combining(char)
    ]
    return " ".join("".join(kept).split())


def parse_number(text: str) -> float:
    """Read a number as a learner types it: "1975", "-2.5", " +3 ", "2,5" (comma decimal).

    Anything else (words, exponents, "nan", "inf", thousands separators) is a ValueError.
    """
    cleaned = text.strip()
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER_RE.fullmatch(cleaned):
        raise ValueError(gettext(NOT_A_NUMBER))
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(gettext(NUMBER_TOO_LARGE))
    return value


def right_answer_summary(question: dict) -> str:
    """Plain text of the right answer for the review page ("" for essays)."""
    return SUMMARIES[question["kind"]](question)


def grade_single(question: dict, answer: object) -> Outcome:
    """The chosen choice's credit; a negative credit scores 0."""
    choice = _item(question["choices"], answer)
    if choice is None:
        return ZERO
    return _outcome(choice["credit"], [choice])


def grade_multiple(question: dict, answer: object) -> Outcome:
    """The sum of the chosen choices' credits, kept within 0..100%."""
    choices = question["choices"]
    if not _are_indices(answer, len(choices)) or len(set(answer)) != len(answer):
        return ZERO
    chosen = [choices[index] for index in sorted(answer)]
    return _outcome(sum(choice["credit"] for choice in chosen), chosen)


def grade_true_false(question: dict, answer: object) -> Outcome:
    """Full marks when the learner's truth value is the answer; feedback follows the choice."""
    if not isinstance(answer, bool):
        return ZERO
    feedback = question["feedback_true" if answer else "feedback_false"]
    return Outcome(float(answer == question["answer"]), feedback=_texts([feedback]))


def grade_short_answer(question: dict, answer: object) -> Outcome:
    """The best credit among answers matching the text after `normalise_text`."""
    if not isinstance(answer, str):
        return ZERO
    given = normalise_text(answer)
    matches = [a for a in question["answers"] if _matches_pattern(a["text"], given)]
    return _best(matches)


def grade_numeric(question: dict, answer: object) -> Outcome:
    """The best credit among answers whose value ± tolerance contains the number."""
    if not isinstance(answer, str):
        return ZERO
    try:
        number = parse_number(answer)
    except ValueError:
        return ZERO
    matches = [a for a in question["answers"] if _within(number, a)]
    return _best(matches)


def grade_ordering(question: dict, answer: object) -> Outcome:
    """The share of adjacent pairs the learner kept together and in the right order.

    With n items there are n - 1 adjacent pairs in the learner's order; a pair (a, b)
    counts when b comes straight after a in the correct order too. So a sequence shifted
    by one place still earns most of the credit, and the reverse order earns 0.
    """
    count = len(question["items"])
    if not _is_permutation(answer, count):
        return ZERO
    kept = sum(1 for first, second in zip(answer, answer[1:], strict=False) if second == first + 1)
    return Outcome(kept / (count - 1))


def grade_matching(question: dict, answer: object) -> Outcome:
    """The share of left items matched to their own right item (option index = pair index)."""
    count = len(question["pairs"])
    if not isinstance(answer, list) or len(answer) != count:
        return ZERO
    right = sum(1 for index, option in enumerate(answer) if option == index)
    return Outcome(right / count)


def grade_essay(question: dict, answer: object) -> Outcome:
    """Awaits an instructor; a blank essay is final at 0."""
    if not isinstance(answer, str) or not answer.strip():
        return ZERO
    return Outcome(None, needs_grading=True)


GRADERS: dict[str, Callable[[dict, object], Outcome]] = {
    "single": grade_single,
    "multiple": grade_multiple,
    "true_false": grade_true_false,
    "short_answer": grade_short_answer,
    "numeric": grade_numeric,
    "ordering": grade_ordering,
    "matching": grade_matching,
    "essay": grade_essay,
}


def _outcome(credit: float, records: list[dict]) -> Outcome:
    fraction = min(1.0, max(0.0, credit / 100))
    return Outcome(fraction, feedback=_texts(record.get("feedback") for record in records))


def _best(matches: list[dict]) -> Outcome:
    """The highest-credit match (the first one on a tie), or 0 when nothing matched."""
    if not matches:
        return ZERO
    best = max(matches, key=lambda record: record["credit"])
    return _outcome(best["credit"], [best])


def _texts(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(text for text in texts if text)


def _is_index(value: object, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def _item(records: list[dict], index: object) -> dict | None:
    return records[index] if _is_index(index, len(records)) else None


def _are_indices(answer: object, count: int) -> bool:
    return isinstance(answer, list) and all(_is_index(value, count) for value in answer)


def _is_permutation(answer: object, count: int) -> bool:
    return count > 1 and _are_indices(answer, count) and sorted(answer) == list(range(count))


def _is_punctuation(char: str, wildcard: bool) -> bool:
    return unicodedata.category(char).startswith("P") and not (wildcard and char == WILDCARD)


def _matches_pattern(pattern: str, given: str) -> bool:
    """Whether the normalised answer matches `pattern`, where `*` is any run of characters."""
    parts = normalise_text(pattern, wildcard=True).split(WILDCARD)
    return re.fullmatch(".*".join(re.escape(part) for part in parts), given, re.DOTALL) is not None


def _within(number: float, answer: dict) -> bool:
    value = answer["value"]
    epsilon = RELATIVE_EPSILON * max(1.0, abs(value))
    return abs(number - value) <= answer["tolerance"] + epsilon


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _summary_single(question: dict) -> str:
    return "; ".join(c["text"] for c in question["choices"] if c["credit"] == 100)


def _summary_multiple(question: dict) -> str:
    return "; ".join(c["text"] for c in question["choices"] if c["credit"] > 0)


def _summary_short_answer(question: dict) -> str:
    return "; ".join(a["text"] for a in question["answers"] if a["credit"] == 100)


def _summary_numeric(question: dict) -> str:
    full = [a for a in question["answers"] if a["credit"] == 100]
    return "; ".join(
        f"{_format_number(a['value'])} (± {_format_number(a['tolerance'])})" for a in full
    )


SUMMARIES: dict[str, Callable[[dict], str]] = {
    "single": _summary_single,
    "multiple": _summary_multiple,
    "true_false": lambda question: gettext("True") if question["answer"] else gettext("False"),
    "short_answer": _summary_short_answer,
    "numeric": _summary_numeric,
    "ordering": lambda question: " → ".join(question["items"]),
    "matching": lambda question: "; ".join(
        f"{pair['left']} → {pair['right']}" for pair in question["pairs"]
    ),
    "essay": lambda question: "",
}

"""Validate and normalise the canonical question dict of docs/content-format.md.

Every importer (seeds YAML, GIFT, Moodle XML) and the admin produce this one dict, so the
rules live here once. Pure Python: no Django, no database.

`validate_question` accepts raw or normalised dicts alike (defaults count as given), and
`normalise_question` never raises, so callers may run them in either order.
"""

import math
import re
from dataclasses import dataclass

from quizzes.grading import normalise_text

KINDS = (
    "single",
    "multiple",
    "true_false",
    "short_answer",
    "numeric",
    "ordering",
    "matching",
    "essay",
)
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

COMMON_FIELDS = (
    "slug",
    "name",
    "kind",
    "prompt",
    "points",
    "category",
    "concepts",
    "source",
    "locator",
    "explanation",
)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("choices",),
    "multiple": ("choices",),
    "true_false": ("answer", "feedback_true", "feedback_false"),
    "short_answer": ("answers",),
    "numeric": ("answers",),
    "ordering": ("items",),
    "matching": ("pairs", "distractors"),
    "essay": ("min_words", "guidance"),
}
TEXT_RECORD_FIELDS = ("text", "credit", "feedback")
NUMERIC_ANSWER_FIELDS = ("value", "tolerance", "credit", "feedback")
PAIR_FIELDS = ("left", "right")

# A choice nobody marked is wrong; an answer an author bothered to list is accepted in full.
DEFAULT_CHOICE_CREDIT = 0.0
DEFAULT_ANSWER_CREDIT = 100.0
FULL_CREDIT = 100
SUM_TOLERANCE = 0.01
MIN_CHOICES = {"single": 2, "multiple": 3}
MIN_ORDERING_ITEMS = 3
MIN_PAIRS = 2
NAME_WORDS = 8
NAME_MAX_CHARS = 120

NOT_A_MAPPING = "must be a mapping of field names to values"
REQUIRED = "is required"
UNKNOWN_FIELD = "is not a known field; allowed: {allowed}"
UNKNOWN_KIND = "must be one of: {kinds}"
BAD_SLUG = "must be lowercase letters, digits and single hyphens, like 'helsinki-year'"
MUST_BE_TEXT = "must be text"
MUST_BE_NUMBER = "must be a number"
MUST_BE_BOOL = "must be true or false"
MUST_BE_LIST = "must be a list"
MUST_BE_WHOLE = "must be a whole number"
MUST_BE_POSITIVE = "must be greater than 0"
MUST_NOT_BE_NEGATIVE = "must be 0 or more"
CREDIT_RANGE = "must be between -100 and 100"
TOO_FEW = "needs at least {minimum} entries"
REPEATS = "repeats {other}"
SINGLE_ONE_FULL = "exactly one choice must have credit 100 (found {found})"
NEEDS_FULL = "at least one answer must have credit 100"
MULTIPLE_SUM = "the positive credits must add up to 100 (they add up to {total:g})"
MULTIPLE_NEGATIVE = (
    "at least one choice must have a negative credit, so choosing all never earns full marks"
)
NOTHING_TO_MATCH = "has nothing left to match once case, accents and punctuation are ignored"


@dataclass(frozen=True)
class SpecError:
    """One problem in a question, located by a path such as "choices[2].credit"."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def validate_question(data: dict, *, require_source: bool = True) -> list[SpecError]:
    """Return every problem in `data`, not just the first; an empty list means valid.

    `require_source=False` suits formats such as GIFT that carry no source or explanation.
    """
    if not isinstance(data, dict):
        return [SpecError("question", NOT_A_MAPPING)]
    kind = data.get("kind")
    known_kind = kind if isinstance(kind, str) and kind in KINDS else None
    errors = _unknown_keys(data, _allowed_fields(known_kind), "")
    _check_common(data, require_source, errors)
    if known_kind:
        KIND_CHECKERS[known_kind](data, errors)
    return errors


def normalise_question(data: dict) -> dict:
    """Return a new question dict with defaults applied and numbers as floats.

    Values of the wrong type are left as they are for `validate_question` to report.
    """
    question = {key: _copy(value) for key, value in data.items()}
    _set_default(question, "points", 1)
    _set_default(question, "concepts", [])
    _set_default(question, "locator", "")
    _set_default(question, "explanation", "")
    for key in ("category", "source"):
        if _is_blank(question.get(key)):
            question[key] = None
    if _is_blank(question.get("name")):
        prompt = question.get("prompt")
        question["name"] = name_from_prompt(prompt) if isinstance(prompt, str) else ""
    kind = question.get("kind")
    normaliser = NORMALISERS.get(kind) if isinstance(kind, str) else None
    if normaliser:
        normaliser(question)
    return question


def name_from_prompt(prompt: str) -> str:
    """A short plain-text title: the prompt's first words without Markdown marks."""
    text = _HTML_TAG.sub(" ", _MARKDOWN_LINK.sub(r"\1", prompt))
    words = _MARKDOWN_MARKS.sub("", text).split()
    name = " ".join(words[:NAME_WORDS])
    if len(words) > NAME_WORDS:
        name += "…"
    return name[:NAME_MAX_CHARS]


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]*>")
_MARKDOWN_MARKS = re.compile(r"[*_`#>~|\\\[\]]+")


# Validation helpers: each appends to `errors` so one pass reports everything.


def _allowed_fields(kind: str | None) -> tuple[str, ...]:
    if kind:
        return COMMON_FIELDS + KIND_FIELDS[kind]
    # With no usable kind, only the kind is reported, not every kind-specific field.
    return COMMON_FIELDS + tuple(f for fields in KIND_FIELDS.values() for f in fields)


def _unknown_keys(record: dict, allowed: tuple[str, ...], prefix: str) -> list[SpecError]:
    listing = ", ".join(allowed)
    return [
        SpecError(f"{prefix}{key}", UNKNOWN_FIELD.format(allowed=listing))
        for key in record
        if key not in allowed
    ]


def _check_common(data: dict, require_source: bool, errors: list[SpecError]) -> None:
    _check_slug(data, "slug", "slug", errors, required=True)
    kind = data.get("kind")
    if _is_blank(kind):
        errors.append(SpecError("kind", REQUIRED))
    elif not isinstance(kind, str) or kind not in KINDS:
        errors.append(SpecError("kind", UNKNOWN_KIND.format(kinds=", ".join(KINDS))))
    _check_text(data, "prompt", "prompt", errors, required=True)
    _check_slug(data, "source", "source", errors, required=require_source)
    _check_text(data, "explanation", "explanation", errors, required=require_source)
    for key in ("name", "locator", "category"):
        _check_text(data, key, key, errors)
    _check_number(data, "points", "points", errors)
    if _is_number(data.get("points")) and data["points"] <= 0:
        errors.append(SpecError("points", MUST_BE_POSITIVE))
    _check_concepts(data, errors)


def _check_concepts(data: dict, errors: list[SpecError]) -> None:
    concepts = data.get("concepts")
    if concepts is None:
        return
    if not isinstance(concepts, list):
        errors.append(SpecError("concepts", MUST_BE_LIST))
        return
    for index in range(len(concepts)):
        _check_slug(concepts, index, f"concepts[{index}]", errors, required=True)


def _check_slug(
    record: dict | list, key: str | int, path: str, errors: list[SpecError], *, required: bool
) -> None:
    value = _get(record, key)
    _check_text(record, key, path, errors, required=required)
    if isinstance(value, str) and value.strip() and not SLUG_RE.fullmatch(value):
        errors.append(SpecError(path, BAD_SLUG))


def _check_text(
    record: dict | list,
    key: str | int,
    path: str,
    errors: list[SpecError],
    *,
    required: bool = False,
) -> None:
    value = _get(record, key)
    if _is_blank(value):
        if required:
            errors.append(SpecError(path, REQUIRED))
    elif not isinstance(value, str):
        errors.append(SpecError(path, MUST_BE_TEXT))


def _check_number(
    record: dict, key: str, path: str, errors: list[SpecError], *, required: bool = False
) -> None:
    value = record.get(key)
    if value is None:
        if required:
            errors.append(SpecError(path, REQUIRED))
    elif not _is_number(value):
        errors.append(SpecError(path, MUST_BE_NUMBER))


def _records(
    data: dict, key: str, fields: tuple[str, ...], minimum: int, errors: list[SpecError]
) -> list[tuple[str, dict]] | None:
    """Check that data[key] lists at least `minimum` mappings; return (path, mapping) pairs.

    None means there is no list at all, so rules about its contents would only add noise.
    """
    value = _required_list(data, key, errors)
    if value is None:
        return None
    if len(value) < minimum:
        errors.append(SpecError(key, TOO_FEW.format(minimum=minimum)))
    records = []
    for index, item in enumerate(value):
        path = f"{key}[{index}]"
        if isinstance(item, dict):
            errors.extend(_unknown_keys(item, fields, f"{path}."))
            records.append((path, item))
        else:
            errors.append(SpecError(path, NOT_A_MAPPING))
    return records


def _credit(record: dict, path: str, default: float, errors: list[SpecError]) -> float | None:
    """Return the record's credit when valid (the default when absent), else None."""
    credit = record.get("credit")
    if credit is None:
        return default
    if not _is_number(credit):
        errors.append(SpecError(f"{path}.credit", MUST_BE_NUMBER))
        return None
    if not -100 <= credit <= 100:
        errors.append(SpecError(f"{path}.credit", CREDIT_RANGE))
        return None
    return float(credit)


def _required_list(data: dict, key: str, errors: list[SpecError]) -> list | None:
    value = data.get(key)
    if value is None:
        errors.append(SpecError(key, REQUIRED))
    elif not isinstance(value, list):
        errors.append(SpecError(key, MUST_BE_LIST))
    else:
        return value
    return None


def _text_records(
    data: dict,
    key: str,
    minimum: int,
    default_credit: float,
    errors: list[SpecError],
    *,
    pattern: bool = False,
) -> list[float] | None:
    """Check choices or short answers; return the valid credits (None: no list at all)."""
    records = _records(data, key, TEXT_RECORD_FIELDS, minimum, errors)
    if records is None:
        return None
    credits = []
    for path, record in records:
        _check_text(record, "text", f"{path}.text", errors, required=True)
        text = record.get("text")
        if pattern and isinstance(text, str) and not normalise_text(text, wildcard=True):
            errors.append(SpecError(f"{path}.text", NOTHING_TO_MATCH))
        _check_text(record, "feedback", f"{path}.feedback", errors)
        credit = _credit(record, path, default_credit, errors)
        if credit is not None:
            credits.append(credit)
    return credits


def _check_single(data: dict, errors: list[SpecError]) -> None:
    credits = _text_records(data, "choices", MIN_CHOICES["single"], DEFAULT_CHOICE_CREDIT, errors)
    if credits is None:
        return
    full = sum(1 for credit in credits if credit == FULL_CREDIT)
    if full != 1:
        errors.append(SpecError("choices", SINGLE_ONE_FULL.format(found=full)))


def _check_multiple(data: dict, errors: list[SpecError]) -> None:
    credits = _text_records(data, "choices", MIN_CHOICES["multiple"], DEFAULT_CHOICE_CREDIT, errors)
    if credits is None:
        return
    total = sum(credit for credit in credits if credit > 0)
    if abs(total - FULL_CREDIT) > SUM_TOLERANCE:
        errors.append(SpecError("choices", MULTIPLE_SUM.format(total=total)))
    if not any(credit < 0 for credit in credits):
        errors.append(SpecError("choices", MULTIPLE_NEGATIVE))


def _check_true_false(data: dict, errors: list[SpecError]) -> None:
    if "answer" not in data or data["answer"] is None:
        errors.append(SpecError("answer", REQUIRED))
    elif not isinstance(data["answer"], bool):
        errors.append(SpecError("answer", MUST_BE_BOOL))
    for key in ("feedback_true", "feedback_false"):
        _check_text(data, key, key, errors)


def _check_short_answer(data: dict, errors: list[SpecError]) -> None:
    credits = _text_records(data, "answers", 1, DEFAULT_ANSWER_CREDIT, errors, pattern=True)
    if credits is not None and FULL_CREDIT not in credits:
        errors.append(SpecError("answers", NEEDS_FULL))


def _check_numeric(data: dict, errors: list[SpecError]) -> None:
    records = _records(data, "answers", NUMERIC_ANSWER_FIELDS, 1, errors)
    if records is None:
        return
    credits = []
    for path, record in records:
        _check_number(record, "value", f"{path}.value", errors, required=True)
        _check_number(record, "tolerance", f"{path}.tolerance", errors)
        tolerance = record.get("tolerance")
        if _is_number(tolerance) and tolerance < 0:
            errors.append(SpecError(f"{path}.tolerance", MUST_NOT_BE_NEGATIVE))
        _check_text(record, "feedback", f"{path}.feedback", errors)
        credit = _credit(record, path, DEFAULT_ANSWER_CREDIT, errors)
        if credit is not None:
            credits.append(credit)
    if FULL_CREDIT not in credits:
        errors.append(SpecError("answers", NEEDS_FULL))


def _check_ordering(data: dict, errors: list[SpecError]) -> None:
    items = _required_list(data, "items", errors)
    if items is None:
        return
    if len(items) < MIN_ORDERING_ITEMS:
        errors.append(SpecError("items", TOO_FEW.format(minimum=MIN_ORDERING_ITEMS)))
    seen: dict[str, str] = {}
    for index in range(len(items)):
        _check_unique_text(items, index, f"items[{index}]", seen, errors)


def _check_matching(data: dict, errors: list[SpecError]) -> None:
    lefts: dict[str, str] = {}
    rights: dict[str, str] = {}
    for path, pair in _records(data, "pairs", PAIR_FIELDS, MIN_PAIRS, errors) or ():
        _check_unique_text(pair, "left", f"{path}.left", lefts, errors)
        _check_unique_text(pair, "right", f"{path}.right", rights, errors)
    distractors = data.get("distractors")
    if distractors is None:
        return
    if not isinstance(distractors, list):
        errors.append(SpecError("distractors", MUST_BE_LIST))
        return
    for index in range(len(distractors)):
        _check_unique_text(distractors, index, f"distractors[{index}]", rights, errors)


def _check_unique_text(
    record: dict | list, key: str | int, path: str, seen: dict[str, str], errors: list[SpecError]
) -> None:
    """Require non-blank text that no earlier entry in `seen` already holds."""
    before = len(errors)
    _check_text(record, key, path, errors, required=True)
    if len(errors) > before:
        return
    comparable = " ".join(_get(record, key).split()).casefold()
    if comparable in seen:
        errors.append(SpecError(path, REPEATS.format(other=seen[comparable])))
    else:
        seen[comparable] = path


def _check_essay(data: dict, errors: list[SpecError]) -> None:
    min_words = data.get("min_words")
    if min_words is not None:
        if not isinstance(min_words, int) or isinstance(min_words, bool):
            errors.append(SpecError("min_words", MUST_BE_WHOLE))
        elif min_words < 0:
            errors.append(SpecError("min_words", MUST_NOT_BE_NEGATIVE))
    _check_text(data, "guidance", "guidance", errors)


KIND_CHECKERS = {
    "single": _check_single,
    "multiple": _check_multiple,
    "true_false": _check_true_false,
    "short_answer": _check_short_answer,
    "numeric": _check_numeric,
    "ordering": _check_ordering,
    "matching": _check_matching,
    "essay": _check_essay,
}


# Normalisation helpers: fill defaults, convert valid numbers, leave the rest alone.


def _normalise_records(question: dict, key: str, defaults: dict, numbers: tuple[str, ...]) -> None:
    records = question.get(key)
    if not isinstance(records, list):
        return
    question[key] = [
        _normalise_record(record, defaults, numbers) if isinstance(record, dict) else record
        for record in records
    ]


def _normalise_record(record: dict, defaults: dict, numbers: tuple[str, ...]) -> dict:
    result = {**defaults, **{k: v for k, v in record.items() if v is not None}}
    for key in numbers:
        if _is_number(result.get(key)):
            result[key] = float(result[key])
    return result


def _normalise_choices(question: dict) -> None:
    defaults = {"credit": DEFAULT_CHOICE_CREDIT, "feedback": ""}
    _normalise_records(question, "choices", defaults, ("credit",))


def _normalise_short_answer(question: dict) -> None:
    defaults = {"credit": DEFAULT_ANSWER_CREDIT, "feedback": ""}
    _normalise_records(question, "answers", defaults, ("credit",))


def _normalise_numeric(question: dict) -> None:
    defaults = {"tolerance": 0.0, "credit": DEFAULT_ANSWER_CREDIT, "feedback": ""}
    _normalise_records(question, "answers", defaults, ("value", "tolerance", "credit"))


def _normalise_true_false(question: dict) -> None:
    _set_default(question, "feedback_true", "")
    _set_default(question, "feedback_false", "")


def _normalise_matching(question: dict) -> None:
    _set_default(question, "distractors", [])


def _normalise_essay(question: dict) -> None:
    _set_default(question, "min_words", 0)
    _set_default(question, "guidance", "")


NORMALISERS = {
    "single": _normalise_choices,
    "multiple": _normalise_choices,
    "true_false": _normalise_true_false,
    "short_answer": _normalise_short_answer,
    "numeric": _normalise_numeric,
    "matching": _normalise_matching,
    "essay": _normalise_essay,
}


# Small shared helpers.


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _get(record: dict | list, key: str | int) -> object:
    return record.get(key) if isinstance(record, dict) else record[key]


def _set_default(question: dict, key: str, default: object) -> None:
    if question.get(key) is None:
        question[key] = default


def _copy(value: object) -> object:
    """Copy lists and mappings so normalising never changes the caller's data."""
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value

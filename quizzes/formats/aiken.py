"""Aiken, the simplest single-choice format; import only.

    Which treaty created the League of Nations?
    A. The Treaty of Versailles
    B) The Helsinki Final Act
    ANSWER: A

The question may run over several lines; options are lettered A, B, C... in order.
"""

import re
from dataclasses import dataclass, field

from quizzes.formats.common import FormatError, Importer

EXPECTED_OPTION = "expected option {letter} or an ANSWER: line"
OPTION_ORDER = "expected option {expected}, found {found}"
ANSWER_BEFORE_OPTIONS = "ANSWER: comes before any option"
ANSWER_NOT_AN_OPTION = "ANSWER: {letter} names no option (the options are A to {last})"
NO_ANSWER_LINE = "this question has no ANSWER: line"

_OPTION_RE = re.compile(r"([A-Z])[.)]\s+(\S.*)")
_ANSWER_RE = re.compile(r"ANSWER:\s*([A-Za-z])", re.IGNORECASE)


@dataclass
class _Pending:
    first_line: int
    prompt: list[str]
    options: list[str] = field(default_factory=list)

    def question(self, correct: int) -> dict:
        choices = [
            {"text": text, "credit": 100 if index == correct else 0, "feedback": ""}
            for index, text in enumerate(self.options)
        ]
        return {"kind": "single", "prompt": "\n".join(self.prompt), "choices": choices}


def read(text: str, importer: Importer) -> None:
    pending: _Pending | None = None
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if pending is None:
            pending = _Pending(number, [stripped])
        else:
            correct = _read_line(pending, stripped, f"line {number}")
            if correct is not None:
                importer.add(pending.question(correct), f"line {pending.first_line}")
                pending = None
    if pending is not None:
        raise FormatError(f"line {pending.first_line}", NO_ANSWER_LINE)


def _read_line(pending: _Pending, line: str, location: str) -> int | None:
    """Add one line to the pending question; for its ANSWER: line, the right option's index."""
    answer = _ANSWER_RE.fullmatch(line)
    if answer:
        if not pending.options:
            raise FormatError(location, ANSWER_BEFORE_OPTIONS)
        letter = answer.group(1).upper()
        if ord(letter) - ord("A") >= len(pending.options):
            last = chr(ord("A") + len(pending.options) - 1)
            raise FormatError(location, ANSWER_NOT_AN_OPTION.format(letter=letter, last=last))
        return ord(letter) - ord("A")
    expected = chr(ord("A") + len(pending.options))
    option = _OPTION_RE.fullmatch(line)
    if option:
        if option.group(1) != expected:
            raise FormatError(location, OPTION_ORDER.format(expected=expected, found=option[1]))
        pending.options.append(option.group(2).strip())
    elif pending.options:
        raise FormatError(location, EXPECTED_OPTION.format(letter=expected))
    else:
        pending.prompt.append(line)
    return None

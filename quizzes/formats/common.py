"""What every question-file format shares: errors, limits, slugs, numbers, validation.

Pure Python, no Django: the readers turn one file into canonical question dicts
(docs/content-format.md) through an `Importer`, which gives each question its category and
a unique slug and refuses the first question that `validate_question` rejects.
"""

import html
import math
import re
import unicodedata
from dataclasses import dataclass, field

from quizzes.questionspec import SLUG_RE, name_from_prompt, validate_question

MAX_INPUT_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 5000
MAX_SLUG_CHARS = 50
FALLBACK_SLUG = "question"
# Written when a question to export has no category; the content format's own default.
EXPORT_CATEGORY = "general"
# Moodle category paths start with a context ($course$, $system$...) and "top".
MOODLE_ROOT_SEGMENTS = ("top",)

TOO_LARGE = "the file is larger than {limit} MB; split it"
TOO_MANY = "the file has more than {limit} questions; split it"
NUL_CHARACTER = "the text contains a NUL character (\\x00); is this a binary file?"
SURROGATE = "the text contains an unpaired surrogate (U+{code:04X}); save the file as UTF-8"
UNSUPPORTED = "unsupported question type: {type}"

_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FORBIDDEN_RE = re.compile("[\x00\ud800-\udfff]")


class FormatError(Exception):
    """A problem in a question file, at a line ("line 12") or element path (XML)."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


@dataclass
class ImportResult:
    questions: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def check_input(text: str) -> None:
    """Refuse text no reader should see: oversized, NUL characters, lone surrogates."""
    too_large = FormatError("file", TOO_LARGE.format(limit=MAX_INPUT_BYTES // (1024 * 1024)))
    if len(text) > MAX_INPUT_BYTES:  # cheap first: a character is at least one byte
        raise too_large
    bad = _FORBIDDEN_RE.search(text)
    if bad:
        location = f"line {text.count(chr(10), 0, bad.start()) + 1}"
        char = bad.group()
        message = NUL_CHARACTER if char == "\x00" else SURROGATE.format(code=ord(char))
        raise FormatError(location, message)
    if len(text.encode("utf-8")) > MAX_INPUT_BYTES:
        raise too_large


def parse_number(raw: str) -> int | float | None:
    """A finite decimal number ("1975", "-2.5", "1e3"), int when whole; None otherwise.

    Stricter than float(): no "nan", "inf", underscores or non-ASCII digits.
    """
    text = raw.strip()
    if not _NUMBER_RE.fullmatch(text):
        return None
    value = float(text)  # huge literals become inf here, before any int() of a long string
    if not math.isfinite(value):
        return None
    return tidy_number(value)


def tidy_number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def format_number(value: float) -> str:
    """Shortest text that reads back as the same number: "100", "33.33333", "0.5"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens, cut at a word to MAX_SLUG_CHARS ("" if none)."""
    ascii_text = unicodedata.normalize("NFKD", html.unescape(text)).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")
    if len(slug) <= MAX_SLUG_CHARS:
        return slug
    cut = slug[: MAX_SLUG_CHARS + 1]
    return (cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_SLUG_CHARS]).strip("-")


def category_from_path(path: str) -> str:
    """The slug of a Moodle category path's last named segment ("" when there is none)."""
    segments = [segment.strip() for segment in path.split("/")]
    named = [
        segment
        for segment in segments
        if segment
        and segment not in MOODLE_ROOT_SEGMENTS
        and not (segment.startswith("$") and segment.endswith("$"))
    ]
    return slugify(named[-1]) if named else ""


class Importer:
    """Collects one file's questions: category, unique slugs, validation, the count limit."""

    def __init__(self, *, skip_unsupported: bool, default_category: str) -> None:
        self.result = ImportResult()
        self._skip_unsupported = skip_unsupported
        self._default_category = default_category
        self._category = default_category
        self._slugs: set[str] = set()
        self._last_suffix: dict[str, int] = {}
        self._count = 0

    def switch_category(self, path: str) -> None:
        self._category = category_from_path(path) or self._default_category

    def add(self, question: dict, location: str, *, slug: str | None = None) -> None:
        """Validate and keep one question; `slug` is an explicit id from the file, if any."""
        self._counted(location)
        wanted = slug if slug and SLUG_RE.fullmatch(slug) else _derived_slug(question)
        question = {"slug": self._unique(wanted), **question, "category": self._category}
        errors = validate_question(question, require_source=False)
        if errors:
            raise FormatError(location, "; ".join(str(error) for error in errors))
        self.result.questions.append(question)

    def unsupported(self, location: str, type_name: str) -> None:
        """Refuse a question of a type we cannot hold, or list it as skipped."""
        self._counted(location)
        message = UNSUPPORTED.format(type=type_name)
        if not self._skip_unsupported:
            raise FormatError(location, message)
        self.result.skipped.append(f"{location}: {message}")

    def _counted(self, location: str) -> None:
        self._count += 1
        if self._count > MAX_QUESTIONS:
            raise FormatError(location, TOO_MANY.format(limit=f"{MAX_QUESTIONS:,}"))

    def _unique(self, slug: str) -> str:
        """`slug`, else the first free `slug-2`, `slug-3`... (cut to stay within the limit)."""
        candidate, number = slug, self._last_suffix.get(slug, 1)
        while candidate in self._slugs:
            number += 1
            suffix = f"-{number}"
            candidate = slug[: MAX_SLUG_CHARS - len(suffix)].rstrip("-") + suffix
        self._last_suffix[slug] = number  # a file of 5,000 same-named questions stays linear
        self._slugs.add(candidate)
        return candidate


def _derived_slug(question: dict) -> str:
    name = question.get("name") or ""
    slug = slugify(name) or slugify(name_from_prompt(question.get("prompt") or ""))
    return slug or FALLBACK_SLUG

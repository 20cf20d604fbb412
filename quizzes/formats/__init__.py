"""Question files in and out: GIFT, Aiken (import only) and Moodle XML.

`parse` turns a whole file into canonical question dicts (docs/content-format.md) or raises
FormatError for the first problem it meets, so an import is all or nothing. `dump` writes
canonical dicts back. What each format carries and loses: docs/question-formats.md.
"""

from collections.abc import Callable

from quizzes.formats import aiken, gift, moodlexml
from quizzes.formats.common import (
    MAX_INPUT_BYTES,
    MAX_QUESTIONS,
    FormatError,
    Importer,
    ImportResult,
    check_input,
)

__all__ = [
    "FORMATS",
    "MAX_INPUT_BYTES",
    "MAX_QUESTIONS",
    "FormatError",
    "ImportResult",
    "dump",
    "parse",
]

FORMATS = ("gift", "aiken", "moodlexml")
UNKNOWN_FORMAT = "unknown question format {fmt!r}; use one of: {formats}"
IMPORT_ONLY = "{fmt} is an import-only format"

_READERS: dict[str, Callable[[str, Importer], None]] = {
    "gift": gift.read,
    "aiken": aiken.read,
    "moodlexml": moodlexml.read,
}
_WRITERS: dict[str, Callable[[list[dict]], str]] = {
    "gift": gift.dump,
    "moodlexml": moodlexml.dump,
}


def parse(
    fmt: str, text: str, *, skip_unsupported: bool = False, default_category: str = "imported"
) -> ImportResult:
    """Read every question in `text`, or raise FormatError at the first problem.

    Questions of a type we cannot hold are an error unless `skip_unsupported`, which
    lists them in `ImportResult.skipped` instead. Questions get the file's category
    (its $CATEGORY or category question) or `default_category`.
    """
    reader = _READERS.get(fmt)
    if reader is None:
        raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt, formats=", ".join(FORMATS)))
    check_input(text)
    text = text.removeprefix("\ufeff")
    if fmt != "moodlexml":  # the XML parser handles line ends itself
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    importer = Importer(skip_unsupported=skip_unsupported, default_category=default_category)
    reader(text, importer)
    return importer.result


def dump(fmt: str, questions: list[dict]) -> str:
    """Write canonical questions as a file; FormatError names a question the format cannot hold."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        if fmt in _READERS:
            raise ValueError(IMPORT_ONLY.format(fmt=fmt))
        raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt, formats=", ".join(FORMATS)))
    return writer(questions)

"""GIFT, Moodle's plain-text question format, read into and written from canonical dicts.

The reader follows Moodle's parser (question/format/gift/format.php): blocks separated by
blank lines, the answer block from the first `{` to the first `}`, and Moodle's order of
type detection. Where Moodle guesses or silently drops (a malformed numeric answer, a
stray brace), it raises FormatError instead. See docs/question-formats.md.

Positions are offsets into one block's text (comment lines blanked, line breaks kept), so
any offset converts back to a file line for error messages.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from quizzes.formats.common import (
    EXPORT_CATEGORY,
    FormatError,
    Importer,
    format_number,
    parse_number,
    tidy_number,
)
from quizzes.questionspec import SLUG_RE, normalise_question

MISSING_WORD = "_____"
TRUE_WORDS = ("T", "TRUE")
FALSE_WORDS = ("F", "FALSE")
CATEGORY_PREFIX = "$CATEGORY:"
ORDERING_PLUGIN = "ordering (the qtype_ordering plugin's GIFT syntax; use Moodle XML)"

UNCLOSED_TITLE = "the ::title:: has no closing ::"
NO_CLOSING_BRACE = "this { has no closing }; write a literal brace as \\{"
NO_OPENING_BRACE = "this } has no opening {; write a literal brace as \\}"
SECOND_BRACE = "a question has one answer block; write a literal brace as \\{ or \\}"
CATEGORY_ALONE = "$CATEGORY: must stand alone; put a blank line after it"
TEXT_BEFORE_ANSWERS = "text before the first answer; start every answer with = or ~"
NO_ARROW = "a matching pair needs -> between its two sides"
EMPTY_PAIR = "a matching pair needs at least its right-hand side"
NO_NUMERIC_ANSWERS = "a numeric question needs at least one answer"
NOT_A_NUMBER = "not a number: {value!r}"
BACKWARDS_RANGE = "the range {value!r} starts above its end"
CATCH_ALL_TEXT = "after ~ a numeric question takes only #feedback for any other answer"
NO_ORDERING = "GIFT has no ordering questions; export them as Moodle XML"
ARROW_IN_ANSWER = "GIFT cannot hold -> in a short answer or its feedback: it reads as matching"
ARROW_IN_LEFT = "GIFT cannot hold -> in the left side of a matching pair"

_ESCAPES = "\\~=#{}:n"
_UNESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_RESERVED_RE = re.compile(r"[\\~=#{}:]")
_FORMAT_PREFIX_RE = re.compile(r"\[(?:html|moodle|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"%(-?[0-9]+(?:\.[0-9]+)?)%")
_QUESTION_COMMENT_RE = re.compile(r"//\s*question:\s*(\S+)\s*")
_ID_TAG_RE = re.compile(r"\[id:([^\]]*)\]")


# Reading.


@dataclass
class _Block:
    text: str
    first_line: int
    comments: list[str] = field(default_factory=list)

    def line(self, position: int) -> str:
        return f"line {self.first_line + self.text.count(chr(10), 0, position)}"


def read(text: str, importer: Importer) -> None:
    for block in _blocks(text):
        _read_block(block, importer)


def _blocks(text: str) -> Iterator[_Block]:
    """Blank-line-separated blocks; comment lines are kept aside and blanked in place."""
    block: _Block | None = None
    lines: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            if block:
                block.text = "\n".join(lines)
                yield block
            block, lines = None, []
            continue
        block = block or _Block("", number)
        if stripped.startswith("//"):
            block.comments.append(stripped)
            stripped = ""
        lines.append(stripped)
    if block:
        block.text = "\n".join(lines)
        yield block


def _read_block(block: _Block, importer: Importer) -> None:
    start, end = _strip(block.text, 0, len(block.text))
    if start == end:
        return  # only comments
    location = block.line(start)
    if block.text.startswith(CATEGORY_PREFIX, start):
        path = block.text[start + len(CATEGORY_PREFIX) : end]
        if "\n" in path:
            raise FormatError(location, CATEGORY_ALONE)
        importer.switch_category(_unescape(path))
        return
    title, start = _read_title(block, start, end)
    braces = _answer_braces(block, start, end)
    if braces is None:
        importer.unsupported(location, "description")
        return
    question = _read_question(block, start, end, *braces)
    if question is None:
        importer.unsupported(location, ORDERING_PLUGIN)
        return
    if title:
        question = {"name": title, **question}
    importer.add(question, location, slug=_slug_hint(block.comments))


def _read_title(block: _Block, start: int, end: int) -> tuple[str, int]:
    if not block.text.startswith("::", start):
        return "", start
    close = _first(block.text, "::", start + 2, end)
    if close < 0:
        raise FormatError(block.line(start), UNCLOSED_TITLE)
    title = " ".join(_unescape(block.text[start + 2 : close]).split())
    return title, _strip(block.text, close + 2, end)[0]


def _answer_braces(block: _Block, start: int, end: int) -> tuple[int, int] | None:
    opens = _find_all(block.text, "{", start, end)
    closes = _find_all(block.text, "}", start, end)
    if not opens and not closes:
        return None
    if not closes:
        raise FormatError(block.line(opens[0]), NO_CLOSING_BRACE)
    if not opens or closes[0] < opens[0]:
        raise FormatError(block.line(closes[0]), NO_OPENING_BRACE)
    extra = opens[1:] + closes[1:]
    if extra:
        raise FormatError(block.line(min(extra)), SECOND_BRACE)
    return opens[0], closes[0]


def _read_question(block: _Block, start: int, end: int, open_: int, close: int) -> dict | None:
    """The question in `block`, or None when it is of a type no reader handles."""
    text = block.text
    after = text[close + 1 : end]
    prompt = _text(text[start:open_] + (MISSING_WORD if after.strip() else "") + after)
    first, last = open_ + 1, close
    explanation = ""
    general = _last_general_feedback(text, first, last)
    if general >= 0:
        explanation = _text(text[general + 4 : last])
        last = general
    first, last = _strip(text, first, last)
    reader = _READERS.get(_detect(text[first:last]))
    if reader is None:
        return None
    fields = reader(block, first, last)
    question = {"kind": fields.pop("kind"), "prompt": prompt, **fields}
    if explanation:
        question["explanation"] = explanation
    return question


def _detect(answers: str) -> str:
    """The question type, in the order of Moodle's readquestion()."""
    if not answers:
        return "essay"
    if answers[0] == "#":
        return "numeric"
    if answers[0] == ">":
        return "ordering"
    if _find_all(answers, "~", 0, len(answers)):
        return "choices"
    if _find_all(answers, "=", 0, len(answers)) and "->" in answers:
        return "matching"
    cut = _first(answers, "#", 0, len(answers))
    if (answers if cut < 0 else answers[:cut]).strip() in TRUE_WORDS + FALSE_WORDS:
        return "true_false"
    return "short_answer"


def _read_essay(block: _Block, first: int, last: int) -> dict:
    return {"kind": "essay"}


def _read_choices(block: _Block, first: int, last: int) -> dict:
    text = block.text
    marks = sorted(_find_all(text, "~", first, last) + _find_all(text, "=", first, last))
    if marks[0] != first:
        raise FormatError(block.line(first), TEXT_BEFORE_ANSWERS)
    choices = []
    for mark, end in zip(marks, marks[1:] + [last], strict=True):
        correct = text[mark] == "="
        choices.append(_text_answer(block, mark + 1, end, 100 if correct else 0))
    single = any(text[mark] == "=" for mark in marks)
    return {"kind": "single" if single else "multiple", "choices": choices}


def _read_short_answer(block: _Block, first: int, last: int) -> dict:
    spans = _answer_spans(block.text, first, last)
    return {
        "kind": "short_answer",
        "answers": [_text_answer(block, start, end, 100) for start, end in spans],
    }


def _read_true_false(block: _Block, first: int, last: int) -> dict:
    parts = [block.text[start:end] for start, end in _spans(block.text, "#", first, last, 2)]
    parts += [""] * (3 - len(parts))
    answer = parts[0].strip() in TRUE_WORDS
    # The first feedback is for a learner who answered wrongly, the second for a right one.
    wrong, right = _text(parts[1]), _text(parts[2])
    return {
        "kind": "true_false",
        "answer": answer,
        "feedback_true": right if answer else wrong,
        "feedback_false": wrong if answer else right,
    }


def _read_matching(block: _Block, first: int, last: int) -> dict:
    spans = _spans(block.text, "=", first, last)
    if spans[0][0] != spans[0][1]:
        raise FormatError(block.line(first), TEXT_BEFORE_ANSWERS)
    pairs, distractors = [], []
    for start, end in spans[1:]:
        piece = block.text[start:end]
        arrow = piece.find("->")
        if arrow < 0:
            raise FormatError(block.line(start), NO_ARROW)
        left, right = _text(piece[:arrow]), _unescape(piece[arrow + 2 :]).strip()
        if not right:
            raise FormatError(block.line(start), EMPTY_PAIR)
        if left:
            pairs.append({"left": left, "right": right})
        else:  # Moodle's form of an extra right-hand option: "= -> text"
            distractors.append(right)
    return {"kind": "matching", "pairs": pairs, "distractors": distractors}


def _read_numeric(block: _Block, first: int, last: int) -> dict:
    first += 1  # the leading "#"
    tildes = _find_all(block.text, "~", first, last)
    if tildes:
        # Moodle's catch-all for any other answer: our model has none, so it is dropped.
        catch_all = _spans(block.text, "#", tildes[0] + 1, last, 1)[0]
        if block.text[catch_all[0] : catch_all[1]].strip():
            raise FormatError(block.line(tildes[0]), CATCH_ALL_TEXT)
        last = tildes[0]
    spans = _answer_spans(block.text, first, last)
    if not spans:
        raise FormatError(block.line(first), NO_NUMERIC_ANSWERS)
    answers = [_numeric_answer(block, start, end) for start, end in spans]
    return {"kind": "numeric", "answers": [answer for answer in answers if answer]}


def _numeric_answer(block: _Block, start: int, end: int) -> dict | None:
    credit, start = _weight(block, start, end, 100)
    cut = _first(block.text, "#", start, end)
    raw = block.text[start : cut if cut >= 0 else end].strip()
    if raw == "*":
        return None  # an explicit catch-all, dropped like ~
    value, tolerance = _value_and_tolerance(raw, block.line(start))
    feedback = _text(block.text[cut + 1 : end]) if cut >= 0 else ""
    return {"value": value, "tolerance": tolerance, "credit": credit, "feedback": feedback}


def _value_and_tolerance(raw: str, location: str) -> tuple[int | float, int | float]:
    """Read "1975" (exact), "1975:2" (tolerance) or "1970..1980" (midpoint, half-range)."""
    if raw.find("..") > 0:
        low_text, high_text = raw.split("..", 1)
        low, high = _number(low_text, location), _number(high_text, location)
        if low > high:
            raise FormatError(location, BACKWARDS_RANGE.format(value=raw))
        return tidy_number(low / 2 + high / 2), tidy_number(high / 2 - low / 2)
    colon = raw.find(":")
    if colon > 0:
        return _number(raw[:colon], location), _number(raw[colon + 1 :], location)
    return _number(raw, location), 0


def _number(raw: str, location: str) -> int | float:
    value = parse_number(raw)
    if value is None:
        raise FormatError(location, NOT_A_NUMBER.format(value=raw.strip()))
    return value


def _text_answer(block: _Block, start: int, end: int, default_credit: int) -> dict:
    """One `%weight%text#feedback` answer, as a choice or a short answer."""
    credit, start = _weight(block, start, end, default_credit)
    cut = _first(block.text, "#", start, end)
    text = _text(block.text[start : cut if cut >= 0 else end])
    feedback = _text(block.text[cut + 1 : end]) if cut >= 0 else ""
    return {"text": text, "credit": credit, "feedback": feedback}


def _weight(block: _Block, start: int, end: int, default: int) -> tuple[int | float, int]:
    start = _strip(block.text, start, end)[0]
    match = _WEIGHT_RE.match(block.text, start, end)
    if not match:
        return default, start
    return _number(match.group(1), block.line(start)), match.end()


def _answer_spans(text: str, first: int, last: int) -> list[tuple[int, int]]:
    """Spans between "=" marks; text before the first "=" is an answer too, as in Moodle."""
    spans = _spans(text, "=", first, last)
    before = spans[0]
    return spans[1:] if not text[before[0] : before[1]].strip() else spans


def _slug_hint(comments: list[str]) -> str | None:
    """An id the file gives: our own `// question: <slug>` line or Moodle's [id:...]."""
    for comment in comments:
        match = _QUESTION_COMMENT_RE.fullmatch(comment) or _ID_TAG_RE.search(comment)
        if match and SLUG_RE.fullmatch(match.group(1).strip()):
            return match.group(1).strip()
    return None


_READERS: dict[str, Callable[[_Block, int, int], dict]] = {
    "essay": _read_essay,
    "numeric": _read_numeric,
    "choices": _read_choices,
    "matching": _read_matching,
    "true_false": _read_true_false,
    "short_answer": _read_short_answer,
}


# Escape-aware scanning: a backslash escapes the next character when it is one of _ESCAPES.


@cache
def _token_re(token: str) -> re.Pattern[str]:
    return re.compile(r"\\[" + re.escape(_ESCAPES) + "]|" + re.escape(token))


def _find_all(text: str, token: str, start: int, end: int) -> list[int]:
    return [m.start() for m in _token_re(token).finditer(text, start, end) if m.group() == token]


def _first(text: str, token: str, start: int, end: int) -> int:
    for match in _token_re(token).finditer(text, start, end):
        if match.group() == token:
            return match.start()
    return -1


def _spans(
    text: str, separator: str, start: int, end: int, limit: int | None = None
) -> list[tuple[int, int]]:
    cuts = _find_all(text, separator, start, end)[:limit]
    starts = [start] + [cut + len(separator) for cut in cuts]
    return list(zip(starts, cuts + [end], strict=True))


def _last_general_feedback(text: str, start: int, end: int) -> int:
    """Where the last unescaped "####" starts (Moodle's strrpos), or -1."""
    hashes = _find_all(text, "#", start, end)
    unescaped = set(hashes)
    for position in reversed(hashes):
        if all(position + step in unescaped for step in (1, 2, 3)):
            return position
    return -1


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _unescape(raw: str) -> str:
    return _UNESCAPE_RE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), raw)


def _text(raw: str) -> str:
    """A text as Moodle reads it: a [format] prefix dropped, escapes resolved, trimmed.

    Every format is kept as written: [plain] and [moodle] text reads as Markdown, [html]
    stays HTML, and the site sanitises all of it when rendering.
    """
    raw = raw.strip()
    prefix = _FORMAT_PREFIX_RE.match(raw)
    return _unescape(raw[prefix.end() :] if prefix else raw).strip()


# Writing.


def dump(questions: list[dict]) -> str:
    chunks, category = [], None
    for question in map(normalise_question, questions):
        wanted = " ".join((question.get("category") or EXPORT_CATEGORY).split())
        if wanted != category:
            chunks.append(f"{CATEGORY_PREFIX} $course$/top/{wanted}\n")
            category = wanted
        chunks.append(_write_question(question))
    return "\n".join(chunks)


def _write_question(question: dict) -> str:
    writer = _WRITERS.get(question["kind"])
    if writer is None:
        raise FormatError(f"question {question['slug']}", NO_ORDERING)
    name = f"::{_escape(question['name'])}::" if question.get("name") else ""
    head = f"// question: {question['slug']}\n{name}[markdown]{_escape(question['prompt'])}"
    return f"{head}{writer(question)}\n"


def _write_choices(question: dict) -> str:
    single = question["kind"] == "single"
    lines = [
        f"\t{_choice_mark(choice, single)}{_write_text(choice['text'])}"
        f"{_write_feedback(choice['feedback'])}\n"
        for choice in question["choices"]
    ]
    return "{\n" + "".join(lines) + _write_general(question, "\t", "\n") + "}"


def _choice_mark(choice: dict, single: bool) -> str:
    mark, default = ("=", 100) if single and choice["credit"] == 100 else ("~", 0)
    if choice["credit"] == default and not choice["text"].lstrip().startswith("%"):
        return mark
    return f"{mark}%{format_number(choice['credit'])}%"


def _write_true_false(question: dict) -> str:
    answer = question["answer"]
    right = question["feedback_true"] if answer else question["feedback_false"]
    wrong = question["feedback_false"] if answer else question["feedback_true"]
    text = "{TRUE" if answer else "{FALSE"
    if wrong or right:
        text += f"#{_write_text(wrong)}"
    if right:
        text += f"#{_write_text(right)}"
    return text + _write_general(question) + "}"


def _write_short_answer(question: dict) -> str:
    lines = []
    for answer in question["answers"]:
        if "->" in answer["text"] or "->" in answer["feedback"]:
            raise FormatError(f"question {question['slug']}", ARROW_IN_ANSWER)
        lines.append(
            f"\t=%{format_number(answer['credit'])}%{_write_text(answer['text'])}"
            f"{_write_feedback(answer['feedback'])}\n"
        )
    return "{\n" + "".join(lines) + _write_general(question, "\t", "\n") + "}"


def _write_numeric(question: dict) -> str:
    lines = [
        f"\t=%{format_number(answer['credit'])}%{format_number(answer['value'])}"
        f":{format_number(answer['tolerance'])}{_write_feedback(answer['feedback'])}\n"
        for answer in question["answers"]
    ]
    return "{#\n" + "".join(lines) + _write_general(question, "\t", "\n") + "}"


def _write_matching(question: dict) -> str:
    lines = []
    for pair in question["pairs"]:
        if "->" in pair["left"]:
            raise FormatError(f"question {question['slug']}", ARROW_IN_LEFT)
        lines.append(f"\t={_write_text(pair['left'])} -> {_escape(pair['right'])}\n")
    lines += [f"\t= -> {_escape(distractor)}\n" for distractor in question["distractors"]]
    return "{\n" + "".join(lines) + _write_general(question, "\t", "\n") + "}"


def _write_essay(question: dict) -> str:
    return "{" + _write_general(question) + "}"


def _write_general(question: dict, indent: str = "", newline: str = "") -> str:
    explanation = question.get("explanation") or ""
    return f"{indent}####{_write_text(explanation)}{newline}" if explanation else ""


def _write_feedback(feedback: str) -> str:
    return f"#{_write_text(feedback)}" if feedback else ""


def _write_text(text: str) -> str:
    """Escaped text, marked [markdown] when it would otherwise read as a format prefix."""
    marked = "[markdown]" if _FORMAT_PREFIX_RE.match(text.lstrip()) else ""
    return marked + _escape(text)


def _escape(text: str) -> str:
    escaped = _RESERVED_RE.sub(lambda m: "\\" + m.group(), text)
    return escaped.replace("\r", "").replace("\n", "\\n")


_WRITERS: dict[str, Callable[[dict], str]] = {
    "single": _write_choices,
    "multiple": _write_choices,
    "true_false": _write_true_false,
    "short_answer": _write_short_answer,
    "numeric": _write_numeric,
    "matching": _write_matching,
    "essay": _write_essay,
}

"""Moodle XML questions, read into and written from canonical dicts.

Parsing goes through defusedxml, which refuses entity declarations (billion laughs) and
external references. Errors carry an element path such as
"quiz/question[3]/answer[2]/fraction" (1-based among elements of the same name).
Moodle's importer is question/format/xml/format.php; ordering is the qtype_ordering plugin.
"""

import re
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element, SubElement, indent, tostring  # noqa: S405 (writing only; reading uses defusedxml)
from xml.parsers.expat import ErrorString

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from quizzes.formats.common import (
    EXPORT_CATEGORY,
    FormatError,
    Importer,
    format_number,
    parse_number,
)
from quizzes.questionspec import normalise_question

TEXT_FORMAT = "markdown"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "essay": "essay",
    "ordering": "ordering",
}
# qtype_ordering settings closest to ours: every item shown, credit per adjacent pair.
ORDERING_SETTINGS = {
    "layouttype": "VERTICAL",
    "selecttype": "ALL",
    "gradingtype": "RELATIVE_NEXT_EXCLUDE_LAST",
    "showgrading": "SHOW",
}

NOT_WELL_FORMED = "the XML is not well formed: {reason}"
ENTITIES_REFUSED = "the file declares XML entities or external references, which are refused"
NOT_A_QUIZ = "the root element must be <quiz>"
NO_TYPE = "a question needs a type attribute"
MARKUP_IN_TEXT = "<text> holds XML elements; put HTML inside <![CDATA[ ... ]]>"
NOT_A_NUMBER = "not a number: {value!r}"
TRUEFALSE_TWO_ANSWERS = "a true/false question needs exactly two answers"
TRUEFALSE_ONE_RIGHT = "exactly one of the true/false answers needs fraction 100"
INVALID_CHARACTER = "{field} holds a character XML cannot carry (U+{code:04X})"

_INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# Reading.


def read(text: str, importer: Importer) -> None:
    root = _parse(text)
    if root.tag != "quiz":
        raise FormatError(str(root.tag), NOT_A_QUIZ)
    for index, element in enumerate(root.findall("question"), 1):
        _read_question(element, f"quiz/question[{index}]", importer)


def _parse(text: str) -> Element:
    try:
        return SafeTree.fromstring(text)
    except DefusedXmlException as error:
        raise FormatError("document", ENTITIES_REFUSED) from error
    except SafeTree.ParseError as error:
        line, column = error.position
        reason = NOT_WELL_FORMED.format(reason=ErrorString(error.code))
        raise FormatError(f"line {line}, column {column + 1}", reason) from error


def _read_question(element: Element, path: str, importer: Importer) -> None:
    qtype = (element.get("type") or "").strip()
    if qtype == "category":
        importer.switch_category(_child_text(element, "category", path))
        return
    if not qtype:
        raise FormatError(f"{path}/type", NO_TYPE)
    reader = _READERS.get(qtype)
    if reader is None:
        importer.unsupported(path, qtype)
        return
    fields = reader(element, path)
    question = {**_common_fields(element, path, fields.pop("kind")), **fields}
    importer.add(question, path, slug=(_child_value(element, "idnumber") or "").strip())


def _common_fields(element: Element, path: str, kind: str) -> dict:
    name = _child_text(element, "name", path)
    question = {"name": name} if name else {}
    question.update(kind=kind, prompt=_child_text(element, "questiontext", path))
    explanation = _child_text(element, "generalfeedback", path)
    if explanation:
        question["explanation"] = explanation
    points = _number(_child_value(element, "defaultgrade"), f"{path}/defaultgrade", None)
    if points is not None:
        question["points"] = points
    return question


def _read_multichoice(element: Element, path: str) -> dict:
    single = _flag(_child_value(element, "single"), default=True)
    choices = [_text_answer(answer, answer_path) for answer_path, answer in _answers(element, path)]
    return {"kind": "single" if single else "multiple", "choices": choices}


def _read_shortanswer(element: Element, path: str) -> dict:
    answers = [_text_answer(answer, answer_path) for answer_path, answer in _answers(element, path)]
    return {"kind": "short_answer", "answers": answers}


def _read_truefalse(element: Element, path: str) -> dict:
    answers = list(_answers(element, path))
    if len(answers) != 2:
        raise FormatError(path, TRUEFALSE_TWO_ANSWERS)
    texts = [_own_text(answer, answer_path).lower() for answer_path, answer in answers]
    if texts == ["false", "true"]:
        answers.reverse()  # otherwise true comes first, as Moodle assumes for old localised files
    (true_path, true), (false_path, false) = answers
    true_right = _fraction(true, true_path) == 100
    if true_right == (_fraction(false, false_path) == 100):
        raise FormatError(path, TRUEFALSE_ONE_RIGHT)
    return {
        "kind": "true_false",
        "answer": true_right,
        "feedback_true": _child_text(true, "feedback", true_path),
        "feedback_false": _child_text(false, "feedback", false_path),
    }


def _read_numerical(element: Element, path: str) -> dict:
    answers = []
    for answer_path, answer in _answers(element, path):
        raw = _own_text(answer, answer_path)
        if raw in ("", "*"):
            continue  # Moodle's catch-all for any other answer: our model has none
        answers.append(
            {
                "value": _number(raw, f"{answer_path}/text", None),
                "tolerance": _number(
                    _child_value(answer, "tolerance"), f"{answer_path}/tolerance", 0
                ),
                "credit": _fraction(answer, answer_path),
                "feedback": _child_text(answer, "feedback", answer_path),
            }
        )
    return {"kind": "numeric", "answers": answers}


def _read_matching(element: Element, path: str) -> dict:
    pairs, distractors = [], []
    for index, subquestion in enumerate(element.findall("subquestion"), 1):
        sub_path = f"{path}/subquestion[{index}]"
        left = _own_text(subquestion, sub_path)
        right = _child_text(subquestion, "answer", sub_path)
        if left:
            pairs.append({"left": left, "right": right})
        elif right:  # an empty subquestion with an answer is an extra right-hand option
            distractors.append(right)
    return {"kind": "matching", "pairs": pairs, "distractors": distractors}


def _read_essay(element: Element, path: str) -> dict:
    fields: dict = {"kind": "essay"}
    min_words = _number(_child_value(element, "minwordlimit"), f"{path}/minwordlimit", 0)
    if min_words:
        fields["min_words"] = min_words
    guidance = _child_text(element, "graderinfo", path)
    if guidance:
        fields["guidance"] = guidance
    return fields


def _read_ordering(element: Element, path: str) -> dict:
    # The answers are listed in the correct order; their fractions only number them.
    items = [_own_text(answer, answer_path) for answer_path, answer in _answers(element, path)]
    return {"kind": "ordering", "items": items}


_READERS: dict[str, Callable[[Element, str], dict]] = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "match": _read_matching,
    "essay": _read_essay,
    "ordering": _read_ordering,
}


def _answers(element: Element, path: str) -> Iterator[tuple[str, Element]]:
    for index, answer in enumerate(element.findall("answer"), 1):
        yield f"{path}/answer[{index}]", answer


def _text_answer(answer: Element, path: str) -> dict:
    return {
        "text": _own_text(answer, path),
        "credit": _fraction(answer, path),
        "feedback": _child_text(answer, "feedback", path),
    }


def _fraction(answer: Element, path: str) -> int | float:
    return _number(answer.get("fraction"), f"{path}/fraction", 0)


def _number(raw: str | None, path: str, default: int | None) -> int | float | None:
    if raw is None or not raw.strip():
        return default
    value = parse_number(raw)
    if value is None:
        raise FormatError(path, NOT_A_NUMBER.format(value=raw.strip()))
    return value


def _flag(raw: str | None, *, default: bool) -> bool:
    """Moodle's reading of "true"/"false" settings: "false", "0" and "" are false."""
    return default if raw is None else raw.strip() not in ("false", "0", "")


def _own_text(element: Element, path: str) -> str:
    """The element's <text>, or its own text in old files that have no <text> child."""
    holder = element.find("text")
    if holder is None:
        return (element.text or "").strip()
    if len(holder):
        raise FormatError(f"{path}/text", MARKUP_IN_TEXT)
    return (holder.text or "").strip()


def _child_text(parent: Element, tag: str, path: str) -> str:
    child = parent.find(tag)
    return "" if child is None else _own_text(child, f"{path}/{tag}")


def _child_value(parent: Element, tag: str) -> str | None:
    child = parent.find(tag)
    return None if child is None else child.text


# Writing.


def dump(questions: list[dict]) -> str:
    quiz, category = Element("quiz"), None
    for question in map(normalise_question, questions):
        _check_characters(question)
        wanted = question.get("category") or EXPORT_CATEGORY
        if wanted != category:
            quiz.append(_category_element(wanted))
            category = wanted
        quiz.append(_question_element(question))
    indent(quiz)
    return DECLARATION + tostring(quiz, encoding="unicode", short_empty_elements=False) + "\n"


def _category_element(category: str) -> Element:
    element = Element("question", type="category")
    _add_text(element, "category", f"$course$/top/{category}")
    return element


def _question_element(question: dict) -> Element:
    element = Element("question", type=MOODLE_TYPES[question["kind"]])
    _add_text(element, "name", question["name"] or question["slug"])
    _add_text(element, "questiontext", question["prompt"], TEXT_FORMAT)
    _add_text(element, "generalfeedback", question["explanation"], TEXT_FORMAT)
    _add_value(element, "defaultgrade", format_number(question["points"]))
    _add_value(element, "idnumber", question["slug"])
    _WRITERS[question["kind"]](element, question)
    return element


def _write_choices(element: Element, question: dict) -> None:
    _add_value(element, "single", "true" if question["kind"] == "single" else "false")
    _add_value(element, "shuffleanswers", "true")
    _add_value(element, "answernumbering", "abc")
    for choice in question["choices"]:
        _add_answer(element, choice["credit"], choice["text"], choice["feedback"], TEXT_FORMAT)


def _write_true_false(element: Element, question: dict) -> None:
    answer = question["answer"]
    _add_answer(element, 100 if answer else 0, "true", question["feedback_true"])
    _add_answer(element, 0 if answer else 100, "false", question["feedback_false"])


def _write_short_answer(element: Element, question: dict) -> None:
    _add_value(element, "usecase", "0")
    for answer in question["answers"]:
        _add_answer(element, answer["credit"], answer["text"], answer["feedback"])


def _write_numeric(element: Element, question: dict) -> None:
    for answer in question["answers"]:
        value = format_number(answer["value"])
        node = _add_answer(element, answer["credit"], value, answer["feedback"])
        _add_value(node, "tolerance", format_number(answer["tolerance"]))


def _write_matching(element: Element, question: dict) -> None:
    _add_value(element, "shuffleanswers", "true")
    rows = [(pair["left"], pair["right"]) for pair in question["pairs"]]
    for left, right in rows + [("", distractor) for distractor in question["distractors"]]:
        subquestion = _add_text(element, "subquestion", left, TEXT_FORMAT)
        _add_text(subquestion, "answer", right)


def _write_essay(element: Element, question: dict) -> None:
    for tag, value in (("responseformat", "editor"), ("responserequired", "1")):
        _add_value(element, tag, value)
    _add_value(element, "responsefieldlines", "15")
    if question["min_words"]:
        _add_value(element, "minwordlimit", str(question["min_words"]))
    _add_value(element, "attachments", "0")
    _add_value(element, "attachmentsrequired", "0")
    _add_text(element, "graderinfo", question["guidance"], TEXT_FORMAT)
    _add_text(element, "responsetemplate", "", TEXT_FORMAT)


def _write_ordering(element: Element, question: dict) -> None:
    for tag, value in ORDERING_SETTINGS.items():
        _add_value(element, tag, value)
    _add_value(element, "selectcount", str(len(question["items"])))
    for position, item in enumerate(question["items"], 1):
        _add_answer(element, position, item, "", TEXT_FORMAT)


_WRITERS: dict[str, Callable[[Element, dict], None]] = {
    "single": _write_choices,
    "multiple": _write_choices,
    "true_false": _write_true_false,
    "short_answer": _write_short_answer,
    "numeric": _write_numeric,
    "matching": _write_matching,
    "essay": _write_essay,
    "ordering": _write_ordering,
}


def _add_answer(
    parent: Element, fraction: float, text: str, feedback: str, text_format: str | None = None
) -> Element:
    answer = SubElement(parent, "answer", fraction=format_number(fraction))
    if text_format:
        answer.set("format", text_format)
    _add_value(answer, "text", text)
    if feedback:
        _add_text(answer, "feedback", feedback, TEXT_FORMAT)
    return answer


def _add_text(parent: Element, tag: str, text: str, text_format: str | None = None) -> Element:
    """<tag format="..."><text>text</text></tag>; ElementTree escapes the text."""
    element = SubElement(parent, tag)
    if text_format:
        element.set("format", text_format)
    _add_value(element, "text", text)
    return element


def _add_value(parent: Element, tag: str, value: str) -> Element:
    element = SubElement(parent, tag)
    element.text = value
    return element


def _check_characters(question: dict) -> None:
    for field, text in _strings(question, ""):
        bad = _INVALID_XML_RE.search(text)
        if bad:
            message = INVALID_CHARACTER.format(field=field, code=ord(bad.group()))
            raise FormatError(f"question {question.get('slug')}", message)


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")

"""Questions in and out of a course as GIFT, Aiken or Moodle XML (docs/question-formats.md).

`questions_import` reads the whole file first (quizzes.formats), then writes every
question in one transaction, or nothing. Questions are matched by slug within the course:

- a slug the course does not have creates a question;
- a slug it has is an error naming the slug and where the file defines it, unless
  `update=True`. Refusing by default keeps an accidental second import (or two banks
  whose questions share a title, from which the slug is derived) from silently
  overwriting questions; `update=True` is the deliberate "re-import my edited export".
  An update writes a new version, so past attempts keep what they showed and scored.
  What no question file carries (source, locator, concepts) and what this file leaves
  out (GIFT has no points; an essay's word minimum and guidance) keep their values.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, QuerySet

from courses.models import Course
from indivisible.logs import log_event
from quizzes.formats import UNKNOWN_FORMAT, FormatError, aiken, dump, gift, moodlexml
from quizzes.formats.common import MAX_INPUT_BYTES, TOO_LARGE, Importer, check_input
from quizzes.models import Question, Quiz, QuizQuestion
from quizzes.questions import question_spec, question_version, question_write_spec, with_related
from quizzes.questionspec import normalise_question

NOT_UTF8 = "byte 0x{byte:02X} is not UTF-8; save the file as UTF-8"
SLUG_TAKEN = (
    "the course already has a question {slug!r}; choose to update existing questions "
    "to overwrite it, or give this one another id"
)
QUIZ_OF_ANOTHER_COURSE = "the quiz {quiz!r} belongs to another course"
NO_QUESTIONS = "the file holds no questions (only comments or blank lines?)"
DEFAULT_CATEGORY = "imported"
_READERS = {"gift": gift.read, "aiken": aiken.read, "moodlexml": moodlexml.read}
KEPT_FIELDS = ("source", "locator", "concepts", "points")
KEPT_ESSAY_FIELDS = ("min_words", "guidance")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do); each entry is "location: slug"."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    added_to_quiz: int = 0
    dry_run: bool = False

    @property
    def found(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.skipped)

    def counts(self) -> list[tuple[str, int]]:
        return [
            ("Found", self.found),
            ("Created", len(self.created)),
            ("Updated", len(self.updated)),
            ("Unchanged", len(self.unchanged)),
            ("Skipped", len(self.skipped)),
            ("Errors", 0),
        ]

    def summary(self) -> str:
        prefix = "Dry run, nothing saved. " if self.dry_run else ""
        quiz = f", {self.added_to_quiz} added to the quiz" if self.added_to_quiz else ""
        return prefix + ", ".join(f"{name}: {count}" for name, count in self.counts()) + quiz


def questions_decode(data: bytes) -> str:
    """The text of an uploaded file; FormatError names the line and offset of a bad byte."""
    if len(data) > MAX_INPUT_BYTES:
        raise FormatError("file", TOO_LARGE.format(limit=MAX_INPUT_BYTES // (1024 * 1024)))
    try:
        return data.decode("utf-8")  # a byte order mark survives here; parse drops it
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        location = f"line {line}, byte offset {error.start}"
        raise FormatError(location, NOT_UTF8.format(byte=data[error.start])) from None


def questions_import(
    *, course: Course, fmt: str, text: str | bytes, skip_unsupported: bool = False,
    quiz: Quiz | None = None, update: bool = False, dry_run: bool = False,
) -> ImportReport:  # fmt: skip
    """Import a question file into `course` (and append its questions to `quiz`).

    All or nothing: FormatError for the first problem, with its location, and nothing is
    saved. `dry_run` does everything, then rolls back, so it reports the same problems.
    """
    if quiz is not None and quiz.course_id != course.pk:
        raise ValueError(QUIZ_OF_ANOTHER_COURSE.format(quiz=quiz.slug))
    if isinstance(text, bytes):
        text = questions_decode(text)
    located = _parse(fmt, text, skip_unsupported)
    if not located.result.questions and not located.result.skipped:
        raise FormatError("file", NO_QUESTIONS)
    report = ImportReport(skipped=located.result.skipped, dry_run=dry_run)
    with transaction.atomic():
        questions = _write(course, located.result.questions, located.locations, update, report)
        if quiz is not None:
            report.added_to_quiz = _append_to_quiz(quiz, questions)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        log_event(
            "questions.imported", course=course.slug, format=fmt,
            quiz=quiz.slug if quiz else None, created=len(report.created),
            updated=len(report.updated), unchanged=len(report.unchanged),
            skipped=len(report.skipped),
        )  # fmt: skip
    return report


def questions_export(*, questions: QuerySet[Question], fmt: str) -> str:
    """The questions, in the queryset's order, as a GIFT or Moodle XML file.

    FormatError names a question the format cannot hold (GIFT has no ordering questions).
    """
    return dump(fmt, [question_spec(question) for question in with_related(questions)])


class _LocatingImporter(Importer):
    """The formats' Importer, also recording where each accepted question starts.

    `formats.parse` keeps no locations, and the report and slug errors need them, so
    `_parse` repeats its few lines of preparation around this importer. Should
    ImportResult one day carry locations, `_parse` becomes `parse`.
    """

    def __init__(self, *, skip_unsupported: bool) -> None:
        super().__init__(skip_unsupported=skip_unsupported, default_category=DEFAULT_CATEGORY)
        self.locations: list[str] = []

    def add(self, question: dict, location: str, *, slug: str | None = None) -> None:
        super().add(question, location, slug=slug)
        self.locations.append(location)


def _parse(fmt: str, text: str, skip_unsupported: bool) -> _LocatingImporter:
    """As formats.parse (same checks, same preparation), keeping each question's location."""
    reader = _READERS.get(fmt)
    if reader is None:
        raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt, formats=", ".join(_READERS)))
    check_input(text)
    text = text.removeprefix("\ufeff")
    if fmt != "moodlexml":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    importer = _LocatingImporter(skip_unsupported=skip_unsupported)
    reader(text, importer)
    return importer


def _write(
    course: Course, specs: list[dict], locations: list[str], update: bool, report: ImportReport
) -> list[Question]:
    existing = {
        q.slug: q
        for q in with_related(course.questions.filter(slug__in=[s["slug"] for s in specs]))
    }
    sources = {source.slug: source for source in course.sources.all()}
    concepts = {concept.slug: concept for concept in course.concepts.all()}
    written = []
    for spec, location in zip(specs, locations, strict=True):
        current = existing.get(spec["slug"])
        entry = f"{location}: {spec['slug']}"
        if current is not None and not update:
            raise FormatError(location, SLUG_TAKEN.format(slug=spec["slug"]))
        if current is not None:
            old = question_spec(current)
            spec = normalise_question(_keep(spec, old))
            if spec == old:
                report.unchanged.append(entry)
                written.append(current)
                continue
        question = question_write_spec(
            course=course, spec=spec, sources=sources, concepts=concepts, question=current
        )
        if current is not None:  # its prefetched rows are stale now; read them afresh
            question = Question.objects.select_related("course", "source").get(pk=question.pk)
        question_version(question)
        (report.updated if current is not None else report.created).append(entry)
        written.append(question)
    return written


def _keep(spec: dict, old: dict) -> dict:
    """The file's question, with the fields it does not carry taken from the current one."""
    names = KEPT_FIELDS + (KEPT_ESSAY_FIELDS if spec["kind"] == old["kind"] == "essay" else ())
    return {**{name: old[name] for name in names if name in old}, **spec}


def _append_to_quiz(quiz: Quiz, questions: Iterable[Question]) -> int:
    """Add the questions the quiz lacks after its last slot, in file order; how many."""
    present = set(quiz.slots.values_list("question_id", flat=True))
    position = (quiz.slots.aggregate(last=Max("position"))["last"] or 0) + 1
    slots = []
    for question in questions:
        if question.pk not in present:
            present.add(question.pk)
            slots.append(QuizQuestion(quiz=quiz, question=question, position=position))
            position += 1
    QuizQuestion.objects.bulk_create(slots)
    return len(slots)

"""The quizzes/ folder of a course: reading, validating, writing and exporting quizzes.

Registered with courses.content as a content part, so `loadcourse` and `exportcourse`
handle quizzes without the courses app knowing about them. Questions are defined inside
quiz files (or in `quizzes/bank.yaml`, a plain list) and reused elsewhere with `ref`.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db.models import Count

from courses.content import CourseFiles, Report, assign, outcome
from courses.models import Course, Lesson
from courses.seedfiles import FileReader, Located, dump_yaml
from quizzes.models import FeedbackBand, Question, QuestionVersion, Quiz, QuizDraw, QuizQuestion
from quizzes.questions import (
    latest_versions,
    question_spec,
    question_write_spec,
    questions_create,
    with_related,
)
from quizzes.questionspec import normalise_question, validate_question

BANK_FILE = "bank.yaml"
QUIZ_FIELDS = {
    "slug": (str, True), "title": (str, True), "lesson": (str, False), "module": (str, False),
    "description": (str, False), "pass_mark": ((int, float), False),
    "attempts_allowed": (int, False), "time_limit_minutes": (int, False),
    "grading_method": (str, False), "shuffle_questions": (bool, False),
    "shuffle_choices": (bool, False), "required": (bool, False),
    "questions_per_attempt": (int, False), "draw": (list, False),
    "feedback_bands": (list, False), "questions": (list, False),
    "one_question_per_page": (bool, False), "delay_minutes": (int, False),
    "is_published": (bool, False),
}  # fmt: skip
DRAW_FIELDS = {"category": (str, True), "count": (int, True)}
BAND_FIELDS = {"min": ((int, float), True), "text": (str, True)}
QUIZ_DEFAULTS = {
    "description": "", "pass_mark": 60, "attempts_allowed": 0, "time_limit_minutes": None,
    "grading_method": "highest", "shuffle_questions": False, "shuffle_choices": True,
    "required": False, "questions_per_attempt": None, "one_question_per_page": False,
    "delay_minutes": 0, "is_published": True,
}  # fmt: skip


@dataclass
class QuizFile:
    path: Path
    data: Located
    question_slugs: list[str] = field(default_factory=list)


@dataclass
class QuizFiles:
    quizzes: list[QuizFile] = field(default_factory=list)
    questions: dict[str, dict] = field(default_factory=dict)  # slug -> normalised spec
    invalid: set[str] = field(default_factory=set)  # defined, but already reported as wrong


class QuizContent:
    name = "quizzes"

    def read(self, reader: FileReader, files: CourseFiles) -> None:
        result = QuizFiles()
        folder = files.root / "quizzes"
        defined_in: dict[str, Path] = {}
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            data = reader.load_yaml(path)
            if data is None:
                continue
            if path.name == BANK_FILE:
                self._read_questions(reader, files, path, data, "general", result, defined_in)
            elif reader.mapping(path, data, "a quiz file", line=1):
                self._read_quiz(reader, files, path, data, result, defined_in)
        self._check_quizzes(reader, files, result)
        files.parts[self.name] = result

    def _read_quiz(self, reader, files, path, data, result, defined_in) -> None:
        # Questions are read even when the quiz's own fields are wrong, so that other
        # quizzes referring to them do not report a second, misleading error.
        fields_ok = reader.check_fields(path, data, QUIZ_FIELDS) and reader.check_slug(path, data)
        quiz = QuizFile(path, data)
        quiz.question_slugs = self._read_questions(
            reader, files, path, data.get("questions") or [], _default_category(files, data),
            result, defined_in,
        )  # fmt: skip
        if fields_ok:
            result.quizzes.append(quiz)

    def _read_questions(
        self, reader, files, path, items, category, result, defined_in
    ) -> list[str]:
        if not isinstance(items, list):
            reader.error(path, getattr(items, "line", 1), "questions", "must be a list")
            return []
        slugs = []
        for index, item in enumerate(items):
            where = f"questions[{index}]"
            if not reader.mapping(path, item, where):
                continue
            if set(item) == {"ref"}:
                slugs.append(item["ref"])
                continue
            spec = normalise_question({**item, "category": item.get("category") or category})
            if isinstance(spec.get("concepts"), list):
                spec["concepts"] = sorted(spec["concepts"], key=str)  # a set; rows keep no order
            problems = validate_question(spec)
            for problem in problems:
                reader.error(
                    path, _line_of(item, problem.field), f"{where}.{problem.field}", problem.message
                )
            slug = item.get("slug")
            if slug in defined_in:
                reader.error(
                    path,
                    item.line_of("slug"),
                    f"{where}.slug",
                    f"duplicate question slug {slug!r} (also in {defined_in[slug]})",
                )
            elif problems:
                result.invalid.add(slug)
            else:
                _check_question_refs(reader, files, path, item, where)
                result.questions[slug] = spec
                defined_in[slug] = path
            slugs.append(slug)
        return slugs

    def _check_quizzes(self, reader, files, result: QuizFiles) -> None:
        lessons, modules = files.slugs("lesson"), files.slugs("module")
        bank = Counter(spec["category"] for spec in result.questions.values())
        seen: dict[str, Path] = {}
        for quiz in result.quizzes:
            data, path = quiz.data, quiz.path
            if data["slug"] in seen:
                reader.error(
                    path, data.line_of("slug"), "slug", f"duplicate quiz slug {data['slug']!r}"
                )
            seen.setdefault(data["slug"], path)
            if data.get("lesson") and data["lesson"] not in lessons:
                reader.error(
                    path, data.line_of("lesson"), "lesson", f"unknown lesson {data['lesson']!r}"
                )
            if data.get("module") and data["module"] not in modules:
                reader.error(
                    path, data.line_of("module"), "module", f"unknown module {data['module']!r}"
                )
            if data.get("grading_method", "highest") not in ("highest", "last", "first", "average"):
                reader.error(
                    path,
                    data.line_of("grading_method"),
                    "grading_method",
                    "must be highest, last, first or average",
                )
            if not 0 <= data.get("pass_mark", 60) <= 100:
                reader.error(
                    path, data.line_of("pass_mark"), "pass_mark", "must be a percentage, 0 to 100"
                )
            for slug in quiz.question_slugs:
                if slug not in result.questions and slug not in result.invalid:
                    reader.error(
                        path, data.line_of("questions"), "questions", f"unknown question {slug!r}"
                    )
            _check_draws(reader, path, data, bank)
            _check_bands(reader, path, data)
            if not quiz.question_slugs and not data.get("draw"):
                reader.error(path, data.line, "questions", "a quiz needs questions or a draw")

    def write(self, course: Course, files: CourseFiles, report: Report, prune: bool) -> None:
        content: QuizFiles = files.parts[self.name]
        questions = _write_questions(course, content, report)
        _write_quizzes(course, content.quizzes, questions, report)
        if prune:
            _prune(course, content, report)
        else:
            report.kept += [
                f"quiz {s}"
                for s in course.quizzes.exclude(
                    slug__in=[q.data["slug"] for q in content.quizzes]
                ).values_list("slug", flat=True)
            ]
            report.kept += [
                f"question {s}"
                for s in course.questions.exclude(slug__in=content.questions).values_list(
                    "slug", flat=True
                )
            ]

    def blockers(self, course: Course, files: CourseFiles) -> list[str]:
        content: QuizFiles = files.parts[self.name]
        quizzes = (
            course.quizzes.exclude(slug__in=[q.data["slug"] for q in content.quizzes])
            .annotate(n=Count("attempts"))
            .filter(n__gt=0)
        )
        questions = (
            course.questions.exclude(slug__in=content.questions)
            .annotate(n=Count("versions__responses"))
            .filter(n__gt=0)
        )
        return [f"quiz {q.slug!r} has {q.n} attempt(s)" for q in quizzes] + [
            f"question {q.slug!r} has {q.n} response(s)" for q in questions
        ]

    def export(self, course: Course, root: Path) -> None:
        folder = root / "quizzes"
        folder.mkdir(exist_ok=True)
        questions = {q.slug: q for q in with_related(course.questions.all())}
        exported: set[str] = set()
        quizzes = (
            course.quizzes.select_related("lesson", "module")
            .prefetch_related("slots__question", "draws", "feedback_bands")
            .order_by("slug")
        )
        for quiz in quizzes:
            data = _export_quiz(quiz, questions, exported)
            (folder / f"{quiz.slug}.yaml").write_text(dump_yaml(data), encoding="utf-8")
        rest = [_export_question(questions[s]) for s in sorted(questions) if s not in exported]
        if rest:
            (folder / BANK_FILE).write_text(dump_yaml(rest), encoding="utf-8")


def _default_category(files: CourseFiles, data: Located) -> str:
    if data.get("module"):
        return data["module"]
    for module in files.modules:
        if any(lesson.data.get("slug") == data.get("lesson") for lesson in module.lessons):
            return module.data.get("slug")
    return "general"


def _line_of(item: Located, field_path: str) -> int:
    """The line of the deepest mapping a spec error's field path (choices[2].credit) reaches."""
    node, line = item, item.line
    for part in re.findall(r"[^.\[\]]+", field_path):
        if isinstance(node, Located):
            line = node.line_of(part)
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            line = getattr(node, "line", line)
        else:
            break
    return line


def _check_question_refs(reader, files, path, item, where) -> None:
    if item.get("source") and item["source"] not in files.slugs("source"):
        reader.error(
            path, item.line_of("source"), f"{where}.source", f"unknown source {item['source']!r}"
        )
    for slug in item.get("concepts") or []:
        if slug not in files.slugs("concept"):
            reader.error(
                path, item.line_of("concepts"), f"{where}.concepts", f"unknown concept {slug!r}"
            )


def _check_draws(reader, path, data, bank: Counter) -> None:
    for index, draw in enumerate(data.get("draw") or []):
        if not reader.mapping(path, draw, "a draw", data.line_of("draw")):
            continue
        if (
            reader.check_fields(path, draw, DRAW_FIELDS, f"draw[{index}].")
            and draw["count"] > bank[draw["category"]]
        ):
            reader.error(
                path,
                draw.line,
                f"draw[{index}].count",
                f"draws {draw['count']} from {draw['category']!r}, "
                f"which has {bank[draw['category']]}",
            )


def _check_bands(reader, path, data) -> None:
    for index, band in enumerate(data.get("feedback_bands") or []):
        if reader.mapping(path, band, "a feedback band", data.line_of("feedback_bands")):
            reader.check_fields(path, band, BAND_FIELDS, f"feedback_bands[{index}].")


def _write_questions(course: Course, content: QuizFiles, report: Report) -> dict[str, Question]:
    existing = {q.slug: q for q in with_related(course.questions.all())}
    versions = latest_versions([q.pk for q in existing.values()])
    sources = {s.slug: s for s in course.sources.all()}
    concepts = {c.slug: c for c in course.concepts.all()}
    created = questions_create(
        course=course,
        specs=[spec for slug, spec in content.questions.items() if slug not in existing],
        sources=sources,
        concepts=concepts,
    )
    result = {question.slug: question for question in created}
    report.add("questions", "created", len(created))
    for slug, spec in content.questions.items():
        question = existing.get(slug)
        if question is None:
            question = result[slug]
        elif question_spec(question) != spec:
            question = question_write_spec(
                course=course, spec=spec, sources=sources, concepts=concepts, question=question
            )
            report.add("questions", "updated")
        else:
            report.add("questions", "unchanged")
        # The rows were written from `spec` (or already read back equal to it), so the
        # version freezes `spec` itself without reading the rows again.
        latest = versions.get(question.pk)
        if latest is None or latest.data != spec:
            QuestionVersion.objects.create(
                question=question, number=latest.number + 1 if latest else 1, data=spec
            )
        result[slug] = question
    return result


# The child rows of a quiz, and the fields that make one row.
CHILD_FIELDS = {
    QuizQuestion: ("position", "question_id"),
    QuizDraw: ("category", "count"),
    FeedbackBand: ("min_percent", "text"),
}


def _child_rows(quiz_file: QuizFile, questions: dict[str, Question]) -> dict[type, list[tuple]]:
    data = quiz_file.data
    return {
        QuizQuestion: [(i, questions[s].pk) for i, s in enumerate(quiz_file.question_slugs)],
        QuizDraw: [(d["category"], d["count"]) for d in data.get("draw") or []],
        FeedbackBand: [
            (Decimal(str(b["min"])), b["text"]) for b in data.get("feedback_bands") or []
        ],
    }


def _write_quizzes(course: Course, quiz_files: list[QuizFile], questions, report) -> None:
    """Every quiz in the same few queries: all quizzes and child rows are read at once, and
    only what differs is written."""
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.in_course(course)}
    modules = {module.slug: module for module in course.modules.all()}
    existing = {quiz.slug: quiz for quiz in course.quizzes.all()}
    outcomes, wanted = [], {}
    for quiz_file in quiz_files:
        data = quiz_file.data
        values = {key: data.get(key, default) for key, default in QUIZ_DEFAULTS.items()}
        values["pass_mark"] = Decimal(str(values["pass_mark"]))
        values["title"] = data["title"]
        quiz = existing.get(data["slug"]) or Quiz(course=course, slug=data["slug"])
        is_new = quiz.pk is None
        changed = assign(quiz, values, {
            "lesson": lessons.get(data.get("lesson")), "module": modules.get(data.get("module")),
        })  # fmt: skip
        if changed:
            quiz.save()
        outcomes.append((quiz, is_new, changed))
        wanted[quiz.pk] = _child_rows(quiz_file, questions)
    rewritten = set()
    for model, names in CHILD_FIELDS.items():
        rows = {pk: children[model] for pk, children in wanted.items()}
        rewritten |= _sync_rows(model, names, {"quiz__course": course}, rows)
    for quiz, is_new, changed in outcomes:
        report.add("quizzes", outcome(is_new, changed or quiz.pk in rewritten))


def _sync_rows(model, names: tuple, scope: dict, wanted: dict[int, list[tuple]]) -> set[int]:
    """Replace the child rows of each quiz whose rows differ from `wanted`; those quizzes."""
    current = defaultdict(list)
    for quiz_id, *row in model.objects.filter(**scope).values_list("quiz_id", *names):
        current[quiz_id].append(tuple(row))
    stale = [pk for pk, rows in wanted.items() if sorted(rows) != sorted(current.get(pk, []))]
    replaced = [pk for pk in stale if pk in current]
    if replaced:
        model.objects.filter(quiz_id__in=replaced).delete()
    model.objects.bulk_create(
        model(quiz_id=pk, **dict(zip(names, row, strict=True)))
        for pk in stale
        for row in wanted[pk]
    )
    return set(stale)


def _prune(course: Course, content: QuizFiles, report: Report) -> None:
    quizzes = course.quizzes.exclude(slug__in=[q.data["slug"] for q in content.quizzes])
    questions = course.questions.exclude(slug__in=content.questions)
    for kind, stale in (("quizzes", quizzes), ("questions", questions)):
        count = stale.count()
        if count:
            stale.delete()
            report.add(kind, "deleted", count)


def _export_quiz(quiz: Quiz, questions: dict[str, Question], exported: set[str]) -> dict:
    data = {"slug": quiz.slug, "title": quiz.title}
    if quiz.lesson:
        data["lesson"] = quiz.lesson.slug
    if quiz.module:
        data["module"] = quiz.module.slug
    for key, default in QUIZ_DEFAULTS.items():
        value = getattr(quiz, key)
        value = float(value) if isinstance(value, Decimal) else value
        if value != default:
            data[key] = int(value) if isinstance(value, float) and value.is_integer() else value
    if quiz.draws.all():
        data["draw"] = [{"category": d.category, "count": d.count} for d in quiz.draws.all()]
    if quiz.feedback_bands.all():
        data["feedback_bands"] = [
            {"min": _number(b.min_percent), "text": b.text} for b in quiz.feedback_bands.all()
        ]
    data["questions"] = []
    for slot in quiz.slots.all():
        slug = slot.question.slug
        data["questions"].append(
            {"ref": slug} if slug in exported else _export_question(questions[slug])
        )
        exported.add(slug)
    return data


def _export_question(question: Question) -> dict:
    spec = question_spec(question)
    return {k: v for k, v in spec.items() if v not in (None, "", [])}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)

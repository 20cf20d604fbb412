"""Read a course from seeds/ as plain files, without Django, for the content quality tests."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "seeds"
SOURCES_DIR = REPO_ROOT.parent / "shared" / "sources"

QUESTION_KINDS = (
    "single", "multiple", "true_false", "short_answer",
    "numeric", "ordering", "matching", "essay",
)  # fmt: skip
LESSON_KIND_BY_MODULE = {
    "history": "history",
    "concepts": "concept",
    "proposals": "proposal",
    "critiques": "critique",
}
# Citation data, not prose: a locator may quote a source's heading, a quote field is checked
# for length instead, and a source's own title is bound to match the source.
NOT_PROSE_KEYS = frozenset({"locator", "quote", "url"})

RUN_LENGTH = 12  # the sources README forbids runs of 12 or more words copied from a source
MAX_QUOTATION_WORDS = 40

QUOTATION = re.compile(r"“[^”]*”|\"[^\"]*\"")
INTERNAL_LINK = re.compile(r"\]\((concept|lesson):([^)\s]*)\)")


@dataclass
class Lesson:
    path: Path
    module: str
    meta: dict
    body: str

    @property
    def slug(self) -> str:
        return self.meta.get("slug", "")


@dataclass
class Quiz:
    path: Path
    data: dict

    @property
    def questions(self) -> list[dict]:
        return self.data.get("questions") or []


@dataclass(frozen=True)
class Prose:
    """One piece of learner-facing text and the file it came from."""

    where: str
    text: str


@dataclass
class Course:
    root: Path
    meta: dict
    sources: list[dict]
    concepts: list[dict]
    timeline: list[dict]
    modules: list[dict]
    lessons: list[Lesson] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.meta.get("slug", self.root.name)

    @property
    def source_slugs(self) -> set[str]:
        return {source.get("slug") for source in self.sources}

    @property
    def concept_slugs(self) -> set[str]:
        return {concept.get("slug") for concept in self.concepts}

    @property
    def lesson_slugs(self) -> set[str]:
        return {lesson.slug for lesson in self.lessons}

    @property
    def module_slugs(self) -> set[str]:
        return {module.get("slug") for module in self.modules}

    def questions(self) -> Iterator[tuple[Quiz, dict]]:
        """Every question defined in a quiz (references to other quizzes excluded)."""
        for quiz in self.quizzes:
            for question in quiz.questions:
                if "ref" not in question:
                    yield quiz, question

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def course_dirs() -> list[Path]:
    if not SEEDS_DIR.is_dir():
        return []
    return sorted(path.parent for path in SEEDS_DIR.glob("*/course.yaml"))


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split a lesson file into its YAML front matter and its Markdown body."""
    if not text.startswith("---\n"):
        raise ValueError("a lesson must start with a '---' line")
    end = text.find("\n---\n", 3)
    if end == -1:
        raise ValueError("the front matter has no closing '---' line")
    return yaml.safe_load(text[4:end]) or {}, text[end + 5 :]


def load_course(root: Path) -> Course:
    course = Course(
        root=root,
        meta=read_yaml(root / "course.yaml") or {},
        sources=read_yaml(root / "sources.yaml") or [],
        concepts=read_yaml(root / "concepts.yaml") or [],
        timeline=read_yaml(root / "timeline.yaml") or [],
        modules=[],
    )
    for module_dir in sorted(p for p in (root / "modules").iterdir() if p.is_dir()):
        module = read_yaml(module_dir / "module.yaml") or {}
        module["path"] = module_dir
        course.modules.append(module)
        for path in sorted(module_dir.glob("*.md")):
            meta, body = split_front_matter(path.read_text(encoding="utf-8"))
            course.lessons.append(Lesson(path, module.get("slug", ""), meta, body))
    for path in sorted((root / "quizzes").glob("*.yaml")):
        course.quizzes.append(Quiz(path, read_yaml(path) or {}))
    return course


def strings(node, skip_keys=NOT_PROSE_KEYS) -> Iterator[str]:
    """Every string value in a YAML tree, leaving out the values of skip_keys."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in skip_keys:
                yield from strings(value, skip_keys)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value, skip_keys)
    elif isinstance(node, str):
        yield node


def prose(course: Course, *, quizzes: bool = True) -> list[Prose]:
    """All text a learner reads, file by file (front matter, bodies and YAML values)."""
    pieces = [Prose("course.yaml", text) for text in strings(course.meta)]
    pieces += [
        Prose("sources.yaml", text) for text in strings(course.sources, NOT_PROSE_KEYS | {"title"})
    ]
    pieces += [Prose("concepts.yaml", text) for text in strings(course.concepts)]
    pieces += [Prose("timeline.yaml", text) for text in strings(course.timeline)]
    for module in course.modules:
        where = course.relative(module["path"] / "module.yaml")
        pieces += [
            Prose(where, text)
            for key, text in module.items()
            if key != "path" and isinstance(text, str)
        ]
    for lesson in course.lessons:
        where = course.relative(lesson.path)
        pieces += [Prose(where, text) for text in strings(lesson.meta)]
        pieces.append(Prose(where, lesson.body))
    if quizzes:
        for quiz in course.quizzes:
            pieces += [Prose(course.relative(quiz.path), text) for text in strings(quiz.data)]
    return pieces


def question_prose(course: Course) -> list[Prose]:
    """Each question's text as one piece, so that a claim split over its fields is seen whole."""
    return [
        Prose(f"{course.relative(quiz.path)}: {question.get('slug')}", " ".join(strings(question)))
        for quiz, question in course.questions()
    ]


def citation_quotes(course: Course) -> list[Prose]:
    """The `quote` fields of lesson citations: quotations without quotation marks."""
    return [
        Prose(course.relative(lesson.path), str(citation["quote"]))
        for lesson in course.lessons
        for citation in lesson.meta.get("citations") or []
        if citation.get("quote")
    ]


def words(text: str) -> list[str]:
    """Lowercase words with punctuation stripped and quote characters unified."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("'", "")
    return re.sub(r"[^\w\s]|_", " ", text).split()


def without_quotations(text: str) -> str:
    return QUOTATION.sub(" … ", text)


def ngrams(tokens: list[str], n: int) -> Iterator[tuple[str, ...]]:
    for start in range(len(tokens) - n + 1):
        yield tuple(tokens[start : start + n])


def sentences(text: str) -> list[str]:
    """Sentences of Markdown prose: headings, list items and paragraphs never run together."""
    blocks = re.split(r"\n\s*\n|\n(?=\s*(?:#|[-*>] |\d+\. |\|))", text)
    found = []
    for block in blocks:
        joined = " ".join(block.split())
        found += [part for part in re.split(r"(?<=[.!?])\s+", joined) if part]
    return found

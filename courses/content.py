"""Courses as files: read and validate `seeds/<course>/`, write it in one transaction, export.

Loading happens in two phases. `read_course` reads every file and collects every problem
(file, line, field) without touching the database; only when there are none does
`seeds_load` write, inside one transaction, upserting by slug. Other apps add their own
files (quizzes) by registering a `ContentPart`, so this module never imports them.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Prefetch

from courses import content_version
from courses.markdown import internal_links
from courses.models import (
    Citation,
    Concept,
    ConceptRelation,
    Course,
    Lesson,
    LessonProgress,
    Module,
    Source,
    TimelineEvent,
)
from courses.seedfiles import (
    ContentError,
    FileReader,
    Located,
    Problem,
    dump_yaml,
    format_partial_date_iso,
    ordered_entries,
    parse_partial_date,
)
from indivisible.logs import log_event

WORDS_PER_MINUTE = 200

COURSE_FIELDS = {
    "slug": (str, True), "title": (str, True), "summary": (str, True),
    "description": (str, False), "language": (str, False), "is_published": (bool, False),
}  # fmt: skip
SOURCE_FIELDS = {
    "slug": (str, True), "title": (str, True), "authors": (list, False),
    "publisher": (str, False), "published": ((str, int, object), False), "kind": (str, True),
    "summary": (str, False), "url": (str, False),
}  # fmt: skip
CONCEPT_FIELDS = {
    "slug": (str, True), "term": (str, True), "definition": (str, True),
    "source": (str, False), "locator": ((str, int), False), "relations": (list, False),
}  # fmt: skip
RELATION_FIELDS = {"kind": (str, True), "target": (str, True), "note": (str, False)}
EVENT_FIELDS = {
    "date": ((str, int, object), True), "title": (str, True), "description": (str, True),
    "source": (str, True), "locator": ((str, int), False), "concepts": (list, False),
}  # fmt: skip
MODULE_FIELDS = {"slug": (str, True), "title": (str, True), "summary": (str, False)}
LESSON_FIELDS = {
    "slug": (str, True), "title": (str, True), "kind": (str, True), "minutes": (int, False),
    "objectives": (list, False), "concepts": (list, False), "citations": (list, False),
    "is_published": (bool, False),
}  # fmt: skip
CITATION_FIELDS = {"source": (str, True), "locator": ((str, int), False), "quote": (str, False)}


@dataclass
class LessonFile:
    path: Path
    position: int
    data: Located
    body: str


@dataclass
class ModuleFile:
    path: Path
    position: int
    data: Located
    lessons: list[LessonFile] = field(default_factory=list)


@dataclass
class CourseFiles:
    """Everything read from a course folder, validated, before any database write."""

    root: Path
    course: Located
    sources: list[Located]
    concepts: list[Located]
    timeline: list[Located]
    modules: list[ModuleFile]
    parts: dict[str, Any] = field(default_factory=dict)

    @property
    def lessons(self) -> list[LessonFile]:
        return [lesson for module in self.modules for lesson in module.lessons]

    def slugs(self, what: str) -> set[str]:
        items = {
            "source": self.sources,
            "concept": self.concepts,
            "module": [m.data for m in self.modules],
            "lesson": [lesson.data for lesson in self.lessons],
        }[what]
        return {item.get("slug") for item in items}


@dataclass
class Report:
    """What a load did, per kind of object: created, updated, unchanged, deleted, kept."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    kept: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[kind][outcome] += n

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def lines(self) -> list[str]:
        lines = []
        for kind, c in self.counts.items():
            parts = [f"{c[o]} {o}" for o in ("created", "updated", "unchanged", "deleted") if c[o]]
            lines.append(f"{kind}: {', '.join(parts)}")
        return lines


class ContentPart(Protocol):
    """Files another app keeps in a course folder (e.g. quizzes/)."""

    name: str

    def read(self, reader: FileReader, files: CourseFiles) -> None: ...

    def write(self, course: Course, files: CourseFiles, report: Report, prune: bool) -> None: ...

    def blockers(self, course: Course, files: CourseFiles) -> list[str]: ...

    def export(self, course: Course, root: Path) -> None: ...


_PARTS: list[ContentPart] = []


def register_part(part: ContentPart) -> None:
    """Called from an AppConfig.ready(); registering twice is harmless."""
    if all(p.name != part.name for p in _PARTS):
        _PARTS.append(part)


# Reading -----------------------------------------------------------------------------


def read_course(root: Path) -> CourseFiles:
    """Read and validate a course folder; raise ContentError listing every problem."""
    reader = FileReader(root)
    if not root.is_dir():
        raise ContentError([reader_problem(reader, root, f"no course folder at {root}")])
    course = _read_course_yaml(reader, root)
    files = CourseFiles(
        root=root,
        course=course,
        sources=_read_list(reader, root / "sources.yaml", SOURCE_FIELDS, _check_source),
        concepts=_read_list(reader, root / "concepts.yaml", CONCEPT_FIELDS, _check_concept),
        timeline=_read_list(reader, root / "timeline.yaml", EVENT_FIELDS, _check_event),
        modules=_read_modules(reader, root),
    )
    _check_unique(reader, files)
    _check_references(reader, files)
    for part in _PARTS:
        part.read(reader, files)
    if reader.problems:
        raise ContentError(reader.problems)
    return files


def reader_problem(reader: FileReader, path: Path, message: str):
    reader.error(path, None, "", message)
    return reader.problems[-1]


def _read_course_yaml(reader: FileReader, root: Path) -> Located:
    path = root / "course.yaml"
    if not path.exists():
        reader.error(path, None, "", "missing: every course folder has a course.yaml")
        return Located()
    data = reader.load_yaml(path)
    if not reader.mapping(path, data, "course.yaml", line=1):
        return Located()
    reader.check_fields(path, data, COURSE_FIELDS)
    if reader.check_slug(path, data) and data["slug"] != root.name:
        reader.error(
            path, data.line_of("slug"), "slug", f"must equal the folder name {root.name!r}"
        )
    return data


def _read_list(reader: FileReader, path: Path, spec: dict, check) -> list[Located]:
    if not path.exists():
        return []
    data = reader.load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        reader.error(path, 1, "", "must be a list of entries")
        return []
    items = []
    for index, item in enumerate(data):
        prefix = f"[{index}]."
        if not reader.mapping(path, item, f"entry {index}"):
            continue
        if reader.check_fields(path, item, spec, prefix):
            check(reader, path, item, prefix)
        items.append(item)
    return items


def _check_source(reader: FileReader, path: Path, item: Located, prefix: str) -> None:
    reader.check_slug(path, item, prefix=prefix)
    reader.check_list_of(path, item, "authors", str, prefix)
    if item.get("kind") not in Source.Kind.values:
        reader.error(
            path,
            item.line_of("kind"),
            prefix + "kind",
            f"{item.get('kind')!r} is not one of {', '.join(Source.Kind.values)}",
        )
    if item.get("published") is not None and parse_partial_date(item["published"]) is None:
        reader.error(
            path, item.line_of("published"), prefix + "published", "use YYYY, YYYY-MM or YYYY-MM-DD"
        )
    if item.get("url") and not _is_web_address(item["url"]):
        # The sources page links it: a javascript: address would run in the reader's session.
        reader.error(path, item.line_of("url"), prefix + "url", "use an http:// or https:// URL")


def _is_web_address(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def _check_concept(reader: FileReader, path: Path, item: Located, prefix: str) -> None:
    reader.check_slug(path, item, prefix=prefix)
    for index, relation in enumerate(item.get("relations") or []):
        where = f"{prefix}relations[{index}]."
        if reader.mapping(path, relation, "a relation", item.line_of("relations")):
            reader.check_fields(path, relation, RELATION_FIELDS, where)
            if relation.get("kind") not in ConceptRelation.Kind.values:
                reader.error(
                    path,
                    relation.line_of("kind"),
                    where + "kind",
                    f"{relation.get('kind')!r} is not one of "
                    f"{', '.join(ConceptRelation.Kind.values)}",
                )


def _check_event(reader: FileReader, path: Path, item: Located, prefix: str) -> None:
    if parse_partial_date(item.get("date")) is None:
        reader.error(path, item.line_of("date"), prefix + "date", "use YYYY, YYYY-MM or YYYY-MM-DD")
    reader.check_list_of(path, item, "concepts", str, prefix)


def _read_modules(reader: FileReader, root: Path) -> list[ModuleFile]:
    modules = []
    for position, slug, folder in ordered_entries(root / "modules", "*"):
        if not folder.is_dir():
            continue
        path = folder / "module.yaml"
        data = reader.load_yaml(path) if path.exists() else None
        if data is None and not path.exists():
            reader.error(path, None, "", "missing: every module folder has a module.yaml")
        if not reader.mapping(path, data, "module.yaml", line=1):
            continue
        reader.check_fields(path, data, MODULE_FIELDS)
        if reader.check_slug(path, data) and data["slug"] != slug:
            reader.error(
                path, data.line_of("slug"), "slug", f"must equal the folder name's slug {slug!r}"
            )
        module = ModuleFile(folder, position, data)
        module.lessons = _read_lessons(reader, folder)
        modules.append(module)
    return modules


def _read_lessons(reader: FileReader, folder: Path) -> list[LessonFile]:
    lessons = []
    for position, slug, path in ordered_entries(folder, "*.md"):
        data, body = reader.load_front_matter(path)
        if data is None or not reader.mapping(path, data, "front matter", line=2):
            continue
        if not reader.check_fields(path, data, LESSON_FIELDS):
            continue
        if reader.check_slug(path, data) and data["slug"] != slug:
            reader.error(
                path, data.line_of("slug"), "slug", f"must equal the file name's slug {slug!r}"
            )
        if data.get("kind") not in Lesson.Kind.values:
            reader.error(
                path,
                data.line_of("kind"),
                "kind",
                f"{data.get('kind')!r} is not one of {', '.join(Lesson.Kind.values)}",
            )
        reader.check_list_of(path, data, "objectives", str)
        reader.check_list_of(path, data, "concepts", str)
        for index, citation in enumerate(data.get("citations") or []):
            if reader.mapping(path, citation, "a citation", data.line_of("citations")):
                reader.check_fields(path, citation, CITATION_FIELDS, f"citations[{index}].")
                if len(str(citation.get("quote") or "").split()) > 40:
                    reader.error(
                        path,
                        citation.line_of("quote"),
                        f"citations[{index}].quote",
                        "a quotation is at most 40 words",
                    )
        if not body.strip():
            reader.error(path, None, "body", "the lesson has no text after the front matter")
        lessons.append(LessonFile(path, position, data, body))
    return lessons


def _check_unique(reader: FileReader, files: CourseFiles) -> None:
    groups = {
        "sources.yaml": [(files.root / "sources.yaml", s) for s in files.sources],
        "concepts.yaml": [(files.root / "concepts.yaml", c) for c in files.concepts],
        "module": [(m.path / "module.yaml", m.data) for m in files.modules],
        "lesson": [(lesson.path, lesson.data) for lesson in files.lessons],
    }
    for entries in groups.values():
        seen: dict[str, Path] = {}
        for path, data in entries:
            slug = data.get("slug")
            if slug in seen:
                reader.error(
                    path,
                    data.line_of("slug"),
                    "slug",
                    f"duplicate slug {slug!r} (also in {reader.rel(seen[slug])})",
                )
            seen.setdefault(slug, path)
    dates = Counter((str(e.get("date")), e.get("title")) for e in files.timeline)
    for event in files.timeline:
        if dates[(str(event.get("date")), event.get("title"))] > 1:
            reader.error(
                files.root / "timeline.yaml",
                event.line,
                "title",
                "two events with the same date and title",
            )


def _check_references(reader: FileReader, files: CourseFiles) -> None:
    sources, concepts = files.slugs("source"), files.slugs("concept")
    lessons = files.slugs("lesson")

    def check(path, data, name, known, what, value=None):
        for slug in [value] if value is not None else (data.get(name) or []):
            if slug not in known:
                reader.error(path, data.line_of(name), name, f"unknown {what} {slug!r}")

    for concept in files.concepts:
        path = files.root / "concepts.yaml"
        if concept.get("source"):
            check(path, concept, "source", sources, "source", concept["source"])
        for relation in concept.get("relations") or []:
            check(path, relation, "target", concepts, "concept", relation.get("target"))
            if relation.get("target") == concept.get("slug"):
                reader.error(path, relation.line, "target", "a concept cannot relate to itself")
        _check_links(reader, path, concept, concept.get("definition"), concepts, lessons)
    for event in files.timeline:
        path = files.root / "timeline.yaml"
        check(path, event, "source", sources, "source", event.get("source"))
        check(path, event, "concepts", concepts, "concept")
        _check_links(reader, path, event, event.get("description"), concepts, lessons)
    for lesson in files.lessons:
        check(lesson.path, lesson.data, "concepts", concepts, "concept")
        for citation in lesson.data.get("citations") or []:
            check(lesson.path, citation, "source", sources, "source", citation.get("source"))
        _check_links(
            reader,
            lesson.path,
            lesson.data,
            lesson.body,
            concepts,
            lessons,
            body_offset=_body_offset(lesson.path),
        )


def _body_offset(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.find("\n---", 3) + 4].count("\n") + 1


def _check_links(reader, path, data, text, concepts, lessons, body_offset=None) -> None:
    known = {"concept": concepts, "lesson": lessons}
    for scheme, slug in internal_links(text):
        if slug not in known[scheme]:
            line = body_offset + _line_in(text, f"{scheme}:{slug}") if body_offset else data.line
            reader.error(
                path, line, "body" if body_offset else "link", f"link to unknown {scheme} {slug!r}"
            )


def _line_in(text: str, needle: str) -> int:
    return text[: text.find(needle)].count("\n")


# Writing -----------------------------------------------------------------------------


def seeds_load(*, path: Path, prune: bool = False, dry_run: bool = False) -> Report:
    """Validate a course folder, then upsert it all in one transaction.

    Raises ContentError (nothing written) when a file is wrong, or when `prune` would
    delete learners' progress or attempts. With `dry_run` the transaction is rolled back
    and the report tells what would have changed.
    """
    files = read_course(Path(path))
    report = Report()
    try:
        with transaction.atomic():
            with content_version.paused():
                course = _write(files, report, prune)
            if report.changed:
                content_version.content_changed(course.pk)  # once, for all the rows
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if not dry_run:
        log_event("course.imported", course=files.course["slug"], changed=report.changed,
                  summary="; ".join(report.lines()))  # fmt: skip
    return report


class _DryRun(Exception):
    pass


def _write(files: CourseFiles, report: Report, prune: bool) -> Course:
    data = files.course
    course = Course.objects.filter(slug=data["slug"]).first() or Course(slug=data["slug"])
    if prune and course.pk:
        _refuse_to_lose_work(course, files)
    _save_if_changed(course, report, "course", {
        "title": data["title"], "summary": data["summary"],
        "description": data.get("description") or "", "language": data.get("language") or "en",
        "is_published": data.get("is_published", True),
    })  # fmt: skip
    sources = _write_sources(course, files, report)
    concepts = _write_concepts(course, files, sources, report)
    _write_timeline(course, files, sources, concepts, report)
    _write_modules(course, files, sources, concepts, report)
    for part in _PARTS:
        part.write(course, files, report, prune)
    if prune:
        _prune(course, files, report)
    else:
        report.kept += _not_in_files(course, files)
    return course


def _save_if_changed(obj, report: Report, kind: str, values: dict, related=None) -> bool:
    """Set values and save only when something differs; count the outcome."""
    is_new = obj.pk is None
    changed = assign(obj, values, related)
    if changed:
        obj.save()
    report.add(kind, outcome(is_new, changed))
    return changed


def assign(obj, values: dict, related: dict | None = None) -> bool:
    """Set `values` and `related` objects on obj; whether any differed (always, if it is new).

    Related objects are compared by id, so that comparing does not load them one by one.
    """
    related = related or {}
    changed = (
        obj.pk is None
        or any(getattr(obj, name) != value for name, value in values.items())
        or any(getattr(obj, f"{name}_id") != (r.pk if r else None) for name, r in related.items())
    )
    if changed:
        for name, value in (values | related).items():
            setattr(obj, name, value)
    return changed


def outcome(is_new: bool, changed: bool) -> str:
    return "created" if is_new else "updated" if changed else "unchanged"


def _count_relinked(report: Report, kind: str, n: int) -> None:
    """Objects whose own fields were unchanged but whose links or rows were rewritten."""
    if n:
        report.add(kind, "updated", n)
        report.add(kind, "unchanged", -n)


def _create_or_save(model, items: list[tuple], report: Report, kind: str) -> None:
    """(obj, values, related) for a model without a save() of its own: new ones in one query."""
    new = []
    for obj, values, related in items:
        is_new = obj.pk is None
        changed = assign(obj, values, related)
        if is_new:
            new.append(obj)
        elif changed:
            obj.save()
        report.add(kind, outcome(is_new, changed))
    model.objects.bulk_create(new)


def _sync_links(descriptor, scope: dict, wanted: dict[int, list[int]]) -> set[int]:
    """Make many-to-many links equal `wanted` (owner pk -> target pks); the owners rewritten.

    One query reads every link in `scope` (the course's); only owners whose links differ
    are rewritten, in two more, so a load costs the same for ten lessons or a thousand.
    """
    through, field = descriptor.through, descriptor.field
    owner, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    current: dict[int, set[int]] = defaultdict(set)
    for owner_id, target_id in through.objects.filter(**scope).values_list(owner, target):
        current[owner_id].add(target_id)
    stale = [pk for pk, targets in wanted.items() if set(targets) != current.get(pk, set())]
    replaced = [pk for pk in stale if pk in current]
    if replaced:
        through.objects.filter(**{f"{owner}__in": replaced}).delete()
    through.objects.bulk_create(
        through(**{owner: pk, target: target_pk}) for pk in stale for target_pk in set(wanted[pk])
    )
    return set(stale)


def _write_sources(course: Course, files: CourseFiles, report: Report) -> dict[str, Source]:
    existing = {s.slug: s for s in course.sources.all()}
    items = []
    for item in files.sources:
        published = parse_partial_date(item["published"]) if item.get("published") else None
        source = existing.get(item["slug"]) or Source(course=course, slug=item["slug"])
        items.append((source, {
            "title": item["title"], "authors": list(item.get("authors") or []),
            "publisher": item.get("publisher") or "", "kind": item["kind"],
            "published": published[0] if published else None,
            "published_precision": published[1] if published else "day",
            "summary": item.get("summary") or "", "url": item.get("url") or "",
        }, None))  # fmt: skip
    _create_or_save(Source, items, report, "sources")
    return {source.slug: source for source, _, _ in items}


def _write_concepts(course, files, sources, report) -> dict[str, Concept]:
    existing = {c.slug: c for c in course.concepts.all()}
    result = {}
    for item in files.concepts:
        concept = existing.get(item["slug"]) or Concept(course=course, slug=item["slug"])
        _save_if_changed(concept, report, "concepts", {
            "term": item["term"], "definition": item["definition"],
            "locator": str(item.get("locator") or ""),
        }, {"source": sources.get(item.get("source"))})  # fmt: skip
        result[concept.slug] = concept
    wanted = {
        (result[item["slug"]].pk, result[rel["target"]].pk, rel["kind"]): rel.get("note") or ""
        for item in files.concepts
        for rel in item.get("relations") or []
    }
    current = {
        (r.source_id, r.target_id, r.kind): r
        for r in ConceptRelation.objects.filter(source__course=course)
    }
    items = [
        (current.get(key) or ConceptRelation(source_id=key[0], target_id=key[1], kind=key[2]),
         {"note": note}, None)
        for key, note in wanted.items()
    ]  # fmt: skip
    _create_or_save(ConceptRelation, items, report, "concept relations")
    stale = [r.pk for key, r in current.items() if key not in wanted]
    if stale:
        ConceptRelation.objects.filter(pk__in=stale).delete()
        report.add("concept relations", "deleted", len(stale))
    return result


def _write_timeline(course, files, sources, concepts, report) -> None:
    existing = {(e.date, e.title): e for e in course.timeline.all()}
    seen, changed, links = set(), set(), {}
    for item in files.timeline:
        date, precision = parse_partial_date(item["date"])
        event = existing.get((date, item["title"])) or TimelineEvent(
            course=course, date=date, title=item["title"]
        )
        seen.add((date, item["title"]))
        if _save_if_changed(event, report, "timeline events", {
            "precision": precision, "description": item["description"],
            "locator": str(item.get("locator") or ""),
        }, {"source": sources[item["source"]]}):  # fmt: skip
            changed.add(event.pk)
        links[event.pk] = [concepts[s].pk for s in item.get("concepts") or []]
    relinked = _sync_links(TimelineEvent.concepts, {"timelineevent__course": course}, links)
    _count_relinked(report, "timeline events", len(relinked - changed))
    stale = [e.pk for key, e in existing.items() if key not in seen]
    if stale:
        TimelineEvent.objects.filter(pk__in=stale).delete()
        report.add("timeline events", "deleted", len(stale))


def _write_modules(course, files, sources, concepts, report) -> None:
    existing = {m.slug: m for m in course.modules.all()}
    items = [
        (existing.get(m.data["slug"]) or Module(course=course, slug=m.data["slug"]), {
            "title": m.data["title"], "summary": m.data.get("summary") or "",
            "position": m.position,
        }, None)
        for m in files.modules
    ]  # fmt: skip
    _create_or_save(Module, items, report, "modules")
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.in_course(course)}
    changed, links, citations = set(), {}, {}
    for (module, _, _), module_file in zip(items, files.modules, strict=True):
        for lesson_file in module_file.lessons:
            lesson = _write_lesson(module, lesson_file, lessons, report, changed)
            data = lesson_file.data
            links[lesson.pk] = [concepts[s].pk for s in data.get("concepts") or []]
            citations[lesson.pk] = [
                (sources[c["source"]].pk, str(c.get("locator") or ""), c.get("quote") or "")
                for c in data.get("citations") or []
            ]
    relinked = _sync_links(Lesson.concepts, {"lesson__module__course": course}, links)
    relinked |= _sync_citations(course, citations)
    _count_relinked(report, "lessons", len(relinked - changed))


def _write_lesson(module, lesson_file, lessons, report, changed: set) -> Lesson:
    data = lesson_file.data
    lesson = lessons.get(data["slug"]) or Lesson(slug=data["slug"])
    words = len(lesson_file.body.split())
    if _save_if_changed(lesson, report, "lessons", {
        "title": data["title"], "kind": data["kind"],
        "objectives": list(data.get("objectives") or []), "body": lesson_file.body,
        "minutes": data.get("minutes") or max(1, round(words / WORDS_PER_MINUTE)),
        "position": lesson_file.position, "is_published": data.get("is_published", True),
    }, {"module": module}):  # fmt: skip
        changed.add(lesson.pk)
    return lesson


def _sync_citations(course: Course, wanted: dict[int, list[tuple]]) -> set[int]:
    """Rewrite the citations of the lessons whose list (in order) differs; those lessons."""
    current = defaultdict(list)
    rows = Citation.objects.filter(lesson__module__course=course)
    for lesson_id, *row in rows.values_list("lesson_id", "source_id", "locator", "quote"):
        current[lesson_id].append(tuple(row))
    stale = [pk for pk, citations in wanted.items() if citations != current.get(pk, [])]
    replaced = [pk for pk in stale if pk in current]
    if replaced:
        Citation.objects.filter(lesson_id__in=replaced).delete()
    Citation.objects.bulk_create(
        Citation(lesson_id=pk, source_id=s, locator=loc, quote=q, position=i)
        for pk in stale
        for i, (s, loc, q) in enumerate(wanted[pk])
    )
    return set(stale)


def _not_in_files(course: Course, files: CourseFiles) -> list[str]:
    return [
        f"{kind} {obj.slug}"
        for kind, queryset, slugs in _prunable(course, files)
        for obj in queryset
        if obj.slug not in slugs
    ]


def _prunable(course: Course, files: CourseFiles):
    return [
        ("lesson", Lesson.objects.in_course(course), files.slugs("lesson")),
        ("module", course.modules.all(), files.slugs("module")),
        ("concept", course.concepts.all(), files.slugs("concept")),
        ("source", course.sources.all(), files.slugs("source")),
    ]


def _refuse_to_lose_work(course: Course, files: CourseFiles) -> None:
    """Before anything is written or deleted: would --prune remove any learner's work?"""
    blockers = [
        f"lesson {slug!r} has progress from {n} learner(s)"
        for slug, n in LessonProgress.objects.filter(lesson__module__course=course)
        .exclude(lesson__slug__in=files.slugs("lesson"))
        .values_list("lesson__slug")
        .annotate(n=Count("id"))
    ]
    for part in _PARTS:
        blockers += part.blockers(course, files)
    if blockers:
        raise ContentError([
            _refusal("--prune would delete learners' work; nothing was changed: " + b)
            for b in blockers
        ])  # fmt: skip


def _prune(course: Course, files: CourseFiles, report: Report) -> None:
    for kind, queryset, slugs in _prunable(course, files):
        stale = queryset.exclude(slug__in=slugs)
        count = stale.count()
        if count:
            stale.delete()
            report.add(f"{kind}s", "deleted", count)


def _refusal(message: str) -> Problem:
    return Problem("--prune", None, "", message)


# Export ------------------------------------------------------------------------------


def seeds_export(*, course: Course, directory: Path) -> Path:
    """Write a course back as files in the seeds format; returns the course folder."""
    root = Path(directory) / course.slug
    (root / "modules").mkdir(parents=True, exist_ok=True)
    _write_file(root / "course.yaml", dump_yaml({
        "slug": course.slug, "title": course.title, "summary": course.summary,
        "description": course.description, "language": course.language,
        "is_published": course.is_published,
    }))  # fmt: skip
    _write_file(
        root / "sources.yaml",
        dump_yaml([_export_source(s) for s in course.sources.order_by("slug")]),
    )
    concepts = course.concepts.select_related("source").prefetch_related("relations_out__target")
    _write_file(
        root / "concepts.yaml", dump_yaml([_export_concept(c) for c in concepts.order_by("slug")])
    )
    events = course.timeline.select_related("source").prefetch_related("concepts")
    _write_file(root / "timeline.yaml", dump_yaml([_export_event(e) for e in events]))
    lessons = Lesson.objects.prefetch_related("concepts", "citations__source")
    for index, module in enumerate(
        course.modules.prefetch_related(Prefetch("lessons", queryset=lessons)), 1
    ):
        folder = root / "modules" / f"{index:02d}-{module.slug}"
        folder.mkdir(exist_ok=True)
        _write_file(
            folder / "module.yaml",
            dump_yaml({"slug": module.slug, "title": module.title, "summary": module.summary}),
        )
        for number, lesson in enumerate(module.lessons.all(), 1):
            _write_file(folder / f"{number:02d}-{lesson.slug}.md", _export_lesson(lesson))
    for part in _PARTS:
        part.export(course, root)
    return root


def _write_file(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _export_source(source: Source) -> dict:
    data = {
        "slug": source.slug,
        "title": source.title,
        "authors": source.authors,
        "publisher": source.publisher,
        "kind": source.kind,
        "summary": source.summary,
        "url": source.url,
    }
    if source.published:
        data["published"] = format_partial_date_iso(source.published, source.published_precision)
    return {k: v for k, v in data.items() if v not in ("", [], None)}


def _export_concept(concept: Concept) -> dict:
    data = {
        "slug": concept.slug,
        "term": concept.term,
        "definition": concept.definition,
        "source": concept.source.slug if concept.source else "",
        "locator": concept.locator,
        "relations": [
            {
                k: v
                for k, v in {"kind": r.kind, "target": r.target.slug, "note": r.note}.items()
                if v
            }
            for r in sorted(concept.relations_out.all(), key=lambda r: (r.kind, r.target.slug))
        ],
    }
    return {k: v for k, v in data.items() if v not in ("", [], None)}


def _export_event(event: TimelineEvent) -> dict:
    data = {
        "date": format_partial_date_iso(event.date, event.precision),
        "title": event.title,
        "description": event.description,
        "source": event.source.slug,
        "locator": event.locator,
        "concepts": sorted(c.slug for c in event.concepts.all()),
    }
    return {k: v for k, v in data.items() if v not in ("", [], None)}


def _export_lesson(lesson: Lesson) -> str:
    data = {
        "slug": lesson.slug,
        "title": lesson.title,
        "kind": lesson.kind,
        "minutes": lesson.minutes,
        "objectives": lesson.objectives,
        "concepts": sorted(c.slug for c in lesson.concepts.all()),
        "citations": [
            {
                k: v
                for k, v in {
                    "source": c.source.slug,
                    "locator": c.locator,
                    "quote": c.quote,
                }.items()
                if v
            }
            for c in lesson.citations.all()
        ],
    }
    data = {k: v for k, v in data.items() if v not in ("", [], None)}
    if not lesson.is_published:
        data["is_published"] = False
    return f"---\n{dump_yaml(data)}---\n{lesson.body}"

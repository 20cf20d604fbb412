"""Reads that span several models, each with its joins in one place.

Each page's query count is fixed whatever the size of the course (see the query-budget
tests), so lists are fetched with select_related/prefetch_related, never per row.
"""

import math
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404

from courses.models import (
    Citation,
    Concept,
    ConceptRelation,
    Course,
    Lesson,
    LessonProgress,
    Module,
)


def taught_course_ids(user) -> frozenset[int]:
    """The ids of the courses a user teaches, queried once and kept on the request's user."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_taught_course_ids", None)
    if cached is None:
        rows = Course.instructors.through.objects.filter(user_id=user.pk)
        cached = frozenset(rows.values_list("course_id", flat=True))
        user._taught_course_ids = cached
    return cached


def can_preview(user, course: Course) -> bool:
    """Superusers and the course's own instructors see its unpublished content; nobody else.

    Instructors are staff, so being staff alone must not open another course's drafts.
    """
    return user.is_authenticated and (user.is_superuser or course.pk in taught_course_ids(user))


def course_for_viewer(slug: str, user) -> Course:
    """The course, or 404 when it does not exist or is unpublished for this viewer."""
    course = next(iter(Course.objects.filter(slug=slug)[:1]), None)  # unique: no ORDER BY
    if course is None or (not course.is_published and not can_preview(user, course)):
        raise Http404("No such course.")
    return course


def visible_lessons(course: Course, preview: bool):
    """The course's lessons a viewer may see; `preview` comes from can_preview, once a request."""
    lessons = Lesson.objects.in_course(course)
    return lessons if preview else lessons.filter(is_published=True)


def course_outline(course: Course, preview: bool, kind: str | None = None) -> list[Module]:
    """Modules with their visible lessons (optionally of one kind) in two queries."""
    lessons = visible_lessons(course, preview).order_by("position", "id")
    if kind:
        lessons = lessons.filter(kind=kind)
    modules = course.modules.prefetch_related(
        Prefetch("lessons", queryset=lessons, to_attr="visible"), "quizzes"
    )
    return [m for m in modules if m.visible or not kind]


def lesson_for_viewer(course: Course, slug: str, preview: bool, user=None) -> Lesson:
    """The lesson with its citations, concepts and quizzes; `done` says if `user` completed it."""
    lessons = visible_lessons(course, preview).filter(slug=slug)
    if user is not None and user.is_authenticated:
        completed = LessonProgress.objects.filter(
            lesson=OuterRef("pk"), user=user, completed_at__isnull=False
        )
        lessons = lessons.annotate(done=Exists(completed))
    lesson = (
        lessons.select_related("module")
        .prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
            Prefetch("concepts", queryset=Concept.objects.order_by("term")),
            "quizzes",  # by name: the courses app does not import quizzes
        )
        .first()
    )
    if lesson is None:
        raise Http404("No such lesson.")
    lesson.module.course = course
    return lesson


def lesson_done(lesson_id: int, user) -> bool:
    """Whether a logged-in user marked the lesson complete."""
    return (
        user.is_authenticated
        and LessonProgress.objects.filter(
            lesson_id=lesson_id, user_id=user.pk, completed_at__isnull=False
        ).exists()
    )


@dataclass(frozen=True)
class Neighbours:
    previous: dict | None
    next: dict | None
    position: int
    total: int


def lesson_neighbours(course: Course, lesson: Lesson, preview: bool) -> Neighbours:
    """Previous and next lesson in reading order, from one narrow query."""
    order = list(visible_lessons(course, preview).in_reading_order().values("slug", "title"))
    index = next(i for i, row in enumerate(order) if row["slug"] == lesson.slug)
    return Neighbours(
        previous=order[index - 1] if index > 0 else None,
        next=order[index + 1] if index + 1 < len(order) else None,
        position=index + 1,
        total=len(order),
    )


def glossary(course: Course) -> list[tuple[str, list[Concept]]]:
    """Concepts grouped by initial letter, A–Z."""
    groups: dict[str, list[Concept]] = {}
    for concept in course.concepts.order_by("term"):
        groups.setdefault(concept.initial, []).append(concept)
    return sorted(groups.items())


def concept_detail(course: Course, slug: str, preview: bool) -> Concept:
    lessons = (
        visible_lessons(course, preview)
        .select_related("module")
        .order_by("module__position", "position")
    )
    concept = (
        course.concepts.filter(slug=slug)
        .select_related("source")
        .prefetch_related(
            Prefetch("relations_out", queryset=ConceptRelation.objects.select_related("target")),
            Prefetch("relations_in", queryset=ConceptRelation.objects.select_related("source")),
            Prefetch("lessons", queryset=lessons, to_attr="visible_lessons"),
        )
        .first()
    )
    if concept is None:
        raise Http404("No such concept.")
    return concept


@dataclass(frozen=True)
class MapNode:
    concept: Concept
    x: float
    y: float
    label: str  # the relation as read on the node ("enables", "is derived from this")
    sentence: str  # the relation in words, for the text alternative

    @property
    def edge_x(self) -> float:
        """Where the line from the centre meets the box: its side facing the centre."""
        return self.x + MAP_BOX_HALF if self.x < MAP_WIDTH / 2 else self.x - MAP_BOX_HALF


@dataclass(frozen=True)
class ConceptMap:
    width: int
    height: int
    centre: Concept
    nodes: list[MapNode]

    @property
    def cx(self) -> float:
        return self.width / 2

    @property
    def cy(self) -> float:
        return self.height / 2


MAP_WIDTH, MAP_ROW, MAP_MARGIN, MAP_COLUMN_X, MAP_BOX_HALF = 720, 56, 30, 110, 95


def concept_map(concept: Concept) -> ConceptMap:
    """Related concepts in two columns beside the concept, so no two boxes overlap."""
    related = [
        (r.target, r.get_kind_display(), f"{concept.term} {r.get_kind_display()} {r.target.term}.")
        for r in concept.relations_out.all()
    ] + [
        (
            r.source,
            f"{r.get_kind_display()} this",
            f"{r.source.term} {r.get_kind_display()} {concept.term}.",
        )
        for r in concept.relations_in.all()
    ]
    rows = max(1, math.ceil(len(related) / 2))
    height = rows * MAP_ROW + 2 * MAP_MARGIN
    nodes = []
    for i, (other, label, sentence) in enumerate(related):
        x = MAP_COLUMN_X if i % 2 == 0 else MAP_WIDTH - MAP_COLUMN_X
        y = MAP_MARGIN + MAP_ROW * (i // 2) + MAP_ROW / 2
        nodes.append(MapNode(other, x, y, label, sentence))
    return ConceptMap(MAP_WIDTH, height, concept, nodes)


def search(query: str) -> tuple[list[Lesson], list[Concept]]:
    """Lessons and concepts of published courses containing every word of the query.

    Plain case-insensitive containment, so SQLite and PostgreSQL return the same rows.
    """
    words = query.split()[:8]
    if not words:
        return [], []
    lesson_q, concept_q = Q(), Q()
    for word in words:
        lesson_q &= Q(title__icontains=word) | Q(body__icontains=word)
        concept_q &= Q(term__icontains=word) | Q(definition__icontains=word)
    lessons = (
        Lesson.objects.published()
        .filter(lesson_q)
        .select_related("module__course")
        .order_by("module__course__title", "module__position", "position")[:50]
    )
    concepts = (
        Concept.objects.filter(course__is_published=True)
        .filter(concept_q)
        .select_related("course")
        .order_by("term")[:50]
    )
    return list(lessons), list(concepts)


def catalog():
    """Published courses with their lesson counts."""
    return Course.objects.published().annotate(
        lesson_count=Count("modules__lessons", filter=Q(modules__lessons__is_published=True))
    )

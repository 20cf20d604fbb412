"""A course's content version: its `updated_at`, moved on whenever anything it shows changes.

Cached page shells (courses/pageshell.py) carry the version in their keys, so a change
reaches every server at once even where each server has its own memory cache: the version
is read from the database with the course, not from the cache. Saves and deletes through
the ORM move it by the signals below; bulk writes (loadcourse) call `content_changed`.
"""

import threading
from contextlib import contextmanager

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from courses.models import (
    Citation,
    Concept,
    ConceptRelation,
    Course,
    Lesson,
    Module,
    Source,
    TimelineEvent,
)

_state = threading.local()


def content_changed(course_id: int | None) -> None:
    if course_id is not None:
        Course.objects.filter(pk=course_id).update(updated_at=timezone.now())


def _course_id(instance) -> int | None:
    """The course a content row belongs to (None once the course itself is gone)."""
    match instance:
        case Lesson():
            rows = Module.objects.filter(pk=instance.module_id).values_list("course_id", flat=True)
        case Citation():
            rows = Lesson.objects.filter(pk=instance.lesson_id).values_list(
                "module__course_id", flat=True
            )
        case ConceptRelation():
            rows = Concept.objects.filter(pk=instance.source_id).values_list("course_id", flat=True)
        case _:
            return instance.course_id
    return rows.first()


@contextmanager
def paused():
    """Row signals change nothing inside; for a bulk writer that calls content_changed once."""
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = False


def _on_change(sender, instance, **kwargs) -> None:
    if kwargs.get("raw") or getattr(_state, "paused", False):  # fixtures load rows as they are
        return
    content_changed(_course_id(instance))


def _on_lesson_concepts(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, Lesson):
        _on_change(sender, instance)


def connect(*models) -> None:
    """Move the version when a row of these models is saved or deleted."""
    for model in models:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"content-version-save-{model}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"content-version-del-{model}")


connect(Source, Module, Concept, ConceptRelation, Lesson, Citation, TimelineEvent)
m2m_changed.connect(
    _on_lesson_concepts, sender=Lesson.concepts.through, dispatch_uid="content-version-concepts"
)

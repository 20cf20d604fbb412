"""Instructor workflows of the teaching app (joining a cohort is courses.progress.cohort_join)."""

from django.db import transaction

from courses.models import Cohort, Course


@transaction.atomic
def cohort_create(*, course: Course, name: str) -> Cohort:
    """A new cohort of the course with a fresh join code (the form checks the name is free)."""
    return Cohort.objects.create(course=course, name=name)

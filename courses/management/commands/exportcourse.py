"""Write a course from the database back to files in the seeds format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.content import seeds_export
from courses.models import Course


class Command(BaseCommand):
    help = "Export a course to DIR/<slug>/ in the format loadcourse reads."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the course's slug")
        parser.add_argument("directory", type=Path, help="where to write the course folder")

    def handle(self, *args, slug: str, directory: Path, **options):
        course = Course.objects.filter(slug=slug).first()
        if course is None:
            known = ", ".join(Course.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No course with slug {slug!r} (known: {known}).")
        root = seeds_export(course=course, directory=directory)
        self.stdout.write(self.style.SUCCESS(f"Exported {slug} to {root}."))

"""Import a GIFT, Aiken or Moodle XML question file into a course (all or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from quizzes.formats import FORMATS, FormatError
from quizzes.importing import questions_import

NO_COURSE = "no course {slug!r}"
NO_QUIZ = "course {course!r} has no quiz {slug!r}"


class Command(BaseCommand):
    help = (
        "Read a question file, then create its questions in the course in one transaction. "
        "A question whose slug the course already has is an error unless --update."
    )

    def add_arguments(self, parser):
        parser.add_argument("course", help="the course's slug")
        parser.add_argument("file", type=Path, help="the question file")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--quiz", help="also append the questions to this quiz (its slug)")
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="leave out question types we cannot hold instead of refusing the file",
        )
        parser.add_argument(
            "--update", action="store_true", help="overwrite questions whose slug exists"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report; change nothing"
        )

    def handle(self, *args, course, file: Path, fmt, quiz, skip_unsupported, update, dry_run,
               **options):  # fmt: skip
        course_obj = Course.objects.filter(slug=course).first()
        if course_obj is None:
            raise CommandError(NO_COURSE.format(slug=course))
        quiz_obj = None
        if quiz:
            quiz_obj = course_obj.quizzes.filter(slug=quiz).first()
            if quiz_obj is None:
                raise CommandError(NO_QUIZ.format(course=course, slug=quiz))
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            report = questions_import(
                course=course_obj, fmt=fmt, text=data, skip_unsupported=skip_unsupported,
                quiz=quiz_obj, update=update, dry_run=dry_run,
            )  # fmt: skip
        except FormatError as error:
            raise CommandError(f"{file}: {error}; nothing was imported.") from None
        for line in report.skipped:
            self.stdout.write(f"skipped {line}")
        if options["verbosity"] > 1:
            for label, entries in (("created", report.created), ("updated", report.updated)):
                for entry in entries:
                    self.stdout.write(f"{label} {entry}")
        for name, count in report.counts():
            self.stdout.write(f"{name}: {count}")
        if quiz_obj is not None:
            self.stdout.write(f"Added to quiz {quiz_obj.slug}: {report.added_to_quiz}")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")

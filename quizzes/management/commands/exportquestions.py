"""Write a course's questions (all, one category's, or one quiz's) as GIFT or Moodle XML."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from quizzes.formats import FormatError
from quizzes.importing import questions_export
from quizzes.management.commands.importquestions import NO_COURSE, NO_QUIZ
from quizzes.models import Question

EXPORT_FORMATS = ("gift", "moodlexml")
NOTHING = "no questions to export"


class Command(BaseCommand):
    help = "Export questions to a GIFT or Moodle XML file, in category order or quiz order."

    def add_arguments(self, parser):
        parser.add_argument("course", help="the course's slug")
        parser.add_argument("out", type=Path, help="the file to write")
        parser.add_argument("--format", required=True, choices=EXPORT_FORMATS, dest="fmt")
        parser.add_argument("--category", help="only the questions of this category")
        parser.add_argument("--quiz", help="only this quiz's questions, in its order (its slug)")

    def handle(self, *args, course, out: Path, fmt, category, quiz, **options):
        course_obj = Course.objects.filter(slug=course).first()
        if course_obj is None:
            raise CommandError(NO_COURSE.format(slug=course))
        questions = Question.objects.in_course(course_obj)
        if quiz:
            quiz_obj = course_obj.quizzes.filter(slug=quiz).first()
            if quiz_obj is None:
                raise CommandError(NO_QUIZ.format(course=course, slug=quiz))
            questions = questions.filter(slots__quiz=quiz_obj).order_by("slots__position")
        if category:
            questions = questions.filter(category=category)
        count = questions.count()
        if not count:
            raise CommandError(NOTHING)
        try:
            text = questions_export(questions=questions, fmt=fmt)
        except FormatError as error:
            raise CommandError(f"{error}; nothing was written.") from None
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from None
        self.stdout.write(f"Exported {count} question(s) to {out}.")

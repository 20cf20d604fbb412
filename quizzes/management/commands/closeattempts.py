"""Submit attempts whose time ran out; run it every minute or so from a timer."""

from django.core.management.base import BaseCommand

from quizzes.services import attempts_close_overdue


class Command(BaseCommand):
    help = "Submit (and grade) every attempt whose deadline has passed, with the answers saved."

    def handle(self, *args, **options):
        count = attempts_close_overdue()
        self.stdout.write(f"Submitted {count} overdue attempt(s).")

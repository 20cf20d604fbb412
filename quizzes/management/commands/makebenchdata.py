"""Create benchmark data at scale (see docs/benchmarks.md); `make bench` runs it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bench.data import (
    COURSE_SLUG,
    INSTRUCTOR,
    PASSWORD,
    PREFIX,
    BenchDataError,
    benchdata_make,
)
from courses.models import Course

HAS_OTHER_ACCOUNTS = (
    "makebenchdata creates accounts with a known password. With DEBUG off it runs only on "
    "a database with no accounts but its own ({count} other account(s) here)."
)
NO_SUCH_COURSE = "No course {slug!r}: load it first with loadcourse."
BAD_SIZES = "--learners must be at least 1, --attempts and --in-progress at least 0."


class Command(BaseCommand):
    help = (
        "Replace the benchmark learners (bench-0000, …) with new ones: enrolments, lesson "
        "progress, graded attempts, review cards and, on request, attempts under way. Loads "
        "seeds/indivisible-security first when it is missing. The same --seed gives the same "
        "data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=1000, help="default 1000")
        parser.add_argument("--attempts", type=int, default=10000, help="default 10000")
        parser.add_argument(
            "--in-progress", type=int, default=0,
            help="attempts under way, answers saved, for load tests to submit (default 0)",
        )  # fmt: skip
        parser.add_argument("--seed", type=int, default=1, help="default 1")
        parser.add_argument(
            "--course", default=COURSE_SLUG, help=f"a loaded course's slug (default {COURSE_SLUG})"
        )

    def handle(self, *args, learners, attempts, in_progress, seed, course, **options):
        if learners < 1 or attempts < 0 or in_progress < 0:
            raise CommandError(BAD_SIZES)
        others = get_user_model().objects.exclude(username__startswith=PREFIX).count()
        if others and not settings.DEBUG:
            raise CommandError(HAS_OTHER_ACCOUNTS.format(count=others))
        if course != COURSE_SLUG and not Course.objects.filter(slug=course).exists():
            raise CommandError(NO_SUCH_COURSE.format(slug=course))
        try:
            report = benchdata_make(
                learners=learners, attempts=attempts, in_progress=in_progress, seed=seed,
                course=course,
            )  # fmt: skip
        except BenchDataError as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Accounts {PREFIX}0000… and {INSTRUCTOR} (teaches the course), password {PASSWORD!r}."
        )

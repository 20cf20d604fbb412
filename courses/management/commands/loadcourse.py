"""Load a course folder from seeds/ into the database (see docs/content-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.content import seeds_load
from courses.seedfiles import ContentError


class Command(BaseCommand):
    help = "Validate a course folder, then create or update the course in one transaction."
    requires_system_checks: list = []  # content loads often (deploys, CI); checks run elsewhere

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="the course folder, e.g. seeds/indivisible-security"
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="delete what the files no longer hold (refused if learners' work would be lost)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; change nothing"
        )

    def handle(self, *args, path: Path, prune: bool, dry_run: bool, **options):
        try:
            report = seeds_load(path=path, prune=prune, dry_run=dry_run)
        except ContentError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {path}; the database was not changed."
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        for item in report.kept:
            self.stdout.write(f"kept (not in the files; use --prune to delete): {item}")
        prefix = "Dry run: " if dry_run else ""
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"{prefix}Loaded {path}."))
        else:
            self.stdout.write(f"{prefix}No changes: the database already matches {path}.")

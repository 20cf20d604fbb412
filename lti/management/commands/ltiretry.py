"""Send again the LTI grades that platforms did not accept; run it every few minutes."""

from django.core.management.base import BaseCommand

from lti.models import ScoreRetry
from lti.services import scores_retry


class Command(BaseCommand):
    help = "Send each learner's current quiz grade to the platforms where a passback failed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the waiting grades; send nothing."
        )

    def handle(self, *args, **options):
        if options["dry_run"]:
            retries = ScoreRetry.objects.select_related("link")
            for retry in retries:
                self.stdout.write(f"{retry.link.lineitem}: {retry.tries} tries, {retry.error}")
            self.stdout.write(f"{len(retries)} grade(s) waiting.")
            return
        report = scores_retry()
        self.stdout.write(f"Sent {report.sent} grade(s); {report.failed} still failing.")

"""Compile every locale/<language>/LC_MESSAGES/django.po to the .mo file Django reads.

Django's own compilemessages needs GNU gettext's msgfmt; this uses polib, a Python
package installed with the project, so `make run` and `make test` work on a machine that
has nothing but Python. Untranslated and fuzzy entries are left out of the .mo, as msgfmt
does, so they fall back to English.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the interface's translation catalogues (.po) to .mo files with polib."

    def add_arguments(self, parser):
        parser.add_argument(
            "--locale", "-l", action="append", default=[],
            help="Compile only this language (repeatable); all by default.",
        )  # fmt: skip

    def handle(self, *args, locale, **options):
        catalogues = [
            path for folder in settings.LOCALE_PATHS
            for path in sorted(Path(folder).glob("*/LC_MESSAGES/django.po"))
            if not locale or path.parent.parent.name in locale
        ]  # fmt: skip
        if not catalogues:
            folders = ", ".join(map(str, settings.LOCALE_PATHS))
            raise CommandError(f"No django.po found under {folders}.")
        for path in catalogues:
            try:
                catalogue = polib.pofile(str(path))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path} could not be read: {exc}") from exc
            catalogue.save_as_mofile(str(path.with_suffix(".mo")))
            self.stdout.write(
                f"{path.parent.parent.name}: {len(catalogue.translated_entries())} messages, "
                f"{catalogue.percent_translated()}% translated"
            )
        self.stdout.write(f"Compiled {len(catalogues)} catalogue(s).")

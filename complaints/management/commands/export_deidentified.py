"""`python manage.py export_deidentified --from YYYY-MM-DD --to YYYY-MM-DD [--format json|csv]
[--output FILE] [--language id|en]`: the de-identified export of the complaints received in a
period, for SP4N-LAPOR! and the Ombudsman (``complaints.exports``; the fields in
docs/interface.md "De-identified export").

To stdout unless ``--output``; the file appears whole or not at all. A bad period (malformed,
over a year, ending after today) is a ``CommandError`` in ``--language`` (Indonesian by default).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from complaints.exceptions import InvalidInput
from complaints.exports import export_chunks, export_format, export_period


class Command(BaseCommand):
    help = "Write the de-identified export (SP4N-LAPOR!, Ombudsman) of a period."
    # The messages follow --language, not Django's default of English for commands.
    leave_locale_alone = True

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="First day received, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", help="Last day received, YYYY-MM-DD.")
        parser.add_argument("--format", dest="fmt", help="json (default) or csv.")
        parser.add_argument("--output", type=Path, help="Write to this file (default: stdout).")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the messages (default: %(default)s).",
        )

    def handle(self, *args, start, end, fmt, output, language, **options):
        with translation.override(language):
            try:
                period = export_period(start, end)
                fmt = export_format(fmt)
            except InvalidInput as error:
                # The option at fault, with its message ("--to: Ekspor mencakup paling lama …").
                named = [f"--{field}: {' '.join(texts)}" for field, texts in error.errors.items()]
                raise CommandError("; ".join(named) or error.message) from None
        chunks = export_chunks(period, fmt)
        if output is None:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        partial = output.with_name(f".{output.name}.partial")
        try:
            with partial.open("w", encoding="utf-8", newline="") as file:
                for chunk in chunks:
                    file.write(chunk)
            os.replace(partial, output)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{output}: {error.strerror or error}") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

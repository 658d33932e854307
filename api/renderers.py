"""CSV for the stats endpoints (``?format=csv``): rows of the JSON answer, one line each."""

import csv
import io

from rest_framework.renderers import BaseRenderer


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data if isinstance(data, list) else [data]
        if rows and isinstance(rows[0], dict) and "message" in rows[0] and "errors" in rows[0]:
            rows = [{"message": rows[0]["message"]}]  # an error, still readable as CSV
        buffer = io.StringIO()
        # No rows (an empty period): the view's own column names, so the file says what it holds.
        view = (renderer_context or {}).get("view")
        fields = list(rows[0].keys()) if rows else list(getattr(view, "csv_fields", ()))
        if fields:
            writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(
                {key: "" if value is None else value for key, value in row.items()} for row in rows
            )
        # A byte-order mark lets spreadsheet programs read the Indonesian text as UTF-8.
        return ("\ufeff" + buffer.getvalue()).encode(self.charset)

"""CSV downloads that open safely in Excel: streamed, UTF-8 with a byte-order mark, formulas defused.

A cell a spreadsheet would read as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) gets a leading apostrophe, so a name typed as ``=HYPERLINK(...)`` in a form stays
text when a district admin opens the export (CSV injection). Numbers, dates and booleans are written
as they are: ``-3`` as an int is a number, not a formula.

    return csv_response("schools.csv", ["Name", "Level"], ((s.name, s.get_level_display()) for s in qs))
"""

import csv
import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import SuspiciousFileOperation
from django.http import StreamingHttpResponse
from django.utils.text import get_valid_filename

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value) -> object:
    """The value as a CSV cell: None becomes empty, text that could run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | dt.date | dt.datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands back the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_rows(header: Iterable, rows: Iterable[Iterable]):
    """The encoded lines of the file, BOM first; rows are consumed lazily."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        yield writer.writerow([safe_cell(c) for c in row])


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streamed download named ``filename`` (reduced to safe characters)."""
    try:
        name = get_valid_filename(filename)
    except SuspiciousFileOperation:  # "", "." or ".."
        name = "export.csv"
    if not name.lower().endswith(".csv"):
        name += ".csv"
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response

"""Form pieces every app uses: the date and date-time widgets, a local date-time field, and the checks of
user input (``parse_id``, the date range every date field of a form or filter keeps to)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """The browser's date picker (keyboard-usable, localised by the browser)."""

    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is read on the page's clock (the district's zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


def local_datetime_field(label, required=True, help_text=""):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeInput(),
                               input_formats=[DATETIME_FORMAT], help_text=help_text, validators=[date_in_range])


def parse_id(value) -> int | None:
    """A record id from user input: ASCII digits only (``str.isdigit()`` accepts '²' and '١', which
    ``int()`` refuses or reads), within PostgreSQL's integer range; None for anything else."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 10 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= 2**31 - 1 else None


# Dates a person may type: far enough for any school year, near enough for date arithmetic never to overflow.
MIN_YEAR, MAX_YEAR = 1900, 2200


def dates_in_range(*values) -> bool:
    """Whether every given date (None ignored) lies within years MIN_YEAR..MAX_YEAR."""
    return all(v is None or MIN_YEAR <= v.year <= MAX_YEAR for v in values)


def date_in_range(value):
    """Raise a ValidationError when a date or date-time lies outside years MIN_YEAR..MAX_YEAR."""
    if value is not None and not (MIN_YEAR <= value.year <= MAX_YEAR):
        raise ValidationError(_("Enter a date between the years %(min)s and %(max)s.")
                              % {"min": MIN_YEAR, "max": MAX_YEAR}, code="date_out_of_range")


def limit_date_fields(fields) -> None:
    """Add the date range check to every date and date-time field of a form (forms and filter forms)."""
    for field in fields.values() if isinstance(fields, dict) else fields:
        if isinstance(field, forms.MultiValueField):  # a date range filter: its two date fields
            limit_date_fields(field.fields)
        elif isinstance(field, forms.DateField | forms.DateTimeField) and date_in_range not in field.validators:
            field.validators.append(date_in_range)

"""Form pieces every app uses: the date and date-time widgets and a local date-time field."""

from django import forms

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
                               input_formats=[DATETIME_FORMAT], help_text=help_text)

"""portal/csv_export.py: the shared CSV download (lives with the compliance tests that use it)."""

import csv
import datetime as dt
import io

import pytest

from portal.csv_export import csv_response, safe_cell


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Lincoln High", "O'Brien", "a=b", " =1", "", "10"])
def test_ordinary_text_is_left_alone(value):
    assert safe_cell(value) == value


def test_numbers_dates_and_empty_values_stay_what_they_are():
    assert safe_cell(-3) == -3
    assert safe_cell(2.5) == 2.5
    assert safe_cell(dt.date(2026, 9, 1)) == dt.date(2026, 9, 1)
    assert safe_cell(None) == ""
    assert safe_cell(True) == "Yes"


def _read(response):
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_download_is_streamed_utf8_with_a_bom_for_excel():
    rows = (["Escuela Niños", "=cmd|' /C calc'!A0", -1] for _ in range(3))
    response = csv_response("Lincoln report.csv", ["Name", "Note", "Delta"], rows)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Lincoln_report.csv"'
    body = _read(response)
    assert body.startswith("\ufeffName,Note,Delta\r\n")
    parsed = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert parsed[1] == ["Escuela Niños", "'=cmd|' /C calc'!A0", "-1"]
    assert len(parsed) == 4


def test_a_hostile_file_name_is_reduced_to_safe_characters():
    response = csv_response('../../etc/"passwd"\r\nX-Evil: 1', ["a"], [])
    disposition = response["Content-Disposition"]
    assert "\n" not in disposition and "/" not in disposition and '""' not in disposition
    assert disposition.endswith('.csv"')
    assert csv_response("..", ["a"], [])["Content-Disposition"] == 'attachment; filename="export.csv"'


def test_header_cells_are_defused_too():
    assert _read(csv_response("x.csv", ["=evil"], [])).startswith("\ufeff'=evil")

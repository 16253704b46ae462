"""Input at the edge: control characters refused with a 400, ids read as ASCII digits only, dates kept to
years 1900..2200 in forms, filters and school years, and an existing year-9999 row never a 500."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from portal.forms import parse_id
from schools.models import SchoolYear
from tests.drills.factories import RequirementFactory, planned
from tests.portal.test_fuzz import fuzz_urls


@pytest.mark.parametrize("value, expected", [
    ("12", 12), (" 7 ", 7), ("١٢", None), ("١²", None), ("²", None), ("", None), (None, None), ("-1", None),
    ("0", None), ("1.5", None), ("99999999999", None), (str(2**31), None), (12, 12), ("x" * 100_000, None),
])
def test_parse_id_reads_ascii_digits_only(value, expected):
    assert parse_id(value) == expected


def test_a_nul_in_the_path_query_or_form_is_a_400_without_the_database(client, district_admin,
                                                                        django_assert_num_queries):
    client.force_login(district_admin)
    home = reverse("home")
    with django_assert_num_queries(0):
        for response in (client.get(home + "%00/"), client.get(home, {"q": "a\x00b"}),
                         client.get(home, {"k\x00": "1"}), client.get(home, {"q": "a\x07b"}),
                         client.post(home, {"name": "a\x00b"}),
                         client.post(home, {"name": "ok", "file": "a\x00"}, format="multipart")):
            assert response.status_code == 400
            assert "The request could not be read" in response.content.decode()
    assert client.get(home, {"q": "tab\tnew\r\nline"}).status_code == 200


def test_a_school_year_outside_the_years_1900_to_2200_is_refused(world):
    year = SchoolYear(district=world.other_district, name="far", starts_on=dt.date(9999, 1, 1),
                      ends_on=dt.date(9999, 12, 31), first_instructional_day=dt.date(9999, 1, 2),
                      last_instructional_day=dt.date(9999, 12, 30))
    with pytest.raises(ValidationError) as caught:
        year.full_clean()
    assert {"starts_on", "ends_on", "first_instructional_day", "last_instructional_day"} <= set(
        caught.value.message_dict)


def test_an_existing_year_ending_9999_12_31_breaks_no_page(world, district_admin):
    """A row written before the check (or by hand): its pages show no windows instead of a 500."""
    SchoolYear.objects.filter(pk=world.year.pk).update(ends_on=dt.date(9999, 12, 31),
                                                       last_instructional_day=dt.date(9999, 12, 31))
    RequirementFactory(district=world.district)
    planned(world.school_a, dt.date(2026, 10, 5))
    urls = fuzz_urls(world)
    client = Client(raise_request_exception=False)
    client.force_login(district_admin)
    failed = [url for url in urls if client.get(url).status_code >= 500]
    assert not failed, failed


def test_a_staff_csv_with_a_nul_is_refused_naming_the_line():
    from accounts.people import staff_csv_decode

    assert staff_csv_decode(b"email,name\r\na@b.example,A\r\n") == "email,name\r\na@b.example,A\r\n"
    with pytest.raises(ValueError, match="Line 3 "):
        staff_csv_decode(b"email,name\r\na@b.example,A\r\nc@d.example,C\x00D\r\n")


def test_an_nces_csv_with_a_nul_is_refused_naming_the_line():
    from schools import nces

    with pytest.raises(nces.NCESFormatError, match="Line 2 "):
        nces.read_text(io.BytesIO(b"School Name,NCES School ID\n" + b"x" * 5000 + b"\x00,1\n"))
    with pytest.raises(nces.NCESFormatError, match="Line 1 "):
        nces.read_text(io.StringIO("a\x00b\n"))


def test_ending_a_session_with_a_unicode_digit_id_is_a_clear_400_not_a_500(client, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("accounts:sessions"), {"session": "²"})
    assert response.status_code == 400

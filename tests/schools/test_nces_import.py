"""The NCES directory import: the command on the real sample, re-imports, bad rows, closed schools, crashes,
and the district admin's upload page."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections
from django.urls import reverse

from schools import nces
from schools.models import AuditEvent, Building, District, School
from schools.services import NCESImportError, nces_import

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCHOOLS_CSV = FIXTURES / "schools-sample.csv"
DISTRICTS_CSV = FIXTURES / "districts-sample.csv"
ANN_ARBOR = "2602820"
PIONEER = "260282004029"


def sample_text(path=SCHOOLS_CSV) -> str:
    return path.read_text(encoding="utf-8")


def edited_sample(tmp_path, replace: dict[str, str], name="schools.csv") -> Path:
    """A copy of the sample with some text replaced (one school's row, usually)."""
    text = sample_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_all(**kwargs):
    return nces_import(schools_file=SCHOOLS_CSV, districts_file=DISTRICTS_CSV, by=None,
                       time_zone="America/Detroit", **kwargs)


HEADER = sample_text().splitlines()[0]
PIONEER_ROW = next(line for line in sample_text().splitlines() if line.startswith(PIONEER))


# --- The command on the real sample ----------------------------------------------------------------


def test_the_command_imports_282_schools_in_9_districts():
    out = io.StringIO()
    call_command("import_nces", schools=str(SCHOOLS_CSV), districts=str(DISTRICTS_CSV),
                 time_zone="America/Detroit", stdout=out, stderr=io.StringIO())
    assert School.objects.count() == 282
    assert District.objects.count() == 9
    assert "282 schools created" in out.getvalue()
    # Every school gets its main building, every district its audit row.
    assert Building.objects.filter(name="Main building").count() == 282
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 9


def test_the_command_can_import_one_district_only():
    out = io.StringIO()
    call_command("import_nces", "--schools", str(SCHOOLS_CSV), "--districts", str(DISTRICTS_CSV),
                 "--time-zone", "America/Detroit", "--district", ANN_ARBOR, stdout=out)
    district = District.objects.get()
    assert (district.name, district.state) == ("Ann Arbor Public Schools", "MI")
    assert district.schools.count() == 32
    assert "250 schools of other districts skipped" in out.getvalue()


def test_new_districts_need_a_time_zone_and_nothing_is_written_without_it():
    with pytest.raises(CommandError, match="never guessed from the state"):
        call_command("import_nces", schools=str(SCHOOLS_CSV), stdout=io.StringIO())
    assert not District.objects.exists()
    assert not School.objects.exists()


def test_an_existing_district_keeps_its_own_time_zone():
    import_all(only_district_ids=[ANN_ARBOR])
    nces_import(schools_file=SCHOOLS_CSV, by=None, time_zone="America/Chicago", only_district_ids=[ANN_ARBOR])
    assert District.objects.get(nces_lea_id=ANN_ARBOR).time_zone == "America/Detroit"


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(NCESImportError, match="not a known time zone"):
        nces_import(schools_file=SCHOOLS_CSV, by=None, time_zone="Michigan/Ann_Arbor")


def test_the_district_file_is_not_taken_for_the_school_file():
    with pytest.raises(CommandError, match="looks like the NCES district export"):
        call_command("import_nces", schools=str(DISTRICTS_CSV), time_zone="America/Detroit",
                     stdout=io.StringIO())


# --- Re-import -------------------------------------------------------------------------------------


def test_reimporting_updates_and_never_duplicates(tmp_path):
    import_all()
    changed_row = PIONEER_ROW.replace("Pioneer High School", "Pioneer High")
    changed_row = changed_row.replace("1700.00000", "1712.00000")
    report = nces_import(schools_file=edited_sample(tmp_path, {PIONEER_ROW: changed_row}), by=None)
    assert School.objects.count() == 282
    assert District.objects.count() == 9
    assert Building.objects.count() == 282
    assert report.created == [] and report.updated == ["Pioneer High"] and report.unchanged == 281
    pioneer = School.objects.get(nces_id=PIONEER)
    assert (pioneer.name, pioneer.enrollment) == ("Pioneer High", 1712)


def test_a_school_entered_by_hand_is_adopted_not_duplicated():
    import_all(only_district_ids=[ANN_ARBOR])
    pioneer = School.objects.get(nces_id=PIONEER)
    School.objects.filter(pk=pioneer.pk).update(nces_id=None)
    import_all(only_district_ids=[ANN_ARBOR])
    assert School.objects.filter(name="Pioneer High School").count() == 1
    assert School.objects.get(pk=pioneer.pk).nces_id == PIONEER


def test_a_school_is_never_moved_to_another_portal_district(tmp_path):
    import_all(only_district_ids=[ANN_ARBOR])
    elsewhere = District.objects.create(name="Elsewhere", state="MI", time_zone="America/Detroit")
    School.objects.filter(nces_id=PIONEER).update(district=elsewhere)
    report = import_all(only_district_ids=[ANN_ARBOR])
    assert School.objects.get(nces_id=PIONEER).district == elsewhere
    assert any("belongs to another district" in e.message for e in report.errors)


# --- Bad rows --------------------------------------------------------------------------------------


def two_bad_rows(tmp_path) -> Path:
    """The sample with line 3's school id and line 4's high grade malformed (280 good rows)."""
    rows = sample_text().splitlines()
    bad_id = rows[2].replace(rows[2].split(",")[0], "12000300ABCD", 1)
    bad_grade = rows[3].split(",")
    bad_grade[4] = "ZZ"
    path = tmp_path / "bad.csv"
    lines = [rows[0], rows[1], bad_id, ",".join(bad_grade), *rows[4:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_malformed_rows_are_reported_with_their_line_and_the_command_imports_nothing(tmp_path):
    # Before issue 9 the command imported the 280 other rows and exited 0.
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 malformed rows") as failure:
        call_command("import_nces", schools=str(two_bad_rows(tmp_path)), time_zone="America/Detroit",
                     stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    assert not School.objects.exists() and not District.objects.exists() and not Building.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()
    assert ("schools file, line 3 [NCES School ID]: NCES School ID '12000300ABCD' is not 12 digits"
            in err.getvalue())
    assert "schools file, line 4 [Low Grade]: 'ZZ' is not a grade NCES uses" in err.getvalue()


def test_the_command_exits_non_zero_without_the_flag(tmp_path, capsys, monkeypatch):
    path = two_bad_rows(tmp_path)
    # The command line closes the database connections when done, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_status:
        execute_from_command_line(["manage.py", "import_nces", "--schools", str(path),
                                   "--time-zone", "America/Detroit"])
    assert exit_status.value.code == 1
    err = capsys.readouterr().err
    assert "line 3 [NCES School ID]" in err and "Nothing was imported" in err
    assert not School.objects.exists()


def test_with_skip_bad_rows_the_command_imports_the_others_and_lists_the_skipped_lines(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_nces", "--skip-bad-rows", schools=str(two_bad_rows(tmp_path)),
                 time_zone="America/Detroit", stdout=out, stderr=err)
    assert School.objects.count() == 280
    assert "280 schools created" in out.getvalue() and "2 rows with errors skipped" in out.getvalue()
    assert "Skipped malformed rows: schools file line 3, schools file line 4" in out.getvalue()
    assert "line 3 [NCES School ID]" in err.getvalue() and "line 4 [Low Grade]" in err.getvalue()


def test_one_malformed_row_writes_nothing_and_reports_its_line_and_column(tmp_path):
    import_all(only_district_ids=[ANN_ARBOR])
    before = set(School.objects.values_list("nces_id", "name", "enrollment"))
    renamed = PIONEER_ROW.replace("Pioneer High School", "Pioneer High")
    rows = [r for r in sample_text().splitlines()[1:] if r.startswith(ANN_ARBOR) and r != PIONEER_ROW]
    bad = rows[0].split(",")
    bad[18] = "many"  # Students
    path = tmp_path / "one-bad.csv"
    path.write_text("\n".join([HEADER, renamed, ",".join(bad), *rows[1:]]) + "\n", encoding="utf-8")
    report = nces_import(schools_file=path, by=None, only_district_ids=[ANN_ARBOR])
    assert report.applied is False
    assert [(e.line, e.column) for e in report.errors] == [(3, "Students")]
    assert "'many' is not a number" in report.errors[0].message
    assert set(School.objects.values_list("nces_id", "name", "enrollment")) == before  # rename not written
    assert "nothing was imported: 1 rows with errors" in report.summary()

    skipped = nces_import(schools_file=path, by=None, only_district_ids=[ANN_ARBOR], skip_bad_rows=True)
    assert skipped.applied is True
    assert skipped.bad_rows == [("schools file", 3)]
    assert skipped.updated == ["Pioneer High"]
    assert School.objects.get(nces_id=PIONEER).name == "Pioneer High"
    assert School.objects.get(nces_id=bad[0]).enrollment is not None  # the skipped row kept its old value


@pytest.mark.parametrize(("column", "index", "value", "message"), [
    ("NCES School ID", 0, "", "NCES School ID is missing"),
    ("NCES District ID", 2, "26028", "NCES District ID '26028' is not 7 digits"),
    ("School Name", 6, "–", "School Name is missing"),
    ("State", 11, "ZZ", "State 'ZZ' is not a U.S. state code"),
    ("Low Grade", 4, "13X", "'13X' is not a grade NCES uses"),
    ("Students", 18, "-4", "'-4' is not a count"),
])
def test_each_required_column_makes_a_row_malformed(tmp_path, column, index, value, message):
    cells = PIONEER_ROW.split(",")
    cells[index] = value
    path = tmp_path / "bad.csv"
    other = next(r for r in sample_text().splitlines() if r.startswith(ANN_ARBOR) and r != PIONEER_ROW)
    path.write_text("\n".join([HEADER, other, ",".join(cells)]) + "\n", encoding="utf-8")
    report = nces_import(schools_file=path, by=None, time_zone="America/Detroit",
                         only_district_ids=[ANN_ARBOR])
    assert report.applied is False and not School.objects.exists()
    assert [(e.line, e.column) for e in report.errors] == [(3, column)]
    assert message in report.errors[0].message
    assert report.skipped_total == 0  # a malformed row is not counted as another district's school


def test_rows_of_other_districts_are_counted_apart_not_as_malformed(tmp_path):
    kalamazoo = PIONEER_ROW.replace(PIONEER, "261995000001").replace(f",{ANN_ARBOR},", ",2619950,", 1)
    kalamazoo = kalamazoo.replace(",09,12,", ",09,ZZ,", 1)  # malformed, but not ours: never checked
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join([HEADER, PIONEER_ROW, kalamazoo]) + "\n", encoding="utf-8")
    report = nces_import(schools_file=path, by=None, time_zone="America/Detroit",
                         only_district_ids=[ANN_ARBOR])
    assert report.applied is True and report.errors == []
    assert report.skipped == {"2619950": 1}
    assert School.objects.get().nces_id == PIONEER


def test_a_malformed_row_in_the_districts_file_stops_the_import(tmp_path):
    rows = DISTRICTS_CSV.read_text(encoding="utf-8").splitlines()
    bad = next(i for i, r in enumerate(rows) if ANN_ARBOR in r)
    header = [c.strip() for c in rows[0].split(",")]
    cells = rows[bad].split(",")
    cells[header.index("State")] = ""
    rows[bad] = ",".join(cells)
    path = tmp_path / "districts.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = nces_import(schools_file=SCHOOLS_CSV, districts_file=path, by=None, time_zone="America/Detroit",
                         only_district_ids=[ANN_ARBOR])
    assert report.applied is False and not District.objects.exists()
    assert [(e.source, e.line, e.column) for e in report.errors] == [("districts file", bad + 1, "State")]


def test_a_row_listed_twice_is_reported_and_nothing_imported_unless_skipped(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([HEADER, PIONEER_ROW, PIONEER_ROW]) + "\n", encoding="utf-8")
    report = nces_import(schools_file=path, by=None, time_zone="America/Detroit")
    assert not School.objects.exists()  # before issue 9 the first row was imported anyway
    assert [(e.line, "already appears on line 2" in e.message) for e in report.errors] == [(3, True)]
    report = nces_import(schools_file=path, by=None, time_zone="America/Detroit", skip_bad_rows=True)
    assert School.objects.filter(nces_id=PIONEER).count() == 1
    assert report.bad_rows == [("schools file", 3)]


def test_skipping_stops_when_the_malformed_rows_are_not_the_ones_agreed(tmp_path):
    path = two_bad_rows(tmp_path)
    report = nces_import(schools_file=path, by=None, time_zone="America/Detroit", skip_bad_rows=True,
                         expected_bad_rows=[("schools file", 3)])
    assert report.applied is False and not School.objects.exists()
    report = nces_import(schools_file=path, by=None, time_zone="America/Detroit", skip_bad_rows=True,
                         expected_bad_rows=[("schools file", 4), ("schools file", 3)])
    assert report.applied is True and School.objects.count() == 280


def test_a_school_id_outside_its_district_is_refused(tmp_path):
    path = tmp_path / "mismatch.csv"
    path.write_text("\n".join([HEADER, PIONEER_ROW.replace(f",{ANN_ARBOR},", ",2619950,", 1)]) + "\n")
    report = nces_import(schools_file=path, by=None, time_zone="America/Detroit")
    assert not School.objects.exists()
    assert "does not belong to district 2619950" in report.errors[0].message
    assert report.errors[0].column == "NCES School ID"


# --- Closed schools --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["Closed", "Inactive", "Future", "2"])
def test_a_closed_school_becomes_inactive_and_is_kept(tmp_path, status):
    import_all()
    closed_row = PIONEER_ROW.rsplit(",", 1)[0] + f",{status}"
    report = nces_import(schools_file=edited_sample(tmp_path, {PIONEER_ROW: closed_row}), by=None)
    pioneer = School.objects.get(nces_id=PIONEER)
    assert pioneer.is_active is False
    assert pioneer.buildings.exists()
    assert report.closed == ["Pioneer High School"]
    assert School.objects.count() == 282


def test_a_reopened_school_becomes_active_again(tmp_path):
    import_all()
    School.objects.filter(nces_id=PIONEER).update(is_active=False)
    reopened_row = PIONEER_ROW.rsplit(",", 1)[0] + ",Reopened"
    report = nces_import(schools_file=edited_sample(tmp_path, {PIONEER_ROW: reopened_row}), by=None)
    assert School.objects.get(nces_id=PIONEER).is_active is True
    assert report.reopened == ["Pioneer High School"]


# --- A crash leaves nothing ------------------------------------------------------------------------


def _crash_on_the_nth_school_save(monkeypatch, n):
    calls = {"n": 0}
    real_save = School.save

    def save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise RuntimeError("disk on fire")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(School, "save", save)


def test_a_crash_mid_import_leaves_nothing_half_imported(monkeypatch):
    _crash_on_the_nth_school_save(monkeypatch, 100)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_all()
    assert not School.objects.exists()
    assert not District.objects.exists()
    assert not Building.objects.exists()


def test_a_crash_during_a_reimport_leaves_the_schools_as_they_were(tmp_path, monkeypatch):
    import_all()
    before = set(School.objects.values_list("nces_id", "name", "is_active"))
    renamed = edited_sample(tmp_path, {" School,": " School (renamed),", ",Open\n": ",Closed\n"})
    _crash_on_the_nth_school_save(monkeypatch, 50)
    with pytest.raises(RuntimeError):
        nces_import(schools_file=renamed, by=None)
    assert set(School.objects.values_list("nces_id", "name", "is_active")) == before


# --- Cells -----------------------------------------------------------------------------------------


def test_footnote_marks_become_empty_values():
    import_all()
    preschool = School.objects.get(name="Berkeley Special Education Preschool")  # grades "–", students "†"
    assert (preschool.low_grade, preschool.high_grade, preschool.enrollment) == ("", "", None)
    assert preschool.level == School.Level.OTHER


def test_numbers_like_332_00000_become_332_and_levels_follow_the_grade_span():
    import_all()
    mebane = School.objects.get(nces_id="120003000018")
    assert mebane.enrollment == 332
    assert (mebane.low_grade, mebane.high_grade, mebane.level) == ("06", "08", School.Level.MIDDLE)
    assert School.objects.get(nces_id=PIONEER).level == School.Level.HIGH
    assert District.objects.get(nces_lea_id="0604740").name == "Berkeley Unified"  # leading zero kept


@pytest.mark.parametrize(("cell", "expected"), [
    ("332.00000", 332), ("†", None), ("–", None), ("‡", None), ("", None), ("1,205.0", 1205)])
def test_numbers_are_read_as_counts(cell, expected):
    assert nces.parse_number(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("PK", "PK"), ("KG", "KG"), ("01", "01"), ("1", "01"), ("12", "12"), ("UG", "UG"), ("AE", "AE"),
    ("M", ""), ("N", ""), ("–", "")])
def test_grades_are_read_as_the_school_model_stores_them(cell, expected):
    assert nces.parse_grade(cell) == expected


def test_a_full_elsi_export_with_title_lines_footnotes_and_wrapped_ids_reads_the_same(tmp_path):
    header = HEADER.replace("School Name", "School Name [Public School] 2023-24")
    cells = PIONEER_ROW.split(",")
    cells[0], cells[2] = f'="{cells[0]}"', f'="{cells[2]}"'
    text = "\n".join(["ELSI Export", "Table Name:,Ann Arbor", "", header, ",".join(cells), "",
                      "Data Source: U.S. Department of Education, NCES, Common Core of Data (CCD)",
                      '"† indicates that the data are not applicable."'])
    path = tmp_path / "elsi.csv"
    path.write_bytes(text.encode("cp1252"))  # older exports are Windows-1252
    report = nces_import(schools_file=path, by=None, time_zone="America/Detroit")
    assert report.errors == []
    assert School.objects.get().nces_id == PIONEER


# --- The district admin's page ---------------------------------------------------------------------

URL = reverse("schools:nces-import")


def upload(name="schools.csv", content=None):
    return SimpleUploadedFile(name, content if content is not None else SCHOOLS_CSV.read_bytes(), "text/csv")


def test_anonymous_people_are_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["school_a_admin", "district_leader", "sro_two_schools"], indirect=True)
def test_only_district_admins_may_import(client, persona):
    client.force_login(persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload()}).status_code == 403
    assert not School.objects.filter(nces_id__isnull=False).exists()


def test_the_page_is_in_the_district_admins_navigation(client, district_admin, school_a_admin):
    client.force_login(district_admin)
    assert URL.encode() in client.get(reverse("home")).content
    client.force_login(school_a_admin)
    assert URL.encode() not in client.get(reverse("home")).content


def test_a_district_admin_imports_into_their_own_district_only(client, district_admin, world):
    world.district.nces_lea_id = ANN_ARBOR
    world.district.save()
    client.force_login(district_admin)
    response = client.post(URL, {"schools_file": upload(),
                                 "districts_file": upload("d.csv", DISTRICTS_CSV.read_bytes())})
    assert response.status_code == 200
    assert world.district.schools.filter(nces_id__isnull=False).count() == 32
    assert set(District.objects.all()) == {world.district, world.other_district}
    content = response.content.decode()
    assert "Import report" in content and "250" in content  # other districts' schools skipped
    assert world.district.schools.get(nces_id=PIONEER).buildings.filter(name="Main building").exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.actor, event.district_id) == (district_admin, world.district.pk)


def test_a_district_without_an_nces_id_gets_the_one_the_admin_enters(client, district_admin, world):
    client.force_login(district_admin)
    missing = client.post(URL, {"schools_file": upload()})
    assert missing.status_code == 400
    assert not School.objects.filter(nces_id__isnull=False).exists()
    response = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload()})
    assert response.status_code == 200
    world.district.refresh_from_db()
    assert world.district.nces_lea_id == ANN_ARBOR
    assert world.district.schools.filter(nces_id__isnull=False).count() == 32


def test_an_nces_id_of_another_portal_district_is_refused(client, district_admin, world):
    world.other_district.nces_lea_id = ANN_ARBOR
    world.other_district.save()
    client.force_login(district_admin)
    response = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload()})
    assert response.status_code == 400
    assert "Another district in the portal has this NCES id." in response.content.decode()
    assert not School.objects.filter(nces_id__isnull=False).exists()


def test_the_admin_cannot_type_another_districts_id_once_theirs_is_set(client, district_admin, world):
    world.district.nces_lea_id = ANN_ARBOR
    world.district.save()
    client.force_login(district_admin)
    client.post(URL, {"nces_district_id": "2619950", "schools_file": upload()})  # Kalamazoo
    assert not District.objects.filter(nces_lea_id="2619950").exists()
    assert world.district.schools.filter(nces_id__isnull=False).count() == 32


@pytest.mark.parametrize(("file", "message"), [
    (upload("schools.txt"), "Allowed: csv."),
    (upload(content=b"name,email\nA,a@example.org\n"), "This is not an NCES school directory export"),
    (upload(content=DISTRICTS_CSV.read_bytes()), "This looks like the NCES district export"),
    (upload(content=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "The file&#x27;s content is not plain text."),
])
def test_a_file_that_is_not_the_nces_export_is_refused_with_a_clear_message(client, district_admin, world,
                                                                              file, message):
    client.force_login(district_admin)
    response = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": file})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not School.objects.filter(nces_id__isnull=False).exists()


def test_a_file_over_the_size_limit_is_refused(client, district_admin, world, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(district_admin)
    big = HEADER + "\n" + PIONEER_ROW + "\n" * (1024 * 1024)
    response = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload(content=big.encode())})
    assert response.status_code == 400
    assert "The file is too large: at most 1 MB." in response.content.decode()


def test_a_file_without_the_districts_schools_says_so(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(URL, {"nces_district_id": "9999999", "schools_file": upload()})
    assert response.status_code == 400
    assert "The file has no schools of NCES district 9999999" in response.content.decode()


def bad_pioneer_file() -> bytes:
    bad = PIONEER_ROW.replace(",09,12,", ",09,ZZ,", 1)
    return "\n".join([HEADER, bad, *[r for r in sample_text().splitlines()[1:] if r != PIONEER_ROW]]).encode()


def test_the_page_reports_bad_rows_with_their_line_numbers_and_imports_nothing(client, district_admin, world):
    # Before issue 9 the page imported the 31 other schools and showed a 200 "The import finished".
    client.force_login(district_admin)
    response = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload(content=bad_pioneer_file())})
    assert response.status_code == 400
    page = response.content.decode()
    assert "&#x27;ZZ&#x27; is not a grade NCES uses" in page
    assert "<th scope=\"row\">2</th><td>High Grade</td>" in page
    assert '<caption id="bad-rows-caption">' in page
    assert 'role="alert" id="import-errors"' in page and 'aria-describedby="import-errors bad-rows-caption"' in page
    assert "Import the other rows and skip the 1 listed" in page
    assert "finished without errors" not in page
    assert not School.objects.filter(nces_id__isnull=False).exists()
    world.district.refresh_from_db()
    assert world.district.nces_lea_id is None  # the id entered is not kept either: nothing was written
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def _offer(response) -> str:
    return response.context["form"].initial["skip_offer"]


def test_the_admin_can_import_the_other_rows_and_skip_the_listed_ones(client, district_admin, world):
    client.force_login(district_admin)
    failed = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload(content=bad_pioneer_file())})
    response = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload(content=bad_pioneer_file()),
                                 "skip_offer": _offer(failed), "skip_bad_rows": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 row with errors was skipped" in page
    assert "<th scope=\"row\">2</th><td>High Grade</td>" in page
    assert world.district.schools.filter(nces_id__isnull=False).count() == 31
    assert not School.objects.filter(nces_id=PIONEER).exists()
    assert "1 rows with errors skipped" in AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).note


def test_the_skip_applies_only_to_the_file_whose_rows_were_listed(client, district_admin, world):
    client.force_login(district_admin)
    failed = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload(content=bad_pioneer_file())})
    other = bad_pioneer_file().replace(b"Huron High School", b"Huron High")
    response = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload(content=other),
                                 "skip_offer": _offer(failed), "skip_bad_rows": "on"})
    assert response.status_code == 400
    assert "These are not the files whose rows were listed" in response.content.decode()
    forged = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload(content=bad_pioneer_file()),
                               "skip_offer": "forged", "skip_bad_rows": "on"})
    assert forged.status_code == 400
    assert not School.objects.filter(nces_id__isnull=False).exists()


def test_a_crash_on_the_page_imports_nothing_and_says_so(client, district_admin, world, monkeypatch):
    _crash_on_the_nth_school_save(monkeypatch, 10)
    client.force_login(district_admin)
    response = client.post(URL, {"nces_district_id": ANN_ARBOR, "schools_file": upload()})
    assert response.status_code == 500
    assert "Nothing was imported" in response.content.decode()
    assert not School.objects.filter(nces_id__isnull=False).exists()
    world.district.refresh_from_db()
    assert world.district.nces_lea_id is None

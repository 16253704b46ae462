"""Workflows of the shared app that cross models or cause side effects (keyword-only, ``<thing>_<verb>``)."""

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from portal import audit
from schools import nces
from schools.models import AuditEvent, Building, District, School, validate_time_zone

logger = logging.getLogger(__name__)

MAIN_BUILDING = "Main building"

# School fields the NCES directory owns: a re-import overwrites them.
NCES_SCHOOL_FIELDS = ("name", "state_school_id", "low_grade", "high_grade", "level", "enrollment", "street",
                      "city", "zip_code", "phone", "school_type", "mode", "is_active")
NCES_DISTRICT_FIELDS = ("name", "state_district_id", "state", "city", "phone")
# The NCES column of each School field, to name it in a row error.
MODEL_FIELD_COLUMNS = {"name": "School Name", "nces_id": "NCES School ID", "state_school_id": "State School ID",
                       "low_grade": "Low Grade", "high_grade": "High Grade", "enrollment": "Students",
                       "street": "Street Address", "city": "City", "zip_code": "ZIP", "phone": "Phone",
                       "school_type": "Type", "mode": "Virtual School Status", "level": "Low Grade"}


class NCESImportError(ValueError):
    """The import cannot run at all (wrong file, missing time zone); nothing was written."""


@dataclass
class ImportReport:
    """What an NCES import did, for the command's output, the portal page and the audit note."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    closed: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    districts_created: list[str] = field(default_factory=list)
    districts_updated: list[str] = field(default_factory=list)
    # Other districts' schools left out of an import limited to some districts: NCES district id -> count.
    skipped: Counter = field(default_factory=Counter)
    # One entry per problem (a row can have several), sorted by file and line.
    errors: list[nces.RowError] = field(default_factory=list)
    district_ids: set[int] = field(default_factory=set)
    # False when malformed rows stopped the import: nothing was written, and the counts above are what the
    # import would have done. True when it was written (with the malformed rows left out if told to skip).
    applied: bool = False

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def bad_rows(self) -> list[tuple[str, int]]:
        """(file, line) of each malformed row, in order."""
        return sorted({(e.source, e.line) for e in self.errors})

    def summary(self) -> str:
        if not self.applied:
            return (f"nothing was imported: {len(self.bad_rows)} rows with errors "
                    f"({len(self.created) + len(self.updated) + self.unchanged} other rows not imported)")
        parts = [f"{len(self.created)} schools created", f"{len(self.updated)} updated",
                 f"{self.unchanged} unchanged", f"{len(self.closed)} closed",
                 f"{len(self.bad_rows)} rows with errors skipped"]
        if self.districts_created:
            parts.append(f"{len(self.districts_created)} districts created")
        if self.skipped:
            parts.append(f"{self.skipped_total} schools of other districts skipped")
        return ", ".join(parts)


class _MalformedRows(Exception):
    """Rolls the import back when rows are malformed and they are not to be skipped."""


def nces_import(*, schools_file, districts_file=None, by, time_zone=None, only_district_ids=None,
                into_district=None, skip_bad_rows=False, expected_bad_rows=None) -> ImportReport:
    """Import districts and schools from an NCES Common Core of Data directory export, in one transaction.

    - Matches districts and schools on their NCES ids (a school the portal already has under the same name
      in the same district, but without an NCES id, is adopted), so a re-import updates, never duplicates.
    - A school whose NCES status is not operating (closed, inactive, future) becomes inactive, never deleted.
    - All or nothing: every malformed row is reported (line, column, problem), and when there is one the
      whole import is rolled back (``report.applied`` is False) unless ``skip_bad_rows``, the person's
      explicit choice, in which case the other rows are written and the malformed ones listed as skipped.
      Rows found wrong while writing (listed twice, a school of another portal district, a value the model
      refuses) count as malformed too. ``expected_bad_rows``: the (file, line) pairs the person agreed to
      skip; when the malformed rows found now differ, nothing is written either. Anything unexpected rolls
      the whole import back.
    - ``time_zone`` is needed for districts the portal does not have yet; existing districts keep theirs.
    - ``only_district_ids`` limits the import to those NCES districts (other rows are skipped and counted);
      ``into_district`` limits it to that portal district (a district admin's page): its NCES id must be set.
    - Every school imported ends up with at least its "Main building".
    """
    if time_zone:
        try:
            validate_time_zone(time_zone)
        except ValidationError:
            raise NCESImportError(f"{time_zone!r} is not a known time zone (e.g. America/Detroit).") from None
    if into_district is not None:
        if not into_district.nces_lea_id:
            raise NCESImportError("The district has no NCES district id to import.")
        only_district_ids = {into_district.nces_lea_id}
    only = set(only_district_ids) if only_district_ids else None
    try:
        school_rows = nces.parse_schools(nces.read_text(schools_file), only=only)
        district_rows = (nces.parse_districts(nces.read_text(districts_file), only=only) if districts_file
                         else nces.Parsed())
    except nces.NCESFormatError as exc:
        raise NCESImportError(str(exc)) from None

    report = ImportReport(errors=district_rows.errors + school_rows.errors, skipped=school_rows.skipped)
    try:
        with transaction.atomic():
            if into_district is not None:
                _save_district_nces_id(into_district)
            districts = _import_districts({r.nces_id: r for r in district_rows.rows}, school_rows.rows,
                                          time_zone, report)
            _import_schools(school_rows.rows, districts, report)
            report.errors.sort(key=lambda e: (e.source, e.line))
            if report.errors and (not skip_bad_rows or (expected_bad_rows is not None
                                                        and report.bad_rows != sorted(expected_bad_rows))):
                raise _MalformedRows
            report.applied = True
            _audit(report, by)
    except _MalformedRows:
        report.applied = False
    return report


def _save_district_nces_id(district) -> None:
    """Lock the district (one import at a time) and save its NCES id when the admin has just entered it."""
    stored = District.objects.select_for_update().values_list("nces_lea_id", flat=True).get(pk=district.pk)
    if stored == district.nces_lea_id:
        return
    try:
        district.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise NCESImportError(" ".join(exc.messages)) from None
    district.save(update_fields=["nces_lea_id"])


def _import_districts(rows_by_id: dict, schools: list, time_zone, report: ImportReport) -> dict:
    """Create or update each district the files mention; returns {NCES district id: District}."""
    # A district named only by its schools is described from its first school row.
    described = dict(rows_by_id)
    for row in schools:
        if row.district_nces_id not in described:
            described[row.district_nces_id] = nces.DistrictRow(
                line=row.line, nces_id=row.district_nces_id, state_district_id=row.state_district_id,
                name=row.district_name or f"District {row.district_nces_id}", city="", state=row.state,
                phone="")
    existing = {d.nces_lea_id: d for d in District.objects.filter(nces_lea_id__in=list(described))}
    missing = sorted(set(described) - set(existing))
    if missing and not time_zone:
        names = ", ".join(f"{described[i].name} ({i})" for i in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise NCESImportError(f"The file has districts the portal does not have yet: {names}{more}. "
                              "Give their time zone: it is never guessed from the state.")
    for nces_id, row in described.items():
        district = existing.get(nces_id)
        # Only the districts file describes a district fully; a school row only names it.
        full = nces_id in rows_by_id
        if district is None:
            district = District(nces_lea_id=nces_id, time_zone=time_zone, name=row.name, state=row.state,
                                state_district_id=row.state_district_id, city=row.city, phone=row.phone)
            try:
                district.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                message = f"District {nces_id} (line {row.line}): {' '.join(exc.messages)}"
                raise NCESImportError(message) from None
            district.save()
            existing[nces_id] = district
            report.districts_created.append(district.name)
        elif full:
            values = {"name": row.name, "state_district_id": row.state_district_id, "state": row.state,
                      "city": row.city, "phone": row.phone}
            changed = [name for name, value in values.items() if value and getattr(district, name) != value]
            if changed:
                for name in changed:
                    setattr(district, name, values[name])
                district.save(update_fields=changed)
                report.districts_updated.append(district.name)
        report.district_ids.add(district.pk)
    return existing


def _import_schools(rows: list, districts: dict, report: ImportReport) -> None:
    ids = [r.nces_id for r in rows]
    by_nces_id = {s.nces_id: s for s in School.objects.filter(nces_id__in=ids)}
    # Schools entered by hand before the first import: adopted by name within their district.
    by_name = {(s.district_id, s.name.casefold()): s
               for s in School.objects.filter(district__in=list(districts.values()), nces_id__isnull=True)}
    first_line = {}
    touched = []
    for row in rows:
        if row.nces_id in first_line:
            report.errors.append(nces.RowError("schools file", row.line,
                                               f"NCES School ID {row.nces_id} already appears on line "
                                               f"{first_line[row.nces_id]}.", "NCES School ID"))
            continue
        first_line[row.nces_id] = row.line
        district = districts[row.district_nces_id]
        school = by_nces_id.get(row.nces_id) or by_name.pop((district.pk, row.name.casefold()), None)
        if school is not None and school.district_id != district.pk:
            # Never move a school between portal districts on the strength of a file.
            report.errors.append(nces.RowError(
                "schools file", row.line,
                f"NCES School ID {row.nces_id} belongs to another district in the portal.", "NCES School ID"))
            continue
        is_new = school is None
        if is_new:
            school = School(district=district, nces_id=row.nces_id)
        before = {name: getattr(school, name) for name in NCES_SCHOOL_FIELDS + ("nces_id",)}
        school.nces_id = row.nces_id
        school.name = row.name
        school.state_school_id = row.state_school_id
        school.set_grade_span(row.low_grade, row.high_grade)
        school.enrollment = row.enrollment
        school.street, school.city, school.zip_code = row.street, row.city, row.zip_code
        school.phone = row.phone
        school.school_type = row.school_type
        school.mode = row.mode
        school.is_active = row.is_open
        try:
            school.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            report.errors.extend(nces.RowError("schools file", row.line, " ".join(errs),
                                               MODEL_FIELD_COLUMNS.get(name, name))
                                 for name, errs in exc.message_dict.items())
            continue
        changed = [name for name, value in before.items() if getattr(school, name) != value]
        if is_new:
            school.save()
            report.created.append(school.name)
        elif changed:
            school.save(update_fields=changed)
            report.updated.append(school.name)
        else:
            report.unchanged += 1
        if not school.is_active and (is_new or before["is_active"]):
            report.closed.append(school.name)
        elif school.is_active and not is_new and not before["is_active"]:
            report.reopened.append(school.name)
        touched.append(school)
    _ensure_main_buildings(touched)


def _ensure_main_buildings(schools: list) -> None:
    """Every school has at least one building; those without get their "Main building" (two queries)."""
    have = set(Building.objects.filter(school__in=[s.pk for s in schools])
               .values_list("school_id", flat=True))
    Building.objects.bulk_create([Building(school=s, name=MAIN_BUILDING)
                                  for s in schools if s.pk not in have])


def _audit(report: ImportReport, by) -> None:
    """One audit row per district the import touched, so each district's admins see it in their log."""
    for district_id in sorted(report.district_ids):
        audit.record(AuditEvent.Action.IMPORT, actor=by, object_type="schools.school",
                     district_id=district_id, actor_label="" if by is not None else "manage.py import_nces",
                     note=f"NCES import: {report.summary()}")

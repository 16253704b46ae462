"""Reading the NCES Common Core of Data directory export (ELSI table generator, CSV).

Pure parsing, no database: ``parse_schools`` and ``parse_districts`` turn the file's text into typed rows
and a list of row errors (the file's line number, the column, what is wrong), one per problem, so that
every malformed row is reported. ``schools.services.nces_import`` writes the rows, and writes nothing when
a row is malformed unless told to skip the malformed rows.

A row is malformed when a required cell is empty or invalid (the NCES ids, the school's name, the state,
the grades, the number of students). A row of another district (a well-formed NCES district id that is
not among those imported) is not malformed: it is skipped and counted apart, without being checked. A row
whose district id is empty or malformed cannot be told apart, so it is malformed.

What the export looks like, and what we accept:

- Columns as NCES names them (``NCES School ID``, ``Low Grade*``, ``Students*``...). Headers are matched
  loosely: case, a trailing ``*`` and a bracketed suffix (``School Name [Public School] 2022-23``) are
  ignored, so a full ELSI export with year suffixes reads the same as the trimmed sample.
- ELSI puts a few title lines above the header and footnotes below the data; both are skipped.
- Footnote marks mean "no value": ``†`` not applicable, ``–`` does not meet NCES standards, ``‡`` missing.
- Numbers are exported as decimals (``332.00000``); ids may be wrapped as ``="0100005"`` to keep the
  leading zeros in spreadsheets.
- Files are UTF-8 (with or without BOM); older exports in Windows-1252 are read as such.
"""

import csv
import functools
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from schools.models import US_STATES, School

# Cells that mean "no value" in NCES exports.
FOOTNOTE_MARKS = frozenset({"†", "–", "—", "‡", "-", "*", "N/A"})

# NCES "Updated Status" labels (and their numeric codes) under which a school is operating.
OPEN_STATUSES = frozenset({"open", "new", "added", "reopened", "changed boundary/agency", "changed boundary",
                           "changed agency", "1", "3", "4", "5", "8"})

# Grades as NCES writes them; "M" (missing) and "N" (not applicable) carry no grade.
GRADE_ALIASES = {"K": "KG", "PREK": "PK", "PRE-K": "PK"}
NO_GRADE = frozenset({"M", "N"})

# Normalised header names (see ``_key``) of each file: required ones must be present.
SCHOOL_COLUMNS = {
    "nces_id": "nces school id",
    "state_school_id": "state school id",
    "district_nces_id": "nces district id",
    "state_district_id": "state district id",
    "low_grade": "low grade",
    "high_grade": "high grade",
    "name": "school name",
    "district_name": "district",
    "street": "street address",
    "city": "city",
    "state": "state",
    "zip": "zip",
    "zip4": "zip 4-digit",
    "phone": "phone",
    "students": "students",
    "school_type": "type",
    "status": "status",
    "virtual": "virtual school status",
}
SCHOOL_REQUIRED = ("nces_id", "district_nces_id", "name", "state")

DISTRICT_COLUMNS = {
    "nces_id": "nces district id",
    "state_district_id": "state district id",
    "name": "district name",
    "street": "street address",
    "city": "city",
    "state": "state",
    "phone": "phone",
    "status": "status",
}
DISTRICT_REQUIRED = ("nces_id", "name", "state")

STATE_CODES = frozenset(code for code, _ in US_STATES)


class NCESFormatError(ValueError):
    """The file as a whole is not an NCES export we can read (no header, wrong file, not text)."""


@dataclass(frozen=True)
class RowError:
    """One problem of a row; ``line`` is the file's own line number (counting title lines), ``column`` the
    NCES column at fault ("" when it is the row as a whole)."""

    source: str
    line: int
    message: str
    column: str = ""

    def __str__(self):
        return f"{self.source}, line {self.line}: {self.message}"


@dataclass
class SchoolRow:
    line: int
    nces_id: str
    state_school_id: str
    district_nces_id: str
    state_district_id: str
    name: str
    district_name: str
    low_grade: str
    high_grade: str
    street: str
    city: str
    state: str
    zip_code: str
    phone: str
    enrollment: int | None
    school_type: str
    is_open: bool
    mode: str


@dataclass
class DistrictRow:
    line: int
    nces_id: str
    state_district_id: str
    name: str
    city: str
    state: str
    phone: str


@dataclass
class Parsed:
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows of districts left out (``only``): NCES district id -> number of rows.
    skipped: Counter = field(default_factory=Counter)


# --- cells ------------------------------------------------------------------------------------


def clean(value) -> str:
    """The cell's text without spreadsheet wrapping and footnote marks ("" for no value)."""
    text = (value or "").strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    return "" if text in FOOTNOTE_MARKS else text


def parse_number(value) -> int | None:
    """``332.00000`` -> 332; no value -> None; anything else raises ValueError."""
    text = clean(value).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if number < 0 or not number.is_finite():
        raise ValueError(f"{text!r} is not a count")
    return int(number.to_integral_value())


def parse_grade(value) -> str:
    """A grade as the School model stores it (``PK``, ``KG``, ``01``..``13``, ``UG``, ``AE``), or ""."""
    text = clean(value).upper()
    if not text or text in NO_GRADE:
        return ""
    text = GRADE_ALIASES.get(text, text)
    if len(text) == 1 and text in "0123456789":
        text = f"0{text}"
    if text not in School.GRADES:
        raise ValueError(f"{clean(value)!r} is not a grade NCES uses (PK, KG, 01-13, UG, AE, M, N)")
    return text


def parse_id(value, digits: int, label: str) -> str:
    text = clean(value)
    if not re.fullmatch(rf"\d{{{digits}}}", text):
        raise ValueError(f"{label} {text!r} is not {digits} digits" if text else f"{label} is missing")
    return text


# --- files ------------------------------------------------------------------------------------


def read_text(source) -> str:
    """The text of a path, an uploaded file or a file object (bytes or str)."""
    if isinstance(source, str | Path):
        data = Path(source).read_bytes()
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read()
    if isinstance(data, str):
        text = data.lstrip("\ufeff")
    elif b"\x00" in data[:4096]:
        raise NCESFormatError("This is not a CSV text file.")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:  # PostgreSQL stores no NUL: refuse the file, naming the line
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise NCESFormatError(f"Line {line} of the file holds a NUL character; this is not a CSV text file.")
    return text


def _key(header: str) -> str:
    """Header name for matching: lower case, no bracketed suffix, no trailing ``*``."""
    text = re.sub(r"\s*\[.*$", "", (header or "").strip().lstrip("\ufeff"))
    return text.rstrip("*").strip().lower()


def _find_header(reader, columns: dict, required: tuple):
    """Skip ELSI's title lines; return {field: column index} from the first row with the required headers."""
    wanted = {columns[name] for name in required}
    for row in reader:
        keys = [_key(cell) for cell in row]
        if wanted <= set(keys):
            return {name: keys.index(header) for name, header in columns.items() if header in keys}
        if reader.line_num > 30:
            break
    return None


def header_problem(text: str, kind: str) -> str | None:
    """Why the text is not the ``kind`` ("schools" or "districts") export, or None when it is."""
    columns, required = (SCHOOL_COLUMNS, SCHOOL_REQUIRED) if kind == "schools" else (DISTRICT_COLUMNS,
                                                                                      DISTRICT_REQUIRED)
    try:
        found = _find_header(csv.reader(io.StringIO(text)), columns, required)
    except csv.Error:
        return "The file is not a readable CSV file."
    if found is not None:
        return None
    names = ", ".join(f"“{columns[n]}”" for n in required)
    other_required = DISTRICT_REQUIRED if kind == "schools" else SCHOOL_REQUIRED
    other_columns = DISTRICT_COLUMNS if kind == "schools" else SCHOOL_COLUMNS
    if _find_header(csv.reader(io.StringIO(text)), other_columns, other_required) is not None:
        other = "district" if kind == "schools" else "school"
        return f"This looks like the NCES {other} export, not the {kind[:-1]} export."
    return f"This is not an NCES {kind[:-1]} directory export: it needs the columns {names}."


def _rows(text: str, kind: str):
    """Yield (line number, {field: cell}) for each data row; raise NCESFormatError without a header."""
    columns, required = (SCHOOL_COLUMNS, SCHOOL_REQUIRED) if kind == "schools" else (DISTRICT_COLUMNS,
                                                                                      DISTRICT_REQUIRED)
    reader = csv.reader(io.StringIO(text))
    try:
        index = _find_header(reader, columns, required)
        if index is None:
            raise NCESFormatError(header_problem(text, kind))
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            # ELSI's footnotes ("Data Source: ...", "† indicates ...") fill a cell or three, not a row, and
            # do not start with an id; a data row, however malformed, fills most columns.
            filled = sum(1 for c in cells if c)
            starts_with_id = cells[0][:1] in tuple("0123456789") or cells[0].startswith('="')
            if filled < max(2, len(index) // 2) and not starts_with_id:
                continue
            yield reader.line_num, {name: (row[i] if i < len(row) else "") for name, i in index.items()}
    except csv.Error as exc:
        message = f"The file is not a readable CSV file (line {reader.line_num}: {exc})."
        raise NCESFormatError(message) from None


def _is_open(status: str) -> bool:
    # No status given (column absent or empty): nothing says the school closed.
    return not status or status.lower() in OPEN_STATUSES


def _mode(virtual_status: str) -> str:
    text = virtual_status.lower().replace(" ", "")
    return School.Mode.VIRTUAL if text in {"fullvirtual", "virtual", "yes"} else School.Mode.ON_SITE


def _attempt(problems: list, column: str, fn, *args, default=""):
    """``fn(*args)``, or ``default`` with (column, the ValueError's message) added to ``problems``."""
    try:
        return fn(*args)
    except ValueError as exc:
        problems.append((column, str(exc)))
        return default


def _row_errors(source: str, line: int, problems: list) -> list[RowError]:
    return [RowError(source, line, message if message.endswith(".") else f"{message}.", column)
            for column, message in problems]


def _other_district(district_cell: str, only) -> bool:
    """A well-formed district id not among those imported: another district's row, skipped unchecked."""
    return only is not None and re.fullmatch(r"\d{7}", district_cell) is not None and district_cell not in only


def parse_schools(text: str, only=None) -> Parsed:
    """Typed school rows and the rows that could not be read; ``only``: the NCES district ids to keep."""
    parsed = Parsed()
    source = "schools file"
    for line, cells in _rows(text, "schools"):
        district_cell = clean(cells.get("district_nces_id"))
        if _other_district(district_cell, only):
            parsed.skipped[district_cell] += 1
            continue
        problems = []
        attempt = functools.partial(_attempt, problems)
        nces_id = attempt("NCES School ID", parse_id, cells.get("nces_id"), 12, "NCES School ID")
        district_id = attempt("NCES District ID", parse_id, cells.get("district_nces_id"), 7, "NCES District ID")
        if nces_id and district_id and not nces_id.startswith(district_id):
            problems.append(("NCES School ID", f"NCES School ID {nces_id} does not belong to district "
                             f"{district_id} (its first seven digits are the district's id)"))
        low = attempt("Low Grade", parse_grade, cells.get("low_grade"))
        high = attempt("High Grade", parse_grade, cells.get("high_grade"))
        order = School.GRADE_ORDER
        if low in order and high in order and order[low] > order[high]:
            problems.append(("Low Grade", f"the low grade {low} is above the high grade {high}"))
        enrollment = attempt("Students", parse_number, cells.get("students"), default=None)
        name = clean(cells.get("name"))
        if not name:
            problems.append(("School Name", "School Name is missing"))
        state = clean(cells.get("state")).upper()
        if state not in STATE_CODES:
            problems.append(("State", f"State {state!r} is not a U.S. state code" if state
                             else "State is missing"))
        if problems:
            parsed.errors.extend(_row_errors(source, line, problems))
            continue
        zip_code, zip4 = clean(cells.get("zip")), clean(cells.get("zip4"))
        parsed.rows.append(SchoolRow(
            line=line, nces_id=nces_id, state_school_id=clean(cells.get("state_school_id")),
            district_nces_id=district_id, state_district_id=clean(cells.get("state_district_id")),
            name=name, district_name=clean(cells.get("district_name")), low_grade=low, high_grade=high,
            street=clean(cells.get("street")), city=clean(cells.get("city")), state=state,
            zip_code=f"{zip_code}-{zip4}" if zip_code and zip4 else zip_code, phone=clean(cells.get("phone")),
            enrollment=enrollment, school_type=clean(cells.get("school_type")),
            is_open=_is_open(clean(cells.get("status"))), mode=_mode(clean(cells.get("virtual"))),
        ))
    return parsed


def parse_districts(text: str, only=None) -> Parsed:
    """Typed district rows and the rows that could not be read; ``only``: the NCES district ids to keep."""
    parsed = Parsed()
    source = "districts file"
    for line, cells in _rows(text, "districts"):
        district_cell = clean(cells.get("nces_id"))
        if _other_district(district_cell, only):
            parsed.skipped[district_cell] += 1
            continue
        problems = []
        nces_id = _attempt(problems, "NCES District ID", parse_id, cells.get("nces_id"), 7, "NCES District ID")
        name = clean(cells.get("name"))
        if not name:
            problems.append(("District Name", "District Name is missing"))
        state = clean(cells.get("state")).upper()
        if state not in STATE_CODES:
            problems.append(("State", f"State {state!r} is not a U.S. state code" if state
                             else "State is missing"))
        if problems:
            parsed.errors.extend(_row_errors(source, line, problems))
            continue
        parsed.rows.append(DistrictRow(
            line=line, nces_id=nces_id, state_district_id=clean(cells.get("state_district_id")), name=name,
            city=clean(cells.get("city")), state=state, phone=clean(cells.get("phone")),
        ))
    return parsed

"""The shipped rule sets: the shared drill kinds (``kinds.csv``) and one CSV of requirements per state.

Loaded by migration 0002 and by ``manage.py load_drill_rules`` (after a CSV changes). Loading is an
upsert keyed by (state, code, effective_from): a changed rule in force from a new date is a new row with
its own ``effective_from`` (give the old row an ``effective_until``), so last year's compliance stays as
it was. See README.md here for where each row comes from and what is deliberately not encoded.

The functions take the model classes as arguments so the data migration can pass its historical models.
"""

import csv
import datetime as dt
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parent
SHIPPED_STATES = ("TX", "IL", "MI", "NY", "OH", "PA", "CA", "WA")


def read_kinds() -> list[dict]:
    with open(RULES_DIR / "kinds.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_rules(states=SHIPPED_STATES) -> list[dict]:
    rows = []
    for state in states:
        with open(RULES_DIR / f"{state.lower()}.csv", newline="", encoding="utf-8") as f:
            rows += [row for row in csv.DictReader(f)]
    return rows


def _int(value: str):
    return int(value) if value.strip() else None


def _month_day(value: str):
    if not value.strip():
        return None, None
    month, day = value.split("-")
    return int(month), int(day)


def _date(value: str):
    return dt.date.fromisoformat(value) if value.strip() else None


def requirement_fields(row: dict) -> dict:
    """Model field values of one CSV row (kinds apart)."""
    start_month, start_day = _month_day(row["start"])
    end_month, end_day = _month_day(row["end"])
    return {
        "title": row["title"],
        "min_count": int(row["min_count"]),
        "max_count": _int(row["max_count"]),
        "window": row["window"],
        "window_n": _int(row["window_n"]),
        "start_month": start_month,
        "start_day": start_day,
        "end_month": end_month,
        "end_day": end_day,
        "levels": row["levels"].split(),
        "citation": row["citation"],
        "source_url": row["source_url"],
        "confidence": row["confidence"],
        "effective_until": _date(row["effective_until"]),
        "notes": row["notes"],
    }


def load_kinds(DrillKind) -> int:
    """Create or update the shared kinds; returns how many were created."""
    created = 0
    for row in read_kinds():
        _kind, was_created = DrillKind.objects.update_or_create(
            code=row["code"], district=None, defaults={"name": row["name"], "description": row["description"]}
        )
        created += was_created
    return created


def load_rules(DrillKind, DrillRequirement, states=SHIPPED_STATES) -> tuple[int, int]:
    """Create or update the state rules from the CSVs; returns (created, updated)."""
    kinds = {k.code: k for k in DrillKind.objects.filter(district__isnull=True)}
    created = updated = 0
    for row in read_rules(states):
        unknown = [code for code in row["kinds"].split() if code not in kinds]
        if unknown:
            raise ValueError(f"{row['state']} {row['code']}: unknown drill kinds {unknown}")
        requirement, was_created = DrillRequirement.objects.update_or_create(
            state=row["state"],
            district=None,
            code=row["code"],
            effective_from=_date(row["effective_from"]),
            defaults=requirement_fields(row),
        )
        requirement.kinds.set([kinds[code] for code in row["kinds"].split()])
        created += was_created
        updated += not was_created
    return created, updated


def unlisted_rules(DrillRequirement, states=SHIPPED_STATES) -> list:
    """State rules in the database that no CSV lists any more (reported, never deleted: history uses them)."""
    listed = {(row["state"], row["code"]) for row in read_rules(states)}
    rows = DrillRequirement.objects.filter(district__isnull=True, state__in=states)
    return [r for r in rows if (r.state, r.code) not in listed]

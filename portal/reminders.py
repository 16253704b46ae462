"""Helpers for an app's digest provider (``Integration.digest``): reminders with their ledger keys, fast
links, short dates, who holds a role at each school, and the provider's return value.

A provider returns ``{user_id: [DigestLine]}`` for a district and its local day, reading its rows in a
fixed number of queries; each line carries its ``SentReminder`` key and ``portal.notifications`` claims the
keys with the digest, so reruns and concurrent passes never send a line twice. Lines say which school
and when, never what the record holds.
"""

import dataclasses
import datetime as dt
import functools
from collections import defaultdict

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

from portal.notifications import DigestLine
from schools.models import Membership


@dataclasses.dataclass(frozen=True)
class Reminder:
    """One line for one person, with its ledger key (recipient, kind, subject, milestone date)."""

    recipient_id: int
    kind: str
    subject: str
    milestone_date: dt.date
    text: str
    link: str

    @property
    def key(self):
        return (self.recipient_id, self.kind, self.subject, self.milestone_date.isoformat())


def url_for(name: str):
    """A fast maker of ``name``'s URL for an id (reversed once: a pass builds thousands of links)."""
    marker = 987654321
    pattern = reverse(name, args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


@functools.lru_cache(maxsize=512)
def _day(value: dt.date, language: str) -> str:
    return date_format(value, "D j M")


def day(value: dt.date) -> str:
    """ "Thu 15 Oct" in the active language (cached: a pass over a district formats the same few dates)."""
    return _day(value, get_language())


def holders_by_school(district, today, role) -> dict[int, list[int]]:
    """``{school_id: [user ids]}`` of the people holding ``role`` at the district's schools today."""
    rows = (
        Membership.objects.active_on(today)
        .filter(role=role, school__district=district, user__is_active=True)
        .values_list("school_id", "user_id")
    )
    holders = defaultdict(list)
    for school_id, user_id in rows:
        holders[school_id].append(user_id)
    return holders


def digest_lines_from(reminders) -> dict[int, list[DigestLine]]:
    """The provider's answer: one line per reminder key (the same reminder reached twice, e.g. an admin who
    also owns the item, is one line), each carrying its ledger key."""
    lines = defaultdict(list)
    seen = set()
    for r in reminders:
        if r.key in seen:
            continue
        seen.add(r.key)
        lines[r.recipient_id].append(DigestLine(r.text, r.link, key=(r.kind, r.subject, r.milestone_date)))
    return dict(lines)

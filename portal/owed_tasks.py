"""Work the system knows is owed, shown on My tasks beside the follow-ups: results to record for a drill
whose time has passed, logs waiting for a signature, plans waiting for a reviewer, cases due a check-in.

An app declares its sources in its ``integrations.py`` (``Integration.owed_tasks``)::

    owed_tasks=[OwedTaskSource("drills.results_due", _("Drill results to record"), drills_owed.results_due)]

``collect(user, memberships, today)`` returns the person's ``OwedTask`` rows in a fixed number of queries
(read through ``for_user`` so scope is the matrix's), each with the page where the work is done. Nothing
is stored: an owed task disappears when the work is done, because the records no longer say it is owed.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class OwedTask:
    title: str
    url: str
    school: object | None = None  # a School, or None for district-wide work
    due_on: dt.date | None = None
    detail: str = ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.due_on is not None and self.due_on < today


@dataclasses.dataclass(frozen=True)
class OwedTaskSource:
    key: str
    label: str
    collect: Callable  # (user, memberships, today) -> Iterable[OwedTask]


@dataclasses.dataclass(frozen=True)
class ShownTask:
    """One owed task as My tasks shows it: with its source's label and whether it is late."""

    task: OwedTask
    source: OwedTaskSource
    overdue: bool


_SOURCES: dict[str, OwedTaskSource] = {}


def register(source: OwedTaskSource) -> None:
    if source.key in _SOURCES:
        raise ValueError(f"Owed-task source {source.key!r} is declared twice")
    _SOURCES[source.key] = source


def unregister(key: str) -> None:
    _SOURCES.pop(key, None)


def sources() -> list[OwedTaskSource]:
    return [_SOURCES[k] for k in sorted(_SOURCES)]


def tasks_for(user, memberships, today: dt.date) -> list[ShownTask]:
    """Every source's tasks for this person, overdue first, then by due date (undated last) and title."""
    if not memberships:
        return []
    shown = [ShownTask(task, source, task.is_overdue(today))
             for source in sources() for task in source.collect(user, memberships, today)]
    far = dt.date.max
    return sorted(shown, key=lambda s: (not s.overdue, s.task.due_on or far, s.task.title))

"""The registry of the ten essential actions and their evaluators.

Each action app tells the dashboard how its schools stand by declaring, in its ``integrations.py``,
``action=ActionDeclaration(number, evaluator, reason_roles)``; compliance registers it when ready
(``register_action``). The roles that may read an action's reasons are declared there and nowhere else.

An evaluator takes every school at once, ``evaluate(schools, school_year, as_of) -> {school_id: Result}``,
and must run a fixed number of queries whatever the number of schools (the dashboard shows 500).
An action without an evaluator is ``not_tracked`` for every school: shown as such, never as met.
"""

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import permissions as p

logger = logging.getLogger(__name__)


class Status(models.TextChoices):
    """The one status scale every action reports on, best first."""

    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    NOT_TRACKED = "not_tracked", _("Not tracked")


class Security(models.TextChoices):
    """The report's two halves: physical safety and emotional security."""

    PHYSICAL = "physical", _("Physical safety")
    EMOTIONAL = "emotional", _("Emotional security")


@dataclasses.dataclass(frozen=True)
class Result:
    """How one school stands on one action: a status and, for those allowed to read it, why.

    ``citations``: the rules or standards the status was judged against (e.g. "Michigan, MCL 29.19"),
    printed in the compliance reports' citations appendix.
    """

    status: Status
    reason: str = ""
    next_step: str = ""
    evidence_url: str = ""
    citations: tuple = ()

    def __post_init__(self):
        if self.status not in Status.values:
            raise ValueError(f"Unknown status {self.status!r}")
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "citations", tuple(self.citations))


Evaluator = Callable[[Iterable, object, dt.date], dict]

# Who reads the reason of an action no app implements yet ("No part of the portal tracks this action
# yet"): those who run the program. An app that implements the action declares its own readers.
DEFAULT_REASON_ROLES = frozenset({p.DISTRICT_ADMIN, p.DISTRICT_LEADER, p.SCHOOL_ADMIN})


@dataclasses.dataclass
class Action:
    """One of the ten essential actions: where it lives and how its status is worked out."""

    number: int
    title: str
    short_title: str
    security: Security
    app_label: str
    reason_roles: frozenset = DEFAULT_REASON_ROLES
    evaluator: Evaluator | None = None
    # The app whose integrations.py declared this action (None while no app implements it).
    declared_by: str | None = None

    def reasons_visible_to(self, roles) -> bool:
        return bool(self.reason_roles & set(roles))


def _action(number, title, short_title, security, app_label):
    return Action(number, title, short_title, security, app_label)


_PHYS, _EMO = Security.PHYSICAL, Security.EMOTIONAL

# ARCHITECTURE.md, "The ten actions and where each lives". Odd actions are the report's physical-safety
# column, even ones its emotional-security column. Who may read each action's reasons is declared by the
# app that implements it (reasons that count confidential records are for the people who work them).
ACTIONS: dict[int, Action] = {a.number: a for a in [
    _action(1, _("Comprehensive school safety assessment"), _("Assessment"), _PHYS, "assessments"),
    _action(2, _("School climate"), _("Climate"), _EMO, "climate"),
    _action(3, _("Campus, building and classroom security"), _("Campus security"), _PHYS, "campus_security"),
    _action(4, _("Anonymous reporting systems"), _("Anonymous reporting"), _EMO, "reporting"),
    _action(5, _("Coordination with first responders"), _("First responders"), _PHYS, "coordination"),
    _action(6, _("Behavior threat assessment and management"), _("Threat assessment"), _EMO, "threat_mgmt"),
    _action(7, _("School-based law enforcement"), _("Law enforcement"), _PHYS, "law_enforcement"),
    _action(8, _("Mental health resources"), _("Mental health"), _EMO, "mental_health"),
    _action(9, _("Drills"), _("Drills"), _PHYS, "drills"),
    _action(10, _("Social media monitoring"), _("Social media"), _EMO, "social_media"),
]}


def get(number: int) -> Action:
    try:
        return ACTIONS[number]
    except KeyError:
        raise ValueError(f"There is no essential action {number!r}; they are numbered 1 to 10") from None


def actions() -> list[Action]:
    return [ACTIONS[n] for n in sorted(ACTIONS)]


def register_evaluator(number: int, evaluator: Evaluator, reason_roles: Iterable[str] | None = None) -> None:
    """Set an action's evaluator (``register_action`` does it for an app's declaration; tests call it directly);
    ``reason_roles`` replaces the default readers."""
    action = get(number)
    if not callable(evaluator):
        raise TypeError("An evaluator must be callable: evaluate(schools, school_year, as_of)")
    if reason_roles is not None:
        unknown = set(reason_roles) - p.ALL_ROLES
        if unknown:
            raise ValueError(f"Unknown roles {sorted(unknown)} for action {number}")
        action.reason_roles = frozenset(reason_roles)
    action.evaluator = evaluator


def register_action(declaration, *, app_label: str) -> None:
    """Register the action an app declares in its ``integrations.py`` (``portal.registry.ActionDeclaration``).

    Only the app the action belongs to may declare it, once, and it must say who reads its reasons.
    """
    action = get(declaration.number)
    if app_label != action.app_label:
        raise ImproperlyConfigured(
            f"Action {action.number} belongs to the {action.app_label} app, not {app_label}")
    if action.declared_by is not None and action.declared_by != app_label:
        raise ImproperlyConfigured(f"Action {action.number} is already declared by {action.declared_by}")
    if not declaration.reason_roles:
        raise ImproperlyConfigured(f"{app_label} must say which roles read the reasons of action {action.number}")
    register_evaluator(action.number, declaration.evaluator, reason_roles=declaration.reason_roles)
    action.declared_by = app_label


def unregister_evaluator(number: int) -> None:
    get(number).evaluator = None


NOT_TRACKED = Result(Status.NOT_TRACKED, _("No part of the portal tracks this action yet."))
EVALUATION_FAILED = Result(Status.NOT_TRACKED, _(
    "This status could not be worked out just now; the operators have been told. Try again later."))
NO_RESULT = Result(Status.NOT_TRACKED, _("No status was reported for this school."))


def evaluate_all(schools, school_year, as_of: dt.date) -> dict[int, dict[int, Result]]:
    """``{school_id: {action_number: Result}}`` for every school and every action.

    Evaluators run once each over all the schools. One that raises is logged and its action shown as
    not tracked, so one broken app cannot take the dashboard down, and is never shown as met.
    """
    schools = list(schools)
    table: dict[int, dict[int, Result]] = {s.pk: {} for s in schools}
    for action in actions():
        results = {}
        if action.evaluator is not None and schools and school_year is not None:
            try:
                results = action.evaluator(schools, school_year, as_of)
            except Exception:
                logger.exception("Evaluator of action %s failed", action.number)
                results = dict.fromkeys(table, EVALUATION_FAILED)
        fallback = NOT_TRACKED if action.evaluator is None or school_year is None else NO_RESULT
        for school_id, row in table.items():
            result = results.get(school_id, fallback)
            if not isinstance(result, Result):
                logger.error("Evaluator of action %s returned %r for school %s",
                             action.number, result, school_id)
                result = EVALUATION_FAILED
            row[action.number] = result
    return table

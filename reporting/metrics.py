"""Tip line metrics (the district page, the public yearly summary) and the action-4 evaluator.

Test tips are never counted. Every function runs a fixed number of queries whatever the number of tips.
"""

import dataclasses
import datetime as dt
import statistics

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reporting.models import OnCallContact, Tip, TipLineSettings

SUPPRESS_BELOW = 10
TEST_WITHIN_DAYS = 90


@dataclasses.dataclass
class Metrics:
    total: int | None
    by_category: list  # [(name, count | None)]
    by_month: list  # [(date of the month's first day, count | None)]
    outcomes: list  # [(label, count | None)]
    median_ack_minutes: float | None
    median_ack_life_safety_minutes: float | None
    dialogue_share: float | None  # 0..1
    false_report_share: float | None  # 0..1 of closed tips
    suppressed: bool = False


def _minutes(rows) -> float | None:
    values = [(ack - created).total_seconds() / 60 for created, ack in rows if ack is not None]
    return round(statistics.median(values), 1) if values else None


def tip_metrics(district, start: dt.datetime, end: dt.datetime, *, public=False) -> Metrics:
    """Counts for the tips received in [start, end); ``public`` replaces counts under 10 with None (and
    shares whose base is under 10). Five queries."""
    tips = Tip.objects.filter(district=district, is_test=False, created_at__gte=start, created_at__lt=end)

    def shown(n):
        return None if public and n < SUPPRESS_BELOW else n

    spanish = (get_language() or "").startswith("es")
    by_category = [((row["category__name_es"] if spanish and row["category__name_es"] else row["category__name"]),
                    shown(row["n"])) for row in
                   tips.values("category__name", "category__name_es").annotate(n=Count("pk"))
                   .order_by("-n", "category__name")]
    by_month = [(row["month"], shown(row["n"])) for row in
                tips.annotate(month=TruncMonth("created_at", tzinfo=district.tz)).values("month")
                .annotate(n=Count("pk")).order_by("month")]
    labels = dict(Tip.Outcome.choices)
    outcomes = [(labels.get(row["outcome"], row["outcome"]), shown(row["n"])) for row in
                tips.exclude(outcome="").values("outcome").annotate(n=Count("pk")).order_by("-n")]
    counts = tips.aggregate(
        total=Count("pk"), closed=Count("pk", filter=Q(status=Tip.Status.CLOSED)),
        false_reports=Count("pk", filter=Q(outcome=Tip.Outcome.FALSE_REPORT)),
        dialogue=Count("pk", filter=Q(tipster_replied_at__isnull=False, staff_replied_at__isnull=False)))
    acks = list(tips.filter(acknowledged_at__isnull=False).values_list("created_at", "acknowledged_at",
                                                                        "life_safety"))
    total, closed = counts["total"], counts["closed"]
    small = public and total < SUPPRESS_BELOW
    return Metrics(
        total=shown(total), by_category=by_category, by_month=by_month, outcomes=outcomes,
        median_ack_minutes=None if small else _minutes((c, a) for c, a, _ls in acks),
        median_ack_life_safety_minutes=None if small else _minutes((c, a) for c, a, ls in acks if ls),
        dialogue_share=None if small or not total else counts["dialogue"] / total,
        false_report_share=None if (public and closed < SUPPRESS_BELOW) or not closed
        else counts["false_reports"] / closed,
        suppressed=small)


def year_bounds(district, year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = district.tz
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def yearly_summary(district, year: int, *, public=True) -> Metrics:
    return tip_metrics(district, *year_bounds(district, year), public=public)


# --------------------------------------------------------------------------------------------
# Action 4: the evaluator
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LineState:
    """Where one district's tip line stands on the four conditions of action 4."""

    enabled: bool
    contacts: int
    last_test_at: dt.datetime | None
    median_life_safety: float | None
    target: int


def line_states(district_ids, as_of: dt.date) -> dict[int, LineState]:
    """Each district's state in three queries (settings, chain size, life-safety acknowledgements in the
    last 365 days before ``as_of``)."""
    settings = {s.district_id: s for s in TipLineSettings.objects.filter(district_id__in=district_ids)}
    contacts = dict(OnCallContact.objects.filter(district_id__in=district_ids, active=True)
                    .values("district_id").annotate(n=Count("pk")).values_list("district_id", "n"))
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    start = end - dt.timedelta(days=365)
    acks: dict[int, list] = {}
    for district_id, created, ack in (Tip.objects.filter(
            district_id__in=district_ids, is_test=False, life_safety=True, acknowledged_at__isnull=False,
            created_at__gte=start, created_at__lt=end)
            .values_list("district_id", "created_at", "acknowledged_at")):
        acks.setdefault(district_id, []).append((created, ack))
    states = {}
    for district_id in district_ids:
        line = settings.get(district_id)
        states[district_id] = LineState(
            enabled=bool(line and line.enabled), contacts=contacts.get(district_id, 0),
            last_test_at=line.last_test_at if line else None,
            median_life_safety=_minutes(acks.get(district_id, [])),
            target=line.ack_target_minutes if line else TipLineSettings._meta.get_field("ack_target_minutes").default)
    return states


def judge(state: LineState, as_of: dt.date):
    """(status, reason, next step) for one district's tip line, in words."""
    from compliance.registry import Status

    if not state.enabled:
        return (Status.NOT_MET, _("The anonymous tip line is switched off."),
                _("Switch the tip line on in its settings."))
    problems, steps = [], []
    if state.contacts < 2:
        problems.append(_("the on-call chain has %(n)d contact(s); it needs at least 2") % {"n": state.contacts})
        steps.append(_("Add on-call contacts until the chain has two or more."))
    tested = state.last_test_at is not None and (as_of - state.last_test_at.date()).days <= TEST_WITHIN_DAYS
    if not tested:
        problems.append(_("the chain has not been tested successfully in the last %(days)d days")
                        % {"days": TEST_WITHIN_DAYS})
        steps.append(_("Send a test tip through the chain and acknowledge it."))
    if state.median_life_safety is not None and state.median_life_safety > state.target:
        problems.append(_("life-safety tips were acknowledged in %(median)s minutes (median), above the "
                          "target of %(target)s") % {"median": state.median_life_safety, "target": state.target})
        steps.append(_("Review who is on call and how quickly they are reached."))
    if problems:
        return Status.NOT_MET, _("Not met: %(problems)s.") % {"problems": "; ".join(problems)}, " ".join(steps)
    median = (_("median acknowledgement of life-safety tips %(m)s minutes (target %(t)s)")
              % {"m": state.median_life_safety, "t": state.target} if state.median_life_safety is not None
              else _("no life-safety tip to acknowledge in the last year"))
    return (Status.MET, _("Met: the tip line is on, the chain has %(n)d contacts, it was tested on %(date)s, "
                          "%(median)s.") % {"n": state.contacts, "date": state.last_test_at.date().isoformat(),
                                            "median": median}, "")


def evaluate(schools, school_year, as_of: dt.date) -> dict:
    """``{school_id: Result}``: the district's tip line judged once per district (every school of a district
    shares it), in a fixed number of queries."""
    from compliance.registry import Result

    schools = list(schools)
    district_ids = sorted({s.district_id for s in schools})
    states = line_states(district_ids, as_of)
    url = reverse("reporting:settings")
    results = {}
    for school in schools:
        status, reason, next_step = judge(states[school.district_id], as_of)
        results[school.pk] = Result(status, reason, next_step, url)
    return results


def now_local(district):
    return timezone.localtime(timezone=district.tz)

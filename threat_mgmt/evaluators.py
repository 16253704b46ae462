"""The action-6 evaluator, the owed tasks of My tasks, and the batch reading of what open cases still miss.

A school meets action 6 when it has a threat assessment team with an administrator, a mental health
professional and law enforcement, and its open cases are handled within the model's steps: each referral
classified within ``ASSESS_WITHIN_DAYS`` days, no monitoring check-in overdue. Reasons are counts, read
only by the district admin and threat teams (``integrations.py``). Fixed number of queries.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance.registry import Result, Status
from portal.owed_tasks import OwedTask

from . import steps as model_steps
from .models import Case, CheckIn, Intervention, Interview, StepRecord, Team, ThemeNote

ASSESS_WITHIN_DAYS = 10


def missing_by_case(cases) -> dict[int, list[str]]:
    """``{case_id: [missing step names]}`` for these cases in four queries whatever their number."""
    ids = [c.pk for c in cases]
    done = defaultdict(set)
    for case_id, step in StepRecord.objects.filter(case_id__in=ids).values_list("case_id", "step"):
        done[case_id].add(step)
    for case_id, kind in Interview.objects.filter(case_id__in=ids).values_list("case_id", "kind").distinct():
        done[case_id].add("interview_subject" if kind == Interview.Kind.SUBJECT else
                          "interview_witnesses" if kind in (Interview.Kind.WITNESS, Interview.Kind.TARGET) else "")
    for case_id in Intervention.objects.filter(case_id__in=ids).values_list("case_id", flat=True).distinct():
        done[case_id].add("safety_plan")
    for case_id, n in (ThemeNote.objects.filter(case_id__in=ids).values("case_id").annotate(n=Count("pk"))
                       .values_list("case_id", "n")):
        if n >= len(model_steps.NTAC_THEMES):
            done[case_id].add("ntac_themes")
    missing = {}
    for case in cases:
        if not case.classification:
            missing[case.pk] = [_("Classify the threat (the model's decision).")]
        else:
            missing[case.pk] = [model_steps.step_label(code) for code in model_steps.REQUIRED[case.classification]
                                if code not in done[case.pk]]
    return missing


def evaluate(schools, school_year, as_of: dt.date) -> dict[int, Result]:
    schools = list(schools)
    ids = [s.pk for s in schools]
    teams = {t.school_id: t for t in Team.objects.filter(school_id__in=ids).with_roster()}
    late = as_of - dt.timedelta(days=ASSESS_WITHIN_DAYS)
    counts = {row["school_id"]: row for row in Case.objects.filter(school_id__in=ids).open().values("school_id")
              .annotate(open=Count("pk"), unassessed=Count("pk", filter=Q(classification="", referred_on__lt=late)))
              .order_by()}
    overdue = dict(CheckIn.objects.filter(case__school_id__in=ids, held_on__isnull=True, due_on__lt=as_of)
                   .exclude(case__status=Case.Status.CLOSED).values("case__school_id").annotate(n=Count("pk"))
                   .values_list("case__school_id", "n").order_by())
    results = {}
    for school in schools:
        url = reverse("threat_mgmt:team-list")
        team = teams.get(school.pk)
        if team is None:
            results[school.pk] = Result(Status.NOT_MET, _("No threat assessment team."),
                                        _("Create the school's team: an administrator, a mental health "
                                          "professional and law enforcement."), url)
            continue
        missing = team.missing_disciplines(as_of)
        row = counts.get(school.pk, {"open": 0, "unassessed": 0})
        problems = []
        if missing:
            problems.append(_("The team lacks: %(list)s.") % {"list": ", ".join(missing)})
        if row["unassessed"]:
            problems.append(ngettext("%(n)s referral not classified within %(d)s days.",
                                     "%(n)s referrals not classified within %(d)s days.", row["unassessed"])
                            % {"n": row["unassessed"], "d": ASSESS_WITHIN_DAYS})
        if overdue.get(school.pk):
            problems.append(ngettext("%(n)s monitoring check-in overdue.", "%(n)s monitoring check-ins overdue.",
                                     overdue[school.pk]) % {"n": overdue[school.pk]})
        if problems:
            status = Status.NOT_MET if missing and len(missing) == 3 else Status.AT_RISK
            results[school.pk] = Result(status, " ".join(problems),
                                        _("Complete the team and bring open cases within the model's steps."), url)
        else:
            results[school.pk] = Result(Status.MET, ngettext(
                "Team complete; %(n)s open case, within the model's steps.",
                "Team complete; %(n)s open cases, within the model's steps.", row["open"]) % {"n": row["open"]},
                "", url)
    return results


# --------------------------------------------------------------------------------------------
# Owed tasks (My tasks, "Waiting for you")
# --------------------------------------------------------------------------------------------

OWED_LIMIT = 50


def checkins_due(user, memberships, today):
    """Monitoring check-ins due (today or before) on the open cases the person works."""
    link = reverse("threat_mgmt:case-detail", args=[987654321])
    rows = (CheckIn.objects.for_user(user, "change").filter(held_on__isnull=True, due_on__lte=today)
            .exclude(case__status=Case.Status.CLOSED).select_related("case__school").order_by("due_on")[:OWED_LIMIT])
    return [OwedTask(title=_("Check-in for case %(n)s") % {"n": c.case_id},
                     url=link.replace("987654321", str(c.case_id)) + "#monitoring", school=c.case.school,
                     due_on=c.due_on) for c in rows]


def steps_missing(user, memberships, today):
    """Open cases the person works whose model still requires steps (named in the detail)."""
    link = reverse("threat_mgmt:case-detail", args=[987654321])
    cases = list(Case.objects.for_user(user, "change").open().select_related("school")
                 .order_by("referred_on", "pk")[:OWED_LIMIT])
    missing = missing_by_case(cases)
    return [OwedTask(title=_("Steps to record on case %(n)s") % {"n": case.pk},
                     url=link.replace("987654321", str(case.pk)) + "#steps", school=case.school,
                     detail="; ".join(str(m) for m in missing[case.pk]))
            for case in cases if missing[case.pk]]

"""The case file PDF and the action-6 section of the compliance report.

The case file is rendered by threat_mgmt's task with compliance's PDF renderer (``compliance.pdf``) into a
``CaseFile``; it is watermarked with the person who asked for it and the time, carries every part of the
case except private notes (never exported), and is downloaded only through ``CaseFile``'s scope.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from . import steps as model_steps


def case_file_context(case_file) -> dict:
    """Everything of the case but private notes (never exported), and who asked for it when (the watermark)."""
    from .models import Case, CaseClosure

    case = (Case.objects.select_related("school__district").prefetch_related(
        "step_records", "interviews__interviewer", "themes", "interventions__owner", "checkins",
        "disclosures").get(pk=case_file.case_id))
    labels = dict(model_steps.NTAC_THEMES)
    title = _("Threat assessment case %(n)s") % {"n": case.pk}
    return {
        "document": {"title": title},
        "district": case.school.district,
        "school": case.school,
        "case": case,
        "missing": case.missing_steps(),
        "themes": [(labels.get(t.theme, t.theme), t) for t in case.themes.all()],
        "closure": CaseClosure.objects.filter(case=case).select_related("signed_by").first(),
        "requested_by": case_file.requested_by,
        "generated_at": timezone.now(),
    }


# --- The compliance report's section (confidential: counts only) --------------------------------


def report_context(schools, school_year, as_of) -> dict:
    """``{school_id: {...}}``: the school's result and counts of the year's cases (two queries + evaluator)."""
    from django.db.models import Count, Q

    from .equity import MIN_CELL
    from .evaluators import evaluate
    from .models import Case

    schools = list(schools)
    results = evaluate(schools, school_year, as_of)
    counts = {row["school_id"]: row for row in Case.objects.filter(
        school__in=[s.pk for s in schools], referred_on__gte=school_year.starts_on,
        referred_on__lte=min(as_of, school_year.ends_on)).values("school_id").annotate(
        total=Count("pk"), closed=Count("pk", filter=Q(status=Case.Status.CLOSED))).order_by()}

    def shown(n):  # small cells suppressed, as on the equity dashboard
        return n if n == 0 or n >= MIN_CELL else f"<{MIN_CELL}"

    return {s.pk: {"result": results[s.pk], "cases": shown(counts.get(s.pk, {}).get("total", 0)),
                   "closed": shown(counts.get(s.pk, {}).get("closed", 0))} for s in schools}

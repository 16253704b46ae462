"""Action 5 (coordination with first responders): how each school stands, in a fixed number of queries.

Met when, as of the day: the school's plan has an approved version signed by every required partner within
12 months, the partner contacts serving the school were all verified within 12 months, its site
information was walked with a partner within 12 months, and a joint exercise took place this school year.
Otherwise:

- not met: no approved plan (or none within 12 months), or no partner contact serving the school;
- at risk: an item has lapsed (contacts or site walk older than 12 months, no exercise yet) or the
  approval runs out within 60 days;
- on track: everything is current except the year's exercise, and the year still has time for one
  (more than 60 days left).

Five queries whatever the number of schools: plans' latest approved versions with their signed partner
kinds, contacts per school, site walks, exercises, and the district settings.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from compliance.registry import Result, Status

from .models import (
    CoordinationSettings,
    JointExercise,
    PartnerContact,
    PlanReview,
    PlanVersion,
    SiteVerification,
    months_ago,
    months_later,
)
from .services import kind_label

SOON_DAYS = 60


def _approved_versions(school_ids):
    """{school_id: (version, approved_on, signed kinds)} for each school's latest approved version."""
    versions = (PlanVersion.objects.filter(plan__school_id__in=school_ids, countersigned_at__isnull=False)
                .select_related("plan__district").order_by("plan__school_id", "-number"))
    by_school = {}
    for version in versions:
        by_school.setdefault(version.plan.school_id, version)
    kinds = defaultdict(set)
    for version_id, kind in PlanReview.objects.filter(version__in=list(by_school.values()),
                                                      signed_at__isnull=False).values_list("version_id", "kind"):
        kinds[version_id].add(kind)
    return {sid: (v, v.approved_on, kinds[v.pk]) for sid, v in by_school.items()}


def evaluate(schools, school_year, as_of) -> dict:
    schools = list(schools)
    if not schools:
        return {}
    ids = [s.pk for s in schools]
    year_start = school_year.starts_on if school_year is not None else months_ago(as_of)
    approved = _approved_versions(ids)
    through = PartnerContact.schools.through
    contacts, never = {}, set()
    for school_id, verified_on in through.objects.filter(school_id__in=ids).values_list(
            "school_id", "partnercontact__verified_on"):
        if verified_on is None:
            never.add(school_id)
        oldest = contacts.get(school_id)
        contacts[school_id] = verified_on if oldest is None else min(oldest, verified_on or oldest)
    walks = dict(SiteVerification.objects.filter(school_id__in=ids).values("school_id")
                 .annotate(last=Max("verified_on")).values_list("school_id", "last").order_by())
    exercises = dict(JointExercise.objects.filter(school_id__in=ids, held_on__gte=year_start, held_on__lte=as_of)
                     .values("school_id").annotate(last=Max("held_on")).values_list("school_id", "last").order_by())
    districts = {s.district_id for s in schools}
    settings = {row.district_id: list(row.required_review_kinds) for row in
                CoordinationSettings.objects.filter(district_id__in=districts)}
    cutoff = months_ago(as_of)
    results = {}
    for school in schools:
        results[school.pk] = _judge(school, as_of, cutoff, school_year, approved.get(school.pk),
                                    contacts.get(school.pk), school.pk in never, walks.get(school.pk),
                                    exercises.get(school.pk), settings.get(school.district_id))
    return results


def _judge(school, as_of, cutoff, school_year, approved, contacts, has_never_verified, walked_on, exercised_on,
           required):
    from .models import DEFAULT_REQUIRED_KINDS

    required = required or list(DEFAULT_REQUIRED_KINDS)
    plan_url = reverse("coordination:plan-list") + f"?school={school.pk}"
    reasons, steps, status = [], [], Status.MET
    soon = as_of + dt.timedelta(days=SOON_DAYS)

    def worse(new):
        nonlocal status
        order = [Status.MET, Status.ON_TRACK, Status.AT_RISK, Status.NOT_MET]
        if order.index(new) > order.index(status):
            status = new

    if approved is None:
        reasons.append(_("No coordination plan has been approved by the partners."))
        steps.append(_("Submit the plan for review by the required partners."))
        worse(Status.NOT_MET)
    else:
        version, approved_on, signed = approved
        year = approved_on.year
        missing = [k for k in required if k not in signed]
        if approved_on < cutoff:
            reasons.append(_("The plan was last approved on %(day)s, over 12 months ago.") % {"day": approved_on})
            steps.append(_("Submit a new version for re-review."))
            worse(Status.NOT_MET)
        elif missing:
            for kind in missing:
                reasons.append(_("%(kind)s has not signed the %(year)s plan.") % {"kind": kind_label(kind),
                                                                                   "year": year})
            steps.append(_("Ask the missing partners to review the plan."))
            worse(Status.AT_RISK)
        elif months_later(approved_on) <= soon:
            reasons.append(_("The plan is due for re-review by %(day)s.") % {"day": months_later(approved_on)})
            steps.append(_("Submit the plan for re-review soon."))
            worse(Status.AT_RISK)
    if contacts is None and not has_never_verified:
        reasons.append(_("No partner contact is listed for this school."))
        steps.append(_("Add the fire, EMS and police contacts who serve the school."))
        worse(Status.NOT_MET)
    elif has_never_verified or contacts < cutoff:
        reasons.append(_("Some partner contacts have not been verified in 12 months."))
        steps.append(_("Call each contact and mark them verified."))
        worse(Status.AT_RISK)
    if walked_on is None or walked_on < cutoff:
        reasons.append(_("The site information has not been walked with a partner in 12 months.")
                       if walked_on else _("The site information was never walked with a partner."))
        steps.append(_("Walk the site facts and floor plans with fire or police and record it."))
        worse(Status.AT_RISK)
    if exercised_on is None:
        year_ends = school_year.ends_on if school_year is not None else as_of
        reasons.append(_("No joint exercise with partners this school year."))
        steps.append(_("Hold a tabletop or functional exercise with your partners."))
        worse(Status.ON_TRACK if (year_ends - as_of).days > SOON_DAYS else Status.AT_RISK)
    if status == Status.MET:
        return Result(Status.MET, reason=_("Plan approved by every required partner, contacts and site verified, "
                                           "exercise held this year."), evidence_url=plan_url)
    return Result(status, reason=" ".join(reasons), next_step=steps[0], evidence_url=plan_url)

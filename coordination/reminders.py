"""Coordination reminders, as lines of the daily digest (``portal.notifications``):

- a plan version waiting for a reviewer's decision -> the reviewer, once per version;
- a partner contact not verified in 12 months -> the admins of the schools it serves, once per contact and
  verification date;
- an approved plan due for re-review within 30 days (or overdue) -> the school's admins, once per approval.

Three queries per district; lines say which school and when, never what the record holds.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.reminders import Reminder, day, digest_lines_from, holders_by_school, url_for
from schools.models import Membership

from .models import PartnerContact, PlanReview, PlanVersion, months_ago, months_later

RE_REVIEW_WARN_DAYS = 30


def waiting_reviews(district, today) -> list[Reminder]:
    rows = (PlanReview.objects.filter(version__plan__district=district, signed_at__isnull=True,
                                      decision=PlanReview.Decision.PENDING, version__signed_at__isnull=False,
                                      version__countersigned_at__isnull=True)
            .values_list("pk", "reviewer_id", "version_id", "version__plan__school__name", "version__signed_at"))
    link = url_for("coordination:review")
    return [Reminder(reviewer_id, "coordination_review", f"coordination.planversion:{version_id}",
                     timezone.localdate(signed_at, district.tz),
                     _("A coordination plan (%(school)s) is waiting for your review.")
                     % {"school": school or _("district plan")}, link(pk))
            for pk, reviewer_id, version_id, school, signed_at in rows]


def unverified_contacts(district, today, admins) -> list[Reminder]:
    cutoff = months_ago(today)
    rows = (PartnerContact.schools.through.objects
            .filter(partnercontact__agency__district=district, school__is_active=True)
            .filter(partnercontact__in=PartnerContact.objects.unverified_since(cutoff))
            .values_list("partnercontact_id", "partnercontact__name", "partnercontact__verified_on", "school_id"))
    link = url_for("coordination:contact-detail")
    reminders = []
    for contact_id, name, verified_on, school_id in rows:
        text = (_("Partner contact %(name)s was last verified on %(day)s: check their numbers.")
                % {"name": name, "day": day(verified_on)} if verified_on else
                _("Partner contact %(name)s was never verified: check their numbers.") % {"name": name})
        for admin_id in admins.get(school_id, []):
            reminders.append(Reminder(admin_id, "coordination_contact", f"coordination.partnercontact:{contact_id}",
                                      verified_on or dt.date(2000, 1, 1), text, link(contact_id)))
    return reminders


def re_reviews_due(district, today, admins) -> list[Reminder]:
    rows = (PlanVersion.objects.filter(plan__district=district, plan__school__isnull=False,
                                       countersigned_at__isnull=False)
            .select_related("plan__school", "plan__district").order_by("plan_id", "-number"))
    latest = {}
    for version in rows:
        latest.setdefault(version.plan_id, version)
    link = url_for("coordination:plan-detail")
    reminders = []
    for version in latest.values():
        due = months_later(version.approved_on)
        if (due - today).days > RE_REVIEW_WARN_DAYS:
            continue
        text = _("The coordination plan of %(school)s is due for re-review by %(day)s.") % {
            "school": version.plan.school.name, "day": day(due)}
        for admin_id in admins.get(version.plan.school_id, []):
            reminders.append(Reminder(admin_id, "coordination_re_review", f"coordination.planversion:{version.pk}",
                                      due, text, link(version.plan_id)))
    return reminders


def digest_lines(district, today):
    admins = holders_by_school(district, today, Membership.Role.SCHOOL_ADMIN)
    return digest_lines_from([*waiting_reviews(district, today), *unverified_contacts(district, today, admins),
                              *re_reviews_due(district, today, admins)])

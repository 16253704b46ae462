"""Threat assessment reminders, as lines of the daily digest: overdue monitoring check-ins go to the school's
threat team (its ``threat_team`` members and its roster), overdue interventions to their owner; once per
due date. Lines say which school and when, never what the case holds."""

from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.reminders import Reminder, day, digest_lines_from, holders_by_school, url_for
from schools.models import Membership

from .models import CheckIn, Intervention, TeamMember
from .services import reminder_subject


def digest_lines(district, today):
    link = url_for("threat_mgmt:case-detail")
    tasks_link = reverse("portal:my-tasks")
    team = holders_by_school(district, today, Membership.Role.THREAT_TEAM)
    roster = defaultdict(list)
    for school_id, user_id in (TeamMember.objects.filter(team__school__district=district, case__isnull=True,
                                                         starts_on__lte=today)
                               .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
                               .values_list("team__school_id", "user_id")):
        roster[school_id].append(user_id)
    reminders = []
    for case_id, school_id, school_name, due_on in (
            CheckIn.objects.filter(case__school__district=district, held_on__isnull=True, due_on__lt=today)
            .exclude(case__status="closed").values_list("case_id", "case__school_id", "case__school__name", "due_on")):
        text = _("A monitoring check-in at %(school)s was due on %(day)s.") % {"school": school_name,
                                                                                "day": day(due_on)}
        for user_id in {*team.get(school_id, []), *roster.get(school_id, [])}:
            reminders.append(Reminder(user_id, "threat_mgmt.checkin_overdue", reminder_subject(case_id), due_on,
                                      text, link(case_id)))
    for case_id, owner_id, school_name, due_on in (
            Intervention.objects.filter(case__school__district=district, done_at__isnull=True, due_on__lt=today)
            .exclude(case__status="closed").values_list("case_id", "owner_id", "case__school__name", "due_on")):
        text = _("An intervention you own at %(school)s was due on %(day)s.") % {"school": school_name,
                                                                                 "day": day(due_on)}
        # To My tasks: an owner outside the team (a teacher supervising) sees the item there, not the case.
        reminders.append(Reminder(owner_id, "threat_mgmt.intervention_overdue", reminder_subject(case_id), due_on,
                                  text, tasks_link))
    return digest_lines_from(reminders)

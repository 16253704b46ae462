"""The counselor's journey in Chromium at desktop (1280x800) and phone (390x844) width: axe-core's WCAG 2.1
A/AA rules (and the contrast of every control, hovered and focused) on every page of a case, reached from the
case page rather than the navigation: the case list, an open case with its plan and check-ins, a closed case,
each part's form, the closure and its sign-off, the team, the equity dashboard and retention."""

import datetime as dt

import pytest

from tests.browser.conftest import browser, context, page, watch  # noqa: F401  (the browser fixtures)
from tests.browser.helpers import sign_in_directly
from tests.browser.test_drill_states_accessible import VIEWPORTS, StateWalk
from threat_mgmt.models import Case, CaseClosure, CheckIn, Discipline, Intervention, Interview, Team, TeamMember

from .scope import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cases(world, counselor, principal):
    today = world.district.local_today()
    team = Team.objects.create(school=world.school_a, name="Team A")
    TeamMember.objects.create(team=team, user=counselor, discipline=Discipline.MENTAL_HEALTH, starts_on=today)
    TeamMember.objects.create(team=team, user=principal, discipline=Discipline.ADMINISTRATOR, starts_on=today)
    open_case = make_case(world, world.school_a, classification="serious_substantive", assessed_on=today,
                          referred_on=today - dt.timedelta(days=3), has_iep=True)
    Interview.objects.create(case=open_case, kind="subject", interviewee="The student", held_on=today,
                             interviewer=counselor, summary="Angry about a fight.")
    Intervention.objects.create(case=open_case, kind="counseling", title="Weekly counseling", owner=counselor,
                                due_on=today - dt.timedelta(days=1))
    CheckIn.objects.create(case=open_case, due_on=today - dt.timedelta(days=2))
    CheckIn.objects.create(case=open_case, due_on=today + dt.timedelta(days=5))
    closed = make_case(world, world.school_a, classification="transient", assessed_on=today, referred_on=today)
    closure = CaseClosure.objects.create(case=closed, closed_on=today, outcome="Resolved with an apology.")
    CaseClosure.objects.filter(pk=closure.pk).update(signed_at=dt.datetime.now(dt.UTC), signed_by=counselor)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED, closed_on=today)
    draft = CaseClosure.objects.create(case=make_case(world, world.school_a), closed_on=today, outcome="Draft")
    return team, open_case, closed, draft


@VIEWPORTS
def test_every_page_of_a_case_passes_axe(viewport, world, counselor_threat_team, school_a_admin, context, page,  # noqa: F811
                                         watch, live_server):  # noqa: F811
    page.set_viewport_size(viewport)
    page.emulate_media(reduced_motion="reduce")
    team, case, closed, draft = _cases(world, counselor_threat_team, school_a_admin)
    walk = StateWalk(page, watch)
    sign_in_directly(context, live_server.url, counselor_threat_team)
    paths = ["/threat/cases/", f"/threat/cases/{case.pk}/", f"/threat/cases/{closed.pk}/",
             f"/threat/cases/{case.pk}/edit/", f"/threat/cases/{case.pk}/interviews/new/",
             f"/threat/cases/{case.pk}/themes/", f"/threat/cases/{case.pk}/interventions/new/",
             f"/threat/cases/{case.pk}/checkins/schedule/", f"/threat/cases/{case.pk}/disclosures/new/",
             f"/threat/cases/{case.pk}/notes/new/", f"/threat/cases/{case.pk}/steps/notify_targets/",
             f"/threat/cases/{case.pk}/close/", f"/threat/closures/{draft.pk}/sign/", "/threat/cases/new/",
             f"/threat/teams/{team.pk}/", f"/threat/teams/{team.pk}/members/new/", "/threat/equity/",
             "/threat/retention/", "/threat/disclosures/"]
    for path in paths:
        assert walk.visit(path), walk.failures
    walk.assert_clean()

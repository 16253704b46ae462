"""A case opened from a tip: the tip's content copied in, the link kept both ways."""

import pytest
from django.test import RequestFactory

from reporting.links import links_for_tip
from threat_mgmt.models import Case

from ..reporting.scope import make_tip

pytestmark = pytest.mark.django_db


def _links(user, tip):
    request = RequestFactory().get("/")
    request.user = user
    return links_for_tip(request, tip)


def test_a_case_opened_from_a_tip_copies_it_and_the_tip_links_to_the_case(client, world, counselor_threat_team):
    tip = make_tip(world, world.school_a, what_happened="He said he'd bring a knife", when_happened="Monday",
                   people_involved="A 9th grader")
    assert _links(counselor_threat_team, tip) == [
        ("Open a threat assessment case", f"/threat/cases/from-tip/{tip.pk}/")]
    client.force_login(counselor_threat_team)
    form = client.get(f"/threat/cases/from-tip/{tip.pk}/")
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert "He said he'd bring a knife" in initial["concerning_behavior"] and "Monday" in initial["concerning_behavior"]
    response = client.post(f"/threat/cases/from-tip/{tip.pk}/", {
        "school": world.school_a.pk, "subject_kind": "student", "subject_name": "Unknown 9th grader", "grade": "09",
        "referral_source": "tip", "referred_on": "2026-10-01", "concerning_behavior": initial["concerning_behavior"],
        "targets": "A 9th grader"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.tip == tip and case.referral_source == Case.Source.TIP
    assert _links(counselor_threat_team, tip) == [(f"Threat assessment case {case.pk}", f"/threat/cases/{case.pk}/")]
    assert tip.code in client.get(f"/threat/cases/{case.pk}/").content.decode()


def test_the_tip_page_shows_the_case_to_nobody_outside_the_case_team(world, school_a_admin, tip_triage):
    tip = make_tip(world, world.school_a)
    Case.objects.create(school=world.school_a, tip=tip, subject_name="S", grade="09", referred_on="2026-10-01",
                        concerning_behavior="x")
    assert _links(school_a_admin, tip) == []
    assert _links(tip_triage, tip) == []


def test_a_tip_out_of_scope_is_a_404(client, world, counselor_threat_team):
    tip = make_tip(world, world.other_school)
    client.force_login(counselor_threat_team)
    assert client.get(f"/threat/cases/from-tip/{tip.pk}/").status_code == 404

"""The district setting of the partners who must sign, the district plan, site walks, and coordination's
section of the compliance reports."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from coordination import documents, services
from coordination.models import CoordinationPlan, CoordinationSettings, SiteVerification
from schools.models import Agency, Membership
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

from .builders import make_draft

pytestmark = pytest.mark.django_db


def test_the_district_admin_chooses_the_partners_who_must_sign(client, world, district_admin, school_a_admin,
                                                                sro_two_schools):
    client.force_login(district_admin)
    response = client.post(reverse("coordination:settings"), {"required_review_kinds": ["law_enforcement", "ems"]})
    assert response.status_code == 302
    assert CoordinationSettings.required_kinds_for(world.district) == ["law_enforcement", "ems"]
    draft = make_draft(world, world.school_a)
    problems = services.submission_problems(draft, [sro_two_schools.memberships.get(school=world.school_a)])
    assert problems == ["Name a EMS reviewer: the district requires Law enforcement, EMS to sign every plan."]
    client.force_login(school_a_admin)
    assert client.get(reverse("coordination:settings")).status_code == 403
    empty = client.post(reverse("coordination:settings"), {})
    assert empty.status_code == 403


def test_settings_need_at_least_one_partner(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("coordination:settings"), {})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_the_district_admin_writes_the_district_plan_which_every_school_reads(client, world, district_admin,
                                                                               school_a_staff, responder):
    client.force_login(district_admin)
    response = client.post(reverse("coordination:plan-create"), {"title": "District plan",
                                                                 "owner": district_admin.pk})
    plan = CoordinationPlan.objects.get()
    assert response.status_code == 302 and plan.school is None and plan.district == world.district
    again = client.post(reverse("coordination:plan-create"), {"title": "Another", "owner": district_admin.pk})
    assert again.status_code == 400 and "already has a district plan" in again.content.decode()
    client.force_login(school_a_staff)
    assert client.get(reverse("coordination:plan-detail", args=[plan.pk])).status_code == 200
    client.force_login(responder)
    assert client.get(reverse("coordination:plan-detail", args=[plan.pk])).status_code == 404


def test_a_site_walk_records_who_attested_it(client, world, school_a_admin):
    fire = AgencyFactory(district=world.district, kind=Agency.Kind.FIRE)
    client.force_login(school_a_admin)
    future = world.district.local_today() + dt.timedelta(days=3)
    response = client.post(reverse("coordination:siteverification-create"), {
        "school": world.school_a.pk, "verified_on": future, "partner_agency": fire.pk, "partner_name": "Cap"})
    assert response.status_code == 400 and "The walk cannot be in the future." in response.content.decode()
    response = client.post(reverse("coordination:siteverification-create"), {
        "school": world.school_a.pk, "verified_on": "2026-10-01", "partner_agency": fire.pk, "partner_name": "Cap"})
    walk = SiteVerification.objects.get()
    assert response.status_code == 302 and walk.verified_by == school_a_admin


def test_the_report_section_gives_each_school_its_status_and_reason(world):
    schools = [world.school_a, world.school_b]
    context = documents.report_section_context(schools, world.year, dt.date(2026, 11, 2))
    html = render_to_string("coordination/documents/_report_section.html", context[world.school_a.pk])
    assert "Coordination with first responders at School A" in html
    assert "No coordination plan has been approved by the partners." in html and "Next step:" in html


def test_a_sro_of_another_school_cannot_be_named_a_reviewer(world, school_a_admin):
    other = MembershipFactory(user=UserFactory(), role=Membership.Role.SRO, school=world.school_b,
                              agency=world.agency)
    reviewers = services.reviewer_memberships(world.school_a, world.district.local_today())
    assert other not in list(reviewers)

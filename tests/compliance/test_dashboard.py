"""The ten-actions dashboard: on the home page and on its own page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance import dashboard, registry
from compliance.registry import Result, Status
from schools.models import School
from tests.factories import BuildingFactory, SchoolFactory

pytestmark = pytest.mark.django_db

# What threat_mgmt will declare: threat-case counts are for the threat team and the district admin.
THREAT_READERS = {"district_admin", "threat_team"}


def matrix_html(client, url=None, **params):
    response = client.get(url or reverse("compliance:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


AT_RISK_BADGE = '<span class="status-badge status-at_risk"><span aria-hidden="true">⚠</span> At risk</span>'


def matrix_schools(html):
    """School names of the matrix rows, in order (the navbar's school switcher names schools too)."""
    return re.findall(r'<th scope="row"><a href="/compliance/schools/\d+/[^"]*">([^<]+)</a>', html)


def test_the_home_page_shows_a_district_admin_the_matrix_of_their_schools(client, district_admin, world,
                                                                          current_year, buildings_evaluator):
    client.force_login(district_admin)
    html = matrix_html(client, reverse("home"))
    assert 'class="table table-sm align-middle status-matrix"' in html
    assert matrix_schools(html) == ["School A", "School B", "School C"]
    assert world.other_school.name not in html
    assert current_year.name in html
    # Status in words and icon, not colour alone; untracked actions say so.
    assert ('<button type="button" class="status-badge status-at_risk status-trigger" aria-describedby='
            f'"reason-{world.school_a.pk}-3">\n  <span aria-hidden="true">⚠</span> At risk\n'
            '</button>') in html
    assert re.search(r'class="status-badge status-not_tracked[^"]*"[^>]*>\s*'
                     r'<span aria-hidden="true">\?</span> Not tracked', html)
    assert "No part of the portal tracks this action yet." in html
    assert "status-badge status-met" not in html


def test_the_matrix_takes_the_same_number_of_queries_at_3_and_at_60_schools(client, district_admin, world,
                                                                            current_year,
                                                                            buildings_evaluator):
    client.force_login(district_admin)
    url = reverse("compliance:dashboard")
    client.get(url)  # warm caches (content types, the session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(57):
        school = SchoolFactory(district=world.district, name=f"Extra school {i:02}")
        BuildingFactory(school=school)
        if i % 2:
            BuildingFactory(school=school, name="Gym")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(matrix_schools(response.content.decode())) == dashboard.PAGE_SIZE
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_home_page_matrix_also_keeps_its_query_count(client, district_admin, world, current_year,
                                                         buildings_evaluator):
    client.force_login(district_admin)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for _ in range(57):
        BuildingFactory(school=SchoolFactory(district=world.district))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(many) == len(few)


def test_500_schools_are_paginated(client, district_admin, world, current_year, buildings_evaluator):
    School.objects.bulk_create([School(district=world.district, name=f"Bulk {i:03}", level=School.Level.HIGH)
                                for i in range(497)])
    client.force_login(district_admin)
    html = matrix_html(client)
    assert "Page 1 of 10" in html
    assert html.count('<th scope="row"><a href="/compliance/schools/') == 50
    html = matrix_html(client, page=10)
    assert "Page 10 of 10" in html
    assert "500 schools by the ten essential actions" in html


def test_reasons_are_announced_on_focus_and_shown_on_hover_to_those_allowed(client, district_leader, world,
                                                                            current_year,
                                                                            buildings_evaluator):
    client.force_login(district_leader)
    html = matrix_html(client)
    tip = f"reason-{world.school_a.pk}-3"
    assert f'aria-describedby="{tip}"' in html
    assert f'<span role="tooltip" id="{tip}" class="status-tip">Only the main building is registered. ' \
           f'Next step: Register the portables.</span>' in html
    assert "js/compliance.js" in html and "onclick" not in html and "style=" not in html


def test_reasons_of_an_action_are_hidden_from_roles_it_does_not_name(client, district_leader, world,
                                                                     current_year, restore_registry):
    registry.register_evaluator(6, reason_roles=THREAT_READERS, evaluator=lambda schools, year, as_of: {
        s.pk: Result(Status.AT_RISK, "2 open threat cases past their review date.") for s in schools})
    client.force_login(district_leader)
    html = matrix_html(client)
    assert AT_RISK_BADGE in html
    assert "open threat cases" not in html


def test_a_threat_team_member_reads_the_threat_assessment_reasons_of_their_school(client,
                                                                                  counselor_threat_team,
                                                                                  world, current_year,
                                                                                  restore_registry):
    registry.register_evaluator(6, reason_roles=THREAT_READERS, evaluator=lambda schools, year, as_of: {
        s.pk: Result(Status.AT_RISK, "2 open threat cases past their review date.") for s in schools})
    registry.register_evaluator(1, reason_roles=registry.DEFAULT_REASON_ROLES, evaluator=lambda schools, year, as_of: {
        s.pk: Result(Status.NOT_MET, "No assessment this year.") for s in schools})
    client.force_login(counselor_threat_team)
    html = matrix_html(client, reverse("home"))
    assert "2 open threat cases past their review date." in html
    # Action 1's reasons are for those who run the program, not the counselor.
    assert "No assessment this year." not in html
    assert "The reason is shown only to the people who work on this action." in html


def test_a_school_admin_sees_their_schools_ten_actions_with_reasons_and_next_steps(client, school_a_admin,
                                                                                   world, current_year,
                                                                                   buildings_evaluator):
    client.force_login(school_a_admin)
    html = matrix_html(client, reverse("home"))
    assert "status-matrix" not in html
    assert "The ten essential actions at School A" in html
    assert "Only the main building is registered." in html
    assert "Register the portables." in html
    assert 'href="/district/buildings/"' in html
    assert "The ten essential actions at School B" not in html
    assert html.count("<tr>") >= 10


def test_school_staff_see_statuses_without_reasons(client, school_a_staff, world, current_year,
                                                   buildings_evaluator):
    client.force_login(school_a_staff)
    html = matrix_html(client, reverse("home"))
    assert AT_RISK_BADGE in html
    assert "Only the main building is registered." not in html


def test_a_past_year_can_be_chosen_and_is_evaluated_as_of_its_last_day(client, district_admin, world,
                                                                       current_year, past_year,
                                                                       restore_registry):
    calls = []

    def by_year(schools, year, as_of):
        calls.append((year, as_of))
        status = Status.MET if year == past_year else Status.ON_TRACK
        return {s.pk: Result(status, f"Checked {year.name}.") for s in schools}

    registry.register_evaluator(9, by_year)
    client.force_login(district_admin)
    html = matrix_html(client)
    assert "status-badge status-on_track" in html and "status-badge status-met" not in html
    html = matrix_html(client, year=past_year.pk)
    assert "status-badge status-met" in html and "status-badge status-on_track" not in html
    assert "You are looking at a past school year, Last year" in html
    assert calls[-1] == (past_year, past_year.ends_on)
    assert f'<option value="{past_year.pk}" selected>' in html


def test_a_year_of_another_district_is_refused(client, district_admin, world, current_year):
    from tests.scope_table import school_year_of

    other_year = school_year_of(world, world.other_district)
    client.force_login(district_admin)
    html = matrix_html(client, year=other_year.pk)
    assert "Select a valid choice" in html
    assert current_year.name in html


def test_the_matrix_filters_by_level(client, district_admin, world, current_year, buildings_evaluator):
    world.school_b.level = School.Level.ELEMENTARY
    world.school_b.save()
    client.force_login(district_admin)
    html = matrix_html(client, level="elementary")
    assert matrix_schools(html) == ["School B"]


def test_the_matrix_filters_by_status_of_one_action(client, district_admin, world, current_year,
                                                    buildings_evaluator):
    BuildingFactory(school=world.school_c, name="Annex")
    client.force_login(district_admin)
    html = matrix_html(client, action=3, status="met")
    assert matrix_schools(html) == ["School C"]
    html = matrix_html(client, action=3, status="not_met")
    assert "No school matches these filters." in html


def test_the_summary_counts_schools_per_status_and_links_to_them(client, district_admin, world, current_year,
                                                                 buildings_evaluator):
    BuildingFactory(school=world.school_c, name="Annex")
    client.force_login(district_admin)
    html = matrix_html(client)
    assert 'href="/compliance/dashboard/?action=3&amp;status=at_risk&amp;page=1">2<' in html
    assert 'href="/compliance/dashboard/?action=3&amp;status=met&amp;page=1">1<' in html


def test_the_school_switcher_narrows_the_matrix(client, district_admin, world, current_year):
    client.force_login(district_admin)
    client.post(reverse("portal:switch-school"), {"school": world.school_b.pk})
    html = matrix_html(client)
    assert matrix_schools(html) == ["School B"]


def test_without_a_school_year_the_dashboard_says_what_to_do(client, district_admin, world, current_year):
    current_year.delete()
    client.force_login(district_admin)
    html = matrix_html(client)
    assert "No school year covers today" in html
    assert "status-badge status-met" not in html


def test_a_person_without_a_membership_gets_no_dashboard(client, no_membership, world):
    client.force_login(no_membership)
    html = matrix_html(client)
    assert "School A" not in html and "status-matrix" not in html


def test_the_matrix_downloads_as_csv_with_reasons_only_for_allowed_roles(client, district_leader, world,
                                                                         current_year, buildings_evaluator,
                                                                         restore_registry):
    registry.register_evaluator(6, reason_roles=THREAT_READERS, evaluator=lambda schools, year, as_of: {
        s.pk: Result(Status.AT_RISK, "=2 open threat cases") for s in schools})
    client.force_login(district_leader)
    response = client.get(reverse("compliance:dashboard"), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffSchool,NCES id,Level,1. Comprehensive school safety assessment,")
    assert "School A" in body and "Only the main building is registered." in body
    assert "open threat cases" not in body
    assert "Other District School" not in body


def test_a_partner_responder_has_no_dashboard_and_no_link_to_it(client, responder, world):
    client.force_login(responder)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert reverse("compliance:dashboard") not in home.content.decode()
    assert client.get(reverse("compliance:dashboard")).status_code == 403
    assert client.get(reverse("compliance:school-status", args=[world.school_a.pk])).status_code == 403

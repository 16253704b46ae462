"""Dashboard additions of issue 13: totals per action with the trend against last year, and the school page's
evidence links (declared by the action apps' report sections)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance import registry
from compliance.registry import Result, Status
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_dependent(restore_registry, current_year):
    """Action 2 met this year, not met in any other year."""

    def evaluator(schools, school_year, as_of):
        status = Status.MET if school_year.pk == current_year.pk else Status.NOT_MET
        return {s.pk: Result(status, "Survey done." if status == Status.MET else "No survey.") for s in schools}

    registry.register_evaluator(2, evaluator)
    return evaluator


def test_the_dashboard_shows_totals_per_action_and_the_trend_against_last_year(client, district_leader, world,
                                                                              current_year, past_year,
                                                                              year_dependent):
    client.force_login(district_leader)
    page = client.get(reverse("compliance:dashboard")).content.decode()
    assert f"Totals per action, and the schools met in {past_year.name} as of the same date" in page
    row = page.split("2. School climate</th>", 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells[:4] == ["3", "0", "0", "0"]
    assert "3 more met" in cells[4]


def test_without_a_previous_year_the_totals_say_so(client, district_leader, world, current_year, year_dependent):
    client.force_login(district_leader)
    page = client.get(reverse("compliance:dashboard")).content.decode()
    assert "Totals per action (no earlier school year to compare with)" in page
    assert "Met a year ago" not in page


def test_the_trend_keeps_the_dashboards_query_count(client, district_leader, world, current_year, past_year,
                                                    year_dependent):
    client.force_login(district_leader)
    url = reverse("compliance:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        SchoolFactory(district=world.district, name=f"Extra {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries][-20:]


def test_the_school_page_lists_each_actions_evidence_links(client, school_a_admin, world, current_year,
                                                           buildings_evaluator):
    client.force_login(school_a_admin)
    page = client.get(reverse("compliance:school-status", args=[world.school_a.pk])).content.decode()
    evidence = page.split('id="evidence-heading"', 1)[1]
    drills = evidence.split("9. Drills", 1)[1].split("</li>", 1)[0]
    compliance_url = reverse("drills:compliance-school", args=[world.school_a.pk]) + f"?year={current_year.pk}"
    assert f'href="{compliance_url}"' in drills and "Drill compliance calendar" in drills
    assert f'href="{reverse("drills:drill-list")}?school={world.school_a.pk}"' in drills
    # Action 3's result carries its own evidence link (read by school admins).
    campus = evidence.split("3. Campus, building and classroom security", 1)[1].split("</li>", 1)[0]
    assert 'href="/district/buildings/"' in campus
    # An action with nothing to show says so.
    social = evidence.split("10. Social media monitoring", 1)[1].split("</li>", 1)[0]
    assert "No records in the portal for this action yet." in social

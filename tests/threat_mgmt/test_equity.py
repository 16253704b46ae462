"""The equity and outcomes dashboard: counts per group, rates per 1,000 by school, small cells suppressed,
a fixed number of queries, for the district admin and threat teams only."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from threat_mgmt.equity import Cell, suppress
from threat_mgmt.models import CaseClosure, ThreatSettings

from .scope import make_case

pytestmark = pytest.mark.django_db
URL = "/threat/equity/?referred_from=2026-01-01&referred_to=2027-06-30"


def test_cells_under_10_are_suppressed_with_one_more_when_a_total_would_reveal_them():
    cells = suppress([Cell(25), Cell(4), Cell(40), Cell(0)])
    assert [c.suppressed for c in cells] == [True, True, False, False]
    cells = suppress([Cell(3), Cell(5), Cell(40)])
    assert [c.suppressed for c in cells] == [True, True, False]


def _cases(world, n, school=None, **fields):
    return [make_case(world, school or world.school_a, **fields) for _ in range(n)]


def test_small_groups_are_suppressed_on_the_page(client, world, district_admin):
    world.school_a.enrollment = 2000
    world.school_a.save()
    _cases(world, 12, grade="09")
    _cases(world, 3, grade="10", has_iep=True)
    client.force_login(district_admin)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "7.5" in body  # 15 cases per 2,000 students
    assert "&lt;10" in body
    # The three IEP cases never appear as a number.
    context = response.context
    iep = next(r for r in context["disability_rows"] if r["label"] == "IEP")
    assert iep["cases"].suppressed and iep["cases"].shown is None


def test_race_and_ethnicity_only_where_the_district_records_it(client, world, district_admin):
    _cases(world, 11, race_ethnicity="black")
    client.force_login(district_admin)
    assert client.get(URL).context["race_rows"] == []
    ThreatSettings.objects.create(district=world.district, records_race_ethnicity=True)
    rows = client.get(URL).context["race_rows"]
    black = next(r for r in rows if r["label"] == "Black or African American")
    assert black["cases"].count == 11 and not black["cases"].suppressed


def test_outcomes_and_time_to_assessment_are_counted(client, world, district_admin):
    for case in _cases(world, 10, classification="transient", assessed_on=dt.date(2026, 10, 1),
                       referred_on=dt.date(2026, 10, 1)):
        closure = CaseClosure.objects.create(case=case, closed_on=dt.date(2026, 10, 5), outcome="x",
                                             suspension=True, days_out_of_school=2)
        CaseClosure.objects.filter(pk=closure.pk).update(signed_at=dt.datetime(2026, 10, 5, tzinfo=dt.UTC))
    client.force_login(district_admin)
    overall = client.get(URL).context["overall"]
    assert dict((str(label), cell.shown) for label, cell in overall["outcomes"])["Suspended"] == 10
    assert overall["days_out"] == 20
    assert overall["timing"][0].shown == 10  # same day


def test_the_dashboard_runs_a_fixed_number_of_queries(client, world, district_admin):
    client.force_login(district_admin)
    _cases(world, 3)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    _cases(world, 30, school=world.school_b, grade="11")
    assert count() == few


def test_a_school_team_sees_its_school_only_and_staff_may_not(client, world, counselor_threat_team,
                                                              school_a_staff):
    _cases(world, 12, school=world.school_b)
    client.force_login(counselor_threat_team)
    response = client.get(URL)
    assert [r["school"] for r in response.context["schools"]] == [world.school_a]
    assert "School B" not in response.content.decode()
    client.force_login(school_a_staff)
    assert client.get(URL).status_code == 403


def test_the_portable_path_counts_what_postgresql_counts(world, monkeypatch):
    """Another database (SQLite: make run's) gets one query per dimension: the same figures as GROUPING SETS."""
    from threat_mgmt import equity
    from threat_mgmt.models import Case

    _cases(world, 4, grade="09")
    for case in _cases(world, 3, grade="10", has_iep=True, assessed_on=dt.date(2026, 10, 2),
                       referred_on=dt.date(2026, 10, 1)):
        closure = CaseClosure.objects.create(case=case, closed_on=dt.date(2026, 10, 5), outcome="x", arrest=True,
                                             days_out_of_school=1)
        CaseClosure.objects.filter(pk=closure.pk).update(signed_at=dt.datetime(2026, 10, 5, tzinfo=dt.UTC))
    cases = Case.objects.all()
    on_postgresql = equity.summaries(cases)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    portable = equity.summaries(cases)
    assert portable == on_postgresql
    assert portable["total"]["n"] == 7 and portable["total"]["arrest"] == 3 and portable["total"]["within_3"] == 3

"""The team list and the disclosure ledger: paginated, filterable, the same queries for 3 rows as for 30."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SchoolFactory, UserFactory
from threat_mgmt.models import Discipline, Disclosure, Team, TeamMember

from .scope import make_case

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _teams(world, n):
    for _ in range(n):
        team = Team.objects.create(school=SchoolFactory(district=world.district))
        TeamMember.objects.create(team=team, user=UserFactory(), discipline=Discipline.ADMINISTRATOR,
                                  starts_on=dt.date(2020, 1, 1))


def test_the_team_list_warns_of_missing_disciplines_in_the_same_queries_for_3_and_30(client, world,
                                                                                     district_admin):
    client.force_login(district_admin)
    _teams(world, 3)
    few, body = _queries(client, "/threat/teams/")
    assert "Missing:" in body and "Mental health professional" in body
    _teams(world, 27)
    many, _body = _queries(client, "/threat/teams/")
    assert few == many


def _disclosures(world, n, basis="consent"):
    for _ in range(n):
        Disclosure.objects.create(case=make_case(world, world.school_a), disclosed_on=dt.date(2026, 10, 3),
                                  recipient="Clinic", information="Plan", basis=basis, recorded_by=UserFactory())


def test_the_disclosure_ledger_filters_by_basis_in_the_same_queries_for_3_and_30(client, world,
                                                                                 counselor_threat_team):
    client.force_login(counselor_threat_team)
    _disclosures(world, 3)
    few, _body = _queries(client, "/threat/disclosures/")
    _disclosures(world, 27)
    many, _body = _queries(client, "/threat/disclosures/")
    assert few == many
    _count, body = _queries(client, "/threat/disclosures/?basis=emergency")
    assert "No disclosures" in body or "Nothing matches" in body or "Clinic" not in body

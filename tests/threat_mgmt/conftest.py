"""Fixtures of the threat assessment tests: the district threat team, School A's team, an SRO."""

import pytest

from schools.models import Membership
from tests.factories import MembershipFactory, UserFactory
from threat_mgmt.models import Discipline, Team, TeamMember

Role = Membership.Role


@pytest.fixture
def district_threat_team(world):
    user = UserFactory(email="dtt@district.example", display_name="Dee District-Team")
    MembershipFactory(user=user, role=Role.THREAT_TEAM, district=world.district)
    return user


@pytest.fixture
def team_a(world, counselor_threat_team, school_a_admin):
    """School A's team: the counselor (mental health) and the principal (administrator); no law enforcement."""
    team = Team.objects.create(school=world.school_a, name="Team A")
    since = world.district.local_today().replace(year=2020)
    TeamMember.objects.create(team=team, user=counselor_threat_team, discipline=Discipline.MENTAL_HEALTH,
                              starts_on=since)
    TeamMember.objects.create(team=team, user=school_a_admin, discipline=Discipline.ADMINISTRATOR, starts_on=since)
    return team

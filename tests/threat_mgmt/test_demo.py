"""The demo step: a team at Pioneer and one at Huron, three cases (one closed and signed); idempotent."""

import io

import pytest
from django.core.management import call_command

from schools.models import User
from threat_mgmt.demo import DISTRICT_TEAM_EMAIL
from threat_mgmt.models import Case, CaseClosure, Team

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_teams_and_cases_once():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert Team.objects.count() == 2
    assert Case.objects.count() == 3
    assert CaseClosure.objects.filter(signed_at__isnull=False).count() == 1
    assert Case.objects.filter(status=Case.Status.CLOSED).count() == 1
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert Case.objects.count() == 3
    riley = User.objects.get(email=DISTRICT_TEAM_EMAIL)
    assert Case.objects.for_user(riley).count() == 3
    assert riley.memberships.count() == 1

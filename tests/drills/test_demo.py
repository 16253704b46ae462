"""seed_demo's drills step: a year of drills with requirements met, at risk and missed, and open follow-ups."""

import io

import pytest
from django.core.management import call_command

from compliance.registry import Status
from drills.evaluators import compliance_calendars
from drills.models import Drill, ImprovementItem
from schools.models import District, SchoolYear

pytestmark = pytest.mark.django_db


def test_the_demo_district_has_drills_in_every_state_and_a_second_run_adds_none():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    district = District.objects.get(nces_lea_id="2602820")
    drills = Drill.objects.filter(school__district=district)
    count = drills.count()
    last_year = SchoolYear.objects.filter(district=district).order_by("starts_on").first()
    statuses = {c.status for c in compliance_calendars(district.schools.all(), last_year, last_year.ends_on).values()}
    assert {Status.MET, Status.NOT_MET} <= statuses
    current = SchoolYear.current_for(district)
    today = district.local_today()
    if current is not None and current.first_instructional_day <= today <= current.last_instructional_day:
        now = compliance_calendars(district.schools.all(), current, today)
        assert Status.AT_RISK in {c.status for c in now.values()}
    assert drills.filter(status=Drill.Status.PLANNED).exists() and drills.filter(signed_at__isnull=False).exists()
    assert drills.filter(corrects__isnull=False).exists()
    assert ImprovementItem.objects.open().exists()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert drills.count() == count

"""The audit log names records the way people do ("Fire drill, School A, 1 Oct 2026"), not "drills.drill | 697";
records without a label show their kind and number, never their content."""

import datetime as dt

import pytest
from django.urls import reverse

from portal import audit
from schools.models import AuditEvent
from tests.drills.factories import planned

pytestmark = pytest.mark.django_db


def test_the_audit_log_shows_a_drill_by_kind_school_and_day(client, world, district_admin, school_a_admin):
    drill = planned(world.school_a, dt.date(2026, 10, 1))
    client.force_login(school_a_admin)
    assert client.get(reverse("drills:drill-detail", args=[drill.pk])).status_code == 200
    audit.record(AuditEvent.Action.VIEW, actor=school_a_admin, obj=drill)

    event = AuditEvent.objects.filter(object_type="drills.drill", object_id=str(drill.pk)).latest("at")
    assert event.object_label == f"{drill.kind.name}, {world.school_a.name}, 1 Oct 2026"

    client.force_login(district_admin)
    page = client.get(reverse("portal:auditevent-list")).content.decode()
    assert f"{drill.kind.name}, {world.school_a.name}, 1 Oct 2026" in page
    assert "drills.drill" not in page


def test_a_record_without_a_label_is_named_by_its_kind_and_number(world, district_admin):
    event = audit.record(AuditEvent.Action.VIEW, actor=district_admin, obj=world.school_a)
    assert event.object_label == f"School {world.school_a.pk}"
    assert world.school_a.name not in event.object_label

"""Who sees and does what in drills: out of scope is a 404, visible but not allowed a 403."""

import datetime as dt

import pytest

from drills.models import AfterActionReport, Drill, DrillKind, DrillRequirement, DrillSettings, ImprovementItem
from schools.models import AuditEvent
from tests.scoped_models import ScopedModelTests

from .factories import held, planned
from .scope import (
    make_after_action,
    make_drill,
    make_drill_kind,
    make_drill_requirement,
    make_drill_settings,
    make_improvement_item,
)

pytestmark = pytest.mark.django_db


# --- Generated: in scope, other school, other district, and the permission matrix per action --------------


class TestDrillScope(ScopedModelTests):
    model, make = Drill, make_drill


class TestAfterActionReportScope(ScopedModelTests):
    model, make = AfterActionReport, make_after_action


class TestImprovementItemScope(ScopedModelTests):
    model, make = ImprovementItem, make_improvement_item


class TestDistrictDrillRequirementScope(ScopedModelTests):
    """A district's own requirements (a state's rules are public law: test_requirements.py)."""

    model, make = DrillRequirement, make_drill_requirement


class TestDistrictDrillKindScope(ScopedModelTests):
    """A district's own kinds (the shared kinds are reference data every drills viewer sees)."""

    model, make = DrillKind, make_drill_kind


class TestDrillSettingsScope(ScopedModelTests):
    """A district's drill settings: its district admin only."""

    model, make = DrillSettings, make_drill_settings


# --- Pages: out of scope is a 404, visible but not allowed a 403 ---------------------------------------


def _signed(school, admin):
    drill = held(school, dt.date(2026, 9, 10))
    drill.sign_off(by=admin)
    return drill


@pytest.mark.parametrize("suffix", ["", "edit/", "record/", "sign/", "countersign/", "correct/", "after-action/",
                                    "delete/"])
def test_school_bs_drills_are_a_404_for_school_as_admin(client, world, school_a_admin, suffix):
    other = held(world.school_b, dt.date(2026, 9, 10))
    client.force_login(school_a_admin)
    assert client.get(f"/drills/drills/{other.pk}/{suffix}").status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_NOT_FOUND, object_id=str(other.pk)).exists()


def test_another_districts_drill_is_a_404_even_for_the_district_admin(client, world, district_admin):
    other = held(world.other_school, dt.date(2026, 9, 10))
    client.force_login(district_admin)
    assert client.get(f"/drills/drills/{other.pk}/").status_code == 404


def test_an_sro_reads_the_drills_of_their_schools(client, world, sro_two_schools):
    own = held(world.school_a, dt.date(2026, 9, 10))
    elsewhere = held(world.school_b, dt.date(2026, 9, 10))
    client.force_login(sro_two_schools)
    assert client.get(f"/drills/drills/{own.pk}/").status_code == 200
    assert client.get(f"/drills/drills/{elsewhere.pk}/").status_code == 404


@pytest.mark.parametrize("suffix", ["edit/", "record/", "sign/", "correct/", "delete/"])
def test_an_sro_cannot_edit_record_sign_correct_or_delete(client, world, sro_two_schools, school_a_admin, suffix):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(sro_two_schools)
    assert client.get(f"/drills/drills/{drill.pk}/{suffix}").status_code == 403
    assert client.post(f"/drills/drills/{drill.pk}/{suffix}", {}).status_code == 403
    drill.refresh_from_db()
    assert drill.signed_at is None


def test_an_sro_cannot_plan_a_drill_or_write_an_after_action_report(client, world, sro_two_schools):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(sro_two_schools)
    assert client.get("/drills/drills/new/").status_code == 403
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {"form": "report", "what_happened": "x"})
    assert response.status_code == 403


def test_an_sro_countersigns_a_signed_log_with_a_note(client, world, sro_two_schools, school_a_admin):
    drill = _signed(world.school_a, school_a_admin)
    client.force_login(sro_two_schools)
    page = client.get(f"/drills/drills/{drill.pk}/").content.decode()
    assert "Countersign" in page and "Record a correction" not in page and "Edit results" not in page
    response = client.post(f"/drills/drills/{drill.pk}/countersign/", {"note": "Observed from the front office."})
    assert response.status_code == 302
    drill.refresh_from_db()
    assert drill.countersigned_by == sro_two_schools
    assert drill.countersign_note == "Observed from the front office."
    again = client.post(f"/drills/drills/{drill.pk}/countersign/", {"note": "Twice"})
    assert again.status_code == 400
    drill.refresh_from_db()
    assert drill.countersign_note == "Observed from the front office."


def test_a_school_admin_cannot_countersign(client, world, school_a_admin):
    drill = _signed(world.school_a, school_a_admin)
    client.force_login(school_a_admin)
    assert client.get(f"/drills/drills/{drill.pk}/countersign/").status_code == 403


def test_staff_read_but_do_not_change(client, world, school_a_staff):
    drill = planned(world.school_a, dt.date(2026, 11, 20))
    client.force_login(school_a_staff)
    assert client.get(f"/drills/drills/{drill.pk}/").status_code == 200
    assert client.get(f"/drills/drills/{drill.pk}/edit/").status_code == 403
    assert client.post(f"/drills/drills/{drill.pk}/cancel/", {"reason": "x"}).status_code == 403


def test_tip_triage_has_nothing_in_drills(client, world, tip_triage):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(tip_triage)
    assert client.get(f"/drills/drills/{drill.pk}/").status_code == 404
    assert f"/drills/drills/{drill.pk}/" not in client.get("/drills/drills/").content.decode()
    assert client.get("/drills/compliance/").status_code == 403


def test_a_school_admin_cannot_plan_a_drill_at_another_school(client, world, school_a_admin):
    client.force_login(school_a_admin)
    response = client.post("/drills/drills/new/", {
        "school": world.school_b.pk, "kind": held(world.school_a, dt.date(2026, 9, 1)).kind_id,
        "planned_start": "2026-10-10T10:00"})
    assert response.status_code == 400
    assert not world.school_b.drills.exists()


def test_buildings_of_another_school_are_refused(client, world, school_a_admin, district_admin):
    client.force_login(district_admin)
    kind = held(world.school_a, dt.date(2026, 9, 1)).kind_id
    response = client.post("/drills/drills/new/", {
        "school": world.school_a.pk, "kind": kind, "planned_start": "2026-10-10T10:00",
        "buildings": [world.school_b.buildings.get().pk]})
    assert response.status_code == 400
    assert "belongs to another school" in response.content.decode()

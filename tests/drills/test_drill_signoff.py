"""Recording, signing off (which locks the log), and corrections: a signed log refuses change and
deletion through every path."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from drills.forms import DrillResultsForm
from drills.models import AfterActionReport, Drill, DrillLocked

from .factories import AfterActionFactory, held, planned

pytestmark = pytest.mark.django_db


def _signed(world, admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    drill.buildings.set(world.school_a.buildings.all())
    AfterActionFactory(drill=drill)
    drill.sign_off(by=admin)
    return drill


RESULTS = {"kind": None, "actual_start": "2026-09-10T10:00", "actual_end": "2026-09-10T10:12",
           "evacuation_or_lockdown_seconds": "185", "participant_count": "412", "announced": "on",
           "accommodations_count": "2", "accommodations_notes": "2 wheelchair users evacuated by the ramp",
           "no_attacker_roleplay_confirmed": "on", "issues_found": "East stairwell alarm faint."}


def test_a_school_admin_records_and_signs_a_drill(client, world, school_a_admin):
    drill = planned(world.school_a, dt.date(2026, 9, 10))
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/record/", {**RESULTS, "kind": drill.kind_id})
    assert response.status_code == 302, response.content.decode()[:2000]
    drill.refresh_from_db()
    assert drill.status == Drill.Status.COMPLETED
    assert drill.actual_start.astimezone(world.district.tz).hour == 10  # typed in the school's local time
    assert client.post(f"/drills/drills/{drill.pk}/sign/").status_code == 302
    drill.refresh_from_db()
    assert drill.signed_by == school_a_admin and drill.is_locked


def test_signing_needs_the_no_attacker_confirmation(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10), no_attacker_roleplay_confirmed=False)
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/sign/")
    assert response.status_code == 400
    assert "Confirm that no one role-played an attacker" in response.content.decode()
    drill.refresh_from_db()
    assert drill.signed_at is None


def test_a_planned_drill_cannot_be_signed(world, school_a_admin):
    drill = planned(world.school_a, dt.date(2026, 9, 10))
    with pytest.raises(ValidationError):
        drill.sign_off(by=school_a_admin)


def test_results_in_the_future_or_ending_before_they_start_are_refused(client, world, school_a_admin):
    drill = planned(world.school_a, dt.date(2026, 9, 10))
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/record/", {
        **RESULTS, "kind": drill.kind_id, "actual_start": "2099-09-10T10:00", "actual_end": "2099-09-10T09:00"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "in the future" in body and "cannot end before it starts" in body
    drill.refresh_from_db()
    assert drill.status == Drill.Status.PLANNED


def test_accommodation_notes_that_look_like_names_are_refused(client, world, school_a_admin):
    drill = planned(world.school_a, dt.date(2026, 9, 10))
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/record/", {
        **RESULTS, "kind": drill.kind_id, "accommodations_notes": "Maria Lopez, James T. Smith"})
    assert response.status_code == 400
    assert "looks like a list of names" in response.content.decode()


# --- A signed log is locked -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["edit/", "record/", "delete/"])
def test_a_signed_log_refuses_the_edit_record_and_delete_pages(client, world, district_admin, school_a_admin,
                                                                suffix):
    drill = _signed(world, school_a_admin)
    client.force_login(district_admin)
    assert client.get(f"/drills/drills/{drill.pk}/{suffix}").status_code == 403
    assert client.post(f"/drills/drills/{drill.pk}/{suffix}", {**RESULTS, "kind": drill.kind_id}).status_code == 403
    drill.refresh_from_db()
    assert drill.issues_found == "" and Drill.objects.filter(pk=drill.pk).exists()


def test_a_signed_log_locks_its_after_action_report(client, world, school_a_admin):
    drill = _signed(world, school_a_admin)
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {"form": "report", "what_happened": "New"})
    assert response.status_code == 403
    assert AfterActionReport.objects.get(drill=drill).what_happened != "New"


def test_a_signed_log_refuses_a_form_save(world, school_a_admin):
    drill = _signed(world, school_a_admin)
    form = DrillResultsForm({**RESULTS, "kind": drill.kind_id}, instance=drill, user=school_a_admin)
    assert form.is_valid(), form.errors
    with pytest.raises(DrillLocked):
        form.save()


def test_a_signed_log_refuses_the_model_methods(world, school_a_admin):
    drill = _signed(world, school_a_admin)
    drill.issues_found = "Rewritten"
    with pytest.raises(DrillLocked):
        drill.save()
    with pytest.raises(DrillLocked):
        Drill.objects.get(pk=drill.pk).delete()
    with pytest.raises(DrillLocked):
        Drill.objects.filter(pk=drill.pk).update(issues_found="Rewritten")
    with pytest.raises(DrillLocked):
        Drill.objects.filter(pk=drill.pk).delete()
    assert Drill.objects.get(pk=drill.pk).issues_found == ""


def test_a_stale_copy_loaded_before_signing_cannot_overwrite_the_signed_log(world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    stale = Drill.objects.get(pk=drill.pk)
    drill.sign_off(by=school_a_admin)
    stale.issues_found = "Changed after signing"
    with pytest.raises(DrillLocked):
        stale.save()


def test_the_countersignature_is_the_only_write_a_signed_log_takes(world, school_a_admin, sro_two_schools):
    drill = _signed(world, school_a_admin)
    drill.countersign(by=sro_two_schools, note="Seen.")
    drill.refresh_from_db()
    assert drill.countersigned_by == sro_two_schools


@pytest.mark.postgres
def test_postgres_refuses_raw_updates_and_deletes_of_a_signed_log(world, school_a_admin):
    drill = _signed(world, school_a_admin)
    for sql in ("UPDATE drills_drill SET issues_found = 'raw' WHERE id = %s",
                "DELETE FROM drills_drill WHERE id = %s",
                "DELETE FROM drills_drill_buildings WHERE drill_id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [drill.pk])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE drills_drill SET countersign_note = 'ok' WHERE id = %s", [drill.pk])
    assert Drill.objects.get(pk=drill.pk).countersign_note == "ok"
    assert Drill.objects.get(pk=drill.pk).buildings.count() == 1


# --- Deleting and cancelling -----------------------------------------------------------------


def test_a_district_admin_deletes_a_planned_drill_but_not_a_logged_one(client, world, district_admin):
    plan = planned(world.school_a, dt.date(2026, 11, 20))
    logged = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(district_admin)
    assert client.post(f"/drills/drills/{plan.pk}/delete/").status_code == 302
    assert not Drill.objects.filter(pk=plan.pk).exists()
    assert client.post(f"/drills/drills/{logged.pk}/delete/").status_code == 403
    assert Drill.objects.filter(pk=logged.pk).exists()


def test_a_school_admin_cancels_a_planned_drill_with_a_reason(client, world, school_a_admin):
    plan = planned(world.school_a, dt.date(2026, 11, 20))
    client.force_login(school_a_admin)
    client.post(f"/drills/drills/{plan.pk}/cancel/", {"reason": "Snow day"})
    plan.refresh_from_db()
    assert plan.status == Drill.Status.CANCELLED and plan.cancel_reason == "Snow day"


# --- Corrections ------------------------------------------------------------------------------


def test_a_correction_is_a_new_entry_naming_the_one_it_replaces(client, world, school_a_admin):
    original = _signed(world, school_a_admin)
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{original.pk}/correct/", {
        **RESULTS, "kind": original.kind_id, "evacuation_or_lockdown_seconds": "200",
        "buildings": [b.pk for b in original.buildings.all()], "correction_reason": "The time was misread."})
    assert response.status_code == 302, response.context["form"].errors
    correction = Drill.objects.get(corrects=original)
    assert correction.evacuation_or_lockdown_seconds == 200 and correction.signed_at is None
    assert correction.status == Drill.Status.COMPLETED
    assert list(correction.buildings.all()) == list(original.buildings.all())
    original.refresh_from_db()
    assert original.is_superseded and original.evacuation_or_lockdown_seconds == 240
    page = client.get(f"/drills/drills/{original.pk}/").content.decode()
    assert "Superseded" in page and "Record a correction" not in page
    assert client.get(f"/drills/drills/{original.pk}/correct/").status_code == 403


def test_a_correction_needs_a_reason(client, world, school_a_admin):
    original = _signed(world, school_a_admin)
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{original.pk}/correct/", {**RESULTS, "kind": original.kind_id})
    assert response.status_code == 400
    assert not Drill.objects.filter(corrects=original).exists()


def test_an_unsigned_entry_is_edited_not_corrected(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(school_a_admin)
    response = client.get(f"/drills/drills/{drill.pk}/correct/")
    assert response.status_code == 302 and response["Location"].endswith(f"/drills/drills/{drill.pk}/edit/")


def test_deleting_a_drill_other_records_still_use_is_a_409_with_the_reason_not_a_500(client, world, district_admin):
    from schools.models import AuditEvent

    drill = planned(world.school_a, dt.date(2026, 10, 5))
    AfterActionFactory(drill=drill)  # protects its drill (on_delete=PROTECT)
    client.force_login(district_admin)
    response = client.post(f"/drills/drills/{drill.pk}/delete/")
    assert response.status_code == 409
    assert "is still used by other records (after-action reports) and cannot be deleted" in response.content.decode()
    assert Drill.objects.filter(pk=drill.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, object_id=str(drill.pk)).exists()

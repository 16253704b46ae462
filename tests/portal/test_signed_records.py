"""The shared signed-record machinery (``portal/signed.py``): sign-off locks a record on every path, the
countersignature is its one later write, a correction is a new entry naming the one it replaces, the
generic pages, and the PostgreSQL guard the migration helper installs.

Drills is the concrete case for the model and the pages; the trigger helper is tried on tables of its own.
"""

import datetime as dt
import types
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.test.utils import isolate_apps

from drills.forms import DrillCorrectionForm
from drills.models import AfterActionReport, Drill, DrillLocked, ImprovementItem
from portal import signed
from portal.scope import ScopedQuerySet
from portal.signed import (
    COUNTERSIGN_FIELDS,
    RecordLocked,
    SignedMessages,
    SignedQuerySet,
    SignedRecord,
    save_correction,
    signed_record_guard,
    signed_record_guard_sql,
)
from schools.models import AuditEvent
from tests.drills.factories import AfterActionFactory, ImprovementItemFactory, held, planned

pytestmark = pytest.mark.django_db

RESULTS = {"actual_start": "2026-09-10T10:00", "actual_end": "2026-09-10T10:12",
           "evacuation_or_lockdown_seconds": "200", "participant_count": "412", "announced": "on",
           "accommodations_count": "0", "no_attacker_roleplay_confirmed": "on"}


def _signed(world, admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    drill.sign_off(by=admin)
    return drill


def _correction_form(original, user, **extra):
    data = {**RESULTS, "kind": original.kind_id, "correction_reason": "The time was misread.", **extra}
    return DrillCorrectionForm(data, instance=original.correction_draft(), user=user, scope_action="add")


# --- The model -------------------------------------------------------------------------------


def test_drill_is_a_signed_record_with_the_shared_exception_and_queryset():
    assert issubclass(Drill, SignedRecord) and DrillLocked is RecordLocked
    assert isinstance(Drill.objects.all(), SignedQuerySet)
    assert SignedRecord._meta.abstract
    fields = {f.name for f in Drill._meta.get_fields()}
    assert {"signed_at", "signed_by", "countersigned_at", "countersigned_by", "countersign_note", "corrects",
            "correction_reason", "corrected_by"} <= fields
    assert signed.check_signed_models() == []


def test_signing_locks_every_write_path_but_the_countersignature(world, school_a_admin, sro_two_schools):
    drill = _signed(world, school_a_admin)
    assert drill.is_locked and drill.signed_by == school_a_admin
    drill.issues_found = "Rewritten"
    with pytest.raises(RecordLocked, match="A signed drill log cannot be changed"):
        drill.save()
    with pytest.raises(RecordLocked, match="A signed drill log cannot be deleted"):
        Drill.objects.get(pk=drill.pk).delete()
    with pytest.raises(RecordLocked):
        Drill.objects.filter(pk=drill.pk).update(issues_found="Rewritten")
    with pytest.raises(RecordLocked):
        Drill.objects.filter(pk=drill.pk).delete()
    # The countersignature fields are the exception, by save(update_fields=...) and by update().
    fresh = Drill.objects.get(pk=drill.pk)
    fresh.countersign_note = "Seen."
    fresh.save(update_fields=["countersign_note"])
    Drill.objects.filter(pk=drill.pk).update(countersign_note="Seen twice.")
    assert Drill.objects.get(pk=drill.pk).countersign_note == "Seen twice."
    assert Drill.objects.get(pk=drill.pk).issues_found == ""
    assert {"countersigned_at", "countersigned_by_id", "countersign_note"} <= COUNTERSIGN_FIELDS


def test_two_people_signing_at_once_sign_once(world, school_a_admin, district_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    first, second = Drill.objects.get(pk=drill.pk), Drill.objects.get(pk=drill.pk)
    first.sign_off(by=school_a_admin)
    # The second copy was loaded before the first signature: its checks pass, the conditional UPDATE does not.
    with pytest.raises(ValidationError) as refused:
        second.sign_off(by=district_admin)
    assert refused.value.messages == ["This log is already signed."]
    assert Drill.objects.get(pk=drill.pk).signed_by == school_a_admin


def test_sign_off_problems_start_with_the_shared_ones_then_the_models(world, school_a_admin):
    unready = planned(world.school_a, dt.date(2026, 9, 10))
    assert unready.sign_off_problems() == ["Record the drill's results first.",
                                           "Confirm that no one role-played an attacker."]
    drill = _signed(world, school_a_admin)
    assert drill.sign_off_problems() == ["This log is already signed."]
    with pytest.raises(ValidationError):
        drill.sign_off(by=school_a_admin)


def test_the_countersignature_comes_after_the_signature_and_only_once(world, school_a_admin, sro_two_schools):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    assert drill.countersign_problems() == ["The school administrator signs the log first."]
    with pytest.raises(ValidationError):
        drill.countersign(by=sro_two_schools, note="Too early")
    drill.sign_off(by=school_a_admin)
    stale = Drill.objects.get(pk=drill.pk)
    drill.countersign(by=sro_two_schools, note="Seen.")
    with pytest.raises(ValidationError) as refused:
        stale.countersign(by=sro_two_schools, note="Again")  # loaded before the first countersignature
    assert refused.value.messages == ["This log is already countersigned."]
    drill.refresh_from_db()
    assert drill.countersigned_by == sro_two_schools and drill.countersign_note == "Seen."


def test_a_correction_draft_copies_the_named_fields_and_names_the_original(world, school_a_admin):
    original = _signed(world, school_a_admin)
    draft = original.correction_draft()
    assert draft.pk is None and draft.corrects == original and draft.signed_at is None
    for name in Drill.correction_copy_fields:
        assert getattr(draft, name) == getattr(original, name)
    assert draft.status == Drill.Status.COMPLETED
    assert not original.is_superseded  # an unsaved draft does not supersede


def test_save_correction_supersedes_the_original_and_current_leaves_it_out(world, school_a_admin):
    original = _signed(world, school_a_admin)
    form = _correction_form(original, school_a_admin)
    assert form.is_valid(), form.errors
    correction = save_correction(form=form, by=school_a_admin)
    original.refresh_from_db()
    assert original.is_superseded and correction.corrects == original
    assert set(Drill.objects.filter(pk__in=[original.pk, correction.pk]).current()) == {correction}
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(correction.pk))
    assert event.note == f"corrects drill {original.pk}" and "corrects" in event.fields
    # The superseded entry is not corrected twice, nor signed.
    again = _correction_form(original, school_a_admin)
    assert again.is_valid()
    with pytest.raises(ValidationError, match="already corrected; correct the latest entry instead"):
        save_correction(form=again, by=school_a_admin)
    # (a correction draft made meanwhile does not hide the saved correction)
    assert original.is_superseded
    assert "This entry was replaced by a correction; sign the correction instead." in original.sign_off_problems()


def test_save_correction_refuses_an_unsigned_entry_and_a_lost_race(world, school_a_admin):
    unsigned = held(world.school_a, dt.date(2026, 9, 10))
    form = _correction_form(unsigned, school_a_admin)
    assert form.is_valid()
    with pytest.raises(ValidationError, match="not signed yet: edit it instead of correcting it"):
        save_correction(form=form, by=school_a_admin)
    original = _signed(world, school_a_admin)
    first = _correction_form(original, school_a_admin)
    assert first.is_valid()
    save_correction(form=first, by=school_a_admin)
    # Someone else's correction landed between the check and the save: the one-to-one refuses it.
    late = _correction_form(Drill.objects.get(pk=original.pk), school_a_admin)
    assert late.is_valid()
    with mock.patch.object(Drill, "is_superseded", new=property(lambda self: False)), \
            pytest.raises(ValidationError, match="Someone corrected this entry a moment ago"):
        save_correction(form=late, by=school_a_admin)
    assert Drill.objects.filter(corrects=original).count() == 1


def test_a_model_without_its_own_words_speaks_of_a_record():
    words = SignedMessages()
    assert str(words.locked) == "A signed record cannot be changed; record a correction instead."
    assert str(words.already_signed) == "This record is already signed."
    assert str(Drill.signed_messages.already_signed) == "This log is already signed."


@isolate_apps("portal")
def test_the_system_check_names_a_signed_model_that_is_not_wired_up():
    class Loose(SignedRecord):
        title = models.CharField(max_length=10)
        objects = ScopedQuerySet.as_manager()
        correction_copy_fields = ("title", "no_such_field")

        class Meta:
            app_label = "portal"

    ids = [e.id for e in signed.signed_model_errors(Loose)]
    assert ids == ["portal.E101", "portal.E102"]


# --- The pages -------------------------------------------------------------------------------


def test_the_sign_page_is_the_shared_template_and_signing_is_audited(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(school_a_admin)
    url = f"/drills/drills/{drill.pk}/sign/"
    page = client.get(url)
    assert page.status_code == 200
    assert [t.name for t in page.templates][0] == "portal/signed_action.html"
    body = page.content.decode()
    assert "<title>Sign off the drill log" in body and "Sign off: Fire evacuation at School A</h1>" in body
    assert 'aria-current="page">Sign off<' in body and "Sign and lock the log" in body
    assert "No after-action report has been written" in body  # the drill's notice
    AfterActionFactory(drill=drill)
    assert "No after-action report" not in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"/drills/drills/{drill.pk}/"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(drill.pk), note="sign off")
    assert event.actor == school_a_admin and event.path == url


def test_the_sign_page_lists_what_stops_signing_as_an_alert(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10), no_attacker_roleplay_confirmed=False)
    client.force_login(school_a_admin)
    body = client.get(f"/drills/drills/{drill.pk}/sign/").content.decode()
    assert 'role="alert"' in body and "This log cannot be signed yet:" in body
    assert "Confirm that no one role-played an attacker." in body and "Sign and lock the log" not in body


def test_the_countersign_page_says_the_log_is_signed_first(client, world, sro_two_schools, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(sro_two_schools)
    url = f"/drills/drills/{drill.pk}/countersign/"
    page = client.get(url)
    assert page.status_code == 200 and "The school administrator signs the log first." in page.content.decode()
    assert client.post(url, {"note": "Early"}).status_code == 400
    drill.sign_off(by=school_a_admin)
    body = client.get(url).content.decode()
    assert 'for="id_note"' in body and "Your countersignature says you have read the signed log" in body
    assert client.post(url).status_code == 302  # the note is optional: an empty form countersigns
    drill.refresh_from_db()
    assert drill.countersigned_by == sro_two_schools and drill.countersign_note == ""
    assert AuditEvent.objects.filter(object_id=str(drill.pk), note="countersign", path=url).exists()


def test_the_correct_page_shows_form_errors_and_refuses_a_superseded_entry(client, world, school_a_admin):
    original = _signed(world, school_a_admin)
    client.force_login(school_a_admin)
    url = f"/drills/drills/{original.pk}/correct/"
    response = client.post(url, {**RESULTS, "kind": original.kind_id})  # no reason
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body and "Please correct the errors below. Nothing was saved." in body
    response = client.post(url, {**RESULTS, "kind": original.kind_id, "correction_reason": "Misread."})
    correction = Drill.objects.get(corrects=original)
    assert response.status_code == 302 and response["Location"] == f"/drills/drills/{correction.pk}/"
    assert correction.created_by == school_a_admin
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_FORBIDDEN, object_id=str(original.pk),
                                     note="superseded").exists()


def test_refuse_if_locked_is_an_audited_403(client, world, school_a_admin):
    drill = _signed(world, school_a_admin)
    client.force_login(school_a_admin)
    assert client.get(f"/drills/drills/{drill.pk}/record/").status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_FORBIDDEN, object_id=str(drill.pk),
                                     note="locked").exists()


# --- The PostgreSQL guard --------------------------------------------------------------------


def test_the_guard_helper_checks_its_identifiers_and_does_nothing_outside_postgresql():
    with pytest.raises(ValueError):
        signed_record_guard_sql("probe; DROP TABLE x")
    with pytest.raises(ValueError):
        signed_record_guard_sql("probe", m2m=[("probe_tags", "probe_id'")])
    editor = mock.Mock(connection=types.SimpleNamespace(vendor="sqlite"))
    operation = signed_record_guard("probe")
    operation.code(None, editor)
    operation.reverse_code(None, editor)
    editor.execute.assert_not_called()


PROBE_TABLES = """
CREATE TABLE probe_record (id bigserial PRIMARY KEY, body text NOT NULL DEFAULT '', signed_at timestamptz,
    countersigned_at timestamptz, countersigned_by_id bigint, countersign_note text NOT NULL DEFAULT '');
CREATE TABLE probe_record_tags (id bigserial PRIMARY KEY, record_id bigint NOT NULL, tag text NOT NULL);
INSERT INTO probe_record (id, body, signed_at) VALUES (1, 'signed', now()), (2, 'draft', NULL);
INSERT INTO probe_record_tags (record_id, tag) VALUES (1, 'a'), (2, 'b');
"""


def _refused(sql):
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(error.value)


@pytest.mark.postgres
def test_the_guard_refuses_raw_sql_on_a_signed_row_but_the_countersignature_columns():
    operation = signed_record_guard("probe_record", m2m=[("probe_record_tags", "record_id")])
    with connection.cursor() as cursor:
        cursor.execute(PROBE_TABLES)
    with connection.schema_editor(atomic=False) as editor:
        operation.code(None, editor)

    assert "probe_record 1: a signed record cannot be changed" in _refused(
        "UPDATE probe_record SET body = 'raw' WHERE id = 1")
    assert "a signed record cannot be deleted" in _refused("DELETE FROM probe_record WHERE id = 1")
    assert "the tags of a signed record cannot be changed" in _refused(
        "INSERT INTO probe_record_tags (record_id, tag) VALUES (1, 'new')")
    _refused("DELETE FROM probe_record_tags WHERE record_id = 1")
    _refused("UPDATE probe_record_tags SET tag = 'x' WHERE record_id = 1")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE probe_record SET countersign_note = 'ok', countersigned_at = now(), "
                       "countersigned_by_id = 7 WHERE id = 1")
        # An unsigned row and its links change freely; so does a row while it is being signed.
        cursor.execute("UPDATE probe_record SET body = 'edited' WHERE id = 2")
        cursor.execute("INSERT INTO probe_record_tags (record_id, tag) VALUES (2, 'c')")
        cursor.execute("DELETE FROM probe_record_tags WHERE record_id = 2 AND tag = 'b'")
        cursor.execute("UPDATE probe_record SET signed_at = now() WHERE id = 2")
        cursor.execute("SELECT countersign_note FROM probe_record WHERE id = 1")
        assert cursor.fetchone() == ("ok",)
    _refused("UPDATE probe_record SET body = 'after signing' WHERE id = 2")

    with connection.schema_editor(atomic=False) as editor:
        operation.reverse_code(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE probe_record SET body = 'unguarded' WHERE id = 1")
        cursor.execute("DELETE FROM probe_record_tags WHERE record_id = 1")


@pytest.mark.postgres
def test_the_drills_migration_installed_the_guard_under_its_old_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s ORDER BY tgname", ["drills_drill%"])
        names = [row[0] for row in cursor.fetchall()]
    assert names == ["drills_drill_buildings_signed_guard", "drills_drill_signed_guard"]


# --- What a signature covers (issue 9) ----------------------------------------------------------


def _countersigned(world, admin, sro):
    drill = _signed(world, admin)
    drill.countersign(by=sro, note="Seen.")
    return drill


def test_a_countersignature_once_made_cannot_be_changed_by_the_model_or_the_queryset(
        world, school_a_admin, sro_two_schools):
    drill = _countersigned(world, school_a_admin, sro_two_schools)
    fresh = Drill.objects.get(pk=drill.pk)
    fresh.countersign_note = "Rewritten."
    with pytest.raises(RecordLocked):
        fresh.save(update_fields=["countersign_note"])
    with pytest.raises(RecordLocked):
        Drill.objects.filter(pk=drill.pk).update(countersign_note="Rewritten.")
    with pytest.raises(RecordLocked):
        Drill.objects.filter(pk=drill.pk).update(countersigned_at=None, countersigned_by=None)
    assert Drill.objects.get(pk=drill.pk).countersign_note == "Seen."


def test_a_signed_logs_after_action_report_is_locked_by_the_model_and_the_queryset(world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    report = AfterActionFactory(drill=drill)
    report.went_well = "Editable before signing."
    report.save()
    drill.sign_off(by=school_a_admin)
    report = AfterActionReport.objects.get(pk=report.pk)
    assert report.is_locked
    report.what_happened = "Rewritten after signing."
    with pytest.raises(RecordLocked, match="its after-action report is locked"):
        report.save()
    with pytest.raises(RecordLocked):
        report.save(update_fields=["what_happened"])
    with pytest.raises(RecordLocked):
        AfterActionReport.objects.filter(pk=report.pk).update(what_happened="Rewritten.")
    with pytest.raises(RecordLocked, match="cannot be deleted"):
        AfterActionReport.objects.get(pk=report.pk).delete()
    with pytest.raises(RecordLocked):
        AfterActionReport.objects.filter(pk=report.pk).delete()
    assert AfterActionReport.objects.get(pk=report.pk).what_happened == "Everyone was out in four minutes."


def test_improvement_items_stay_workable_but_what_was_agreed_is_locked(world, school_a_admin, school_a_staff):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    item = ImprovementItemFactory(after_action=AfterActionFactory(drill=drill), owner=school_a_staff)
    drill.sign_off(by=school_a_admin)
    item = ImprovementItem.objects.get(pk=item.pk)
    # Workable: marked done with evidence, by the model and by a full save that changes only those.
    item.mark_done(by=school_a_staff, note="Alarm replaced.")
    item.evidence_note = "Work order 42."
    item.save()
    ImprovementItem.objects.filter(pk=item.pk).update(evidence_note="Work order 43.")
    # Agreed: title, owner, due date (and the report it belongs to) stay as written; no deletion.
    for field, value in (("title", "Something else"), ("owner", school_a_admin), ("due_on", dt.date(2027, 1, 1))):
        stale = ImprovementItem.objects.get(pk=item.pk)
        setattr(stale, field, value)
        with pytest.raises(RecordLocked, match="stay as agreed"):
            stale.save()
    with pytest.raises(RecordLocked):
        ImprovementItem.objects.filter(pk=item.pk).update(due_on=dt.date(2027, 1, 1))
    with pytest.raises(RecordLocked):
        ImprovementItem.objects.get(pk=item.pk).delete()
    with pytest.raises(RecordLocked):
        ImprovementItem.objects.filter(pk=item.pk).delete()
    item.refresh_from_db()
    assert (item.title, item.owner, item.is_done, item.evidence_note) == (
        "Fix the east stairwell alarm", school_a_staff, True, "Work order 43.")
    # Follow-up work found later may still be added to a signed log's report.
    ImprovementItemFactory(after_action=item.after_action, owner=school_a_staff)


def test_sign_off_stores_the_names_as_signed_and_the_log_keeps_showing_them(
        client, world, school_a_admin):
    building = world.school_a.buildings.get()
    drill = held(world.school_a, dt.date(2026, 9, 10), observing_agency=world.agency)
    drill.buildings.set([building])
    drill.sign_off(by=school_a_admin)
    snapshot = Drill.objects.get(pk=drill.pk).signed_snapshot
    assert snapshot == {"school": "School A", "kind": "Fire evacuation", "buildings": [building.name],
                        "observing_agency": "Ann Arbor Police Department"}
    old_building = building.name
    type(building).objects.filter(pk=building.pk).update(name="Renamed hall")
    type(world.school_a).objects.filter(pk=world.school_a.pk).update(name="Renamed School")
    type(world.agency).objects.filter(pk=world.agency.pk).update(name="Renamed Police")
    drill = Drill.objects.get(pk=drill.pk)
    assert (drill.school_name, drill.building_names, drill.observing_agency_name) == (
        "School A", [old_building], "Ann Arbor Police Department")
    client.force_login(school_a_admin)
    body = client.get(f"/drills/drills/{drill.pk}/").content.decode()
    assert "Fire evacuation · School A</h1>" in body and old_building in body
    assert "Ann Arbor Police Department" in body
    assert "Renamed hall" not in body and "Renamed Police" not in body
    # An unsigned log shows today's names.
    unsigned = held(world.school_a, dt.date(2026, 9, 11))
    assert unsigned.signed_snapshot == {} and Drill.objects.get(pk=unsigned.pk).school_name == "Renamed School"


def test_a_building_a_signed_log_names_is_not_deleted_and_the_page_says_why(client, world, school_a_admin,
                                                                             district_admin):
    building = world.school_a.buildings.get()
    drill = held(world.school_a, dt.date(2026, 9, 10))
    drill.buildings.set([building])
    drill.sign_off(by=school_a_admin)
    client.force_login(district_admin)
    url = f"/district/buildings/{building.pk}/delete/"
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 409
        assert "is named by a signed drill log and cannot be deleted" in response.content.decode()
    assert type(building).objects.filter(pk=building.pk).exists()
    assert list(Drill.objects.get(pk=drill.pk).buildings.all()) == [building]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_FORBIDDEN, object_id=str(building.pk),
                                     note="delete referenced").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, object_id=str(building.pk)).exists()


def test_a_building_only_unsigned_logs_name_is_deleted(client, world, district_admin):
    building = type(world.school_a.buildings.get()).objects.create(school=world.school_a, name="Annex")
    drill = held(world.school_a, dt.date(2026, 9, 10))
    drill.buildings.set([building])
    client.force_login(district_admin)
    response = client.post(f"/district/buildings/{building.pk}/delete/")
    assert response.status_code == 302
    assert not type(building).objects.filter(pk=building.pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, object_id=str(building.pk)).exists()


@pytest.mark.postgres
def test_the_guard_refuses_changing_a_countersignature_in_sql(world, school_a_admin, sro_two_schools):
    drill = _countersigned(world, school_a_admin, sro_two_schools)
    assert "a countersigned drill log cannot be changed" in _refused(
        f"UPDATE drills_drill SET countersign_note = 'raw' WHERE id = {drill.pk}")
    _refused(f"UPDATE drills_drill SET countersigned_at = NULL, countersigned_by_id = NULL WHERE id = {drill.pk}")
    # Before the countersignature, the countersign columns are the one write on a signed row.
    other = _signed(world, school_a_admin)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE drills_drill SET countersign_note = 'ok' WHERE id = %s", [other.pk])


@pytest.mark.postgres
def test_the_guard_locks_a_signed_logs_report_and_items_in_sql(world, school_a_admin, school_a_staff):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    report = AfterActionFactory(drill=drill)
    item = ImprovementItemFactory(after_action=report, owner=school_a_staff)
    with connection.cursor() as cursor:  # unsigned: free
        cursor.execute("UPDATE drills_afteractionreport SET went_well = 'ok' WHERE id = %s", [report.pk])
        cursor.execute("UPDATE drills_improvementitem SET title = 'Fix it' WHERE id = %s", [item.pk])
    drill.sign_off(by=school_a_admin)
    assert "a drill log report cannot be changed once signed" in _refused(
        f"UPDATE drills_afteractionreport SET what_happened = 'raw' WHERE id = {report.pk}")
    assert "cannot be deleted once signed" in _refused(
        f"DELETE FROM drills_afteractionreport WHERE id = {report.pk}")
    assert "improvement item cannot be changed once signed" in _refused(
        f"UPDATE drills_improvementitem SET title = 'raw' WHERE id = {item.pk}")
    _refused(f"UPDATE drills_improvementitem SET owner_id = {school_a_admin.pk} WHERE id = {item.pk}")
    _refused(f"UPDATE drills_improvementitem SET due_on = '2030-01-01' WHERE id = {item.pk}")
    _refused(f"DELETE FROM drills_improvementitem WHERE id = {item.pk}")
    with connection.cursor() as cursor:  # still workable
        cursor.execute("UPDATE drills_improvementitem SET done_at = now(), done_by_id = %s, evidence_note = 'done' "
                       "WHERE id = %s", [school_a_staff.pk, item.pk])
    item.refresh_from_db()
    assert item.is_done and item.title == "Fix it"


@pytest.mark.postgres
def test_deleting_a_building_of_a_signed_log_in_sql_is_refused(world, school_a_admin):
    building = world.school_a.buildings.get()
    drill = held(world.school_a, dt.date(2026, 9, 10))
    drill.buildings.set([building])
    drill.sign_off(by=school_a_admin)
    assert "the buildings of a signed drill log cannot be changed" in _refused(
        f"DELETE FROM drills_drill_buildings WHERE building_id = {building.pk}")
    assert list(drill.buildings.all()) == [building]


@pytest.mark.postgres
def test_the_drills_migrations_installed_the_report_and_item_guards():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s ORDER BY tgname",
                       ["drills_%_signed_guard"])
        names = {row[0] for row in cursor.fetchall()}
    assert {"drills_afteractionreport_signed_guard", "drills_improvementitem_signed_guard"} <= names


def test_the_orm_refuses_dropping_a_signed_logs_building_link_on_every_database(world, school_a_admin):
    building = world.school_a.buildings.get()
    drill = held(world.school_a, dt.date(2026, 9, 10))
    drill.buildings.set([building])
    drill.sign_off(by=school_a_admin)
    with pytest.raises(RecordLocked), transaction.atomic():
        type(building).objects.get(pk=building.pk).delete()  # SQLite used to drop the link silently
    with pytest.raises(RecordLocked), transaction.atomic():
        drill.buildings.remove(building)
    with pytest.raises(RecordLocked), transaction.atomic():
        drill.buildings.clear()
    assert list(Drill.objects.get(pk=drill.pk).buildings.all()) == [building]
    # An unsigned log's links (and the unsigned log) still go.
    other = held(world.school_a, dt.date(2026, 9, 11))
    other.buildings.set([building])
    other.buildings.clear()
    other.buildings.set([building])
    Drill.objects.get(pk=other.pk).delete()


def test_an_improvement_item_is_not_moved_into_a_signed_logs_report(world, school_a_admin, school_a_staff):
    signed_report = AfterActionFactory(drill=held(world.school_a, dt.date(2026, 9, 10)))
    signed_report.drill.sign_off(by=school_a_admin)
    item = ImprovementItemFactory(after_action=AfterActionFactory(drill=held(world.school_a, dt.date(2026, 9, 11))),
                                  owner=school_a_staff)
    item.after_action = signed_report
    with pytest.raises(RecordLocked):
        item.save()
    if connection.vendor == "postgresql":
        assert "cannot be moved to a signed record" in _refused(
            f"UPDATE drills_improvementitem SET after_action_id = {signed_report.pk} WHERE id = {item.pk}")

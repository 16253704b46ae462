"""The audit log: append-only in the database, kept when the request rolls back, and free of field values."""

import pytest
from django import forms
from django.db import DatabaseError, connection, transaction
from django.urls import include, path, reverse

import safety_portal.urls
from portal import audit
from schools.models import AuditEvent, Building, School
from schools.views import BuildingCRUD


def _event(**fields):
    return AuditEvent.objects.create(action=AuditEvent.Action.VIEW, object_type="schools.school",
                                     object_id="1", **fields)


# --- PostgreSQL refuses UPDATE and DELETE ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("sql", [
    "UPDATE schools_auditevent SET note = 'edited' WHERE id = %s",
    "DELETE FROM schools_auditevent WHERE id = %s",
])
def test_the_database_refuses_to_change_or_delete_audit_rows_in_sql(sql):
    event = _event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("change", [
    lambda e: AuditEvent.objects.filter(pk=e.pk).update(note="edited"),
    lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
    lambda e: e.delete(),
    lambda e: (setattr(e, "note", "edited"), e.save()),
], ids=["queryset-update", "queryset-delete", "instance-delete", "instance-save"])
def test_the_database_refuses_to_change_or_delete_audit_rows_through_the_orm(change):
    event = _event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(event)
    assert AuditEvent.objects.filter(pk=event.pk, note="").exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_new_audit_rows_can_still_be_written():
    _event()
    _event()
    assert AuditEvent.objects.count() == 2


# --- A refused access is recorded even when the request's transaction rolls back -------------------


class LeakyBuildingForm(forms.ModelForm):
    """A form with a bug: it offers every school. The save must still be refused and rolled back."""

    class Meta:
        model = Building
        fields = ["school", "name"]

    def __init__(self, *args, user, scope_action, **kwargs):
        super().__init__(*args, **kwargs)


class LeakyBuildingCRUD(BuildingCRUD):
    form_class = LeakyBuildingForm
    url_base = "leakybuilding"


app_urls = (LeakyBuildingCRUD.get_urls(), "leaky")
urlpatterns = [*safety_portal.urls.urlpatterns, path("leaky/", include(app_urls))]


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_save_that_leaves_the_scope_is_rolled_back_and_its_refusal_stays_in_the_audit_log(
        client, school_a_admin, world):
    building = Building.objects.get(school=world.school_a)
    client.force_login(school_a_admin)

    url = reverse("leaky:leakybuilding-update", kwargs={"pk": building.pk})
    response = client.post(url, {"school": world.school_b.pk, "name": "Moved away"})

    assert response.status_code == 403
    building.refresh_from_db()
    assert (building.school, building.name) == (world.school_a, "Main building")
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.DENIED_FORBIDDEN)
    assert refusal.actor == school_a_admin
    assert (refusal.object_type, refusal.object_id) == ("schools.building", str(building.pk))
    assert "outside scope" in refusal.note
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


@pytest.mark.django_db(transaction=True)
def test_a_404_inside_an_atomic_request_still_leaves_its_audit_row(client, school_a_admin, world,
                                                                    monkeypatch):
    # Every view runs inside one transaction here, so the 404 rolls back everything the request wrote.
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    other = Building.objects.get(school=world.school_b)
    client.force_login(school_a_admin)

    response = client.get(reverse("schools:building-detail", kwargs={"pk": other.pk}))

    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.DENIED_NOT_FOUND)
    assert (refusal.actor, refusal.object_type, refusal.object_id) == (school_a_admin, "schools.building",
                                                                       str(other.pk))
    assert refusal.path == f"/district/buildings/{other.pk}/"


@pytest.mark.django_db(transaction=True)
def test_an_audit_row_recorded_in_a_rolled_back_transaction_is_written_when_the_work_ends(world):
    with audit.deferred_writes(), pytest.raises(RuntimeError), transaction.atomic():
        School.objects.filter(pk=world.school_a.pk).update(name="Renamed")
        audit.record(AuditEvent.Action.DENIED_FORBIDDEN, object_type="schools.school", object_id="1")
        raise RuntimeError("the work failed")
    assert School.objects.get(pk=world.school_a.pk).name == "School A"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_FORBIDDEN).count() == 1


# --- No field values --------------------------------------------------------------------------------


def test_an_audited_change_records_field_names_and_never_their_values(client, district_admin, world):
    building = Building.objects.get(school=world.school_a)
    client.force_login(district_admin)

    response = client.post(reverse("schools:building-update", kwargs={"pk": building.pk}),
                           {"school": world.school_a.pk, "name": "Secret Gymnasium",
                            "notes": "Code 4417 on the door"})

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.fields == ["name", "notes"]
    assert (event.object_type, event.object_id, event.district_id) == ("schools.building", str(building.pk),
                                                                       world.district.pk)
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list(
        "actor_label", "object_type", "object_id", "fields", "path", "note"))
    assert "Secret" not in stored
    assert "4417" not in stored


def test_audit_events_have_no_column_for_values():
    names = {f.name for f in AuditEvent._meta.get_fields()}
    # object_label is the record's name in words (a model's audit_label, never content: portal/audit.py).
    assert names == {"id", "at", "actor", "actor_label", "action", "object_type", "object_id", "object_label",
                     "fields", "district", "path", "note"}


# --- The district of an audit row comes from the record's scope path -------------------------------


@pytest.mark.django_db
def test_a_rows_district_follows_the_records_scope_path_however_deep(world):
    """An improvement item reaches its district through after_action__drill__school; a district-wide record
    (a district requirement) through its district; the audit row names that district, with no actor."""
    from tests.drills.factories import ImprovementItemFactory, RequirementFactory

    item = ImprovementItemFactory(after_action__drill__school=world.other_school)
    requirement = RequirementFactory(district=world.district)
    assert audit.record(AuditEvent.Action.VIEW, obj=item).district_id == world.other_district.pk
    assert audit.record(AuditEvent.Action.VIEW, obj=requirement).district_id == world.district.pk
    assert audit.record(AuditEvent.Action.VIEW, obj=world.other_school).district_id == world.other_district.pk


@pytest.mark.django_db
def test_a_record_without_a_scope_path_has_no_district_unless_the_actor_has_one(world, district_admin):
    from schools.models import User

    person = User.objects.create_user("someone@example.org", "x" * 16, display_name="Someone")
    assert audit.record(AuditEvent.Action.UPDATE, obj=person).district_id is None
    assert audit.record(AuditEvent.Action.UPDATE, obj=person, actor=district_admin).district_id == world.district.pk

"""Partner contacts (verification, lists without N+1), responder access (granted through the accounts services,
listed, time-boxed), site facts (validation, GeoJSON), floor plans through the upload gate, joint exercises."""

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.models import ExerciseImprovement, FloorPlan, JointExercise, PartnerContact, SiteFact
from schools.models import Agency, AuditEvent, Membership, User
from tests.factories import AgencyFactory, UserFactory

from .builders import PNG, building_of, make_exercise

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_contact_list_costs_the_same_for_3_rows_as_for_30(client, world, district_admin):
    fire = AgencyFactory(district=world.district, kind=Agency.Kind.FIRE)
    for n in range(3):
        PartnerContact.objects.create(agency=fire, name=f"Contact {n}", role="Captain", phone="1")
    client.force_login(district_admin)
    few, _ = _count(client, reverse("coordination:contact-list"))
    for n in range(3, 30):
        PartnerContact.objects.create(agency=fire, name=f"Contact {n}", role="Captain", phone="1")
    many, response = _count(client, reverse("coordination:contact-list"))
    assert few == many and "Never verified" in response.content.decode()


def test_the_site_fact_list_costs_the_same_for_3_rows_as_for_30(client, world, school_a_admin):
    building = building_of(world.school_a)
    for n in range(3):
        SiteFact.objects.create(building=building, kind="aed", label=f"AED {n}", location="Hall")
    client.force_login(school_a_admin)
    few, _ = _count(client, reverse("coordination:sitefact-list"))
    for n in range(3, 30):
        SiteFact.objects.create(building=building, kind="aed", label=f"AED {n}", location="Hall")
    many, _ = _count(client, reverse("coordination:sitefact-list"))
    assert few == many


def test_the_unverified_filter_and_the_empty_state(client, world, district_admin):
    client.force_login(district_admin)
    html = client.get(reverse("coordination:contact-list")).content.decode()
    assert "No partner contacts yet." in html
    fire = AgencyFactory(district=world.district, kind=Agency.Kind.FIRE)
    old = PartnerContact.objects.create(agency=fire, name="Old", role="Captain", phone="1")
    new = PartnerContact.objects.create(agency=fire, name="New", role="Captain", phone="1")
    PartnerContact.objects.filter(pk=new.pk).update(verified_on=world.district.local_today())
    html = client.get(reverse("coordination:contact-list"), {"unverified": "true"}).content.decode()
    assert f"/coordination/contacts/{old.pk}/" in html and f"/coordination/contacts/{new.pk}/" not in html


def test_an_sro_marks_a_contact_verified_today(client, world, sro_two_schools):
    contact = PartnerContact.objects.create(agency=world.agency, name="Lt. Cho", role="Lieutenant", phone="1")
    client.force_login(sro_two_schools)
    response = client.post(reverse("coordination:contact-verify", args=[contact.pk]))
    contact.refresh_from_db()
    assert response.status_code == 302 and contact.verified_on == world.district.local_today()
    assert contact.verified_by == sro_two_schools


def test_a_contact_cannot_serve_a_school_of_another_district(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("coordination:contact-create"), {
        "agency": world.agency.pk, "name": "X", "role": "Y", "phone": "1", "schools": [world.other_school.pk]})
    assert response.status_code == 400 and not PartnerContact.objects.exists()


# --- Responder access --------------------------------------------------------------------------------


def test_the_district_admin_grants_a_contact_responder_access_until_a_date(client, world, district_admin):
    fire = AgencyFactory(district=world.district, kind=Agency.Kind.FIRE, name="Fire Dept")
    contact = PartnerContact.objects.create(agency=fire, name="Captain Ray", role="Captain", phone="1",
                                            email="ray@fire.example")
    today = world.district.local_today()
    client.force_login(district_admin)
    url = reverse("coordination:responder-grant", args=[contact.pk])
    too_long = client.post(url, {"schools": [world.school_a.pk], "ends_on": today + dt.timedelta(days=400)})
    assert too_long.status_code == 400 and "at most one year" in too_long.content.decode()
    response = client.post(url, {"schools": [world.school_a.pk, world.school_c.pk],
                                 "ends_on": today + dt.timedelta(days=200)})
    assert response.status_code == 302
    user = User.objects.get(email="ray@fire.example")
    grants = Membership.objects.filter(user=user, role=Membership.Role.RESPONDER)
    assert {m.school for m in grants} == {world.school_a, world.school_c}
    assert {m.ends_on for m in grants} == {today + dt.timedelta(days=200)} and {m.agency for m in grants} == {fire}
    assert not user.is_active  # invited: the district enables the account as for anyone
    html = client.get(reverse("coordination:responder-access")).content.decode()
    assert "Captain Ray" in html and "School C" in html


def test_only_the_district_admin_grants_access(client, world, school_a_admin):
    contact = PartnerContact.objects.create(agency=world.agency, name="Lt", role="Lt", phone="1",
                                            email="lt@police.example")
    client.force_login(school_a_admin)
    assert client.get(reverse("coordination:responder-grant", args=[contact.pk])).status_code == 403
    assert client.get(reverse("coordination:responder-access")).status_code == 403


def test_a_responder_sees_only_the_contacts_serving_their_schools(client, world, responder):
    serving = PartnerContact.objects.create(agency=world.agency, name="Serving", role="Lt", phone="1")
    serving.schools.add(world.school_a)
    other = PartnerContact.objects.create(agency=world.agency, name="Elsewhere", role="Lt", phone="1")
    other.schools.add(world.school_b)
    client.force_login(responder)
    html = client.get(reverse("coordination:school", args=[world.school_a.pk])).content.decode()
    assert "Serving" in html and "Elsewhere" not in html
    assert client.get(reverse("coordination:school", args=[world.school_b.pk])).status_code == 404
    assert client.get(reverse("coordination:contact-update", args=[serving.pk])).status_code in (403, 404)


# --- Site facts --------------------------------------------------------------------------------------


def test_site_fact_coordinates_are_validated_on_the_form(client, world, school_a_admin):
    client.force_login(school_a_admin)
    building = building_of(world.school_a)
    response = client.post(reverse("coordination:sitefact-create"), {
        "building": building.pk, "kind": "entrance", "label": "Door 7", "location": "Gym",
        "latitude": "95", "longitude": ""})
    html = response.content.decode()
    assert response.status_code == 400 and not SiteFact.objects.exists()
    assert "less than or equal to 90" in html
    response = client.post(reverse("coordination:sitefact-create"), {
        "building": building.pk, "kind": "entrance", "label": "Door 7", "location": "Gym", "latitude": "42.1"})
    html = response.content.decode()
    assert "Give both latitude and longitude, or neither." in html or "door number" in html


def test_the_geojson_export_is_rfc_7946_scoped_and_audited(client, world, responder):
    building = building_of(world.school_a)
    SiteFact.objects.create(building=building, kind="key_box", label="Knox box", location="Door 1",
                            latitude="42.2481", longitude="-83.7436")
    SiteFact.objects.create(building=building, kind="aed", label="AED", location="Gym")  # no coordinates
    SiteFact.objects.create(building=building_of(world.school_b), kind="aed", label="B's AED", location="Hall",
                            latitude="42.1", longitude="-83.1")
    client.force_login(responder)
    response = client.get(reverse("coordination:sitefact-geojson", args=[world.school_a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"] == {"type": "Point",
                                                                    "coordinates": [-83.7436, 42.2481]}
    assert feature["properties"]["label"] == "Knox box"
    assert AuditEvent.objects.filter(actor=responder, action=AuditEvent.Action.EXPORT,
                                     object_type="coordination.sitefact").exists()
    assert client.get(reverse("coordination:sitefact-geojson", args=[world.school_b.pk])).status_code == 404


def test_a_floor_plan_goes_through_the_upload_gate(client, world, school_a_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(school_a_admin)
    building = building_of(world.school_a)
    bad = client.post(reverse("coordination:floorplan-create"), {
        "building": building.pk, "title": "Ground",
        "file": SimpleUploadedFile("plan.svg", b"<svg onload='x'/>", content_type="image/svg+xml")})
    assert bad.status_code == 400 and not FloorPlan.objects.exists()
    good = client.post(reverse("coordination:floorplan-create"), {
        "building": building.pk, "title": "Ground",
        "file": SimpleUploadedFile("plan.png", PNG, content_type="image/png")})
    assert good.status_code == 302
    floor_plan = FloorPlan.objects.get()
    assert re.fullmatch(r"coordination/floorplans/\d{4}/[0-9a-f]{32}\.png", floor_plan.file.name)
    download = client.get(reverse("coordination:floorplan-download", args=[floor_plan.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    b"".join(download.streaming_content)


# --- Joint exercises ---------------------------------------------------------------------------------


def test_an_exercise_improvement_is_a_follow_up_on_the_owners_my_tasks(client, world, school_a_admin,
                                                                        school_a_staff):
    exercise = make_exercise(world, world.school_a)
    client.force_login(school_a_admin)
    response = client.post(reverse("coordination:exercise-improvement-add", args=[exercise.pk]), {
        "title": "Practise the call tree", "owner": school_a_staff.pk, "due_on": "2026-12-15"})
    assert response.status_code == 302
    item = ExerciseImprovement.objects.get()
    assert item.owner == school_a_staff and item.exercise == exercise
    client.force_login(school_a_staff)
    assert "Practise the call tree" in client.get(reverse("portal:my-tasks")).content.decode()


def test_recording_an_exercise_names_the_agencies_present(client, world, school_a_admin):
    fire = AgencyFactory(district=world.district, kind=Agency.Kind.FIRE)
    client.force_login(school_a_admin)
    response = client.post(reverse("coordination:exercise-create"), {
        "school": world.school_a.pk, "held_on": "2026-10-20", "kind": "tabletop", "scenario": "Gas leak",
        "agencies": [fire.pk, world.agency.pk], "what_was_tested": "Shelter in place"})
    assert response.status_code == 302
    assert set(JointExercise.objects.get().agencies.all()) == {fire, world.agency}
    missing = client.post(reverse("coordination:exercise-create"), {"school": world.school_a.pk})
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()


def test_the_responder_access_page_filters_ended_grants(client, world, district_admin, responder):
    ended = UserFactory(email="old@fire.example", display_name="Old Captain")
    today = world.district.local_today()
    Membership.objects.create(user=ended, role=Membership.Role.RESPONDER, school=world.school_b,
                              agency=responder.memberships.get().agency, starts_on=today - dt.timedelta(days=200),
                              ends_on=today - dt.timedelta(days=2))
    client.force_login(district_admin)
    url = reverse("coordination:responder-access")
    html = client.get(url).content.decode()
    assert "Rae Responder" in html and "Old Captain" in html and "Ended" in html
    html = client.get(url, {"state": "ended"}).content.decode()
    assert "Old Captain" in html and "Rae Responder" not in html
    html = client.get(url, {"state": "active", "school": world.school_b.pk}).content.decode()
    assert "Nothing matches these filters." in html


def test_the_school_page_offers_the_responder_packet_to_those_who_may_request_it(client, world, school_a_admin,
                                                                                  responder):
    url = reverse("coordination:school", args=[world.school_a.pk])
    client.force_login(school_a_admin)
    html = client.get(url).content.decode()
    assert "?kind=responder_packet&amp;school=" in html
    request_form = client.get(reverse("compliance:document-request"),
                              {"kind": "responder_packet", "school": world.school_a.pk}).content.decode()
    assert "Responder packet" in request_form
    client.force_login(responder)
    assert "responder_packet" not in client.get(url).content.decode()

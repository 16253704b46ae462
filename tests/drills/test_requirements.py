"""Requirements: state rules are read only and labelled by confidence; a district admin adds the district's own."""

import pytest

from drills.models import DrillKind, DrillRequirement

pytestmark = pytest.mark.django_db
URL = "/drills/drillrequirements/"


def _form(**extra):
    data = {"title": "reunification drills", "code": "", "kinds": [DrillKind.objects.get(code="reunification").pk],
            "min_count": "1", "window": "school_year", "confidence": "verified_statute",
            "citation": "Board policy 5.2"}
    data.update(extra)
    return data


def test_the_list_shows_the_states_rules_and_marks_unverified_ones(client, world, school_a_staff):
    client.force_login(school_a_staff)
    body = client.get(URL + "?owner=state").content.decode()
    assert "MCL 29.19(3)" in body
    assert "Texas" not in body  # only the district's own state
    client.get(URL + "?confidence=unverified")


def test_a_district_admin_adds_a_district_requirement(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(URL + "new/", _form())
    assert response.status_code == 302, response.context["form"].errors
    requirement = DrillRequirement.objects.get(district=world.district)
    assert requirement.code == "reunification-drills" and requirement.state == ""


def test_a_window_missing_its_n_is_refused_with_a_message(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(URL + "new/", _form(window="first_n_instructional_days"))
    assert response.status_code == 400
    assert "This window needs N." in response.content.decode()


def test_a_maximum_below_the_minimum_is_refused(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(URL + "new/", _form(min_count="3", max_count="2"))
    assert response.status_code == 400


def test_two_versions_of_a_rule_may_not_overlap(client, world, district_admin):
    client.force_login(district_admin)
    assert client.post(URL + "new/", _form(code="reunify", effective_until="2026-12-31")).status_code == 302
    assert client.post(URL + "new/", _form(code="reunify", effective_from="2026-12-01")).status_code == 400
    assert client.post(URL + "new/", _form(code="reunify", effective_from="2027-01-01")).status_code == 302


def test_state_rules_cannot_be_edited_or_deleted(client, world, district_admin):
    rule = DrillRequirement.objects.get(state="MI", code="mi-fire")
    client.force_login(district_admin)
    assert client.get(f"{URL}{rule.pk}/").status_code == 200
    assert client.get(f"{URL}{rule.pk}/edit/").status_code == 403
    assert client.post(f"{URL}{rule.pk}/delete/").status_code == 403


def test_a_school_admin_cannot_add_requirements(client, world, school_a_admin):
    client.force_login(school_a_admin)
    assert client.get(URL + "new/").status_code == 403


def test_another_districts_requirement_is_a_404(client, world, district_admin):
    other = DrillRequirement.objects.create(district=world.other_district, code="x", title="x drills")
    client.force_login(district_admin)
    assert client.get(f"{URL}{other.pk}/").status_code == 404


def test_a_district_admin_adds_a_district_kind_but_not_a_shared_code(client, world, district_admin):
    client.force_login(district_admin)
    assert client.post("/drills/drillkinds/new/", {"code": "lockdown", "name": "Lockdown",
                                                   "is_active": "on"}).status_code == 400
    assert client.post("/drills/drillkinds/new/", {"code": "lahar_evacuation", "name": "Lahar evacuation",
                                                   "is_active": "on"}).status_code == 302
    assert DrillKind.objects.get(code="lahar_evacuation").district == world.district
    shared = DrillKind.objects.get(code="lockdown")
    assert client.get(f"/drills/drillkinds/{shared.pk}/edit/").status_code == 403

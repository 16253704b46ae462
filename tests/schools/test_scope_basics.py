import pytest

from schools.models import Building, School

pytestmark = pytest.mark.django_db


def test_a_school_admin_sees_only_their_school(school_a_admin, world):
    assert list(School.objects.for_user(school_a_admin, "view")) == [world.school_a]
    buildings = Building.objects.for_user(school_a_admin, "view")
    assert set(buildings.values_list("school", flat=True)) == {world.school_a.pk}


def test_a_district_admin_sees_every_school_of_their_district_only(district_admin, world):
    assert set(School.objects.for_user(district_admin, "view")) == {world.school_a, world.school_b, world.school_c}


def test_a_superuser_reads_no_school_records(superuser, world):
    assert not School.objects.for_user(superuser, "view").exists()


def test_an_ended_membership_counts_for_nothing(ended_membership_user):
    assert not School.objects.for_user(ended_membership_user, "view").exists()


def test_the_home_page_tells_a_person_without_a_role_whom_to_ask(client, no_membership, password):
    client.force_login(no_membership)
    response = client.get("/")
    assert b"no role in the portal yet" in response.content
    assert b"School A" not in response.content


def test_other_schools_buildings_are_a_404(client, school_a_admin, world):
    client.force_login(school_a_admin)
    other = Building.objects.get(school=world.school_b)
    assert client.get(f"/district/buildings/{other.pk}/").status_code == 404
    own = Building.objects.get(school=world.school_a)
    assert client.get(f"/district/buildings/{own.pk}/").status_code == 200

"""Owners offered for a coordination follow-up are the people of the school's district (its schools and its
district-wide roles), read in one portable query (no UNION, which SQLite refuses with Membership's ordering)."""

import pytest

from coordination.forms import people_of_districts_for_school
from schools.models import User

pytestmark = pytest.mark.django_db


def test_the_people_of_the_district_and_no_one_else(world, district_admin, school_a_staff, school_b_admin):
    from tests.factories import DistrictFactory, MembershipFactory, SchoolFactory, UserFactory

    outsider = UserFactory()
    MembershipFactory(user=outsider, role="school_staff", school=SchoolFactory(district=DistrictFactory()))
    ids = people_of_districts_for_school(world.school_a)
    people = set(User.objects.filter(pk__in=ids))
    assert {district_admin, school_a_staff, school_b_admin} <= people
    assert outsider not in people
    assert "UNION" not in str(ids.query).upper()

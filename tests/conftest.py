"""Shared fixtures: the personas of ARCHITECTURE.md in one district with schools A, B and C,
plus a second district, and the service markers (skip with a reason locally; fail under REQUIRE_ALL=1)."""

import datetime as dt
import os

import pytest
from django.db import connection

from schools.models import Membership

from .factories import (
    DEFAULT_PASSWORD,
    AgencyFactory,
    BuildingFactory,
    DistrictFactory,
    MembershipFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)

# The live Celery worker fixture (see tests/live_worker.py), registered for every test module.
from .live_worker import _live_worker_marker, live_worker, live_worker_process  # noqa: F401

REQUIRE_ALL = os.environ.get("REQUIRE_ALL") == "1"
Role = Membership.Role


def skip_or_fail(reason):
    """Skip locally; under REQUIRE_ALL=1 (CI) a missing service fails the run instead."""
    if REQUIRE_ALL:
        pytest.fail(f"REQUIRE_ALL=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _postgres_marker(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        skip_or_fail("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def world(db):
    """One district (Detroit time) with schools A, B, C, an agency, a current school year; and a second district."""
    district = DistrictFactory(name="Ann Arbor Public Schools", state="MI", time_zone="America/Detroit")
    school_a = SchoolFactory(district=district, name="School A")
    school_b = SchoolFactory(district=district, name="School B")
    school_c = SchoolFactory(district=district, name="School C")
    for school in (school_a, school_b, school_c):
        BuildingFactory(school=school)
    agency = AgencyFactory(district=district, name="Ann Arbor Police Department")
    year = SchoolYearFactory(district=district)
    other_district = DistrictFactory(name="Olympia School District", state="WA", time_zone="America/Los_Angeles")
    other_school = SchoolFactory(district=other_district, name="Other District School")
    BuildingFactory(school=other_school)
    return type("World", (), dict(district=district, school_a=school_a, school_b=school_b, school_c=school_c,
                                  agency=agency, year=year, other_district=other_district,
                                  other_school=other_school))


def _person(email, name, *memberships):
    user = UserFactory(email=email, display_name=name)
    for fields in memberships:
        MembershipFactory(user=user, **fields)
    return user


@pytest.fixture
def district_admin(world):
    return _person("admin@district.example", "Dana Admin", dict(role=Role.DISTRICT_ADMIN, district=world.district))


@pytest.fixture
def district_leader(world):
    return _person("leader@district.example", "Lee Leader", dict(role=Role.DISTRICT_LEADER, district=world.district))


@pytest.fixture
def school_a_admin(world):
    return _person("principal.a@district.example", "Ana Principal", dict(role=Role.SCHOOL_ADMIN, school=world.school_a))


@pytest.fixture
def school_b_admin(world):
    return _person("principal.b@district.example", "Ben Principal", dict(role=Role.SCHOOL_ADMIN, school=world.school_b))


@pytest.fixture
def school_a_staff(world):
    return _person("teacher.a@district.example", "Tess Teacher", dict(role=Role.SCHOOL_STAFF, school=world.school_a))


@pytest.fixture
def sro_two_schools(world):
    return _person("officer@police.example", "Officer Sam",
                   dict(role=Role.SRO, school=world.school_a, agency=world.agency),
                   dict(role=Role.SRO, school=world.school_c, agency=world.agency))


@pytest.fixture
def counselor_threat_team(world):
    return _person("counselor.a@district.example", "Cory Counselor",
                   dict(role=Role.COUNSELOR, school=world.school_a),
                   dict(role=Role.THREAT_TEAM, school=world.school_a))


@pytest.fixture
def tip_triage(world):
    return _person("triage@district.example", "Tia Triage", dict(role=Role.TIP_TRIAGE, district=world.district))


@pytest.fixture
def no_membership(world):
    return _person("nobody@district.example", "Noel Nobody")


@pytest.fixture
def superuser(db):
    from schools.models import User

    return User.objects.create_superuser("root@operator.example", DEFAULT_PASSWORD, display_name="Operator")


@pytest.fixture
def ended_membership_user(world):
    """A former principal of School A whose membership ended last year."""
    return _person("former@district.example", "Fay Former",
                   dict(role=Role.SCHOOL_ADMIN, school=world.school_a, starts_on=dt.date(2020, 1, 1),
                        ends_on=dt.date(2025, 6, 30)))


@pytest.fixture
def responder(world):
    """A fire department partner with a time-boxed responder grant at School A (ends within the year)."""
    from schools.models import Agency

    fire = AgencyFactory(district=world.district, name="Ann Arbor Fire Department", kind=Agency.Kind.FIRE)
    today = world.district.local_today()
    return _person("captain@fire.example", "Rae Responder",
                   dict(role=Role.RESPONDER, school=world.school_a, agency=fire,
                        starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=300)))


PERSONAS = ["district_admin", "district_leader", "school_a_admin", "school_b_admin", "school_a_staff",
            "sro_two_schools", "counselor_threat_team", "tip_triage", "responder", "no_membership"]


@pytest.fixture
def persona(request):
    """Parametrize with indirect=True over PERSONAS to get each persona user."""
    return request.getfixturevalue(request.param)


# --- Signing in with the second factor ---------------------------------------------------------
#
# Every page of the portal needs a session verified with a second factor (accounts/security.py).
# Decision (issue 4): ``client.force_login(user)`` means "this person is fully signed in": password AND
# second factor. The autouse fixture below wraps Django's force_login so that it also gives the person a
# confirmed authenticator and marks the session verified, exactly as the verify page does. Tests that are
# not about signing in keep their one-line force_login; tests about the second factor sign in with the
# password only (``login_password_only``, a real POST to the login page) and see the gate.
# ``login_verified(client, user)`` / the ``verified_client`` fixture say the same thing explicitly.


def mark_verified(client, user):
    """Give ``user`` a confirmed authenticator (if none) and mark the client's session verified with it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def login_verified(client, user):
    """Sign ``user`` in with both factors (force_login does the same, see above)."""
    client.force_login(user)
    return client


def login_password_only(client, user, password=DEFAULT_PASSWORD, **extra):
    """Sign in through the login page with the password only: the session is not verified yet."""
    response = client.post("/accounts/login/", {"username": user.email, "password": password}, **extra)
    assert response.status_code == 302, f"login failed for {user.email}: {response.status_code}"
    return response


@pytest.fixture(autouse=True)
def _force_login_includes_second_factor(monkeypatch):
    from django.test.client import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def verified_client(client):
    """``verified_client(user)`` signs ``user`` in with both factors and returns the test client."""
    return lambda user: login_verified(client, user)

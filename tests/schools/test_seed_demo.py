"""``manage.py seed_demo``: one real district with calendars and persona logins, safe to run twice."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.demo import PERSONAS
from portal import registry
from portal.demo import DEMO_PASSWORD
from schools.demo import demo_calendar
from schools.models import (
    Agency,
    Building,
    CalendarDay,
    District,
    Membership,
    School,
    SchoolYear,
    Term,
    User,
)

pytestmark = pytest.mark.django_db

MODELS = [District, School, Building, Agency, SchoolYear, Term, CalendarDay, User, Membership]


@pytest.fixture
def demo_allowed(settings):
    settings.DEMO_DATA_ALLOWED = True
    # Nine password hashes per run; the real hasher is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_it_builds_ann_arbor_from_the_nces_rows(demo_allowed):
    seed()
    district = District.objects.get()
    assert (district.name, district.nces_lea_id, district.time_zone) == (
        "Ann Arbor Public Schools", "2602820", "America/Detroit")
    assert district.schools.count() == 32
    assert all(school.buildings.filter(name="Main building").exists() for school in district.schools.all())
    assert Agency.objects.get(kind=Agency.Kind.POLICE).name == "Ann Arbor Police Department"


def test_running_it_twice_duplicates_nothing(demo_allowed):
    seed()
    first = counts()
    seed()
    assert counts() == first
    assert first["School"] == 32 and first["SchoolYear"] == 2 and first["Term"] == 4
    assert first["User"] == len(PERSONAS) + 2  # and coordination's fire captain, a partner responder, and
    # threat_mgmt's district threat-team coordinator


def test_it_is_refused_outside_dev_without_force(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="only runs with PORTAL_ENV=dev"):
        seed()
    assert not District.objects.exists()
    assert not User.objects.exists()


def test_force_runs_it_anyway(settings, demo_allowed):
    settings.DEMO_DATA_ALLOWED = False
    seed("--force")
    assert District.objects.filter(nces_lea_id="2602820").exists()


def test_it_prints_every_persona_login_with_the_shared_password(demo_allowed):
    output = seed()
    assert f"password for all: {DEMO_PASSWORD}" in output
    for persona in PERSONAS:
        assert persona.key in output
        assert persona.email in output


def test_the_printed_password_works_and_each_persona_sees_their_own_school(client, demo_allowed):
    seed()
    assert all(user.is_active and user.check_password(DEMO_PASSWORD) for user in User.objects.all())
    principal = User.objects.get(email="angela.reyes@example.org")
    assert [s.name for s in School.objects.for_user(principal, "view")] == ["Pioneer High School"]
    officer = User.objects.get(email="sam.delgado@example.org")
    assert {s.name for s in School.objects.for_user(officer, "view")} == {"Pioneer High School",
                                                                         "Skyline High School"}
    assert School.objects.for_user(User.objects.get(email="dana.whitfield@example.org"), "view").count() == 32
    client.force_login(User.objects.get(email="noel.brandt@example.org"))
    assert b"no role in the portal yet" in client.get(reverse("home")).content


def test_the_current_and_last_school_year_follow_today_in_the_districts_time_zone(demo_allowed, monkeypatch):
    # On 1 July (in Detroit) a new administrative year has begun: it is current, the one before is "last".
    monkeypatch.setattr(District, "local_today", lambda self: dt.date(2027, 7, 1))
    seed()
    assert list(SchoolYear.objects.order_by("starts_on").values_list("name", "starts_on", "ends_on")) == [
        ("2026-27", dt.date(2026, 7, 1), dt.date(2027, 6, 30)),
        ("2027-28", dt.date(2027, 7, 1), dt.date(2028, 6, 30)),
    ]
    assert SchoolYear.current_for(District.objects.get()).name == "2027-28"


def test_each_year_has_two_semesters_and_the_usual_holidays(demo_allowed, monkeypatch):
    monkeypatch.setattr(District, "local_today", lambda self: dt.date(2026, 3, 1))
    seed()
    year = SchoolYear.objects.get(name="2025-26")
    assert (year.first_instructional_day, year.last_instructional_day) == (dt.date(2025, 8, 25),
                                                                          dt.date(2026, 6, 12))
    assert list(year.terms.values_list("name", flat=True)) == ["Semester 1", "Semester 2"]
    closed = dict(year.calendar_days.values_list("date", "description"))
    assert closed[dt.date(2025, 9, 1)] == "Labor Day"
    assert dt.date(2025, 11, 27) in closed and dt.date(2025, 11, 28) in closed  # Thanksgiving Thu + Fri
    assert closed[dt.date(2026, 1, 19)] == "Martin Luther King Jr. Day"
    assert closed[dt.date(2026, 5, 25)] == "Memorial Day"
    assert [d for d, what in closed.items() if what == "Winter break"] == [
        *[dt.date(2025, 12, d) for d in (22, 23, 24, 25, 26, 29, 30, 31)],
        dt.date(2026, 1, 1), dt.date(2026, 1, 2)]
    assert [d for d, what in closed.items() if what == "Spring break"] == [
        dt.date(2026, 3, d) for d in range(23, 28)]
    pioneer = School.objects.get(name="Pioneer High School")
    # Holidays are not school days: the drill windows count on this.
    days = year.instructional_days(pioneer)
    assert dt.date(2025, 11, 27) not in days and dt.date(2025, 12, 1) in days


@pytest.mark.parametrize("start_year", range(2024, 2032))
def test_the_calendar_rules_hold_every_year(start_year):
    cal = demo_calendar(start_year)
    assert cal["starts_on"] < cal["first_day"] < cal["last_day"] < cal["ends_on"]
    closures = [d for d, _ in cal["closures"]]
    assert all(d.weekday() < 5 for d in closures)
    assert len(closures) == len(set(closures))
    assert all(cal["starts_on"] <= d <= cal["ends_on"] for d in closures)
    christmas, new_year = dt.date(start_year, 12, 25), dt.date(start_year + 1, 1, 1)
    assert all(d in closures for d in (christmas, new_year) if d.weekday() < 5)


def test_later_features_can_add_a_step(demo_allowed, monkeypatch):
    seen = []
    steps = [*registry.demo_steps(), registry.DemoStep("spy", lambda ctx: seen.append(ctx.users["district_admin"]))]
    monkeypatch.setattr(registry, "demo_steps", lambda: steps)
    seed()
    assert seen == [User.objects.get(email="dana.whitfield@example.org")]


def test_the_demo_holds_back_the_emails_its_records_cause(settings, capsys):
    """In dev (console e-mail, eager Celery) a demo tip's alert would print a whole e-mail amid the logins."""
    from django.core import mail

    from portal.management.commands.seed_demo import quiet_side_effects

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # as in PORTAL_ENV=dev
    before = list(mail.outbox)
    with quiet_side_effects() as held_back:
        mail.send_mail("A demo tip came in", "Open it in the portal.", None, ["tia@example.org"])
    assert [m.subject for m in held_back] == ["A demo tip came in"]
    assert "Subject:" not in capsys.readouterr().out
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"  # restored
    assert mail.outbox == before  # the test's own outbox is back


def test_every_printed_persona_has_a_second_factor_and_backup_codes(demo_allowed):
    """Personas the action apps add (a partner responder, the district threat team) included."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    out = seed()
    people = User.objects.filter(memberships__isnull=False).distinct()
    assert people.count() >= len(PERSONAS)
    for person in people:
        assert TOTPDevice.objects.filter(user=person, confirmed=True).exists(), person.email
    second_factor_part = out.split("Second factor", 1)[1]
    for persona in ("responder", "district_threat_team"):
        assert f"  {persona} " in second_factor_part

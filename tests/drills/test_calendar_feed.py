"""The personal iCal feed: planned drills the person may see, kind, school and time only; secret,
revocable, dead with the person's membership, every fetch audited."""

import datetime as dt
import re

import pytest
from icalendar import Calendar

from drills.models import CalendarFeedToken
from schools.models import AuditEvent, Membership

from .factories import held, planned

pytestmark = pytest.mark.django_db


def _issue(client, user):
    client.force_login(user)
    response = client.post("/drills/calendar/", {"action": "issue"})
    assert response.status_code == 200
    url = re.search(r'value="(http[^"]+\.ics)"', response.content.decode()).group(1)
    client.logout()
    return url.split("testserver", 1)[1]


def _soon(days=10):
    return dt.date.today() + dt.timedelta(days=days)


def test_the_feed_parses_and_lists_the_planned_drills_the_person_may_see(client, world, school_a_admin):
    mine = planned(world.school_a, _soon(), plan_notes="Scenario: intruder in the gym")
    planned(world.school_b, _soon())
    held(world.school_a, _soon(-3))
    path = _issue(client, school_a_admin)
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"drill-{mine.pk}@testserver"]
    event = events[0]
    assert str(event["SUMMARY"]) == "Fire evacuation drill, School A"
    assert event.decoded("DTSTART") == mine.planned_start
    # Kind, school, buildings, time and a link back: never the plan notes.
    assert set(event) == {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "URL"}
    assert b"gym" not in response.content
    link = f"http://testserver/drills/drills/{mine.pk}/"
    assert str(event["URL"]) == link and link in str(event["DESCRIPTION"])
    assert "Fire evacuation" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "School A (whole campus)"


def test_an_event_names_the_buildings_of_the_drill(client, world, school_a_admin):
    building = world.school_a.buildings.first()
    drill = planned(world.school_a, _soon())
    drill.buildings.set([building])
    event = Calendar.from_ical(client.get(_issue(client, school_a_admin)).content).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == f"School A, {building.name}"


def test_the_page_offers_a_one_click_webcal_subscription(client, world, school_a_admin):
    client.force_login(school_a_admin)
    page = client.post("/drills/calendar/", {"action": "issue"}).content.decode()
    https_address = re.search(r'value="http://testserver(/drills/calendar/[^"]+\.ics)"', page).group(1)
    assert f'href="webcal://testserver{https_address}"' in page


def test_every_fetch_is_audited(client, world, school_a_admin):
    path = _issue(client, school_a_admin)
    client.get(path)
    client.get(path)
    fetches = AuditEvent.objects.filter(object_type="drills.calendarfeed", action=AuditEvent.Action.VIEW)
    assert fetches.count() == 2 and fetches.first().actor == school_a_admin


def test_the_feed_dies_with_the_membership(client, world, school_a_admin):
    planned(world.school_a, _soon())
    path = _issue(client, school_a_admin)
    assert client.get(path).status_code == 200
    Membership.objects.filter(user=school_a_admin).update(ends_on=world.district.local_today() - dt.timedelta(days=1))
    assert client.get(path).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_NOT_FOUND,
                                     object_type="drills.calendarfeed").exists()


def test_making_a_new_address_revokes_the_old_one(client, world, school_a_admin):
    old = _issue(client, school_a_admin)
    new = _issue(client, school_a_admin)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_it_off_kills_the_address(client, world, school_a_admin):
    path = _issue(client, school_a_admin)
    client.force_login(school_a_admin)
    client.post("/drills/calendar/", {"action": "revoke"})
    client.logout()
    assert client.get(path).status_code == 404


def test_a_deactivated_person_has_no_feed(client, world, school_a_admin):
    path = _issue(client, school_a_admin)
    school_a_admin.is_active = False
    school_a_admin.save()
    assert client.get(path).status_code == 404


def test_an_unknown_address_is_a_404(client, world):
    assert client.get("/drills/calendar/not-a-real-secret.ics").status_code == 404


def test_only_a_hash_of_the_secret_is_stored(client, world, school_a_admin):
    path = _issue(client, school_a_admin)
    secret = path.rsplit("/", 1)[1].removesuffix(".ics")
    token = CalendarFeedToken.objects.get(user=school_a_admin, revoked_at__isnull=True)
    assert token.token_hash == CalendarFeedToken.hash(secret) and secret not in token.token_hash


def test_the_page_does_not_show_the_address_again(client, world, school_a_admin):
    path = _issue(client, school_a_admin)
    client.force_login(school_a_admin)
    assert path.split("/")[-1] not in client.get("/drills/calendar/").content.decode()


def test_a_feed_that_died_with_its_roles_stays_dead_when_the_person_comes_back(client, world, school_a_admin):
    path = _issue(client, school_a_admin)
    membership = Membership.objects.get(user=school_a_admin)
    Membership.objects.filter(pk=membership.pk).update(ends_on=world.district.local_today() - dt.timedelta(days=2))
    client.logout()
    assert client.get(path).status_code == 404
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.DENIED_NOT_FOUND, object_type="drills.calendarfeed")
    # The refusal names the address's owner and their district, so the district admin sees it.
    assert refusal.actor == school_a_admin and refusal.district_id == world.district.pk
    Membership.objects.filter(pk=membership.pk).update(ends_on=None)  # a new role, or the old one restored
    assert client.get(path).status_code == 404


def test_a_feed_of_a_deactivated_person_stays_dead_after_re_enabling(client, world, school_a_admin):
    path = _issue(client, school_a_admin)
    client.logout()
    school_a_admin.is_active = False
    school_a_admin.save()
    assert client.get(path).status_code == 404
    school_a_admin.is_active = True
    school_a_admin.save()
    assert client.get(path).status_code == 404


def test_deactivating_a_person_kills_their_feed_at_once_even_if_nobody_fetched_it(client, world, school_a_admin,
                                                                                   district_admin):
    from accounts import people

    path = _issue(client, school_a_admin)
    client.logout()
    people.user_deactivate(user=school_a_admin, by=district_admin)
    assert not CalendarFeedToken.objects.filter(user=school_a_admin).live().exists()
    people.user_enable(user=school_a_admin, by=district_admin)
    Membership.objects.filter(user=school_a_admin).update(ends_on=None)
    assert client.get(path).status_code == 404

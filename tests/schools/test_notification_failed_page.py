"""The "Undelivered emails" operator page: a district admin's failed emails, their error, a retry."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import notifications
from schools.models import AuditEvent, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = Notification.Status
PAGE = "/district/notifications/failed/"


def failed_email(recipient, district, error="SMTPRecipientsRefused: 550 no such mailbox",
                 subject="A drill is due"):
    notification = notifications.notification_create(
        recipient=recipient, kind="drill_due", subject=subject, template="notice",
        context={"headline": subject}, link="/drills/", district=district)
    Notification.objects.filter(pk=notification.pk).update(status=Status.FAILED, attempts=6, last_error=error)
    return notification


def test_the_page_is_where_the_navigation_says(district_admin, client):
    assert reverse("portal:notification-failed") == PAGE
    client.force_login(district_admin)
    assert PAGE in client.get("/").content.decode()


def test_a_district_admin_sees_their_districts_failed_emails_with_the_error(district_admin, school_a_staff,
                                                                            world, client):
    failed_email(school_a_staff, world.district)
    other_person = UserFactory(email="someone@olympia.example")
    failed_email(other_person, world.other_district, subject="Olympia email")
    client.force_login(district_admin)
    page = client.get(PAGE).content.decode()
    assert "teacher.a@district.example" in page
    assert "550 no such mailbox" in page
    assert "Olympia email" not in page
    assert "someone@olympia.example" not in page


def test_sent_emails_are_not_listed_unless_asked_for(district_admin, school_a_staff, world, client):
    sent = notifications.notification_create(
        recipient=school_a_staff, kind="x", subject="Already delivered", template="notice",
        context={"headline": "x"}, link="/", district=world.district)
    Notification.objects.filter(pk=sent.pk).update(status=Status.SENT)
    client.force_login(district_admin)
    assert "Already delivered" not in client.get(PAGE).content.decode()
    assert "Already delivered" in client.get(PAGE, {"status": "sent"}).content.decode()


def test_the_empty_page_says_all_went_out(district_admin, client):
    client.force_login(district_admin)
    assert "Every email went out" in client.get(PAGE).content.decode()


@pytest.mark.parametrize("persona", ["school_a_admin", "district_leader", "sro_two_schools", "tip_triage"],
                         indirect=True)
def test_other_roles_are_refused(persona, client):
    client.force_login(persona)
    assert client.get(PAGE).status_code == 403


def test_retry_puts_the_email_back_and_sends_it(district_admin, school_a_staff, world, client,
                                                django_capture_on_commit_callbacks):
    notification = failed_email(school_a_staff, world.district)
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:notification-retry", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.SENT  # eager in tests: the task ran after commit
    assert [m.to for m in mail.outbox] == [[school_a_staff.email]]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(notification.pk),
                                     object_type="schools.notification").exists()


def test_retry_of_another_districts_email_is_a_404(district_admin, world, client):
    notification = failed_email(UserFactory(), world.other_district)
    client.force_login(district_admin)
    assert client.post(reverse("portal:notification-retry", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.status == Status.FAILED


def test_retry_needs_a_post(district_admin, school_a_staff, world, client):
    notification = failed_email(school_a_staff, world.district)
    client.force_login(district_admin)
    assert client.get(reverse("portal:notification-retry", args=[notification.pk])).status_code == 405


def test_the_query_count_does_not_grow_with_the_rows(district_admin, world, client):
    client.force_login(district_admin)
    people = UserFactory.create_batch(3)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    for person in people:
        failed_email(person, world.district)
    at_three = count_queries()
    for n in range(27):
        failed_email(people[n % 3], world.district)
    assert Notification.objects.count() == 30
    assert count_queries() == at_three

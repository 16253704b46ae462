"""The daily clean-up of sign-in records (accounts.tasks.sessions_clear, in the beat schedule)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.tasks import sessions_clear
from schools.models import UserSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _attempt(username, minutes_ago):
    attempt = AccessAttempt.objects.create(username=username, ip_address="203.0.113.9", user_agent="test",
                                           failures_since_start=3, get_data="", post_data="")
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return attempt


def test_it_removes_expired_sessions_and_their_records_and_keeps_live_ones():
    person = UserFactory()
    live, expired = Client(), Client()
    live.force_login(person)
    expired.force_login(person)
    for client in (live, expired):
        UserSession.objects.get_or_create(user=person, session_key=client.session.session_key)
    Session.objects.filter(session_key=expired.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1))

    result = sessions_clear.delay().get()

    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session.session_key}
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live.session.session_key]
    assert result["user_sessions"] == 1


def test_it_forgets_failed_logins_past_the_cool_off_and_keeps_the_ones_that_still_lock():
    cool_off_minutes = settings.AXES_COOLOFF_TIME * 60
    recent = _attempt("recent@district.example", minutes_ago=1)
    _attempt("old@district.example", minutes_ago=cool_off_minutes + 5)

    result = sessions_clear.delay().get()

    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert result["login_attempts"] == 1


def test_it_is_in_the_beat_schedule_once_a_day():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "accounts.tasks.sessions_clear"]
    assert len(entries) == 1 and entries[0]["schedule"].hour == {3}

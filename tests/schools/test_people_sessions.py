"""sessions_end_for: every session of one person ends, recorded or not; others' sessions stay."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.sessions import sessions_end_for
from schools.models import UserSession

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def unrecorded_session(user):
    """A session row for ``user`` with no UserSession (a login from before the record existed)."""
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    return store.session_key


def test_it_ends_recorded_and_unrecorded_sessions_of_the_person_only(world):
    person, colleague = UserFactory(), UserFactory()
    first, second, theirs = Client(), Client(), Client()
    first.force_login(person)
    second.force_login(person)
    theirs.force_login(colleague)
    UserSession.objects.get_or_create(user=person, session_key=first.session.session_key)
    stray = unrecorded_session(person)

    ended = sessions_end_for(user=person)

    assert ended == 3
    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert {first.session.session_key, second.session.session_key, stray}.isdisjoint(remaining)
    assert theirs.session.session_key in remaining
    assert not UserSession.objects.filter(user=person).exists()


def test_it_keeps_the_session_it_is_told_to_keep(world):
    person = UserFactory()
    here, elsewhere = Client(), Client()
    here.force_login(person)
    elsewhere.force_login(person)

    assert sessions_end_for(user=person, except_session_key=here.session.session_key) == 1
    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert here.session.session_key in remaining
    assert elsewhere.session.session_key not in remaining


def test_a_person_without_sessions_ends_none(world):
    assert sessions_end_for(user=UserFactory()) == 0

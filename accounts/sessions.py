"""Ending a person's signed-in sessions (deactivation, "sign out everywhere", a password change).

The login records each session in ``schools.UserSession``; those keys are deleted first. As a safety
net (a login recorded before UserSession existed, a failed write at login), the session table itself is
scanned for rows whose ``_auth_user_id`` is the person: a district has at most a few thousand live
sessions, so decoding them is cheap enough for an action an administrator takes by hand.
"""

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

logger = logging.getLogger(__name__)

# Engines that keep a row per session in django_session, which the safety-net scan can read.
_DB_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def sessions_end_for(*, user, except_session_key=None) -> int:
    """Delete every session of ``user`` except ``except_session_key``; return how many were ended.

    Deleting through the session store also clears a cached copy (cached_db), so the next request
    carrying that cookie is anonymous at once.
    """
    from schools.models import UserSession

    store = _session_store()
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    if settings.SESSION_ENGINE in _DB_ENGINES:
        keys |= _scan_session_table(user)
    keys.discard(except_session_key)
    keys.discard(None)
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


def _scan_session_table(user) -> set[str]:
    """Keys of unexpired session rows that belong to ``user``, found by decoding each row."""
    from django.contrib.sessions.models import Session

    wanted = str(user.pk)
    decoder = _session_store()()
    found = set()
    rows = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    for key, data in rows.iterator(chunk_size=500):
        try:
            decoded = decoder.decode(data)
        except Exception:  # a corrupt row is not ours to judge here; skip it and say so
            logger.warning("Could not decode a session row while ending sessions")
            continue
        if str(decoded.get(SESSION_KEY, "")) == wanted:
            found.add(key)
    return found


def sessions_clear_expired() -> dict[str, int]:
    """The daily clean-up (``accounts.tasks.sessions_clear``): expired sessions, the UserSession rows whose
    session is gone, and failed-login records older than the lockout's cool-off (they lock nobody any more).

    Without it the session and attempt tables only grow, and every "your sessions" page scans more rows.
    """
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.contrib.sessions.models import Session

    from schools.models import UserSession

    now = timezone.now()
    _session_store().clear_expired()
    live = Session.objects.filter(expire_date__gt=now).values("session_key")
    orphans, _ = UserSession.objects.exclude(session_key__in=live).delete()
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=now - get_cool_off()).delete()
    return {"user_sessions": orphans, "login_attempts": attempts}

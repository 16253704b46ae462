"""Background work of people and sign-in: thin wrappers around ``accounts/sessions.py``.

The daily clean-up is in ``settings.CELERY_BEAT_SCHEDULE`` (code schedules stay in code).
"""

from celery import shared_task

from accounts import sessions


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def sessions_clear() -> dict:
    """Daily: expired sessions, their leftover UserSession rows, failed logins past the cool-off."""
    return sessions.sessions_clear_expired()

"""Celery tasks of ``schools/``: thin wrappers that take ids and call the services in ``notifications.py``.

The beat schedule for the sweep and the hourly digest is in ``settings.CELERY_BEAT_SCHEDULE`` (code
schedules stay in code).
"""

from celery import shared_task

from . import notifications


# acks_late: the claim makes a redelivered message harmless (a second run finds the row taken or sent).
@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def notification_send(notification_id: int) -> bool:
    """Send one outbox row if it is still claimable."""
    return notifications.notification_deliver(notification_id)


@shared_task(acks_late=True, time_limit=90, soft_time_limit=60)
def notification_sweep() -> int:
    """Every minute: send pending rows that are due and rows whose lease expired (sender died)."""
    return notifications.notification_sweep()


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def digest_send_hourly() -> int:
    """Every hour at minute 0: the daily digest for each district whose local hour has come."""
    return notifications.digest_send_hourly()

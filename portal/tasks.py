"""Celery tasks of ``portal/``: thin wrappers that take ids and call the services in ``notifications.py``.

The beat schedule for the sweep and the hourly digest is in ``settings.CELERY_BEAT_SCHEDULE`` (code
schedules stay in code).
"""

from celery import shared_task

from portal import notifications


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


@shared_task(acks_late=True, time_limit=90, soft_time_limit=60)
def notification_send_many(notification_ids: list[int]) -> int:
    """Send a batch of outbox rows (a digest pass enqueues one of these per batch, not one task per row).

    Each row is claimed before it is sent, so a redelivery or the sweep never sends one twice; rows left
    when the time budget runs out are sent by the sweep.
    """
    return notifications.notification_deliver_many(notification_ids)

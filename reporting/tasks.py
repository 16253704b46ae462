"""Background work of the tip line: tasks take ids (never a tip's text, never anything about the tipster)
and call the services."""

from celery import shared_task

from reporting import services


@shared_task(name="reporting.tasks.tip_escalate", ignore_result=True, acks_late=True,
             soft_time_limit=50, time_limit=60)
def tip_escalate(tip_id: int) -> int:
    """Notify the next step of a life-safety tip's on-call chain if it is due (locked: never twice)."""
    return services.tip_escalate(tip_id)


@shared_task(name="reporting.tasks.page_deliver", ignore_result=True, acks_late=True,
             soft_time_limit=20, time_limit=30)
def page_deliver(page_id: int) -> bool:
    """Call one gateway (claimed first: a redelivered message does nothing)."""
    return services.page_deliver(page_id)


@shared_task(name="reporting.tasks.escalation_sweep", ignore_result=True, acks_late=True,
             soft_time_limit=50, time_limit=60)
def escalation_sweep() -> int:
    """Beat, every minute: escalations due (a lost task, the next level's time) and webhook notices left."""
    return services.escalation_sweep()


@shared_task(name="reporting.tasks.retention_purge", ignore_result=True, acks_late=True,
             soft_time_limit=240, time_limit=300)
def retention_purge() -> int:
    """Beat, daily: erase closed tips past their district's retention period (audited)."""
    return services.retention_purge()

"""Background work of generated documents: tasks take ids and call the services.

Every task sets both its soft and its hard time limit (soft below hard): a task that sets only one of them
is combined with the other global default (``CELERY_TASK_SOFT_TIME_LIMIT`` / ``CELERY_TASK_TIME_LIMIT``),
and Celery refuses a task whose soft limit is not below its hard limit. tests/portal/test_task_limits.py
checks every task of the project.
"""

from celery import shared_task

from . import services

# The sweep: a few UPDATEs and at most 500 publishes (each bounded by the broker's socket timeout, and
# skipped altogether once the broker is known to be down: portal.broker).
SWEEP_SOFT_TIME_LIMIT = 50
SWEEP_TIME_LIMIT = 60

# acks_late + reject_on_worker_lost: the message is acknowledged only when the task has finished, and is
# given back to the queue if the worker running it dies, so a render whose worker died before its claim
# still runs. The render is idempotent: it claims the row (queued -> rendering) first, so a redelivered
# message for a document already claimed does nothing; a document left "rendering" by a dead worker is
# failed by the sweep after services.STUCK_AFTER and the person retries it (see services.document_render).
@shared_task(name="compliance.document_render", ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=services.RENDER_SOFT_TIME_LIMIT, time_limit=services.RENDER_TIME_LIMIT)
def document_render(document_id: int) -> None:
    """Render one queued document to PDF (claims it first, so duplicates do nothing)."""
    services.document_render(document_id=document_id, worker=services.worker_name())


@shared_task(name="compliance.document_sweep", ignore_result=True, acks_late=True,
             soft_time_limit=SWEEP_SOFT_TIME_LIMIT, time_limit=SWEEP_TIME_LIMIT)
def document_sweep() -> dict:
    """Beat, every few minutes: fail stuck renders, enqueue again what lost its message."""
    return services.document_sweep()


# A run requests one document per recipient (a few queries each) and enqueues their renders.
SCHEDULED_SOFT_TIME_LIMIT = 50
SCHEDULED_TIME_LIMIT = 60


@shared_task(name="compliance.scheduled_report_send", ignore_result=True, acks_late=True,
             soft_time_limit=SCHEDULED_SOFT_TIME_LIMIT, time_limit=SCHEDULED_TIME_LIMIT)
def scheduled_report_send(schedule_id: int) -> int:
    """Beat, from a ``ReportSchedule``'s PeriodicTask row: the district report to its recipients, once a period."""
    from . import schedules

    return schedules.send(schedule_id)

"""Background work of threat assessment: rendering a case file PDF (tasks take ids and call a service)."""

from celery import shared_task

from . import services

RENDER_SOFT_TIME_LIMIT = 90
RENDER_TIME_LIMIT = 120


# Idempotent: the render claims its row (queued -> rendering) first, so a duplicate message does nothing.
@shared_task(name="threat_mgmt.case_file_render", ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=RENDER_SOFT_TIME_LIMIT, time_limit=RENDER_TIME_LIMIT)
def case_file_render(case_file_id: int) -> None:
    services.case_file_render(case_file_id=case_file_id)

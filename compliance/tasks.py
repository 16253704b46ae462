"""Background work of generated documents: tasks take ids and call the services."""

from celery import shared_task

from . import services


@shared_task(name="compliance.document_render", ignore_result=True,
             soft_time_limit=services.RENDER_SOFT_TIME_LIMIT, time_limit=services.RENDER_TIME_LIMIT)
def document_render(document_id: int) -> None:
    """Render one queued document to PDF (claims it first, so duplicates do nothing)."""
    services.document_render(document_id=document_id, worker=services.worker_name())


@shared_task(name="compliance.document_sweep", ignore_result=True, time_limit=60)
def document_sweep() -> dict:
    """Beat, every few minutes: fail stuck renders, enqueue again what lost its message."""
    return services.document_sweep()

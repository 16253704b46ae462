"""Every entry of ``settings.CELERY_BEAT_SCHEDULE``, applied the way beat applies it, runs to success in a
REAL worker (another process, non-eager, over Redis, against the test database).

Beat publishes an entry with ``Task.apply_async(args, kwargs, **options)`` (``celery.beat.Scheduler
.apply_async``, which django_celery_beat's scheduler inherits); a task Celery refuses (soft time limit not
below the hard one) never leaves beat, and a task that fails in the worker does no work either. Any entry
added to the schedule is covered here without editing this test.
"""

import re
import time

import pytest
from celery.beat import ScheduleEntry, Scheduler
from django.conf import settings

from portal import broker
from safety_portal.celery import app

pytestmark = [pytest.mark.live_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_broker_pause_left_over():
    broker.pause_reset()
    yield
    broker.pause_reset()


def outcome_in_log(worker, task_name, task_id):
    """The worker's verdict on one task from its log: "succeeded", "failed" or None (not finished yet)."""
    log = worker.log_path.read_text(errors="replace")
    head = re.escape(f"Task {task_name}[{task_id}]")
    if re.search(head + r" succeeded in", log):
        return "succeeded"
    if re.search(head + r" (raised|failed|retry|expired|revoked)|" + re.escape(task_id) + r".*(Rejecting|"
                 r"rejected|TimeLimitExceeded|WorkerLostError)", log):
        return "failed"
    return None


def test_every_beat_entry_runs_to_success_in_a_real_worker(live_worker):
    assert settings.CELERY_BEAT_SCHEDULE, "no beat schedule"
    assert not app.conf.task_always_eager
    scheduler = Scheduler(app=app, lazy=True)
    published = {}
    for key, spec in settings.CELERY_BEAT_SCHEDULE.items():
        entry = ScheduleEntry(name=key, task=spec["task"], schedule=spec["schedule"],
                              args=spec.get("args", ()), kwargs=spec.get("kwargs", {}),
                              options=spec.get("options", {}), app=app)
        result = scheduler.apply_async(entry, advance=False)  # raises SchedulingError if Celery refuses it
        published[key] = (spec["task"], result.id)

    deadline = time.monotonic() + 60
    outcomes = {}
    while time.monotonic() < deadline and len(outcomes) < len(published):
        for key, (task_name, task_id) in published.items():
            if key not in outcomes and (verdict := outcome_in_log(live_worker, task_name, task_id)):
                outcomes[key] = verdict
        time.sleep(0.2)
    assert outcomes == dict.fromkeys(published, "succeeded"), (
        f"beat entries that did not succeed: {set(published) - {k for k, v in outcomes.items() if v == 'succeeded'}}"
        f"\nworker log:\n{live_worker.log_tail(80)}")

"""Every Celery task of the project can be published: its soft time limit is below its hard one.

A task takes the global ``CELERY_TASK_SOFT_TIME_LIMIT`` / ``CELERY_TASK_TIME_LIMIT`` for a limit it does not
set itself, and ``Task.apply_async`` refuses a task whose soft limit is above its hard limit (so beat could
never send ``compliance.document_sweep`` when it set ``time_limit=60`` under a global soft limit of 240).
The beat schedule itself is applied through a real worker in tests/portal/test_beat_schedule.py.
"""

import pytest
from django.conf import settings

from safety_portal.celery import app

PROJECT_PREFIXES = ("portal.", "compliance.", "schools.", "accounts.", "drills.", "reporting.", "threat_mgmt.")


def project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_the_project_has_its_tasks():
    names = set(project_tasks())
    assert {"compliance.document_render", "compliance.document_sweep", "portal.tasks.notification_send",
            "portal.tasks.notification_sweep", "portal.tasks.digest_send_hourly"} <= names
    assert all(name.startswith(PROJECT_PREFIXES) for name in names), names


@pytest.mark.parametrize("name", sorted(project_tasks()))
def test_each_task_has_a_soft_limit_below_its_hard_limit_with_the_global_defaults(name):
    task = project_tasks()[name]
    # The effective limits: the task's own, else the global default (what Celery's Task.bind does).
    soft = task.soft_time_limit if task.soft_time_limit is not None else settings.CELERY_TASK_SOFT_TIME_LIMIT
    hard = task.time_limit if task.time_limit is not None else settings.CELERY_TASK_TIME_LIMIT
    assert soft and hard, f"{name} has no time limit (soft={soft}, hard={hard})"
    assert soft < hard, f"{name}: soft time limit {soft} s is not below its hard limit {hard} s"


def test_the_global_defaults_are_a_consistent_pair():
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT


def test_every_beat_entry_names_a_registered_task_that_can_be_published():
    tasks = project_tasks()
    for key, entry in settings.CELERY_BEAT_SCHEDULE.items():
        task = tasks.get(entry["task"])
        assert task is not None, f"beat entry {key} names an unknown task {entry['task']}"
        assert task.soft_time_limit < task.time_limit, key
        expires = entry.get("options", {}).get("expires")
        assert expires is None or expires > 0, key


def test_the_render_task_survives_a_killed_worker():
    task = project_tasks()["compliance.document_render"]
    assert task.acks_late and task.reject_on_worker_lost

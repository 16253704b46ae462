"""The scope table of portal's URLs (home, school switcher, audit log, failed emails, My tasks); see
tests/scope_table.py. My tasks is walked with a follow-up of the test-only app (tests/testapp)."""

import datetime as dt

from tests.scope_table import (
    DISTRICT_ADMIN,
    SCHOOL_ADMINS,
    make_audit_event,
    make_notification,
    obj,
    page,
    post_only,
)
from tests.testapp.models import FakeFollowUp

from ..factories import UserFactory


def make_task(world, school):
    """A follow-up of the test-only app (tests/testapp), owned by someone else: My tasks' "done" page."""
    return FakeFollowUp.objects.create(school=school, owner=UserFactory(), title=f"Fix the door at {school}",
                                       due_on=dt.date(2026, 10, 1))


def task_kwargs(task):
    return {"key": FakeFollowUp._meta.label_lower, "pk": task.pk}


URLS = {
    "home": page(),
    "portal:switch-school": post_only(),
    "portal:auditevent-list": page(),
    "portal:auditevent-detail": obj(make_audit_event, ok=DISTRICT_ADMIN),
    "portal:notification-failed": page(ok=DISTRICT_ADMIN),
    "portal:notification-retry": post_only(make_notification),
    "portal:my-tasks": page(),
    "portal:task-done": obj(make_task, ok=SCHOOL_ADMINS, denied=DISTRICT_ADMIN, kwargs=task_kwargs),
}

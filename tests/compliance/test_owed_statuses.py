"""My tasks carries what the ten-action statuses say is owed (compliance/owed.py): a school admin's actions
behind at their school, a district admin's schools behind, worst first; nobody else gets them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance import registry
from compliance.registry import Result, Status
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

MY_TASKS = "/district/my-tasks/"


@pytest.fixture
def fixed_statuses():
    """Action 9 judged by a stand-in: not met at School A, at risk at School B, met elsewhere."""
    action = registry.get(9)
    saved = action.evaluator, action.reason_roles

    def evaluate(schools, school_year, as_of):
        return {s.pk: Result(Status.NOT_MET if s.name == "School A" else
                             Status.AT_RISK if s.name.startswith("School B") else Status.MET,
                             reason="Two fire drills missing", next_step="Plan two fire drills before June")
                for s in schools}

    registry.register_evaluator(9, evaluate)
    others = {}
    for a in registry.actions():
        if a.number != 9:
            others[a.number] = a.evaluator
            a.evaluator = None
    yield
    action.evaluator, action.reason_roles = saved
    for number, evaluator in others.items():
        registry.get(number).evaluator = evaluator


def owed(client, source=None):
    items = client.get(MY_TASKS).context["owed"]
    return [i.task for i in items if source is None or i.source.key == source]


def test_a_school_admin_sees_the_actions_behind_at_their_school_with_the_next_step(
        client, world, school_a_admin, fixed_statuses):
    client.force_login(school_a_admin)
    tasks = owed(client, "compliance.actions_behind")
    assert len(tasks) == 1
    assert "is not met at School A" in tasks[0].title
    assert tasks[0].detail == "Plan two fire drills before June"
    assert tasks[0].url == reverse("compliance:school-status", args=[world.school_a.pk])
    assert owed(client, "compliance.schools_behind") == []


def test_a_district_admin_sees_the_schools_behind_worst_first(client, world, district_admin, fixed_statuses):
    client.force_login(district_admin)
    titles = [t.title for t in owed(client, "compliance.schools_behind")]
    assert titles == ["School A: 1 action not met", "School B: 1 action at risk"]


def test_staff_get_no_status_tasks(client, world, school_a_staff, fixed_statuses):
    client.force_login(school_a_staff)
    assert owed(client) == []


def test_the_schools_behind_cost_the_same_queries_for_more_schools(client, world, district_admin, fixed_statuses):
    client.force_login(district_admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(MY_TASKS)
        return len(ctx)

    few = count()
    for i in range(6):
        SchoolFactory(district=world.district, name=f"School B{i}")
    assert count() == few
    assert len(owed(client, "compliance.schools_behind")) == 8

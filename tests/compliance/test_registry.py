import datetime as dt

import pytest

from compliance import registry
from compliance.registry import Result, Security, Status

from .conftest import count_buildings

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 2)


def test_it_lists_the_ten_actions_in_order_with_their_half_of_the_report():
    actions = registry.actions()
    assert [a.number for a in actions] == list(range(1, 11))
    assert [a.app_label for a in actions] == [
        "assessments", "climate", "campus_security", "reporting", "coordination", "threat_mgmt",
        "law_enforcement", "mental_health", "drills", "social_media"]
    assert {a.number for a in actions if a.security == Security.PHYSICAL} == {1, 3, 5, 7, 9}
    assert {a.number for a in actions if a.security == Security.EMOTIONAL} == {2, 4, 6, 8, 10}


def test_an_action_without_an_evaluator_is_not_tracked_for_every_school(world, restore_registry):
    for action in registry.actions():
        registry.unregister_evaluator(action.number)
    table = registry.evaluate_all([world.school_a, world.school_b], world.year, AS_OF)
    statuses = {r.status for row in table.values() for r in row.values()}
    assert statuses == {Status.NOT_TRACKED}
    assert len(table[world.school_a.pk]) == 10


def test_a_registered_evaluator_decides_its_action_and_no_other(world, buildings_evaluator):
    table = registry.evaluate_all([world.school_a], world.year, AS_OF)
    assert table[world.school_a.pk][3] == Result(Status.AT_RISK, "Only the main building is registered.",
                                                 next_step="Register the portables.",
                                                 evidence_url="/district/buildings/")
    assert table[world.school_a.pk][1].status == Status.NOT_TRACKED


def test_a_school_the_evaluator_leaves_out_is_not_tracked_never_met(world, restore_registry):
    registry.register_evaluator(2, lambda schools, year, as_of: {world.school_a.pk: Result(Status.MET)})
    table = registry.evaluate_all([world.school_a, world.school_b], world.year, AS_OF)
    assert table[world.school_a.pk][2].status == Status.MET
    assert table[world.school_b.pk][2].status == Status.NOT_TRACKED


def test_a_failing_evaluator_is_logged_and_shown_as_not_tracked(world, restore_registry, caplog):
    def broken(schools, year, as_of):
        raise RuntimeError("boom")

    registry.register_evaluator(4, broken)
    table = registry.evaluate_all([world.school_a], world.year, AS_OF)
    assert table[world.school_a.pk][4] == registry.EVALUATION_FAILED
    assert "Evaluator of action 4 failed" in caplog.text


def test_an_evaluator_returning_something_else_than_a_result_is_refused(world, restore_registry, caplog):
    registry.register_evaluator(5, lambda schools, year, as_of: {world.school_a.pk: "met"})
    table = registry.evaluate_all([world.school_a], world.year, AS_OF)
    assert table[world.school_a.pk][5].status == Status.NOT_TRACKED
    assert "returned 'met'" in caplog.text


def test_without_a_school_year_nothing_is_evaluated(world, restore_registry):
    called = []
    registry.register_evaluator(3, lambda *args: called.append(args) or {})
    table = registry.evaluate_all([world.school_a], None, AS_OF)
    assert called == []
    assert table[world.school_a.pk][3].status == Status.NOT_TRACKED


def test_evaluators_get_every_school_at_once(world, restore_registry):
    seen = []

    def spy(schools, year, as_of):
        seen.append((sorted(s.pk for s in schools), year, as_of))
        return count_buildings(schools, year, as_of)

    registry.register_evaluator(3, spy)
    registry.evaluate_all([world.school_a, world.school_b, world.school_c], world.year, AS_OF)
    assert seen == [(sorted([world.school_a.pk, world.school_b.pk, world.school_c.pk]), world.year, AS_OF)]


def test_registering_checks_the_action_and_the_roles(restore_registry):
    with pytest.raises(ValueError, match="numbered 1 to 10"):
        registry.register_evaluator(11, count_buildings)
    with pytest.raises(ValueError, match="Unknown roles"):
        registry.register_evaluator(3, count_buildings, reason_roles={"janitor"})
    with pytest.raises(TypeError):
        registry.register_evaluator(3, "not callable")


def test_an_app_may_narrow_who_reads_its_reasons(restore_registry):
    registry.register_evaluator(9, count_buildings, reason_roles={"district_admin"})
    assert registry.get(9).reasons_visible_to({"district_admin"})
    assert not registry.get(9).reasons_visible_to({"school_admin", "sro"})


def test_an_action_is_declared_once_by_its_own_app_with_its_readers(restore_registry):
    from django.core.exceptions import ImproperlyConfigured

    from portal.registry import ActionDeclaration

    declaration = ActionDeclaration(6, count_buildings, reason_roles={"district_admin", "threat_team"})
    with pytest.raises(ImproperlyConfigured, match="belongs to the threat_mgmt app"):
        registry.register_action(declaration, app_label="drills")
    with pytest.raises(ImproperlyConfigured, match="which roles read the reasons"):
        registry.register_action(ActionDeclaration(6, count_buildings, reason_roles=()), app_label="threat_mgmt")
    registry.register_action(declaration, app_label="threat_mgmt")
    action = registry.get(6)
    assert action.reasons_visible_to({"threat_team"})
    assert not action.reasons_visible_to({"district_leader", "school_admin", "sro", "school_staff"})


def test_drills_reasons_are_read_by_exactly_the_roles_drills_declares():
    from drills.integrations import VIEWERS

    assert registry.get(9).declared_by == "drills"
    assert registry.get(9).reason_roles == frozenset(VIEWERS)


def test_a_result_refuses_a_status_outside_the_one_enum():
    with pytest.raises(ValueError):
        Result("green")
    assert Result("met").status is Status.MET

"""The generated model scope tests (tests/scoped_models.py) notice a leak, a hole and a role mix-up."""

import pytest

from drills.models import Drill
from portal import scope
from portal.scope import ScopedQuerySet
from schools.models import Agency, AuditEvent, Building
from tests.scope_table import ALL_PEOPLE, make_agency, make_audit_event, make_building
from tests.scoped_models import (
    ScopedModelTests,
    actions_of,
    in_scope_failures,
    matrix_failures,
    other_district_failures,
    other_school_failures,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(request, world):
    return {name: request.getfixturevalue(name) for name in ALL_PEOPLE}


def test_the_checks_pass_on_the_real_scope(world, people):
    assert in_scope_failures(Building, make_building, world, people) == []
    assert other_school_failures(Building, make_building, world, people) == []
    assert other_district_failures(Building, make_building, world, people) == []
    assert matrix_failures(AuditEvent, make_audit_event, world, people, "view") == []


def test_they_notice_when_for_user_stops_filtering(monkeypatch, world, people):
    monkeypatch.setattr(ScopedQuerySet, "for_user", lambda self, user, action="view": self.all())
    school = other_school_failures(Building, make_building, world, people)
    assert any(f.startswith("school_a_admin (view) sees Building") and "of School B" in f for f in school), school
    district = other_district_failures(Building, make_building, world, people)
    assert any(f.startswith("district_admin (change) sees Building") for f in district), district
    assert any(f.startswith("superuser (view)") for f in district), district
    matrix = matrix_failures(Building, make_building, world, people, "delete")
    assert any(f.startswith("school_a_staff (delete): sees Building") for f in matrix), matrix


def test_they_notice_when_for_user_shows_nothing(monkeypatch, world, people):
    monkeypatch.setattr(ScopedQuerySet, "for_user", lambda self, user, action="view": self.none())
    failures = in_scope_failures(Building, make_building, world, people)
    assert any(f.startswith("school_a_admin may change Building") for f in failures), failures
    assert any(f.startswith("district_admin may delete Building") for f in failures), failures


def test_they_notice_when_scope_ignores_the_matrix_roles(monkeypatch, world, people):
    """Every active membership counting for every action: staff would read the district's audit log."""
    monkeypatch.setattr(scope, "allowed_memberships", lambda user, model, action: scope.active_memberships_for(user))
    failures = matrix_failures(AuditEvent, make_audit_event, world, people, "view")
    assert any(f.startswith("school_a_staff (view): sees AuditEvent") for f in failures), failures
    assert not any(f.startswith("district_admin") for f in failures), failures


def test_district_wide_models_get_no_other_school_test_and_every_action_is_tested():
    class TestAgency(ScopedModelTests):
        model, make = Agency, make_agency

    class TestDrill(ScopedModelTests):
        model, make = Drill, make_building

    assert TestAgency.test_a_record_of_another_school_is_out_of_scope is None
    assert callable(TestDrill.test_a_record_of_another_school_is_out_of_scope)
    assert TestAgency.make is make_agency  # a plain function, not bound to the test instance
    assert set(actions_of(Drill)) == {"view", "add", "change", "delete", "sign", "countersign", "export", "download"}


def test_a_class_without_a_builder_is_refused():
    with pytest.raises(TypeError, match="make ="):
        type("TestNoBuilder", (ScopedModelTests,), {"model": Agency})

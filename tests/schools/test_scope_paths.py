"""Every project model declares how it is scoped, and the permission matrix covers every scoped model."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from portal import permissions
from portal.scope import _scope_target, scoped_models
from schools.models import District, School

# Models read without a scope_path, each with the reason it is safe. Keep this list short and explicit.
REFERENCE_DATA = {
    "schools.user": "people are read through UserManager.for_user, i.e. through their memberships' scope",
    "schools.sentreminder": "the reminder ledger is operator data, never listed to district staff",
    "schools.usersession": "a person's sessions are read only through their own account pages "
                           "(and a district admin's user page, via the user)",
    "drills.calendarfeedtoken": "a person's own calendar feed secret: read by its owner's page and by the "
                                "secret itself, never listed",
}


def _paths(model):
    return model.scope_path if isinstance(model.scope_path, tuple | list) else (model.scope_path,)


def test_every_project_model_declares_a_scope_path_or_is_reference_data():
    missing = [m._meta.label_lower for m in scoped_models()
               if getattr(m, "scope_path", None) is None and m._meta.label_lower not in REFERENCE_DATA]
    assert not missing, f"declare scope_path (or add to REFERENCE_DATA with a reason): {missing}"


def test_the_reference_data_allowlist_names_only_models_without_a_scope_path():
    by_label = {m._meta.label_lower: m for m in scoped_models()}
    stale = [label for label in REFERENCE_DATA if label not in by_label]
    scoped_anyway = [label for label in REFERENCE_DATA
                     if label in by_label and getattr(by_label[label], "scope_path", None) is not None]
    assert not stale, f"REFERENCE_DATA names models that do not exist: {stale}"
    assert not scoped_anyway, f"these have a scope_path now; drop them from REFERENCE_DATA: {scoped_anyway}"


def test_every_scope_path_leads_to_a_school_or_a_district():
    wrong = []
    for model in scoped_models():
        if getattr(model, "scope_path", None) is None:
            continue
        for path in _paths(model):
            try:
                target = _scope_target(model, path)
            except Exception as exc:  # a typo in a lookup
                wrong.append(f"{model._meta.label_lower}.{path}: {exc}")
                continue
            if target not in (School, District):
                wrong.append(f"{model._meta.label_lower}.{path} leads to {target.__name__}")
    assert not wrong, wrong


def test_every_scoped_model_is_read_through_for_user():
    without = [m._meta.label_lower for m in scoped_models()
               if getattr(m, "scope_path", None) is not None and not hasattr(m.objects, "for_user")]
    assert not without, f"managers without for_user (use ScopedQuerySet.as_manager()): {without}"


def test_the_permission_matrix_has_an_entry_for_every_scoped_model():
    matrix = permissions.matrix()
    missing = [m._meta.label_lower for m in scoped_models()
               if getattr(m, "scope_path", None) is not None and m._meta.label_lower not in matrix]
    assert not missing, f"register these models in the permission matrix: {missing}"


def test_the_matrix_names_only_real_models():
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert not sorted(set(permissions.matrix()) - labels)


@pytest.mark.parametrize("label, action", [("schools.nosuchmodel", "view"), ("schools.building", "approve"),
                                           ("schools.building", "")])
def test_asking_the_matrix_about_an_unknown_model_or_action_raises(label, action):
    with pytest.raises(ImproperlyConfigured):
        permissions.roles_for(label, action)


def test_registering_an_unknown_role_or_action_raises():
    with pytest.raises(ImproperlyConfigured):
        permissions.register("schools.building", view={"janitor"})
    with pytest.raises(ImproperlyConfigured):
        permissions.register("schools.building", approve={"district_admin"})
    assert "district_admin" in permissions.roles_for("schools.building", "view")


def test_for_user_raises_for_an_action_the_matrix_does_not_know(db, district_admin):
    with pytest.raises(ImproperlyConfigured):
        list(School.objects.for_user(district_admin, "approve"))

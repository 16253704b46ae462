"""Generated scope tests for every scoped model an app declares: two lines per model.

In the app's tests folder (``tests/<app>/test_<app>_scope.py``), with the builder of the app's scope
table (``tests/<app>/scope.py``, see ``tests/scope_table.py``)::

    from drills.models import Drill
    from tests.scoped_models import ScopedModelTests

    from .scope import make_drill

    class TestDrillScope(ScopedModelTests):
        model, make = Drill, make_drill

``make(world, school)`` builds one record of ``school`` (or of its district, for a district-wide record).
The class then gets these tests, run as every persona of ``tests/conftest.py`` plus a person whose
membership ended and a superuser, always through ``Model.objects.for_user(user, action)``:

- ``test_a_record_in_scope_is_seen``: a record of School A is seen, for every action of the model's matrix
  row, by every persona whose membership there (or district-wide) has a role the matrix allows, and at
  least one persona may view it;
- ``test_a_record_of_another_school_is_out_of_scope`` (school-scoped models only): a record of School B
  is seen by nobody whose places are School A and School C only, for any action;
- ``test_a_record_of_another_district_is_out_of_scope``: a record of the other district's school is seen
  by nobody, for any action (not even the district admin);
- ``test_each_persona_sees_what_the_matrix_allows[<action>]``, one per action of the model's row in the
  permission matrix (``portal.permissions.roles_for(label, action)``): with records at schools A, B, C
  and the other district's, each person sees exactly the records their active memberships with an allowed
  role reach: their schools, and every school of a district where they hold a district-wide role (their
  district, for district-wide records).

The expectations come from the matrix and the people's memberships (``tests.scope_table.places_of``),
never from ``for_user`` itself. A model's ``extra_scope`` grants (owners of a follow-up, shared reference
rows) are not modelled: build records that no persona gets that way (owned by a stranger, belonging to a
district) and test the grant itself in the app's tests.
"""

from portal import permissions
from portal.scope import _scope_target
from schools.models import School

from .scope_table import ALL_PEOPLE, places_of

# People whose places are School A and School C only (the other-school test's sanity check).
NEIGHBOURS_OF_SCHOOL_B = {"school_a_admin", "school_a_staff", "sro_two_schools", "counselor_threat_team"}


def is_district_wide(model) -> bool:
    """Whether every scope path of the model leads to a District (its records belong to a whole district)."""
    paths = model.scope_path if isinstance(model.scope_path, tuple | list) else (model.scope_path,)
    return all(_scope_target(model, path) is not School for path in paths)


def actions_of(model) -> list[str]:
    """Every action of the model's row in the permission matrix (view/add/change/delete and its verbs)."""
    label = permissions.label_of(model)
    row = permissions.matrix().get(label)
    assert row is not None, f"{label} is not in the permission matrix: declare it in the app's integrations.py"
    return list(row)


def visible(model, user, action, records) -> set:
    """The pks among ``records`` that ``for_user(user, action)`` returns."""
    return set(model.objects.for_user(user, action).filter(pk__in=[r.pk for r in records])
               .values_list("pk", flat=True))


def allowed(model, user, world, action, records) -> set:
    """The pks among ``records`` the person may ``action`` by the matrix and their active memberships."""
    places = places_of(user, world, permissions.roles_for(permissions.label_of(model), action))
    return {r.pk for r in records if places.reach(r)}


def _describe(records, pks) -> str:
    names = sorted(f"{type(r).__name__} {r.pk} of {where}" for where, r in records if r.pk in pks)
    return ", ".join(names) or "nothing"


# --- The checks: each returns the list of what went wrong (empty when all is well) ------------------


def in_scope_failures(model, make, world, people) -> list[str]:
    record = make(world, world.school_a)
    failures, viewers = [], set()
    for action in actions_of(model):
        for name, user in people.items():
            if not allowed(model, user, world, action, [record]):
                continue
            if visible(model, user, action, [record]):
                if action == "view":
                    viewers.add(name)
            else:
                failures.append(f"{name} may {action} {model.__name__} {record.pk} of School A (the matrix allows "
                                f"their role there) but for_user(user, {action!r}) leaves it out")
    if not viewers and not failures:
        failures.append(f"no persona may view a {model.__name__} of School A: is the builder's record in School A "
                        "(or its district) and is 'view' in the model's matrix row?")
    return failures


def other_school_failures(model, make, world, people) -> list[str]:
    record = make(world, world.school_b)
    neighbours = {name for name, user in people.items() if not places_of(user, world).reach(record)}
    assert neighbours >= NEIGHBOURS_OF_SCHOOL_B, f"the builder's record is not School B's own: {record!r}"
    return [f"{name} ({action}) sees {model.__name__} {record.pk} of School B, outside their schools"
            for action in actions_of(model) for name in sorted(neighbours)
            if visible(model, people[name], action, [record])]


def other_district_failures(model, make, world, people) -> list[str]:
    record = make(world, world.other_school)
    assert all(not places_of(user, world).reach(record) for user in people.values())
    return [f"{name} ({action}) sees {model.__name__} {record.pk} of another district"
            for action in actions_of(model) for name in people
            if visible(model, people[name], action, [record])]


def matrix_failures(model, make, world, people, action) -> list[str]:
    records = [(school.name, make(world, school))
               for school in (world.school_a, world.school_b, world.school_c, world.other_school)]
    rows = [record for _, record in records]
    failures = []
    for name, user in people.items():
        expected, seen = allowed(model, user, world, action, rows), visible(model, user, action, rows)
        if seen != expected:
            failures.append(f"{name} ({action}): sees {_describe(records, seen)}; the matrix allows "
                            f"{_describe(records, expected)}")
    return failures


# --- The mixin -----------------------------------------------------------------------------------


class ScopedModelTests:
    """Subclass as ``class Test<Model>Scope(ScopedModelTests): model, make = <Model>, make_<model>``."""

    model = None  # the scoped model
    make = None  # (world, school) -> a record of that school, or of its district

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        make = cls.__dict__.get("make")
        if callable(make) and not isinstance(make, staticmethod):
            cls.make = staticmethod(make)  # a plain function, not a method of the test class
        if cls.model is None:
            return
        if cls.make is None:
            raise TypeError(f"{cls.__name__}: give make = a (world, school) -> record builder")
        if is_district_wide(cls.model):
            # Its records belong to a district: School B's is School A's too (the matrix test covers it).
            cls.test_a_record_of_another_school_is_out_of_scope = None

    def pytest_generate_tests(self, metafunc):
        if "action" in metafunc.fixturenames:
            metafunc.parametrize("action", actions_of(self.model))

    @staticmethod
    def people(request) -> dict:
        return {name: request.getfixturevalue(name) for name in ALL_PEOPLE}

    def test_a_record_in_scope_is_seen(self, request, world):
        failures = in_scope_failures(self.model, self.make, world, self.people(request))
        assert not failures, "\n".join(failures)

    def test_a_record_of_another_school_is_out_of_scope(self, request, world):
        failures = other_school_failures(self.model, self.make, world, self.people(request))
        assert not failures, "\n".join(failures)

    def test_a_record_of_another_district_is_out_of_scope(self, request, world):
        failures = other_district_failures(self.model, self.make, world, self.people(request))
        assert not failures, "\n".join(failures)

    def test_each_persona_sees_what_the_matrix_allows(self, request, world, action):
        failures = matrix_failures(self.model, self.make, world, self.people(request), action)
        assert not failures, "\n".join(failures)

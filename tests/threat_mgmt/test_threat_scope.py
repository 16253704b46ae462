"""The generated scope tests of every threat_mgmt model (tests/scoped_models.py), two lines each.

PrivateNote is not here: it is its author's alone, whatever the matrix says (test_cases.py tests it), and
the roster's grant (an SRO or an outside member on the team) is tested in test_case_scope.py.
"""

import datetime as dt

from tests.factories import UserFactory
from tests.scope_table import unique
from tests.scoped_models import ScopedModelTests
from threat_mgmt.models import (
    Case,
    CaseClosure,
    CaseFile,
    CheckIn,
    DestructionRecord,
    Disclosure,
    Intervention,
    Interview,
    StepRecord,
    Team,
    TeamMember,
    ThemeNote,
    ThreatSettings,
)

from .scope import (
    make_case,
    make_case_file,
    make_checkin,
    make_closure,
    make_disclosure,
    make_intervention,
    make_interview,
    make_member,
    make_step,
    make_team,
    make_theme,
)


class TestCaseScope(ScopedModelTests):
    model, make = Case, make_case


class TestTeamScope(ScopedModelTests):
    model, make = Team, make_team


class TestTeamMemberScope(ScopedModelTests):
    model, make = TeamMember, make_member


class TestStepRecordScope(ScopedModelTests):
    model, make = StepRecord, make_step


class TestInterviewScope(ScopedModelTests):
    model, make = Interview, make_interview


class TestThemeNoteScope(ScopedModelTests):
    model, make = ThemeNote, make_theme


class TestInterventionScope(ScopedModelTests):
    model, make = Intervention, make_intervention


class TestCheckInScope(ScopedModelTests):
    model, make = CheckIn, make_checkin


class TestDisclosureScope(ScopedModelTests):
    model, make = Disclosure, make_disclosure


class TestCaseClosureScope(ScopedModelTests):
    model, make = CaseClosure, make_closure


class TestCaseFileScope(ScopedModelTests):
    model, make = CaseFile, make_case_file


def make_settings(world, school):
    return ThreatSettings.for_district(school.district)


def make_destruction(world, school):
    return DestructionRecord.objects.create(district=school.district, school=school, case_number=unique(),
                                            referred_on=dt.date(2019, 1, 1), closed_on=dt.date(2019, 2, 1),
                                            rule="5 years", destroyed_by=UserFactory())


class TestThreatSettingsScope(ScopedModelTests):
    model, make = ThreatSettings, make_settings


class TestDestructionRecordScope(ScopedModelTests):
    model, make = DestructionRecord, make_destruction

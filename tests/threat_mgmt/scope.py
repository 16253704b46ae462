"""threat_mgmt's URLs in the scope table (see tests/scope_table.py) and the builders of its records.

A case is seen by its team and the district threat team only: of the personas, the counselor who holds the
threat_team role at School A. The principal, staff, SRO, district admin and leader of School A's district
are in the case's scope by place but get a 404 (not even its existence), like everyone outside.
"""

import datetime as dt

from django.core.files.base import ContentFile

from tests.factories import UserFactory
from tests.reporting.scope import make_tip
from tests.scope_table import obj, page, post_only, unique
from threat_mgmt.models import (
    Case,
    CaseClosure,
    CaseFile,
    CheckIn,
    Discipline,
    Disclosure,
    Intervention,
    Interview,
    PrivateNote,
    StepRecord,
    Team,
    TeamMember,
    ThemeNote,
)

CASE_TEAM = frozenset({"counselor_threat_team"})
TEAM_KEEPERS = frozenset({"district_admin", "school_a_admin", "school_b_admin", "counselor_threat_team"})


def make_case(world, school, **fields):
    n = unique()
    defaults = dict(school=school, subject_name=f"Student {n}", grade="09", referred_on=dt.date(2026, 10, 1 + n % 28),
                    concerning_behavior="Said something worrying.")
    defaults.update(fields)
    return Case.objects.create(**defaults)


def make_team(world, school):
    return Team.objects.get_or_create(school=school)[0]


def make_member(world, school):
    # A stranger: no persona gets the roster's grant through it.
    return TeamMember.objects.create(team=make_team(world, school), user=UserFactory(),
                                     discipline=Discipline.OTHER, starts_on=dt.date(2026, 1, 1))


def make_step(world, school):
    return StepRecord.objects.create(case=make_case(world, school), step="notify_parents",
                                     done_on=dt.date(2026, 10, 2), recorded_by=UserFactory())


def make_interview(world, school):
    return Interview.objects.create(case=make_case(world, school), kind=Interview.Kind.SUBJECT, interviewee="S",
                                    held_on=dt.date(2026, 10, 2), interviewer=UserFactory(), summary="Talked.")


def make_theme(world, school):
    return ThemeNote.objects.create(case=make_case(world, school), theme="motive",
                                    finding=ThemeNote.Finding.UNKNOWN)


def make_intervention(world, school):
    return Intervention.objects.create(case=make_case(world, school), kind=Intervention.Kind.COUNSELING,
                                       title="Counseling", owner=UserFactory(), due_on=dt.date(2026, 11, 1))


def make_checkin(world, school):
    return CheckIn.objects.create(case=make_case(world, school), due_on=dt.date(2026, 10, 20))


def make_note(world, school):
    return PrivateNote.objects.create(case=make_case(world, school), author=UserFactory(), body="Mine.")


def make_disclosure(world, school):
    return Disclosure.objects.create(case=make_case(world, school), disclosed_on=dt.date(2026, 10, 3),
                                     recipient="County crisis team", information="The plan",
                                     basis=Disclosure.Basis.CONSENT, recorded_by=UserFactory())


def make_closure(world, school):
    return CaseClosure.objects.create(case=make_case(world, school), closed_on=dt.date(2026, 10, 5),
                                      outcome="Resolved.")


def make_case_file(world, school):
    case_file = CaseFile.objects.create(case=make_case(world, school), requested_by=UserFactory(),
                                        status=CaseFile.Status.READY)
    case_file.file.save(f"case-file-{case_file.pk}.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
    return case_file


def _case_and(kwargs):
    return lambda case: {"pk": case.pk, **kwargs}


URLS = {
    "threat_mgmt:case-list": page(),
    "threat_mgmt:case-create": page(ok=CASE_TEAM),
    "threat_mgmt:case-detail": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:case-update": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:case-from-tip": obj(make_tip, ok=CASE_TEAM, denied={"tip_triage", "school_a_admin", "school_b_admin"},
                                     kwargs=lambda tip: {"tip_pk": tip.pk}),
    "threat_mgmt:case-step": obj(make_case, ok=CASE_TEAM, kwargs=_case_and({"step": "interview_subject"})),
    "threat_mgmt:interview-create": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:case-themes": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:intervention-create": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:intervention-done": post_only(make_intervention),
    "threat_mgmt:checkin-schedule": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:checkin-record": obj(make_checkin, ok=CASE_TEAM),
    "threat_mgmt:note-create": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:disclosure-create": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:case-member-create": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:case-close": obj(make_case, ok=CASE_TEAM),
    "threat_mgmt:closure-detail": obj(make_closure, redirect=CASE_TEAM),
    "threat_mgmt:closure-sign": obj(make_closure, ok=CASE_TEAM),
    "threat_mgmt:case-legal-hold": post_only(make_case),
    "threat_mgmt:case-file-request": post_only(make_case),
    "threat_mgmt:case-file-download": obj(make_case_file, ok=CASE_TEAM),
    "threat_mgmt:case-destroy": post_only(make_case),
    "threat_mgmt:team-list": page(),
    "threat_mgmt:team-create": page(ok=TEAM_KEEPERS),
    "threat_mgmt:team-detail": obj(make_team, ok=TEAM_KEEPERS),
    "threat_mgmt:team-update": obj(make_team, ok=TEAM_KEEPERS),
    "threat_mgmt:member-create": obj(make_team, ok=TEAM_KEEPERS),
    "threat_mgmt:member-update": obj(make_member, ok=TEAM_KEEPERS),
    "threat_mgmt:disclosure-list": page(),
    "threat_mgmt:disclosure-detail": obj(make_disclosure, ok=CASE_TEAM),
    "threat_mgmt:settings": page(ok={"district_admin"}),
    "threat_mgmt:retention": page(ok=CASE_TEAM),
    "threat_mgmt:equity": page(ok={"district_admin", "counselor_threat_team"}),
}

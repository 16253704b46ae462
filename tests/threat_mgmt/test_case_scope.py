"""Who sees a case: its team and the district threat team only (404 for everyone else, audited), the roster's
SRO and outside members while their place lasts, the author alone for private notes."""

import datetime as dt

import pytest

from schools.models import AuditEvent
from threat_mgmt.models import Case, Discipline, PrivateNote, TeamMember

from .scope import make_case

pytestmark = pytest.mark.django_db


def _detail(client, user, case):
    client.force_login(user)
    return client.get(f"/threat/cases/{case.pk}/")


def test_an_sro_not_on_the_team_gets_404_and_the_refusal_is_audited(client, world, sro_two_schools, team_a):
    case = make_case(world, world.school_a)
    assert _detail(client, sro_two_schools, case).status_code == 404
    assert AuditEvent.objects.filter(actor=sro_two_schools, action=AuditEvent.Action.DENIED_NOT_FOUND,
                                     object_id=str(case.pk)).exists()


def test_an_sro_on_the_team_sees_and_works_the_case(client, world, sro_two_schools, team_a):
    case = make_case(world, world.school_a)
    TeamMember.objects.create(team=team_a, user=sro_two_schools, discipline=Discipline.LAW_ENFORCEMENT,
                              starts_on=dt.date(2020, 1, 1))
    assert _detail(client, sro_two_schools, case).status_code == 200
    assert client.get(f"/threat/cases/{case.pk}/interviews/new/").status_code == 200
    # Only School A's team: a case of School C (where the SRO also works) stays hidden.
    assert _detail(client, sro_two_schools, make_case(world, world.school_c)).status_code == 404


def test_a_principal_or_counselor_of_the_school_not_on_the_team_gets_404(client, world, school_a_admin,
                                                                          counselor_threat_team):
    from tests.factories import MembershipFactory, UserFactory

    counselor = UserFactory()
    MembershipFactory(user=counselor, role="counselor", school=world.school_a)
    case = make_case(world, world.school_a)
    assert _detail(client, school_a_admin, case).status_code == 404
    assert _detail(client, counselor, case).status_code == 404
    assert _detail(client, counselor_threat_team, case).status_code == 200


def test_the_district_threat_team_sees_every_case_of_the_district_and_no_other(client, world,
                                                                                 district_threat_team):
    assert _detail(client, district_threat_team, make_case(world, world.school_b)).status_code == 200
    assert _detail(client, district_threat_team, make_case(world, world.other_school)).status_code == 404


def test_the_district_admin_does_not_read_cases(client, world, district_admin):
    assert _detail(client, district_admin, make_case(world, world.school_a)).status_code == 404


def test_an_outside_member_sees_only_their_case_and_only_until_their_end_date(client, world, team_a):
    from tests.factories import MembershipFactory, UserFactory

    clinician = UserFactory(email="clinician@clinic.example")
    today = world.district.local_today()
    MembershipFactory(user=clinician, role="responder", school=world.school_a, agency=world.agency,
                      starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=200))
    case, other = make_case(world, world.school_a), make_case(world, world.school_a)
    place = TeamMember.objects.create(team=team_a, user=clinician, discipline=Discipline.MENTAL_HEALTH, case=case,
                                      is_outside=True, starts_on=today - dt.timedelta(days=10),
                                      ends_on=today + dt.timedelta(days=5))
    assert _detail(client, clinician, case).status_code == 200
    assert _detail(client, clinician, other).status_code == 404
    TeamMember.objects.filter(pk=place.pk).update(ends_on=today - dt.timedelta(days=1))
    assert _detail(client, clinician, case).status_code == 404


def test_a_private_note_is_seen_by_its_author_alone(client, world, counselor_threat_team, district_threat_team):
    case = make_case(world, world.school_a)
    PrivateNote.objects.create(case=case, author=counselor_threat_team, body="Only mine: gut feeling")
    assert "gut feeling" in _detail(client, counselor_threat_team, case).content.decode()
    assert "gut feeling" not in _detail(client, district_threat_team, case).content.decode()
    assert not PrivateNote.objects.for_user(district_threat_team).exists()


def test_every_read_leaves_an_audit_entry(client, world, counselor_threat_team):
    case = make_case(world, world.school_a)
    client.force_login(counselor_threat_team)
    before = AuditEvent.objects.filter(actor=counselor_threat_team, action=AuditEvent.Action.VIEW).count()
    assert client.get("/threat/cases/").status_code == 200
    assert client.get(f"/threat/cases/{case.pk}/").status_code == 200
    assert client.get("/threat/disclosures/").status_code == 200
    views = AuditEvent.objects.filter(actor=counselor_threat_team, action=AuditEvent.Action.VIEW)
    assert views.count() == before + 3
    assert views.filter(object_type="threat_mgmt.case", object_id=str(case.pk)).exists()
    assert views.filter(object_type="threat_mgmt.case", note="list").exists()


def test_the_case_file_download_is_audited_and_scoped(client, world, counselor_threat_team, school_a_admin):
    from .scope import make_case_file

    case_file = make_case_file(world, world.school_a)
    client.force_login(counselor_threat_team)
    response = client.get(f"/threat/case-files/{case_file.pk}/download/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(actor=counselor_threat_team, action=AuditEvent.Action.DOWNLOAD).exists()
    client.force_login(school_a_admin)
    assert client.get(f"/threat/case-files/{case_file.pk}/download/").status_code == 404


def test_the_list_shows_only_the_persons_cases_in_the_same_queries_for_3_and_30(client, world,
                                                                                counselor_threat_team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(counselor_threat_team)
    make_case(world, world.school_b, subject_name="Hidden Person")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/threat/cases/?status=open")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    for _ in range(3):
        make_case(world, world.school_a)
    few, _body = count()
    for _ in range(27):
        make_case(world, world.school_a)
    many, body = count()
    assert few == many
    assert "Hidden Person" not in body
    assert Case.objects.for_user(counselor_threat_team).count() == 30

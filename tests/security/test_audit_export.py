"""District admins download the audit log as CSV, filtered like the list page, with formulas defused."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from schools.models import AuditEvent

pytestmark = pytest.mark.django_db

EXPORT = "/account/audit-log/export/"


def _rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _event(world, **fields):
    return AuditEvent.objects.create(district=world.district, **{"action": AuditEvent.Action.VIEW, **fields})


def test_the_export_defuses_formulas_a_person_could_plant(client, district_admin, world):
    _event(
        world, actor_label='=HYPERLINK("http://evil.example","click")', action=AuditEvent.Action.LOGIN_FAILED
    )
    client.force_login(district_admin)
    response = client.get(EXPORT, {"action": "login_failed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _rows(response)
    assert rows[0][:3] == ["When", "Person", "Action"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[1][2] == "Failed login"


def test_the_export_keeps_to_the_filters_and_the_admins_district(client, district_admin, world):
    _event(world, actor_label="old@district.example", at=timezone.now() - dt.timedelta(days=40))
    _event(world, actor_label="recent@district.example")
    AuditEvent.objects.create(
        district=world.other_district, action=AuditEvent.Action.VIEW, actor_label="someone@olympia.example"
    )
    client.force_login(district_admin)
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    people = [r[1] for r in _rows(client.get(EXPORT, {"at__date__gte": since, "action": "view"}))[1:]]
    assert people == ["recent@district.example"]
    everyone = {r[1] for r in _rows(client.get(EXPORT))[1:]}
    assert "someone@olympia.example" not in everyone
    assert {"old@district.example", "recent@district.example"} <= everyone


def test_the_export_itself_is_audited(client, district_admin, world):
    client.force_login(district_admin)
    b"".join(client.get(EXPORT, {"action": "login"}).streaming_content)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, actor=district_admin, object_type="schools.auditevent"
    ).exists()


@pytest.mark.parametrize(
    "persona", ["district_leader", "school_a_admin", "counselor_threat_team", "tip_triage"], indirect=True
)
def test_only_district_admins_may_export(client, persona):
    client.force_login(persona)
    assert client.get(EXPORT).status_code == 403


def test_the_list_page_links_to_the_export_with_its_filters(client, district_admin):
    client.force_login(district_admin)
    page = client.get("/district/auditevents/", {"action": "login"}).content.decode()
    assert f'href="{EXPORT}?action=login"' in page

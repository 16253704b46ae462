"""The app built from docs/adding-an-action-app.md works as the guide promises: its pages, its list without
N+1, its sign-off that locks, its place in the navigation and the demo, with nothing outside its folder but
the INSTALLED_APPS entry and one URL line."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import registry
from portal.signed import RecordLocked
from schools.models import AuditEvent
from tests.testapp.models import Walkthrough

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LIST = "/testapp/walkthroughs/"


def walk(school, day=dt.date(2026, 10, 5), **fields):
    return Walkthrough.objects.create(school=school, walked_on=day, **fields)


def test_a_school_admin_records_one_through_the_generic_form(client, world, school_a_admin):
    client.force_login(school_a_admin)
    form = client.get(reverse("testapp:walkthrough-create")).content.decode()
    assert 'type="date"' in form and "signed_at" not in form
    response = client.post(reverse("testapp:walkthrough-create"),
                           {"school": world.school_a.pk, "walked_on": "2026-10-05", "notes": "Gate 3 unlatched"})
    created = Walkthrough.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/testapp/walkthroughs/{created.pk}/"
    assert created.school == world.school_a and created.notes == "Gate 3 unlatched"
    assert AuditEvent.objects.filter(action="create", object_type="testapp.walkthrough",
                                     district=world.district).exists()


def test_a_school_outside_the_admins_scope_is_not_a_choice(client, world, school_a_admin):
    client.force_login(school_a_admin)
    response = client.post(reverse("testapp:walkthrough-create"),
                           {"school": world.school_b.pk, "walked_on": "2026-10-05"})
    assert response.status_code == 400 and not Walkthrough.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def _count(client, url=LIST):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_list_declares_its_columns_and_costs_the_same_for_3_rows_as_for_30(client, world, school_a_admin):
    client.force_login(school_a_admin)
    for i in range(3):
        walk(world.school_a, dt.date(2026, 9, 1) + dt.timedelta(days=i))
    few, _ = _count(client)
    for i in range(3, 30):
        walk(world.school_a, dt.date(2026, 9, 1) + dt.timedelta(days=i))
    many, response = _count(client)
    assert few == many
    html = response.content.decode()
    assert '<th scope="col">State</th>' in html and "Not signed" in html and "School A" in html
    assert len(re.findall(r'href="/testapp/walkthroughs/\d+/"', html)) == 25  # paginated


def test_the_empty_list_says_what_to_do_next(client, world, school_a_admin):
    client.force_login(school_a_admin)
    html = client.get(LIST).content.decode()
    assert "Record the first one after walking the grounds." in html and "Record a walk-through" in html


def test_the_list_filters_by_date(client, world, school_a_admin):
    walk(world.school_a, dt.date(2026, 9, 1), notes="early")
    late = walk(world.school_a, dt.date(2026, 11, 1))
    client.force_login(school_a_admin)
    html = client.get(LIST, {"walked_on__gte": "2026-10-01"}).content.decode()
    assert f"/testapp/walkthroughs/{late.pk}/" in html and html.count('<th scope="row">') == 1


def test_signing_through_the_shared_page_locks_it(client, world, school_a_admin):
    record = walk(world.school_a)
    client.force_login(school_a_admin)
    response = client.post(reverse("testapp:walkthrough-sign", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_locked and record.signed_by == school_a_admin
    assert client.get(reverse("testapp:walkthrough-update", args=[record.pk])).status_code == 403
    record.notes = "changed"
    with pytest.raises(RecordLocked):
        record.save()


def test_the_district_admin_may_edit_but_not_sign(client, world, district_admin):
    record = walk(world.school_a)
    client.force_login(district_admin)
    assert client.get(reverse("testapp:walkthrough-update", args=[record.pk])).status_code == 200
    assert client.post(reverse("testapp:walkthrough-sign", args=[record.pk])).status_code == 403
    record.refresh_from_db()
    assert not record.is_locked


def test_its_page_is_in_the_navigation_of_those_the_matrix_allows(client, world, school_a_staff, tip_triage):
    client.force_login(school_a_staff)
    assert f'href="{LIST}"' in client.get("/").content.decode()
    client.force_login(tip_triage)
    assert f'href="{LIST}"' not in client.get("/").content.decode()


def test_its_declarations_reached_every_registry():
    integration = registry.get("testapp")
    # The test app's step comes after every action app's; only the personas' second factor runs later, so
    # that personas the apps add get one too (accounts/integrations.py).
    assert [step.name for step in registry.demo_steps()][-2:] == ["walk-throughs", "personas' second factor"]
    assert integration.matrix["testapp.walkthrough"]["sign"] == {"school_admin"}


def test_nothing_outside_its_folder_names_it_but_installed_apps_and_one_url_line():
    """The guide's promise: an app touches its own folder, INSTALLED_APPS and one URL line, nothing else."""
    outside = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", ".git", "tests", "docs", "staticfiles", "media", "test-artifacts"}:
            continue
        if path.suffix not in {".py", ".html", ".txt", ".toml", ".cfg", ".yml"} or not path.is_file():
            continue
        for line in path.read_text(errors="ignore").splitlines():
            if "testapp" in line and not line.lstrip().startswith("#"):
                outside.append(f"{relative}: {line.strip()}")
    assert outside == [
        'safety_portal/settings.py: INSTALLED_APPS.append("tests.testapp")',
        'safety_portal/urls.py: urlpatterns.append(path("testapp/", include("tests.testapp.urls")))',
    ], outside

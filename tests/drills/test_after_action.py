"""After-action reports and their improvement items, which appear on the owner's My tasks until done."""

import datetime as dt

import pytest

from drills.models import AfterActionReport, ImprovementItem
from portal import followups
from schools.models import Notification

from .factories import AfterActionFactory, ImprovementItemFactory, held

pytestmark = pytest.mark.django_db


def test_a_school_admin_writes_the_report(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {
        "form": "report", "what_happened": "Out in 3 minutes.", "went_well": "Calm.",
        "areas_for_improvement": "East alarm faint."})
    assert response.status_code == 302
    report = AfterActionReport.objects.get(drill=drill)
    assert report.written_by == school_a_admin and report.went_well == "Calm."


def test_the_report_needs_what_happened(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {"form": "report", "what_happened": ""})
    assert response.status_code == 400
    assert not AfterActionReport.objects.exists()


def test_an_improvement_item_goes_to_its_owners_my_tasks(client, world, school_a_admin, school_a_staff):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    AfterActionFactory(drill=drill, written_by=school_a_admin)
    client.force_login(school_a_admin)
    due = world.district.local_today() + dt.timedelta(days=14)
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {
        "form": "item", "title": "Fix the east stairwell alarm", "owner": school_a_staff.pk, "due_on": due})
    assert response.status_code == 302
    item = ImprovementItem.objects.get()
    assert item.owner == school_a_staff
    tasks = followups.tasks_for(school_a_staff, school_a_staff.active_memberships())
    assert [t.row for t in tasks] == [item]
    assert tasks[0].link == f"/drills/drills/{drill.pk}/after-action/"
    notice = Notification.objects.get(recipient=school_a_staff, kind="drills.item_assigned")
    assert "alarm" not in notice.body_text  # a link, never the record's content


def test_an_owner_must_hold_a_role_at_the_school(client, world, school_a_admin, school_b_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    AfterActionFactory(drill=drill)
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {
        "form": "item", "title": "X", "owner": school_b_admin.pk, "due_on": dt.date(2099, 1, 1)})
    assert response.status_code == 400
    assert not ImprovementItem.objects.exists()


def test_a_due_date_in_the_past_is_refused(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    AfterActionFactory(drill=drill)
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {
        "form": "item", "title": "X", "owner": school_a_admin.pk, "due_on": dt.date(2000, 1, 1)})
    assert response.status_code == 400


def test_the_owner_marks_the_item_done_from_my_tasks(client, world, school_a_staff):
    item = ImprovementItemFactory(after_action=AfterActionFactory(drill=held(world.school_a, dt.date(2026, 9, 10))),
                                  owner=school_a_staff)
    client.force_login(school_a_staff)
    response = client.post(f"/district/my-tasks/drills.improvementitem/{item.pk}/done/",
                           {"evidence_note": "Alarm replaced by facilities."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_done and item.done_by == school_a_staff


def test_the_owner_completes_an_item_of_a_signed_log_with_a_file_and_the_report_stays_locked(
        client, world, school_a_admin, school_a_staff, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    drill = held(world.school_a, dt.date(2026, 9, 10))
    item = ImprovementItemFactory(after_action=AfterActionFactory(drill=drill), owner=school_a_staff)
    drill.sign_off(by=school_a_admin)
    client.force_login(school_a_staff)
    evidence = SimpleUploadedFile("work-order.txt", b"Work order 42: alarm replaced.\n", content_type="text/plain")
    response = client.post(f"/district/my-tasks/drills.improvementitem/{item.pk}/done/",
                           {"evidence_note": "Alarm replaced.", "evidence_file": evidence})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_done and item.evidence_file and item.title == "Fix the east stairwell alarm"
    # The report of the signed log is not rewritten through its page either.
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {"what_happened": "Rewritten."})
    assert response.status_code == 403
    assert AfterActionReport.objects.get(drill=drill).what_happened == "Everyone was out in four minutes."


def test_items_can_still_be_added_after_sign_off(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 10))
    AfterActionFactory(drill=drill)
    drill.sign_off(by=school_a_admin)
    client.force_login(school_a_admin)
    response = client.post(f"/drills/drills/{drill.pk}/after-action/", {
        "form": "item", "title": "Retrain substitutes", "owner": school_a_admin.pk, "due_on": dt.date(2099, 1, 1)})
    assert response.status_code == 302
    assert ImprovementItem.objects.filter(title="Retrain substitutes").exists()


def test_another_schools_items_are_not_visible(world, school_b_admin, school_a_staff):
    ImprovementItemFactory(after_action=AfterActionFactory(drill=held(world.school_a, dt.date(2026, 9, 10))),
                           owner=school_a_staff)
    assert not ImprovementItem.objects.for_user(school_b_admin, "view").exists()
    assert ImprovementItem.objects.for_user(school_a_staff, "view").count() == 1

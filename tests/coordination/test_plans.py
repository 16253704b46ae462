"""Coordination plans: drafts, the frozen submitted version (every path), new drafts from approved versions,
the section-by-section diff, safe Markdown, submission with the required partners, the review journey and
approval, and who sees what (an SRO of school A, a partner responder, an ended grant)."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from coordination import services
from coordination.models import (
    CoordinationPlan,
    PlanChangeRequest,
    PlanReview,
    PlanSection,
    PlanVersion,
    months_later,
)
from portal.signed import RecordLocked
from schools.models import Agency, AuditEvent, Membership, Notification
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

from .builders import make_approved, make_draft, make_plan, make_submitted

pytestmark = pytest.mark.django_db


def plan_of(world, school=None, owner=None):
    school = school or world.school_a
    return CoordinationPlan.objects.create(district=school.district, school=school, title=f"Plan of {school.name}",
                                           owner=owner or UserFactory())


# --- Scope --------------------------------------------------------------------------------------


def test_an_sro_of_school_a_is_404_on_school_bs_plan_and_its_versions(client, world, sro_two_schools):
    plan_b = plan_of(world, world.school_b)
    version_b = make_approved(world, world.school_b, plan_b)
    client.force_login(sro_two_schools)
    assert client.get(reverse("coordination:plan-detail", args=[plan_b.pk])).status_code == 404
    assert client.get(reverse("coordination:planversion-detail", args=[version_b.pk])).status_code == 404
    assert client.get(reverse("coordination:planversion-compare", args=[version_b.pk])).status_code == 404
    assert AuditEvent.objects.filter(actor=sro_two_schools, action=AuditEvent.Action.DENIED_NOT_FOUND,
                                     object_type="coordination.planversion").exists()
    plan_a = plan_of(world)
    assert client.get(reverse("coordination:plan-detail", args=[plan_a.pk])).status_code == 200


# --- Drafts and the frozen version ------------------------------------------------------------------


def test_a_school_admin_starts_a_plan_and_its_first_draft_has_the_ten_default_sections(client, world,
                                                                                       school_a_admin):
    client.force_login(school_a_admin)
    response = client.post(reverse("coordination:plan-create"),
                           {"school": world.school_a.pk, "title": "Pioneer plan", "owner": school_a_admin.pk})
    plan = CoordinationPlan.objects.get()
    assert response.status_code == 302 and plan.district == world.district and plan.owner == school_a_admin
    response = client.post(reverse("coordination:plan-draft", args=[plan.pk]))
    draft = PlanVersion.objects.get(plan=plan)
    assert response["Location"] == reverse("coordination:planversion-edit", args=[draft.pk])
    titles = list(PlanSection.objects.filter(version=draft).values_list("kind__title", flat=True))
    assert titles[:3] == ["Basic plan", "Evacuation", "Lockdown"] and len(titles) == 10
    data = {f"section_{s.pk}": f"{s.kind.title} text" for s in draft.sections.all()}
    response = client.post(reverse("coordination:planversion-edit", args=[draft.pk]), {**data, "change_note": "v1"})
    assert response.status_code == 302
    assert PlanSection.objects.get(version=draft, kind__title="Lockdown").body == "Lockdown text"


def test_a_school_admin_cannot_start_the_district_plan(client, world, school_a_admin):
    client.force_login(school_a_admin)
    response = client.post(reverse("coordination:plan-create"), {"title": "District plan", "owner": school_a_admin.pk})
    assert response.status_code == 400 and not CoordinationPlan.objects.exists()
    assert "only a district administrator writes the district plan" in response.content.decode()


def test_a_submitted_version_refuses_changes_through_every_path(client, world, school_a_admin):
    plan = plan_of(world, owner=school_a_admin)
    version = make_submitted(world, world.school_a, plan)
    section = version.sections.first()
    # the model
    version.change_note = "changed"
    with pytest.raises(RecordLocked):
        version.save()
    with pytest.raises(RecordLocked):
        version.delete()
    with pytest.raises(RecordLocked):
        PlanVersion.objects.filter(pk=version.pk).update(change_note="bulk")
    section.body = "rewritten"
    with pytest.raises(RecordLocked):
        section.save()
    with pytest.raises(RecordLocked):
        PlanSection.objects.filter(pk=section.pk).update(body="bulk")
    with pytest.raises(RecordLocked):
        section.delete()
    # the views
    client.force_login(school_a_admin)
    edit = reverse("coordination:planversion-edit", args=[version.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {f"section_{section.pk}": "via the form"}).status_code == 403
    assert client.post(reverse("coordination:planversion-attach", args=[version.pk])).status_code == 403
    assert client.post(reverse("coordination:planversion-submit", args=[version.pk])).status_code == 403
    section.refresh_from_db()
    assert section.body.endswith("of version 1.")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_FORBIDDEN, actor=school_a_admin,
                                     object_type="coordination.planversion").count() >= 3
    # the edit form is not offered
    html = client.get(reverse("coordination:planversion-detail", args=[version.pk])).content.decode()
    assert edit not in html and "frozen" in html


@pytest.mark.postgres
def test_the_database_refuses_changing_a_submitted_version_and_its_sections(world):
    version = make_submitted(world, world.school_a)
    section = version.sections.first()
    for sql, args in (("UPDATE coordination_planversion SET change_note = 'raw' WHERE id = %s", [version.pk]),
                      ("UPDATE coordination_plansection SET body = 'raw' WHERE id = %s", [section.pk]),
                      ("DELETE FROM coordination_plansection WHERE id = %s", [section.pk])):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, args)


def test_editing_an_approved_plan_starts_a_new_draft_copying_its_sections(client, world, school_a_admin):
    plan = plan_of(world, owner=school_a_admin)
    approved = make_approved(world, world.school_a, plan)
    client.force_login(school_a_admin)
    response = client.post(reverse("coordination:plan-draft", args=[plan.pk]))
    draft = PlanVersion.objects.get(plan=plan, number=2)
    assert response["Location"] == reverse("coordination:planversion-edit", args=[draft.pk])
    copied = dict(PlanSection.objects.filter(version=draft).values_list("kind__title", "body"))
    assert copied["Basic plan"] == "Basic plan text of version 1." and not draft.is_locked
    # asking again opens the same draft
    client.post(reverse("coordination:plan-draft", args=[plan.pk]))
    assert PlanVersion.objects.filter(plan=plan).count() == 2
    approved.refresh_from_db()
    assert approved.countersigned_at is not None


def test_the_diff_shows_each_section_with_added_and_removed_text_labelled(client, world, school_a_admin):
    plan = plan_of(world, owner=school_a_admin)
    first = make_approved(world, world.school_a, plan)
    second = services.version_draft(plan=plan, by=school_a_admin)
    section = PlanSection.objects.get(version=second, kind__title="Evacuation")
    section.body = "Evacuation text of version 1. Rally at the football field."
    section.save()
    client.force_login(school_a_admin)
    response = client.get(reverse("coordination:planversion-compare", args=[second.pk]),
                          {"against": first.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Evacuation — changed" in html and "Basic plan — unchanged" in html
    assert '<ins><span class="visually-hidden">[added: </span> Rally' in html
    # the first version had three sections, the district's list has ten: the others are new in the second
    assert "Reunification — new section" in html and "section removed" not in html


def test_the_diff_of_words(world):
    from coordination.text import diff_text

    pieces = diff_text("Door 7 is locked", "Door 9 is locked")
    assert [(p.kind, p.text) for p in pieces if p.kind != "same"] == [("removed", "7"), ("added", "9")]


def test_section_text_is_markdown_rendered_without_scripts_or_javascript_links(client, world, school_a_admin):
    plan = plan_of(world, owner=school_a_admin)
    draft = make_draft(world, world.school_a, plan)
    PlanSection.objects.filter(version=draft).update(
        body='**Bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">')
    client.force_login(school_a_admin)
    html = client.get(reverse("coordination:planversion-detail", args=[draft.pk])).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html and "javascript:alert" not in html and "onerror" not in html


# --- Submission and review -------------------------------------------------------------------------


@pytest.fixture
def fire_responder(world):
    fire = AgencyFactory(district=world.district, name="Fire Department", kind=Agency.Kind.FIRE)
    today = world.district.local_today()
    return MembershipFactory(user=UserFactory(email="fire@fire.example", display_name="Fay Fire"),
                             role=Membership.Role.RESPONDER, school=world.school_a, agency=fire,
                             starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=100))


def _submit(client, version, *memberships):
    return client.post(reverse("coordination:planversion-submit", args=[version.pk]),
                       {"reviewers": [str(m.pk) for m in memberships]})


def test_submitting_needs_a_law_enforcement_and_a_fire_reviewer(client, world, school_a_admin, sro_two_schools,
                                                                 fire_responder):
    plan = plan_of(world, owner=school_a_admin)
    draft = make_draft(world, world.school_a, plan)
    sro_a = sro_two_schools.memberships.get(school=world.school_a)
    client.force_login(school_a_admin)
    page = client.get(reverse("coordination:planversion-submit", args=[draft.pk])).content.decode()
    assert "Law enforcement, Fire" in page and "Fay Fire" in page and "Officer Sam" in page
    response = _submit(client, draft, sro_a)
    assert response.status_code == 400
    assert "Name a Fire reviewer: the district requires Law enforcement, Fire to sign every plan." in (
        response.content.decode())
    draft.refresh_from_db()
    assert not draft.is_locked and not PlanReview.objects.exists()
    response = _submit(client, draft, sro_a, fire_responder)
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.is_locked and draft.required_kinds == ["law_enforcement", "fire"]
    assert set(PlanReview.objects.values_list("kind", flat=True)) == {"law_enforcement", "fire"}
    assert Notification.objects.filter(recipient=fire_responder.user, kind="coordination_review").exists()


def test_the_sros_review_journey_to_an_approved_plan(client, world, school_a_admin, sro_two_schools,
                                                     fire_responder):
    plan = plan_of(world, owner=school_a_admin)
    draft = make_draft(world, world.school_a, plan)
    services.version_submit(version=draft, reviewers=[sro_two_schools.memberships.get(school=world.school_a),
                                                      fire_responder], by=school_a_admin)
    review = PlanReview.objects.get(reviewer=sro_two_schools)
    client.force_login(sro_two_schools)
    # waiting for me: home page and My tasks
    home = client.get("/").content.decode()
    assert "Plans waiting for my review" in home and reverse("coordination:review", args=[review.pk]) in home
    tasks = client.get(reverse("portal:my-tasks")).content.decode()
    assert reverse("coordination:review", args=[review.pk]) in tasks
    url = reverse("coordination:review", args=[review.pk])
    section = draft.sections.get(kind__title="Lockdown")
    response = client.post(url, {"form": "comment", "section": section.pk, "text": "Which doors lock remotely?",
                                 "requests_change": "on"})
    assert response.status_code == 302
    change = PlanChangeRequest.objects.get()
    assert change.owner == school_a_admin and "Lockdown: Which doors lock remotely?" in change.title
    client.force_login(school_a_admin)
    assert "Which doors lock remotely?" in client.get(reverse("portal:my-tasks")).content.decode()
    client.force_login(sro_two_schools)
    assert client.post(url, {"form": "sign", "note": "OK for police", "confirm": "on"}).status_code == 302
    review.refresh_from_db()
    draft.refresh_from_db()
    assert review.is_locked and review.decision == "signed" and draft.countersigned_at is None
    assert url not in client.get("/").content.decode()
    # the fire responder signs: every required partner signed, the version is approved
    fire_review = PlanReview.objects.get(reviewer=fire_responder.user)
    client.force_login(fire_responder.user)
    fire_url = reverse("coordination:review", args=[fire_review.pk])
    assert client.get(fire_url).status_code == 200
    assert client.post(fire_url, {"form": "sign", "note": "", "confirm": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == "approved"
    assert services.re_review_due_on(draft) == months_later(draft.approved_on)
    # closed reviews refuse more
    assert client.post(fire_url, {"form": "changes", "note": "late"}).status_code == 403


def test_only_the_named_reviewer_reviews(client, world, sro_two_schools, school_a_admin, fire_responder):
    version = make_submitted(world, world.school_a)
    review = PlanReview.objects.create(version=version, reviewer=fire_responder.user, agency=fire_responder.agency,
                                       kind="fire")
    client.force_login(sro_two_schools)
    assert client.get(reverse("coordination:review", args=[review.pk])).status_code == 403
    client.force_login(school_a_admin)
    assert client.post(reverse("coordination:review", args=[review.pk]),
                       {"form": "sign", "confirm": "on"}).status_code == 403
    review.refresh_from_db()
    assert not review.is_locked


def test_requesting_changes_gives_the_owner_a_follow_up(world, school_a_admin, fire_responder):
    version = make_submitted(world, world.school_a, plan_of(world, owner=school_a_admin))
    review = PlanReview.objects.create(version=version, reviewer=fire_responder.user, agency=fire_responder.agency,
                                       kind="fire")
    services.review_request_changes(review=review, note="Add the Knox box location", by=fire_responder.user)
    review.refresh_from_db()
    assert review.decision == "changes" and not review.is_locked
    assert PlanChangeRequest.objects.get().title == "Fire asks for changes: Add the Knox box location"


# --- Partner responders --------------------------------------------------------------------------


def test_a_responder_reads_approved_plans_of_their_school_only_and_every_read_is_audited(client, world, responder):
    plan = make_plan(world, world.school_a)
    approved = make_approved(world, world.school_a, plan)
    draft = make_draft(world, world.school_a, plan)
    other = make_approved(world, world.school_b)
    client.force_login(responder)
    assert client.get(reverse("coordination:planversion-detail", args=[approved.pk])).status_code == 200
    assert client.get(reverse("coordination:planversion-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("coordination:planversion-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("coordination:planversion-edit", args=[approved.pk])).status_code == 403
    assert AuditEvent.objects.filter(actor=responder, action=AuditEvent.Action.VIEW,
                                     object_type="coordination.planversion", object_id=str(approved.pk)).exists()
    client.get(reverse("coordination:sitefact-list"))
    assert AuditEvent.objects.filter(actor=responder, action=AuditEvent.Action.VIEW,
                                     object_type="coordination.sitefact", note="list").exists()
    detail = client.get(reverse("coordination:plan-detail", args=[plan.pk])).content.decode()
    assert f"/coordination/versions/{approved.pk}/" in detail and f"/coordination/versions/{draft.pk}/" not in detail


def test_a_responder_after_the_grants_end_is_refused_and_the_attempt_audited(client, world, responder):
    approved = make_approved(world, world.school_a)
    client.force_login(responder)
    url = reverse("coordination:planversion-detail", args=[approved.pk])
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=responder).update(ends_on=world.district.local_today() - dt.timedelta(days=1))
    client.force_login(responder)
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(actor=responder, action=AuditEvent.Action.DENIED_NOT_FOUND,
                                     object_type="coordination.planversion", object_id=str(approved.pk)).exists()


def test_attachments_go_through_the_upload_gate_and_follow_into_the_next_draft(client, world, school_a_admin,
                                                                               settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coordination.models import PlanAttachment

    from .builders import PNG

    settings.MEDIA_ROOT = tmp_path
    plan = plan_of(world, owner=school_a_admin)
    draft = make_draft(world, world.school_a, plan)
    client.force_login(school_a_admin)
    url = reverse("coordination:planversion-attach", args=[draft.pk])
    bad = client.post(url, {"title": "Map", "file": SimpleUploadedFile("map.html", b"<html><script></script>")})
    assert bad.status_code == 400 and not PlanAttachment.objects.exists()
    good = client.post(url, {"title": "Site map", "file": SimpleUploadedFile("map.png", PNG)})
    assert good.status_code == 302
    attachment = PlanAttachment.objects.get()
    response = client.get(reverse("coordination:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    b"".join(response.streaming_content)
    draft.sign_off(by=school_a_admin)
    draft.countersign(by=school_a_admin)
    following = services.version_draft(plan=plan, by=school_a_admin)
    assert list(following.attachments.values_list("title", "file")) == [("Site map", attachment.file.name)]

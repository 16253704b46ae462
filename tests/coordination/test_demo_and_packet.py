"""seed_demo's coordination step (partners, an approved plan, one waiting for the SRO, site facts, an
exercise; a second run adds nothing) and the responder packet rendered by a live worker."""

import io
import os

import pypdf
import pytest
from django.core.management import call_command

from compliance import services as documents
from compliance.models import GeneratedDocument
from compliance.registry import Status
from coordination import evaluators
from coordination.models import JointExercise, PartnerContact, PlanReview, PlanVersion, SiteFact
from schools.models import District, SchoolYear, User

from .builders import make_approved


@pytest.mark.django_db
def test_the_demo_district_has_partners_an_approved_plan_and_one_waiting_for_the_sro():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    district = District.objects.get(nces_lea_id="2602820")
    approved = PlanVersion.objects.get(plan__district=district, countersigned_at__isnull=False)
    assert set(approved.reviews.values_list("kind", flat=True)) == {"law_enforcement", "fire"}
    sro = User.objects.get(email="sam.delgado@example.org")
    assert PlanReview.objects.waiting_for(sro).count() == 1
    assert {c.agency.kind for c in PartnerContact.objects.filter(agency__district=district)} >= {"fire", "ems"}
    assert SiteFact.objects.filter(building__school=approved.plan.school).count() == 8
    assert JointExercise.objects.filter(school=approved.plan.school).exists()
    year = SchoolYear.current_for(district)
    result = evaluators.evaluate([approved.plan.school], year, district.local_today())[approved.plan.school_id]
    assert result.status in {Status.MET, Status.AT_RISK}  # the EMS contact is 400 days unverified: at risk
    counts = [m.objects.count() for m in (PlanVersion, PlanReview, PartnerContact, SiteFact, JointExercise, User)]
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert [m.objects.count() for m in (PlanVersion, PlanReview, PartnerContact, SiteFact, JointExercise,
                                        User)] == counts


@pytest.mark.live_worker
@pytest.mark.django_db(transaction=True)
def test_a_live_worker_renders_the_responder_packet(live_worker, world, school_a_admin, monkeypatch):
    monkeypatch.setattr(documents, "document_render", lambda **kw: pytest.fail("rendered in the test process"))
    make_approved(world, world.school_a)
    SiteFact.objects.create(building=world.school_a.buildings.first(), kind="key_box", label="Knox box at Door 1",
                            location="Left of Door 1")
    document = documents.document_request(kind="responder_packet", school=world.school_a, district=world.district,
                                          by=school_a_admin)
    live_worker.wait_for(lambda: GeneratedDocument.objects.get(pk=document.pk).status in {"ready", "failed"},
                         timeout=60, message="the worker did not finish the responder packet")
    document.refresh_from_db()
    try:
        assert document.status == GeneratedDocument.Status.READY, document.error
        assert int(document.rendered_by.rsplit(":", 1)[1]) == live_worker.pid != os.getpid()
        reader = pypdf.PdfReader(io.BytesIO(document.file.read()))
        text = "".join(page.extract_text() for page in reader.pages)
        assert "Responder packet" in text and "School A" in text and "Knox box at Door 1" in text
        assert "Basic plan text of version 1." in text
    finally:
        if document.file:
            document.file.delete(save=False)

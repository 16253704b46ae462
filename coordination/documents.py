"""The responder packet PDF (a ``compliance.documents`` kind) and coordination's section of the compliance
reports. The packet is what a fire or police crew needs on arrival: the approved plan, the partner
contacts, the site facts per building and the list of floor plans (the plans themselves are downloaded
from the portal: the PDF renderer reads static files only)."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _


def packet_title(school, school_year):
    return _("Responder packet: %(school)s") % {"school": school.name}


def packet_context(document) -> dict:
    from .models import (
        CoordinationPlan,
        FloorPlan,
        PartnerContact,
        PlanSection,
        PlanVersion,
        SiteFact,
        SiteVerification,
    )
    from .text import render_markdown

    school = document.school
    plan = CoordinationPlan.objects.filter(school=school).first()
    approved = (PlanVersion.objects.filter(plan=plan, countersigned_at__isnull=False).order_by("-number").first()
                if plan else None)
    sections = ([(s.kind.title, render_markdown(s.body)) for s in
                 PlanSection.objects.filter(version=approved).select_related("kind")] if approved else [])
    contacts = list(PartnerContact.objects.filter(
        pk__in=PartnerContact.schools.through.objects.filter(school=school).values("partnercontact_id"))
        .select_related("agency").order_by("agency__name", "name"))
    facts = defaultdict(list)
    for fact in SiteFact.objects.filter(building__school=school).select_related("building").order_by(
            "building__name", "kind", "label"):
        facts[fact.building.name].append(fact)
    return {
        "document": document, "district": school.district, "school": school, "generated_at": timezone.now(),
        "plan": plan, "approved": approved, "sections": sections, "contacts": contacts,
        "facts": sorted(facts.items()),
        "floor_plans": list(FloorPlan.objects.filter(building__school=school).select_related("building")),
        "walk": SiteVerification.objects.filter(school=school).select_related("partner_agency").first(),
    }


def report_section_context(schools, school_year, as_of) -> dict:
    """Every school's coordination part (the action-5 status with its reasons), in the evaluator's queries."""
    from .evaluators import evaluate

    schools = list(schools)
    results = evaluate(schools, school_year, as_of)
    return {s.pk: {"school": s, "result": results[s.pk], "as_of": as_of} for s in schools}


def evidence_links(schools, school_year) -> dict:
    from django.urls import reverse

    return {s.pk: [(_("Coordination with first responders"), reverse("coordination:school", args=[s.pk]))]
            for s in schools}

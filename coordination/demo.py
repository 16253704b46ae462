"""The coordination step of ``manage.py seed_demo``: the demo district's fire and EMS partners and their
contacts, a fire captain with a responder grant at Pioneer (school A), Pioneer's plan approved by police
(the SRO) and fire, Skyline's (school C) plan waiting for the SRO's review, site facts and a site walk at
Pioneer, and a tabletop exercise with an open improvement. Idempotent: a second run adds nothing."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from schools.models import Agency, Building, Membership, User

from . import services
from .models import (
    CoordinationPlan,
    ExerciseImprovement,
    JointExercise,
    PartnerContact,
    PlanReview,
    PlanSection,
    SiteFact,
    SiteVerification,
)

CAPTAIN_EMAIL = "rosa.alvarez@example.org"
TEXTS = {
    "Basic plan": "Pioneer High School's coordination plan with **Ann Arbor Police** and **Ann Arbor Fire**.\n\n"
                  "- Incident command: the principal until fire or police arrive\n- Staging: north lot",
    "Evacuation": "Primary rally point: the football field. Secondary: Huron Parkway lot.",
    "Lockdown": "Door 1 and Door 7 lock from the main office; the key box is at Door 1.",
    "Reunification": "Reunification at the Pioneer gym annex; parents enter from Main Street.",
}


def _agency(ctx, name, kind):
    agency, _ = Agency.objects.get_or_create(district=ctx.district, name=name, defaults={"kind": kind})
    return agency


def _contact(agency, name, role, phone, after_hours, email, schools, verified_on, by):
    contact, created = PartnerContact.objects.get_or_create(
        agency=agency, name=name, defaults={"role": role, "phone": phone, "after_hours_phone": after_hours,
                                            "email": email})
    if created:
        contact.schools.set(schools)
        PartnerContact.objects.filter(pk=contact.pk).update(verified_on=verified_on, verified_by=by)
    return contact


def _plan(school, owner, texts, by):
    plan, created = CoordinationPlan.objects.get_or_create(
        school=school, defaults={"district": school.district, "title": f"{school.name} coordination plan",
                                 "owner": owner})
    if not created:
        return plan, None
    draft = services.version_draft(plan=plan, by=by)
    for section in PlanSection.objects.filter(version=draft).select_related("kind"):
        section.body = texts.get(section.kind.title, f"{section.kind.title}: see the district plan.")
        section.save(update_fields=["body"])
    return plan, draft


def add_demo_coordination(ctx) -> None:
    today = ctx.today
    admin, sro = ctx.users.get("district_admin"), ctx.users.get("sro_two_schools")
    pioneer, skyline = ctx.schools["a"], ctx.schools["c"]
    principal = ctx.users.get("school_a_admin")
    with transaction.atomic():
        fire = _agency(ctx, "Ann Arbor Fire Department", Agency.Kind.FIRE)
        ems = _agency(ctx, "Huron Valley Ambulance", Agency.Kind.EMS)
        _contact(fire, "Captain Rosa Alvarez", "Fire marshal", "734-555-0140", "734-555-0199", CAPTAIN_EMAIL,
                 [pioneer, skyline], today - dt.timedelta(days=40), admin)
        _contact(ems, "Jordan Pike", "Operations supervisor", "734-555-0170", "734-555-0171",
                 "jordan.pike@example.org", [pioneer, skyline], today - dt.timedelta(days=400), admin)
        _contact(ctx.agency, "Lt. Dana Cho", "Patrol lieutenant", "734-555-0110", "734-555-0111",
                 "dana.cho@example.org", [pioneer, skyline], today - dt.timedelta(days=20), admin)

        captain, created = User.objects.get_or_create(
            email=CAPTAIN_EMAIL, defaults={"display_name": "Captain Rosa Alvarez", "title": "Fire marshal",
                                           "is_active": True})
        if created:
            captain.set_password(ctx.password)
            captain.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=captain, role=Membership.Role.RESPONDER, school=pioneer,
            defaults={"agency": fire, "starts_on": today - dt.timedelta(days=30),
                      "ends_on": today + dt.timedelta(days=300)})
        ctx.users["responder"] = captain
        ctx.logins.append(("responder", CAPTAIN_EMAIL,
                           f"Partner responder (Ann Arbor Fire) at {pioneer.name}, until "
                           f"{today + dt.timedelta(days=300)}"))

        plan, draft = _plan(pioneer, principal or admin, TEXTS, principal or admin)
        if draft is not None:
            reviewers = list(Membership.objects.filter(school=pioneer, user__in=[sro, captain])
                             .select_related("agency", "user"))
            services.version_submit(version=draft, reviewers=reviewers, by=principal or admin)
            for review in PlanReview.objects.filter(version=draft).order_by("kind"):
                services.review_sign(review=review, note="Reviewed with the school on site.", by=review.reviewer)
        plan_c, draft_c = _plan(skyline, admin, {}, admin)
        if draft_c is not None and sro is not None:
            reviewers = list(Membership.objects.filter(school=skyline, user=sro).select_related("agency", "user"))
            # The district asks police and fire; Skyline has no fire responder yet, so only police is asked and
            # the plan waits for the SRO (approval will need a fire signature on a later version).
            from .models import PlanVersion

            PlanVersion.objects.filter(pk=draft_c.pk).update(required_kinds=["law_enforcement"])
            for membership in reviewers:
                PlanReview.objects.create(version=draft_c, reviewer=membership.user, agency=membership.agency,
                                          kind="law_enforcement")
            draft_c.sign_off(by=admin)

        building = Building.objects.filter(school=pioneer).order_by("name").first()
        if building is not None and not SiteFact.objects.filter(building=building).exists():
            base_lat, base_lon = Decimal("42.248100"), Decimal("-83.743600")
            facts = [
                (SiteFact.Kind.ENTRANCE, "Door 1 (main office)", "1", "Main Street entrance"),
                (SiteFact.Kind.ENTRANCE, "Door 7 (gym)", "7", "East side, by the gym"),
                (SiteFact.Kind.KEY_BOX, "Knox box", "", "Left of Door 1"),
                (SiteFact.Kind.GAS, "Gas shut-off", "", "Boiler room, basement level"),
                (SiteFact.Kind.ALARM_PANEL, "Fire alarm panel", "", "Main office vestibule"),
                (SiteFact.Kind.AED, "AED by the gym", "", "Gym lobby, wall cabinet"),
                (SiteFact.Kind.RALLY, "Football field", "", "South of the building"),
                (SiteFact.Kind.REUNIFICATION, "Gym annex", "", "Across Main Street"),
            ]
            SiteFact.objects.bulk_create([
                SiteFact(building=building, kind=kind, label=label, door_number=door, location=where,
                         latitude=base_lat + Decimal(n) / 10000, longitude=base_lon + Decimal(n) / 10000)
                for n, (kind, label, door, where) in enumerate(facts)])
        if not SiteVerification.objects.filter(school=pioneer).exists() and admin is not None:
            SiteVerification.objects.create(school=pioneer, verified_on=today - dt.timedelta(days=60),
                                            verified_by=principal or admin, partner_agency=fire,
                                            partner_name="Captain Rosa Alvarez")
        year = ctx.current_year
        held_on = max(year.starts_on, min(today, year.ends_on) - dt.timedelta(days=10))
        exercise, created = JointExercise.objects.get_or_create(
            school=pioneer, scenario="[demo] Chemical spill in the science wing",
            defaults={"held_on": held_on, "kind": JointExercise.Kind.TABLETOP,
                      "what_was_tested": "Shelter-in-place, reunification call tree, fire staging.",
                      "after_action": "Staging worked; the call tree took 25 minutes."})
        if created:
            exercise.agencies.set([fire, ems, ctx.agency])
            ExerciseImprovement.objects.create(exercise=exercise, title="Shorten the reunification call tree",
                                               owner=principal or admin, due_on=today + dt.timedelta(days=30))

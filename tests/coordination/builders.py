"""Builders of coordination records for the scope table, the generated model tests and the workflow tests."""

import datetime as dt

from django.core.files.base import ContentFile
from django.db.models import Max

from coordination.models import (
    CoordinationPlan,
    CoordinationSettings,
    ExerciseImprovement,
    FloorPlan,
    JointExercise,
    PartnerContact,
    PlanAttachment,
    PlanChangeRequest,
    PlanReview,
    PlanSection,
    PlanSectionKind,
    PlanVersion,
    ReviewComment,
    SiteFact,
    SiteVerification,
)
from schools.models import Agency
from tests.factories import AgencyFactory, BuildingFactory, UserFactory
from tests.scope_table import unique

# A tiny valid PNG (1x1), for uploads.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005"
    "0001ff89993d1d0000000049454e44ae426082")


def agency_of(school, kind=Agency.Kind.FIRE):
    return AgencyFactory(district=school.district, name=f"Agency {unique()}", kind=kind)


def building_of(school):
    return school.buildings.first() or BuildingFactory(school=school, name=f"Main {unique()}")


def make_settings(world, school):
    row, _ = CoordinationSettings.objects.get_or_create(district=school.district,
                                                        defaults={"required_review_kinds": ["fire"]})
    return row


def make_contact(world, school, **fields):
    """A contact serving no school (a responder reaches contacts only through the schools they serve)."""
    return PartnerContact.objects.create(agency=agency_of(school), name=f"Contact {unique()}", role="Captain",
                                         phone="555-0100", **fields)


def make_section_kind(world, school):
    return PlanSectionKind.objects.create(district=school.district, title=f"Section {unique()}", order=500)


def make_plan(world, school):
    plan = CoordinationPlan.objects.filter(school=school).first()
    return plan or CoordinationPlan.objects.create(district=school.district, school=school,
                                                   title=f"Plan of {school.name}", owner=UserFactory())


def make_draft(world, school, plan=None):
    plan = plan or make_plan(world, school)
    number = (PlanVersion.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(plan=plan, number=number, created_by=plan.owner)
    for kind in PlanSectionKind.ensure_defaults(school.district)[:3]:
        PlanSection.objects.create(version=version, kind=kind, body=f"{kind.title} text of version {number}.")
    return version


def make_submitted(world, school, plan=None):
    version = make_draft(world, school, plan)
    version.required_kinds = ["fire"]
    version.save()
    version.sign_off(by=version.plan.owner)
    return version


def make_approved(world, school, plan=None):
    version = make_submitted(world, school, plan)
    version.countersign(by=version.plan.owner, note="Every required partner signed.")
    return version


def make_section(world, school):
    return PlanSection.objects.filter(version=make_approved(world, school)).first()


def make_attachment(world, school):
    attachment = PlanAttachment(version=make_draft(world, school), title=f"Map {unique()}")
    attachment.file.save("map.png", ContentFile(PNG), save=False)
    attachment.save()
    return attachment


def make_review(world, school, version=None):
    """A pending review of a submitted version, by a stranger (no persona is the named reviewer)."""
    version = version or make_submitted(world, school)
    return PlanReview.objects.create(version=version, reviewer=UserFactory(), agency=agency_of(school), kind="fire")


def make_approved_review(world, school):
    return make_review(world, school, make_approved(world, school))


def make_comment(world, school):
    review = make_approved_review(world, school)
    return ReviewComment.objects.create(review=review, section=review.version.sections.first(), text="Door 7?")


def make_change_request(world, school):
    review = make_review(world, school)
    return PlanChangeRequest.objects.create(plan=review.version.plan, review=review, title="Name the rally point",
                                            owner=UserFactory(), due_on=dt.date(2026, 12, 1))


def make_floorplan(world, school):
    floor_plan = FloorPlan(building=building_of(school), title=f"Floor {unique()}")
    floor_plan.file.save("floor.png", ContentFile(PNG), save=False)
    floor_plan.save()
    return floor_plan


def make_sitefact(world, school):
    return SiteFact.objects.create(building=building_of(school), kind=SiteFact.Kind.AED, label=f"AED {unique()}",
                                   location="Gym lobby")


def make_siteverification(world, school):
    return SiteVerification.objects.create(school=school, verified_on=dt.date(2026, 10, 1), verified_by=UserFactory(),
                                           partner_agency=agency_of(school), partner_name="Captain Lee")


def make_exercise(world, school):
    return JointExercise.objects.create(school=school, held_on=dt.date(2026, 10, 1 + unique() % 28),
                                        kind=JointExercise.Kind.TABLETOP, scenario="Gas leak",
                                        what_was_tested="Shelter in place")


def make_exercise_improvement(world, school):
    return ExerciseImprovement.objects.create(exercise=make_exercise(world, school), title="Fix the call tree",
                                              owner=UserFactory(), due_on=dt.date(2026, 12, 1))


def make_approved_attachment(world, school):
    attachment = PlanAttachment(version=make_approved(world, school), title=f"Map {unique()}")
    attachment.file.save("map.png", ContentFile(PNG), save=False)
    attachment.save()
    return attachment

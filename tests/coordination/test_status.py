"""The action-5 evaluator (reasons in words, a fixed query count), the digest lines, My tasks' owed reviews."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.registry import Status
from coordination import evaluators, reminders
from coordination.models import (
    CoordinationPlan,
    JointExercise,
    PartnerContact,
    PlanReview,
    SiteVerification,
    months_ago,
)
from schools.models import Agency, Membership
from tests.factories import AgencyFactory, SchoolFactory, UserFactory

from .builders import make_approved, make_submitted

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 2)


def _complete(world, school, *, signed_kinds=("law_enforcement", "fire"), contact_day=None, walk_day=None,
              exercise_day=dt.date(2026, 10, 1)):
    plan = CoordinationPlan.objects.create(district=school.district, school=school, title="Plan",
                                           owner=UserFactory())
    version = make_approved(world, school, plan)
    police = AgencyFactory(district=school.district, kind=Agency.Kind.POLICE)
    fire = AgencyFactory(district=school.district, kind=Agency.Kind.FIRE)
    for kind in signed_kinds:
        review = PlanReview.objects.create(version=version, reviewer=UserFactory(), kind=kind,
                                           agency=police if kind == "law_enforcement" else fire)
        review.sign_off(by=review.reviewer)
    contact = PartnerContact.objects.create(agency=fire, name="Cap", role="Captain", phone="1")
    contact.schools.add(school)
    PartnerContact.objects.filter(pk=contact.pk).update(verified_on=contact_day or AS_OF - dt.timedelta(days=10))
    SiteVerification.objects.create(school=school, verified_on=walk_day or AS_OF - dt.timedelta(days=10),
                                    verified_by=UserFactory(), partner_agency=fire, partner_name="Cap")
    if exercise_day:
        JointExercise.objects.create(school=school, held_on=exercise_day, kind="tabletop", scenario="Fire",
                                     what_was_tested="Evacuation")
    return version


def test_a_school_with_everything_current_is_met(world):
    _complete(world, world.school_a)
    result = evaluators.evaluate([world.school_a], world.year, AS_OF)[world.school_a.pk]
    assert result.status == Status.MET


def test_a_missing_fire_signature_is_named_in_words(world):
    version = _complete(world, world.school_a, signed_kinds=("law_enforcement",))
    year = version.approved_on.year
    result = evaluators.evaluate([world.school_a], world.year, AS_OF)[world.school_a.pk]
    assert result.status == Status.AT_RISK
    assert f"Fire has not signed the {year} plan." in result.reason
    assert result.next_step == "Ask the missing partners to review the plan."


def test_no_approved_plan_is_not_met_with_the_next_step(world):
    make_submitted(world, world.school_b)
    result = evaluators.evaluate([world.school_b], world.year, AS_OF)[world.school_b.pk]
    assert result.status == Status.NOT_MET
    assert "No coordination plan has been approved by the partners." in result.reason
    assert result.next_step == "Submit the plan for review by the required partners."


def test_stale_contacts_and_site_walk_put_the_school_at_risk(world):
    _complete(world, world.school_a, contact_day=AS_OF - dt.timedelta(days=400),
              walk_day=AS_OF - dt.timedelta(days=380))
    result = evaluators.evaluate([world.school_a], world.year, AS_OF)[world.school_a.pk]
    assert result.status == Status.AT_RISK
    assert "Some partner contacts have not been verified in 12 months." in result.reason
    assert "The site information has not been walked with a partner in 12 months." in result.reason


def test_no_exercise_yet_is_on_track_while_the_year_has_time(world):
    _complete(world, world.school_a, exercise_day=None)
    result = evaluators.evaluate([world.school_a], world.year, AS_OF)[world.school_a.pk]
    assert result.status == Status.ON_TRACK and "No joint exercise" in result.reason
    late = evaluators.evaluate([world.school_a], world.year, dt.date(2027, 6, 1))[world.school_a.pk]
    assert late.status == Status.AT_RISK


def _queries(schools, world):
    with CaptureQueriesContext(connection) as ctx:
        evaluators.evaluate(schools, world.year, AS_OF)
    return len(ctx.captured_queries)


def test_the_evaluator_costs_the_same_at_3_and_60_schools(world):
    schools = [world.school_a, world.school_b, world.school_c]
    for school in schools:
        _complete(world, school)
    few = _queries(schools, world)
    more = [SchoolFactory(district=world.district, name=f"Extra {n}") for n in range(57)]
    for school in more[:5]:
        _complete(world, school)
    assert _queries(schools + more, world) == few


# --- Digest and owed tasks ---------------------------------------------------------------------------


def test_the_digest_reminds_reviewers_admins_of_stale_contacts_and_plans_due_for_re_review(world, school_a_admin):
    today = world.district.local_today()
    version = make_submitted(world, world.school_a)
    reviewer = UserFactory()
    PlanReview.objects.create(version=version, reviewer=reviewer, kind="fire", agency=AgencyFactory(
        district=world.district, kind=Agency.Kind.FIRE))
    fire = AgencyFactory(district=world.district, kind=Agency.Kind.FIRE)
    stale = PartnerContact.objects.create(agency=fire, name="Old Number", role="Chief", phone="1")
    stale.schools.add(world.school_a)
    PartnerContact.objects.filter(pk=stale.pk).update(verified_on=months_ago(today) - dt.timedelta(days=3))
    fresh = PartnerContact.objects.create(agency=fire, name="Fresh Number", role="Chief", phone="1")
    fresh.schools.add(world.school_a)
    PartnerContact.objects.filter(pk=fresh.pk).update(verified_on=today)
    lines = reminders.digest_lines(world.district, today)
    assert [line.text for line in lines[reviewer.pk]] == ["A coordination plan (School A) is waiting for your review."]
    admin_texts = [line.text for line in lines[school_a_admin.pk]]
    assert any("Old Number was last verified on" in t for t in admin_texts)
    assert not any("Fresh Number" in t for t in admin_texts)


def test_an_approved_plan_near_its_anniversary_is_due_for_re_review(world, school_a_admin):
    version = make_approved(world, world.school_a)
    due = version.approved_on.replace(year=version.approved_on.year + 1)
    lines = reminders.digest_lines(world.district, due - dt.timedelta(days=10))
    assert any("due for re-review" in line.text for line in lines[school_a_admin.pk])


def test_my_tasks_lists_the_reviews_waiting_for_me_in_a_fixed_number_of_queries(world, sro_two_schools):
    from coordination.owed import reviews_owed

    police = AgencyFactory(district=world.district, kind=Agency.Kind.POLICE)

    def add(n):
        for _ in range(n):
            PlanReview.objects.create(version=make_submitted(world, world.school_a), reviewer=sro_two_schools,
                                      kind="law_enforcement", agency=police)

    add(1)
    memberships = list(Membership.objects.filter(user=sro_two_schools))
    with CaptureQueriesContext(connection) as few:
        assert len(reviews_owed(sro_two_schools, memberships, AS_OF)) == 1
    add(5)
    with CaptureQueriesContext(connection) as many:
        assert len(reviews_owed(sro_two_schools, memberships, AS_OF)) == 6
    assert len(few.captured_queries) == len(many.captured_queries)


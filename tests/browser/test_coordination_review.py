"""The SRO's main journey in the browser: "review the coordination plans of my schools". From the home
page's "Plans waiting for my review" to the plan, a comment that requests a change, the sign-off; then the
school admin's compare page and a partner responder's pages. axe-core on each, no CSP or script error."""

import datetime as dt

import pytest

from coordination import services
from coordination.models import CoordinationPlan, PlanReview, PlanSection, SiteFact
from schools.models import Agency, Membership
from tests.browser.helpers import Walk, sign_in_directly
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sro_reviews_a_plan_from_the_home_page(world, school_a_admin, sro_two_schools, context, page, watch,
                                                    live_server):
    fire = AgencyFactory(district=world.district, name="Fire Department", kind=Agency.Kind.FIRE)
    today = world.district.local_today()
    captain = MembershipFactory(user=UserFactory(email="captain@fire.example", display_name="Cap Fire"),
                                role=Membership.Role.RESPONDER, school=world.school_a, agency=fire,
                                starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=90))
    plan = CoordinationPlan.objects.create(district=world.district, school=world.school_a, title="Pioneer plan",
                                           owner=school_a_admin)
    first = services.version_draft(plan=plan, by=school_a_admin)
    PlanSection.objects.filter(version=first).update(body="## Steps\n\n- Lock Door 7\n- Call **911**")
    sro_a = sro_two_schools.memberships.get(school=world.school_a)
    services.version_submit(version=first, reviewers=[sro_a, captain], by=school_a_admin)
    SiteFact.objects.create(building=world.school_a.buildings.first(), kind="aed", label="Gym AED",
                            location="Gym lobby", latitude="42.1", longitude="-83.1")
    walk = Walk(page, watch)

    def visit(path):  # each person's view of a page is checked, even one another person saw
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response.status if response else None}"
        walk.check()

    sign_in_directly(context, live_server.url, sro_two_schools)
    visit("/")
    page.get_by_role("link", name="Review the coordination plan: Pioneer plan, version 1").click()
    page.wait_for_load_state()
    walk.check()
    page.get_by_label("Section").select_option(label="Lockdown")
    page.get_by_role("textbox", name="Comment").fill("Which doors lock from the office?")
    page.get_by_label("This needs a change before I can sign").check()
    page.get_by_role("button", name="Add the comment").click()
    page.wait_for_load_state()
    assert "Comment added." in page.content()
    walk.check()
    page.get_by_label("Sign-off note").fill("Reviewed for Ann Arbor Police.")
    page.get_by_label("I reviewed this plan for my agency and sign it off").check()
    page.get_by_role("button", name="Sign off the plan").click()
    page.wait_for_load_state()
    assert "Signed off." in page.content()
    walk.check()
    review = PlanReview.objects.get(reviewer=sro_two_schools)
    assert review.is_locked
    for path in ("/coordination/reviews/", f"/coordination/schools/{world.school_a.pk}/"):
        visit(path)

    # the fire captain signs: approved; the school admin starts a new draft and compares
    services.review_sign(review=PlanReview.objects.get(reviewer=captain.user), note="", by=captain.user)
    second = services.version_draft(plan=plan, by=school_a_admin)
    PlanSection.objects.filter(version=second, kind__title="Lockdown").update(body="Door 7 and Door 9 lock.")
    context.clear_cookies()
    sign_in_directly(context, live_server.url, school_a_admin)
    for path in (f"/coordination/plans/{plan.pk}/", f"/coordination/versions/{second.pk}/edit/",
                 f"/coordination/versions/{second.pk}/submit/",
                 f"/coordination/versions/{second.pk}/compare/?against={first.pk}"):
        visit(path)
    assert "Lockdown — changed" in page.content()

    # the partner responder: the approved plan and the school's site information
    context.clear_cookies()
    sign_in_directly(context, live_server.url, captain.user)
    for path in ("/coordination/", f"/coordination/versions/{first.pk}/",
                 f"/coordination/schools/{world.school_a.pk}/"):
        visit(path)
    walk.assert_clean()


def test_the_district_admins_coordination_pages_pass_axe(world, district_admin, school_a_admin, context, page, watch,
                                                          live_server, settings, tmp_path):
    from coordination.models import PartnerContact
    from tests.coordination.builders import make_exercise_improvement, make_floorplan, make_sitefact

    settings.MEDIA_ROOT = tmp_path
    fire = AgencyFactory(district=world.district, name="Fire Department", kind=Agency.Kind.FIRE)
    contact = PartnerContact.objects.create(agency=fire, name="Captain Ray", role="Captain", phone="555-0100",
                                            email="ray@fire.example")
    contact.schools.add(world.school_a)
    exercise = make_exercise_improvement(world, world.school_a).exercise
    exercise.agencies.add(fire)
    fact, floor_plan = make_sitefact(world, world.school_a), make_floorplan(world, world.school_a)
    plan = CoordinationPlan.objects.create(district=world.district, school=world.school_a, title="Pioneer plan",
                                           owner=school_a_admin)
    draft = services.version_draft(plan=plan, by=school_a_admin)
    walk = Walk(page, watch)
    sign_in_directly(context, live_server.url, district_admin)
    for path in (f"/coordination/contacts/{contact.pk}/", f"/coordination/contacts/{contact.pk}/grant/",
                 "/coordination/responder-access/", "/coordination/settings/", "/coordination/sections/",
                 f"/coordination/exercises/{exercise.pk}/", f"/coordination/sitefacts/{fact.pk}/",
                 f"/coordination/floorplans/{floor_plan.pk}/", f"/coordination/versions/{draft.pk}/attach/",
                 f"/coordination/versions/{draft.pk}/", "/coordination/siteverifications/new/",
                 "/coordination/exercises/new/"):
        assert walk.visit(path), walk.failures
    # the grant form with its errors
    page.goto(f"/coordination/contacts/{contact.pk}/grant/")
    page.get_by_role("button", name="Grant access").click()
    page.wait_for_load_state()
    assert "Nothing was saved" in page.content()
    walk.check()
    walk.assert_clean()

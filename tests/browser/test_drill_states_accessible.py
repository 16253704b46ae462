"""Drill records in every state they can be in, at desktop (1280x800) and phone (390x844) width: axe-core's
WCAG 2.1 A/AA rules on each page, and colour contrast of every button and link of the page's main part in
its hover and focus states too (axe sees a page as it is drawn at rest).

States: planned, planned past its time, completed, signed, countersigned, corrected (the superseded entry
and its correction); the sign-off page with and without an after-action report. The pages that failed
colour contrast before (a signed drill's "Record a correction", the sign-off page's "Write the report")
are asserted to be on the pages walked, so a walk that stops reaching them fails.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.helpers import Walk, describe, sign_in_directly
from tests.drills.factories import AfterActionFactory, held, planned

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])

# The buttons and links of the page's own part, visible at this width (a collapsed menu is not).
CONTROLS = "main a.btn:visible, main button:visible, main a.alert-link:visible, main .alert a:visible"
CONTRAST = """el => axe.run(el, {runOnly: {type: "rule", values: ["color-contrast"]}, resultTypes: ["violations"]})
  .then(r => r.violations)"""


def _seed():
    """The live server's tests flush the database, and with it the drill kinds the migrations seeded."""
    from drills import rules
    from drills.models import DrillKind, DrillRequirement

    if not DrillKind.objects.filter(district__isnull=True).exists():
        rules.load_kinds(DrillKind)
        rules.load_rules(DrillKind, DrillRequirement)


class StateWalk(Walk):
    """A walk that also checks each control's contrast while hovered and while focused."""

    def check(self, page=None):
        super().check(page)
        page = page or self.page
        controls = page.locator(CONTROLS)
        for i in range(min(controls.count(), 30)):
            control = controls.nth(i)
            for state in ("hover", "focus"):
                if state == "hover":
                    control.hover()
                else:
                    control.focus()
                violations = control.evaluate(CONTRAST)
                if violations:
                    label = (control.inner_text() or "").strip()[:40]
                    self.failures.append(describe(violations, f"{page.url} [{state}: {label}]"))
        page.mouse.move(0, 0)


def _states(world, admin, sro):
    """One drill in each state, at School A (local dates around today, inside the current school year)."""
    today = timezone.localdate()
    school = world.school_a
    upcoming = planned(school, today + dt.timedelta(days=10))
    overdue = planned(school, today - dt.timedelta(days=3), code="lockdown")
    completed = held(school, today - dt.timedelta(days=20))  # no after-action report: "Write the report"
    reported = held(school, today - dt.timedelta(days=21))
    AfterActionFactory(drill=reported, written_by=admin)
    signed = held(school, today - dt.timedelta(days=30))
    signed.sign_off(by=admin)
    countersigned = held(school, today - dt.timedelta(days=31), code="lockdown")
    countersigned.sign_off(by=admin)
    countersigned.countersign(by=sro, note="Seen from the office.")
    superseded = held(school, today - dt.timedelta(days=40))
    superseded.sign_off(by=admin)
    correction = superseded.correction_draft()
    correction.correction_reason = "The time was misread"
    correction.save()
    assert overdue.past_planned_time and not upcoming.past_planned_time
    return dict(upcoming=upcoming, overdue=overdue, completed=completed, reported=reported, signed=signed,
                countersigned=countersigned, superseded=superseded, correction=correction)


def _visible(page, role, name) -> bool:
    return page.get_by_role(role, name=name, exact=True).first.is_visible()


@VIEWPORTS
def test_every_state_of_a_drill_passes_axe_for_the_school_admin(viewport, world, school_a_admin, sro_two_schools,
                                                               context, page, watch, live_server):
    _seed()
    page.set_viewport_size(viewport)
    page.emulate_media(reduced_motion="reduce")  # no transitions: hover colours are final when checked
    d = _states(world, school_a_admin, sro_two_schools)
    walk = StateWalk(page, watch)
    sign_in_directly(context, live_server.url, school_a_admin)

    assert walk.visit("/drills/drills/")
    assert "Past its planned time" in page.content()
    for name, drill in d.items():
        assert walk.visit(f"/drills/drills/{drill.pk}/"), walk.failures
        if name == "overdue":
            assert "Past its planned time" in page.content()
        if name in ("signed", "countersigned"):
            # the button that failed colour contrast is on the page walked
            assert _visible(page, "link", "Record a correction"), f"{name}: no 'Record a correction'"
    for drill in (d["upcoming"], d["overdue"]):
        assert walk.visit(f"/drills/drills/{drill.pk}/record/"), walk.failures
        assert walk.visit(f"/drills/drills/{drill.pk}/edit/"), walk.failures

    # The sign-off page without an after-action report (its "Write the report" link) and with one.
    assert walk.visit(f"/drills/drills/{d['completed'].pk}/sign/"), walk.failures
    assert _visible(page, "link", "Write the report")
    assert walk.visit(f"/drills/drills/{d['reported'].pk}/sign/"), walk.failures
    assert not page.get_by_role("link", name="Write the report").count()
    assert _visible(page, "button", "Sign and lock the log")
    # Pages of the other states: the report of a signed drill (locked), a correction form, a correction's
    # sign-off.
    for path in (f"/drills/drills/{d['reported'].pk}/after-action/", f"/drills/drills/{d['signed'].pk}/after-action/",
                 f"/drills/drills/{d['signed'].pk}/correct/", f"/drills/drills/{d['correction'].pk}/sign/"):
        assert walk.visit(path), walk.failures
    walk.assert_clean()


@VIEWPORTS
def test_every_state_of_a_drill_passes_axe_for_the_resource_officer(viewport, world, school_a_admin,
                                                                   sro_two_schools, context, page, watch,
                                                                   live_server):
    _seed()
    page.set_viewport_size(viewport)
    page.emulate_media(reduced_motion="reduce")
    d = _states(world, school_a_admin, sro_two_schools)
    walk = StateWalk(page, watch)
    sign_in_directly(context, live_server.url, sro_two_schools)
    for drill in d.values():
        assert walk.visit(f"/drills/drills/{drill.pk}/"), walk.failures
    assert walk.visit(f"/drills/drills/{d['signed'].pk}/countersign/"), walk.failures
    assert _visible(page, "button", "Countersign")
    assert walk.visit(f"/drills/drills/{d['countersigned'].pk}/countersign/"), walk.failures  # already done
    walk.assert_clean()


def test_the_state_check_catches_a_control_that_fails_contrast(world, school_a_admin, sro_two_schools, context,
                                                                page, watch, live_server):
    """The walk's own check is live on the exact control that failed: Bootstrap's grey outline button on a
    light tint (4.0:1) is reported, with the page and the state."""
    _seed()
    page.emulate_media(reduced_motion="reduce")
    d = _states(world, school_a_admin, sro_two_schools)
    sign_in_directly(context, live_server.url, school_a_admin)
    page.goto(f"/drills/drills/{d['signed'].pk}/")
    walk = StateWalk(page, watch)
    walk.check()
    assert not walk.failures
    # Through the CSS object model (no inline style attribute: the Content Security Policy allows this).
    page.get_by_role("link", name="Record a correction").evaluate(
        """el => { el.style.setProperty("--bs-btn-color", "#6c757d");
                   el.style.setProperty("--bs-btn-hover-color", "#6c757d");
                   el.style.setProperty("--bs-btn-hover-bg", "transparent");
                   el.parentElement.style.backgroundColor = "#cff4fc"; }""")
    walk.check()
    text = "\n".join(walk.failures)
    assert "color-contrast" in text and "Record a correction" in text and "[hover: Record a correction]" in text

"""The ten-actions dashboard in a real browser: a reason shows on hover and on keyboard focus, is the
badge's accessible description, and Escape dismisses it (WCAG 1.4.13), with no CSP violation."""

import pytest

from compliance import registry
from compliance.registry import Result, Status

from .helpers import axe_violations, confirmed_device, describe, log_in

pytestmark = pytest.mark.browser

REASON = "Only the main building is registered."


@pytest.fixture
def evaluated(world):
    saved = registry.get(3).evaluator
    registry.register_evaluator(3, lambda schools, year, as_of: {
        s.pk: Result(Status.AT_RISK, REASON, next_step="Register the portables.") for s in schools})
    yield
    registry.get(3).evaluator = saved


def test_a_reason_shows_on_hover_and_focus_and_escape_hides_it(page, watch, district_leader, world, evaluated):
    confirmed_device(district_leader)
    log_in(page, district_leader)
    page.goto("/compliance/dashboard/")
    badge = page.locator(f"#reason-{world.school_a.pk}-3").locator("xpath=..").locator("button.status-trigger")
    tip = page.locator(f"#reason-{world.school_a.pk}-3")
    assert not tip.is_visible()
    assert badge.evaluate("el => el.getAttribute('aria-describedby')") == f"reason-{world.school_a.pk}-3"

    badge.hover()
    tip.wait_for(state="visible")
    assert REASON in tip.inner_text()
    page.mouse.move(0, 0)
    tip.wait_for(state="hidden")

    badge.focus()
    tip.wait_for(state="visible")
    box = tip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1280
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    page.keyboard.press("Tab")  # the next badge's reason shows as focus moves on
    nxt = page.locator(f"#reason-{world.school_a.pk}-4")
    nxt.wait_for(state="visible")

    violations = axe_violations(page)
    assert not violations, describe(violations, "/compliance/dashboard/")
    watch.assert_clean()

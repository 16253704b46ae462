"""The shared signed-record pages (portal/signed_action.html) as a school admin and an SRO use them: sign,
countersign, a correction with its errors, superseded and correction notes; axe-core on each, no CSP or
script error."""

import datetime as dt

import pytest

from tests.browser.helpers import Walk, sign_in_directly
from tests.drills.factories import held

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed():
    """The live server's tests flush the database, and with it the drill kinds the migrations seeded."""
    from drills import rules
    from drills.models import DrillKind, DrillRequirement

    if not DrillKind.objects.filter(district__isnull=True).exists():
        rules.load_kinds(DrillKind)
        rules.load_rules(DrillKind, DrillRequirement)


def test_signing_countersigning_and_correcting_pages_pass_axe(world, school_a_admin, sro_two_schools, context, page,
                                                              watch, live_server):
    _seed()
    unready = held(world.school_a, dt.date(2026, 9, 10), no_attacker_roleplay_confirmed=False)
    ready = held(world.school_a, dt.date(2026, 9, 11))
    signed = held(world.school_a, dt.date(2026, 9, 12))
    signed.sign_off(by=school_a_admin)
    walk = Walk(page, watch)
    sign_in_directly(context, live_server.url, school_a_admin)
    for path in (f"/drills/drills/{ready.pk}/sign/", f"/drills/drills/{unready.pk}/sign/",
                 f"/drills/drills/{signed.pk}/correct/"):
        assert walk.visit(path), walk.failures
    # the correction form with errors (no reason)
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_load_state()
    assert "Nothing was saved" in page.content()
    walk.check()
    # sign through the page
    page.goto(f"/drills/drills/{ready.pk}/sign/")
    page.get_by_role("button", name="Sign and lock the log").click()
    page.wait_for_load_state()
    assert "Signed. The log is locked" in page.content()
    walk.check()
    context.clear_cookies()
    sign_in_directly(context, live_server.url, sro_two_schools)
    for path in (f"/drills/drills/{signed.pk}/countersign/", f"/drills/drills/{unready.pk}/countersign/"):
        assert walk.visit(path), walk.failures
    page.goto(f"/drills/drills/{signed.pk}/countersign/")
    page.get_by_label("Note").fill("Seen from the office.")
    page.get_by_role("button", name="Countersign").click()
    page.wait_for_load_state()
    assert "Countersigned." in page.content()
    walk.check()
    walk.assert_clean()


def test_superseded_and_correction_pages_pass_axe(world, school_a_admin, context, page, watch, live_server):
    _seed()
    original = held(world.school_a, dt.date(2026, 9, 12))
    original.sign_off(by=school_a_admin)
    correction = original.correction_draft()
    correction.correction_reason = "Misread"
    correction.save()
    walk = Walk(page, watch)
    sign_in_directly(context, live_server.url, school_a_admin)
    for path in (f"/drills/drills/{original.pk}/", f"/drills/drills/{correction.pk}/",
                 f"/drills/drills/{correction.pk}/sign/"):
        assert walk.visit(path), walk.failures
    walk.assert_clean()

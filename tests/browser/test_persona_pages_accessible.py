"""Each persona signs in through the pages (password and second factor) and every page its navigation
offers passes axe-core's WCAG 2.1 A and AA rules, without a CSP violation or a request leaving the server.

From each list page the walk also opens its "Add" form and its first row's detail page: they are where
forms and tables are, the markup most likely to go wrong.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest

from drills import rules
from drills.models import DrillKind, DrillRequirement
from schools.models import CalendarDay, Term
from tests.conftest import PERSONAS
from tests.drills.factories import AfterActionFactory, ImprovementItemFactory, held, planned

from .helpers import Walk, confirmed_device, log_in, nav_links

pytestmark = pytest.mark.browser

ADD_LINK = "main a.btn-primary[href$='/new/']"
FIRST_ROW_LINK = "main table tbody th[scope=row] a[href]"
PHONE = {"width": 320, "height": 640}
# Some box in the page scrolls sideways (a wide table in its .table-responsive wrapper).
SCROLLS_SIDEWAYS = """() => [...document.querySelectorAll("main *")].some(
  e => e.scrollWidth > e.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(e).overflowX))"""
# Add forms and detail pages already checked in this run, by shape (/district/buildings/N/): the same
# template for every persona, so each is checked once (by the first persona that reaches it) to keep the
# suite fast. Every persona's own navigation pages are always checked.
EXTRAS_CHECKED: set[str] = set()


def shape(path: str) -> str:
    return re.sub(r"/\d+/", "/N/", path.split("?")[0])


@pytest.fixture
def records(world):
    """A little of everything, so lists have rows and detail pages exist: terms, a closure, drills held
    and planned with an after-action report."""
    if not DrillKind.objects.filter(district__isnull=True).exists():
        # The live server's tests flush the database, and with it the rows the migrations seeded.
        rules.load_kinds(DrillKind)
        rules.load_rules(DrillKind, DrillRequirement)
    year = world.year
    Term.objects.create(school_year=year, name="Fall semester", starts_on=dt.date(2026, 8, 31),
                        ends_on=dt.date(2027, 1, 15))
    CalendarDay.objects.create(school_year=year, date=dt.date(2026, 11, 26), description="Thanksgiving")
    drill = held(world.school_a, dt.date(2026, 9, 10))
    planned(world.school_a, dt.date(2026, 12, 8))
    planned(world.school_b, dt.date(2026, 12, 9), code="lockdown")
    return AfterActionFactory(drill=drill)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_every_page_in_the_persona_navigation_passes_axe(persona, records, page, watch):
    confirmed_device(persona)
    ImprovementItemFactory(after_action=records, owner=persona)  # something in "My tasks"
    walk = Walk(page, watch)
    log_in(page, persona)  # its pages are checked in test_public_pages_accessible.py
    walk.seen.add(urlsplit(page.url).path)  # where signing in landed (checked just below)
    walk.check()
    links = nav_links(page)
    assert links, f"{persona.email} sees no navigation after signing in"
    for path in links:
        if walk.visit(path):
            # A list page: its "Add" form and one record's page, when it has them.
            more = [walk.first_href(s) for s in (ADD_LINK, FIRST_ROW_LINK)]
            for extra in filter(None, more):
                if shape(extra) not in EXTRAS_CHECKED:
                    EXTRAS_CHECKED.add(shape(extra))
                    walk.visit(extra)
    walk.assert_clean()


def test_the_district_admin_pages_reflow_on_a_phone(district_admin, records, page, watch):
    """At 320 px wide (WCAG 1.4.10's reference) no page scrolls sideways: wide tables scroll inside their own
    box, and such a box can be scrolled with the keyboard (axe-core runs where one scrolls; the rest of its
    rules do not depend on the width and were run on the same pages above)."""
    page.set_viewport_size(PHONE)
    confirmed_device(district_admin)
    walk = Walk(page, watch)
    log_in(page, district_admin)

    def visit(path):
        if path in walk.seen:
            return
        walk.seen.add(path)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            walk.failures.append(f"{path}: the page is {width} px wide on a {PHONE['width']} px screen")
        if page.evaluate(SCROLLS_SIDEWAYS):
            walk.check()
        return [walk.first_href(s) for s in (ADD_LINK, FIRST_ROW_LINK)]

    for path in nav_links(page):
        for extra in filter(None, visit(path) or []):
            visit(extra)
    walk.assert_clean()

"""Each persona signs in through the pages (password and second factor) and every page its navigation
offers passes axe-core's WCAG 2.1 A and AA rules, without a CSP violation or a request leaving the server.

From each list page the walk also opens its "Add" form and its first row's detail page: they are where
forms and tables are, the markup most likely to go wrong.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import PERSONAS

from .helpers import Walk, confirmed_device, log_in, nav_links

pytestmark = pytest.mark.browser

ADD_LINK = "main a.btn-primary[href$='/new/']"
FIRST_ROW_LINK = "main table tbody th[scope=row] a[href]"
# Add forms and detail pages already checked in this run, by shape (/district/buildings/N/): the same
# template for every persona, so each is checked once (by the first persona that reaches it) to keep the
# suite fast. Every persona's own navigation pages are always checked.
EXTRAS_CHECKED: set[str] = set()


def shape(path: str) -> str:
    return re.sub(r"/\d+/", "/N/", path.split("?")[0])


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_every_page_in_the_persona_navigation_passes_axe(persona, page, watch):
    confirmed_device(persona)
    walk = Walk(page, watch)
    log_in(page, persona, on_page=walk.check)
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

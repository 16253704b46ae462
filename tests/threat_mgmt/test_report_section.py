"""Action 6's section of the compliance report: confidential, counts only, small counts suppressed."""

import pytest

from compliance import documents
from threat_mgmt.documents import report_context

from .scope import make_case

pytestmark = pytest.mark.django_db


def test_the_section_is_registered_as_confidential():
    section = next(s for s in documents.sections() if s.key == "threat_mgmt")
    assert section.action == 6 and section.confidential


def test_the_section_counts_the_years_cases_and_suppresses_small_counts(world):
    for _ in range(12):
        make_case(world, world.school_a, referred_on=world.year.starts_on)
    make_case(world, world.school_b, referred_on=world.year.starts_on)
    as_of = world.year.ends_on
    context = report_context([world.school_a, world.school_b, world.school_c], world.year, as_of)
    assert context[world.school_a.pk]["cases"] == 12
    assert context[world.school_b.pk]["cases"] == "<10"
    assert context[world.school_c.pk]["cases"] == 0
    assert context[world.school_c.pk]["result"].status == "not_met"  # no team

"""The scope table of drills' URLs, and the builders of drills' records (also used by the generated model
scope tests in test_drill_scope.py); see tests/scope_table.py."""

import datetime as dt

from drills.models import DrillKind, DrillSettings
from tests.scope_table import (
    DISTRICT_ADMIN,
    DOCUMENT_READERS,
    MEMBERS,
    SCHOOL_EDITORS,
    make_school,
    obj,
    page,
    post_only,
    unique,
)

from ..factories import UserFactory
from .factories import AfterActionFactory, ImprovementItemFactory, RequirementFactory, planned

DRILL_VIEWERS = MEMBERS - {"tip_triage"}  # tip triage has nothing in drills (drills/integrations.py)


def make_drill(world, school):
    return planned(school, dt.date(2026, 10, 1 + unique() % 28))


def make_after_action(world, school):
    return AfterActionFactory(drill=make_drill(world, school), written_by=UserFactory())


def make_improvement_item(world, school):
    """An item owned by someone who is none of the personas (owners see their own items anyway)."""
    return ImprovementItemFactory(after_action=make_after_action(world, school), owner=UserFactory())


def make_drill_requirement(world, school):
    return RequirementFactory(district=school.district, title=f"Fire drills of {school.district}")


def make_drill_settings(world, school):
    row, _ = DrillSettings.objects.get_or_create(district=school.district)
    return row


def make_drill_kind(world, school):
    n = unique()
    return DrillKind.objects.create(district=school.district, code=f"walk-{n}", name=f"Bus drill {n}")


URLS = {
    "drills:drill-list": page(),
    "drills:drill-create": page(ok=SCHOOL_EDITORS),
    "drills:drill-detail": obj(make_drill, ok=DRILL_VIEWERS),
    "drills:drill-update": obj(make_drill, ok=SCHOOL_EDITORS, denied=DRILL_VIEWERS),
    "drills:drill-delete": obj(make_drill, ok=DISTRICT_ADMIN, denied=DRILL_VIEWERS),
    "drills:drill-record": obj(make_drill, ok=SCHOOL_EDITORS, denied=DRILL_VIEWERS),
    "drills:drill-sign": obj(make_drill, ok=SCHOOL_EDITORS, denied=DRILL_VIEWERS),
    "drills:drill-countersign": obj(make_drill, ok={"sro_two_schools"}, denied=DRILL_VIEWERS),
    "drills:drill-correct": obj(make_drill, redirect=SCHOOL_EDITORS, denied=DRILL_VIEWERS),  # unsigned: edit it
    "drills:drill-cancel": post_only(make_drill),
    "drills:drill-after-action": obj(make_drill, ok=DRILL_VIEWERS),
    "drills:compliance": page(ok=DRILL_VIEWERS),
    "drills:compliance-school": obj(make_school, ok=DRILL_VIEWERS, others=403),
    "drills:drill-export": obj(make_school, ok=DOCUMENT_READERS, others=403),
    "drills:drillrequirement-list": page(),
    "drills:drillrequirement-create": page(ok=DISTRICT_ADMIN),
    "drills:drillrequirement-detail": obj(make_drill_requirement, ok=DRILL_VIEWERS),
    "drills:drillrequirement-update": obj(make_drill_requirement, ok=DISTRICT_ADMIN, denied=DRILL_VIEWERS),
    "drills:drillrequirement-delete": obj(make_drill_requirement, ok=DISTRICT_ADMIN, denied=DRILL_VIEWERS),
    "drills:drillkind-list": page(),
    "drills:drillkind-create": page(ok=DISTRICT_ADMIN),
    "drills:drillkind-detail": obj(make_drill_kind, ok=DRILL_VIEWERS),
    "drills:drillkind-update": obj(make_drill_kind, ok=DISTRICT_ADMIN, denied=DRILL_VIEWERS),
    "drills:calendar-feed": page(ok=DRILL_VIEWERS),
    "drills:settings": page(ok=DISTRICT_ADMIN),
}

PUBLIC = {
    "drills:calendar-ics": "calendar apps fetch the feed with its secret address, without a session",
}

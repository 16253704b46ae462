"""The scope table of the test app's URLs and the builder of its records (see tests/scope_table.py)."""

import datetime as dt

from tests.scope_table import MEMBERS, PARTNERS, SCHOOL_ADMINS, SCHOOL_EDITORS, obj, page, unique
from tests.testapp.models import Walkthrough

WALK_READERS = (MEMBERS | PARTNERS) - {"tip_triage"}  # tests/testapp/integrations.py


def make_walkthrough(world, school):
    return Walkthrough.objects.create(school=school, walked_on=dt.date(2026, 10, 1 + unique() % 28))


URLS = {
    "testapp:walkthrough-list": page(),
    "testapp:walkthrough-create": page(ok=SCHOOL_EDITORS),
    "testapp:walkthrough-detail": obj(make_walkthrough, ok=WALK_READERS),
    "testapp:walkthrough-update": obj(make_walkthrough, ok=SCHOOL_EDITORS, denied=WALK_READERS),
    "testapp:walkthrough-sign": obj(make_walkthrough, ok=SCHOOL_ADMINS, denied=WALK_READERS),
}

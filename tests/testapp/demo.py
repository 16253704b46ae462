"""The test app's demo step: one walk-through at the demo's school A, added once."""

from tests.testapp.models import Walkthrough


def add_demo_walkthrough(ctx) -> None:
    school = ctx.schools["a"]
    Walkthrough.objects.get_or_create(school=school, walked_on=ctx.today, defaults={"notes": "[demo]"})

"""factory_boy builders for drills (the shared ones are in tests/factories.py)."""

import datetime as dt
import zoneinfo

import factory

from drills.models import AfterActionReport, Drill, DrillKind, DrillRequirement, ImprovementItem
from tests.factories import SchoolFactory, UserFactory


def kind(code: str) -> DrillKind:
    """A shared (seeded) kind by its code."""
    return DrillKind.objects.get(code=code, district__isnull=True)


def local(school, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware datetime at a local hour on a day, in the school's district time zone."""
    return dt.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=zoneinfo.ZoneInfo(school.district.time_zone)
    )


class DrillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drill

    school = factory.SubFactory(SchoolFactory)
    kind = factory.LazyFunction(lambda: kind("fire_evacuation"))
    planned_start = factory.LazyAttribute(lambda o: local(o.school, dt.date(2026, 10, 1)))
    status = Drill.Status.PLANNED


def held(school, day: dt.date, code: str = "fire_evacuation", **extra) -> Drill:
    """A completed (unsigned) drill held at 10:00 local time on ``day``."""
    start = local(school, day)
    fields = dict(
        school=school,
        kind=kind(code),
        planned_start=start,
        status=Drill.Status.COMPLETED,
        actual_start=start,
        actual_end=start + dt.timedelta(minutes=12),
        participant_count=400,
        evacuation_or_lockdown_seconds=240,
        no_attacker_roleplay_confirmed=True,
    )
    fields.update(extra)
    return DrillFactory(**fields)


def planned(school, day: dt.date, code: str = "fire_evacuation", hour: int = 10, **extra) -> Drill:
    return DrillFactory(school=school, kind=kind(code), planned_start=local(school, day, hour), **extra)


class RequirementFactory(factory.django.DjangoModelFactory):
    """A district's own requirement (state rules come from the shipped CSVs)."""

    class Meta:
        model = DrillRequirement
        skip_postgeneration_save = True

    district = None
    state = ""
    code = factory.Sequence(lambda n: f"district-rule-{n}")
    title = "fire drills"
    min_count = 1
    window = DrillRequirement.Window.SCHOOL_YEAR
    confidence = DrillRequirement.Confidence.VERIFIED_STATUTE

    @factory.post_generation
    def kind_codes(self, create, extracted, **kwargs):
        if create:
            self.kinds.set([kind(code) for code in (extracted or ["fire_evacuation"])])


class AfterActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AfterActionReport

    drill = factory.SubFactory(DrillFactory)
    what_happened = "Everyone was out in four minutes."
    written_by = factory.SubFactory(UserFactory)


class ImprovementItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementItem

    after_action = factory.SubFactory(AfterActionFactory)
    title = "Fix the east stairwell alarm"
    owner = factory.SubFactory(UserFactory)
    due_on = dt.date(2026, 10, 15)

"""The drills step of ``manage.py seed_demo``: two years of drills for the demo district (Michigan rules).

Pioneer (school A) keeps every rule; Huron (school B) runs late, so a window is at risk or missed; Skyline
(school C) misses most drills. The other schools follow Pioneer's pattern with a gap or two. Drills on or
before today are logged (signed after a week, some countersigned by the SRO, one corrected), later ones
are planned; Pioneer has after-action reports with open, overdue and done improvement items. A district
requirement whose window closes ten days from the seeding day shows "at risk" whatever the date.

The step runs once per district: a second ``seed_demo`` finds the demo drills and adds nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .models import AfterActionReport, Drill, DrillKind, DrillRequirement, ImprovementItem

MARK = "[demo]"
# (month, day, kind code) of a school year that keeps every Michigan rule (MCL 29.19).
ON_TIME = [(9, 14, "fire_evacuation"), (9, 28, "lockdown"), (10, 13, "fire_evacuation"),
           (11, 10, "fire_evacuation"), (11, 17, "secure_lockout"), (2, 9, "lockdown"),
           (2, 23, "fire_evacuation"), (3, 10, "shelter_severe_weather"), (4, 13, "fire_evacuation"),
           (4, 27, "shelter_severe_weather"), (5, 11, "evacuation_non_fire")]
LATE = [(9, 22, "fire_evacuation"), (10, 20, "fire_evacuation"), (10, 6, "lockdown"), (12, 8, "fire_evacuation"),
        (3, 16, "shelter_severe_weather"), (2, 16, "lockdown")]
SPARSE = [(10, 2, "fire_evacuation")]


def _date_in(year, month, day):
    return dt.date(year.starts_on.year if month >= 7 else year.ends_on.year, month, day)


def _at(district, day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=district.tz)


def _pattern(key, index):
    if key == "a":
        return ON_TIME
    if key == "b":
        return LATE
    if key == "c":
        return SPARSE
    # Other schools: Pioneer's year, except that every third school skips one drill (a different one each).
    return [row for n, row in enumerate(ON_TIME) if index % 3 or n != index % len(ON_TIME)]


def _drills_for_year(ctx, year, kinds, signer_by_school):
    district, today = ctx.district, ctx.today
    schools = list(district.schools.filter(is_active=True).order_by("name"))
    keys = {school.pk: key for key, school in ctx.schools.items()}
    sro = ctx.users.get("sro_two_schools")
    rows = []
    for index, school in enumerate(schools):
        for month, day, code in _pattern(keys.get(school.pk), index):
            when = _date_in(year, month, day)
            start = _at(district, when)
            drill = Drill(school=school, kind=kinds[code], planned_start=start, plan_notes=f"{MARK} Scheduled drill.",
                          created_by=ctx.users.get("district_admin"))
            if when <= today:
                drill.status = Drill.Status.COMPLETED
                drill.actual_start, drill.actual_end = start, start + dt.timedelta(minutes=15)
                drill.evacuation_or_lockdown_seconds = 150 + (index * 17 + day) % 150
                drill.participant_count = 300 + (index * 37) % 900
                drill.announced = code != "lockdown"
                drill.no_attacker_roleplay_confirmed = True
                drill.observing_agency = ctx.agency if code in ("lockdown", "secure_lockout") else None
                if when <= today - dt.timedelta(days=7):
                    drill.signed_at, drill.signed_by = start + dt.timedelta(days=2), signer_by_school(school)
                    if sro and keys.get(school.pk) in ("a", "c") and code != "fire_evacuation":
                        drill.countersigned_at = start + dt.timedelta(days=3)
                        drill.countersigned_by, drill.countersign_note = sro, "Observed from the main office."
            rows.append(drill)
    Drill.objects.bulk_create(rows)


def _planned_soon(ctx, kinds):
    """Drills in the next days at Pioneer and Huron, so the digest has something to remind."""
    for key, days, code in (("a", 3, "lockdown"), ("b", 5, "fire_evacuation")):
        start = _at(ctx.district, ctx.today + dt.timedelta(days=days), hour=9)
        Drill.objects.create(school=ctx.schools[key], kind=kinds[code], planned_start=start,
                             plan_notes=f"{MARK} Announced to staff only.", created_by=ctx.users.get("school_a_admin"))


def _reviews(ctx):
    """After-action reports at Pioneer with open, overdue and done improvement items, and one correction."""
    admin, staff = ctx.users.get("school_a_admin"), ctx.users.get("school_a_staff")
    held = list(Drill.objects.filter(school=ctx.schools["a"], status=Drill.Status.COMPLETED).order_by("-actual_start"))
    if not held or admin is None or staff is None:
        return
    for drill in held[:1]:
        report = AfterActionReport.objects.create(
            drill=drill, written_by=admin, what_happened="Everyone reached the assembly points or safe rooms.",
            went_well="Staff took attendance quickly.",
            areas_for_improvement="The alarm is faint in the east stairwell; substitutes lacked the plan.")
        # Items on the admin's and the teacher's My tasks: one overdue, one due soon, one done.
        ImprovementItem.objects.create(after_action=report, title="Have facilities check the east stairwell alarm",
                                       owner=staff, due_on=ctx.today - dt.timedelta(days=10))
        ImprovementItem.objects.create(after_action=report, title="Add the drill plan to the substitute folder",
                                       owner=admin, due_on=ctx.today + dt.timedelta(days=14))
        done = ImprovementItem.objects.create(after_action=report, title="Re-mark the assembly point",
                                              owner=staff, due_on=ctx.today - dt.timedelta(days=20))
        done.mark_done(by=staff, note="Painted on the north lot.")
    signed = [d for d in held if d.signed_at and not d.is_superseded]
    if signed:
        original = signed[-1]
        correction = original.correction_draft()
        correction.evacuation_or_lockdown_seconds = (original.evacuation_or_lockdown_seconds or 200) + 30
        correction.correction_reason = "The stopwatch time was copied wrong from the paper log."
        correction.created_by = admin
        correction.save()


def _district_rule(ctx, kinds):
    """A district policy whose window closes in ten days: Huron and Skyline have not done it (at risk)."""
    year = ctx.current_year
    deadline = min(ctx.today + dt.timedelta(days=10), year.last_instructional_day)
    if deadline < year.first_instructional_day:
        return
    # In effect from this year only: last year's compliance stays as it was.
    requirement, _ = DrillRequirement.objects.update_or_create(
        district=ctx.district, state="", code="demo-reunification", effective_from=year.starts_on,
        defaults={"title": "reunification drills (district policy)", "min_count": 1,
                  "window": DrillRequirement.Window.BY_DATE, "end_month": deadline.month, "end_day": deadline.day,
                  "citation": "Board policy 8420 (demo)", "confidence": DrillRequirement.Confidence.VERIFIED_STATUTE,
                  "notes": "A demo district requirement on top of Michigan's rules."})
    requirement.kinds.set([kinds["reunification"]])
    day = max(year.first_instructional_day, min(ctx.today, deadline) - dt.timedelta(days=3))
    if day > ctx.today:
        return
    start = _at(ctx.district, day)
    late = {ctx.schools["b"].pk, ctx.schools["c"].pk}
    Drill.objects.bulk_create([
        Drill(school=school, kind=kinds["reunification"], planned_start=start, status=Drill.Status.COMPLETED,
              actual_start=start, actual_end=start + dt.timedelta(minutes=50), no_attacker_roleplay_confirmed=True,
              plan_notes=f"{MARK} Families' pick-up at the stadium.", participant_count=250)
        for school in ctx.district.schools.filter(is_active=True).exclude(pk__in=late)])


def add_demo_drills(ctx) -> None:
    """seed_demo step: drills, reviews and follow-ups for the demo district (once)."""
    if Drill.objects.filter(school__district=ctx.district, plan_notes__startswith=MARK).exists():
        ctx.say("Drills: already seeded.")
        return
    kinds = {k.code: k for k in DrillKind.objects.filter(district__isnull=True)}
    admins = {ctx.schools[k].pk: ctx.users[p] for k, p in (("a", "school_a_admin"), ("b", "school_b_admin"))
              if p in ctx.users}
    district_admin = ctx.users.get("district_admin")

    def signer(school):
        return admins.get(school.pk, district_admin)

    with transaction.atomic():
        for year in ctx.school_years:
            _drills_for_year(ctx, year, kinds, signer)
        _planned_soon(ctx, kinds)
        _district_rule(ctx, kinds)
        _reviews(ctx)
    count = Drill.objects.filter(school__district=ctx.district).count()
    ctx.say(f"Drills: {count} planned or logged over {len(ctx.school_years)} school years "
            f"(as of {timezone.localdate(timezone=ctx.district.tz)}).")

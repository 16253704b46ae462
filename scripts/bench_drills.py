"""Benchmark of the drills app at scale (issue 5, "Scale"). Run it against a database of its own:

    createdb -h 127.0.0.1 -U postgres h8bench
    PORTAL_ENV=dev DEBUG=false DATABASE_URL=postgres://postgres@127.0.0.1:5432/h8bench \
        .venv/bin/python scripts/bench_drills.py [--districts 20] [--schools-per-district 500]

It migrates, removes the rows of an earlier run (districts named "Bench ..."), then builds
``districts x schools`` schools (default 20 x 500 = 10,000) across the shipped states, each with a school
admin, the 2026-27 calendar (terms, holidays) and a year of drills (completed, some late or missing, a few
planned in the coming week) plus overdue improvement items at one school in ten. It measures:

1. the compliance calendar of a 500-school district: queries (the same as for 50 schools) and seconds;
2. the daily reminder pass over every school: ``portal.notifications.digest_send_hourly`` at an instant
   that is every district's digest hour, with the drills digest provider computing reminders and the
   outbox and ledger rows written, but no email sent (the enqueue after commit is stubbed out);
   seconds, queries per district and per digest batch (``notifications.DIGEST_BATCH`` people per
   transaction), rows written; then a second pass, which must write nothing.

``--reuse`` keeps the schools of an earlier run and only empties their ledger and outbox (saves the build).
"""

import argparse
import datetime as dt
import os
import sys
import time
import zoneinfo
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_portal.settings")
os.environ.setdefault("PORTAL_ENV", "dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from drills import reminders  # noqa: E402
from drills.evaluators import compliance_calendars  # noqa: E402
from drills.models import AfterActionReport, Drill, DrillKind, ImprovementItem  # noqa: E402
from schools import notifications  # noqa: E402
from schools.models import (  # noqa: E402
    Building,
    CalendarDay,
    District,
    Membership,
    Notification,
    School,
    SchoolYear,
    SentReminder,
    Term,
    User,
)

STATES = [("MI", "America/Detroit"), ("TX", "America/Chicago"), ("NY", "America/New_York"),
          ("CA", "America/Los_Angeles"), ("WA", "America/Los_Angeles"), ("OH", "America/New_York"),
          ("PA", "America/New_York"), ("IL", "America/Chicago")]
AS_OF = dt.date(2026, 11, 20)  # a Friday, eleven days before Michigan's 1 December deadlines
PREFIX = "Bench "
# (month, day, kind) of a full year; each school skips some, so statuses vary.
YEAR = [(9, 10, "fire_evacuation"), (9, 24, "lockdown"), (10, 8, "fire_evacuation"), (10, 22, "earthquake"),
        (11, 5, "fire_evacuation"), (11, 12, "shelter_severe_weather"), (11, 19, "secure_lockout"),
        (9, 17, "bus_evacuation"), (10, 1, "evacuation_non_fire"), (10, 15, "shelter_in_place_hazmat"),
        (9, 3, "fire_evacuation")]


@contextmanager
def counting_queries():
    """Count the statements sent to the database (without DEBUG's per-query log)."""
    box = {"n": 0}

    def counter(execute, sql, params, many, context):
        box["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield box


def remove_earlier_run():
    districts = District.objects.filter(name__startswith=PREFIX)
    if not districts.exists():
        return
    users = User.objects.filter(email__endswith="@bench.example")
    SentReminder.objects.filter(recipient__in=users)._raw_delete(connection.alias)
    Notification.objects.filter(recipient__in=users)._raw_delete(connection.alias)
    ImprovementItem.objects.filter(after_action__drill__school__district__in=districts)._raw_delete(connection.alias)
    AfterActionReport.objects.filter(drill__school__district__in=districts)._raw_delete(connection.alias)
    Drill.buildings.through.objects.filter(drill__school__district__in=districts)._raw_delete(connection.alias)
    Drill.objects.filter(school__district__in=districts)._raw_delete(connection.alias)
    Membership.objects.filter(user__in=users)._raw_delete(connection.alias)
    for model in (CalendarDay, Term):
        model.objects.filter(school_year__district__in=districts)._raw_delete(connection.alias)
    SchoolYear.objects.filter(district__in=districts)._raw_delete(connection.alias)
    Building.objects.filter(school__district__in=districts)._raw_delete(connection.alias)
    School.objects.filter(district__in=districts)._raw_delete(connection.alias)
    users._raw_delete(connection.alias)
    districts._raw_delete(connection.alias)


def build(n_districts, per_district, now):
    kinds = {k.code: k for k in DrillKind.objects.filter(district__isnull=True)}
    districts = []
    for i in range(n_districts):
        state, tz = STATES[i % len(STATES)]
        # Every district's digest hour is the local hour of ``now``: one hourly pass serves them all.
        hour = now.astimezone(zoneinfo.ZoneInfo(tz)).hour
        districts.append(District(name=f"{PREFIX}{i:03d} ({state})", state=state, time_zone=tz, digest_hour=hour))
    District.objects.bulk_create(districts)
    years = SchoolYear.objects.bulk_create([SchoolYear(
        district=d, name="2026-27", starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2027, 6, 30),
        first_instructional_day=dt.date(2026, 8, 31), last_instructional_day=dt.date(2027, 6, 11))
        for d in districts])
    Term.objects.bulk_create([Term(school_year=y, name=name, starts_on=s, ends_on=e) for y in years for name, s, e in
                              (("Fall", dt.date(2026, 8, 31), dt.date(2027, 1, 15)),
                               ("Spring", dt.date(2027, 1, 19), dt.date(2027, 6, 11)))])
    CalendarDay.objects.bulk_create([CalendarDay(school_year=y, date=day, description="Holiday") for y in years
                                     for day in (dt.date(2026, 9, 7), dt.date(2026, 11, 26), dt.date(2026, 11, 27))])
    schools = School.objects.bulk_create([
        School(district=d, name=f"School {d.pk}-{j:03d}", level=School.Level.HIGH if j % 3 else School.Level.ELEMENTARY)
        for d in districts for j in range(per_district)], batch_size=2000)
    Building.objects.bulk_create([Building(school=s, name="Main building") for s in schools], batch_size=2000)
    users = User.objects.bulk_create([
        User(email=f"admin{s.pk}@bench.example", display_name=f"Admin {s.pk}", is_active=True, password="!")  # noqa: S106 (unusable)
        for s in schools], batch_size=2000)
    Membership.objects.bulk_create([
        Membership(user=u, role=Membership.Role.SCHOOL_ADMIN, school=s, starts_on=dt.date(2020, 1, 1))
        for u, s in zip(users, schools, strict=True)], batch_size=2000)
    tz_of = {d.pk: zoneinfo.ZoneInfo(d.time_zone) for d in districts}
    drills = []
    for n, school in enumerate(schools):
        tz = tz_of[school.district_id]
        for k, (month, day, code) in enumerate(YEAR):
            if (n + k) % 5 == 0:  # one drill in five skipped, differently per school
                continue
            start = dt.datetime(2026, month, day, 10, tzinfo=tz)
            drills.append(Drill(school=school, kind=kinds[code], planned_start=start, status=Drill.Status.COMPLETED,
                                actual_start=start, actual_end=start + dt.timedelta(minutes=12),
                                no_attacker_roleplay_confirmed=True))
        soon = dt.datetime.combine(AS_OF + dt.timedelta(days=1 + n % 7), dt.time(9), tzinfo=tz)
        drills.append(Drill(school=school, kind=kinds["fire_evacuation" if n % 2 else "lockdown"],
                            planned_start=soon))
    Drill.objects.bulk_create(drills, batch_size=5000)
    with_items = [d for d in Drill.objects.filter(school__district__in=districts, kind__code="earthquake")][::10]
    reports = AfterActionReport.objects.bulk_create([
        AfterActionReport(drill=d, what_happened="Benchmark.", written_by_id=users[0].pk) for d in with_items])
    admin_of = {s.pk: u.pk for u, s in zip(users, schools, strict=True)}
    ImprovementItem.objects.bulk_create([
        ImprovementItem(after_action=r, title="Fix the alarm", owner_id=admin_of[r.drill.school_id],
                        due_on=AS_OF - dt.timedelta(days=9)) for r in reports])
    return districts, years, len(drills)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--districts", type=int, default=20)
    parser.add_argument("--schools-per-district", type=int, default=500)
    parser.add_argument("--reuse", action="store_true",
                        help="Keep the schools of an earlier run of this size; only empty the ledger and outbox.")
    parser.add_argument("--parallel", type=int, default=0,
                        help="Also time a pass fanned out over this many threads, one district at a time each "
                             "(as one Celery task per district over several workers would).")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Note: this runs on", connection.vendor, "- the figures asked for are PostgreSQL's.")
    call_command("migrate", verbosity=0)
    # 07:00 in New York on the as-of day; every district gets that instant's local hour as its digest hour.
    now = dt.datetime.combine(AS_OF, dt.time(7, 5), tzinfo=zoneinfo.ZoneInfo("America/New_York")).astimezone(dt.UTC)

    started = time.perf_counter()
    earlier = list(District.objects.filter(name__startswith=PREFIX).order_by("pk"))
    if args.reuse and len(earlier) == args.districts:
        users = User.objects.filter(email__endswith="@bench.example")
        SentReminder.objects.filter(recipient__in=users)._raw_delete(connection.alias)
        Notification.objects.filter(recipient__in=users)._raw_delete(connection.alias)
        districts = earlier
        years = [SchoolYear.objects.get(district=d) for d in districts]
        n_drills = Drill.objects.filter(school__district__in=districts).count()
    else:
        with transaction.atomic():
            remove_earlier_run()
            districts, years, n_drills = build(args.districts, args.schools_per_district, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them on a live database
            cursor.execute("ANALYZE")
    n_schools = args.districts * args.schools_per_district
    print(f"{'Reused' if districts is earlier else 'Built'} {args.districts} districts, {n_schools} schools, "
          f"{n_drills} drills in {time.perf_counter() - started:.1f} s")

    # 1. The compliance calendar of the first (Michigan) district, at 50 and at all its schools.
    district, year = districts[0], years[0]
    for size in (50, args.schools_per_district):
        schools = list(School.objects.filter(district=district).order_by("pk")[:size])
        with counting_queries() as q:
            t = time.perf_counter()
            calendars = compliance_calendars(schools, year, AS_OF)
            elapsed = time.perf_counter() - t
        statuses = {}
        for c in calendars.values():
            statuses[str(c.status)] = statuses.get(str(c.status), 0) + 1
        print(f"Compliance calendar, {size} schools: {q['n']} queries, {elapsed:.2f} s; statuses {statuses}")

    # 2. The daily reminder pass: outbox and ledger rows written, no email sent. The drills provider is
    # timed on its own (computing the reminders and claiming their ledger keys) inside the whole pass.
    notifications.enqueue_send = lambda notification_id: False
    notifications.enqueue_send_many = lambda notification_ids: False
    provider = {"seconds": 0.0, "queries": 0}

    def timed_provider(district, today):
        with counting_queries() as pq:
            t0 = time.perf_counter()
            try:
                return reminders.digest_lines(district, today)
            finally:
                provider["seconds"] += time.perf_counter() - t0
                provider["queries"] += pq["n"]

    notifications.unregister_digest_provider(reminders.digest_lines)
    notifications.register_digest_provider(timed_provider)
    # Each digest batch (one transaction) is counted on its own: the issue asks for a bounded number.
    batches = []
    real_write = notifications._DigestWriter.write

    def counted_write(self, batch, names):
        with counting_queries() as bq:
            written = real_write(self, batch, names)
        batches.append((len(batch), bq["n"]))
        return written

    notifications._DigestWriter.write = counted_write
    before_notes, before_keys = Notification.objects.count(), SentReminder.objects.count()
    with counting_queries() as q:
        t = time.perf_counter()
        digests = notifications.digest_send_hourly(now=now)
        elapsed = time.perf_counter() - t
    notes = Notification.objects.count() - before_notes
    keys = SentReminder.objects.count() - before_keys
    print(f"Reminder pass over {n_schools} schools: {elapsed:.1f} s, {q['n']} queries "
          f"({q['n'] / args.districts:.0f} per district, {q['n'] / max(digests, 1):.1f} per digest), "
          f"{digests} digests, {notes} outbox rows, {keys} ledger rows ({keys - digests} drill reminders)")
    print(f"  of which the drills provider (reminders computed, nothing claimed): {provider['seconds']:.1f} s, "
          f"{provider['queries']} queries ({provider['queries'] / args.districts:.0f} per district); "
          f"the digest writes (portal.notifications.digest_send: digest and line keys claimed, outbox "
          f"rows written, one transaction per batch): {elapsed - provider['seconds']:.1f} s, {len(batches)} batches "
          f"of up to {max(n for n, _ in batches)} people, {min(q for _, q in batches)}-{max(q for _, q in batches)} "
          f"queries per batch")
    batches.clear()
    provider.update(seconds=0.0, queries=0)
    with counting_queries() as q:
        t = time.perf_counter()
        again = notifications.digest_send_hourly(now=now)
        elapsed = time.perf_counter() - t
    print(f"Second pass: {again} digests written, {elapsed:.1f} s, {q['n']} queries "
          f"(drills provider {provider['seconds']:.1f} s)")
    if args.parallel:
        parallel_pass(districts, now, args.parallel)


def parallel_pass(districts, now, workers):
    """The same pass again, ledger and outbox emptied first, with the districts spread over threads."""
    from concurrent.futures import ThreadPoolExecutor

    users = User.objects.filter(email__endswith="@bench.example")
    SentReminder.objects.filter(recipient__in=users)._raw_delete(connection.alias)
    Notification.objects.filter(recipient__in=users)._raw_delete(connection.alias)

    def serve(district):
        try:
            return notifications.digest_send(district, now.astimezone(district.tz).date(), now=now)
        finally:
            connection.close()

    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        digests = sum(pool.map(serve, districts))
    print(f"Pass fanned out over {workers} threads: {digests} digests in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()

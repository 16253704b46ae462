"""Benchmark of the district compliance report (issue 13, "Speed and scale"). Run it on a database of its own:

    createdb -h 127.0.0.1 -U postgres reportbench
    PORTAL_ENV=dev DEBUG=false DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportbench \
        .venv/bin/python scripts/bench_report.py [--schools 100] [--small 10] [--out /tmp/report.pdf]

It migrates, removes the rows of an earlier run (the district "Report bench"), then builds one Michigan
district with ``--schools`` schools, the 2025-26 and 2026-27 school years (terms, holidays) and a year of
drills per school in each (completed, some skipped so statuses vary, a few planned), and a district leader.
It then makes the district report as the worker does (``compliance.reports.report_context`` then
``compliance.pdf.render_pdf``) as of 20 November 2026, and prints:

- total seconds, split into gathering the data (the context: every evaluator and report section over all
  the schools, this year and last year) and the layout (the template to HTML, then WeasyPrint to PDF/UA);
- the queries of the context at ``--small`` schools and at ``--schools`` (they must be equal);
- peak memory: the process's peak resident set (``resource``) and, with ``--tracemalloc``, Python's peak
  allocations during the render (tracemalloc slows the render down, so it is a separate pass);
- pages and bytes of the PDF.
"""

import argparse
import datetime as dt
import os
import resource
import sys
import time
import tracemalloc
import zoneinfo
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_portal.settings")
os.environ.setdefault("PORTAL_ENV", "dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from compliance import pdf, reports  # noqa: E402
from compliance.models import GeneratedDocument  # noqa: E402
from drills.models import Drill, DrillKind  # noqa: E402
from schools.models import Building, CalendarDay, District, Membership, School, SchoolYear, Term, User  # noqa: E402

NAME = "Report bench"
EMAIL = "leader@reportbench.example"
AS_OF = dt.date(2026, 11, 20)
TZ = zoneinfo.ZoneInfo("America/Detroit")
# (month, day, kind) of a year's drills; each school skips some, so statuses vary.
YEAR = [(9, 10, "fire_evacuation"), (9, 24, "lockdown"), (10, 8, "fire_evacuation"), (10, 22, "earthquake"),
        (11, 5, "fire_evacuation"), (11, 12, "shelter_severe_weather"), (11, 19, "secure_lockout"),
        (9, 17, "bus_evacuation"), (10, 1, "evacuation_non_fire"), (10, 15, "shelter_in_place_hazmat"),
        (9, 3, "fire_evacuation"), (1, 14, "lockdown"), (3, 11, "shelter_severe_weather"), (4, 8, "fire_evacuation")]


@contextmanager
def counting_queries():
    box = {"n": 0}

    def counter(execute, sql, params, many, context):
        box["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield box


def remove_earlier_run():
    district = District.objects.filter(name=NAME).first()
    if district is None:
        return
    GeneratedDocument.objects.filter(district=district)._raw_delete(connection.alias)
    Drill.buildings.through.objects.filter(drill__school__district=district)._raw_delete(connection.alias)
    Drill.objects.filter(school__district=district)._raw_delete(connection.alias)
    Membership.objects.filter(district=district)._raw_delete(connection.alias)
    for model in (CalendarDay, Term):
        model.objects.filter(school_year__district=district)._raw_delete(connection.alias)
    SchoolYear.objects.filter(district=district)._raw_delete(connection.alias)
    Building.objects.filter(school__district=district)._raw_delete(connection.alias)
    School.objects.filter(district=district)._raw_delete(connection.alias)
    User.objects.filter(email=EMAIL)._raw_delete(connection.alias)
    District.objects.filter(pk=district.pk)._raw_delete(connection.alias)


def build(n_schools):
    kinds = {k.code: k for k in DrillKind.objects.filter(district__isnull=True)}
    district = District.objects.create(name=NAME, state="MI", time_zone="America/Detroit")
    years = []
    for start in (2025, 2026):
        year = SchoolYear.objects.create(
            district=district, name=f"{start}-{str(start + 1)[2:]}", starts_on=dt.date(start, 7, 1),
            ends_on=dt.date(start + 1, 6, 30), first_instructional_day=dt.date(start, 8, 31),
            last_instructional_day=dt.date(start + 1, 6, 11))
        Term.objects.bulk_create([
            Term(school_year=year, name="Fall", starts_on=dt.date(start, 8, 31), ends_on=dt.date(start + 1, 1, 15)),
            Term(school_year=year, name="Spring", starts_on=dt.date(start + 1, 1, 19),
                 ends_on=dt.date(start + 1, 6, 11))])
        CalendarDay.objects.bulk_create([CalendarDay(school_year=year, date=day, description="Holiday")
                                         for day in (dt.date(start, 9, 7), dt.date(start, 11, 26))])
        years.append(year)
    schools = School.objects.bulk_create([
        School(district=district, name=f"School {j:03d}", level=School.Level.HIGH if j % 3 else School.Level.ELEMENTARY)
        for j in range(n_schools)])
    Building.objects.bulk_create([Building(school=s, name="Main building") for s in schools])
    leader = User.objects.create(email=EMAIL, display_name="Bench Leader", is_active=True, password="!")  # noqa: S106
    Membership.objects.create(user=leader, role=Membership.Role.DISTRICT_LEADER, district=district,
                              starts_on=dt.date(2020, 1, 1))
    drills = []
    for year_start, skip in ((2025, 4), (2026, 5)):
        for n, school in enumerate(schools):
            for k, (month, day, code) in enumerate(YEAR):
                if (n + k) % skip == 0:
                    continue
                when = dt.datetime(year_start + (month < 7), month, day, 10, tzinfo=TZ)
                if when.date() > AS_OF:
                    continue
                drills.append(Drill(school=school, kind=kinds[code], planned_start=when, status=Drill.Status.COMPLETED,
                                    actual_start=when, actual_end=when + dt.timedelta(minutes=12),
                                    no_attacker_roleplay_confirmed=True))
    for n, school in enumerate(schools):
        soon = dt.datetime.combine(AS_OF + dt.timedelta(days=1 + n % 7), dt.time(9), tzinfo=TZ)
        drills.append(Drill(school=school, kind=kinds["fire_evacuation" if n % 2 else "lockdown"], planned_start=soon))
    Drill.objects.bulk_create(drills, batch_size=5000)
    return district, years[1], leader, len(drills)


def main():
    import logging

    for name in ("fontTools", "weasyprint"):  # their per-step logs would drown the figures
        logging.getLogger(name).setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--small", type=int, default=10, help="The smaller size the query count is compared at.")
    parser.add_argument("--out", default="", help="Write the PDF here.")
    parser.add_argument("--tracemalloc", action="store_true", help="Also a pass measuring Python's peak allocations.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Note: this runs on", connection.vendor, "- the figures asked for are PostgreSQL's.")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        remove_earlier_run()
        district, year, leader, n_drills = build(args.schools)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"Built 1 district, {args.schools} schools, {n_drills} drills over two school years "
          f"in {time.perf_counter() - started:.1f} s")

    document = GeneratedDocument.objects.create(kind="district_report", district=district, school_year=year,
                                                title=f"Compliance report: {year.name}", requested_by=leader)
    document = GeneratedDocument.objects.select_related("district", "school_year", "requested_by").get(pk=document.pk)
    today = mock.patch.object(District, "local_today", lambda self: AS_OF)

    def context_for(n):
        # As compliance.reports.report_context loads them (the district with each school).
        schools = School.objects.filter(district=district, is_active=True).select_related("district").order_by(
            "name")[:n]
        with counting_queries() as q:
            t = time.perf_counter()
            context = reports.build(district=district, schools=schools, school_year=year, as_of=AS_OF,
                                    requester=leader)
            return context, q["n"], time.perf_counter() - t

    with today, timezone.override(district.tz), translation.override("en"):
        context_for(args.small)  # warm: content types, templates, the state's rules
        _small, small_queries, _ = context_for(args.small)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0, c0 = time.perf_counter(), time.process_time()
        context, queries, gather = context_for(args.schools)
        context = {**context, "document": document, "school": None, "is_school_report": False, "schedule": None}
        t1, c1 = time.perf_counter(), time.process_time()
        html = render_to_string(reports.DISTRICT_REPORT.template, context)
        t2, c2 = time.perf_counter(), time.process_time()
        from weasyprint import HTML

        content = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.StaticOnlyURLFetcher()).write_pdf(
            pdf_variant=pdf.PDF_VARIANT)
        t3, c3 = time.perf_counter(), time.process_time()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    total = t3 - t0
    import io

    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(content)).pages)
    cpu = c3 - c0
    print(f"District report, {args.schools} schools as of {AS_OF}: {total:.1f} s in all (wall clock; "
          f"{cpu:.1f} s of this process's CPU: the wall clock counts waiting for a busy machine), {pages} pages, "
          f"{len(content) / 1024:.0f} KiB")
    print(f"  gathering the data (every evaluator and section, this year and last): {gather:.2f} s wall, "
          f"{c1 - c0:.2f} s CPU ({100 * (c1 - c0) / cpu:.0f}% of the CPU), {queries} queries "
          f"({small_queries} at {args.small} schools)")
    print(f"  template to HTML: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU ({100 * (c2 - c1) / cpu:.0f}%); "
          f"WeasyPrint layout to PDF/UA: {t3 - t2:.1f} s wall, {c3 - c2:.1f} s CPU ({100 * (c3 - c2) / cpu:.0f}%)")
    print(f"  load average while it ran: {os.getloadavg()[0]:.1f} (of {os.cpu_count()} CPUs)")
    print(f"  peak resident memory of the process: {rss_after / 1024:.0f} MiB "
          f"(was {rss_before / 1024:.0f} MiB before the report)")
    print(f"  statuses: {sum(1 for b in context['blocks'] for line in b.lines)} school-action cells; "
          f"reasons printed for actions {context['reason_actions']}")
    if queries != small_queries:
        print(f"  WARNING: the queries grow with the schools ({small_queries} -> {queries})")
    if args.out:
        Path(args.out).write_bytes(content)
        print(f"  written to {args.out}")
    if args.tracemalloc:
        with today, timezone.override(district.tz), translation.override("en"):
            tracemalloc.start()
            context, _q, _g = context_for(args.schools)
            context = {**context, "document": document, "school": None, "is_school_report": False, "schedule": None}
            pdf.render_pdf(reports.DISTRICT_REPORT.template, context)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        print(f"  Python's peak allocations during a render (tracemalloc): {peak / 1024 / 1024:.0f} MiB")
    GeneratedDocument.objects.filter(pk=document.pk).delete()


if __name__ == "__main__":
    main()

"""Benchmark of threat assessment at scale (issue 14, "Scale"). Run it against a database of its own:

    createdb -h 127.0.0.1 -U postgres t_threat_bench
    PORTAL_ENV=dev DEBUG=false DATABASE_URL=postgres://postgres@127.0.0.1:5432/t_threat_bench \
        .venv/bin/python scripts/bench_threat.py [--cases 100000] [--schools 40] [--reuse]

It migrates, removes an earlier run's district ("Bench Threat District"), then builds one district of
``--schools`` schools (with enrolments) and ``--cases`` threat assessment cases spread over them and over two
years (grades, IEP/504, race and ethnicity, classifications, a third of them closed with a signed closure and
outcomes), and a district threat-team member. Through the full request stack (Django's test client, the
person signed in with both factors) it measures, for the case list (first page, a filtered page, a deep
page) and the equity dashboard (a school year, and everything): the number of queries and the server time
(median of 5 requests after one warm-up). ``--reuse`` keeps the cases of an earlier run.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_portal.settings")
os.environ.setdefault("PORTAL_ENV", "dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from schools.models import District, Membership, School, SchoolYear, User  # noqa: E402
from threat_mgmt import steps as model_steps  # noqa: E402
from threat_mgmt.models import Case, CaseClosure, Team, ThreatSettings  # noqa: E402

NAME = "Bench Threat District"
EMAIL = "bench.threat.team@example.org"


def build(n_cases: int, n_schools: int) -> District:
    old = District.objects.filter(name=NAME).first()
    if old is not None:
        with connection.cursor() as cursor:  # the closures' lock lets the destruction door through only
            cursor.execute("BEGIN; SET LOCAL threat_mgmt.destroying = 'on'; "
                           "DELETE FROM threat_mgmt_caseclosure WHERE case_id IN (SELECT c.id FROM threat_mgmt_case c "
                           "JOIN schools_school s ON s.id = c.school_id WHERE s.district_id = %s); COMMIT;", [old.pk])
        Case.objects.filter(school__district=old).delete()
        Team.objects.filter(school__district=old).delete()
        ThreatSettings.objects.filter(district=old).delete()
        Membership.objects.filter(district=old).delete()
        Membership.objects.filter(school__district=old).delete()
        SchoolYear.objects.filter(district=old).delete()
        School.objects.filter(district=old).delete()
        old.delete()
    district = District.objects.create(name=NAME, state="MI", time_zone="America/Detroit")
    ThreatSettings.objects.create(district=district, records_race_ethnicity=True)
    today = district.local_today()
    start = dt.date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    SchoolYear.objects.create(district=district, name=f"{start.year}-{start.year + 1 - 2000}", starts_on=start,
                              ends_on=dt.date(start.year + 1, 6, 30), first_instructional_day=start.replace(month=9),
                              last_instructional_day=dt.date(start.year + 1, 6, 10))
    schools = School.objects.bulk_create([School(district=district, name=f"Bench School {i:03}",
                                                 enrollment=random.randint(300, 2500)) for i in range(n_schools)])
    user, _ = User.objects.get_or_create(email=EMAIL, defaults={"display_name": "Bench Team", "is_active": True})
    Membership.objects.create(user=user, role=Membership.Role.THREAT_TEAM, district=district,
                              starts_on=dt.date(2020, 1, 1))
    rng = random.Random(14)
    classes = [c for c, _label in model_steps.CLASSIFICATION_CHOICES[:3]] + [""]
    races = [v for v, _label in Case.Race.choices]
    grades = ["06", "07", "08", "09", "10", "11", "12"]
    batch = []
    closures = 0
    first = start - dt.timedelta(days=365)
    for i in range(n_cases):
        referred = first + dt.timedelta(days=rng.randint(0, 700))
        referred = min(referred, today)
        classification = rng.choice(classes)
        closed = classification and rng.random() < 0.35
        batch.append(Case(school=rng.choice(schools), subject_name=f"Student {i}", grade=rng.choice(grades),
                          has_iep=rng.random() < 0.14, has_504=rng.random() < 0.05, race_ethnicity=rng.choice(races),
                          referral_source=rng.choice(["staff", "student", "parent", "sro", "tip"]),
                          referred_on=referred, concerning_behavior="Bench behaviour.",
                          classification=classification,
                          assessed_on=referred + dt.timedelta(days=rng.randint(0, 12)) if classification else None,
                          status="closed" if closed else rng.choice(["open", "monitoring"]),
                          closed_on=referred + dt.timedelta(days=20) if closed else None))
        if len(batch) == 5000:
            closures += _save(batch, rng)
            batch = []
    if batch:
        closures += _save(batch, rng)
    print(f"built {n_cases} cases at {n_schools} schools ({closures} closures)")
    return district


def _save(batch, rng) -> int:
    with transaction.atomic():
        saved = Case.objects.bulk_create(batch)
        rows = [CaseClosure(case=c, closed_on=c.closed_on, outcome="Bench.", services_provided=rng.random() < 0.7,
                            suspension=(s := rng.random() < 0.3), days_out_of_school=rng.randint(1, 10) if s else 0,
                            change_of_placement=rng.random() < 0.05, arrest=rng.random() < 0.03,
                            signed_at=timezone.now()) for c in saved if c.closed_on]
        CaseClosure.objects.bulk_create(rows)
    return len(rows)


def client_for(user) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".") or "localhost")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(client, label, url, runs=5):
    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times, queries, db = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(1000 * (time.perf_counter() - t0))
        assert response.status_code == 200
        queries.append(len(ctx.captured_queries))
        db.append(1000 * sum(float(q["time"]) for q in ctx.captured_queries))
    print(f"{label:<44} {queries[-1]:>3} queries   median {statistics.median(times):7.1f} ms   "
          f"(min {min(times):.1f}, max {max(times):.1f}; in the database {statistics.median(db):.1f} ms)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    district = District.objects.filter(name=NAME).first()
    if not args.reuse or district is None:
        t0 = time.perf_counter()
        district = build(args.cases, args.schools)
        print(f"build: {time.perf_counter() - t0:.0f} s")
    with connection.cursor() as cursor:  # as autovacuum leaves the tables in steady use
        cursor.execute("VACUUM ANALYZE threat_mgmt_case")
        cursor.execute("VACUUM ANALYZE threat_mgmt_caseclosure")
    n = Case.objects.filter(school__district=district).count()
    school = School.objects.filter(district=district).order_by("pk").first()
    client = client_for(User.objects.get(email=EMAIL))
    print(f"{n} cases in {district}; the district threat team's pages (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    measure(client, "baseline: the teams list (40 rows)", "/threat/teams/")
    measure(client, "case list, first page", "/threat/cases/")
    measure(client, "case list, open at one school", f"/threat/cases/?status=open&school={school.pk}")
    measure(client, "case list, classification and dates", "/threat/cases/?classification=serious_substantive"
            "&referred_from=2026-01-01&referred_to=2026-12-31")
    measure(client, "case list, page 200", "/threat/cases/?page=200")
    measure(client, "equity dashboard, current school year", "/threat/equity/")
    measure(client, "equity dashboard, every case", "/threat/equity/?referred_from=2000-01-01")


if __name__ == "__main__":
    main()

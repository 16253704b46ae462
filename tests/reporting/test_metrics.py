"""Metrics, the public yearly summary (counts under 10 suppressed) and the action-4 evaluator."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.registry import Status
from reporting import metrics, services
from reporting.models import OnCallContact, Tip, TipLineSettings
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
AS_OF = dt.date(2026, 6, 1)


def tips(world, category, n, *, ack_minutes=None, outcome="", dialogue=False, by=None, start=T0):
    made = []
    for i in range(n):
        created = start + dt.timedelta(days=i)
        tip, _ = services.tip_submit(district=world.district, category=category, what_happened="x", now=created)
        if ack_minutes is not None:
            services.tip_acknowledge(tip, by=by, now=created + dt.timedelta(minutes=ack_minutes))
        if dialogue:
            services.tip_reply(tip, by=by, body="q", now=created + dt.timedelta(minutes=20))
            services.tipster_add(tip, body="a", now=created + dt.timedelta(minutes=30))
        if outcome:
            services.tip_update(tip, by=by, status=Tip.Status.CLOSED, outcome=outcome,
                                now=created + dt.timedelta(days=1))
        made.append(tip)
    return made


def test_district_metrics_count_by_category_month_outcome_and_median(world, routine, life_safety, tip_triage):
    tips(world, routine, 4, ack_minutes=10, outcome=Tip.Outcome.FALSE_REPORT, by=tip_triage)
    tips(world, life_safety, 3, ack_minutes=2, dialogue=True, by=tip_triage)
    services.tip_submit(district=world.district, category=routine, what_happened="t", is_test=True, now=T0)
    m = metrics.yearly_summary(world.district, 2026, public=False)
    assert m.total == 7  # the test tip is not counted
    assert dict(m.by_category) == {"Bullying": 4, "Weapon at school": 3}
    assert m.median_ack_life_safety_minutes == 2.0 and m.median_ack_minutes == 10.0
    assert m.dialogue_share == pytest.approx(3 / 7) and m.false_report_share == 1.0
    assert dict((str(k), v) for k, v in m.outcomes) == {"False report": 4}


def test_the_public_summary_suppresses_counts_under_10(client, world, routine, life_safety, tip_triage):
    tips(world, routine, 12, ack_minutes=5, by=tip_triage)
    tips(world, life_safety, 3, by=tip_triage)
    m = metrics.yearly_summary(world.district, 2026, public=True)
    assert m.total == 15 and dict(m.by_category) == {"Bullying": 12, "Weapon at school": None}
    html = client.get(reverse("tips:summary", args=["en", world.district.pk]), {"year": 2026}).content.decode()
    assert "fewer than 10" in html and ">12<" in html and ">3<" not in html
    html_es = client.get(reverse("tips:summary", args=["es", world.district.pk]), {"year": 2026}).content.decode()
    assert "menos de 10" in html_es and "Acoso escolar" in html_es and "Bullying" not in html_es


def test_a_small_year_shows_no_medians_or_shares_publicly(world, routine, tip_triage):
    tips(world, routine, 3, ack_minutes=5, by=tip_triage)
    m = metrics.yearly_summary(world.district, 2026, public=True)
    assert m.total is None and m.median_ack_minutes is None and m.dialogue_share is None


def test_the_metrics_page_is_for_those_who_run_the_line(client, world, line, district_admin, school_a_staff):
    client.force_login(district_admin)
    assert client.get(reverse("reporting:metrics")).status_code == 200
    client.force_login(school_a_staff)
    assert client.get(reverse("reporting:metrics")).status_code == 403


def chain_of(world, n, tip_triage):
    for i in range(n):
        OnCallContact.objects.create(district=world.district, level=i + 1, label=f"C{i}", person=tip_triage)


def results(world):
    return metrics.evaluate([world.school_a, world.school_b], None, AS_OF)


def test_action_4_is_met_with_the_line_on_two_contacts_a_recent_test_and_a_fast_median(world, line, tip_triage,
                                                                                          life_safety):
    chain_of(world, 2, tip_triage)
    TipLineSettings.objects.filter(pk=line.pk).update(last_test_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    tips(world, life_safety, 3, ack_minutes=4, by=tip_triage)
    result = results(world)[world.school_a.pk]
    assert result.status == Status.MET and "tested on 2026-04-01" in result.reason
    assert results(world)[world.school_b.pk].status == Status.MET


@pytest.mark.parametrize("problem, words", [
    ("off", "switched off"), ("one_contact", "needs at least 2"), ("old_test", "not been tested"),
    ("slow", "above the target of 15"),
])
def test_action_4_is_not_met_and_says_why(world, line, tip_triage, life_safety, problem, words):
    chain_of(world, 1 if problem == "one_contact" else 2, tip_triage)
    tested = dt.datetime(2025, 12, 1, tzinfo=dt.UTC) if problem == "old_test" else dt.datetime(2026, 5, 1,
                                                                                                 tzinfo=dt.UTC)
    TipLineSettings.objects.filter(pk=line.pk).update(last_test_at=tested, enabled=problem != "off")
    tips(world, life_safety, 3, ack_minutes=40 if problem == "slow" else 3, by=tip_triage)
    result = results(world)[world.school_a.pk]
    assert result.status == Status.NOT_MET and words in result.reason and result.next_step


def test_the_evaluator_runs_a_fixed_number_of_queries(world, line, tip_triage):
    chain_of(world, 2, tip_triage)
    few = [world.school_a]
    many = [world.school_a, world.school_b, world.school_c] + [SchoolFactory(district=world.district)
                                                                 for _ in range(5)]
    with CaptureQueriesContext(connection) as small:
        metrics.evaluate(few, None, AS_OF)
    with CaptureQueriesContext(connection) as large:
        metrics.evaluate(many, None, AS_OF)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_reasons_are_read_by_the_line_and_the_tip_workers_only():
    from portal.registry import get

    roles = set(get("reporting").action.reason_roles)
    assert roles == {"district_admin", "district_leader", "tip_triage", "threat_team", "school_admin"}

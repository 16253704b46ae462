"""The tip line plugs in like drills: owed tasks on My tasks, digest lines, its report section, demo data,
navigation; and running the line: categories, the on-call chain (its form's rules), settings."""

import datetime as dt

import pytest
from django.urls import reverse

from portal import owed_tasks
from reporting import documents, owed, services
from reporting.models import OnCallContact, Tip, TipCategory, TipLineSettings

pytestmark = pytest.mark.django_db


def test_unacknowledged_tips_are_owed_by_those_who_may_acknowledge_them(world, tip_triage, school_b_admin,
                                                                       school_a_staff, routine, life_safety):
    services.tip_submit(district=world.district, category=routine, school=world.school_a, what_happened="x")
    services.tip_submit(district=world.district, category=life_safety, school=world.school_a, what_happened="y")
    today = world.district.local_today()
    tasks = owed.unacknowledged(tip_triage, tip_triage.active_memberships(), today)
    assert [t.title for t in tasks] == ["2 tips to acknowledge"] and "1 of them is life-safety" in tasks[0].detail
    assert owed.unacknowledged(school_b_admin, school_b_admin.active_memberships(), today) == []
    assert owed.unacknowledged(school_a_staff, school_a_staff.active_memberships(), today) == []
    assert "reporting.unacknowledged" in {s.key for s in owed_tasks.sources()}


def test_my_tasks_shows_the_tips_to_acknowledge(client, world, tip_triage, routine):
    services.tip_submit(district=world.district, category=routine, what_happened="x")
    client.force_login(tip_triage)
    assert "1 tip to acknowledge" in client.get(reverse("portal:my-tasks")).content.decode()


def test_the_digest_tells_assignees_how_many_open_tips_they_hold(world, tip_triage, routine):
    tip, _ = services.tip_submit(district=world.district, category=routine, what_happened="secret words")
    services.tip_update(tip, by=tip_triage, status=Tip.Status.IN_PROGRESS, assigned_to=tip_triage)
    lines = owed.digest_lines(world.district, world.district.local_today())
    assert [line.text for line in lines[tip_triage.pk]] == ["1 open tip is assigned to you."]
    assert "secret" not in str(lines)


def test_the_report_section_names_the_line_state_without_tip_content(world, line, routine):
    services.tip_submit(district=world.district, category=routine, what_happened="secret words")
    parts = documents.report_section_context([world.school_a, world.school_b], None, dt.date(2026, 11, 1))
    part = parts[world.school_a.pk]
    assert part["status"] == "not_met" and "switched off" not in part["reason"]
    assert part["figures"].total is None  # under 10: suppressed
    from django.template.loader import render_to_string

    html = render_to_string("reporting/documents/_report_section.html", part)
    assert "Anonymous tip line" in html and "secret" not in html


def test_the_demo_step_adds_a_chain_and_tips_once(world, tip_triage, counselor_threat_team):
    from portal.demo import SeedContext

    class Command:
        class stdout:  # noqa: N801
            @staticmethod
            def write(text):
                pass

    ctx = SeedContext(command=Command, password="x", district=world.district, today=dt.date(2026, 11, 2),
                      schools={"a": world.school_a, "b": world.school_b, "c": world.school_c},
                      users={"tip_triage": tip_triage, "counselor_threat_team": counselor_threat_team})
    from reporting.demo import add_demo_tips

    add_demo_tips(ctx)
    add_demo_tips(ctx)
    assert OnCallContact.objects.filter(district=world.district).count() == 2
    assert Tip.objects.filter(district=world.district).count() == 3
    assert TipCategory.objects.filter(district=world.district).count() >= 25
    assert TipLineSettings.objects.get(district=world.district).last_test_at is not None


def test_every_district_gets_at_least_25_categories_with_life_safety_ones(world, line):
    categories = TipCategory.objects.filter(district=world.district)
    assert categories.count() >= 25 and categories.filter(life_safety=True).count() >= 5
    names = set(categories.values_list("name", flat=True))
    for name in ("Planned school attack", "Weapon at school", "Threat of violence", "Bullying", "Cyberbullying",
                 "Drugs", "Dating violence", "Abuse at home", "Other"):
        assert name in names


def test_the_navigation_offers_the_tip_pages_to_their_roles(client, tip_triage, district_admin, school_a_staff,
                                                           line):
    client.force_login(tip_triage)
    html = client.get(reverse("home")).content.decode()
    assert reverse("reporting:tip-list") in html and reverse("reporting:settings") in html
    client.force_login(district_admin)
    html = client.get(reverse("home")).content.decode()
    assert reverse("reporting:settings") in html and reverse("reporting:tip-list") not in html
    client.force_login(school_a_staff)
    assert reverse("reporting:tip-list") not in client.get(reverse("home")).content.decode()


def test_a_district_admin_adds_a_category_to_their_district(client, world, district_admin, line):
    client.force_login(district_admin)
    response = client.post(reverse("reporting:category-create"), {"name": "Gambling", "name_es": "Apuestas",
                                                                   "order": 5, "active": "on"})
    assert response.status_code == 302
    assert TipCategory.objects.get(name="Gambling").district == world.district


@pytest.mark.parametrize("url, words", [("http://pager.example.org/", "https://"),
                                        ("https://127.0.0.1/hook", "private, local or reserved")])
def test_the_chain_refuses_unsafe_webhook_addresses(client, world, district_admin, line, url, words):
    client.force_login(district_admin)
    response = client.post(reverse("reporting:contact-create"), {"level": 1, "label": "Pager", "webhook_url": url,
                                                                 "active": "on"})
    assert response.status_code == 400 and words in response.content.decode()
    assert not OnCallContact.objects.exists()


def test_the_chain_refuses_a_person_who_could_not_open_the_tip(client, world, district_admin, school_a_staff,
                                                              tip_triage, line):
    client.force_login(district_admin)
    response = client.post(reverse("reporting:contact-create"), {"level": 1, "label": "Teacher",
                                                                 "person": school_a_staff.pk, "active": "on"})
    assert response.status_code == 400 and "holds no role that reads tips" in response.content.decode()
    response = client.post(reverse("reporting:contact-create"), {"level": 1, "label": "Triage",
                                                                 "person": tip_triage.pk, "active": "on"})
    assert response.status_code == 302
    response = client.post(reverse("reporting:contact-create"), {"level": 2, "label": "Nobody", "active": "on"})
    assert response.status_code == 400 and "Choose a person to email, a webhook address, or both." in \
        response.content.decode()


def test_the_settings_page_saves_and_shows_the_public_addresses(client, world, district_admin, line):
    client.force_login(district_admin)
    html = client.get(reverse("reporting:settings")).content.decode()
    assert f"/tips/en/{world.district.pk}/" in html and f"/tips/es/{world.district.pk}/" in html
    response = client.post(reverse("reporting:settings"), {"enabled": "on", "escalation_minutes": 3,
                                                           "ack_target_minutes": 10, "retention_years": 2})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.escalation_minutes, line.ack_target_minutes, line.retention_years) == (3, 10, 2)
    response = client.post(reverse("reporting:settings"), {"escalation_minutes": 0, "ack_target_minutes": 10,
                                                           "retention_years": 2})
    assert response.status_code == 400


def test_the_settings_page_shows_the_webhook_secret_only_to_who_may_change_them(client, district_admin,
                                                                                district_leader, line):
    client.force_login(district_admin)
    assert line.webhook_secret in client.get(reverse("reporting:settings")).content.decode()
    client.force_login(district_leader)
    assert client.get(reverse("reporting:settings")).status_code == 403

"""Fixtures of the tip line tests: the district's line with its seeded categories, a two-level chain."""

import pytest
from django.core.cache import cache

from portal import broker
from reporting.models import OnCallContact, TipCategory, TipLineSettings


@pytest.fixture(autouse=True)
def _fresh_cache_and_broker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    broker.pause_reset()
    yield
    cache.clear()
    broker.pause_reset()


@pytest.fixture
def line(world):
    line = TipLineSettings.for_district(world.district)
    line.enabled = True
    line.save()
    return line


@pytest.fixture
def life_safety(line):
    return TipCategory.objects.get(district=line.district, name="Weapon at school")


@pytest.fixture
def routine(line):
    return TipCategory.objects.get(district=line.district, name="Bullying")


@pytest.fixture
def chain(world, line, tip_triage, counselor_threat_team):
    """Level 1: tip triage by email; level 2: the threat team by email and a paging webhook."""
    return [
        OnCallContact.objects.create(district=world.district, level=1, label="Triage on call", person=tip_triage),
        OnCallContact.objects.create(district=world.district, level=2, label="Threat lead",
                                     person=counselor_threat_team, webhook_url="https://pager.example.org/hook"),
    ]


def form_url(world, lang="en"):
    from django.urls import reverse

    return reverse("tips:form", args=[lang, world.district.pk])


def tip_data(category, **extra):
    return {"category": category.pk, "school": "", "what_happened": "Someone brought a knife in a backpack.",
            "when_happened": "", "where_happened": "", "people_involved": "", "contact_name": "",
            "contact_email": "", "contact_phone": "", "website": "", **extra}

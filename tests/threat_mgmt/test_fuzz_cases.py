"""The portal's fuzz (tests/portal/test_fuzz.py) signs in as the district admin and a principal, who never see a
threat case: here the case team's pages (every form of a case) get the same hostile input, as the School A
counselor on the team and as the district threat team. No 500."""

import contextlib

import pytest
from django.test import Client

from portal import audit
from tests.portal.test_fuzz import fuzz, fuzz_urls

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona_name", ["counselor_threat_team", "district_threat_team"])
def test_no_threat_page_answers_500_to_hostile_input(persona_name, request, world, settings, tmp_path, monkeypatch):
    monkeypatch.setattr(audit, "deferred_writes", contextlib.nullcontext)
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(persona_name))
    failures: list[str] = []
    for url in fuzz_urls(world):
        if url.startswith("/threat/"):
            fuzz(client, url, failures)
    assert not failures, "\n".join(failures)

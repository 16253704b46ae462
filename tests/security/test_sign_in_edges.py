"""Sign-in edges (issue 9): no signed-in page is cached, the operators' admin shows no TOTP secret, the CSP
report endpoint is rate-limited, and production refuses a short or simple SECRET_KEY."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.test_settings import PRODUCTION, assert_refused_with_one_line, load_settings, project_copy  # noqa: F401

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_never_stored_by_browsers_or_proxies(client, district_admin, world):
    client.force_login(district_admin)
    for url in ("/", reverse("schools:school-list"), reverse("accounts:sessions")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url


def test_pages_for_anonymous_visitors_keep_their_own_caching(client):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_the_operators_admin_never_shows_a_totp_secret_or_backup_codes(client, superuser, district_admin):
    client.force_login(superuser)
    device = TOTPDevice.objects.create(user=district_admin, name="Phone", confirmed=True)
    static = StaticDevice.objects.create(user=district_admin, name="Backup codes", confirmed=True)
    StaticToken.objects.create(device=static, token="k7x9mq2w")
    page = client.get(f"/operator/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get(f"/operator/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/operator/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    page = client.get(f"/operator/otp_static/staticdevice/{static.pk}/change/")
    assert page.status_code == 200 and "k7x9mq2w" not in page.content.decode()


def test_the_csp_report_endpoint_answers_429_past_its_rate(client, settings, caplog):
    cache.clear()
    settings.CSP_REPORTS_PER_MINUTE = 3
    url = reverse("csp-report")
    statuses = [client.post(url, b'{"csp-report": {}}', content_type="application/csp-report").status_code
                for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    assert caplog.text.count("CSP violation") == 3
    # Another client has its own budget.
    assert client.post(url, b"{}", content_type="application/csp-report",
                       REMOTE_ADDR="192.0.2.77").status_code == 204


@pytest.mark.parametrize("key", ["short-but-random-Q2x9", "a" * 80, "ab" * 40, "django-insecure-" + "x1y2z3w4v5" * 6])
def test_production_refuses_a_short_or_simple_secret_key(project_copy, key):  # noqa: F811
    result = load_settings(project_copy, {**PRODUCTION, "SECRET_KEY": key})
    assert_refused_with_one_line(result, "SECRET_KEY is too short or too simple")

"""Anonymity by design: a tip sent from a distinctive address, browser and referrer leaves no trace of them
in any table, in the logs (every logger, at DEBUG), in the emails sent, or in the tasks' arguments."""

import logging
import subprocess

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from reporting.models import Tip

from .conftest import form_url, tip_data

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.177"
FORWARDED = "198.51.100.233"
AGENT = "Zyxwvut-Browser/9.87 (AnonymityProbe)"
REFERRER = "https://referrer-probe.example/secret-page"
NEEDLES = (ADDRESS, FORWARDED, AGENT, "AnonymityProbe", "referrer-probe")
CLIENT = {"REMOTE_ADDR": ADDRESS, "HTTP_X_FORWARDED_FOR": FORWARDED, "HTTP_USER_AGENT": AGENT,
          "HTTP_REFERER": REFERRER}


def every_row_as_text() -> str:
    """Every row of every table of every installed model, as text."""
    chunks = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed:
            continue
        for row in model._base_manager.values_list():
            chunks.append(repr(row))
    return "\n".join(chunks)


def pg_dump_text() -> str:
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
               "-U", db["USER"], db["NAME"]]
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60,  # noqa: S603
                              env={"PGPASSWORD": db["PASSWORD"] or "", "PATH": "/usr/bin:/bin"}).stdout
    except (FileNotFoundError, subprocess.CalledProcessError):
        return ""


def send_tips_and_follow_up(client, world, category, caplog, capture):
    caplog.set_level(logging.DEBUG)
    with capture(execute=True):
        response = client.post(form_url(world), tip_data(category, contact_name=""), **CLIENT)
    assert response.status_code == 200
    tip = Tip.objects.get()
    passphrase = response.content.decode().split('<code class="fs-4">')[2].split("</code>")[0]
    tip.shown_passphrase = passphrase
    with capture(execute=True):
        client.post("/tips/en/follow-up/", {"code": tip.code, "passphrase": passphrase, "body": "More."}, **CLIENT)
    client.post("/tips/en/follow-up/", {"code": tip.code, "passphrase": "wrong"}, **CLIENT)  # a failure too
    client.get("/tips/en/999999/", **CLIENT)  # a 404 (logged by django.request)
    client.post(form_url(world), {"category": "x"}, **CLIENT)  # a 400
    return tip


@pytest.mark.postgres
def test_no_client_address_browser_or_referrer_is_stored_logged_or_mailed(
        client, world, chain, life_safety, caplog, mailoutbox, django_capture_on_commit_callbacks):
    tip = send_tips_and_follow_up(client, world, life_safety, caplog, django_capture_on_commit_callbacks)
    assert mailoutbox, "the life-safety tip should have notified the chain"
    rows = every_row_as_text()
    dump = pg_dump_text()
    logs = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__!r}" for r in caplog.records)
    mails = "\n".join(f"{m.subject}\n{m.body}\n{m.alternatives!r}\n{m.extra_headers!r}" for m in mailoutbox)
    passphrase = tip.shown_passphrase
    assert len(passphrase) == 19 and passphrase not in rows and passphrase not in dump  # stored only hashed
    assert passphrase.replace("-", "") not in rows and passphrase not in logs and passphrase not in mails
    for needle in NEEDLES:
        assert needle not in rows, f"{needle} found in the database"
        assert needle not in dump, f"{needle} found in pg_dump"
        assert needle not in logs, f"{needle} found in the logs"
        assert needle not in mails, f"{needle} found in an email"


def test_a_request_error_about_a_tip_page_loses_its_request_before_any_handler(rf):
    """The filter on django.request: an error email (AdminEmailHandler puts META in it) gets no request."""
    from reporting.privacy import ClientDetailsFilter

    request = rf.post("/tips/en/1/", **CLIENT)
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                               ("/tips/en/1/",), None)
    record.request = request
    ClientDetailsFilter().filter(record)
    assert record.request is None
    staff = rf.get("/reporting/tips/")
    other = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), None)
    other.request = staff
    ClientDetailsFilter().filter(other)
    assert other.request is staff  # other pages keep what the operator needs


def test_the_filter_is_on_the_loggers_that_carry_requests():
    names = {f.__class__.__name__ for f in logging.getLogger("django.request").filters}
    assert "ClientDetailsFilter" in names
    assert "client_details" in settings.LOGGING["loggers"]["django.server"]["filters"]
    assert "client_details" in settings.LOGGING["handlers"]["mail_admins"]["filters"]


def test_gunicorn_access_logs_carry_no_address_browser_or_referrer():
    from pathlib import Path

    import yaml

    root = Path(settings.BASE_DIR)
    command = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]["web"]["command"]
    log_format = command[command.index("--access-logformat") + 1]
    dockerfile = (root / "Dockerfile").read_text()
    for field in ("%(h)s", "%(a)s", "%(f)s", "%({x-forwarded-for}i)s"):
        assert field not in log_format and field not in dockerfile
    assert "--access-logformat" in dockerfile


def test_the_tip_tasks_take_ids_only(client, world, chain, life_safety, monkeypatch,
                                     django_capture_on_commit_callbacks):
    from portal import broker

    published = []
    monkeypatch.setattr(broker, "publish", lambda name, args, what: published.append((name, args)) or True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(world), tip_data(life_safety), **CLIENT)
    assert published and all(all(isinstance(a, int) for a in args) for _name, args in published)


def test_the_rate_limit_keeps_only_a_salted_hash_in_the_cache(client, world, line, routine):
    from django.core.cache import cache

    client.post(form_url(world), tip_data(routine), **CLIENT)
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any(ADDRESS in str(k) or FORWARDED in str(k) for k in keys)

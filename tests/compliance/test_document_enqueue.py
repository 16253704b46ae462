"""Enqueueing a render: after one broker failure the process stops publishing for a while (portal.broker),
so PDF requests while Redis hangs do not each wait the socket timeout; the sweep enqueues them later.

The live version (a real hung broker, two requests) is in test_document_live_worker.py.
"""

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from compliance.models import GeneratedDocument
from portal import broker, notifications

pytestmark = pytest.mark.django_db

Status = GeneratedDocument.Status


@pytest.fixture(autouse=True)
def _media_and_no_pause(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    broker.pause_reset()
    yield
    broker.pause_reset()


@pytest.fixture
def render_publishes(monkeypatch):
    """Make publishing the render task fail as a broker would; returns the list of attempts."""
    from compliance.tasks import document_render

    calls = []

    def down(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Timeout reading from socket")

    monkeypatch.setattr(document_render, "apply_async", down)
    return calls


def request_profile(client, world):
    return client.post(reverse("compliance:document-request"),
                       {"kind": "school_profile", "school": world.school_a.pk})


def test_after_a_broker_failure_the_next_render_is_not_published_and_waits_for_the_sweep(
        client, school_a_admin, world, render_publishes, caplog, django_capture_on_commit_callbacks):
    client.force_login(school_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert request_profile(client, world).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert request_profile(client, world).status_code == 302
    assert len(render_publishes) == 1  # the second request did not wait on a broker known to be down
    assert list(GeneratedDocument.objects.values_list("status", flat=True)) == [Status.QUEUED] * 2
    assert "Could not enqueue the render of document" in caplog.text
    assert "Broker marked unreachable; the render of document" in caplog.text


def test_the_pause_is_one_per_process_for_every_task(client, school_a_admin, world, render_publishes,
                                                     django_capture_on_commit_callbacks, monkeypatch):
    from portal.tasks import notification_send

    client.force_login(school_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        request_profile(client, world)
    monkeypatch.setattr(notification_send, "apply_async", lambda *a, **k: pytest.fail("published"))
    assert notifications.enqueue_send(12345) is False  # the same broker: not tried either


def test_the_pause_ends_and_publishing_resumes(client, school_a_admin, world, render_publishes, monkeypatch,
                                               django_capture_on_commit_callbacks):
    client.force_login(school_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        request_profile(client, world)
    assert broker.paused()
    now = broker.time.monotonic()
    monkeypatch.setattr(broker.time, "monotonic", lambda: now + broker.ENQUEUE_PAUSE_SECONDS + 1)
    assert not broker.paused()
    with django_capture_on_commit_callbacks(execute=True):
        request_profile(client, world)
    assert len(render_publishes) == 2


def test_an_error_that_is_not_the_broker_is_logged_without_pausing(client, school_a_admin, world, monkeypatch,
                                                                   caplog, django_capture_on_commit_callbacks):
    from compliance.tasks import document_render

    monkeypatch.setattr(document_render, "apply_async", lambda *a, **k: (_ for _ in ()).throw(TypeError("bug")))
    client.force_login(school_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert request_profile(client, world).status_code == 302
    assert "Could not enqueue the render of document" in caplog.text
    assert not broker.paused()

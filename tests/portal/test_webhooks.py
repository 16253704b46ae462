"""The webhook channel of the outbox (portal/notifications.py): https only, no private, loopback or link-local
address unless the operator allows it, pinned to the checked address, no redirects, a 5-second timeout,
an HMAC-SHA256 signature, plain values only in the body."""

import socket

import pytest

from portal import notifications
from portal.notifications import WebhookError, webhook_post, webhook_resolve, webhook_signature


def resolving_to(monkeypatch, *addresses):
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                                                  for a in addresses])


@pytest.mark.parametrize("url", ["http://pager.example.org/hook", "ftp://pager.example.org/",
                                 "https://user:pw@pager.example.org/", "https:///nohost"])
def test_only_plain_https_addresses_are_accepted(url, monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    with pytest.raises(WebhookError):
        webhook_resolve(url)


@pytest.mark.parametrize("address", ["10.0.0.5", "192.168.1.10", "172.16.3.4", "127.0.0.1", "169.254.169.254",
                                     "::1", "fe80::1", "100.64.0.1", "0.0.0.0", "224.0.0.1"])  # noqa: S104
def test_private_loopback_and_link_local_addresses_are_refused(address, monkeypatch):
    resolving_to(monkeypatch, address)
    with pytest.raises(WebhookError, match="private, local or reserved"):
        webhook_resolve("https://pager.example.org/hook")


def test_one_private_address_among_public_ones_is_refused(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34", "10.1.2.3")
    with pytest.raises(WebhookError):
        webhook_resolve("https://pager.example.org/hook")


def test_the_operator_allowlist_lets_a_host_or_network_through(monkeypatch, settings):
    resolving_to(monkeypatch, "10.0.5.7")
    settings.WEBHOOK_ALLOWED_HOSTS = ["10.0.5.0/24"]
    assert webhook_resolve("https://pager.internal:8443/a?b=1") == ("pager.internal", 8443, "/a?b=1", ["10.0.5.7"])
    settings.WEBHOOK_ALLOWED_HOSTS = ["pager.internal"]
    assert webhook_resolve("https://pager.internal/")[3] == ["10.0.5.7"]


def test_a_public_address_is_accepted(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    assert webhook_resolve("https://pager.example.org/hook") == ("pager.example.org", 443, "/hook",
                                                                 ["93.184.216.34"])


@pytest.fixture
def sent(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    calls, answers = [], []

    def fake(address, host, port, path, body, headers, timeout):
        calls.append(dict(address=address, host=host, body=body, headers=headers, timeout=timeout))
        return answers.pop(0) if answers else 200

    monkeypatch.setattr(notifications, "_webhook_request", fake)
    return calls, answers


def test_the_call_is_signed_pinned_and_limited_to_five_seconds(sent):
    calls, _ = sent
    webhook_post("https://pager.example.org/hook", secret="s3cret", payload={"link": "https://portal/x"})
    call = calls[0]
    assert call["address"] == "93.184.216.34" and call["host"] == "pager.example.org" and call["timeout"] == 5
    timestamp = call["headers"]["X-Portal-Timestamp"]
    assert call["headers"]["X-Portal-Signature"] == webhook_signature("s3cret", timestamp, call["body"])


@pytest.mark.parametrize("status, words", [(301, "redirect"), (302, "redirect"), (500, "500"), (404, "404")])
def test_redirects_and_errors_fail_the_call(sent, status, words):
    _, answers = sent
    answers.append(status)
    with pytest.raises(WebhookError, match=words):
        webhook_post("https://pager.example.org/hook", secret="s", payload={"link": "x"})


def test_a_record_cannot_go_in_the_body(sent, db):
    from schools.models import District

    with pytest.raises(TypeError):
        webhook_post("https://pager.example.org/hook", secret="s", payload={"tip": District(name="x")})


def test_a_connection_error_or_timeout_is_a_webhook_error(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")

    def timeout(*args):
        raise TimeoutError

    monkeypatch.setattr(notifications, "_webhook_request", timeout)
    with pytest.raises(WebhookError, match="TimeoutError"):
        webhook_post("https://pager.example.org/hook", secret="s", payload={})

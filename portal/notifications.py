"""The notification outbox, the reminder ledger and the daily digest (ARCHITECTURE.md "Background work").

- ``notification_create`` writes the email as a ``Notification`` row in the caller's transaction and
  enqueues ``portal.tasks.notification_send`` only after commit. An enqueue error is logged, never
  raised into the request: the row is kept and the minute sweep sends it later.
- ``notification_claim`` takes a lease with one conditional UPDATE; only the caller that claimed the row
  sends it, so a task and a sweep racing never both send.
- ``notification_deliver`` claims, sends (text + HTML), marks sent; on failure it backs off
  exponentially and gives up after ``NOTIFICATION_MAX_ATTEMPTS`` with the error kept for the operator page.
- ``reminder_claim`` inserts a ``SentReminder`` key; only the caller that inserted it may send.
  ``reminder_claim_many`` does the same for many keys in one statement per few hundred keys.
- ``digest_send_hourly`` sends one digest per person per local day at each district's ``digest_hour``,
  built from the registered digest providers. ``digest_send`` writes a district's digests a few hundred
  people per transaction: it claims their digest keys, then (for the people it won) the ledger keys of
  their reminder lines, then writes the outbox rows, all in that one transaction, so a line's key is
  held only by the pass whose digest carries the line.

Bodies carry a link, never record content: the template context accepts plain values only (a count, a
date, a school name), never a model instance, so a template cannot reach into a record.

Every service takes ``now=`` so tests (and a late-running task) can say what time it is.

Templates in ``templates/emails/``: ``notice`` (a one-line ``headline`` and the link) for most
notifications, ``digest`` for the daily digest. An app may add its own pair (``.txt`` and ``.html``).
"""

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import broker
from portal.broker import task_named  # noqa: F401  (services of other apps publish by name)
from schools.models import District, Notification, SentReminder

logger = logging.getLogger(__name__)

Status = Notification.Status

# A claim lasts longer than one send can take (task time limit 60 s, SMTP timeout 10 s): a lease that
# expires while its sender is still working would let the sweep send a second copy.
LEASE_SECONDS = 120
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600
SWEEP_BATCH = 200
SWEEP_BUDGET_SECONDS = 40  # below the sweep task's soft time limit
# Digests written per transaction, and ledger keys per INSERT: bounded statements per batch, short
# transactions (a concurrent pass waits on a batch's keys only until it commits).
DIGEST_BATCH = 300
CLAIM_BATCH = 500
# Kinds sent to accounts not enabled yet (accounts/people.py invites people before an admin enables them).
DELIVERED_TO_INACTIVE_KINDS = frozenset({"invitation"})


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 6)


def backoff_seconds(attempts: int) -> int:
    """Wait before attempt ``attempts + 1``: 1, 2, 4, 8 ... minutes, capped at six hours."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def absolute_url(link: str) -> str:
    """A path becomes a full URL on the portal; an absolute URL is kept."""
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.PORTAL_BASE_URL.rstrip("/") + "/" + link.lstrip("/")


# --------------------------------------------------------------------------------------------
# Creating and enqueueing
# --------------------------------------------------------------------------------------------

_PLAIN_TYPES = (str, int, float, bool, dt.date, dt.datetime, type(None))


def _check_plain(value, key):
    """Refuse records in the email context: bodies carry a link, never record content."""
    if isinstance(value, models.Model | models.QuerySet):
        raise TypeError(f"Email context {key!r} is a record; pass a plain value and a link instead.")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_plain(v, f"{key}.{k}")
    elif isinstance(value, list | tuple):
        for item in value:
            _check_plain(item, key)
    elif not isinstance(value, _PLAIN_TYPES) and not dataclasses.is_dataclass(value):
        raise TypeError(f"Email context {key!r} has an unexpected type {type(value).__name__}.")


def _home_district_id(recipient):
    """The recipient's district when they have exactly one, so the row shows on that district's page."""
    homes = {m.home_district.pk for m in recipient.active_memberships()}
    return homes.pop() if len(homes) == 1 else None


def notification_create(*, recipient, kind: str, subject: str, template: str, context: dict, link: str,
                        district=None, now=None) -> Notification:
    """Write one email to the outbox in the caller's transaction and send it after commit.

    ``template`` names ``templates/emails/<template>.txt`` and ``.html``; they get ``context`` (plain
    values only), ``recipient_name``, ``link`` (made absolute) and ``subject``.
    """
    for key, value in context.items():
        _check_plain(value, key)
    now = now or timezone.now()
    url = absolute_url(link)
    ctx = {**context, "recipient_name": recipient.get_short_name(), "link": url, "subject": subject,
           "portal_url": absolute_url("/")}
    district_id = district.pk if district is not None else _home_district_id(recipient)
    notification = Notification.objects.create(
        recipient=recipient, district_id=district_id, kind=kind, subject=subject[:200],
        body_text=render_to_string(f"emails/{template}.txt", ctx),
        body_html=render_to_string(f"emails/{template}.html", ctx),
        link=url[:500], created_at=now, next_attempt_at=now,
    )
    transaction.on_commit(partial(enqueue_send, notification.pk))
    return notification


def enqueue_pause_reset() -> None:
    """Forget a broker failure (tests; a fresh process starts without one anyway). See ``portal.broker``."""
    broker.pause_reset()


def enqueue_send(notification_id: int) -> bool:
    """Queue the send task; on any error log it and return False (the sweep will send the row).

    After a broker failure this process publishes nothing for ``broker.ENQUEUE_PAUSE_SECONDS``.
    """
    return broker.publish("portal.tasks.notification_send", (notification_id,),
                          what=f"notification {notification_id}")


def enqueue_send_many(notification_ids: list[int]) -> bool:
    """Queue one task that sends these rows (one broker round trip for a batch of digests).

    Same rules as ``enqueue_send``: errors are logged, never raised, and the sweep sends what is left.
    """
    if not notification_ids:
        return True
    return broker.publish("portal.tasks.notification_send_many", (list(notification_ids),),
                          what=f"{len(notification_ids)} notifications")


# --------------------------------------------------------------------------------------------
# Claiming and delivering
# --------------------------------------------------------------------------------------------


def _claimable(now) -> Q:
    pending_or_lease_expired = Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_until__lt=now)
    return pending_or_lease_expired & Q(next_attempt_at__lte=now)


def notification_claim(pk: int, *, now=None) -> dt.datetime | None:
    """Take the lease on one row; returns the lease (our token) or None when someone else holds it.

    One UPDATE with the condition in its WHERE: PostgreSQL re-checks the condition on the row a
    concurrent claimer just changed, SQLite serialises writers, so exactly one caller gets count 1.
    """
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=LEASE_SECONDS)
    claimed = (Notification.objects.filter(_claimable(now), pk=pk)
               .update(status=Status.SENDING, lease_until=lease))
    return lease if claimed == 1 else None


def notification_deliver(pk: int, *, now=None) -> bool:
    """Claim and send one notification; True when this call sent it."""
    now = now or timezone.now()
    lease = notification_claim(pk, now=now)
    if lease is None:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=pk)
    # Our lease is the token: only its holder may move the row on.
    ours = Notification.objects.filter(pk=pk, status=Status.SENDING, lease_until=lease)
    recipient = notification.recipient
    # New accounts are inactive until enabled: their invitation must reach them (never once deactivated).
    if recipient.deactivated_at is not None or (not recipient.is_active and notification.kind not in
                                                DELIVERED_TO_INACTIVE_KINDS):
        ours.update(status=Status.FAILED, lease_until=None, attempts=notification.attempts + 1,
                    last_error=_("The recipient's account is deactivated."))
        return False
    message = EmailMultiAlternatives(subject=notification.subject, body=notification.body_text,
                                     to=[recipient.email])
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        _record_failure(ours, pk, notification.attempts + 1, exc, now)
        return False
    ours.update(status=Status.SENT, sent_at=now, lease_until=None, attempts=notification.attempts + 1,
                last_error="")
    return True


def _record_failure(ours, pk: int, attempts: int, exc: Exception, now) -> None:
    error = f"{type(exc).__name__}: {exc}"[:500]
    if attempts >= max_attempts():
        logger.error("Notification %s failed for good after %s attempts: %s", pk, attempts, error)
        ours.update(status=Status.FAILED, lease_until=None, attempts=attempts, last_error=error)
    else:
        logger.warning("Notification %s send failed (attempt %s): %s", pk, attempts, error)
        ours.update(status=Status.PENDING, lease_until=None, attempts=attempts, last_error=error,
                    next_attempt_at=now + dt.timedelta(seconds=backoff_seconds(attempts)))


def notification_sweep(*, now=None, budget_seconds: float = SWEEP_BUDGET_SECONDS) -> int:
    """Send what is due: pending rows whose time has come and rows whose lease expired.

    Safe to run beside the send task and beside another sweep: each row is claimed before it is sent.
    Returns how many this call sent.
    """
    now = now or timezone.now()
    started = time.monotonic()
    due = (Notification.objects.filter(_claimable(now)).order_by("next_attempt_at")
           .values_list("pk", flat=True)[:SWEEP_BATCH])
    sent = 0
    for pk in list(due):
        if time.monotonic() - started > budget_seconds:
            break  # the next sweep goes on; a sweep must not outlive its time limit
        sent += notification_deliver(pk, now=now)
    return sent


def notification_deliver_many(pks: Iterable[int], *, budget_seconds: float = SWEEP_BUDGET_SECONDS) -> int:
    """Send these rows one by one (each claimed first) within the budget; the sweep sends what is left."""
    started = time.monotonic()
    sent = 0
    for pk in pks:
        if time.monotonic() - started > budget_seconds:
            break
        sent += notification_deliver(pk)
    return sent


def notification_retry(notification: Notification, *, now=None) -> None:
    """An operator's retry of a failed email: back to pending with a fresh count, sent after commit."""
    now = now or timezone.now()
    Notification.objects.filter(pk=notification.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=now, lease_until=None, last_error="")
    transaction.on_commit(partial(enqueue_send, notification.pk))


# --------------------------------------------------------------------------------------------
# The reminder ledger
# --------------------------------------------------------------------------------------------


def reminder_claim(*, recipient, kind: str, subject: str, milestone_date: dt.date) -> bool:
    """Insert the ledger key; True only for the caller that inserted it (that caller sends).

    The insert runs in a savepoint: a concurrent insert of the same key waits for the other
    transaction and then hits the unique constraint, on PostgreSQL and SQLite alike. Call it in the
    same transaction as ``notification_create`` so a key is never kept without its email.
    """
    recipient_id = getattr(recipient, "pk", recipient)
    try:
        with transaction.atomic():
            SentReminder.objects.create(recipient_id=recipient_id, kind=kind, subject=subject[:120],
                                        milestone_date=milestone_date)
    except IntegrityError:
        return False
    return True


LedgerKey = tuple[int, str, str, str]  # (recipient id, kind, subject, milestone date as ISO text)


def ledger_key(recipient_id: int, kind: str, subject: str, milestone_date: dt.date | str) -> LedgerKey:
    """A ledger key as ``reminder_claim_many`` takes and returns it (subject cut as the column is)."""
    return (recipient_id, kind, subject[:120], str(milestone_date)[:10])


def reminder_claim_many(keys: Iterable[LedgerKey], *, now=None) -> set[LedgerKey]:
    """Insert many ledger keys; return those this call inserted (the only ones it may send).

    ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL; SQLite 3.35+), a few hundred keys per
    statement: a key held by a concurrent transaction makes this wait for it, then skip the key if that
    transaction committed, exactly as ``reminder_claim`` does one at a time. Keys go in sorted so two
    callers lock shared keys in the same order (no deadlock). Call it inside the transaction that writes
    the emails, so a key is never kept without its email.
    """
    now = now or timezone.now()
    rows = sorted({ledger_key(*key) for key in keys})
    if not rows:
        return set()
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 35):
        return {key for key in rows if reminder_claim(recipient=key[0], kind=key[1], subject=key[2],
                                                      milestone_date=dt.date.fromisoformat(key[3]))}
    table = connection.ops.quote_name(SentReminder._meta.db_table)
    claimed = set()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CLAIM_BATCH):
            batch = rows[start:start + CLAIM_BATCH]
            params = []
            for recipient_id, kind, subject, milestone in batch:
                params += [recipient_id, kind, subject, dt.date.fromisoformat(milestone), now]
            cursor.execute(
                f"INSERT INTO {table} (recipient_id, kind, subject, milestone_date, created_at) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(batch))} "
                "ON CONFLICT (recipient_id, kind, subject, milestone_date) DO NOTHING "
                "RETURNING recipient_id, kind, subject, milestone_date", params)
            claimed.update(ledger_key(*row) for row in cursor.fetchall())
    return claimed


# --------------------------------------------------------------------------------------------
# The daily digest
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DigestLine:
    """One line of a digest: a short label (no record content) and the link to open it.

    A reminder line carries its ledger ``key`` (kind, subject, milestone date): the digest writer claims
    it in the transaction that writes the digest and leaves the line out when the key is taken. A line
    without a key goes into every digest written while the provider returns it.
    """

    text: str
    link: str
    key: tuple[str, str, dt.date] | None = None


DigestProvider = Callable[[District, dt.date], dict[int, Iterable]]
_DIGEST_PROVIDERS: list[DigestProvider] = []


def register_digest_provider(provider: DigestProvider) -> DigestProvider:
    """Apps register ``provider(district, local_today) -> {user_id: [DigestLine or (text, link)]}``.

    Apps declare providers in their ``integrations.py`` (``Integration.digest``); ``portal.registry`` calls
    this. A provider reads all its rows for the district in a fixed number of queries, and claims nothing: it
    gives each reminder line its ledger key and ``digest_send`` claims the keys with the digest.
    """
    if provider not in _DIGEST_PROVIDERS:
        _DIGEST_PROVIDERS.append(provider)
    return provider


def unregister_digest_provider(provider: DigestProvider) -> None:
    if provider in _DIGEST_PROVIDERS:
        _DIGEST_PROVIDERS.remove(provider)


def digest_providers() -> list[DigestProvider]:
    return list(_DIGEST_PROVIDERS)


def _as_line(item) -> DigestLine:
    if isinstance(item, DigestLine):
        return dataclasses.replace(item, text=str(item.text), link=absolute_url(item.link))
    text, link = item
    return DigestLine(text=str(text), link=absolute_url(link))


def digest_lines(district: District, local_today: dt.date) -> dict[int, list[DigestLine]]:
    """Every provider's lines for the district, gathered per person."""
    lines: dict[int, list[DigestLine]] = {}
    for provider in digest_providers():
        try:
            result = provider(district, local_today)
        except Exception:
            # One broken app must not stop everyone else's digest.
            logger.exception("Digest provider %r failed for district %s", provider, district.pk)
            continue
        for user_id, items in result.items():
            lines.setdefault(user_id, []).extend(_as_line(item) for item in items)
    return lines


def digest_send(district: District, local_today: dt.date, *, now=None) -> int:
    """Write today's digest for each person of the district not yet served; returns how many were written.

    A few hundred people per transaction, in a bounded number of statements per batch (see
    ``_digest_batch``); the emails are enqueued after each commit with one task per batch.
    """
    from schools.models import User

    now = now or timezone.now()
    lines = digest_lines(district, local_today)
    if not lines:
        return 0
    # The greeting's name, without loading whole user rows (a district can have thousands of people).
    names = {pk: User(pk=pk, display_name=display_name, email=email).get_short_name()
             for pk, display_name, email in User.objects.filter(
                 pk__in=[pk for pk, items in lines.items() if items], is_active=True)
             .values_list("pk", "display_name", "email")}
    writer = _DigestWriter(district, local_today, now)
    ids = sorted(names)
    written = 0
    for start in range(0, len(ids), DIGEST_BATCH):
        batch = ids[start:start + DIGEST_BATCH]
        written += writer.write({pk: lines[pk] for pk in batch}, names)
    return written


class _DigestWriter:
    """Writes one district's digests for one local day, batch by batch (templates looked up once)."""

    def __init__(self, district, local_today, now):
        self.district, self.today, self.now = district, local_today, now
        self.subject_key = f"district:{district.pk}"
        self.subject = _("Your daily summary for %(date)s") % {"date": local_today.isoformat()}
        self.link = absolute_url(reverse("home"))
        self.portal_url = absolute_url("/")
        self.text_template = get_template("emails/digest.txt")
        self.html_template = get_template("emails/digest.html")

    def write(self, batch: dict[int, list[DigestLine]], names: dict[int, str]) -> int:
        """One transaction: digest keys, then the won people's line keys, then the outbox rows.

        Statements: one INSERT for the digest keys, one per ``CLAIM_BATCH`` line keys, at most one
        DELETE (digest keys of people left with no line), one INSERT of the outbox rows.
        """
        with transaction.atomic():
            won = {key[0] for key in reminder_claim_many(
                [(pk, "digest", self.subject_key, self.today) for pk in batch], now=self.now)}
            # Only now, holding their digest keys, claim the lines' keys: a pass that lost the digest
            # claims none of its lines, so no line is spent on a digest someone else wrote.
            line_keys = [(pk, *line.key) for pk in won for line in batch[pk] if line.key is not None]
            claimed = reminder_claim_many(line_keys, now=self.now)
            rows, empty = [], []
            for pk in sorted(won):
                kept = []
                for line in batch[pk]:
                    if line.key is not None:
                        key = ledger_key(pk, *line.key)
                        if key not in claimed:
                            continue  # sent before, or a duplicate line of this digest
                        claimed.discard(key)
                    kept.append(line)
                if kept:
                    rows.append(self._notification(pk, names[pk], kept))
                else:
                    empty.append(pk)
            if empty:
                # Every line was sent before: give the digest key back (it is ours, not committed yet).
                SentReminder.objects.filter(recipient_id__in=empty, kind="digest", subject=self.subject_key,
                                            milestone_date=self.today).delete()
            created = Notification.objects.bulk_create(rows)
            transaction.on_commit(partial(enqueue_send_many, [n.pk for n in created]))
        return len(created)

    def _notification(self, recipient_id, recipient_name, lines) -> Notification:
        ctx = {"lines": lines, "date": self.today, "district_name": self.district.name,
               "recipient_name": recipient_name, "link": self.link, "subject": self.subject,
               "portal_url": self.portal_url}
        return Notification(
            recipient_id=recipient_id, district_id=self.district.pk, kind="digest", subject=self.subject[:200],
            body_text=self.text_template.render(ctx), body_html=self.html_template.render(ctx),
            link=self.link[:500], created_at=self.now, next_attempt_at=self.now,
        )


def digest_send_hourly(*, now=None) -> int:
    """Serve every district whose local hour is its digest hour; returns the digests written.

    The ledger makes a rerun within the hour (or a second worker) harmless. A day whose digest hour
    does not exist locally (the spring DST jump) gets no digest.
    """
    now = now or timezone.now()
    written = 0
    for district in District.objects.order_by("pk"):
        local = now.astimezone(district.tz)
        if local.hour != district.digest_hour:
            continue
        try:
            written += digest_send(district, local.date(), now=now)
        except Exception:
            # One district's failure must not cost every later district its digest.
            logger.exception("Digest failed for district %s", district.pk)
    return written


# --------------------------------------------------------------------------------------------
# The webhook channel: a district's SMS or paging gateway
# --------------------------------------------------------------------------------------------
# An app keeps its own outbox rows for webhook calls (claimed like ``Notification``) and sends each with
# ``webhook_post``. The rules: https only; the host's every address public (no private, loopback,
# link-local, reserved or multicast address) unless the operator lists the host or its network in
# ``settings.WEBHOOK_ALLOWED_HOSTS``; the connection goes to the address that was checked (a second DNS
# answer cannot point it elsewhere); no redirect is followed; 5 seconds at most; the body is signed with
# HMAC-SHA256 (``X-Portal-Signature: sha256=<hex of HMAC(secret, "<timestamp>.<body>")>``, the timestamp in
# ``X-Portal-Timestamp``); the body carries plain values and a link, never a record's content.

WEBHOOK_TIMEOUT_SECONDS = 5


class WebhookError(Exception):
    """A webhook address refused by the rules, or a call that did not succeed (the message says why)."""


def _webhook_allowlist():
    import ipaddress

    hosts, networks = set(), []
    for entry in getattr(settings, "WEBHOOK_ALLOWED_HOSTS", []) or []:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.lower())
    return hosts, networks


def webhook_resolve(url: str) -> tuple[str, int, str, list[str]]:
    """Check ``url`` against the rules; returns (host, port, path with query, the checked addresses).

    Raises ``WebhookError`` with the reason in words.
    """
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError:
        raise WebhookError(_("The webhook address is not a valid URL.")) from None
    if parts.scheme != "https":
        raise WebhookError(_("A webhook address must start with https://."))
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise WebhookError(_("A webhook address needs a host name and no user name or password."))
    allowed_hosts, allowed_networks = _webhook_allowlist()
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookError(_("The webhook host %(host)s could not be found.") % {"host": host}) from None
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if host in allowed_hosts or any(ip in network for network in allowed_networks):
            continue
        if not ip.is_global or ip.is_multicast:
            raise WebhookError(_("The webhook host %(host)s is a private, local or reserved address; the "
                                 "operator must allow it first.") % {"host": host})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return host, port, path, addresses


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    import hashlib
    import hmac

    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _webhook_request(address: str, host: str, port: int, path: str, body: bytes, headers: dict,
                     timeout: float) -> int:
    """POST to the checked address (TLS checked against ``host``); returns the status; never follows a
    redirect (http.client does not)."""
    import http.client
    import socket
    import ssl

    context = ssl.create_default_context()

    class PinnedConnection(http.client.HTTPSConnection):
        def connect(self):
            sock = socket.create_connection((address, port), timeout=timeout)
            self.sock = context.wrap_socket(sock, server_hostname=host)

    connection = PinnedConnection(host, port, timeout=timeout, context=context)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()


def webhook_post(url: str, *, secret: str, payload: dict, now=None) -> None:
    """Send one signed webhook call; raises ``WebhookError`` unless the gateway answered 2xx."""
    import json

    for key, value in payload.items():
        _check_plain(value, key)
    host, port, path, addresses = webhook_resolve(url)
    body = json.dumps(payload, default=str, sort_keys=True).encode()
    timestamp = str(int((now or timezone.now()).timestamp()))
    headers = {"Content-Type": "application/json", "User-Agent": "school-safety-portal-webhook",
               "X-Portal-Timestamp": timestamp, "X-Portal-Signature": webhook_signature(secret, timestamp, body)}
    try:
        status = _webhook_request(addresses[0], host, port, path, body, headers, WEBHOOK_TIMEOUT_SECONDS)
    except (OSError, TimeoutError) as exc:
        raise WebhookError(_("The webhook call failed: %(error)s") % {"error": type(exc).__name__}) from None
    if 300 <= status < 400:
        raise WebhookError(_("The webhook answered with a redirect (%(status)s); redirects are not followed.")
                           % {"status": status})
    if not 200 <= status < 300:
        raise WebhookError(_("The webhook answered %(status)s.") % {"status": status})

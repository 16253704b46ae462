"""The ``live_worker`` fixture: a REAL Celery worker process over Redis, against the test database.

Use it for tests that must prove a task runs in another process (ARCHITECTURE.md, "Tests")::

    pytestmark = [pytest.mark.live_worker, pytest.mark.django_db(transaction=True)]

    def test_the_worker_renders_it(live_worker):
        render_document.delay(doc.pk)              # this process now publishes to the worker's queue
        live_worker.wait_for(lambda: GeneratedDocument.objects.get(pk=doc.pk).status == "done")
        live_worker.drain()                        # queue empty and the worker idle
        assert live_worker.sent_emails() == []     # emails the worker sent (file backend)

What it does:
- once per session, starts ``celery -A safety_portal worker --pool=solo --concurrency=1`` on its own queue
  and hostname, with ``DATABASE_URL`` pointing at the test database, ``PORTAL_ENV=test``,
  ``CELERY_TASK_ALWAYS_EAGER=false``, the same ``MEDIA_ROOT`` as this process and a file email backend;
  waits (bounded) for it to answer a ping, and stops it at the end of the session;
- per test, switches this process's Celery app to non-eager, the worker's broker and queue (restored
  afterwards), empties the mail folder, and at teardown purges the queue and waits for the worker to be
  idle, so no task of one test runs against the next test's data.

Needs PostgreSQL (both processes must see the same committed data; SQLite in memory cannot be shared)
and Redis; without them the test is skipped locally and fails under ``REQUIRE_ALL=1``. The Redis
database is ``LIVE_WORKER_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``); queues and hostnames are
unique per session (they carry the xdist worker id, the pid and a random part), so two sessions, or the
xdist workers of one run, can share it. Tests must use ``transaction=True``: the worker only sees
committed rows. Settings changed with the ``settings`` fixture do not reach the worker.

Under pytest-xdist each xdist worker is a session of its own: it starts its own Celery worker (on first
use), pointed at *its* test database (``connection.settings_dict`` after ``django_db_setup``, e.g.
``test_portal_gw1``) and its own ``MEDIA_ROOT`` (``safety_portal/pytest_env.py``), so a task published by
one xdist worker is never run against another's data.

Helpers for broker failures in this (the web) process: ``live_worker.web_broker(url)`` points only this
process at another broker for a block; ``closed_port_url()`` is a port nobody listens on;
``hung_broker()`` is a socket that accepts connections and never answers.
"""

import contextlib
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
START_TIMEOUT = 45
EMAIL_SEPARATOR = "\n" + "-" * 79 + "\n"


def _skip_or_fail(reason):
    from tests.conftest import skip_or_fail

    skip_or_fail(reason)


def _celery_app():
    from safety_portal.celery import app

    return app


def _reset_connections(app):
    """Drop the app's pools so the next publish uses the current ``broker_url``.

    Not closed: kombu keeps one pool per URL process-wide and would hand the closed one back.
    """
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def switched_app(*, broker_url, queue=None, eager=False):
    """Point this process's Celery app at ``broker_url`` (and ``queue``) for a block, then restore it."""
    app = _celery_app()
    conf = app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_default_queue", "task_always_eager")}
    conf.broker_url = broker_url
    if queue is not None:
        conf.task_default_queue = queue
    conf.task_always_eager = eager
    _reset_connections(app)
    try:
        yield app
    finally:
        for key, value in saved.items():
            conf[key] = value
        _reset_connections(app)


def closed_port_url(db: int = 15) -> str:
    """A Redis URL on a local port nobody listens on (connection refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/{db}"


@contextlib.contextmanager
def hung_broker(db: int = 15):
    """A Redis URL whose server accepts connections and never says a word (a hung broker)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted, stop = [], threading.Event()

    def accept_and_sleep():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn)  # kept open and never answered

    thread = threading.Thread(target=accept_and_sleep, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/{db}"
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        server.close()


def _database_url(settings_dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


class LiveWorker:
    """A handle on the worker process; see the module docstring."""

    def __init__(self, *, process, broker_url, queue, hostname, mail_dir: Path, log_path: Path):
        self.process = process
        self.broker_url = broker_url
        self.queue = queue
        self.hostname = hostname
        self.mail_dir = mail_dir
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no worker log)"

    def _redis(self):
        import redis

        return redis.Redis.from_url(self.broker_url, socket_timeout=3, socket_connect_timeout=3)

    def ping(self, timeout: float = 10.0) -> bool:
        """True when the worker answers a ping; with the solo pool it answers only between tasks."""
        app = _celery_app()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            with contextlib.suppress(Exception):
                if app.control.ping(destination=[self.hostname], timeout=0.5):
                    return True
        return False

    def wait_for(self, predicate, timeout: float = 20.0, interval: float = 0.1, message: str = ""):
        """Poll ``predicate()`` (which may query the database) until it is truthy, or fail with the log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            if self.process.poll() is not None:
                break
            time.sleep(interval)
        pytest.fail(f"{message or 'condition not met'} within {timeout}s; worker log:\n{self.log_tail()}")

    def drain(self, timeout: float = 20.0) -> None:
        """Wait until the queue is empty and the worker has finished the task in hand."""
        client = self._redis()
        self.wait_for(lambda: client.llen(self.queue) == 0, timeout=timeout,
                      message="the queue did not empty")
        # Two pings: a solo worker answers only between tasks, so the task it had taken is done.
        for _ in range(2):
            if not self.ping(timeout=timeout):
                pytest.fail(f"the worker stopped answering; log:\n{self.log_tail()}")

    def purge(self) -> None:
        self._redis().delete(self.queue)

    def forget_queue(self) -> None:
        """Remove the session's queue and its exchange bindings from Redis (they are unique per session)."""
        self._redis().delete(self.queue, f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}")

    def clear_emails(self) -> None:
        for path in self.mail_dir.glob("*"):
            path.unlink()

    def sent_emails(self) -> list[email.message.Message]:
        """Every email the worker sent since the test began, parsed."""
        messages = []
        for path in sorted(self.mail_dir.glob("*")):
            for chunk in path.read_bytes().decode("utf-8", "replace").split(EMAIL_SEPARATOR):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk))
        return messages

    @contextlib.contextmanager
    def web_broker(self, url: str):
        """Point only this (the web) process at another broker for a block; the worker keeps its own."""
        with switched_app(broker_url=url, queue=self.queue, eager=False):
            yield url


def _stop(process, timeout: float = 15.0) -> None:
    """Warm shutdown (SIGTERM), then SIGKILL if the worker does not leave in time. Only our own process."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.fixture(scope="session")
def live_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """The worker process of the session (started on first use); prefer the ``live_worker`` fixture."""
    if connection.vendor != "postgresql":
        _skip_or_fail("live_worker tests need PostgreSQL (set DATABASE_URL=postgres://...)")
    broker_url = os.environ.get("LIVE_WORKER_REDIS_URL", DEFAULT_REDIS_URL)
    try:
        import redis

        redis.Redis.from_url(broker_url, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception as exc:
        _skip_or_fail(f"live_worker tests need Redis at {broker_url} ({exc})")

    base = tmp_path_factory.mktemp("live_worker")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    log_path = base / "worker.log"
    xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    queue = f"live-worker-{xdist_worker}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    hostname = f"{queue}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safety_portal.settings",
        "PORTAL_ENV": "test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "safety_portal", "worker", "--pool=solo",
               "--concurrency=1", "-Q", queue, "-n", hostname, "--without-gossip", "--without-mingle",
               "--without-heartbeat", "--loglevel=INFO"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    worker = LiveWorker(process=process, broker_url=broker_url, queue=queue, hostname=hostname,
                        mail_dir=mail_dir, log_path=log_path)
    try:
        with switched_app(broker_url=broker_url, queue=queue):
            if not worker.ping(timeout=START_TIMEOUT):
                pytest.fail(f"the Celery worker did not answer a ping within {START_TIMEOUT}s; log:\n"
                            f"{worker.log_tail()}")
        yield worker
    finally:
        _stop(process)
        with contextlib.suppress(Exception):
            worker.forget_queue()


@pytest.fixture
def live_worker(live_worker_process, transactional_db):
    """The session's worker, with this process publishing to it for the test (non-eager)."""
    worker = live_worker_process
    if worker.process.poll() is not None:
        pytest.fail(f"the Celery worker died; log:\n{worker.log_tail()}")
    worker.purge()
    worker.clear_emails()
    with switched_app(broker_url=worker.broker_url, queue=worker.queue, eager=False):
        yield worker
        # Nothing of this test may run against the next test's data.
        worker.purge()
        worker.ping()


@pytest.fixture(autouse=True)
def _live_worker_marker(request):
    """A test marked ``live_worker`` gets the worker even when it does not ask for the handle."""
    if request.node.get_closest_marker("live_worker"):
        request.getfixturevalue("live_worker")

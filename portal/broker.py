"""Publishing Celery tasks from the web (and from sweeps) without ever waiting long on a broker that is down.

ARCHITECTURE.md "Background work": the database row is written first and the task published after commit;
an error while publishing is logged, never raised, and a beat sweep does the work later. With a hung
broker each publish costs the socket timeout (``CELERY_BROKER_TRANSPORT_OPTIONS``, 3 s), so after one
broker failure this process skips publishing for ``ENQUEUE_PAUSE_SECONDS`` (any task: there is one broker)
and leaves the work to the sweeps. Used by ``portal.notifications`` (emails) and ``compliance.services``
(document renders).

Only a broker failure pauses (kombu's ``OperationalError``: refused connection, timeout); any other error
(a message that cannot be serialised, a bug) is logged and the next publish is tried as usual.
"""

import logging
import time

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# After a broker failure, skip publishing for this long: a request that notifies five people, or asks for a
# PDF twice, must not wait the socket timeout each time.
ENQUEUE_PAUSE_SECONDS = 30

_paused_until = 0.0


def pause_reset() -> None:
    """Forget a broker failure (tests; a fresh process starts without one anyway)."""
    global _paused_until
    _paused_until = 0.0


def paused() -> bool:
    """Whether a recent broker failure makes this process skip publishing."""
    return time.monotonic() < _paused_until


def task_named(name: str):
    """The Celery task registered under ``name``.

    Services publish their tasks by name because ``<app>/tasks.py`` imports the services (a task is a thin
    wrapper around one); importing the tasks back would make a loop. Eager mode (dev, tests) still runs the
    task in-process.
    """
    from celery import current_app

    if name not in current_app.tasks:
        # A web process has not imported the tasks modules yet: this runs Celery's autodiscovery once.
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def publish(task_name: str, args: tuple | list, *, what: str) -> bool:
    """Publish ``task_name(*args)``; False (logged, never raised) when it was not published.

    ``what`` names the work in the log ("notification 12", "the render of document 7"); the sweep that
    picks it up later is the caller's. No publish retries: against a hung broker each costs the socket
    timeout, and the sweep is the retry.
    """
    global _paused_until
    if paused():
        logger.warning("Broker marked unreachable; %s left for the sweep", what)
        return False
    try:
        task_named(task_name).apply_async(tuple(args), retry=False)
    except OperationalError:
        _paused_until = time.monotonic() + ENQUEUE_PAUSE_SECONDS
        logger.exception("Could not enqueue %s (broker unreachable, publishing paused for %s s); "
                         "the sweep will do it", what, ENQUEUE_PAUSE_SECONDS)
        return False
    except Exception:
        logger.exception("Could not enqueue %s; the sweep will do it", what)
        return False
    return True

"""What keeps the tip line anonymous outside the database: logging.

Loaded by ``settings.LOGGING`` before the apps are ready, so it imports nothing of the project.

``ClientDetailsFilter`` runs on the loggers that attach the request to their records (``django.request``,
``django.security.*``, ``django.server``) and on the handlers: a record about a tip page loses its request
(whose META holds the client's address, browser and referrer), so neither a log line, a log collector
nor an error email (``AdminEmailHandler`` puts META in the mail) can carry them. ``django.server``
(runserver) attaches the client socket, whose text shows the address: it is dropped on every record.
"""

import logging

TIP_PATH_PREFIX = "/tips/"


def _is_tip_request(request) -> bool:
    path = getattr(request, "path", None)
    return isinstance(path, str) and path.startswith(TIP_PATH_PREFIX)


class ClientDetailsFilter(logging.Filter):
    """Remove what could identify a tipster from a log record (never drops the record itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and (record.name == "django.server" or _is_tip_request(request)):
            record.request = None
        return True

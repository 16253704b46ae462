"""Links from a tip to records other apps keep about it (a threat assessment case opened from a tip).

Another app registers, at import time of its ``integrations.py``, a function ``fn(request, tip) ->
[(label, url)]`` that runs at most one query; the staff tip page shows every link in "Linked records".
reporting never imports those apps: they come to it.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

TipLink = tuple[str, str]  # (label, url)

_PROVIDERS: list[Callable] = []


def register_tip_links(fn: Callable) -> Callable:
    """Add a provider ``fn(request, tip) -> list[(label, url)]`` (at most one query); usable as a decorator."""
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def unregister_tip_links(fn: Callable) -> None:
    """Remove a provider (tests)."""
    if fn in _PROVIDERS:
        _PROVIDERS.remove(fn)


def links_for_tip(request, tip) -> list[TipLink]:
    """Every registered provider's links for this tip, in registration order; a failing provider is logged
    and skipped, so one broken app never hides the tip page."""
    links: list[TipLink] = []
    for provider in _PROVIDERS:
        try:
            links.extend((str(label), str(url)) for label, url in provider(request, tip) or [])
        except Exception:
            logger.exception("Tip link provider %r failed", provider)
    return links

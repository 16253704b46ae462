"""Writing the audit log.

``record()`` never stores field values, only names. Inside a transaction the row is held back and
written once the request (or task) ends, outside any transaction, so that a rolled-back request
cannot erase the record of what was attempted (a refused access, a failed save).
"""

import contextvars
import logging

from django.db import connection

logger = logging.getLogger(__name__)

_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar("audit_pending", default=None)


def _district_id_of(obj):
    """The district a record belongs to, following its ``scope_path``; None when it has none.

    The path is walked over the record's attributes (what is already loaded costs nothing): a path that ends
    at a School gives the school's district, one that ends at a District gives it. A model with several
    paths takes the first that leads somewhere; a model without a scope path (a person) has no district.
    """
    from schools.models import District, School

    if obj is None:
        return None
    if isinstance(obj, District):
        return obj.pk
    if isinstance(obj, School):
        return obj.district_id
    paths = getattr(type(obj), "scope_path", None)
    if not paths:
        return None
    for path in paths if isinstance(paths, tuple | list) else (paths,):
        *hops, last = path.split("__")
        target = obj
        for hop in hops:
            target = getattr(target, hop, None)
            if target is None:
                break
        if target is None:
            continue
        value = getattr(target, last, None)
        if isinstance(value, District):
            return value.pk
        if isinstance(value, School):
            return value.district_id
    return None


def label_of(obj, object_id="") -> str:
    """The record in words for the audit log: its ``audit_label`` (a model opts in), else "Drill 697"."""
    label = getattr(obj, "audit_label", None)
    if label:
        return str(label)
    number = object_id or obj.pk
    name = str(obj._meta.verbose_name).capitalize()
    return f"{name} {number}" if number else name


def record(action, *, actor=None, obj=None, object_type="", object_id="", fields=(), district_id=None,
           request=None, actor_label="", note=""):
    """Log one event. ``fields`` are names only; values never reach the audit log."""
    from schools.models import AuditEvent

    object_label = ""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk or "")
        object_label = label_of(obj, object_id)
        district_id = district_id or _district_id_of(obj)
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if district_id is None and actor is not None:
        from portal.scope import active_memberships_for

        homes = {m.home_district.pk for m in active_memberships_for(actor)}
        district_id = homes.pop() if len(homes) == 1 else None
    event = AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label or (actor.email if actor is not None and actor.pk else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_label=object_label[:200],
        fields=sorted(fields),
        district_id=district_id,
        path=(request.path[:300] if request is not None else ""),
        note=note[:300],
    )
    pending = _pending.get()
    if pending is not None and connection.in_atomic_block:
        pending.append(event)
    else:
        event.save()
    return event


class deferred_writes:
    """Context in which audit rows recorded inside transactions are written at the end, outside them."""

    def __enter__(self):
        self._token = _pending.set([])
        return self

    def __exit__(self, *exc):
        events = _pending.get() or []
        _pending.reset(self._token)
        for event in events:
            try:
                event.save()
            except Exception:  # an audit failure must be loud in logs but not hide the original error
                logger.exception("Could not write audit event %s", event.action)
        return False

"""Request middleware of the shared app: control characters refused, the district time zone, the audit flush."""

import zoneinfo

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal import audit
from portal.scope import REQUEST_CACHE_ATTR, active_memberships_for


class DistrictTimezoneMiddleware:
    """Show times in the person's district time zone (their first active membership's district)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        memberships = active_memberships_for(request.user) if hasattr(request, "user") else []
        request.portal_memberships = memberships
        if getattr(request.user, "is_authenticated", False):
            # One membership query per request: for_user() calls in this request reuse the list.
            setattr(request.user, REQUEST_CACHE_ATTR, memberships)
        if memberships:
            timezone.activate(zoneinfo.ZoneInfo(memberships[0].home_district.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class AuditFlushMiddleware:
    """Audit rows recorded inside a transaction are written after the view, whatever happened to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.deferred_writes():
            return self.get_response(request)


class SchoolSwitcherMiddleware:
    """The school switcher only narrows what is shown: the chosen school must itself be in scope."""

    SESSION_KEY = "selected_school_id"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from schools.models import School

        request.selected_school = None
        school_id = request.session.get(self.SESSION_KEY) if hasattr(request, "session") else None
        if school_id and request.user.is_authenticated:
            request.selected_school = School.objects.for_user(request.user, "view").filter(pk=school_id).first()
            if request.selected_school is None:
                del request.session[self.SESSION_KEY]
        return self.get_response(request)


# C0 control characters no path, parameter name or value may hold (tab, newline and CR are allowed in values).
_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}
_CONTROL_IN_VALUES = _CONTROL - {"\t", "\n", "\r"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_control(text: str, allowed_in_values=False) -> bool:
    forbidden = _CONTROL_IN_VALUES if allowed_in_values else _CONTROL
    return any(ch in forbidden for ch in text)


def hostile_input(request) -> bool:
    """Whether the path, the query string or the form holds a NUL or another control character."""
    if has_control(request.path_info) or has_control(request.path):
        return True
    sources = [request.GET]
    if request.method == "POST" and request.content_type in _FORM_TYPES:
        sources.append(request.POST)  # text fields only: uploaded files are request.FILES
    for source in sources:
        for key, values in source.lists():
            if has_control(key) or any(has_control(v, allowed_in_values=True) for v in values if isinstance(v, str)):
                return True
    return False


class RefuseControlCharactersMiddleware:
    """400, before any database work, for a request whose path, parameter names or values hold a NUL or
    another C0 control character (tab, newline and CR are allowed in values): PostgreSQL stores no NUL,
    and no page of the portal takes control characters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = hostile_input(request)
        except Exception:  # a body Django cannot parse (too many fields, bad multipart) is no 500 either
            refused = True
        if refused:
            # Before the session and locale middleware: the language from the browser, nothing from the database.
            with translation.override(translation.get_language_from_request(request)):
                return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)

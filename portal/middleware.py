"""Request middleware of the shared app: the district time zone and the audit flush."""

import zoneinfo

from django.utils import timezone

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

"""Pages of the platform: home (with the panels apps declare), the school switcher and the audit log."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from portal import registry
from portal.crud import Column, ScopedCRUDView, get_scoped_or_404
from portal.filters import AuditFilter
from portal.middleware import SchoolSwitcherMiddleware
from schools.models import AuditEvent, School


def no_membership(request: HttpRequest) -> HttpResponse:
    """What a signed-in person with no active role sees: whom to ask, by name, and nothing else.

    The admins named are those of the districts where the person holds or held a role (an ended one, or
    an offer awaiting acceptance); someone never given a role is told whom to ask in general.
    """
    from django.db.models import Q

    from schools.models import Membership

    today = timezone.localdate()
    districts = {m.district_id or m.school.district_id
                 for m in Membership.objects.filter(user=request.user).select_related("school")}
    admins = (Membership.objects.active_on(today)
              .filter(role=Membership.Role.DISTRICT_ADMIN, district_id__in=districts, user__is_active=True)
              .exclude(Q(user=request.user))
              .select_related("user", "district").order_by("district__name", "user__display_name")[:10])
    pending = Membership.objects.filter(user=request.user, pending=True).exists()
    return render(request, "portal/no_membership.html", {"admins": admins, "pending": pending}, status=200)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page per role; a person with no active membership learns whom to ask, and nothing else."""
    memberships = request.portal_memberships
    if not memberships:
        return no_membership(request)
    context = {"memberships": memberships, "panel_templates": []}
    for panel in registry.home_panels():
        extra = dict(panel(request))
        # A panel may name its own template ("panel_template"): the home page includes each in turn.
        template = extra.pop("panel_template", None)
        context.update(extra)
        if template:
            context["panel_templates"].append(template)
    return render(request, "portal/home.html", context)


@login_required
@require_POST
def switch_school(request: HttpRequest) -> HttpResponse:
    """Narrow the pages to one school (or show all); a school outside the person's scope is a 404."""
    school_id = request.POST.get("school", "")
    if school_id:
        school = get_scoped_or_404(request, School, school_id)
        request.session[SchoolSwitcherMiddleware.SESSION_KEY] = school.pk
    else:
        request.session.pop(SchoolSwitcherMiddleware.SESSION_KEY, None)
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    if not safe:
        target = reverse("home")
    return HttpResponseRedirect(target)


class AuditEventCRUD(ScopedCRUDView):
    model = AuditEvent
    filterset_class = AuditFilter
    list_columns = ["at", "actor_label", "action", Column("record", _l("Record")), "path"]
    url_base = "auditevent"
    template_dir = "portal"
    empty_message = _l("Nothing recorded for these filters.")

    @classmethod
    def get_urls(cls):
        return [u for u in super().get_urls() if u.name.endswith(("-list", "-detail"))]

"""The operator page for the outbox: emails that failed for good, their error, and a retry button.

District admins see their own district's rows (``Notification.objects.for_user``). The page shows
subjects and errors only; bodies never carry record content anyway.
"""

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from portal import audit, notifications
from portal.crud import get_scoped_or_404, require_action, require_any
from schools.models import AuditEvent, Notification
from schools.views import PortalFilterSet


class NotificationFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(choices=Notification.Status.choices, label=_l("Status"),
                                         empty_label=_l("Any status"))
    recipient = django_filters.CharFilter(method="search_recipient",
                                          label=_l("Recipient name or email contains"))

    class Meta:
        model = Notification
        fields = ["status", "recipient"]

    def search_recipient(self, queryset, name, value):
        return queryset.filter(Q(recipient__display_name__icontains=value)
                               | Q(recipient__email__icontains=value))


@login_required
def notification_failed(request: HttpRequest) -> HttpResponse:
    """Emails that could not be delivered (failed by default; other statuses by filter)."""
    require_any(request, Notification, "view")
    data = request.GET.copy()
    data.setdefault("status", Notification.Status.FAILED)
    rows = (Notification.objects.for_user(request.user, "view").select_related("recipient")
            .order_by("-created_at", "-pk"))
    filterset = NotificationFilter(data, queryset=rows, request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(request, "portal/notification_failed.html", {"page": page, "filterset": filterset})


@login_required
@require_POST
def notification_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a failed email back in the queue; out of scope is a 404."""
    notification = get_scoped_or_404(request, Notification, pk, "view")
    require_action(request, notification, "change")
    if notification.status != Notification.Status.FAILED:
        messages.info(request, _("This email is not failed; nothing to retry."))
    else:
        with transaction.atomic():
            notifications.notification_retry(notification)
            audit.record(AuditEvent.Action.UPDATE, request=request, obj=notification,
                         fields=["status", "attempts"], note="retry")
        messages.success(request, _("The email to %(name)s will be sent again.")
                         % {"name": notification.recipient})
    return HttpResponseRedirect(reverse("portal:notification-failed"))

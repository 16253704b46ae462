"""The base of every list filter: choice filters narrowed to the person's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _l

from portal.forms import DateInput, limit_date_fields
from schools.models import AuditEvent


class PortalFilterSet(django_filters.FilterSet):
    """FilterSet whose choice filters are narrowed to the person's scope and whose dates keep to years
    1900..2200 (an out-of-range date is shown as the field's error and does not filter)."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        for f in self.filters.values():
            # ModelChoiceFilter keeps its queryset in ``f.queryset`` and copies it into ``extra`` when it
            # builds the form field: narrow both, or the choices list every school of every district.
            qs = getattr(f, "queryset", None)
            if qs is not None and hasattr(qs, "for_user"):
                f.queryset = f.extra["queryset"] = qs.for_user(request.user, "view")

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_portal_dates_limited", False):
            limit_date_fields(form.fields)
            form._portal_dates_limited = True
        return form


class AuditFilter(PortalFilterSet):
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, label=_l("Action"))
    actor_label = django_filters.CharFilter(lookup_expr="icontains", label=_l("Person (email) contains"))
    object_type = django_filters.CharFilter(lookup_expr="icontains", label=_l("Record type contains"))
    at__date__gte = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_l("From"),
                                              widget=DateInput())
    at__date__lte = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_l("To"),
                                              widget=DateInput())

    class Meta:
        model = AuditEvent
        fields = ["action", "actor_label", "object_type"]

"""List filters of the drills pages (each served by an index on ``Drill``: see ``Drill.Meta.indexes``)."""

import datetime as dt

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import local_midnight
from portal.filters import PortalFilterSet
from portal.forms import DateInput
from schools.models import School

from .models import Drill, DrillKind, DrillRequirement


class DrillFilter(PortalFilterSet):
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
    kind = django_filters.ModelChoiceFilter(queryset=DrillKind.objects.all(), label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Drill.Status.choices, label=_("Status"))
    waiting = django_filters.ChoiceFilter(choices=[
        ("results", _("Results to record (past its planned time)")),
        ("sign_off", _("Awaiting sign-off")),
        ("countersignature", _("Awaiting countersignature")),
    ], method="by_waiting", label=_("Waiting for"))
    date_from = django_filters.DateFilter(method="on_or_after", label=_("From"), widget=DateInput())
    date_to = django_filters.DateFilter(method="on_or_before", label=_("To"), widget=DateInput())

    class Meta:
        model = Drill
        fields = ["school", "kind", "status"]

    def by_waiting(self, queryset, name, value):
        """The work a drill is waiting for (the same tests as the owed tasks of drills/owed.py)."""
        queryset = queryset.current()
        if value == "results":
            return queryset.filter(status=Drill.Status.PLANNED, planned_start__lt=timezone.now())
        if value == "sign_off":
            return queryset.filter(status=Drill.Status.COMPLETED, signed_at__isnull=True)
        return queryset.filter(signed_at__isnull=False, countersigned_at__isnull=True)

    # A drill's date is when it was held, or while not held yet when it is planned.
    def on_or_after(self, queryset, name, value):
        return queryset.starting_between(local_midnight(value), dt.datetime.max.replace(tzinfo=dt.UTC))

    def on_or_before(self, queryset, name, value):
        return queryset.starting_between(
            dt.datetime.min.replace(tzinfo=dt.UTC), local_midnight(value + dt.timedelta(days=1))
        )


class DrillRequirementFilter(PortalFilterSet):
    OWNER_CHOICES = [("state", _("State rules")), ("district", _("District additions"))]

    owner = django_filters.ChoiceFilter(choices=OWNER_CHOICES, method="by_owner", label=_("Whose rule"))
    window = django_filters.ChoiceFilter(choices=DrillRequirement.Window.choices, label=_("Window"))
    confidence = django_filters.ChoiceFilter(
        choices=DrillRequirement.Confidence.choices, label=_("Confidence")
    )
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("What is counted"))

    class Meta:
        model = DrillRequirement
        fields = ["owner", "window", "confidence", "title"]

    def by_owner(self, queryset, name, value):
        return queryset.filter(district__isnull=(value == "state"))

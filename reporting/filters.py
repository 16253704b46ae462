"""Filters of the tip queue (each served by an index on ``Tip``: see ``Tip.Meta.indexes``)."""

import datetime as dt

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.dates import local_midnight
from portal.filters import PortalFilterSet
from portal.forms import DateInput
from reporting.models import Tip, TipCategory
from schools.models import School


class TipFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(choices=Tip.Status.choices, label=_("Status"))
    category = django_filters.ModelChoiceFilter(queryset=TipCategory.objects.all(), label=_("Category"))
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
    life_safety = django_filters.BooleanFilter(label=_("Life safety"))
    received_from = django_filters.DateFilter(method="on_or_after", label=_("Received from"), widget=DateInput())
    received_to = django_filters.DateFilter(method="on_or_before", label=_("Received to"), widget=DateInput())

    class Meta:
        model = Tip
        fields = ["status", "category", "school", "life_safety"]

    def on_or_after(self, queryset, name, value):
        return queryset.filter(created_at__gte=local_midnight(value))

    def on_or_before(self, queryset, name, value):
        return queryset.filter(created_at__lt=local_midnight(value + dt.timedelta(days=1)))

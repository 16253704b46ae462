"""List filters of the threat assessment pages (each served by an index: see the models' ``Meta.indexes``)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import PortalFilterSet
from portal.forms import DateInput
from schools.models import School

from . import steps as model_steps
from .models import Case, Disclosure


class CaseFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label=_("Status"))
    classification = django_filters.ChoiceFilter(choices=model_steps.CLASSIFICATION_CHOICES,
                                                 label=_("Classification"))
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
    referred_from = django_filters.DateFilter(field_name="referred_on", lookup_expr="gte", label=_("Referred from"),
                                              widget=DateInput())
    referred_to = django_filters.DateFilter(field_name="referred_on", lookup_expr="lte", label=_("Referred until"),
                                            widget=DateInput())

    class Meta:
        model = Case
        fields = ["status", "classification", "school"]


class DisclosureFilter(PortalFilterSet):
    basis = django_filters.ChoiceFilter(choices=Disclosure.Basis.choices, label=_("Basis"))
    disclosed_from = django_filters.DateFilter(field_name="disclosed_on", lookup_expr="gte", label=_("From"),
                                               widget=DateInput())
    disclosed_to = django_filters.DateFilter(field_name="disclosed_on", lookup_expr="lte", label=_("Until"),
                                             widget=DateInput())

    class Meta:
        model = Disclosure
        fields = ["basis"]

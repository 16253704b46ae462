"""List filters of the coordination pages (each served by an index of its model: see models.py)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import PortalFilterSet
from schools.models import Agency, Building, School

from .models import (
    CoordinationPlan,
    FloorPlan,
    JointExercise,
    PartnerContact,
    PlanReview,
    PlanSectionKind,
    SiteFact,
    SiteVerification,
    months_ago,
    person_today,
)


class PartnerContactFilter(PortalFilterSet):
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all(), label=_("Agency"))
    unverified = django_filters.BooleanFilter(method="by_unverified", label=_("Not verified in 12 months"))

    class Meta:
        model = PartnerContact
        fields = ["agency"]

    def by_unverified(self, queryset, name, value):
        if value is None:
            return queryset
        unverified = queryset.unverified_since(months_ago(person_today(self.request.user)))
        return unverified if value else queryset.exclude(pk__in=unverified.values("pk"))


class CoordinationPlanFilter(PortalFilterSet):
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))

    class Meta:
        model = CoordinationPlan
        fields = ["school"]


class PlanSectionKindFilter(PortalFilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("Title contains"))

    class Meta:
        model = PlanSectionKind
        fields = ["title"]


class BuildingFilter(PortalFilterSet):
    building = django_filters.ModelChoiceFilter(queryset=Building.objects.all(), label=_("Building"))


class FloorPlanFilter(BuildingFilter):
    class Meta:
        model = FloorPlan
        fields = ["building"]


class SiteFactFilter(BuildingFilter):
    kind = django_filters.ChoiceFilter(choices=SiteFact.Kind.choices, label=_("Kind"))

    class Meta:
        model = SiteFact
        fields = ["building", "kind"]


class SiteVerificationFilter(PortalFilterSet):
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))

    class Meta:
        model = SiteVerification
        fields = ["school"]


class JointExerciseFilter(PortalFilterSet):
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
    kind = django_filters.ChoiceFilter(choices=JointExercise.Kind.choices, label=_("Kind"))

    class Meta:
        model = JointExercise
        fields = ["school", "kind"]


class ResponderAccessFilter(PortalFilterSet):
    """Responder grants by school and by whether they still run (Membership's school and user indexes)."""

    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
    state = django_filters.ChoiceFilter(choices=[("active", _("Active or not started")), ("ended", _("Ended"))],
                                        method="by_state", label=_("State"))

    def by_state(self, queryset, name, value):
        today = person_today(self.request.user)
        return queryset.filter(ends_on__lt=today) if value == "ended" else queryset.filter(ends_on__gte=today)


class MyReviewFilter(PortalFilterSet):
    """A reviewer's reviews by decision (served by ``coord_review_waiting``: reviewer, decision)."""

    decision = django_filters.ChoiceFilter(choices=PlanReview.Decision.choices, label=_("Decision"))

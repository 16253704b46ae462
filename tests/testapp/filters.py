import django_filters

from portal.filters import PortalFilterSet
from portal.forms import DateInput
from schools.models import School
from tests.testapp.models import Walkthrough


class WalkthroughFilter(PortalFilterSet):
    """Each filter is served by ``walkthrough_school_date``; the school choices are narrowed to the person."""

    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label="School")
    walked_on__gte = django_filters.DateFilter(field_name="walked_on", lookup_expr="gte", label="From",
                                               widget=DateInput())
    walked_on__lte = django_filters.DateFilter(field_name="walked_on", lookup_expr="lte", label="To",
                                               widget=DateInput())

    class Meta:
        model = Walkthrough
        fields = ["school"]
